// Copyright sealflow authors.
// The small PDF reader that InspectPdf tries first (forms/src/pdf_scan.cc) must never disagree
// with PoDoFo: where both answer, the bytes are the same; where it is unsure, it says so and
// PoDoFo decides; whatever it answers is the embedded file as written. Checked on every rendered
// example, signed once and three times, on the signing attack corpus and the fuzz seeds, and on
// hand-made files that sit on its edges.
#include "pdf_scan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "forms/error.h"
#include "forms/inspect.h"
#include "forms/renderer.h"
#include "signing/credentials.h"
#include "signing/signer.h"
#include "support/test_support.h"

namespace sealflow::forms {
namespace {

namespace fs = std::filesystem;
using sealflow::testing::AssemblePdf;
using sealflow::testing::FixedNow;
using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;
using sealflow::testing::TestDataPath;

constexpr std::size_t kMax = 16u << 20;

// PoDoFo's answer: the XML, or the FormsError code as text.
std::string ViaPodofo(const std::string& pdf) {
  try {
    return internal::EmbeddedFormXmlViaPodofo(pdf);
  } catch (const FormsError& error) {
    return "error " + std::to_string(static_cast<int>(error.code())) + " " + error.what();
  }
}

std::string Render(const std::string& xml_path) {
  RendererOptions options;
  options.clock = FixedNow;
  static const auto renderer = Renderer::Create(options);
  RenderResult rendered = renderer->Render(ReadFile(xml_path));
  EXPECT_TRUE(rendered.report.ok()) << xml_path;
  return rendered.form.pdf;
}

std::string SignAs(const std::string& pdf, const std::string& field) {
  static const auto signer = [] {
    signing::SignerOptions options;
    options.clock = FixedNow;
    return signing::Signer::Create(signing::Credentials::FromPem(TestDataPath("pki/provider.key"),
                                                                 TestDataPath("pki/provider.pem"),
                                                                 TestDataPath("pki/chain.pem")),
                                   options);
  }();
  signing::SignRequest request;
  request.field_name = field;
  return signer->Sign(pdf, request);
}

std::string Stream(const std::string& dict_extra, const std::string& bytes) {
  return "<< /Length " + std::to_string(bytes.size()) + dict_extra + " >>\nstream\n" + bytes +
         "\nendstream";
}

// Catalog, Pages, name tree and two embedded files: b.xml (Source) and a.xml (Data).
std::vector<std::string> TwoFiles(const std::string& a_relationship = "/Data",
                                  const std::string& b_relationship = "/Source") {
  return {
      "<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 3 0 R >> >>",
      "<< /Type /Pages /Kids [] /Count 0 >>",
      "<< /Names [(a.xml) 4 0 R (b.xml) 5 0 R] >>",
      "<< /Type /Filespec /F (a.xml) /EF << /F 6 0 R >> /AFRelationship " + a_relationship + " >>",
      "<< /Type /Filespec /F (b.xml) /EF << /F 7 0 R >> /AFRelationship " + b_relationship + " >>",
      Stream(" /Type /EmbeddedFile", "<a/>"),
      Stream(" /Type /EmbeddedFile", "<b/>")};
}

bool IsError(const std::string& answer) { return answer.rfind("error ", 0) == 0; }

// must_answer: both readers answer, the same bytes. Otherwise: where both answer, the same
// bytes. (PoDoFo may refuse a file for damage in an object the small reader never reads, such
// as the Info dictionary; InspectPdf's callers have the PoDoFo-based verifier refuse those.)
void ExpectAgrees(const std::string& pdf, const std::string& what, bool must_answer) {
  std::optional<std::string> fast = pdfscan::EmbeddedFormXml(pdf, kMax);
  const std::string podofo = ViaPodofo(pdf);
  if (must_answer) {
    ASSERT_TRUE(fast.has_value()) << what;
    ASSERT_FALSE(IsError(podofo)) << what << ": " << podofo;
  }
  if (fast && !IsError(podofo)) {
    EXPECT_EQ(*fast, podofo) << what;
  }
}

TEST(PdfScanTest, EveryRenderedExampleReadsAsPodofoReadsIt) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(SourcePath("xml-schemas/examples"))) {
    if (entry.path().extension() != ".xml") continue;
    const std::string pdf = Render(entry.path().string());
    ExpectAgrees(pdf, entry.path().filename().string(), /*must_answer=*/true);
    EXPECT_EQ(*pdfscan::EmbeddedFormXml(pdf, kMax), ReadFile(entry.path().string()));
    ++count;
  }
  EXPECT_EQ(count, 13);
}

TEST(PdfScanTest, SignedOnceAndThreeTimes) {
  const std::string once =
      SignAs(Render(SourcePath("xml-schemas/examples/application.xml")), "provider");
  ExpectAgrees(once, "signed once", true);
  const std::string thrice = SignAs(SignAs(once, "second"), "third");
  ExpectAgrees(thrice, "signed three times", true);
  EXPECT_EQ(InspectPdf(thrice).party_code, "91410700MA45KJ2R7F");
}

TEST(PdfScanTest, AttackCorpusAndFuzzSeedsNeverDisagree) {
  int count = 0;
  for (const char* folder : {"signing/attacks", "signing", "fuzz/pdf"}) {
    for (const auto& entry : fs::directory_iterator(TestDataPath(folder))) {
      if (!entry.is_regular_file()) continue;
      const std::string bytes = ReadFile(entry.path().string());
      ExpectAgrees(bytes, entry.path().string(), false);
      ++count;
    }
  }
  EXPECT_GT(count, 20);
}

// Deterministic byte mutations of a signed form: the reader may give up; when it answers, the
// answer is PoDoFo's whenever PoDoFo can read the file, and else the form as rendered (a damaged
// stream fails its zlib checksum, a damaged /Length misses endstream).
TEST(PdfScanTest, MutatedSignedFormsNeverDisagree) {
  const std::string xml = ReadFile(SourcePath("xml-schemas/examples/decision.xml"));
  const std::string signed_pdf =
      SignAs(Render(SourcePath("xml-schemas/examples/decision.xml")), "bureau");
  std::mt19937 random(20261127);
  // Mutations in the structure (the tail: name tree, filespecs, xref, trailer) say the most.
  const std::size_t tail = signed_pdf.size() - std::min<std::size_t>(signed_pdf.size(), 12000);
  int answered = 0;
  for (int round = 0; round < 400; ++round) {
    std::string pdf = signed_pdf;
    for (int k = 0; k < 1 + round % 3; ++k) {
      const std::size_t at =
          tail + std::uniform_int_distribution<std::size_t>(0, pdf.size() - tail - 1)(random);
      pdf[at] = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(random));
    }
    std::optional<std::string> fast = pdfscan::EmbeddedFormXml(pdf, kMax);
    if (fast) {
      ++answered;
      const std::string podofo = ViaPodofo(pdf);
      EXPECT_EQ(*fast, IsError(podofo) ? xml : podofo) << "round " << round;
    }
  }
  EXPECT_GT(answered, 100);  // most single-byte changes do not touch what it reads
}

TEST(PdfScanTest, SourceRelationshipWinsElseFirstByName) {
  ExpectAgrees(AssemblePdf(TwoFiles()), "b is Source", true);
  EXPECT_EQ(*pdfscan::EmbeddedFormXml(AssemblePdf(TwoFiles()), kMax), "<b/>");
  // Neither is the source: the first in name order (a.xml), whatever the array order.
  EXPECT_EQ(*pdfscan::EmbeddedFormXml(AssemblePdf(TwoFiles("/Data", "/Data")), kMax), "<a/>");
  ExpectAgrees(AssemblePdf(TwoFiles("/Data", "/Data")), "no Source", true);
}

TEST(PdfScanTest, FlateStreamsAreInflated) {
  // "<x/>" deflated (zlib), as PoDoFo writes the renderer's embedded file.
  const std::string deflated("\x78\x9c\xb3\xa9\xd0\xb7\x03\x00\x02\xf8\x01\x22", 12);
  std::vector<std::string> objects = TwoFiles();
  objects[6] = Stream(" /Filter /FlateDecode", deflated);
  EXPECT_EQ(*pdfscan::EmbeddedFormXml(AssemblePdf(objects), kMax), "<x/>");
  ExpectAgrees(AssemblePdf(objects), "flate", true);
  objects[6] = Stream(" /Filter [/FlateDecode]", deflated);
  EXPECT_EQ(*pdfscan::EmbeddedFormXml(AssemblePdf(objects), kMax), "<x/>");
}

TEST(PdfScanTest, UnsureCasesAreLeftToPodofo) {
  std::vector<std::string> objects = TwoFiles();
  // A filter it does not decode.
  objects[6] = Stream(" /Filter /ASCIIHexDecode", "3c782f3e>");
  EXPECT_FALSE(pdfscan::EmbeddedFormXml(AssemblePdf(objects), kMax));
  // Predictor parameters.
  objects[6] = Stream(" /Filter /FlateDecode /DecodeParms << /Predictor 12 >>", "xx");
  EXPECT_FALSE(pdfscan::EmbeddedFormXml(AssemblePdf(objects), kMax));
  // Encryption.
  EXPECT_FALSE(pdfscan::EmbeddedFormXml(AssemblePdf(TwoFiles(), " /Encrypt << >>"), kMax));
  // A corrupt deflate stream.
  objects[6] = Stream(" /Filter /FlateDecode", "not deflate");
  EXPECT_FALSE(pdfscan::EmbeddedFormXml(AssemblePdf(objects), kMax));
  // A /Length that does not end at endstream.
  objects[6] = "<< /Length 2 >>\nstream\n<b/>\nendstream";
  EXPECT_FALSE(pdfscan::EmbeddedFormXml(AssemblePdf(objects), kMax));
  // A non-ASCII name tree key.
  objects = TwoFiles();
  objects[2] = "<< /Names [(\xe8\xa1\xa8.xml) 4 0 R (b.xml) 5 0 R] >>";
  EXPECT_FALSE(pdfscan::EmbeddedFormXml(AssemblePdf(objects), kMax));
  // Larger than the bound.
  EXPECT_FALSE(pdfscan::EmbeddedFormXml(AssemblePdf(TwoFiles()), 3));
  // No embedded files, no name tree: not "none", just unsure.
  EXPECT_FALSE(pdfscan::EmbeddedFormXml(
      AssemblePdf({"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"}),
      kMax));
  // Offsets that do not point at their objects.
  std::string shifted = AssemblePdf(TwoFiles());
  shifted.insert(9, "% a comment that shifts every object\n");
  EXPECT_FALSE(pdfscan::EmbeddedFormXml(shifted, kMax));
  ExpectAgrees(shifted, "shifted", false);
  // Truncated anywhere: never a wrong answer, never a crash.
  const std::string whole = AssemblePdf(TwoFiles());
  for (std::size_t cut = 0; cut < whole.size(); cut += 7) {
    const std::string part = whole.substr(0, cut);
    std::optional<std::string> fast = pdfscan::EmbeddedFormXml(part, kMax);
    if (fast) {
      EXPECT_EQ(*fast, "<b/>") << cut;
      const std::string podofo = ViaPodofo(part);
      if (!IsError(podofo)) {
        EXPECT_EQ(*fast, podofo) << cut;
      }
    }
  }
}

TEST(PdfScanTest, NestedNameTreeAndIncrementalUpdate) {
  std::vector<std::string> objects = TwoFiles();
  objects[2] = "<< /Kids [8 0 R] >>";
  objects.push_back("<< /Names [(a.xml) 4 0 R (b.xml) 5 0 R] /Limits [(a.xml) (b.xml)] >>");
  std::string pdf = AssemblePdf(objects);
  ExpectAgrees(pdf, "kids", true);
  // An incremental update that replaces object 7 (b.xml's stream).
  const std::size_t prev = std::stoul(pdf.substr(pdf.rfind("startxref") + 10));
  const std::size_t offset = pdf.size();
  pdf += "7 0 obj\n" + Stream("", "<c/>") + "\nendobj\n";
  const std::size_t xref = pdf.size();
  char line[32];
  std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
  pdf += std::string("xref\n7 1\n") + line + "trailer\n<< /Size 9 /Root 1 0 R /Prev " +
         std::to_string(prev) + " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  EXPECT_EQ(*pdfscan::EmbeddedFormXml(pdf, kMax), "<c/>");
  ExpectAgrees(pdf, "updated", true);
}

}  // namespace
}  // namespace sealflow::forms
