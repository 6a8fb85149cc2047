// Copyright sealflow authors.
// The audit log's canonical encoding. Netstrings ("<len>:<bytes>,") after a versioned domain tag:
// unambiguous for any bytes (no escaping rules to get wrong in another implementation) and
// trivial to re-implement in an acceptance agency's own checker years later.
#include <string>

#include "archive/store.h"
#include "crypto.h"

namespace sealflow::archive {
namespace {

void AppendNetstring(std::string& out, const std::string& field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ',';
}

}  // namespace

const std::string& AuditGenesisHash() {
  static const std::string genesis(64, '0');
  return genesis;
}

std::string AuditContentHash(const AuditEntry& entry) {
  std::string encoded = "sealflow-audit-content-v1\n";
  AppendNetstring(encoded, entry.time);
  AppendNetstring(encoded, entry.actor);
  AppendNetstring(encoded, entry.action);
  AppendNetstring(encoded, entry.record_id);
  AppendNetstring(encoded, entry.sha256);
  return internal::Sha256Hex(encoded);
}

std::string AuditEntryHash(std::uint64_t seq, const std::string& prev_hash,
                           const std::string& content_hash) {
  std::string encoded = "sealflow-audit-entry-v1\n";
  AppendNetstring(encoded, std::to_string(seq));
  AppendNetstring(encoded, prev_hash);
  AppendNetstring(encoded, content_hash);
  return internal::Sha256Hex(encoded);
}

}  // namespace sealflow::archive
