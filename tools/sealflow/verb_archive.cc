// Copyright sealflow authors.
// sealflow audit / dossier / fixity: checking and exporting the archive from the command line.
// Reading verbs open the store read-only, so they work beside a running service.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "archive/dossier.h"
#include "archive/error.h"
#include "archive/properties.h"
#include "archive/store.h"
#include "archive/timestamps.h"
#include "args.h"
#include "forms/inspect.h"
#include "forms/validator.h"
#include "signing/verifier.h"
#include "verbs.h"

namespace sealflow::cli {
namespace {

constexpr const char* kDefaultData = "sealflow-data";

constexpr const char* kAuditHelp =
    "用法 / usage: sealflow audit verify [--data DIR] [--catalog URL] [--trust TSA-ROOT.pem]...\n"
    "\n"
    "Proves the archive's audit log: every entry's SHA-256 over its canonical encoding, every\n"
    "link to the entry before it, no gaps in seq, and one ingest entry per catalogued record\n"
    "(same id and document hash). Opens the catalog read-only.\n"
    "Timestamp entries (the TSA's tokens over the chain head) are checked too: each names the\n"
    "entry it covers, and with --trust each token must verify against those anchors.\n"
    "\n"
    "options:\n"
    "  --data DIR   data directory (default ./sealflow-data)\n"
    "  --catalog URL  PostgreSQL catalog (postgresql://… or key=value; default SQLite in DIR)\n"
    "  --trust FILE   PEM trust anchor for the TSA tokens, repeatable\n"
    "\n"
    "exit: 0 the chain holds, 1 broken (the first broken seq is printed), 3 cannot read\n"
    "example:\n"
    "  sealflow audit verify --data /var/lib/sealflow\n";

constexpr const char* kDossierHelp =
    "用法 / usage: sealflow dossier list [--data DIR]\n"
    "              sealflow dossier export CREDIT_CODE -o F.zip [--data DIR] [--trust CA.pem]...\n"
    "              sealflow dossier verify F.zip [--trust CA.pem]...\n"
    "\n"
    "list     one enterprise per line: credit code, TAB, name\n"
    "export   the enterprise's records before / during / after transformation (Art. 5(7)) as a\n"
    "         BagIt (RFC 8493) ZIP: the signed PDFs by phase, data/package.xml, the verification\n"
    "         reports at export time, the audit-log extract, manifests. Written atomically;\n"
    "         progress (bytes/total) on stderr.\n"
    "verify   re-checks a package offline, without the server or its database: bag fixity,\n"
    "         every signature against the trust anchors, the audit extract's chain, and that\n"
    "         every <follows> names a PDF in the same package.\n"
    "\n"
    "options:\n"
    "  --data DIR      data directory (default ./sealflow-data)\n"
    "  --catalog URL   PostgreSQL catalog (postgresql://… or key=value; default SQLite in DIR)\n"
    "  -o, --output F  the ZIP to write (export)\n"
    "  --trust FILE    PEM trust anchor, repeatable\n"
    "\n"
    "exit (verify): 0 all good, 1 any failure (INVALID, fixity, chain, follows),\n"
    "               2 only INDETERMINATE signatures; 3 cannot read, 64 usage\n"
    "example:\n"
    "  sealflow dossier export 91410700MA46B7HW2D -o dossier.zip --data /var/lib/sealflow\n"
    "  sealflow dossier verify dossier.zip --trust root-ca.pem\n";

constexpr const char* kFixityHelp =
    "用法 / usage: sealflow fixity [--data DIR] [--catalog URL] [--four [--trust CA.pem]...]\n"
    "\n"
    "Re-hashes every catalogued blob and compares it with the catalog; progress on stderr.\n"
    "Opens the catalog read-only.\n"
    "\n"
    "--four checks every record for the four properties of DA/T 70-2018 instead, one line per\n"
    "property with the number of failing records, then each failing record's findings:\n"
    "  真实性 authenticity  signatures VALID against --trust, signers as catalogued\n"
    "  完整性 integrity     blob hash and size, required metadata, its audit entry, supersedes\n"
    "  可用性 usability     parses as PDF, fonts embedded, embedded form XML extracts and "
    "validates\n"
    "  安全性 security      read-only regular file; no JavaScript, Launch or other active "
    "content,\n"
    "                      no object streams, no embedded file besides the form XML\n"
    "\n"
    "options:\n"
    "  --data DIR   data directory (default ./sealflow-data)\n"
    "  --catalog URL  PostgreSQL catalog (postgresql://… or key=value; default SQLite in DIR)\n"
    "  --four         the four properties (真实性、完整性、可用性、安全性) instead of fixity\n"
    "  --trust FILE   PEM trust anchor for --four, repeatable\n"
    "\n"
    "exit: 0 every blob intact (every property holds), 1 any failure, 3 cannot read\n"
    "example:\n"
    "  sealflow fixity --data /var/lib/sealflow\n"
    "  sealflow fixity --four --trust root-ca.pem --data /var/lib/sealflow\n";

std::unique_ptr<archive::DocumentStore> OpenReadOnly(const Args& args) {
  archive::StoreOptions options;
  options.data_dir = args.Get("data").value_or(kDefaultData);
  options.catalog = args.Get("catalog").value_or("");
  options.read_only = true;
  return archive::DocumentStore::Open(options);
}

// "\r 1.2 MiB / 3.4 MiB  35%" on a terminal; one line at the end otherwise.
class Progress {
 public:
  explicit Progress(const char* what) : what_(what), tty_(::isatty(2) != 0) {}
  void operator()(std::uint64_t done, std::uint64_t total) {
    last_done_ = done;
    last_total_ = total;
    if (!tty_) return;
    Print('\r');
  }
  void Finish() {
    Print(tty_ ? '\r' : '\0');
    std::fputc('\n', stderr);
  }

 private:
  void Print(char lead) {
    int percent = last_total_ == 0 ? 100 : static_cast<int>(last_done_ * 100 / last_total_);
    constexpr int kWidth = 30;
    std::string bar(static_cast<std::size_t>(percent * kWidth / 100), '#');
    bar.resize(kWidth, '.');
    if (lead != '\0') std::fputc(lead, stderr);
    std::fprintf(stderr, "%s [%s] %llu/%llu bytes %3d%%", what_, bar.c_str(),
                 static_cast<unsigned long long>(last_done_),
                 static_cast<unsigned long long>(last_total_), percent);
    std::fflush(stderr);
  }
  const char* what_;
  bool tty_;
  std::uint64_t last_done_ = 0;
  std::uint64_t last_total_ = 0;
};

int AuditVerify(const Args& args) {
  auto store = OpenReadOnly(args);
  archive::AuditCheck check = store->VerifyAudit();
  for (const std::string& finding : check.findings) std::printf("%s\n", finding.c_str());
  std::vector<std::string> anchors;
  for (const std::string& path : args.GetAll("trust")) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("无法读取 / cannot read " + path);
    anchors.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  archive::AuditTimestampCheck stamps =
      archive::VerifyAuditTimestamps(*store, anchors, std::chrono::system_clock::now());
  bool stamps_ok = stamps.ok();
  if (stamps.tokens > 0 && anchors.empty()) {
    // Without anchors only the links are checked; the signatures cannot be.
    stamps_ok = true;
    std::printf(
        "时间戳令牌 %llu 个未验证签名（未给 --trust）/ %llu TSA tokens: signatures not "
        "checked (no --trust)\n",
        static_cast<unsigned long long>(stamps.tokens),
        static_cast<unsigned long long>(stamps.tokens));
    for (const std::string& finding : stamps.findings) {
      if (finding.find("does not name") != std::string::npos) {
        std::printf("%s\n", finding.c_str());
        stamps_ok = false;
      }
    }
  } else {
    for (const std::string& finding : stamps.findings) std::printf("%s\n", finding.c_str());
    if (stamps.tokens > 0) {
      std::printf("时间戳 / TSA tokens: %llu of %llu valid; latest %s covers seq %llu\n",
                  static_cast<unsigned long long>(stamps.valid),
                  static_cast<unsigned long long>(stamps.tokens),
                  stamps.latest_gen_time.empty() ? "-" : stamps.latest_gen_time.c_str(),
                  static_cast<unsigned long long>(stamps.latest_covered_seq));
    }
  }
  if (!stamps_ok) {
    std::printf("审计链时间戳无效 / audit chain timestamps INVALID\n");
    return kExitInvalid;
  }
  if (!check.ok) {
    std::printf("审计链断裂 / audit chain BROKEN at seq %llu (%llu entries)\n",
                static_cast<unsigned long long>(check.first_broken_seq),
                static_cast<unsigned long long>(check.entries));
    return kExitInvalid;
  }
  std::printf("审计链完整 / audit chain OK: %llu entries, head %s\n",
              static_cast<unsigned long long>(check.entries),
              check.head_hash.empty() ? "-" : check.head_hash.c_str());
  return kExitOk;
}

int DossierList(const Args& args) {
  auto store = OpenReadOnly(args);
  for (const archive::Party& party : store->Parties("enterprise")) {
    std::printf("%s\t%s\n", party.code.c_str(), party.name.c_str());
  }
  return kExitOk;
}

std::unique_ptr<signing::Verifier> VerifierFor(const Args& args) {
  signing::VerifierOptions options;
  options.trust_anchor_files = args.GetAll("trust");
  return signing::Verifier::Create(options);
}

int DossierExport(const Args& args) {
  auto output = args.Get("output");
  if (args.positional().size() != 2 || !output) {
    std::fprintf(stderr,
                 "sealflow dossier export: 需要 CREDIT_CODE 和 -o F.zip / need "
                 "CREDIT_CODE and -o F.zip\n");
    return kExitUsage;
  }
  auto store = OpenReadOnly(args);
  auto verifier = VerifierFor(args);
  // Written beside the target and renamed into place: a failed export leaves no package.
  std::string tmp = *output + ".tmp-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) throw std::runtime_error("无法写入 / cannot write " + *output);
  ::close(fd);
  try {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    Progress progress("导出 / export");
    archive::DossierExportOptions options;
    options.verifier = verifier.get();
    options.progress = [&progress](std::uint64_t done, std::uint64_t total) {
      progress(done, total);
    };
    archive::DossierExportSummary summary =
        archive::ExportDossier(*store, args.positional()[1], out, options);
    out.close();
    if (!out) throw std::runtime_error("无法写入 / cannot write " + tmp);
    progress.Finish();
    // fsync, then rename: the package is either whole under its name or absent.
    int sync_fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
    if (sync_fd < 0 || ::fsync(sync_fd) != 0) {
      if (sync_fd >= 0) ::close(sync_fd);
      throw std::runtime_error("fsync " + tmp + " failed");
    }
    ::close(sync_fd);
    if (::rename(tmp.c_str(), output->c_str()) != 0) {
      throw std::runtime_error("rename to " + *output + " failed");
    }
    std::printf("%s\t%s\t%llu records\t%llu bytes → %s\n", summary.credit_code.c_str(),
                summary.name.c_str(), static_cast<unsigned long long>(summary.records),
                static_cast<unsigned long long>(summary.zip_bytes), output->c_str());
    return kExitOk;
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
}

int DossierVerify(const Args& args) {
  if (args.positional().size() != 2) {
    std::fprintf(stderr, "sealflow dossier verify: 需要一个 ZIP / need one F.zip\n");
    return kExitUsage;
  }
  auto verifier = VerifierFor(args);
  archive::DossierVerifyOptions options;
  options.verifier = verifier.get();
  options.embedded_xml = [](std::string_view pdf) { return forms::InspectPdf(pdf).source_xml; };
  archive::DossierReport report = archive::VerifyDossier(args.positional()[1], options);
  for (const std::string& finding : report.findings) std::printf("%s\n", finding.c_str());
  auto mark = [](bool ok) { return ok ? "OK" : "FAILED"; };
  std::printf(
      "%s: %llu records, %llu files; fixity %s, package %s, audit %s, follows %s, "
      "signatures %s\n",
      report.credit_code.empty() ? "?" : report.credit_code.c_str(),
      static_cast<unsigned long long>(report.records),
      static_cast<unsigned long long>(report.files), mark(report.fixity_ok),
      mark(report.package_ok), mark(report.audit_ok), mark(report.follows_ok),
      signing::VerdictName(report.signatures));
  return report.ExitCode();
}

}  // namespace

int RunAudit(int argc, char** argv) {
  Args args(argc, argv, {"data", "catalog", "trust"}, {});
  if (int rc = HandleHelpAndErrors(args, "audit", kAuditHelp); rc >= 0) return rc;
  if (args.positional().size() != 1 || args.positional()[0] != "verify") {
    std::fprintf(stderr, "sealflow audit: 用法 / usage: sealflow audit verify [--data DIR]\n");
    return kExitUsage;
  }
  return AuditVerify(args);
}

int RunDossier(int argc, char** argv) {
  Args args(argc, argv, {"data", "catalog", "output", "trust"}, {}, {{"o", "output"}});
  if (int rc = HandleHelpAndErrors(args, "dossier", kDossierHelp); rc >= 0) return rc;
  const std::string sub = args.positional().empty() ? "" : args.positional()[0];
  if (sub == "list" && args.positional().size() == 1) return DossierList(args);
  if (sub == "export") return DossierExport(args);
  if (sub == "verify") return DossierVerify(args);
  std::fprintf(stderr,
               "sealflow dossier: 需要 list、export 或 verify / need list, export or "
               "verify (see --help)\n");
  return kExitUsage;
}

// `fixity --four`: the DA/T 70-2018 properties of every record.
int FourProperties(const Args& args) {
  auto store = OpenReadOnly(args);
  auto verifier = VerifierFor(args);
  auto validator = forms::Validator::Create();
  archive::PropertyOptions options;
  options.verifier = verifier.get();
  options.check_form = [&validator](std::string_view pdf) {
    std::vector<std::string> findings;
    try {
      forms::ValidationReport report = validator->Validate(forms::InspectPdf(pdf).source_xml);
      if (!report.ok()) {
        findings.push_back("内嵌表单未通过校验 / the embedded form does not validate: " +
                           forms::FormatFindings(report));
      }
    } catch (const std::exception& e) {
      findings.push_back(std::string("无法提取内嵌表单 / the embedded form cannot be read: ") +
                         e.what());
    }
    return findings;
  };
  std::uint64_t last_percent = 101;
  const bool tty = ::isatty(2) != 0;
  options.progress = [&](std::uint64_t done, std::uint64_t total) {
    std::uint64_t percent = total == 0 ? 100 : done * 100 / total;
    if (!tty || percent == last_percent) return;
    last_percent = percent;
    std::fprintf(stderr, "\r四性检测 / four properties %llu/%llu %3llu%%",
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                 static_cast<unsigned long long>(percent));
  };
  archive::PropertiesReport report = archive::CheckArchiveProperties(*store, options);
  if (tty) std::fputc('\n', stderr);
  for (archive::Property property : archive::kAllProperties) {
    std::uint64_t failed = report.failed[static_cast<std::size_t>(property)];
    std::printf("%s %-12s %s  %llu/%llu records failing\n", archive::PropertyNameZh(property),
                archive::PropertyName(property), failed == 0 ? "OK    " : "FAILED",
                static_cast<unsigned long long>(failed),
                static_cast<unsigned long long>(report.records));
  }
  for (const archive::RecordProperties& record : report.failures) {
    for (archive::Property property : archive::kAllProperties) {
      for (const std::string& finding : record.findings[static_cast<std::size_t>(property)]) {
        std::printf("%s\t%s\t%s\n", record.record_id.c_str(), archive::PropertyNameZh(property),
                    finding.c_str());
      }
    }
  }
  return report.ok() ? kExitOk : kExitInvalid;
}

int RunFixity(int argc, char** argv) {
  Args args(argc, argv, {"data", "catalog", "trust"}, {"four"});
  if (int rc = HandleHelpAndErrors(args, "fixity", kFixityHelp); rc >= 0) return rc;
  if (!args.positional().empty()) {
    std::fprintf(stderr, "sealflow fixity: 多余的参数 / unexpected argument %s\n",
                 args.positional()[0].c_str());
    return kExitUsage;
  }
  if (args.Has("four")) return FourProperties(args);
  auto store = OpenReadOnly(args);
  Progress progress("校验 / fixity");
  archive::FixityCheck check = store->CheckFixity(
      [&progress](std::uint64_t done, std::uint64_t total) { progress(done, total); });
  progress.Finish();
  for (const std::string& sha : check.missing) std::printf("缺失 / MISSING %s\n", sha.c_str());
  for (const std::string& sha : check.corrupt) std::printf("损坏 / CORRUPT %s\n", sha.c_str());
  std::printf("%llu blobs, %llu bytes: %s\n", static_cast<unsigned long long>(check.blobs),
              static_cast<unsigned long long>(check.bytes), check.ok() ? "OK" : "FAILED");
  return check.ok() ? kExitOk : kExitInvalid;
}

}  // namespace sealflow::cli
