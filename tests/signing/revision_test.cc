// Copyright sealflow authors.
// Revisions found from the bytes (signing/src/revision.h) as the verifier sees them.
#include <gtest/gtest.h>

#include "signing_test_util.h"

namespace sealflow::signing {
namespace {

TEST(RevisionTest, AnUnsignedFileHasOneRevision) {
  const auto report = test::VerifierTrusting({})->Verify(test::UnsignedPdf());
  EXPECT_EQ(report.revisions, 1);
}

TEST(RevisionTest, EachSignatureSignsItsOwnRevision) {
  auto signer = Signer::Create(test::ProviderCredentials(), test::FixedOptions());
  SignRequest first;
  first.field_name = "A";
  SignRequest second;
  second.field_name = "B";
  const std::string once = signer->Sign(test::UnsignedPdf(), first);
  const std::string twice = signer->Sign(once, second);
  const auto report = test::VerifierTrusting({test::Pki("root-ca.pem")})->Verify(twice);
  EXPECT_EQ(report.revisions, 3);
  ASSERT_EQ(report.signatures.size(), 2u);
  EXPECT_EQ(report.signatures[0].revision, 2);
  EXPECT_EQ(report.signatures[1].revision, 3);
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
}

TEST(RevisionTest, PercentEofInsideAStreamOrCommentIsNoRevision) {
  // Fake trailers in page content (same length, so every offset stays): pointing at the
  // header or at an object that is not an xref stream, none ends a revision.
  std::string pdf = test::UnsignedPdf();
  const std::string object = std::to_string(pdf.find("2 0 obj"));
  for (const std::string& fake :
       std::vector<std::string>{"startxref 9 %%EOF", "startxref " + object + " %%EOF"}) {
    const auto at = pdf.find("(Sealflow signing test fixture)");
    ASSERT_NE(at, std::string::npos);
    std::string text = "(" + fake;
    text.resize(std::string("(Sealflow signing test fixture").size(), ' ');
    pdf.replace(at, text.size(), text);
  }
  EXPECT_EQ(test::VerifierTrusting({})->Verify(pdf).revisions, 1);
}

TEST(RevisionTest, ByteRangeEndingInsideARevisionIsAFormatFailure) {
  auto signer = Signer::Create(test::ProviderCredentials(), test::FixedOptions());
  const std::string once = signer->Sign(test::UnsignedPdf(), SignRequest{});
  // Remove the final EOL and "%%EOF": the signed prefix no longer ends at a revision's end.
  std::string cut = once.substr(0, once.rfind("%%EOF"));
  cut += std::string(once.size() - cut.size(), ' ');
  const auto report = test::VerifierTrusting({test::Pki("root-ca.pem")})->Verify(cut);
  EXPECT_EQ(report.verdict, Verdict::kInvalid) << report.ToJson();
}

TEST(RevisionTest, TrailingWhitespaceAfterEofIsNotAModification) {
  auto signer = Signer::Create(test::ProviderCredentials(), test::FixedOptions());
  const std::string once = signer->Sign(test::UnsignedPdf(), SignRequest{});
  const auto report = test::VerifierTrusting({test::Pki("root-ca.pem")})->Verify(once + "\n\n  ");
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
}

}  // namespace
}  // namespace sealflow::signing
