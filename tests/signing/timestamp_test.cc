// Copyright sealflow authors.
// PAdES B-T (signature timestamps) and B-LTA (document timestamps): what pdfsig and
// openssl ts -verify say about them, and our own token verification.
#include <gtest/gtest.h>

#include <memory>

#include "signing/error.h"
#include "signing/signer.h"
#include "signing/timestamp.h"
#include "tsa_test_util.h"

namespace sealflow::signing {
namespace {

sealflow::testing::CommandResult Shell(const std::string& command) {
  return sealflow::testing::Run(command);
}

using sealflow::testing::FixedNow;
using sealflow::testing::ReadFile;
using sealflow::testing::WriteFile;
using test::Pki;

std::vector<std::string> RootAnchor() { return {ReadFile(Pki("root-ca.pem"))}; }

class TimestampTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    authority_ = test::TestAuthority().release();
    SignerOptions options = test::FixedOptions();
    options.timestamp = TimestampClient::InProcess(*authority_, test::FixedClientOptions());
    signed_ = new std::string(Signer::Create(test::ProviderCredentials(), options)
                                  ->Sign(test::UnsignedPdf(), SignRequest{}));
  }
  static void TearDownTestSuite() {
    delete signed_;
    delete authority_;
  }

  std::string WriteTemp(const std::string& name, const std::string& bytes) {
    WriteFile(dir_.File(name), bytes);
    return dir_.File(name);
  }

  static TimestampAuthority* authority_;
  static std::string* signed_;
  sealflow::testing::TempDir dir_;
};
TimestampAuthority* TimestampTest::authority_ = nullptr;
std::string* TimestampTest::signed_ = nullptr;

TEST_F(TimestampTest, SignatureTimestampedPdfIsValidForPdfsig) {
  const auto result = Shell("pdfsig " + WriteTemp("bt.pdf", *signed_));
  ASSERT_NE(result.exit_code, 127) << "pdfsig missing (poppler-utils)";
  EXPECT_NE(result.output.find("Signature is Valid"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("Total document signed"), std::string::npos) << result.output;
}

TEST_F(TimestampTest, CmsStillVerifiesOverTheByteRanges) {
  const auto extracted = test::Extract(*signed_);
  const auto result =
      Shell("openssl cms -verify -binary -inform DER -in " + WriteTemp("sig.der", extracted.cms) +
            " -content " + WriteTemp("ranges.bin", extracted.signed_bytes) + " -CAfile " +
            Pki("root-ca.pem") + " -purpose any -out /dev/null");
  EXPECT_NE(result.output.find("Verification successful"), std::string::npos) << result.output;
}

TEST_F(TimestampTest, OpensslTsVerifiesTheTokenOverTheSignatureValue) {
  const auto parts = test::SplitSignatureTimestamp(test::Extract(*signed_).cms);
  ASSERT_FALSE(parts.token.empty()) << "no id-aa-signatureTimeStampToken";
  const std::string token = WriteTemp("token.der", parts.token);
  auto result =
      test::OpensslTsVerifyToken(token, "-data " + WriteTemp("sv.bin", parts.signature_value));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("Verification: OK"), std::string::npos) << result.output;
  result = test::OpensslTsVerifyToken(token, "-digest " + test::Hex(Sha256(parts.signature_value)));
  EXPECT_NE(result.output.find("Verification: OK"), std::string::npos) << result.output;
  // Over anything else it fails.
  result = test::OpensslTsVerifyToken(token, "-data " + WriteTemp("other.bin", "other"));
  EXPECT_NE(result.exit_code, 0) << result.output;
}

TEST_F(TimestampTest, VerifySignatureTimestampReturnsTheGenTime) {
  const auto check =
      VerifySignatureTimestamp(test::Extract(*signed_).cms, RootAnchor(), FixedNow());
  EXPECT_TRUE(check.present);
  EXPECT_TRUE(check.valid) << (check.findings.empty() ? "" : check.findings[0]);
  EXPECT_EQ(check.gen_time, FixedNow());
  EXPECT_EQ(check.gen_time_iso, "2026-03-01T08:00:00Z");
  EXPECT_NE(check.tsa_subject.find("测试时间戳服务"), std::string::npos) << check.tsa_subject;
  EXPECT_TRUE(check.findings.empty());
}

TEST_F(TimestampTest, VerifySignatureTimestampNeedsTheRightAnchorAndTime) {
  const std::string cms = test::Extract(*signed_).cms;
  auto check = VerifySignatureTimestamp(cms, {ReadFile(Pki("other-ca.pem"))}, FixedNow());
  EXPECT_TRUE(check.present);
  EXPECT_FALSE(check.valid);
  EXPECT_EQ(check.gen_time_iso, "2026-03-01T08:00:00Z");  // readable, not trusted
  ASSERT_FALSE(check.findings.empty());
  // The TSA certificate expires at the end of 2035.
  check =
      VerifySignatureTimestamp(cms, RootAnchor(), FixedNow() + std::chrono::hours(24 * 366 * 10));
  EXPECT_FALSE(check.valid);
}

TEST_F(TimestampTest, TamperedSignatureValueFailsTheImprint) {
  const auto parts = test::SplitSignatureTimestamp(test::Extract(*signed_).cms);
  std::string value = parts.signature_value;
  value[0] = static_cast<char>(value[0] ^ 1);
  const auto check = VerifyTimestampToken(parts.token, value, RootAnchor(), FixedNow());
  EXPECT_TRUE(check.present);
  EXPECT_FALSE(check.valid);
  EXPECT_TRUE(
      VerifyTimestampToken(parts.token, parts.signature_value, RootAnchor(), FixedNow()).valid);
}

TEST_F(TimestampTest, WithoutTimestampThereIsNothingToCheck) {
  const std::string plain = Signer::Create(test::ProviderCredentials(), test::FixedOptions())
                                ->Sign(test::UnsignedPdf(), {});
  const auto check = VerifySignatureTimestamp(test::Extract(plain).cms, RootAnchor(), FixedNow());
  EXPECT_FALSE(check.present);
  EXPECT_FALSE(check.valid);
  EXPECT_TRUE(test::SplitSignatureTimestamp(test::Extract(plain).cms).token.empty());
}

TEST_F(TimestampTest, GarbageIsAFindingNotAnException) {
  const auto check = VerifySignatureTimestamp("garbage", RootAnchor(), FixedNow());
  EXPECT_FALSE(check.valid);
  EXPECT_FALSE(check.findings.empty());
  EXPECT_FALSE(VerifyTimestampToken("garbage", "x", RootAnchor(), FixedNow()).valid);
}

TEST_F(TimestampTest, SigningWithATimestampIsDeterministic) {
  auto authority = test::TestAuthority();
  SignerOptions options = test::FixedOptions();
  options.timestamp = TimestampClient::InProcess(*authority, test::FixedClientOptions());
  EXPECT_EQ(Signer::Create(test::ProviderCredentials(), options)->Sign(test::UnsignedPdf(), {}),
            *signed_);
}

TEST_F(TimestampTest, RefusingTsaFailsTheSignature) {
  SignerOptions options = test::FixedOptions();
  options.timestamp = TimestampClient::OverTransport(
      [](const std::string& request) { return test::TestAuthority()->Respond(request.substr(2)); });
  try {
    Signer::Create(test::ProviderCredentials(), options)->Sign(test::UnsignedPdf(), {});
    FAIL() << "expected SigningError";
  } catch (const SigningError& e) {
    EXPECT_EQ(e.code(), SigningErrorCode::kTimestamp) << e.what();
  }
}

class DocumentTimestampTest : public TimestampTest {
 protected:
  std::string Stamp(const std::string& pdf) {
    // A fresh authority: its serial numbers start at 1 again.
    auto authority = test::TestAuthority();
    auto client = TimestampClient::InProcess(*authority, test::FixedClientOptions());
    DocumentTimestampRequest request;
    request.clock = [] { return FixedNow(); };
    return AddDocumentTimestamp(pdf, *client, request);
  }
};

TEST_F(DocumentTimestampTest, PdfsigListsTheDocumentTimestamp) {
  const std::string stamped = Stamp(*signed_);
  ASSERT_EQ(stamped.compare(0, signed_->size(), *signed_), 0) << "the original bytes changed";
  const auto result = Shell("pdfsig " + WriteTemp("lta.pdf", stamped));
  EXPECT_NE(result.output.find("Signature #2"), std::string::npos) << result.output;
  // poppler 22 lists a document timestamp (its TSA as the signer, whole document covered) but
  // cannot validate ETSI.RFC3161 ("Signature Type: unknown").
  EXPECT_NE(result.output.find("Signature Field Name: DocTimeStamp1"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("测试时间戳服务"), std::string::npos) << result.output;
  EXPECT_NE(result.output.substr(result.output.find("Signature #2")).find("Total document signed"),
            std::string::npos)
      << result.output;
  // The signature before it is still valid.
  const std::size_t second = result.output.find("Signature #2");
  EXPECT_NE(result.output.substr(0, second).find("Signature is Valid"), std::string::npos)
      << result.output;
}

TEST_F(DocumentTimestampTest, OpensslTsVerifiesTheTokenOverTheByteRanges) {
  const std::string stamped = Stamp(test::UnsignedPdf());
  const auto extracted = test::Extract(stamped);
  const std::string token = WriteTemp("doc-token.der", extracted.cms);
  const auto result =
      test::OpensslTsVerifyToken(token, "-data " + WriteTemp("ranges.bin", extracted.signed_bytes));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("Verification: OK"), std::string::npos) << result.output;
  const auto check =
      VerifyTimestampToken(extracted.cms, extracted.signed_bytes, RootAnchor(), FixedNow());
  EXPECT_TRUE(check.valid);
  EXPECT_EQ(check.gen_time_iso, "2026-03-01T08:00:00Z");
}

TEST_F(DocumentTimestampTest, TheFieldValueIsADocTimeStamp) {
  const std::string stamped = Stamp(test::UnsignedPdf());
  const std::string update = stamped.substr(test::UnsignedPdf().size());
  EXPECT_NE(update.find("/Type/DocTimeStamp"), std::string::npos) << update.substr(0, 2000);
  EXPECT_NE(update.find("/SubFilter/ETSI.RFC3161"), std::string::npos);
  EXPECT_NE(update.find("/T(DocTimeStamp1)"), std::string::npos);
  EXPECT_EQ(update.find("/M("), std::string::npos) << "no machine-clock dates";
  EXPECT_NE(update.find("/ModDate(D:20260301080000+00'00')"), std::string::npos);
  // Deterministic.
  EXPECT_EQ(Stamp(test::UnsignedPdf()), stamped);
}

TEST_F(DocumentTimestampTest, ExistingFieldIsRefused) {
  const std::string stamped = Stamp(test::UnsignedPdf());
  auto client = TimestampClient::InProcess(*authority_);
  try {
    AddDocumentTimestamp(stamped, *client);
    FAIL() << "expected SigningError";
  } catch (const SigningError& e) {
    EXPECT_EQ(e.code(), SigningErrorCode::kArgument) << e.what();
  }
  EXPECT_THROW(AddDocumentTimestamp("not a pdf", *client), SigningError);
}

}  // namespace
}  // namespace sealflow::signing
