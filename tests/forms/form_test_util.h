// Copyright sealflow authors.
// Helpers shared by the per-form tests: one Renderer per test binary (fonts load once), the text
// layer of a PDF, the render-and-cross-check every example goes through, and finding assertions.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "forms/renderer.h"
#include "support/test_support.h"

namespace sealflow::forms::testutil {

inline const Renderer& SharedRenderer() {
  static const std::unique_ptr<Renderer> renderer = [] {
    RendererOptions options;
    options.clock = [] { return sealflow::testing::FixedNow(); };
    return Renderer::Create(options);
  }();
  return *renderer;
}

using sealflow::testing::Replace;  // text with the first `from` replaced (a failure if absent)

// The text layer of a PDF with line breaks removed (titles and paragraphs wrap).
inline std::string PdfText(const std::string& pdf_path) {
  auto result = sealflow::testing::Run("pdftotext -enc UTF-8 " + pdf_path + " -");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  std::string text;
  for (char c : result.output) {
    if (c != '\n') text += c;
  }
  return text;
}

// Renders xml, checks the PDF with qpdf, and that pdfdetach gives back the XML byte for byte;
// returns the text layer.
inline std::string RenderAndCheck(const std::string& xml, RenderResult& result,
                                  const sealflow::testing::TempDir& dir, const std::string& name) {
  result = SharedRenderer().Render(xml);
  EXPECT_TRUE(result.report.ok()) << FormatFindings(result.report);
  if (!result.report.ok()) return "";
  const std::string pdf = dir.File(name + ".pdf");
  sealflow::testing::WriteFile(pdf, result.form.pdf);
  auto check = sealflow::testing::Run("qpdf --check " + pdf);
  EXPECT_EQ(check.exit_code, 0) << check.output;
  const std::string saved = dir.File(name + ".saved.xml");
  auto save = sealflow::testing::Run("pdfdetach -save 1 -o " + saved + " " + pdf);
  EXPECT_EQ(save.exit_code, 0) << save.output;
  EXPECT_TRUE(sealflow::testing::ReadFile(saved) == xml) << "embedded XML differs";
  return PdfText(pdf);
}

inline bool HasField(const RenderResult& result, const std::string& field) {
  for (const SignatureBlock& block : result.form.signature_blocks) {
    if (block.field_name == field) return true;
  }
  return false;
}

// One finding, on the element named, whose message contains every given text.
inline void ExpectOneFinding(const std::string& xml, const std::string& element,
                             const std::vector<std::string>& texts) {
  ValidationReport report = SharedRenderer().Render(xml).report;
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, element) << FormatFindings(report);
  for (const std::string& text : texts) {
    EXPECT_NE(report.findings[0].message.find(text), std::string::npos) << text << "\n"
                                                                        << FormatFindings(report);
  }
}

// An invalid example from xml-schemas/examples/invalid/.
inline std::string Invalid(const std::string& file) {
  return sealflow::testing::ReadFile(
      sealflow::testing::SourcePath("xml-schemas/examples/invalid/" + file));
}

}  // namespace sealflow::forms::testutil
