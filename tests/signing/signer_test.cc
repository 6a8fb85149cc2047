// Copyright sealflow authors.
#include "signing/signer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "signer_test_util.h"
#include "signing/error.h"
#include "signing_test_util.h"

namespace sealflow::signing {
namespace {

using test::Pki;

class SignerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    signer_ = Signer::Create(test::ProviderCredentials(), test::FixedOptions()).release();
    input_ = new std::string(test::UnsignedPdf());
    SignRequest request;
    request.reason = "审批通过 / approved";
    request.location = "新乡市";
    signed_ = new std::string(signer_->Sign(*input_, request));
  }
  static void TearDownTestSuite() {
    delete signer_;
    delete input_;
    delete signed_;
  }
  static Signer* signer_;
  static std::string* input_;
  static std::string* signed_;
  sealflow::testing::TempDir dir_;
};
Signer* SignerTest::signer_ = nullptr;
std::string* SignerTest::input_ = nullptr;
std::string* SignerTest::signed_ = nullptr;

TEST_F(SignerTest, OutputStartsWithTheOriginalBytesUnchanged) {
  ASSERT_GT(signed_->size(), input_->size());
  EXPECT_EQ(signed_->compare(0, input_->size(), *input_), 0);
  EXPECT_EQ(signed_->substr(signed_->size() - 6), "%%EOF\n");
}

TEST_F(SignerTest, FixedClockAndKeyGiveByteIdenticalOutput) {
  SignRequest request;
  request.reason = "审批通过 / approved";
  request.location = "新乡市";
  EXPECT_TRUE(signer_->Sign(*input_, request) == *signed_);
  // A separately created signer with the same inputs, too.
  auto other = Signer::Create(test::ProviderCredentials(), test::FixedOptions());
  EXPECT_TRUE(other->Sign(*input_, request) == *signed_);
}

TEST_F(SignerTest, DeterministicAlsoForADocumentWithoutInfoDictionary) {
  const std::string pdf = test::BuildPdf(1, 500, /*with_info=*/false);
  EXPECT_TRUE(signer_->Sign(pdf, {}) == signer_->Sign(pdf, {}));
}

TEST_F(SignerTest, WritesPadesDictionaryEntries) {
  const std::string update = signed_->substr(input_->size());
  EXPECT_NE(update.find("/SubFilter/ETSI.CAdES.detached"), std::string::npos);
  EXPECT_EQ(update.find("adbe.pkcs7"), std::string::npos);
  EXPECT_NE(update.find("/Filter/Adobe.PPKLite"), std::string::npos);
  EXPECT_NE(update.find("/SigFlags 3"), std::string::npos);
  EXPECT_NE(update.find("/M(D:20260301080000+00'00')"), std::string::npos);
  EXPECT_NE(update.find("/T(Signature1)"), std::string::npos);
}

TEST_F(SignerTest, PdfsigReportsValidSignatureOverTheWholeDocument) {
  const std::string path = dir_.File("signed.pdf");
  sealflow::testing::WriteFile(path, *signed_);
  const auto result = sealflow::testing::Run("pdfsig " + path);
  ASSERT_NE(result.exit_code, 127) << "pdfsig missing (poppler-utils)";
  EXPECT_NE(result.output.find("Signature is Valid"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("Total document signed"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("ETSI.CAdES.detached"), std::string::npos) << result.output;
}

TEST_F(SignerTest, OpensslVerifiesTheCmsOverTheByteRanges) {
  const auto extracted = test::Extract(*signed_);
  const std::string sig = dir_.File("sig.der"), content = dir_.File("signed-ranges.bin");
  sealflow::testing::WriteFile(sig, extracted.cms);
  sealflow::testing::WriteFile(content, extracted.signed_bytes);
  const auto result = sealflow::testing::Run("openssl cms -verify -binary -inform DER -in " + sig +
                                             " -content " + content + " -CAfile " +
                                             Pki("root-ca.pem") + " -purpose any -out /dev/null");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("Verification successful"), std::string::npos) << result.output;
}

TEST_F(SignerTest, CmsHasSigningCertificateV2AndNoSigningTime) {
  const std::string sig = dir_.File("sig.der");
  sealflow::testing::WriteFile(sig, test::Extract(*signed_).cms);
  const auto result = sealflow::testing::Run("openssl cms -cmsout -print -inform DER -in " + sig);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("id-smime-aa-signingCertificateV2"), std::string::npos);
  EXPECT_NE(result.output.find("messageDigest"), std::string::npos);
  EXPECT_NE(result.output.find("contentType"), std::string::npos);
  EXPECT_EQ(result.output.find("signingTime"), std::string::npos);
  // Signer and root certificates are both embedded.
  EXPECT_NE(result.output.find("91410700MA44C1RX23"), std::string::npos);
  EXPECT_NE(result.output.find("eContent: <ABSENT>"), std::string::npos) << "must be detached";
}

TEST_F(SignerTest, QpdfCheckIsClean) {
  const std::string path = dir_.File("signed.pdf");
  sealflow::testing::WriteFile(path, *signed_);
  const auto result = sealflow::testing::Run("qpdf --check " + path);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("No syntax or stream encoding errors"), std::string::npos);
}

TEST_F(SignerTest, VisibleSignatureOnSecondPage) {
  SignRequest request;
  request.field_name = "乙方签章";
  request.page = 1;
  request.x = 72;
  request.y = 100;
  request.width = 200;
  request.height = 60;
  const std::string out = signer_->Sign(*input_, request);
  EXPECT_NE(out.find("/Rect[ 72 100 272 160]"), std::string::npos);
  const std::string path = dir_.File("visible.pdf");
  sealflow::testing::WriteFile(path, out);
  EXPECT_NE(sealflow::testing::Run("pdfsig " + path).output.find("Signature is Valid"),
            std::string::npos);
  EXPECT_EQ(sealflow::testing::Run("qpdf --check " + path).exit_code, 0);
  const auto report = test::VerifierTrusting({Pki("root-ca.pem")})->Verify(out);
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_EQ(report.signatures[0].field_name, "乙方签章");
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
}

TEST_F(SignerTest, SigningTheSameFieldAgainIsAnArgumentError) {
  try {
    signer_->Sign(*signed_, {});
    FAIL() << "no error";
  } catch (const SigningError& e) {
    EXPECT_EQ(e.code(), SigningErrorCode::kArgument) << e.what();
  }
}

TEST_F(SignerTest, BadRequestsAreArgumentErrors) {
  SignRequest no_name;
  no_name.field_name = "";
  SignRequest bad_page;
  bad_page.page = 2;
  for (const SignRequest& request : {no_name, bad_page}) {
    try {
      signer_->Sign(*input_, request);
      ADD_FAILURE() << "no error";
    } catch (const SigningError& e) {
      EXPECT_EQ(e.code(), SigningErrorCode::kArgument) << e.what();
    }
  }
}

TEST_F(SignerTest, UnparsableInputIsAPdfError) {
  for (const std::string& input :
       {std::string("not a pdf at all"), std::string(), input_->substr(0, input_->size() / 2)}) {
    try {
      signer_->Sign(input, {});
      ADD_FAILURE() << "no error";
    } catch (const SigningError& e) {
      EXPECT_EQ(e.code(), SigningErrorCode::kPdf) << e.what();
    }
  }
}

TEST_F(SignerTest, TooSmallReservationIsReported) {
  SignerOptions options = test::FixedOptions();
  options.reserved_signature_bytes = 1024;
  auto signer = Signer::Create(test::ProviderCredentials(), options);
  EXPECT_THROW(signer->Sign(*input_, {}), SigningError);
}

TEST_F(SignerTest, SignsWithPkcs12Credentials) {
  auto signer =
      Signer::Create(Credentials::FromPkcs12(Pki("provider.p12"),
                                             sealflow::testing::ReadFile(Pki("provider.p12.pass"))),
                     test::FixedOptions());
  const auto report =
      test::VerifierTrusting({Pki("root-ca.pem")})->Verify(signer->Sign(*input_, {}));
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
}

// Speed is measured by tests/bench/sealflow_bench.cc; this is the functional side of the same
// case: a ~100 KB two-page form signs, verifies and stays deterministic.
TEST_F(SignerTest, Signs100KbTwoPagePdf) {
  const std::string pdf = test::BuildPdf(2, 50 * 1024, true);
  ASSERT_GT(pdf.size(), 100000u);
  const std::string out = signer_->Sign(pdf, {});
  EXPECT_EQ(out.compare(0, pdf.size(), pdf), 0);
  EXPECT_TRUE(signer_->Sign(pdf, {}) == out);
  const auto report = test::VerifierTrusting({Pki("root-ca.pem")})->Verify(out);
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_TRUE(report.signatures[0].covers_whole_document);
}

// reserved_signature_bytes is an upper bound: /Contents is sized from the credentials' CMS (plus
// a small margin), so the default no longer means 32 KB of hex for every verifier to parse.
TEST_F(SignerTest, ContentsIsSizedFromTheCredentialsWithinTheReservation) {
  const auto br = test::LastByteRange(*signed_);
  const auto reserved = static_cast<std::size_t>(br[2] - br[1] - 2) / 2;
  const std::size_t cms = test::Extract(*signed_).cms.size();
  EXPECT_GE(reserved, cms);
  EXPECT_LE(reserved, cms + 1024);
  EXPECT_LT(reserved, SignerOptions{}.reserved_signature_bytes);
  // A tighter caller limit that still fits is honoured as given.
  SignerOptions options = test::FixedOptions();
  options.reserved_signature_bytes = cms + 10;
  const std::string tight = Signer::Create(test::ProviderCredentials(), options)->Sign(*input_, {});
  const auto tight_br = test::LastByteRange(tight);
  EXPECT_EQ(static_cast<std::size_t>(tight_br[2] - tight_br[1] - 2) / 2, cms + 10);
  EXPECT_EQ(test::VerifierTrusting({Pki("root-ca.pem")})->Verify(tight).verdict, Verdict::kValid);
}

// Signatures are the same whichever way the signer was built and however often it is used
// (the CMS is patched from a per-signer template; a fresh signer builds its own).
TEST_F(SignerTest, CmsIsTheSameFromAFreshSignerAndAfterManySignatures) {
  const std::string pdf = test::BuildPdf(1, 2000, true);
  auto fresh = Signer::Create(test::ProviderCredentials(), test::FixedOptions());
  const std::string first = fresh->Sign(pdf, {});
  for (int i = 0; i < 5; ++i) signer_->Sign(pdf, {});
  EXPECT_TRUE(signer_->Sign(pdf, {}) == first);
  EXPECT_EQ(test::Extract(first).cms.size(), test::Extract(*signed_).cms.size());
}

TEST_F(SignerTest, ConcurrentSignaturesAreIdentical) {
  const std::string pdf = test::BuildPdf(2, 4000, true);
  const std::string expected = signer_->Sign(pdf, {});
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        if (signer_->Sign(pdf, {}) != expected) ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// --- Prepared fields and countersignatures on the rendered contract -----------------------

class CountersignTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const forms::RenderedForm& form = test::RenderedContract();
    auto provider = Signer::Create(test::ProviderCredentials(), test::FixedOptions());
    SignRequest first;
    first.field_name = "provider";
    first.reason = "乙方签署 / provider signs";
    once_ = new std::string(provider->Sign(form.pdf, first));
    auto enterprise = Signer::Create(test::EnterpriseCredentials(), test::FixedOptions());
    SignRequest second;
    second.field_name = "enterprise";
    second.reason = "甲方签署 / enterprise signs";
    twice_ = new std::string(enterprise->Sign(*once_, second));
  }
  static void TearDownTestSuite() {
    delete once_;
    delete twice_;
  }
  static std::string* once_;
  static std::string* twice_;
  sealflow::testing::TempDir dir_;
};
std::string* CountersignTest::once_ = nullptr;
std::string* CountersignTest::twice_ = nullptr;

TEST_F(CountersignTest, RendererPreparesAnEmptySignatureFieldPerBlock) {
  const forms::RenderedForm& form = test::RenderedContract();
  ASSERT_NE(test::Block(form, "enterprise"), nullptr);
  ASSERT_NE(test::Block(form, "provider"), nullptr);
  EXPECT_EQ(test::Count(form.pdf, "/FT/Sig"), form.signature_blocks.size());
  EXPECT_NE(form.pdf.find("/T(provider)"), std::string::npos);
  EXPECT_NE(form.pdf.find("/T(enterprise)"), std::string::npos);
  EXPECT_NE(form.pdf.find("/SigFlags 1"), std::string::npos);
  EXPECT_EQ(form.pdf.find("/V "), std::string::npos);
  EXPECT_EQ(form.pdf.find("/V("), std::string::npos);
  const auto qpdf = test::RunOn(dir_, "qpdf --check", form.pdf);
  EXPECT_EQ(qpdf.exit_code, 0) << qpdf.output;
}

TEST_F(CountersignTest, SigningAPreparedFieldKeepsItsWidgetAndCreatesNoNewField) {
  const std::string update = once_->substr(test::RenderedContract().pdf.size());
  // The field object is rewritten with /V; no second field named provider, no new widget.
  EXPECT_EQ(test::Count(update, "/T(provider)"), 1u) << update.substr(0, 2000);
  EXPECT_EQ(test::Count(update, "/Subtype/Widget"), 1u);
  const forms::SignatureBlock* block = test::Block(test::RenderedContract(), "provider");
  ASSERT_NE(block, nullptr);
  const auto pdfsig = test::RunOn(dir_, "pdfsig", *once_);
  EXPECT_NE(pdfsig.output.find("Signature is Valid"), std::string::npos) << pdfsig.output;
  EXPECT_NE(pdfsig.output.find("Total document signed"), std::string::npos) << pdfsig.output;
}

TEST_F(CountersignTest, PdfsigShowsBothSignaturesValidAndTheFirstCoversRevisionOne) {
  EXPECT_EQ(twice_->compare(0, once_->size(), *once_), 0);
  const auto pdfsig = test::RunOn(dir_, "pdfsig", *twice_);
  ASSERT_NE(pdfsig.exit_code, 127) << "pdfsig missing (poppler-utils)";
  EXPECT_EQ(test::Count(pdfsig.output, "Signature is Valid"), 2u) << pdfsig.output;
  EXPECT_NE(pdfsig.output.find("Signature #2"), std::string::npos) << pdfsig.output;
  EXPECT_NE(pdfsig.output.find("Total document signed"), std::string::npos) << pdfsig.output;
  // The first signature's ranges end where its own revision ends.
  const auto first = test::LastByteRange(*once_);
  EXPECT_EQ(static_cast<std::size_t>(first[2] + first[3]), once_->size());
  EXPECT_NE(twice_->find("/ByteRange[ 0 " + std::to_string(first[1]) + " " +
                         std::to_string(first[2]) + " " + std::to_string(first[3])),
            std::string::npos);
  EXPECT_NE(pdfsig.output.find("OU=enterprise,O=新乡市示例制造有限公司"), std::string::npos)
      << pdfsig.output;
  const auto qpdf = test::RunOn(dir_, "qpdf --check", *twice_);
  EXPECT_EQ(qpdf.exit_code, 0) << qpdf.output;
}

TEST_F(CountersignTest, BothCmsVerifyWithOpenssl) {
  for (const std::string* pdf : {once_, twice_}) {
    const auto extracted = test::Extract(*pdf);
    const std::string sig = dir_.File("sig.der"), content = dir_.File("ranges.bin");
    sealflow::testing::WriteFile(sig, extracted.cms);
    sealflow::testing::WriteFile(content, extracted.signed_bytes);
    const auto result = sealflow::testing::Run("openssl cms -verify -binary -inform DER -in " +
                                               sig + " -content " + content + " -CAfile " +
                                               Pki("root-ca.pem") + " -purpose any -out /dev/null");
    EXPECT_EQ(result.exit_code, 0) << result.output;
  }
}

TEST_F(CountersignTest, SigningASignedPreparedFieldAgainIsAnArgumentError) {
  auto enterprise = Signer::Create(test::EnterpriseCredentials(), test::FixedOptions());
  SignRequest again;
  again.field_name = "provider";
  try {
    enterprise->Sign(*twice_, again);
    FAIL() << "no error";
  } catch (const SigningError& e) {
    EXPECT_EQ(e.code(), SigningErrorCode::kArgument) << e.what();
    EXPECT_NE(std::string(e.what()).find("signed already"), std::string::npos) << e.what();
  }
}

TEST_F(CountersignTest, FixedClockGivesIdenticalCountersignature) {
  auto enterprise = Signer::Create(test::EnterpriseCredentials(), test::FixedOptions());
  SignRequest second;
  second.field_name = "enterprise";
  second.reason = "甲方签署 / enterprise signs";
  EXPECT_TRUE(enterprise->Sign(*once_, second) == *twice_);
}

// --- Key algorithms ---------------------------------------------------------------------------

class AlgorithmTest : public ::testing::TestWithParam<KeyAlgorithm> {};

TEST_P(AlgorithmTest, SignsThePreparedFieldAndPdfsigAndOpensslAccept) {
  auto signer = Signer::Create(test::EnterpriseCredentials(GetParam()), test::FixedOptions());
  SignRequest request;
  request.field_name = "enterprise";
  const std::string pdf = signer->Sign(test::RenderedContract().pdf, request);
  sealflow::testing::TempDir dir;
  const auto pdfsig = test::RunOn(dir, "pdfsig", pdf);
  EXPECT_NE(pdfsig.output.find("Signature is Valid"), std::string::npos) << pdfsig.output;
  const auto extracted = test::Extract(pdf);
  sealflow::testing::WriteFile(dir.File("sig.der"), extracted.cms);
  sealflow::testing::WriteFile(dir.File("ranges.bin"), extracted.signed_bytes);
  const auto result = sealflow::testing::Run(
      "openssl cms -verify -binary -inform DER -in " + dir.File("sig.der") + " -content " +
      dir.File("ranges.bin") + " -CAfile " + Pki("root-ca.pem") + " -purpose any -out /dev/null");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  const auto print =
      sealflow::testing::Run("openssl cms -cmsout -print -inform DER -in " + dir.File("sig.der"));
  EXPECT_NE(print.output.find(GetParam() == KeyAlgorithm::kEcdsaP256 ? "ecdsa-with-SHA256"
                                                                     : "rsaEncryption"),
            std::string::npos)
      << print.output;
}

INSTANTIATE_TEST_SUITE_P(Keys, AlgorithmTest,
                         ::testing::Values(KeyAlgorithm::kRsa2048, KeyAlgorithm::kRsa3072,
                                           KeyAlgorithm::kEcdsaP256),
                         [](const auto& param_info) {
                           switch (param_info.param) {
                             case KeyAlgorithm::kRsa2048:
                               return std::string("Rsa2048");
                             case KeyAlgorithm::kRsa3072:
                               return std::string("Rsa3072");
                             case KeyAlgorithm::kEcdsaP256:
                               return std::string("EcdsaP256");
                             case KeyAlgorithm::kSm2:
                               return std::string("Sm2");
                           }
                           return std::string("Unknown");
                         });

}  // namespace
}  // namespace sealflow::signing
