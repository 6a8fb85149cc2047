// Copyright sealflow authors.
// An enterprise's dossier (Art. 5(7): its records before, during and after transformation) as
// a BagIt bag (RFC 8493) serialised as a ZIP, and the offline check of such a package.
//
// Package layout (one top-level folder, dossier-<creditCode>/):
//   bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt
//   data/<phase>/<formType>-<documentId>.pdf   the signed originals, byte for byte
//                                              ("-<recordId>" appended when two share a name)
//   data/package.xml        every record's metadata, hashes, signers, phase, supersedes
//                           (a package description in the spirit of DA/T 48-2009)
//   data/verification/<recordId>.json   the signature verification report at export time
//   data/audit.jsonl        the audit-log segment from this enterprise's first to its last
//                           entry: its own entries in full, every other party's entry reduced
//                           to seq, prevHash, contentHash and entryHash, so the chain is
//                           provable without revealing other enterprises' records
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "archive/store.h"
#include "signing/verifier.h"

namespace sealflow::archive {

struct DossierExportOptions {
  // Required: produces data/verification/*.json. Not owned.
  const signing::Verifier* verifier = nullptr;
  // The export time: Bagging-Date, the ZIP timestamps, package.xml's created attribute.
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
  // (PDF bytes written, PDF bytes in the dossier), after each document.
  ProgressFn progress;
  std::string source_organization = "新乡市工业和信息化局";
};

struct DossierExportSummary {
  std::string credit_code;
  std::string name;
  std::uint64_t records = 0;
  std::uint64_t payload_bytes = 0;  // Payload-Oxum's octet count
  std::uint64_t zip_bytes = 0;
};

// Writes the package to `out` in one pass (no seeking; chunked HTTP is fine). Memory holds one
// document at a time plus per-record metadata, whatever the dossier's size. Throws
// ArchiveError(kNotFound) before writing anything if the enterprise has no records, kIo if a
// blob is missing or corrupt or the stream fails (the partial output must then be discarded).
DossierExportSummary ExportDossier(const DocumentStore& store, const std::string& credit_code,
                                   std::ostream& out, const DossierExportOptions& options);

struct DossierVerifyOptions {
  // Required: the trust anchors the signatures are checked against. Not owned.
  const signing::Verifier* verifier = nullptr;
  // The form XML embedded in a signed PDF (forms::InspectPdf(pdf).source_xml); throw if there
  // is none. Injected so that archive does not depend on forms.
  std::function<std::string(std::string_view pdf)> embedded_xml;
  // Documents larger than this are not read into memory for signature checks (a finding).
  std::uint64_t max_document_bytes = 256u << 20;
};

struct DossierReport {
  std::string credit_code;
  std::uint64_t records = 0;
  std::uint64_t files = 0;  // payload files checked
  bool fixity_ok = true;    // bag structure, manifests, CRCs, Payload-Oxum
  bool audit_ok = true;     // the audit extract's chain and its match to the records
  bool follows_ok = true;   // every <follows> names a PDF in the bag
  bool package_ok = true;   // package.xml readable and consistent with the files
  signing::Verdict signatures = signing::Verdict::kValid;  // the worst over all documents
  std::vector<std::string> findings;  // each prefixed by its area: "fixity: ", "audit: ", ...

  bool ok() const {
    return fixity_ok && audit_ok && follows_ok && package_ok &&
           signatures == signing::Verdict::kValid;
  }
  // 0 all good; 1 any INVALID signature or any fixity, audit, follows or package failure;
  // 2 only INDETERMINATE signatures.
  int ExitCode() const;
};

// Checks a package offline: no store, no server. Never throws for a bad package (that is a
// report); throws ArchiveError(kNotFound) if the file cannot be opened.
DossierReport VerifyDossier(const std::string& zip_path, const DossierVerifyOptions& options);

// The folder and file name a record gets inside the bag (without the top-level folder):
// "data/<phase>/<formType>-<documentId>.pdf", unsafe characters replaced by '_'.
std::string DossierPdfPath(const DocumentRecord& record);

}  // namespace sealflow::archive
