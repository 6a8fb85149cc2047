// Copyright sealflow authors.
// Exporting a dossier: one pass over the enterprise's records, each PDF read (and its hash
// checked) once, verified, and streamed into the ZIP; the tag files, which depend on what came
// before, go last.
#include <Poco/JSON/Object.h>

#include <ctime>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <set>
#include <sstream>

#include "archive/dossier.h"
#include "archive/error.h"
#include "archive/zip.h"
#include "crypto.h"
#include "dossier_format.h"

namespace sealflow::archive {
namespace internal {

std::string BagFolder(const std::string& credit_code) {
  return "dossier-" + SafeFileName(credit_code);
}

std::string SafeFileName(const std::string& text) {
  std::string out;
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || (c == '.' && !out.empty());
    out.push_back(ok ? c : '_');
  }
  return out.empty() ? "_" : out;
}

namespace {
std::string JsonQuote(const std::string& text) {
  std::ostringstream out;
  Poco::JSON::Stringifier::formatString(text, out, Poco::JSON_WRAP_STRINGS);
  return out.str();
}
}  // namespace

std::string AuditLineFull(const AuditEntry& e) {
  return "{\"seq\":" + std::to_string(e.seq) + ",\"prevHash\":" + JsonQuote(e.prev_hash) +
         ",\"time\":" + JsonQuote(e.time) + ",\"actor\":" + JsonQuote(e.actor) +
         ",\"action\":" + JsonQuote(e.action) + ",\"recordId\":" + JsonQuote(e.record_id) +
         ",\"sha256\":" + JsonQuote(e.sha256) + ",\"entryHash\":" + JsonQuote(e.entry_hash) + "}";
}

std::string AuditLineRedacted(const AuditEntry& e) {
  return "{\"seq\":" + std::to_string(e.seq) + ",\"prevHash\":" + JsonQuote(e.prev_hash) +
         ",\"contentHash\":" + JsonQuote(AuditContentHash(e)) +
         ",\"entryHash\":" + JsonQuote(e.entry_hash) + "}";
}

std::string XmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // Control characters other than tab/newline are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += "\xEF\xBF\xBD";  // U+FFFD
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

std::string IsoUtc(std::chrono::system_clock::time_point when) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(buffer, n);
}

}  // namespace internal

namespace {

using internal::XmlEscape;

// Wraps a ZipWriter entry with the SHA-256 the manifests need.
class HashedEntry {
 public:
  HashedEntry(ZipWriter& zip, const std::string& name) : zip_(zip) { zip_.BeginEntry(name); }
  void Write(std::string_view bytes) {
    zip_.Write(bytes);
    hasher_.Update(bytes);
    size_ += bytes.size();
  }
  std::string End() {
    zip_.EndEntry();
    return hasher_.FinalHex();
  }
  std::uint64_t size() const { return size_; }

 private:
  ZipWriter& zip_;
  internal::Sha256Hasher hasher_;
  std::uint64_t size_ = 0;
};

}  // namespace

std::string DossierPdfPath(const DocumentRecord& record) {
  return std::string("data/") + PhaseName(record.phase) + "/" +
         internal::SafeFileName(record.form_type) + "-" +
         internal::SafeFileName(record.document_id) + ".pdf";
}

DossierExportSummary ExportDossier(const DocumentStore& store, const std::string& credit_code,
                                   std::ostream& out, const DossierExportOptions& options) {
  if (options.verifier == nullptr) {
    throw ArchiveError(ArchiveErrorCode::kArgument, "ExportDossier needs a verifier");
  }
  std::vector<DocumentRecord> records = store.ListParty("enterprise", credit_code);
  if (records.empty()) {
    throw ArchiveError(ArchiveErrorCode::kNotFound,
                       "该企业没有存档记录 / no records for enterprise " + credit_code);
  }
  const auto now = options.clock();
  const std::string created = internal::IsoUtc(now);
  DossierExportSummary summary;
  summary.credit_code = credit_code;
  summary.name = records.back().party_name;
  summary.records = records.size();

  // Paths: the plain name for the first record that wants it, "-<id>" for later ones.
  std::map<std::string, std::string> path_of;  // record id -> path inside data/
  std::set<std::string> taken;
  std::map<std::string, std::string> superseded_by;
  std::uint64_t total = 0;
  for (const DocumentRecord& record : records) {
    std::string path = DossierPdfPath(record);
    if (!taken.insert(path).second) {
      path = path.substr(0, path.size() - 4) + "-" + internal::SafeFileName(record.id) + ".pdf";
      taken.insert(path);
    }
    path_of[record.id] = path;
    if (!record.supersedes.empty()) superseded_by[record.supersedes] = record.id;
    total += record.size;
  }

  const std::string root = internal::BagFolder(credit_code) + "/";
  ZipWriter zip(out, now);
  std::string manifest;  // "<sha256>  <path>\n" per payload file
  std::uint64_t payload_files = 0;
  // known_sha256: the bytes' SHA-256 when already proven (a PDF read through ReadBytes).
  auto add_payload = [&](const std::string& path, std::string_view bytes,
                         const std::string& known_sha256 = "") {
    zip.AddEntry(root + path, bytes);
    manifest +=
        (known_sha256.empty() ? internal::Sha256Hex(bytes) : known_sha256) + "  " + path + "\n";
    summary.payload_bytes += bytes.size();
    ++payload_files;
  };

  std::ostringstream package;
  package << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          << "<!-- 电子档案封装包说明（参照 DA/T 48-2009）/ package description, in the spirit of "
             "DA/T 48-2009 -->\n"
          << "<package xmlns=\"" << internal::kPackageNamespace << "\" version=\"1.0\" created=\""
          << created << "\">\n"
          << "  <enterprise creditCode=\"" << XmlEscape(credit_code) << "\" name=\""
          << XmlEscape(summary.name) << "\"/>\n";

  std::uint64_t done = 0;
  if (options.progress) options.progress(0, total);
  // Reading and verifying the next kAhead documents overlaps with writing this one (kAhead + 1
  // documents in memory at most): verification is most of an export's CPU, writing most of its
  // I/O, and two loaders keep two cores busy.
  constexpr std::size_t kAhead = 2;
  struct Loaded {
    std::string pdf;
    signing::VerificationReport report;
  };
  auto load = [&store, &options](const DocumentRecord& record) {
    Loaded loaded;
    // ReadBytes checks size and SHA-256: a corrupt blob stops the export (kIo), it is never
    // packaged as the signed original.
    loaded.pdf = store.ReadBytes(record);
    loaded.report = options.verifier->Verify(loaded.pdf);
    return loaded;
  };
  std::deque<std::future<Loaded>> ahead;
  std::size_t launched = 0;
  auto launch_up_to = [&](std::size_t limit) {
    for (; launched < records.size() && launched < limit; ++launched) {
      ahead.push_back(std::async(std::launch::async, load, std::cref(records[launched])));
    }
  };
  for (std::size_t i = 0; i < records.size(); ++i) {
    const DocumentRecord& record = records[i];
    launch_up_to(i + kAhead);
    Loaded loaded = ahead.front().get();  // rethrows the reader's ArchiveError
    ahead.pop_front();
    launch_up_to(i + 1 + kAhead);
    const std::string& pdf = loaded.pdf;
    const signing::VerificationReport& report = loaded.report;
    const std::string& path = path_of[record.id];
    add_payload(path, pdf, record.sha256);
    const std::string report_path =
        "data/verification/" + internal::SafeFileName(record.id) + ".json";
    add_payload(report_path, report.ToJson());
    auto by = superseded_by.find(record.id);
    package << "  <record id=\"" << XmlEscape(record.id) << "\" phase=\"" << PhaseName(record.phase)
            << "\" formType=\"" << XmlEscape(record.form_type) << "\" documentId=\""
            << XmlEscape(record.document_id) << "\" storedAt=\"" << XmlEscape(record.stored_at)
            << "\" supersedes=\"" << XmlEscape(record.supersedes) << "\" supersededBy=\""
            << (by == superseded_by.end() ? "" : XmlEscape(by->second)) << "\">\n"
            << "    <party kind=\"" << XmlEscape(record.party_kind) << "\" creditCode=\""
            << XmlEscape(record.party_code) << "\" name=\"" << XmlEscape(record.party_name)
            << "\"/>\n"
            << "    <file path=\"" << XmlEscape(path) << "\" size=\"" << record.size
            << "\" sha256=\"" << record.sha256 << "\" mimeType=\"application/pdf\"/>\n";
    for (const std::string& signer : record.signers) {
      package << "    <signer>" << XmlEscape(signer) << "</signer>\n";
    }
    package << "    <verification ingestVerdict=\"" << XmlEscape(record.verdict)
            << "\" exportVerdict=\"" << signing::VerdictName(report.verdict) << "\" verifiedAt=\""
            << created << "\" report=\"" << XmlEscape(report_path) << "\"/>\n"
            << "  </record>\n";
    done += record.size;
    if (options.progress) options.progress(done, total);
  }

  // The audit segment: from this enterprise's first entry to its last, others redacted.
  std::vector<std::string> ids;
  for (const DocumentRecord& record : records) ids.push_back(record.id);
  std::vector<AuditEntry> own = store.AuditEntriesFor(ids);
  std::set<std::string> own_ids(ids.begin(), ids.end());
  std::optional<AuditEntry> head = store.AuditHead();
  {
    HashedEntry audit(zip, root + internal::kAuditJsonl);
    if (!own.empty()) {
      store.ForEachAuditEntry(own.front().seq, own.back().seq, [&](const AuditEntry& entry) {
        bool mine = own_ids.count(entry.record_id) != 0;
        audit.Write((mine ? internal::AuditLineFull(entry) : internal::AuditLineRedacted(entry)) +
                    "\n");
      });
    }
    std::uint64_t size = audit.size();
    manifest += audit.End() + "  " + internal::kAuditJsonl + "\n";
    summary.payload_bytes += size;
    ++payload_files;
  }
  if (head) {
    package << "  <auditHead seq=\"" << head->seq << "\" entryHash=\"" << head->entry_hash
            << "\"/>\n";
  }
  package << "</package>\n";
  add_payload(internal::kPackageXml, package.str());

  std::string bag_info = "Source-Organization: " + options.source_organization + "\n" +
                         "Bagging-Date: " + created.substr(0, 10) + "\n" +
                         "External-Identifier: " + credit_code + "\n" +
                         "External-Description: 企业数字化转型档案（改造前、中、后期）/ "
                         "enterprise transformation dossier (Art. 5(7))\n" +
                         "Payload-Oxum: " + std::to_string(summary.payload_bytes) + "." +
                         std::to_string(payload_files) + "\n" + "Bag-Software-Agent: sealflow\n";
  if (head) {
    bag_info += "Sealflow-Audit-Head: " + std::to_string(head->seq) + " " + head->entry_hash + "\n";
  }
  std::string tagmanifest;
  for (const auto& [name, bytes] :
       std::vector<std::pair<std::string, std::string>>{{"bagit.txt", internal::kBagitTxt},
                                                        {"bag-info.txt", bag_info},
                                                        {"manifest-sha256.txt", manifest}}) {
    zip.AddEntry(root + name, bytes);
    tagmanifest += internal::Sha256Hex(bytes) + "  " + name + "\n";
  }
  zip.AddEntry(root + "tagmanifest-sha256.txt", tagmanifest);
  zip.Finish();
  summary.zip_bytes = zip.bytes_written();
  return summary;
}

}  // namespace sealflow::archive
