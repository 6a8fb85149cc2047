// Copyright sealflow authors.
// Checking a dossier package with nothing but the file and the trust anchors. Every problem is
// a finding in the report; only an unopenable file throws.
#include <Poco/DOM/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SAX/XMLReader.h>

#include <map>
#include <set>
#include <sstream>

#include "archive/dossier.h"
#include "archive/error.h"
#include "archive/zip.h"
#include "crypto.h"
#include "dossier_format.h"

namespace sealflow::archive {
namespace {

using Poco::XML::Element;

constexpr std::uint64_t kMaxTagFileBytes = 64u << 20;

struct PackageRecord {
  std::string id, form_type, document_id, path, sha256, supersedes;
  std::uint64_t size = 0;
};

Poco::XML::AutoPtr<Poco::XML::Document> ParseXml(const std::string& xml) {
  Poco::XML::DOMParser parser;
  parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
  parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
  parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, true);
  return parser.parseString(xml);
}

// The <follows> child of a form's root element: (formType, documentId, sha256), or nothing.
std::optional<std::array<std::string, 3>> FollowsOf(const std::string& form_xml) {
  Poco::XML::AutoPtr<Poco::XML::Document> doc = ParseXml(form_xml);
  Element* root = doc->documentElement();
  if (root == nullptr) return std::nullopt;
  for (Poco::XML::Node* node = root->firstChild(); node != nullptr; node = node->nextSibling()) {
    if (node->nodeType() != Poco::XML::Node::ELEMENT_NODE || node->localName() != "follows") {
      continue;
    }
    auto* follows = static_cast<Element*>(node);
    return std::array<std::string, 3>{follows->getAttribute("formType"),
                                      follows->getAttribute("documentId"),
                                      follows->getAttribute("sha256")};
  }
  return std::nullopt;
}

// "<hash>  <path>" lines (any run of spaces or tabs between). Bad lines become findings.
std::map<std::string, std::string> ParseManifest(const std::string& text, const std::string& name,
                                                 std::vector<std::string>& problems) {
  std::map<std::string, std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::size_t space = line.find_first_of(" \t");
    std::size_t path_at = space == std::string::npos ? space : line.find_first_not_of(" \t", space);
    if (path_at == std::string::npos || !internal::IsSha256Hex(line.substr(0, space))) {
      problems.push_back(name + " 行格式错误 / malformed line: " + line);
      continue;
    }
    std::string path = line.substr(path_at);
    if (!lines.emplace(path, line.substr(0, space)).second) {
      problems.push_back(name + " 重复列出 / lists twice: " + path);
    }
  }
  return lines;
}

class Checker {
 public:
  Checker(const std::string& path, const DossierVerifyOptions& options)
      : zip_(path), options_(options) {}

  DossierReport Run() {
    try {
      if (FindRoot()) {
        CheckTags();
        CheckPayload();
        CheckPackage();
        CheckAudit();
      }
    } catch (const std::exception& e) {
      // A package this broken is a fixity failure, not an error of the checker.
      Fail(report_.fixity_ok, "fixity",
           std::string("包无法读取 / unreadable package: ") + e.what());
    }
    return std::move(report_);
  }

 private:
  void Fail(bool& area, const char* name, const std::string& finding) {
    area = false;
    report_.findings.push_back(std::string(name) + ": " + finding);
  }

  // Every entry lives under one folder "dossier-<code>/".
  bool FindRoot() {
    for (const ZipEntry& entry : zip_.entries()) {
      std::size_t slash = entry.name.find('/');
      std::string top = slash == std::string::npos ? "" : entry.name.substr(0, slash + 1);
      if (top.empty()) {
        Fail(report_.fixity_ok, "fixity", "顶层文件 / file outside the bag folder: " + entry.name);
        return false;
      }
      if (root_.empty()) root_ = top;
      if (top != root_) {
        Fail(report_.fixity_ok, "fixity", "多个顶层目录 / more than one top-level folder");
        return false;
      }
    }
    if (root_.empty()) Fail(report_.fixity_ok, "fixity", "空包 / empty package");
    return !root_.empty();
  }

  const ZipEntry* Entry(const std::string& name) { return zip_.Find(root_ + name); }

  // A tag file's bytes, or nullopt (with a finding) if it is missing or fails its CRC.
  std::optional<std::string> ReadTag(const std::string& name) {
    const ZipEntry* entry = Entry(name);
    if (entry == nullptr) {
      Fail(report_.fixity_ok, "fixity", "缺少 / missing " + name);
      return std::nullopt;
    }
    bool crc_ok = false;
    std::string bytes = zip_.ReadAll(*entry, kMaxTagFileBytes, &crc_ok);
    if (!crc_ok) Fail(report_.fixity_ok, "fixity", "CRC-32 不符 / CRC-32 mismatch: " + name);
    return bytes;
  }

  void CheckTags() {
    std::optional<std::string> bagit = ReadTag("bagit.txt");
    if (bagit && bagit->rfind("BagIt-Version: ", 0) != 0) {
      Fail(report_.fixity_ok, "fixity", "bagit.txt 无版本 / bagit.txt has no BagIt-Version");
    }
    bag_info_ = ReadTag("bag-info.txt").value_or("");
    manifest_text_ = ReadTag("manifest-sha256.txt").value_or("");
    std::optional<std::string> tagmanifest = ReadTag("tagmanifest-sha256.txt");
    if (!tagmanifest) return;
    std::vector<std::string> problems;
    auto tags = ParseManifest(*tagmanifest, "tagmanifest-sha256.txt", problems);
    for (const std::string& p : problems) Fail(report_.fixity_ok, "fixity", p);
    for (const char* required : {"bagit.txt", "bag-info.txt", "manifest-sha256.txt"}) {
      if (tags.count(required) == 0) {
        Fail(report_.fixity_ok, "fixity",
             std::string("tagmanifest 未列出 / tagmanifest does not list ") + required);
      }
    }
    for (const auto& [name, hash] : tags) {
      std::optional<std::string> bytes;
      if (name == "bagit.txt" || name == "bag-info.txt" || name == "manifest-sha256.txt") {
        bytes = ReadTag(name);
      } else {
        Fail(report_.fixity_ok, "fixity", "tagmanifest 列出未知文件 / unexpected tag file " + name);
        continue;
      }
      if (bytes && internal::Sha256Hex(*bytes) != hash) {
        Fail(report_.fixity_ok, "fixity", "标签文件哈希不符 / tag file hash mismatch: " + name);
      }
    }
  }

  // Every manifest line against its file, and every file in data/ in the manifest.
  void CheckPayload() {
    std::vector<std::string> problems;
    manifest_ = ParseManifest(manifest_text_, "manifest-sha256.txt", problems);
    for (const std::string& p : problems) Fail(report_.fixity_ok, "fixity", p);
    std::set<std::string> known_tags = {"bagit.txt", "bag-info.txt", "manifest-sha256.txt",
                                        "tagmanifest-sha256.txt"};
    std::uint64_t octets = 0;
    std::uint64_t streams = 0;
    for (const ZipEntry& entry : zip_.entries()) {
      std::string name = entry.name.substr(root_.size());
      if (name.rfind("data/", 0) != 0) {
        if (known_tags.count(name) == 0) {
          Fail(report_.fixity_ok, "fixity", "多余的文件 / unexpected file " + name);
        }
        continue;
      }
      if (manifest_.count(name) == 0) {
        Fail(report_.fixity_ok, "fixity", "清单未列出 / not in the manifest: " + name);
      }
    }
    for (const auto& [name, hash] : manifest_) {
      const ZipEntry* entry = Entry(name);
      if (entry == nullptr) {
        Fail(report_.fixity_ok, "fixity", "缺少文件 / missing file " + name);
        continue;
      }
      ++report_.files;
      ++streams;
      octets += entry->size;
      internal::Sha256Hasher hasher;
      bool crc_ok = zip_.Read(*entry, [&](std::string_view chunk) { hasher.Update(chunk); });
      std::string actual = hasher.FinalHex();
      if (!crc_ok) Fail(report_.fixity_ok, "fixity", "CRC-32 不符 / CRC-32 mismatch: " + name);
      if (actual != hash) {
        Fail(report_.fixity_ok, "fixity", "哈希不符 / SHA-256 mismatch: " + name);
      } else {
        verified_.insert(name);
      }
    }
    std::string oxum = "Payload-Oxum: " + std::to_string(octets) + "." + std::to_string(streams);
    if (bag_info_.find(oxum + "\n") == std::string::npos) {
      Fail(report_.fixity_ok, "fixity",
           "Payload-Oxum 不符 / Payload-Oxum does not match (" + oxum.substr(14) + ")");
    }
  }

  std::optional<std::string> ReadPayload(const std::string& name, std::uint64_t max) {
    const ZipEntry* entry = Entry(name);
    if (entry == nullptr || verified_.count(name) == 0) return std::nullopt;
    return zip_.ReadAll(*entry, max, nullptr);
  }

  void CheckPackage() {
    std::optional<std::string> xml = ReadPayload(internal::kPackageXml, kMaxTagFileBytes);
    if (!xml) {
      Fail(report_.package_ok, "package", "缺少或损坏 / missing or damaged data/package.xml");
      return;
    }
    try {
      Poco::XML::AutoPtr<Poco::XML::Document> doc = ParseXml(*xml);
      Element* root = doc->documentElement();
      if (root == nullptr || root->localName() != "package" ||
          root->namespaceURI() != internal::kPackageNamespace) {
        Fail(report_.package_ok, "package", "不是 sealflow 封装包说明 / not a sealflow package");
        return;
      }
      Element* enterprise = root->getChildElementNS(internal::kPackageNamespace, "enterprise");
      if (enterprise != nullptr) report_.credit_code = enterprise->getAttribute("creditCode");
      Poco::XML::AutoPtr<Poco::XML::NodeList> list =
          root->getElementsByTagNameNS(internal::kPackageNamespace, "record");
      for (unsigned long i = 0; i < list->length(); ++i) {
        auto* element = static_cast<Element*>(list->item(i));
        Element* file = element->getChildElementNS(internal::kPackageNamespace, "file");
        PackageRecord record;
        record.id = element->getAttribute("id");
        record.form_type = element->getAttribute("formType");
        record.document_id = element->getAttribute("documentId");
        record.supersedes = element->getAttribute("supersedes");
        if (file != nullptr) {
          record.path = file->getAttribute("path");
          record.sha256 = file->getAttribute("sha256");
        }
        records_.push_back(record);
      }
    } catch (const Poco::Exception& e) {
      Fail(report_.package_ok, "package",
           "package.xml 无法解析 / cannot parse: " + e.displayText());
      return;
    }
    report_.records = records_.size();
    std::map<std::string, const PackageRecord*> by_sha;
    std::set<std::string> ids;
    for (const PackageRecord& record : records_) {
      by_sha[record.sha256] = &record;
      ids.insert(record.id);
    }
    for (const PackageRecord& record : records_) {
      if (!record.supersedes.empty() && ids.count(record.supersedes) == 0) {
        Fail(report_.package_ok, "package",
             "被更正的记录不在包中 / record " + record.id + " supersedes " + record.supersedes +
                 ", which is not in the package");
      }
      auto listed = manifest_.find(record.path);
      if (listed == manifest_.end() || listed->second != record.sha256) {
        Fail(report_.package_ok, "package",
             "记录与文件不符 / record " + record.id + ": " + record.path +
                 " is missing or its hash differs from package.xml");
        continue;
      }
      std::optional<std::string> pdf = ReadPayload(record.path, options_.max_document_bytes);
      if (!pdf) continue;  // already a fixity finding
      CheckSignatures(record, *pdf);
      CheckFollows(record, *pdf, by_sha);
    }
  }

  void CheckSignatures(const PackageRecord& record, const std::string& pdf) {
    signing::VerificationReport report = options_.verifier->Verify(pdf);
    if (report.verdict == signing::Verdict::kValid) return;
    if (report.verdict == signing::Verdict::kInvalid ||
        report_.signatures == signing::Verdict::kValid) {
      report_.signatures = report.verdict;
    }
    std::string detail;
    for (const std::string& f : report.findings) detail += "; " + f;
    for (const signing::SignatureReport& s : report.signatures) {
      for (const std::string& f : s.findings) detail += "; " + f;
    }
    report_.findings.push_back(std::string("signature: ") + record.path + ": " +
                               signing::VerdictName(report.verdict) + detail);
  }

  void CheckFollows(const PackageRecord& record, const std::string& pdf,
                    const std::map<std::string, const PackageRecord*>& by_sha) {
    std::optional<std::array<std::string, 3>> follows;
    try {
      follows = FollowsOf(options_.embedded_xml(pdf));
    } catch (const std::exception& e) {
      Fail(report_.follows_ok, "follows",
           record.path + ": 无法读取内嵌表单 / cannot read the embedded form: " + e.what());
      return;
    }
    if (!follows) return;  // the first document of its line (e.g. a diagnostic report)
    const auto& [form_type, document_id, sha256] = *follows;
    auto it = by_sha.find(sha256);
    if (it == by_sha.end()) {
      Fail(report_.follows_ok, "follows",
           record.path + " 所承接的文件不在包中 / follows " + form_type + " " + document_id +
               " sha256 " + sha256 + ", which names no PDF in this package");
      return;
    }
    if (it->second->form_type != form_type || it->second->document_id != document_id) {
      Fail(report_.follows_ok, "follows",
           record.path + ": <follows> 的类型或编号与文件不符 / names " + form_type + " " +
               document_id + " but that hash is " + it->second->form_type + " " +
               it->second->document_id);
    }
  }

  void CheckAudit() {
    std::optional<std::string> text = ReadPayload(internal::kAuditJsonl, kMaxTagFileBytes * 16);
    if (!text) {
      Fail(report_.audit_ok, "audit", "缺少或损坏 / missing or damaged data/audit.jsonl");
      return;
    }
    std::map<std::string, std::string> full;  // record id -> sha256 of its entry
    std::istringstream in(*text);
    std::string line;
    std::uint64_t expected_seq = 0;
    std::string prev;
    std::uint64_t line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      const std::string where = "audit.jsonl:" + std::to_string(line_no) + ": ";
      try {
        Poco::JSON::Parser parser;
        Poco::JSON::Object::Ptr object = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
        AuditEntry entry;
        entry.seq = object->getValue<Poco::UInt64>("seq");
        entry.prev_hash = object->getValue<std::string>("prevHash");
        entry.entry_hash = object->getValue<std::string>("entryHash");
        std::string content_hash;
        if (object->has("contentHash")) {
          content_hash = object->getValue<std::string>("contentHash");
        } else {
          entry.time = object->getValue<std::string>("time");
          entry.actor = object->getValue<std::string>("actor");
          entry.action = object->getValue<std::string>("action");
          entry.record_id = object->getValue<std::string>("recordId");
          entry.sha256 = object->getValue<std::string>("sha256");
          content_hash = AuditContentHash(entry);
          if (!full.emplace(entry.record_id, entry.sha256).second) {
            Fail(report_.audit_ok, "audit", where + "记录重复 / record listed twice");
          }
        }
        if (expected_seq != 0 && entry.seq != expected_seq) {
          Fail(report_.audit_ok, "audit",
               where + "序号不连续 / seq " + std::to_string(entry.seq) + ", expected " +
                   std::to_string(expected_seq));
        }
        if (expected_seq != 0 && entry.prev_hash != prev) {
          Fail(report_.audit_ok, "audit",
               where + "链断裂 / chain broken at seq " + std::to_string(entry.seq));
        }
        if (AuditEntryHash(entry.seq, entry.prev_hash, content_hash) != entry.entry_hash) {
          Fail(report_.audit_ok, "audit",
               where + "条目哈希不符 / entry hash mismatch at seq " + std::to_string(entry.seq));
        }
        expected_seq = entry.seq + 1;
        prev = entry.entry_hash;
      } catch (const Poco::Exception& e) {
        Fail(report_.audit_ok, "audit", where + "无法解析 / unreadable: " + e.displayText());
      }
    }
    for (const PackageRecord& record : records_) {
      auto it = full.find(record.id);
      if (it == full.end()) {
        Fail(report_.audit_ok, "audit",
             "记录没有审计条目 / no audit entry for record " + record.id);
      } else if (it->second != record.sha256) {
        Fail(report_.audit_ok, "audit",
             "审计条目哈希与记录不符 / audit sha256 differs for record " + record.id);
      }
      full.erase(record.id);
    }
    for (const auto& [id, sha] : full) {
      Fail(report_.audit_ok, "audit",
           "审计条目没有对应记录 / audit entry for unknown record " + id);
    }
  }

  ZipReader zip_;
  const DossierVerifyOptions& options_;
  DossierReport report_;
  std::string root_;
  std::string bag_info_;
  std::string manifest_text_;
  std::map<std::string, std::string> manifest_;  // path -> sha256
  std::set<std::string> verified_;               // payload paths whose hash matched
  std::vector<PackageRecord> records_;
};

}  // namespace

int DossierReport::ExitCode() const {
  if (!fixity_ok || !audit_ok || !follows_ok || !package_ok) return 1;
  if (signatures == signing::Verdict::kInvalid) return 1;
  return signatures == signing::Verdict::kIndeterminate ? 2 : 0;
}

DossierReport VerifyDossier(const std::string& zip_path, const DossierVerifyOptions& options) {
  if (options.verifier == nullptr || !options.embedded_xml) {
    throw ArchiveError(ArchiveErrorCode::kArgument,
                       "VerifyDossier needs a verifier and an embedded_xml reader");
  }
  std::unique_ptr<Checker> checker;
  try {
    checker = std::make_unique<Checker>(zip_path, options);
  } catch (const ArchiveError& e) {
    if (e.code() == ArchiveErrorCode::kNotFound) throw;
    DossierReport report;
    report.fixity_ok = false;
    report.findings.push_back(std::string("fixity: ") + e.what());
    return report;
  }
  return checker->Run();
}

}  // namespace sealflow::archive
