// Copyright sealflow authors.
#include "signing/verifier.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "signing/error.h"
#include "signing_test_util.h"

namespace sealflow::signing {
namespace {

using test::Pki;

bool HasFinding(const std::vector<std::string>& findings, const std::string& needle) {
  for (const std::string& f : findings) {
    if (f.find(needle) != std::string::npos) return true;
  }
  return false;
}

std::string SignWith(const std::string& key, const std::string& cert, const std::string& pdf,
                     const std::string& field = "Signature1") {
  auto signer = Signer::Create(Credentials::FromPem(Pki(key), Pki(cert), Pki("chain.pem")),
                               test::FixedOptions());
  SignRequest request;
  request.field_name = field;
  return signer->Sign(pdf, request);
}

class VerifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    signed_ = new std::string(SignWith("provider.key", "provider.pem", test::UnsignedPdf()));
  }
  static void TearDownTestSuite() { delete signed_; }
  static const std::string& Signed() { return *signed_; }
  std::unique_ptr<Verifier> trusting_root_ = test::VerifierTrusting({Pki("root-ca.pem")});

  void ExpectInvalid(const std::string& pdf, const std::string& finding = "") {
    VerificationReport report;
    ASSERT_NO_THROW(report = trusting_root_->Verify(pdf));
    EXPECT_EQ(report.verdict, Verdict::kInvalid) << report.ToJson();
    if (!finding.empty() && !report.signatures.empty()) {
      EXPECT_TRUE(HasFinding(report.signatures.back().findings, finding)) << report.ToJson();
    }
  }

 private:
  static std::string* signed_;
};
std::string* VerifierTest::signed_ = nullptr;

TEST_F(VerifierTest, ValidWithTheRootAsTrustAnchor) {
  const auto report = trusting_root_->Verify(Signed());
  ASSERT_TRUE(report.is_pdf);
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  ASSERT_EQ(report.signatures.size(), 1u);
  const SignatureReport& s = report.signatures[0];
  EXPECT_EQ(s.field_name, "Signature1");
  EXPECT_EQ(s.sub_filter, "ETSI.CAdES.detached");
  EXPECT_EQ(s.signer_name, "新乡市示例软件服务有限公司 签章");
  EXPECT_EQ(s.signer_organization, "新乡市示例软件服务有限公司");
  EXPECT_EQ(s.signer_serial_number, "91410700MA44C1RX23");
  EXPECT_NE(s.signer_subject.find("O=新乡市示例软件服务有限公司"), std::string::npos);
  EXPECT_EQ(s.signing_time, "2026-03-01T08:00:00Z");
  EXPECT_TRUE(s.covers_whole_document);
  EXPECT_TRUE(s.digest_ok);
  EXPECT_TRUE(s.signature_ok);
  EXPECT_TRUE(s.chain_ok);
  EXPECT_TRUE(s.findings.empty()) << report.ToJson();
  ASSERT_EQ(s.byte_range.size(), 4u);
  EXPECT_EQ(s.byte_range[0], 0);
  EXPECT_EQ(s.byte_range[2] + s.byte_range[3], static_cast<std::int64_t>(Signed().size()));
}

TEST_F(VerifierTest, IndeterminateWithoutTrustAnchors) {
  const auto report = test::VerifierTrusting({})->Verify(Signed());
  EXPECT_EQ(report.verdict, Verdict::kIndeterminate);
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_TRUE(report.signatures[0].signature_ok);
  EXPECT_FALSE(report.signatures[0].chain_ok);
  EXPECT_TRUE(HasFinding(report.signatures[0].findings, "NO_CERTIFICATE_CHAIN_FOUND"));
}

TEST_F(VerifierTest, IndeterminateWithAnUnrelatedTrustAnchor) {
  const auto report = test::VerifierTrusting({Pki("other-ca.pem")})->Verify(Signed());
  EXPECT_EQ(report.verdict, Verdict::kIndeterminate) << report.ToJson();
  EXPECT_TRUE(HasFinding(report.signatures.at(0).findings, "NO_CERTIFICATE_CHAIN_FOUND"));
}

TEST_F(VerifierTest, SignerUnderOtherCaIsValidOnlyWithOtherCa) {
  // The chain.pem embedded is our root; the signer's own issuer is other-ca.
  const std::string pdf = SignWith("provider-other.key", "provider-other.pem", test::UnsignedPdf());
  EXPECT_EQ(trusting_root_->Verify(pdf).verdict, Verdict::kIndeterminate);
  EXPECT_EQ(test::VerifierTrusting({Pki("other-ca.pem")})->Verify(pdf).verdict, Verdict::kValid);
}

TEST_F(VerifierTest, FlippedByteInsideTheSignedRangesIsInvalid) {
  const auto br = test::LastByteRange(Signed());
  const std::int64_t size = static_cast<std::int64_t>(Signed().size());
  for (std::int64_t position : {std::int64_t{0}, std::int64_t{10}, br[1] / 2, br[1] - 1, br[2],
                                br[2] + br[3] / 2, size - 2, size - 1}) {
    std::string tampered = Signed();
    tampered[position] = static_cast<char>(tampered[position] ^ 0x01);
    SCOPED_TRACE("position " + std::to_string(position));
    ExpectInvalid(tampered);
  }
}

TEST_F(VerifierTest, FlippedByteInPageContentIsAHashFailure) {
  std::string tampered = Signed();
  const auto at = tampered.find("Page 1 of 2");
  ASSERT_NE(at, std::string::npos);
  tampered[at + 5] = '7';
  const auto report = trusting_root_->Verify(tampered);
  EXPECT_EQ(report.verdict, Verdict::kInvalid);
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_FALSE(report.signatures[0].digest_ok);
  EXPECT_TRUE(HasFinding(report.signatures[0].findings, "HASH_FAILURE")) << report.ToJson();
}

TEST_F(VerifierTest, FlippedHexDigitInsideContentsIsInvalid) {
  const auto br = test::LastByteRange(Signed());
  const auto cms_length = test::Extract(Signed()).cms.size();
  // Positions inside the CMS: the signature value near its end, a certificate, the attributes.
  for (std::size_t offset : {cms_length * 2 - 10, cms_length, cms_length * 2 - 600}) {
    std::string tampered = Signed();
    char& c = tampered[static_cast<std::size_t>(br[1]) + 1 + offset];
    c = c == '0' ? '1' : '0';
    SCOPED_TRACE("hex offset " + std::to_string(offset));
    ExpectInvalid(tampered);
  }
}

TEST_F(VerifierTest, NonHexCharacterInContentsIsInvalid) {
  const auto br = test::LastByteRange(Signed());
  std::string tampered = Signed();
  tampered[static_cast<std::size_t>(br[2]) - 3] = ' ';
  ExpectInvalid(tampered);
}

TEST_F(VerifierTest, AppendedBytesMakeItInvalid) {
  ExpectInvalid(Signed() + "\n% appended\n", "document modified after signing");
}

TEST_F(VerifierTest, CountersignatureKeepsTheEarlierSignatureValid) {
  const std::string twice = SignWith("provider.key", "provider.pem", Signed(), "Signature2");
  const auto report = trusting_root_->Verify(twice);
  ASSERT_EQ(report.signatures.size(), 2u) << report.ToJson();
  // A later revision that only adds a signature is on the whitelist: both stay VALID.
  EXPECT_EQ(report.signatures[0].field_name, "Signature1");
  EXPECT_EQ(report.signatures[0].verdict, Verdict::kValid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].indication, Indication::kTotalPassed);
  EXPECT_EQ(report.signatures[0].revision, 2);
  EXPECT_TRUE(report.signatures[0].digest_ok);
  EXPECT_FALSE(report.signatures[0].covers_whole_document);
  EXPECT_TRUE(report.signatures[0].modifications.empty());
  EXPECT_EQ(report.signatures[1].verdict, Verdict::kValid) << report.ToJson();
  EXPECT_EQ(report.signatures[1].revision, 3);
  EXPECT_EQ(report.revisions, 3);
  EXPECT_EQ(report.verdict, Verdict::kValid);
}

TEST_F(VerifierTest, ExpiredSignerCertificateIsIndeterminate) {
  const std::string pdf = SignWith("expired.key", "expired.pem", test::UnsignedPdf());
  const auto report = trusting_root_->Verify(pdf);
  EXPECT_EQ(report.verdict, Verdict::kIndeterminate) << report.ToJson();
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_TRUE(report.signatures[0].signature_ok);
  EXPECT_TRUE(HasFinding(report.signatures[0].findings, "expired"));
}

TEST_F(VerifierTest, NotYetValidSignerCertificateIsIndeterminate) {
  const std::string pdf = SignWith("not-yet-valid.key", "not-yet-valid.pem", test::UnsignedPdf());
  const auto report = trusting_root_->Verify(pdf);
  EXPECT_EQ(report.verdict, Verdict::kIndeterminate) << report.ToJson();
  EXPECT_TRUE(HasFinding(report.signatures.at(0).findings, "not yet valid"));
}

TEST_F(VerifierTest, GarbageIsNotAPdf) {
  for (const std::string& bytes :
       {std::string(), std::string("hello"), std::string(4096, '\0'), std::string("%PDF-1.7\n"),
        std::string(
            "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n")}) {
    VerificationReport report;
    ASSERT_NO_THROW(report = trusting_root_->Verify(bytes));
    EXPECT_FALSE(report.is_pdf);
    EXPECT_EQ(report.verdict, Verdict::kInvalid);
    EXPECT_TRUE(HasFinding(report.findings, "not a PDF")) << report.ToJson();
  }
}

TEST_F(VerifierTest, TruncatedSignedPdfNeverVerifies) {
  for (std::size_t keep : {Signed().size() - 1, Signed().size() - 30, Signed().size() / 2,
                           std::size_t{100}, std::size_t{5}}) {
    VerificationReport report;
    ASSERT_NO_THROW(report = trusting_root_->Verify(std::string_view(Signed()).substr(0, keep)));
    EXPECT_EQ(report.verdict, Verdict::kInvalid) << keep << " " << report.ToJson();
  }
}

TEST_F(VerifierTest, UnsignedPdfHasNoSignatures) {
  const auto report = trusting_root_->Verify(test::UnsignedPdf());
  EXPECT_TRUE(report.is_pdf);
  EXPECT_TRUE(report.signatures.empty());
  EXPECT_EQ(report.verdict, Verdict::kIndeterminate);
  EXPECT_TRUE(HasFinding(report.findings, "no signature"));
}

// Rewrites the (fixed-width, space padded) /ByteRange array text of the last signature.
std::string WithByteRange(const std::string& pdf, const std::string& replacement) {
  const auto at = pdf.rfind("/ByteRange[");
  EXPECT_NE(at, std::string::npos);
  const auto open = at + std::string("/ByteRange").size();
  const auto close = pdf.find(']', open);
  std::string text = replacement;
  EXPECT_LE(text.size(), close + 1 - open);
  text.insert(text.size() - 1, close + 1 - open - text.size(), ' ');
  std::string out = pdf;
  out.replace(open, close + 1 - open, text);
  return out;
}

TEST_F(VerifierTest, ForgedByteRangesAreInvalid) {
  const auto br = test::LastByteRange(Signed());
  auto str = [](std::int64_t v) { return std::to_string(v); };
  const std::vector<std::string> forged = {
      "[0 0 0 0]",
      "[0 1 2 3]",
      "[1 " + str(br[1] - 1) + " " + str(br[2]) + " " + str(br[3]) + "]",
      "[0 " + str(br[1] + 2) + " " + str(br[2]) + " " + str(br[3]) + "]",
      "[0 " + str(br[1]) + " " + str(br[2] - 2) + " " + str(br[3] + 2) + "]",
      "[0 " + str(br[1]) + " " + str(br[2]) + " " + str(br[3] + 10) + "]",
      "[0 " + str(br[2]) + " " + str(br[1]) + " " + str(br[3]) + "]",
      "[0 " + str(br[1]) + " " + str(br[2]) + "]",
      "[0 " + str(br[1]) + " " + str(br[2]) + " -1]",
      "[0 " + str(br[1]) + " " + str(br[2]) + " 1.5]",
  };
  for (const std::string& range : forged) {
    SCOPED_TRACE(range);
    ExpectInvalid(WithByteRange(Signed(), range));
  }
}

TEST_F(VerifierTest, GapThatIsNotThisSignaturesContentsIsInvalid) {
  // Point the gap at the right size but one byte earlier: it is no longer exactly "<hex>".
  const auto br = test::LastByteRange(Signed());
  const std::string moved =
      WithByteRange(Signed(), "[0 " + std::to_string(br[1] - 1) + " " + std::to_string(br[2] - 1) +
                                  " " + std::to_string(br[3] + 1) + "]");
  ExpectInvalid(moved);
}

TEST_F(VerifierTest, ToJsonHasAStableParsableShape) {
  const auto report = trusting_root_->Verify(Signed());
  const std::string json = report.ToJson();
  EXPECT_EQ(
      json.rfind("{\"verdict\":\"VALID\",\"is_pdf\":true,\"findings\":[],\"signatures\":[{", 0), 0u)
      << json;
  Poco::JSON::Parser parser;
  auto root = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(root->getValue<std::string>("verdict"), "VALID");
  auto signatures = root->getArray("signatures");
  ASSERT_EQ(signatures->size(), 1u);
  auto first = signatures->getObject(0);
  EXPECT_EQ(first->getValue<std::string>("signer_serial_number"), "91410700MA44C1RX23");
  EXPECT_EQ(first->getValue<std::string>("signer_name"), "新乡市示例软件服务有限公司 签章");
  EXPECT_TRUE(first->getValue<bool>("digest_ok"));
  EXPECT_EQ(first->getArray("byte_range")->size(), 4u);
  // Garbage reports are JSON too.
  EXPECT_NO_THROW(parser.parse(trusting_root_->Verify("\x01\"\\").ToJson()));
}

// One verifier, many threads, the same signer certificates (shared through the verifier's
// certificate cache) and a tampered copy in between: every report is what a lone call gives.
TEST_F(VerifierTest, ConcurrentVerificationsAgree) {
  std::string tampered = Signed();
  tampered[100] = tampered[100] == 'a' ? 'b' : 'a';
  const std::string valid_json = trusting_root_->Verify(Signed()).ToJson();
  const std::string tampered_json = trusting_root_->Verify(tampered).ToJson();
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        if (trusting_root_->Verify(Signed()).ToJson() != valid_json) ++mismatches;
        if (trusting_root_->Verify(tampered).ToJson() != tampered_json) ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(trusting_root_->Verify(Signed()).verdict, Verdict::kValid);
}

TEST(VerifierCreateTest, UnreadableTrustAnchorIsACredentialsError) {
  VerifierOptions options;
  options.trust_anchor_files = {Pki("no-such.pem")};
  try {
    Verifier::Create(options);
    FAIL();
  } catch (const SigningError& e) {
    EXPECT_EQ(e.code(), SigningErrorCode::kCredentials);
  }
  options.trust_anchor_files.clear();
  options.trust_anchor_pems = {"not a certificate"};
  EXPECT_THROW(Verifier::Create(options), SigningError);
}

}  // namespace
}  // namespace sealflow::signing
