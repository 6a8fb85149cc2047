// Copyright sealflow authors.
// The four properties (DA/T 70-2018). The PDF checks read the file's own syntax: names in
// dictionaries are never compressed unless they sit in an object stream, which is why an
// object stream is itself a security finding (our renderer and signer never write one).
#include "archive/properties.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "archive/error.h"
#include "crypto.h"

namespace sealflow::archive {
namespace {

std::vector<std::string>& Of(RecordProperties& result, Property property) {
  return result.findings[static_cast<std::size_t>(property)];
}

bool IsPdfDelimiter(char c) {
  return std::strchr("()<>[]{}/%", c) != nullptr || c == ' ' || c == '\n' || c == '\r' ||
         c == '\t' || c == '\f' || c == '\0';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Counts the PDF name tokens of interest (with #xx escapes decoded, so "/J#61vaScript" is
// JavaScript) outside string literals and stream data. "Type/X" counts /Type /X pairs: a font
// descriptor or embedded file object, as opposed to a key that refers to one.
std::map<std::string, int> CountNames(std::string_view pdf) {
  std::map<std::string, int> counts;
  static const std::set<std::string> kWanted = {
      "JavaScript", "JS",        "Launch",       "RichMedia",     "SubmitForm",
      "ImportData", "GoToE",     "EmbeddedFile", "ObjStm",        "FontDescriptor",
      "FontFile",   "FontFile2", "FontFile3",    "EmbeddedFiles", "AA",
      "OpenAction", "Filespec"};
  std::string previous;
  for (std::size_t i = 0; i < pdf.size(); ++i) {
    char c = pdf[i];
    if (c == '(') {  // a literal string: skip it (balanced parentheses, backslash escapes)
      int depth = 1;
      for (++i; i < pdf.size() && depth > 0; ++i) {
        if (pdf[i] == '\\') {
          ++i;
        } else if (pdf[i] == '(') {
          ++depth;
        } else if (pdf[i] == ')') {
          --depth;
        }
      }
      --i;
      continue;
    }
    if (c == 's' && pdf.compare(i, 6, "stream") == 0 &&
        (i + 6 < pdf.size() && (pdf[i + 6] == '\r' || pdf[i + 6] == '\n'))) {
      // Stream data is opaque (mostly compressed): skip to endstream.
      std::size_t end = pdf.find("endstream", i + 6);
      if (end == std::string_view::npos) break;
      i = end + 8;
      continue;
    }
    if (c != '/') continue;
    std::string name;
    std::size_t j = i + 1;
    for (; j < pdf.size() && !IsPdfDelimiter(pdf[j]); ++j) {
      if (pdf[j] == '#' && j + 2 < pdf.size() && HexValue(pdf[j + 1]) >= 0 &&
          HexValue(pdf[j + 2]) >= 0) {
        name += static_cast<char>(HexValue(pdf[j + 1]) * 16 + HexValue(pdf[j + 2]));
        j += 2;
      } else {
        name += pdf[j];
      }
    }
    if (kWanted.count(name) != 0) ++counts[name];
    if (previous == "Type") ++counts["Type/" + name];
    previous = std::move(name);
    i = j - 1;
  }
  return counts;
}

// 安全性 of the bytes: no active content, nothing hidden in object streams, no embedded file
// besides the form's own XML.
void CheckActiveContent(std::map<std::string, int>& names, std::vector<std::string>& security) {
  for (const char* active :
       {"JavaScript", "JS", "Launch", "RichMedia", "SubmitForm", "ImportData", "GoToE"}) {
    if (names.count(active) != 0) {
      security.push_back(std::string("含可执行或活动内容 /") + active +
                         " / the PDF holds active content (/" + active + ")");
    }
  }
  if (names.count("ObjStm") != 0) {
    security.push_back(
        "含压缩对象流，无法逐一检查 / the PDF hides objects in compressed object "
        "streams (/ObjStm), which this check cannot inspect");
  }
  if (names["Type/EmbeddedFile"] > 1) {
    security.push_back("嵌入文件 " + std::to_string(names["Type/EmbeddedFile"]) +
                       " 个 / the PDF embeds " + std::to_string(names["Type/EmbeddedFile"]) +
                       " files; only the form's own XML is allowed");
  }
}

// 可用性 of the bytes: every font described is embedded.
void CheckFontsEmbedded(std::map<std::string, int>& names, std::vector<std::string>& usability) {
  const int programs = names["FontFile"] + names["FontFile2"] + names["FontFile3"];
  if (names["Type/FontDescriptor"] > programs) {
    usability.push_back("有字体未嵌入 / " + std::to_string(names["Type/FontDescriptor"]) +
                        " font descriptors but only " + std::to_string(programs) +
                        " embedded font programs");
  }
}

std::string ReadBlob(const std::string& path, bool* found) {
  std::ifstream in(path, std::ios::binary);
  *found = static_cast<bool>(in);
  if (!in) return std::string();
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

const char* PropertyName(Property property) {
  switch (property) {
    case Property::kAuthenticity:
      return "authenticity";
    case Property::kIntegrity:
      return "integrity";
    case Property::kUsability:
      return "usability";
    case Property::kSecurity:
      return "security";
  }
  return "?";
}

const char* PropertyNameZh(Property property) {
  switch (property) {
    case Property::kAuthenticity:
      return "真实性";
    case Property::kIntegrity:
      return "完整性";
    case Property::kUsability:
      return "可用性";
    case Property::kSecurity:
      return "安全性";
  }
  return "?";
}

RecordProperties CheckIncoming(std::string_view pdf, const signing::VerificationReport& report,
                               const std::vector<std::string>& form_findings) {
  RecordProperties result;
  auto& authenticity = Of(result, Property::kAuthenticity);
  auto& usability = Of(result, Property::kUsability);
  auto& security = Of(result, Property::kSecurity);
  if (!report.is_pdf) usability.push_back("无法解析为 PDF / the bytes do not parse as a PDF");
  if (report.signatures.empty()) {
    authenticity.push_back("没有签名 / the PDF has no signature");
  } else if (report.verdict != signing::Verdict::kValid) {
    authenticity.push_back(std::string("签名验证结果为 ") + signing::VerdictName(report.verdict) +
                           " / the signatures verify as " + signing::VerdictName(report.verdict));
  }
  std::map<std::string, int> names = CountNames(pdf);
  CheckActiveContent(names, security);
  CheckFontsEmbedded(names, usability);
  for (const std::string& finding : form_findings) usability.push_back(finding);
  return result;
}

RecordProperties CheckRecordProperties(const DocumentStore& store, const DocumentRecord& record,
                                       const PropertyOptions& options) {
  RecordProperties result;
  result.record_id = record.id;
  auto& authenticity = Of(result, Property::kAuthenticity);
  auto& integrity = Of(result, Property::kIntegrity);
  auto& usability = Of(result, Property::kUsability);
  auto& security = Of(result, Property::kSecurity);

  // 完整性: metadata, audit entry, supersedes, then the bytes themselves.
  const std::pair<const char*, const std::string*> required[] = {
      {"form_type", &record.form_type},   {"document_id", &record.document_id},
      {"party_kind", &record.party_kind}, {"party_code", &record.party_code},
      {"party_name", &record.party_name}, {"verdict", &record.verdict},
      {"stored_at", &record.stored_at},   {"sha256", &record.sha256}};
  for (const auto& [field, value] : required) {
    if (value->empty()) {
      integrity.push_back(std::string("缺少元数据 ") + field + " / required metadata " + field +
                          " is empty");
    }
  }
  if (record.signers.empty()) {
    integrity.push_back("缺少签署人 / no signer is catalogued");
  }
  int ingest_entries = 0;
  for (const AuditEntry& entry : store.AuditEntriesFor({record.id})) {
    if ((entry.action == "ingest" || entry.action == "migrate") && entry.sha256 == record.sha256) {
      ++ingest_entries;
    }
  }
  if (ingest_entries != 1) {
    integrity.push_back("审计条目数为 " + std::to_string(ingest_entries) + " / the audit log has " +
                        std::to_string(ingest_entries) +
                        " ingest entries for this record and hash (expected 1)");
  }
  if (!record.supersedes.empty() && !store.Get(record.supersedes)) {
    integrity.push_back("被更正的记录不存在 / the superseded record " + record.supersedes +
                        " does not exist");
  }
  if (!internal::IsSha256Hex(record.sha256)) {
    integrity.push_back("记录的哈希无效 / the record's sha256 is not a SHA-256");
    return result;
  }
  const std::string path = store.BlobPath(record);
  bool found = false;
  const std::string bytes = ReadBlob(path, &found);
  if (!found) {
    integrity.push_back("文件缺失 / the blob is missing");
    return result;
  }
  if (bytes.size() != record.size || internal::Sha256Hex(bytes) != record.sha256) {
    integrity.push_back(
        "文件内容与登记的哈希不符 / the blob does not hash to the catalogued "
        "SHA-256 (or has another size)");
  }

  // 安全性: the file, then the PDF's active content.
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    security.push_back("文件不是普通文件 / the blob is not a regular file");
  } else if ((st.st_mode & 0222) != 0) {
    security.push_back("文件可写 / the blob has write permission bits (mode " +
                       std::to_string(st.st_mode & 0777) + " decimal); archived files are 0444");
  }
  std::map<std::string, int> names = CountNames(bytes);
  CheckActiveContent(names, security);

  // 真实性 and the PDF half of 可用性 come from one verification.
  if (record.verdict != "VALID") {
    authenticity.push_back("入库时的验证结论为 " + record.verdict +
                           " / the verdict at ingest was " + record.verdict);
  }
  if (options.verifier == nullptr) {
    authenticity.push_back("未配置验证器 / no verifier: signatures were not checked");
  } else {
    signing::VerificationReport report = options.verifier->Verify(bytes);
    if (!report.is_pdf) {
      usability.push_back("无法解析为 PDF / the bytes do not parse as a PDF");
    }
    if (report.signatures.empty()) {
      authenticity.push_back("没有签名 / the PDF has no signature");
    } else if (report.verdict != signing::Verdict::kValid) {
      authenticity.push_back(std::string("签名验证结果为 ") + signing::VerdictName(report.verdict) +
                             " / the signatures verify as " + signing::VerdictName(report.verdict));
    }
    std::vector<std::string> signers;
    for (const signing::SignatureReport& signature : report.signatures) {
      signers.push_back(signature.signer_subject);
    }
    if (!report.signatures.empty() && signers != record.signers) {
      authenticity.push_back(
          "签署人与登记不符 / the PDF's signers differ from the catalogued "
          "signers");
    }
  }
  CheckFontsEmbedded(names, usability);
  if (!options.check_form) {
    usability.push_back("未检查内嵌表单 / the embedded form was not checked (no form checker)");
  } else {
    for (std::string& finding : options.check_form(bytes)) usability.push_back(finding);
  }
  return result;
}

PropertiesReport CheckArchiveProperties(const DocumentStore& store,
                                        const PropertyOptions& options) {
  PropertiesReport report;
  const std::uint64_t total = store.Count();
  if (options.progress) options.progress(0, total);
  SearchQuery query;
  query.limit = kMaxSearchLimit;
  for (;;) {
    SearchPage page = store.Search(query);
    for (const DocumentRecord& record : page.records) {
      RecordProperties checked = CheckRecordProperties(store, record, options);
      ++report.records;
      for (Property property : kAllProperties) {
        if (!checked.ok(property)) ++report.failed[static_cast<std::size_t>(property)];
      }
      if (!checked.ok() && report.failures.size() < 100) {
        report.failures.push_back(std::move(checked));
      }
      if (options.progress) options.progress(report.records, total);
    }
    if (page.next_cursor.empty()) break;
    query.cursor = page.next_cursor;
  }
  return report;
}

}  // namespace sealflow::archive
