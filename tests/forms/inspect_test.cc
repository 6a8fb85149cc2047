// Copyright sealflow authors.
#include "forms/inspect.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "forms/error.h"
#include "forms/renderer.h"
#include "support/test_support.h"

namespace sealflow::forms {
namespace {

using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;

std::string Example() { return ReadFile(SourcePath("xml-schemas/examples/application.xml")); }

FormsErrorCode CodeOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const FormsError& error) {
    return error.code();
  }
  ADD_FAILURE() << "expected FormsError";
  return FormsErrorCode::kIo;
}

// A minimal valid PDF with no embedded files (object offsets computed, so qpdf-clean).
std::string PlainPdf() {
  std::string pdf = "%PDF-1.4\n";
  std::string objects[] = {"<< /Type /Catalog /Pages 2 0 R >>",
                           "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                           "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"};
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < 3; ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  std::size_t xref = pdf.size();
  pdf += "xref\n0 4\n0000000000 65535 f \n";
  for (std::size_t offset : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
    pdf += line;
  }
  pdf += "trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

TEST(InspectTest, RoundTripThroughTheRenderedPdf) {
  RendererOptions options;
  options.clock = sealflow::testing::FixedNow;
  RenderResult rendered = Renderer::Create(options)->Render(Example());
  ASSERT_TRUE(rendered.report.ok());
  FormInfo info = InspectPdf(rendered.form.pdf);
  EXPECT_TRUE(info.source_xml == Example());
  EXPECT_EQ(info.form_type, "application");
  EXPECT_EQ(info.schema_version, "1.0");
  EXPECT_EQ(info.document_id, "APP-2026-0001");
  EXPECT_EQ(info.party_kind, "provider");
  EXPECT_EQ(info.party_code, "91410700MA45KJ2R7F");
  EXPECT_EQ(info.party_name, "新乡市牧野智造数字科技有限公司");
}

TEST(InspectTest, InspectXmlReadsTheFacts) {
  FormInfo info = InspectXml(Example());
  EXPECT_EQ(info.form_type, "application");
  EXPECT_EQ(info.party_code, "91410700MA45KJ2R7F");
  EXPECT_TRUE(info.source_xml == Example());
}

TEST(InspectTest, PdfWithoutEmbeddedXmlIsNoSource) {
  EXPECT_EQ(CodeOf([] { InspectPdf(PlainPdf()); }), FormsErrorCode::kNoSource);
}

TEST(InspectTest, GarbageIsARenderError) {
  EXPECT_EQ(CodeOf([] { InspectPdf("this is not a PDF at all"); }), FormsErrorCode::kRender);
  EXPECT_EQ(CodeOf([] { InspectPdf(""); }), FormsErrorCode::kRender);
  // A truncated rendered PDF is not accepted silently either.
  std::string truncated = PlainPdf().substr(0, 40);
  EXPECT_THROW(InspectPdf(truncated), FormsError);
}

TEST(InspectTest, UnknownOrUnsafeXmlThrows) {
  EXPECT_EQ(CodeOf([] { InspectXml("<no-such-form id=\"X-1\"/>"); }),
            FormsErrorCode::kUnknownFormType);
  EXPECT_EQ(CodeOf([] {
              InspectXml(ReadFile(SourcePath("xml-schemas/examples/invalid/application-xxe.xml")));
            }),
            FormsErrorCode::kInvalidForm);
  EXPECT_EQ(CodeOf([] { InspectXml("<application"); }), FormsErrorCode::kInvalidForm);
}

}  // namespace
}  // namespace sealflow::forms
