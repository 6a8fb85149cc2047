// Copyright sealflow authors.
// The four properties of an electronic record (DA/T 70-2018): 真实性 authenticity, 完整性
// integrity, 可用性 usability, 安全性 security — checked for one record (e.g. right after ingest)
// or for the whole archive on demand (`sealflow fixity --four`).
//
// What each property means here:
//   真实性 authenticity  the PDF's signatures verify (VALID against the trust anchors) and its
//                        signers are the ones catalogued, in order; the record was VALID at ingest
//   完整性 integrity     the blob hashes to the catalogued SHA-256 and has its size; the required
//                        metadata is present; exactly one ingest audit entry names the record
//                        with that SHA-256; the record it supersedes (if any) exists
//   可用性 usability     the bytes parse as a PDF; every font it describes is embedded; the
//                        embedded form XML can be extracted and validates (through
//                        PropertyOptions::check_form, because the archive does not know forms)
//   安全性 security      the blob is a regular read-only file (no write permission bits); the PDF
//                        holds no executable or active content (JavaScript, Launch, RichMedia,
//                        SubmitForm, ImportData, GoToE), no compressed object streams that would
//                        hide objects from this check, and no embedded file besides the form XML
// Findings are values, not exceptions (a failed property is an answer); ArchiveError is thrown
// only when the catalog itself cannot be read.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/store.h"
#include "signing/verifier.h"

namespace sealflow::archive {

enum class Property { kAuthenticity, kIntegrity, kUsability, kSecurity };
inline constexpr std::size_t kPropertyCount = 4;
inline constexpr std::array<Property, kPropertyCount> kAllProperties = {
    Property::kAuthenticity, Property::kIntegrity, Property::kUsability, Property::kSecurity};

const char* PropertyName(Property property);    // "authenticity" ...
const char* PropertyNameZh(Property property);  // "真实性" ...

struct PropertyOptions {
  // Required for authenticity: checks the signatures against its trust anchors. Not owned.
  const signing::Verifier* verifier = nullptr;
  // Usability of the embedded form: extract the XML from the PDF and validate it against its
  // schema version; returns findings ("中文 / English"), empty when usable. Unset: the check is
  // reported as not performed (a usability finding), never silently passed.
  std::function<std::vector<std::string>(std::string_view pdf)> check_form;
  // (records done, records total) for whole-archive checks.
  ProgressFn progress;
};

// The verdict on one record: findings per property (index = static_cast<size_t>(Property)).
struct RecordProperties {
  std::string record_id;
  std::array<std::vector<std::string>, kPropertyCount> findings;
  bool ok(Property property) const { return findings[static_cast<std::size_t>(property)].empty(); }
  bool ok() const {
    for (const auto& f : findings) {
      if (!f.empty()) return false;
    }
    return true;
  }
};

struct PropertiesReport {
  std::uint64_t records = 0;
  std::array<std::uint64_t, kPropertyCount> failed{};  // records failing each property
  std::vector<RecordProperties> failures;              // the first 100 failing records
  bool ok() const {
    for (std::uint64_t f : failed) {
      if (f != 0) return false;
    }
    return true;
  }
};

// The four properties of a document about to be ingested, judged from what ingest has already
// established (the verification report; the embedded form's findings, empty when it validated)
// and one scan of the bytes, so nothing is verified twice: authenticity (VALID, signed),
// usability (a PDF, fonts embedded, the form usable) and security (no active content, no object
// streams, no embedded file but the form's). Integrity is the store's to guarantee as it stores
// (hash, size, audit entry) and is not judged here. The same rules as CheckRecordProperties.
RecordProperties CheckIncoming(std::string_view pdf, const signing::VerificationReport& report,
                               const std::vector<std::string>& form_findings);

// Checks one catalogued record (reads its blob; memory: one document).
RecordProperties CheckRecordProperties(const DocumentStore& store, const DocumentRecord& record,
                                       const PropertyOptions& options);

// Checks every record, in pages (memory does not grow with the catalog).
PropertiesReport CheckArchiveProperties(const DocumentStore& store, const PropertyOptions& options);

}  // namespace sealflow::archive
