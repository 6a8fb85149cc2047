// Copyright sealflow authors.
// 申诉书: the example renders; the grounds of Art. 17 and what each must follow.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "forms/inspect.h"
#include "forms/renderer.h"
#include "support/test_support.h"

namespace sealflow::forms {
namespace {

using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;
using sealflow::testing::TempDir;
using sealflow::testing::WriteFile;

const Renderer& SharedRenderer() {
  static const std::unique_ptr<Renderer> renderer = [] {
    RendererOptions options;
    options.clock = [] { return sealflow::testing::FixedNow(); };
    return Renderer::Create(options);
  }();
  return *renderer;
}

std::string Example() { return ReadFile(SourcePath("xml-schemas/examples/appeal.xml")); }

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

// The text layer of a PDF with line breaks removed (titles and paragraphs wrap).
std::string PdfText(const std::string& pdf_path) {
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
std::string RenderAndCheck(const std::string& xml, RenderResult& result, const TempDir& dir,
                           const std::string& name) {
  result = SharedRenderer().Render(xml);
  EXPECT_TRUE(result.report.ok()) << FormatFindings(result.report);
  if (!result.report.ok()) return "";
  const std::string pdf = dir.File(name + ".pdf");
  WriteFile(pdf, result.form.pdf);
  auto check = sealflow::testing::Run("qpdf --check " + pdf);
  EXPECT_EQ(check.exit_code, 0) << check.output;
  const std::string saved = dir.File(name + ".saved.xml");
  auto save = sealflow::testing::Run("pdfdetach -save 1 -o " + saved + " " + pdf);
  EXPECT_EQ(save.exit_code, 0) << save.output;
  EXPECT_TRUE(ReadFile(saved) == xml) << "embedded XML differs";
  return PdfText(pdf);
}

bool HasField(const RenderResult& result, const std::string& field) {
  for (const SignatureBlock& block : result.form.signature_blocks) {
    if (block.field_name == field) return true;
  }
  return false;
}

// One finding, on the element named, whose message contains every given text.
void ExpectOneFinding(const std::string& xml, const std::string& element,
                      const std::vector<std::string>& texts) {
  ValidationReport report = SharedRenderer().Render(xml).report;
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, element) << FormatFindings(report);
  for (const std::string& text : texts) {
    EXPECT_NE(report.findings[0].message.find(text), std::string::npos) << text << "\n"
                                                                        << FormatFindings(report);
  }
}

std::string Invalid(const std::string& file) {
  return ReadFile(SourcePath("xml-schemas/examples/invalid/" + file));
}

TEST(AppealTest, ExampleRendersWithMatterReasonPurposeAndEvidence) {
  TempDir dir;
  RenderResult result;
  const std::string xml = Example();
  std::string text = RenderAndCheck(xml, result, dir, "appeal");
  ASSERT_TRUE(result.report.ok());
  for (const char* expected :
       {"数字化服务商申诉书", "河南平原云联信息技术有限公司", "封丘县金鼎汽车配件有限公司",
        "第十七条（二）", "二、申诉事项", "三、申诉理由", "四、申诉目的", "五、佐证材料",
        "SAT-2026-0007", "附件2 故障分析报告.pdf", "平均到场时间为6.5小时"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected;
  }
  EXPECT_TRUE(HasField(result, "provider"));
  FormInfo info = InspectPdf(result.form.pdf);
  EXPECT_EQ(info.party_kind, "provider");
  EXPECT_EQ(info.party_code, "91410700MA9F3K2L1U");
  EXPECT_EQ(info.party_name, "河南平原云联信息技术有限公司");
}

TEST(AppealRulesTest, GroundDecidesWhatTheAppealFollows) {
  ExpectOneFinding(Invalid("appeal-ground-2-without-satisfaction.xml"), "follows",
                   {"第十七条（二）", "satisfaction"});
  ExpectOneFinding(Invalid("appeal-force-majeure-on-satisfaction.xml"), "follows",
                   {"第十七条（三）", "notice"});
  // Force majeure against a warning notice, with no enterprise named, is fine.
  std::string xml =
      Replace(Example(), "<ground>unsatisfied-rating</ground>", "<ground>force-majeure</ground>");
  xml = Replace(xml, "formType=\"satisfaction\" documentId=\"SAT-2026-0007\"",
                "formType=\"notice\" documentId=\"NTC-2026-0012\"");
  EXPECT_TRUE(SharedRenderer().Render(xml).report.ok());
}

TEST(AppealRulesTest, EnterpriseGroundsNameTheEnterprise) {
  ExpectOneFinding(Invalid("appeal-ground-1-without-enterprise.xml"), "ground",
                   {"第十七条（一）", "enterprise"});
}

TEST(AppealRulesTest, MatterReasonPurposeAndEvidenceAreRequired) {
  ExpectOneFinding(Invalid("appeal-missing-purpose.xml"), "evidence", {"purpose"});
  ExpectOneFinding(Invalid("appeal-without-evidence.xml"), "evidence", {"item"});
  ExpectOneFinding(Invalid("appeal-unknown-ground.xml"), "ground", {"enterprise-delay"});
}

}  // namespace
}  // namespace sealflow::forms
