// Copyright sealflow authors.
// Helpers for the signer, seal, certification and CA tests (header-only; not a test file): the
// rendered contract with its prepared signature fields, a second signer ("enterprise") issued
// under the committed test root, and the external checkers (pdfsig, qpdf, openssl).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "forms/renderer.h"
#include "signing/ca.h"
#include "signing/credentials.h"
#include "signing/signer.h"
#include "signing_test_util.h"
#include "support/test_support.h"

namespace sealflow::signing::test {

// The contract example rendered with the fixed clock (fields "enterprise" and "provider").
inline const forms::RenderedForm& RenderedContract() {
  static const forms::RenderedForm form = [] {
    forms::RendererOptions options;
    options.clock = sealflow::testing::FixedNow;
    auto result = forms::Renderer::Create(options)->Render(sealflow::testing::ReadFile(
        sealflow::testing::SourcePath("xml-schemas/examples/contract.xml")));
    EXPECT_TRUE(result.report.ok());
    return result.form;
  }();
  return form;
}

inline const forms::SignatureBlock* Block(const forms::RenderedForm& form,
                                          const std::string& name) {
  for (const auto& block : form.signature_blocks) {
    if (block.field_name == name) return &block;
  }
  return nullptr;
}

// The committed test root as an IssuedIdentity (to issue further certificates under it).
inline IssuedIdentity TestRoot() {
  return {sealflow::testing::ReadFile(Pki("root-ca.key")),
          sealflow::testing::ReadFile(Pki("root-ca.pem"))};
}

// A signer under the test root, valid 2025-01-01 for ten years, generated once per process and
// key algorithm (the key is random; every check on it is a verdict, not a byte comparison).
inline const IssuedIdentity& IssuedUnderRoot(KeyAlgorithm algorithm) {
  static std::map<KeyAlgorithm, IssuedIdentity> issued;
  auto it = issued.find(algorithm);
  if (it == issued.end()) {
    const auto start = std::chrono::system_clock::from_time_t(1735689600);  // 2025-01-01
    CertificateSubject subject{"新乡市示例制造有限公司 法定代表人", "新乡市示例制造有限公司",
                               "91410700MA46E5GH12", "CN"};
    IssueOptions options;
    options.key = algorithm;
    options.organizational_unit = "enterprise";
    it = issued
             .emplace(algorithm, IssueCertificate(TestRoot(), subject, start, 3650,
                                                  100 + static_cast<long>(algorithm), options))
             .first;
  }
  return it->second;
}

inline Credentials EnterpriseCredentials(KeyAlgorithm algorithm = KeyAlgorithm::kRsa2048) {
  const IssuedIdentity& id = IssuedUnderRoot(algorithm);
  return Credentials::FromPemText(id.key_pem, id.cert_pem, TestRoot().cert_pem);
}

// The build's default font folder (what the renderer and the CLI use).
inline std::string FontPath() {
  const char* env = std::getenv("SEALFLOW_FONT_DIR");
  const std::string dir = env != nullptr && *env != '\0'
                              ? std::string(env)
                              : sealflow::testing::BinPath("../share/fonts");
  return dir + "/wqy-microhei.ttf";
}

// Runs `tool` on the PDF bytes written to a file in `dir`.
inline sealflow::testing::CommandResult RunOn(sealflow::testing::TempDir& dir,
                                              const std::string& tool, const std::string& pdf,
                                              const std::string& name = "doc.pdf") {
  const std::string path = dir.File(name);
  sealflow::testing::WriteFile(path, pdf);
  return sealflow::testing::Run(tool + " " + path);
}

inline std::size_t Count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

}  // namespace sealflow::signing::test
