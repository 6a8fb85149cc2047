// Copyright sealflow authors.
// sealflow sign / verify.
#include <cstdio>
#include <string>

#include "args.h"
#include "signing/credentials.h"
#include "signing/signer.h"
#include "signing/verifier.h"
#include "verbs.h"

namespace sealflow::cli {
namespace {

constexpr const char* kSignHelp =
    "用法 / usage: sealflow sign IN.pdf -o OUT.pdf (--key K.pem --cert C.pem [--chain CHAIN.pem]\n"
    "                                               | --p12 F.p12 [--password-file F])\n"
    "                             [--field NAME] [--reason TEXT] [--location TEXT]\n"
    "\n"
    "Adds a PAdES B-B signature (SubFilter ETSI.CAdES.detached, SHA-256, signing-certificate-v2,\n"
    "no signingTime attribute; the time is in /M) as an incremental update: the input bytes stay\n"
    "unchanged and earlier signatures stay valid.\n"
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
    "\n"
    "exit: 0 signed, 3 failure (unreadable key, wrong password, field exists, ...)\n"
    "example:\n"
    "  sealflow sign application.pdf -o application-signed.pdf \\\n"
    "      --key tests/data/pki/provider.key --cert tests/data/pki/provider.pem --field provider\n";

constexpr const char* kVerifyHelp =
    "用法 / usage: sealflow verify FILE... [--trust CA.pem]... [--json]\n"
    "\n"
    "Verifies every signature of each PDF: ByteRange structure (the whole file but exactly this\n"
    "signature's /Contents), message digest, CMS signature, and the certificate chain to the\n"
    "trust anchors at the signing time. One line per signature, or a JSON report with --json.\n"
    "\n"
    "options:\n"
    "  --trust FILE   PEM trust anchor (repeatable); without one, chains are INDETERMINATE\n"
    "  --json         print the detailed report as JSON (an array, one object per file)\n"
    "\n"
    "exit: 0 all VALID, 1 any INVALID, 2 otherwise (INDETERMINATE)\n"
    "example:\n"
    "  sealflow verify application-signed.pdf --trust tests/data/pki/root-ca.pem\n";

std::string FirstLine(const std::string& text) {
  auto end = text.find_first_of("\r\n");
  return end == std::string::npos ? text : text.substr(0, end);
}

}  // namespace

int RunSign(int argc, char** argv) {
  Args args(argc, argv,
            {"output", "key", "cert", "chain", "p12", "password-file", "field", "reason",
             "location"},
            {}, {{"o", "output"}});
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
  std::string password;
  if (auto file = args.Get("password-file")) password = FirstLine(ReadFileOrThrow(*file));
  signing::Credentials credentials =
      p12 ? signing::Credentials::FromPkcs12(*args.Get("p12"), password)
          : signing::Credentials::FromPem(*args.Get("key"), *args.Get("cert"),
                                          args.Get("chain").value_or(""), password);
  std::string subject = credentials.SubjectName();
  auto signer = signing::Signer::Create(std::move(credentials));
  signing::SignRequest request;
  request.field_name = args.Get("field").value_or("Signature1");
  request.reason = args.Get("reason").value_or("");
  request.location = args.Get("location").value_or("");
  std::string signed_pdf = signer->Sign(ReadFileOrThrow(args.positional()[0]), request);
  WriteFileAtomically(*output, signed_pdf);
  std::printf("%s → %s: 已签名 / signed, field %s, signer %s, %zu bytes\n",
              args.positional()[0].c_str(), output->c_str(), request.field_name.c_str(),
              subject.c_str(), signed_pdf.size());
  return kExitOk;
}

int RunVerify(int argc, char** argv) {
  Args args(argc, argv, {"trust"}, {"json"});
  if (int rc = HandleHelpAndErrors(args, "verify", kVerifyHelp); rc >= 0) return rc;
  if (args.positional().empty()) {
    std::fprintf(stderr, "sealflow verify: 需要至少一个 PDF / need at least one FILE\n");
    return kExitUsage;
  }
  signing::VerifierOptions options;
  options.trust_anchor_files = args.GetAll("trust");
  auto verifier = signing::Verifier::Create(options);
  bool any_invalid = false, all_valid = true, json = args.Has("json");
  if (json) std::printf("[");
  bool first = true;
  for (const auto& file : args.positional()) {
    signing::VerificationReport report = verifier->Verify(ReadFileOrThrow(file));
    any_invalid |= report.verdict == signing::Verdict::kInvalid;
    all_valid &= report.verdict == signing::Verdict::kValid;
    if (json) {
      std::printf("%s{\"file\":%s,\"report\":%s}", first ? "" : ",", JsonString(file).c_str(),
                  report.ToJson().c_str());
      first = false;
      continue;
    }
    for (const auto& finding : report.findings) {
      std::printf("%s: %s\n", file.c_str(), finding.c_str());
    }
    for (const auto& sig : report.signatures) {
      std::printf("%s: %s [%s] %s, 签名人 / signer %s, %s", file.c_str(),
                  signing::VerdictName(sig.verdict), sig.field_name.c_str(),
                  sig.covers_whole_document ? "覆盖全文 / whole document" : "未覆盖全文 / partial",
                  sig.signer_subject.empty() ? "?" : sig.signer_subject.c_str(),
                  sig.signing_time.c_str());
      for (const auto& finding : sig.findings) std::printf("; %s", finding.c_str());
      std::printf("\n");
    }
    std::printf("%s: %s\n", file.c_str(), signing::VerdictName(report.verdict));
  }
  if (json) std::printf("]\n");
  return any_invalid ? 1 : all_valid ? 0 : 2;
}

}  // namespace sealflow::cli
