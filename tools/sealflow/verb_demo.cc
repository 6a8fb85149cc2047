// Copyright sealflow authors.
// sealflow demo: a demo PKI, the example provider application rendered, signed, verified and
// archived — the whole walking skeleton in one command, saying what it did.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "archive/store.h"
#include "args.h"
#include "forms/inspect.h"
#include "forms/renderer.h"
#include "signing/ca.h"
#include "signing/credentials.h"
#include "signing/signer.h"
#include "signing/verifier.h"
#include "verbs.h"

namespace sealflow::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDemoHelp =
    "用法 / usage: sealflow demo [--data DIR] [--form FORM.xml]\n"
    "\n"
    "Makes a demo PKI in DIR/pki (a root CA for 新乡市工业和信息化局 and a signer certificate\n"
    "for the provider named in the form), renders the example provider application "
    "(服务商申报书),\n"
    "signs it in its \"provider\" signature block, verifies it against the demo root and stores "
    "it\n"
    "in the archive in DIR. Running it again reuses the PKI and does not store a duplicate.\n"
    "\n"
    "options:\n"
    "  --data DIR    data directory (default ./sealflow-data)\n"
    "  --form FILE   the form to use (default xml-schemas/examples/application.xml)\n"
    "\n"
    "example:\n"
    "  sealflow demo --data /tmp/sf && sealflow serve --data /tmp/sf\n";

std::string DefaultSchemaDir() {
  const char* env = std::getenv("SEALFLOW_SCHEMA_DIR");
  return env && *env ? env : SEALFLOW_DEFAULT_SCHEMA_DIR;
}

double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

int RunDemo(int argc, char** argv) {
  Args args(argc, argv, {"data", "form"}, {});
  if (int rc = HandleHelpAndErrors(args, "demo", kDemoHelp); rc >= 0) return rc;
  const std::string data = args.Get("data").value_or("sealflow-data");
  const std::string form =
      args.Get("form").value_or(DefaultSchemaDir() + "/examples/application.xml");
  const fs::path pki = fs::path(data) / "pki";
  const fs::path out = fs::path(data) / "demo";
  fs::create_directories(pki);
  fs::create_directories(out);

  std::string xml = ReadFileOrThrow(form);
  forms::FormInfo info = forms::InspectXml(xml);
  std::printf("1. 表单 / form: %s %s — %s (%s)\n", info.form_type.c_str(), info.document_id.c_str(),
              info.party_name.c_str(), info.party_code.c_str());

  // A fixed instant keeps the demo's signed bytes identical across runs (so a rerun is a no-op).
  const auto demo_time = std::chrono::system_clock::time_point(std::chrono::seconds(1772352000));
  if (!fs::exists(pki / "root-ca.pem") || !fs::exists(pki / "provider.key")) {
    auto start = std::chrono::steady_clock::now();
    signing::CertificateSubject root_subject;
    root_subject.common_name = "新乡市工业和信息化局 演示根证书 (demo root)";
    root_subject.organization = "新乡市工业和信息化局";
    signing::IssuedIdentity root =
        signing::CreateRootCa(root_subject, demo_time - std::chrono::hours(24), 3650);
    signing::CertificateSubject provider_subject;
    provider_subject.common_name = info.party_name;
    provider_subject.organization = info.party_name;
    provider_subject.serial_number = info.party_code;
    signing::IssuedIdentity provider = signing::IssueSignerCertificate(
        root, provider_subject, demo_time - std::chrono::hours(24), 1825, 2);
    WriteFileAtomically((pki / "root-ca.key").string(), root.key_pem);
    WriteFileAtomically((pki / "root-ca.pem").string(), root.cert_pem);
    WriteFileAtomically((pki / "provider.key").string(), provider.key_pem);
    WriteFileAtomically((pki / "provider.pem").string(), provider.cert_pem);
    fs::permissions(pki / "root-ca.key", fs::perms::owner_read | fs::perms::owner_write);
    fs::permissions(pki / "provider.key", fs::perms::owner_read | fs::perms::owner_write);
    std::printf("2. 演示证书 / demo PKI created in %s (%.0f ms)\n", pki.c_str(),
                MillisSince(start));
  } else {
    std::printf("2. 演示证书 / demo PKI reused from %s\n", pki.c_str());
  }

  auto start = std::chrono::steady_clock::now();
  forms::RendererOptions render_options;
  render_options.clock = [demo_time] { return demo_time; };
  auto renderer = forms::Renderer::Create(render_options);
  forms::RenderResult rendered = renderer->Render(xml);
  if (!rendered.report.ok()) {
    std::fprintf(stderr, "%s", forms::FormatFindings(rendered.report).c_str());
    return kExitInvalid;
  }
  WriteFileAtomically((out / "application.pdf").string(), rendered.form.pdf);
  std::printf("3. 生成 PDF / rendered %s (%d pages, %zu bytes, %.1f ms incl. font loading)\n",
              (out / "application.pdf").c_str(), rendered.form.page_count, rendered.form.pdf.size(),
              MillisSince(start));

  start = std::chrono::steady_clock::now();
  signing::SignerOptions sign_options;
  sign_options.clock = [demo_time] { return demo_time; };
  auto signer =
      signing::Signer::Create(signing::Credentials::FromPem((pki / "provider.key").string(),
                                                            (pki / "provider.pem").string(),
                                                            (pki / "root-ca.pem").string()),
                              sign_options);
  signing::SignRequest request;
  request.field_name = "provider";
  request.reason = "服务商申报 / provider application";
  request.location = "新乡市";
  for (const auto& block : rendered.form.signature_blocks) {
    if (block.field_name == request.field_name) {
      request.page = block.page;
      request.x = block.x;
      request.y = block.y;
      request.width = block.width;
      request.height = block.height;
    }
  }
  std::string signed_pdf = signer->Sign(rendered.form.pdf, request);
  WriteFileAtomically((out / "application-signed.pdf").string(), signed_pdf);
  std::printf("4. 签名 / signed %s in field \"provider\" (%.1f ms)\n",
              (out / "application-signed.pdf").c_str(), MillisSince(start));

  signing::VerifierOptions verify_options;
  verify_options.trust_anchor_files = {(pki / "root-ca.pem").string()};
  auto verifier = signing::Verifier::Create(verify_options);
  signing::VerificationReport report = verifier->Verify(signed_pdf);
  std::printf("5. 验证 / verified: %s\n", signing::VerdictName(report.verdict));
  if (report.verdict != signing::Verdict::kValid) {
    std::fprintf(stderr, "%s\n", report.ToJson().c_str());
    return kExitFailure;
  }

  archive::StoreOptions store_options;
  store_options.data_dir = data;
  auto store = archive::DocumentStore::Open(store_options);
  const fs::path marker = out / "record-id";
  if (fs::exists(marker)) {
    std::string id = ReadFileOrThrow(marker.string());
    if (auto record = store->Get(id); record && record->sha256.size() == 64) {
      std::printf("6. 归档 / already archived as %s (%zu records in the catalog)\n", id.c_str(),
                  static_cast<std::size_t>(store->Count()));
      return kExitOk;
    }
  }
  forms::FormInfo signed_info = forms::InspectPdf(signed_pdf);
  archive::NewDocument meta;
  meta.form_type = signed_info.form_type;
  meta.document_id = signed_info.document_id;
  meta.party_kind = signed_info.party_kind;
  meta.party_code = signed_info.party_code;
  meta.party_name = signed_info.party_name;
  meta.phase = archive::Phase::kProvider;
  for (const auto& sig : report.signatures) meta.signers.push_back(sig.signer_subject);
  meta.verdict = signing::VerdictName(report.verdict);
  archive::DocumentRecord record = store->Put(signed_pdf, meta);
  WriteFileAtomically(marker.string(), record.id);
  std::printf("6. 归档 / archived as %s (sha256 %s…, %zu records in the catalog)\n",
              record.id.c_str(), record.sha256.substr(0, 16).c_str(),
              static_cast<std::size_t>(store->Count()));
  std::printf(
      "\n下一步 / next: sealflow serve --data %s, then\n"
      "  curl http://127.0.0.1:8080/api/v1/documents/%s\n",
      data.c_str(), record.id.c_str());
  return kExitOk;
}

}  // namespace sealflow::cli
