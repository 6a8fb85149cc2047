// Copyright sealflow authors.
// sealflow sign / verify.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "args.h"
#include "signing/credentials.h"
#include "signing/ocsp.h"
#include "signing/signer.h"
#include "signing/timestamp.h"
#include "signing/verifier.h"
#include "tsa_http.h"
#include "verbs.h"

namespace sealflow::cli {
namespace {

constexpr const char* kSignHelp =
    "用法 / usage: sealflow sign IN.pdf -o OUT.pdf (--key K.pem --cert C.pem [--chain CHAIN.pem]\n"
    "                                               | --p12 F.p12 [--password-file F])\n"
    "                             [--field NAME] [--reason TEXT] [--location TEXT]\n"
    "                             [--certify P1|P2|P3] [--lock FIELD]... [--seal [--seal-purpose "
    "TEXT]\n"
    "                              [--seal-org NAME] [--seal-signer NAME] [--seal-font F.ttf]]\n"
    "                             [--tsa URL] [--ltv [--crl CRL]... [--ocsp URL | --ocsp-aia]]\n"
    "\n"
    "Adds a PAdES B-B signature (SubFilter ETSI.CAdES.detached, SHA-256, signing-certificate-v2,\n"
    "no signingTime attribute; the time is in /M) as an incremental update: the input bytes stay\n"
    "unchanged and earlier signatures stay valid. A field the form prepared (one per signature\n"
    "block) is signed in place; otherwise a new invisible field is added. The signer's key stays\n"
    "on the signer's machine: the service prepares the PDF, the signer runs this command.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE      the signed PDF (required; written atomically)\n"
    "  --key FILE             PEM private key (with --cert)\n"
    "  --cert FILE            PEM signer certificate\n"
    "  --chain FILE           PEM intermediate/root certificates to embed\n"
    "  --p12 FILE             PKCS#12 with key, certificate and chain (instead of --key/--cert)\n"
    "  --password-file FILE   the key's or PKCS#12's password (first line)\n"
    "  --field NAME           signature field name (default: Signature1)\n"
    "  --reason TEXT          /Reason, e.g. 申报\n"
    "  --location TEXT        /Location, e.g. 新乡市\n"
    "  --certify P1|P2|P3     certification signature (DocMDP): P1 no changes, P2 form filling\n"
    "                         and signing, P3 also annotations; only as the first signature\n"
    "  --lock FIELD           FieldMDP: lock this field (repeatable; \"all\" locks every field)\n"
    "  --seal                 draw a red seal (电子印章) with signer and date in the field\n"
    "  --seal-purpose TEXT    the seal's bottom line, e.g. 合同专用章\n"
    "  --seal-org NAME        the name on the seal (default: the certificate's O)\n"
    "  --seal-signer NAME     the name beside it (default: the certificate's CN)\n"
    "  --seal-font FILE       TrueType font (default: $SEALFLOW_FONT_DIR or the build's\n"
    "                         share/fonts, wqy-microhei.ttf)\n"
    "  --tsa URL              PAdES B-T: a signature timestamp from this RFC 3161 TSA (http://)\n"
    "  --ltv                  PAdES B-LT: then add a DSS with the certificates of the signatures\n"
    "                         (signer chain, TSA) and the --crl files, as a second update\n"
    "  --crl FILE             PEM or DER CRL for the DSS (repeatable; with --ltv)\n"
    "  --ocsp URL             with --ltv: ask this OCSP responder (http://) about every\n"
    "                         certificate of the signatures' chains and put the answers in the "
    "DSS\n"
    "  --ocsp-aia             the same, each certificate's own responder (authorityInfoAccess);\n"
    "                         a responder that fails or answers wrongly makes signing fail\n"
    "\n"
    "exit: 0 signed, 3 failure (unreadable key, wrong password, field exists, ...)\n"
    "example:\n"
    "  sealflow sign application.pdf -o application-signed.pdf \\\n"
    "      --key tests/data/pki/provider.key --cert tests/data/pki/provider.pem --field provider\n"
    "  sealflow sign contract-signed.pdf -o contract-countersigned.pdf --p12 enterprise.p12 \\\n"
    "      --password-file pass.txt --field enterprise --seal --seal-purpose 合同专用章 \\\n"
    "      --lock enterprise\n"
    "  sealflow sign decision.pdf -o decision-final.pdf --p12 bureau.p12 --password-file pass.txt "
    "\\\n"
    "      --field county --certify P2\n";

constexpr const char* kVerifyHelp =
    "用法 / usage: sealflow verify FILE|DIR... [--trust CA.pem]... [--crl CRL]...\n"
    "                              [--ocsp URL | --ocsp-aia] [--json | --brief]\n"
    "\n"
    "Verifies every signature of each PDF like the strict validators (EU DSS, pyHanko): ByteRange\n"
    "structure (four numbers from 0, the gap exactly this signature's /Contents, ending exactly\n"
    "at a revision's %%EOF, no overlap with another signature), message digest, CMS signature,\n"
    "the certificate chain to the trust anchors, key usage, revocation (--crl, the document's\n"
    "DSS, then --ocsp), and what every later revision changed: only new signatures, DSS,\n"
    "document timestamps and permitted form filling may follow a signature. Signature\n"
    "timestamps (PAdES B-T) and document timestamps (B-LTA) are verified; a valid one proves\n"
    "the signature existed at its time, and certificates and revocation are judged then\n"
    "(otherwise now).\n"
    "One line per signature: verdict, field, signer, signing time, timestamp, ETSI indication\n"
    "and sub-indication, findings; the detailed report as JSON with --json; or one line per\n"
    "file with --brief (batch use). A directory stands for the *.pdf files in it (sorted).\n"
    "\n"
    "options:\n"
    "  --trust FILE   PEM trust anchor (repeatable); without one, chains are INDETERMINATE\n"
    "  --crl FILE     PEM or DER CRL for revocation checking (repeatable)\n"
    "  --ocsp URL     ask this OCSP responder (http://) about certificates that neither the CRLs\n"
    "                 nor the document's DSS cover; an unreachable responder is noted, not a\n"
    "                 failure\n"
    "  --ocsp-aia     the same, each certificate's own responder (authorityInfoAccess)\n"
    "  --json         print the detailed report as JSON (an array, one object per file)\n"
    "  --brief        one line per file: verdict and the number of signatures\n"
    "  --jobs N       verify with N threads (default: the number of CPUs, at most 8); the\n"
    "                 output keeps the order of the files\n"
    "\n"
    "exit: 0 all VALID, 1 any INVALID, 2 otherwise (INDETERMINATE)\n"
    "example:\n"
    "  sealflow verify application-signed.pdf --trust tests/data/pki/root-ca.pem\n"
    "  sealflow verify --brief incoming/ --trust tests/data/pki/root-ca.pem\n"
    "  → application-signed.pdf: VALID 有效 [provider] 签名人 / signer CN=…, 2026-03-01T08:00:00Z\n"
    "    (TOTAL_PASSED)\n";

const char* VerdictChinese(signing::Verdict verdict) {
  switch (verdict) {
    case signing::Verdict::kValid:
      return "有效";
    case signing::Verdict::kInvalid:
      return "无效";
    case signing::Verdict::kIndeterminate:
      return "无法确定";
  }
  return "无法确定";
}

// The renderer's font folder: $SEALFLOW_FONT_DIR, else the build's share/fonts.
std::string DefaultFontDir() {
  const char* env = std::getenv("SEALFLOW_FONT_DIR");
  if (env != nullptr && *env != '\0') return env;
  return SEALFLOW_DEFAULT_FONT_DIR;
}

std::string FirstLine(const std::string& text) {
  auto end = text.find_first_of("\r\n");
  return end == std::string::npos ? text : text.substr(0, end);
}

// Reads a whole file into `buffer`, reusing its capacity (no new allocation, and so no fresh
// pages to fault in, per file of a batch). Throws std::runtime_error naming the path.
void ReadInto(const std::string& path, std::string& buffer) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) throw std::runtime_error("cannot read " + path);
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> owner(file, &std::fclose);
  buffer.clear();
  char chunk[65536];
  while (const std::size_t n = std::fread(chunk, 1, sizeof chunk, file)) buffer.append(chunk, n);
  if (std::ferror(file)) throw std::runtime_error("cannot read " + path);
}

}  // namespace

int RunSign(int argc, char** argv) {
  Args args(argc, argv,
            {"output", "key", "cert", "chain", "p12", "password-file", "field", "reason",
             "location", "tsa", "crl", "certify", "lock", "seal-purpose", "seal-org", "seal-signer",
             "seal-font", "ocsp"},
            {"ltv", "seal", "ocsp-aia"}, {{"o", "output"}});
  if (int rc = HandleHelpAndErrors(args, "sign", kSignHelp); rc >= 0) return rc;
  auto output = args.Get("output");
  bool pem = args.Get("key") && args.Get("cert");
  bool p12 = args.Get("p12").has_value();
  if (args.positional().size() != 1 || !output || pem == p12) {
    std::fprintf(stderr,
                 "sealflow sign: 需要 IN.pdf、-o OUT.pdf，以及 --key/--cert 或 --p12 其一 / need "
                 "IN.pdf, -o OUT.pdf and either --key with --cert or --p12\n");
    return kExitUsage;
  }
  if ((!args.GetAll("crl").empty() || args.Get("ocsp") || args.Has("ocsp-aia")) &&
      !args.Has("ltv")) {
    std::fprintf(stderr, "sealflow sign: --crl、--ocsp 需要 --ltv / --crl and --ocsp need --ltv\n");
    return kExitUsage;
  }
  if (args.Get("ocsp") && args.Has("ocsp-aia")) {
    std::fprintf(stderr,
                 "sealflow sign: --ocsp 与 --ocsp-aia 不能同用 / --ocsp and --ocsp-aia "
                 "exclude each other\n");
    return kExitUsage;
  }
  signing::DocMdp certify = signing::DocMdp::kNone;
  if (auto level = args.Get("certify")) {
    if (*level == "P1") {
      certify = signing::DocMdp::kNoChanges;
    } else if (*level == "P2") {
      certify = signing::DocMdp::kFormFilling;
    } else if (*level == "P3") {
      certify = signing::DocMdp::kFormFillingAndAnnotations;
    } else {
      std::fprintf(stderr, "sealflow sign: --certify 取 P1、P2 或 P3 / takes P1, P2 or P3\n");
      return kExitUsage;
    }
  }
  const bool seal = args.Has("seal");
  for (const char* option : {"seal-purpose", "seal-org", "seal-signer", "seal-font"}) {
    if (!seal && args.Get(option)) {
      std::fprintf(stderr, "sealflow sign: --%s 需要 --seal / needs --seal\n", option);
      return kExitUsage;
    }
  }
  std::string password;
  if (auto file = args.Get("password-file")) password = FirstLine(ReadFileOrThrow(*file));
  signing::Credentials credentials =
      p12 ? signing::Credentials::FromPkcs12(*args.Get("p12"), password)
          : signing::Credentials::FromPem(*args.Get("key"), *args.Get("cert"),
                                          args.Get("chain").value_or(""), password);
  std::string subject = credentials.SubjectName();
  signing::SignerOptions options;
  TimestampSetup tsa;  // PAdES B-T with --tsa
  if (auto url = args.Get("tsa")) {
    tsa = MakeTimestampSetup(*url, "", "", "");
    options.timestamp = tsa.client;
  }
  auto signer = signing::Signer::Create(std::move(credentials), options);
  signing::SignRequest request;
  request.field_name = args.Get("field").value_or("Signature1");
  request.reason = args.Get("reason").value_or("");
  request.location = args.Get("location").value_or("");
  request.certify = certify;
  request.lock_fields = args.GetAll("lock");
  if (seal) {
    signing::SealAppearance appearance;
    appearance.purpose = args.Get("seal-purpose").value_or("");
    appearance.organization = args.Get("seal-org").value_or("");
    appearance.signer_name = args.Get("seal-signer").value_or("");
    appearance.font_path = args.Get("seal-font").value_or(DefaultFontDir() + "/wqy-microhei.ttf");
    request.seal = appearance;
  }
  std::string signed_pdf = signer->Sign(ReadFileOrThrow(args.positional()[0]), request);
  if (args.Has("ltv")) {  // PAdES B-LT
    signing::ValidationData ltv;
    ltv.certificates = signing::CertificatesInSignatures(signed_pdf);
    for (const auto& file : args.GetAll("crl")) {
      for (auto& crl : signing::DerCrls(ReadFileOrThrow(file))) ltv.crls.push_back(std::move(crl));
    }
    if (args.Get("ocsp") || args.Has("ocsp-aia")) {
      ltv.ocsp_responses = signing::FetchOcspResponses(
          ltv.certificates, args.Get("ocsp").value_or(""), signing::HttpOcspTransport());
    }
    signed_pdf = signing::AddValidationData(signed_pdf, ltv);
  }
  WriteFileAtomically(*output, signed_pdf);
  std::printf("%s → %s: 已签名 / signed, field %s, signer %s, %zu bytes\n",
              args.positional()[0].c_str(), output->c_str(), request.field_name.c_str(),
              subject.c_str(), signed_pdf.size());
  return kExitOk;
}

int RunVerify(int argc, char** argv) {
  Args args(argc, argv, {"trust", "crl", "jobs", "ocsp"}, {"json", "brief", "ocsp-aia"});
  if (int rc = HandleHelpAndErrors(args, "verify", kVerifyHelp); rc >= 0) return rc;
  if (args.positional().empty()) {
    std::fprintf(stderr, "sealflow verify: 需要至少一个 PDF / need at least one FILE\n");
    return kExitUsage;
  }
  if (args.Has("json") && args.Has("brief")) {
    std::fprintf(stderr,
                 "sealflow verify: --json 与 --brief 不能同用 / --json and --brief "
                 "exclude each other\n");
    return kExitUsage;
  }
  std::vector<std::string> files;
  for (const auto& path : args.positional()) {
    std::error_code error;
    if (!std::filesystem::is_directory(path, error)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(path)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_regular_file() && name.size() > 4 &&
          (name.compare(name.size() - 4, 4, ".pdf") == 0 ||
           name.compare(name.size() - 4, 4, ".PDF") == 0)) {
        found.push_back(entry.path().string());
      }
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  signing::VerifierOptions options;
  options.trust_anchor_files = args.GetAll("trust");
  options.crl_files = args.GetAll("crl");
  options.ocsp_url = args.Get("ocsp").value_or("");
  options.ocsp_use_aia = args.Has("ocsp-aia");
  unsigned jobs = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  if (auto value = args.Get("jobs")) {
    const int n = std::atoi(value->c_str());
    if (n < 1 || n > 64) {
      std::fprintf(stderr, "sealflow verify: --jobs 取 1 到 64 / --jobs takes 1 to 64\n");
      return kExitUsage;
    }
    jobs = static_cast<unsigned>(n);
  }
  // Several files at once keep every core busy with whole verifications: no helper thread to
  // hash ahead (it would only add handoffs); one file at a time uses it.
  options.digest_ahead = jobs == 1 || files.size() == 1;
  auto verifier = signing::Verifier::Create(options);
  bool any_invalid = false, all_valid = true, json = args.Has("json"), brief = args.Has("brief");
  if (json) std::printf("[");
  bool first = true;
  auto print = [&](const std::string& file, const signing::VerificationReport& report) {
    any_invalid |= report.verdict == signing::Verdict::kInvalid;
    all_valid &= report.verdict == signing::Verdict::kValid;
    if (brief) {
      // e.g. "a.pdf: VALID 有效, 2 个签名 / signatures" (+ the first failing sub-indication)
      std::printf("%s: %s %s, %zu 个签名 / signatures", file.c_str(),
                  signing::VerdictName(report.verdict), VerdictChinese(report.verdict),
                  report.signatures.size());
      for (const auto& sig : report.signatures) {
        if (sig.verdict == report.verdict && !sig.sub_indication.empty()) {
          std::printf(" [%s] %s", sig.field_name.c_str(), sig.sub_indication.c_str());
          break;
        }
      }
      if (report.signatures.empty() && !report.findings.empty()) {
        std::printf("; %s", report.findings[0].c_str());
      }
      std::printf("\n");
      return;
    }
    if (json) {
      std::printf("%s{\"file\":%s,\"report\":%s}", first ? "" : ",", JsonString(file).c_str(),
                  report.ToJson().c_str());
      first = false;
      return;
    }
    for (const auto& finding : report.findings) {
      std::printf("%s: %s\n", file.c_str(), finding.c_str());
    }
    for (const auto& sig : report.signatures) {
      // e.g. "VALID 有效 [provider] 修订版 / revision 2, 签名人 / signer CN=…, 2026-03-01T08:00:00Z
      // (TOTAL_PASSED)" — and for a failure the sub-indication in Chinese and English.
      std::printf("%s: %s %s [%s] 修订版 / revision %d, 签名人 / signer %s, %s (%s", file.c_str(),
                  signing::VerdictName(sig.verdict), VerdictChinese(sig.verdict),
                  sig.field_name.c_str(), sig.revision,
                  sig.signer_subject.empty() ? "?" : sig.signer_subject.c_str(),
                  sig.signing_time.empty() ? "?" : sig.signing_time.c_str(),
                  signing::IndicationName(sig.indication));
      if (!sig.sub_indication.empty()) {
        std::printf(" %s: %s", sig.sub_indication.c_str(),
                    signing::DescribeSubIndication(sig.sub_indication).c_str());
      }
      std::printf(")");
      if (sig.timestamp.status != "NONE") {
        // e.g. ", 时间戳 / timestamp 2026-03-01T08:00:00Z VALID (TSA CN=…)"
        std::printf(
            ", %s %s %s (TSA %s)",
            sig.is_document_timestamp ? "文档时间戳 / document timestamp" : "时间戳 / timestamp",
            sig.timestamp.gen_time.empty() ? "?" : sig.timestamp.gen_time.c_str(),
            sig.timestamp.status.c_str(),
            sig.timestamp.tsa.empty() ? "?" : sig.timestamp.tsa.c_str());
      }
      if (!sig.poe_time.empty()) {
        std::printf(", 存在证明 / proof of existence %s (%s)", sig.poe_time.c_str(),
                    sig.poe_source.c_str());
      }
      if (sig.revocation != "NOT_CHECKED") {
        // e.g. ", 吊销状态 / revocation GOOD (ocsp http://127.0.0.1:8088/)"
        std::printf(", 吊销状态 / revocation %s (%s)", sig.revocation.c_str(),
                    sig.revocation_source.c_str());
      }
      for (const auto& finding : sig.findings) std::printf("; %s", finding.c_str());
      std::printf("\n");
    }
    std::printf("%s: %s\n", file.c_str(), signing::VerdictName(report.verdict));
  };
  // A batch is verified by `jobs` threads (the verifier is thread-safe), a window of files at a
  // time, and printed in the given order. Each thread reuses one read buffer.
  constexpr std::size_t kWindow = 64;
  struct Slot {
    signing::VerificationReport report;
    std::exception_ptr error;
  };
  std::vector<Slot> slots(std::min(kWindow, files.size()));
  std::vector<std::string> buffers(jobs);
  for (std::size_t base = 0; base < files.size(); base += kWindow) {
    const std::size_t count = std::min(kWindow, files.size() - base);
    std::atomic<std::size_t> next{0};
    auto work = [&](unsigned worker) {
      for (std::size_t i = next++; i < count; i = next++) {
        try {
          ReadInto(files[base + i], buffers[worker]);
          slots[i].report = verifier->Verify(buffers[worker]);
        } catch (...) {
          slots[i].error = std::current_exception();
        }
      }
    };
    std::vector<std::thread> threads;
    for (unsigned worker = 1; worker < jobs && worker < count; ++worker) {
      threads.emplace_back(work, worker);
    }
    work(0);
    for (std::thread& thread : threads) thread.join();
    for (std::size_t i = 0; i < count; ++i) {
      if (slots[i].error) std::rethrow_exception(slots[i].error);
      print(files[base + i], slots[i].report);
      slots[i] = Slot{};
    }
  }
  if (json) std::printf("]\n");
  return any_invalid ? 1 : all_valid ? 0 : 2;
}

}  // namespace sealflow::cli
