// Copyright sealflow authors.
// Certification (DocMDP P1/P2) and field locks (FieldMDP) on the rendered contract.
#include <gtest/gtest.h>

#include <string>

#include "signer_test_util.h"
#include "signing/error.h"
#include "signing/signer.h"

namespace sealflow::signing {
namespace {

std::string SignContract(const std::string& pdf, const std::string& field, DocMdp certify,
                         std::vector<std::string> lock = {}, bool enterprise = false) {
  auto signer =
      Signer::Create(enterprise ? test::EnterpriseCredentials() : test::ProviderCredentials(),
                     test::FixedOptions());
  SignRequest request;
  request.field_name = field;
  request.certify = certify;
  request.lock_fields = std::move(lock);
  return signer->Sign(pdf, request);
}

void ExpectArgumentError(const std::function<void()>& sign, const std::string& part) {
  try {
    sign();
    ADD_FAILURE() << "no error";
  } catch (const SigningError& e) {
    EXPECT_EQ(e.code(), SigningErrorCode::kArgument) << e.what();
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

TEST(CertifyTest, P1WritesDocMdpReferenceAndCatalogPerms) {
  const std::string& input = test::RenderedContract().pdf;
  const std::string pdf = SignContract(input, "provider", DocMdp::kNoChanges);
  const std::string update = pdf.substr(input.size());
  EXPECT_NE(update.find("/TransformMethod/DocMDP"), std::string::npos) << update.substr(0, 3000);
  EXPECT_NE(update.find("/P 1"), std::string::npos);
  EXPECT_NE(update.find("/Type/SigRef"), std::string::npos);
  EXPECT_NE(update.find("/Perms<<"), std::string::npos);
  EXPECT_NE(update.find("/DocMDP "), std::string::npos);
  sealflow::testing::TempDir dir;
  const auto pdfsig = test::RunOn(dir, "pdfsig", pdf);
  EXPECT_NE(pdfsig.output.find("Signature is Valid"), std::string::npos) << pdfsig.output;
  const auto qpdf = test::RunOn(dir, "qpdf --check", pdf);
  EXPECT_EQ(qpdf.exit_code, 0) << qpdf.output;
}

TEST(CertifyTest, P1DocumentRefusesAnyFurtherSignature) {
  const std::string pdf =
      SignContract(test::RenderedContract().pdf, "provider", DocMdp::kNoChanges);
  ExpectArgumentError([&] { SignContract(pdf, "enterprise", DocMdp::kNone, {}, true); },
                      "DocMDP P1");
}

TEST(CertifyTest, P2DocumentAcceptsACountersignatureInAPreparedField) {
  const std::string certified =
      SignContract(test::RenderedContract().pdf, "provider", DocMdp::kFormFilling);
  EXPECT_NE(certified.find("/P 2"), std::string::npos);
  const std::string pdf = SignContract(certified, "enterprise", DocMdp::kNone, {}, true);
  sealflow::testing::TempDir dir;
  const auto pdfsig = test::RunOn(dir, "pdfsig", pdf);
  EXPECT_EQ(test::Count(pdfsig.output, "Signature is Valid"), 2u) << pdfsig.output;
  const auto qpdf = test::RunOn(dir, "qpdf --check", pdf);
  EXPECT_EQ(qpdf.exit_code, 0) << qpdf.output;
}

TEST(CertifyTest, CertifyingASignedDocumentIsAnArgumentError) {
  const std::string signed_once =
      SignContract(test::RenderedContract().pdf, "provider", DocMdp::kNone);
  ExpectArgumentError([&] { SignContract(signed_once, "enterprise", DocMdp::kFormFilling); },
                      "first signature");
}

TEST(FieldLockTest, LockIncludesTheNamedFieldsInReferenceAndOnTheField) {
  const std::string& input = test::RenderedContract().pdf;
  const std::string pdf =
      SignContract(input, "provider", DocMdp::kNone, {"provider", "enterprise"});
  const std::string update = pdf.substr(input.size());
  EXPECT_NE(update.find("/TransformMethod/FieldMDP"), std::string::npos) << update.substr(0, 3000);
  EXPECT_NE(update.find("/Action/Include"), std::string::npos);
  EXPECT_NE(update.find("/Fields[(provider)(enterprise)]"), std::string::npos);
  EXPECT_NE(update.find("/Type/SigFieldLock"), std::string::npos);
  EXPECT_NE(update.find("/Lock "), std::string::npos);
  sealflow::testing::TempDir dir;
  const auto pdfsig = test::RunOn(dir, "pdfsig", pdf);
  EXPECT_NE(pdfsig.output.find("Signature is Valid"), std::string::npos) << pdfsig.output;
  const auto qpdf = test::RunOn(dir, "qpdf --check", pdf);
  EXPECT_EQ(qpdf.exit_code, 0) << qpdf.output;
}

TEST(FieldLockTest, AllLocksEveryFieldAndCombinesWithCertification) {
  const std::string pdf =
      SignContract(test::RenderedContract().pdf, "provider", DocMdp::kFormFilling, {"all"});
  EXPECT_NE(pdf.find("/Action/All"), std::string::npos);
  EXPECT_NE(pdf.find("/TransformMethod/DocMDP"), std::string::npos);
  EXPECT_NE(pdf.find("/TransformMethod/FieldMDP"), std::string::npos);
  sealflow::testing::TempDir dir;
  const auto qpdf = test::RunOn(dir, "qpdf --check", pdf);
  EXPECT_EQ(qpdf.exit_code, 0) << qpdf.output;
}

TEST(FieldLockTest, UnknownFieldOrAllWithNamesIsAnArgumentError) {
  const std::string& input = test::RenderedContract().pdf;
  ExpectArgumentError([&] { SignContract(input, "provider", DocMdp::kNone, {"nosuch"}); },
                      "nosuch");
  ExpectArgumentError([&] { SignContract(input, "provider", DocMdp::kNone, {"all", "x"}); }, "all");
}

}  // namespace
}  // namespace sealflow::signing
