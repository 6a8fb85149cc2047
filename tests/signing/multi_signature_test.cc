// Copyright sealflow authors.
// Several signatures in one file, as the verifier shares work between them: the digest of the
// bytes before each /Contents gap is carried from one signature's prefix to the next (each
// signature must still see exactly its own bytes), and the difference analysis reads the whole
// document once for all the signed revisions (objects it only needs the references of are read
// from the file by a strict reader that leaves anything unusual to PoDoFo).
#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <regex>
#include <string>
#include <vector>

#include "signing/signer.h"
#include "signing/verifier.h"
#include "signing_test_util.h"

namespace sealflow::signing {
namespace {

std::string Sign(const std::string& pdf, const std::string& field) {
  SignRequest request;
  request.field_name = field;
  return Signer::Create(test::ProviderCredentials(), test::FixedOptions())->Sign(pdf, request);
}

VerificationReport Verify(const std::string& pdf) {
  return test::VerifierTrusting({test::Pki("root-ca.pem")})->Verify(pdf);
}

// The signature of `report` for `field`.
const SignatureReport* Find(const VerificationReport& report, const std::string& field) {
  for (const SignatureReport& sig : report.signatures) {
    if (sig.field_name == field) return &sig;
  }
  ADD_FAILURE() << "no signature " << field << " in " << report.ToJson();
  return nullptr;
}

// Offsets of every "/ByteRange[" in `pdf`, in file order.
std::vector<std::size_t> ByteRangeKeys(const std::string& pdf) {
  std::vector<std::size_t> out;
  for (std::size_t at = pdf.find("/ByteRange"); at != std::string::npos;
       at = pdf.find("/ByteRange", at + 1)) {
    out.push_back(at);
  }
  return out;
}

class ThreeSignaturesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    signed_ = new std::string(Sign(Sign(Sign(test::UnsignedPdf(), "A"), "B"), "C"));
  }
  static void TearDownTestSuite() { delete signed_; }
  static std::string* signed_;
};
std::string* ThreeSignaturesTest::signed_ = nullptr;

// Every object a verification parses is freed with it: 200 more verifications of a three-signature
// file after a warm-up leave the heap where it was (the parsed revisions once leaked ~60 KB each;
// certificate caches fill during the warm-up and stay bounded).
TEST_F(ThreeSignaturesTest, RepeatedVerificationDoesNotGrowTheHeap) {
  auto verifier = test::VerifierTrusting({test::Pki("root-ca.pem")});
  for (int i = 0; i < 20; ++i) ASSERT_EQ(verifier->Verify(*signed_).verdict, Verdict::kValid);
  const std::size_t before = mallinfo2().uordblks;
  for (int i = 0; i < 200; ++i) ASSERT_EQ(verifier->Verify(*signed_).verdict, Verdict::kValid);
  const std::size_t after = mallinfo2().uordblks;
  EXPECT_LT(after, before + (1u << 20)) << "heap grew by " << (after - before) << " bytes";
}

TEST_F(ThreeSignaturesTest, AllThreeVerify) {
  const VerificationReport report = Verify(*signed_);
  ASSERT_EQ(report.signatures.size(), 3u) << report.ToJson();
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  for (const SignatureReport& sig : report.signatures) EXPECT_TRUE(sig.digest_ok) << sig.field_name;
}

// A change of white-space in the padding of revision r's /ByteRange (before its /Contents gap,
// so inside every later signature's first range and outside every earlier one's) parses the
// same, but must break exactly the digests of signatures r, r+1, ...
TEST_F(ThreeSignaturesTest, AByteChangedInOneRevisionFailsExactlyTheSignaturesCoveringIt) {
  const std::vector<std::size_t> keys = ByteRangeKeys(*signed_);
  ASSERT_EQ(keys.size(), 3u);
  const char* fields[] = {"A", "B", "C"};
  for (std::size_t r = 0; r < 3; ++r) {
    std::string pdf = *signed_;
    const std::size_t close = pdf.find(']', keys[r]);
    ASSERT_EQ(pdf[close - 1], ' ') << "no padding in the /ByteRange of revision " << r + 2;
    pdf[close - 1] = '\t';
    const VerificationReport report = Verify(pdf);
    EXPECT_EQ(report.verdict, Verdict::kInvalid);
    for (std::size_t k = 0; k < 3; ++k) {
      const SignatureReport* sig = Find(report, fields[k]);
      ASSERT_NE(sig, nullptr);
      EXPECT_EQ(sig->digest_ok, k < r) << "signature " << fields[k] << ", byte changed in the "
                                       << "revision of signature " << fields[r] << "\n"
                                       << report.ToJson();
      if (k < r) {
        EXPECT_EQ(sig->verdict, Verdict::kValid) << report.ToJson();
      } else {
        EXPECT_EQ(sig->sub_indication, "HASH_FAILURE") << report.ToJson();
      }
    }
  }
}

// The second range (after the gap) of each signature is its own: a change there breaks only the
// signatures whose ranges hold it.
TEST_F(ThreeSignaturesTest, AByteChangedAfterTheFirstGapFailsTheSignaturesCoveringIt) {
  std::string pdf = *signed_;
  const std::size_t first_key = ByteRangeKeys(pdf)[0];
  // After signature A's /Contents: its /Filter name, inside A's second range and B's and C's
  // first ranges. "/Adobe.PPKLite" → "/Adobe.PPKLitf" keeps the file parsable.
  const std::size_t filter = pdf.find("/Adobe.PPKLite", first_key);
  ASSERT_NE(filter, std::string::npos);
  pdf[filter + std::string("/Adobe.PPKLite").size() - 1] = 'f';
  const VerificationReport report = Verify(pdf);
  for (const char* field : {"A", "B", "C"}) {
    const SignatureReport* sig = Find(report, field);
    ASSERT_NE(sig, nullptr);
    EXPECT_FALSE(sig->digest_ok) << field << "\n" << report.ToJson();
  }
}

// Fields whose order is not the order of their revisions: the later signature's prefix is
// hashed first, and the earlier one's state is taken on the way.
TEST(MultiSignatureTest, SignaturesListedAgainstTheirRevisionOrderVerify) {
  const std::string prepared = sealflow::testing::ReadFile(
      sealflow::testing::TestDataPath("signing/prepared-two-fields.pdf"));
  const std::string pdf = Sign(Sign(prepared, "county"), "provider");
  const VerificationReport report = Verify(pdf);
  ASSERT_EQ(report.signatures.size(), 2u) << report.ToJson();
  EXPECT_EQ(report.signatures[0].field_name, "provider");
  EXPECT_EQ(report.signatures[0].revision, 3);
  EXPECT_EQ(report.signatures[1].field_name, "county");
  EXPECT_EQ(report.signatures[1].revision, 2);
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();

  // And a byte changed in the later revision fails only the later signature.
  std::string tampered = pdf;
  const std::vector<std::size_t> keys = ByteRangeKeys(tampered);
  ASSERT_EQ(keys.size(), 2u);
  const std::size_t close = tampered.find(']', keys[1]);
  ASSERT_EQ(tampered[close - 1], ' ');
  tampered[close - 1] = '\n';
  const VerificationReport after = Verify(tampered);
  EXPECT_TRUE(Find(after, "county")->digest_ok) << after.ToJson();
  EXPECT_EQ(Find(after, "county")->verdict, Verdict::kValid) << after.ToJson();
  EXPECT_FALSE(Find(after, "provider")->digest_ok) << after.ToJson();
}

// --- The difference analysis: what the catalog reaches decides whether a later change to the
// document information dictionary is metadata (allowed) or content (not).

// Objects 1 to 6 of a one-page PDF: catalog, page tree, font, the page (its resources and
// dictionary end with `page_tail`, PDF syntax that names object 7), its content and the
// Info dictionary titled `title`.
std::vector<std::string> OnePageObjects(const std::string& page_tail, const std::string& title) {
  const std::string content = "BT /F1 12 Tf 72 720 Td (page) Tj ET\n";
  return {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> " +
          page_tail,
      "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "endstream",
      "<< /Title (" + title + ") >>",
  };
}

// A one-page PDF whose page dictionary names object 7, a dictionary holding `extra` (PDF
// syntax), and whose Info dictionary is object 6. Object 7 stays as written here: the signer
// rewrites the page (its /Annots) but not what the page names. Classic xref table.
std::string PdfWithExtra(const std::string& extra) {
  std::vector<std::string> objects =
      OnePageObjects(">> /Contents 5 0 R /PieceInfo 7 0 R >>", "page extra");
  objects.push_back("<< " + extra + " >>");
  return testing::AssemblePdf(objects, " /Info 6 0 R");
}

// `pdf` plus an incremental update redefining object 6 (the Info dictionary).
std::string WithInfoChanged(const std::string& pdf) {
  static const std::regex startxref(R"(startxref\s+(\d+)\s+%%EOF\s*$)");
  static const std::regex size(R"(/Size\s+(\d+))");
  std::smatch match;
  EXPECT_TRUE(std::regex_search(pdf, match, startxref));
  const std::string prev = match[1].str();
  long max_size = 0;
  for (auto it = std::sregex_iterator(pdf.begin(), pdf.end(), size); it != std::sregex_iterator();
       ++it) {
    max_size = std::max(max_size, std::stol((*it)[1].str()));
  }
  std::string out = pdf;
  const std::size_t object = out.size();
  out += "6 0 obj\n<< /Title (changed after signing) >>\nendobj\n";
  const std::size_t xref = out.size();
  char entry[32];
  std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", object);
  out += "xref\n0 1\n0000000000 65535 f \n6 1\n" + std::string(entry) + "trailer\n<< /Size " +
         std::to_string(max_size) + " /Root 1 0 R /Info 6 0 R /Prev " + prev + " >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return out;
}

struct InfoCase {
  const char* name;
  const char* extra;     // in object 7, which the page names
  bool info_is_content;  // object 7 reaches object 6: changing it changes the document
};

class InfoReachTest : public ::testing::TestWithParam<InfoCase> {};

TEST_P(InfoReachTest, ChangingTheInfoDictionaryIsJudgedByWhatReachesIt) {
  const InfoCase& c = GetParam();
  const std::string signed_pdf = Sign(PdfWithExtra(c.extra), "Signature1");
  const VerificationReport before = Verify(signed_pdf);
  ASSERT_EQ(before.verdict, Verdict::kValid) << before.ToJson();

  const VerificationReport report = Verify(WithInfoChanged(signed_pdf));
  ASSERT_EQ(report.signatures.size(), 1u) << report.ToJson();
  const SignatureReport& sig = report.signatures[0];
  EXPECT_TRUE(sig.digest_ok);
  if (c.info_is_content) {
    EXPECT_EQ(report.verdict, Verdict::kInvalid) << report.ToJson();
    EXPECT_EQ(sig.sub_indication, "MODIFIED_AFTER_SIGNING") << report.ToJson();
    bool flagged = false;
    for (const auto& m : sig.modifications) flagged = flagged || m.object == 6;
    EXPECT_TRUE(flagged) << report.ToJson();
  } else {
    EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
    EXPECT_TRUE(sig.modifications.empty()) << report.ToJson();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Syntax, InfoReachTest,
    ::testing::Values(
        InfoCase{"NotReferenced", "/Rotate 0", false},
        InfoCase{"PlainReference", "/PieceInfo 6 0 R", true},
        InfoCase{"ReferenceInAnArray", "/X [1 2 [6 0 R] 3.5 -4 true null /N (s)]", true},
        InfoCase{"ReferenceAfterAComment", "/X 6 % a comment ) >> 1 0 R\n 0 R", true},
        InfoCase{"ReferenceAfterAStringWithAnEscapedParenthesis", "/S (a\\) /Y 1 0 R) /X 6 0 R",
                 true},
        InfoCase{"ReferenceAfterAStringWithNestedParentheses", "/S (a (b) 6 0 R c) /X 6 0 R", true},
        InfoCase{"ReferenceAfterAHexString", "/S <36 20 30 20 52> /X 6 0 R", true},
        InfoCase{"ReferenceAfterAnEscapedName", "/A#42 /N /X 6 0 R", true},
        InfoCase{"OnlyInsideAString", "/S (6 0 R)", false},
        InfoCase{"OnlyInsideAHexString", "/S <3620302052>", false},
        InfoCase{"ReferenceInANestedDictionary", "/X << /Y << /Z 6 0 R >> >>", true},
        InfoCase{"TwoNumbersThenAReference", "/X [7 8 6 0 R]", true}),
    [](const ::testing::TestParamInfo<InfoCase>& param) { return std::string(param.param.name); });

// A one-page PDF whose page names object 7 and whose last object, 7, starts with `open` and is
// left unfinished: its text runs on into the xref table, the trailer and whatever follows.
std::string PdfWithOpenObject(const std::string& open) {
  const std::vector<std::string> objects =
      OnePageObjects("/XObject << /X 7 0 R >> >> /Contents 5 0 R >>", "t");
  std::string pdf = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  offsets.push_back(pdf.size());
  pdf += "7 0 obj\n" + open;
  const std::size_t xref = pdf.size() + 1;
  pdf += "\nxref\n0 8\n0000000000 65535 f \n";
  for (std::size_t offset : offsets) {
    char entry[32];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offset);
    pdf += entry;
  }
  pdf += "trailer\n<< /Size 8 /Root 1 0 R /Info 6 0 R >>\nstartxref\n" + std::to_string(xref) +
         "\n%%EOF\n";
  return pdf;
}

// `pdf`, then `bytes`, then an update with an empty cross-reference section.
std::string WithRevisionAfter(const std::string& pdf, const std::string& bytes) {
  static const std::regex startxref(R"(startxref\s+(\d+)\s+%%EOF\s*$)");
  std::smatch match;
  EXPECT_TRUE(std::regex_search(pdf, match, startxref));
  std::string out = pdf + bytes;
  const std::size_t update = out.size();
  out += "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 10 /Root 1 0 R /Info 6 0 R /Prev " +
         match[1].str() + " >>\nstartxref\n" + std::to_string(update) + "\n%%EOF\n";
  return out;
}

// A signed revision whose last object is unfinished signs only the start of it; a later revision
// can finish it with anything. Object 7 keeps its offset, but its text (or its stream's data)
// now runs on past the signed revision's end: that is not what was signed.
TEST(MultiSignatureTest, AnObjectFinishedByALaterRevisionIsNotWhatWasSigned) {
  const std::string signed_pdf = Sign(PdfWithOpenObject("<< /X ("), "Signature1");
  ASSERT_EQ(Verify(signed_pdf).verdict, Verdict::kValid) << Verify(signed_pdf).ToJson();
  const VerificationReport report =
      Verify(WithRevisionAfter(signed_pdf, ") /Evil 3 0 R >>\nendobj\n"));
  ASSERT_EQ(report.signatures.size(), 1u) << report.ToJson();
  EXPECT_TRUE(report.signatures[0].digest_ok);
  EXPECT_EQ(report.verdict, Verdict::kInvalid) << report.ToJson();
}

TEST(MultiSignatureTest, AStreamWhoseDataRunsPastTheSignedRevisionIsNotWhatWasSigned) {
  const std::string open = "<< /Length 20000 >>\nstream\nq Q";
  const std::string signed_pdf = Sign(PdfWithOpenObject(open), "Signature1");
  ASSERT_EQ(Verify(signed_pdf).verdict, Verdict::kValid) << Verify(signed_pdf).ToJson();
  // The stream's 20000 bytes end inside the appended revision.
  const std::size_t data = signed_pdf.find(open) + open.size() - 3;
  ASSERT_LT(signed_pdf.size() - data, 20000u);
  const std::string filler(20000 - (signed_pdf.size() - data), '%');
  const VerificationReport report =
      Verify(WithRevisionAfter(signed_pdf, filler + "\nendstream\nendobj\n"));
  ASSERT_EQ(report.signatures.size(), 1u) << report.ToJson();
  EXPECT_TRUE(report.signatures[0].digest_ok);
  EXPECT_EQ(report.verdict, Verdict::kInvalid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].sub_indication, "MODIFIED_AFTER_SIGNING") << report.ToJson();
}

}  // namespace
}  // namespace sealflow::signing
