// Copyright sealflow authors.
// What the dossier exporter writes and the offline verifier reads back: names and small
// encodings shared by both, so they cannot drift apart.
#pragma once

#include <string>

#include "archive/store.h"

namespace sealflow::archive::internal {

inline constexpr const char* kBagitTxt = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
inline constexpr const char* kPackageXml = "data/package.xml";
inline constexpr const char* kAuditJsonl = "data/audit.jsonl";
inline constexpr const char* kPackageNamespace = "urn:sealflow:dossier:1";

// "dossier-<creditCode>" with unsafe characters replaced.
std::string BagFolder(const std::string& credit_code);
// Letters, digits, '-', '_', '.' kept (not a leading '.'); anything else becomes '_'.
std::string SafeFileName(const std::string& text);
// One JSON object per line. Full: seq, prevHash, time, actor, action, recordId, sha256,
// entryHash. Redacted (another party's entry): seq, prevHash, contentHash, entryHash.
std::string AuditLineFull(const AuditEntry& entry);
std::string AuditLineRedacted(const AuditEntry& entry);
std::string XmlEscape(const std::string& text);
std::string IsoUtc(std::chrono::system_clock::time_point when);

}  // namespace sealflow::archive::internal
