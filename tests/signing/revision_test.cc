// Copyright sealflow authors.
// Revisions found from the bytes (signing/src/revision.h) as the verifier sees them.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "revision.h"
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

// Every planted "startxref N %%EOF" is found, at every alignment, among filler full of '%',
// "%%" and "%%EO" (the scan looks for two '%' in a row, 16 positions at a time).
TEST(RevisionTest, EveryEofIsFoundAmongPercentSigns) {
  std::uint32_t x = 2026;
  auto next = [&x] {
    x = x * 1103515245u + 12345u;
    return x >> 16;
  };
  const std::string alphabet = "%%%EOFx \n";
  for (int round = 0; round < 200; ++round) {
    std::string pdf = "%PDF-1.7\n";
    std::vector<std::size_t> expected;
    const int revisions = 1 + static_cast<int>(next() % 4);
    for (int r = 0; r < revisions; ++r) {
      std::string filler;
      const std::size_t length = next() % 80;
      for (std::size_t k = 0; k < length; ++k) {
        filler += alphabet[next() % alphabet.size()];
        // No "%%EOF" of its own in the filler.
        if (filler.size() >= 5 && filler.compare(filler.size() - 5, 5, "%%EOF") == 0) {
          filler.back() = 'x';
        }
      }
      pdf += filler + "\n";
      const std::size_t xref = pdf.size();
      pdf += "xref\n0 1\n0000000000 65535 f \ntrailer<</Size 1>>\nstartxref\n" +
             std::to_string(xref) + "\n%%EOF";
      expected.push_back(pdf.size());
      // The last revision sometimes ends the file exactly.
      if (r + 1 < revisions || next() % 2 == 0) pdf += "\n";
    }
    const pdf::RevisionScan scan = pdf::FindRevisions(pdf);
    ASSERT_EQ(scan.revisions.size(), expected.size()) << "round " << round;
    for (std::size_t r = 0; r < expected.size(); ++r) {
      EXPECT_EQ(scan.revisions[r].eof_end, expected[r]) << "round " << round << " revision " << r;
    }
    EXPECT_FALSE(scan.trailing_garbage) << "round " << round;
  }
  // A "%%EOF" cut short at the very end is none.
  EXPECT_TRUE(pdf::FindRevisions("%PDF-1.7\nxref\nstartxref\n9\n%%EO").revisions.empty());
}

}  // namespace
}  // namespace sealflow::signing
