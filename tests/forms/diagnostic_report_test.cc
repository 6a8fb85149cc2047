// Copyright sealflow authors.
// 诊断报告 (Art. 12(1)): the example validates and renders; the stated level must be the one the
// 2024 indicator model computes, and the rules on item codes, maxima and constraint marks hold.
#include <gtest/gtest.h>

#include <string>

#include "form_test_util.h"
#include "forms/inspect.h"
#include "forms/renderer.h"
#include "forms/validator.h"
#include "support/test_support.h"

namespace sealflow::forms {
namespace {

using testutil::Replace;

namespace support = sealflow::testing;
using support::CommandResult;
using support::ReadFile;
using support::SourcePath;
using support::TempDir;
using support::WriteFile;

std::string Example() { return ReadFile(SourcePath("xml-schemas/examples/diagnostic-report.xml")); }

void RequireTool(const std::string& tool) {
  CommandResult which = support::Run("command -v " + tool);
  ASSERT_EQ(which.exit_code, 0) << tool << " is required (poppler-utils / qpdf)";
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class DiagnosticReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    validator_ = Validator::Create().release();
    RendererOptions options;
    options.clock = support::FixedNow;
    renderer_ = Renderer::Create(options).release();
    result_ = new RenderResult(renderer_->Render(Example()));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete renderer_;
    delete validator_;
  }
  std::string WritePdf() {
    std::string path = dir_.File("diagnostic-report.pdf");
    WriteFile(path, result_->form.pdf);
    return path;
  }
  static ValidationReport Validate(const std::string& xml) { return validator_->Validate(xml); }

  static Validator* validator_;
  static Renderer* renderer_;
  static RenderResult* result_;
  TempDir dir_;
};
Validator* DiagnosticReportTest::validator_ = nullptr;
Renderer* DiagnosticReportTest::renderer_ = nullptr;
RenderResult* DiagnosticReportTest::result_ = nullptr;

TEST_F(DiagnosticReportTest, ExampleValidates) {
  ValidationReport report = Validate(Example());
  EXPECT_TRUE(report.ok()) << FormatFindings(report);
  EXPECT_EQ(report.form_type, "diagnostic-report");
  EXPECT_EQ(report.schema_version, "1.0");
}

TEST_F(DiagnosticReportTest, ExampleRenders) {
  ASSERT_TRUE(result_->report.ok()) << FormatFindings(result_->report);
  EXPECT_EQ(result_->form.form_type, "diagnostic-report");
  EXPECT_EQ(result_->form.document_id, "DIA-2026-0001");
  EXPECT_GE(result_->form.page_count, 2);
  EXPECT_LE(result_->form.page_count, 3);
}

TEST_F(DiagnosticReportTest, TextShowsKeyFieldsScoresAndComputedLevel) {
  RequireTool("pdftotext");
  CommandResult text = support::Run("pdftotext -enc UTF-8 " + WritePdf() + " -");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  for (const char* expected : {"企业数字化诊断报告",
                               "新乡市豫飞起重设备有限公司",
                               "91410700MA46B7HW2D",
                               "新乡市牧野智造数字科技有限公司",
                               "DIA-2026-0001",
                               "数字化基础",
                               "小计",
                               "合计",
                               "27.5",
                               "15.5",
                               "★ 工艺设计",
                               "★ 仓储物流",
                               "计算等级",
                               "总分 53，评定为2级",
                               "总分未达 60",
                               "score below 60",
                               "问题清单",
                               "需求场景清单",
                               "服务商（盖章）",
                               "试点企业确认（盖章）"}) {
    EXPECT_TRUE(Contains(text.output, expected)) << expected;
  }
  // Not a constraint scene: no star.
  EXPECT_FALSE(Contains(text.output, "★ 营销管理"));
}

TEST_F(DiagnosticReportTest, SourceXmlIsEmbeddedByteIdentical) {
  RequireTool("pdfdetach");
  std::string saved = dir_.File("saved.xml");
  CommandResult save = support::Run("pdfdetach -save 1 -o " + saved + " " + WritePdf());
  ASSERT_EQ(save.exit_code, 0) << save.output;
  EXPECT_TRUE(ReadFile(saved) == Example());
}

TEST_F(DiagnosticReportTest, QpdfFindsNoErrors) {
  RequireTool("qpdf");
  CommandResult check = support::Run("qpdf --check " + WritePdf());
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST_F(DiagnosticReportTest, InspectFilesItUnderTheEnterprise) {
  FormInfo info = InspectPdf(result_->form.pdf);
  EXPECT_EQ(info.form_type, "diagnostic-report");
  EXPECT_EQ(info.document_id, "DIA-2026-0001");
  EXPECT_EQ(info.party_kind, "enterprise");
  EXPECT_EQ(info.party_code, "91410700MA46B7HW2D");
  EXPECT_EQ(info.party_name, "新乡市豫飞起重设备有限公司");
}

TEST_F(DiagnosticReportTest, ProviderSignsAndEnterpriseConfirms) {
  const auto& blocks = result_->form.signature_blocks;
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].field_name, "provider");
  EXPECT_EQ(blocks[0].label, "服务商（盖章）");
  EXPECT_EQ(blocks[1].field_name, "enterprise");
  EXPECT_EQ(blocks[1].label, "试点企业确认（盖章）");
  for (const SignatureBlock& block : blocks) {
    EXPECT_EQ(block.page, result_->form.page_count - 1);
    EXPECT_GE(block.y, 60);
  }
}

TEST_F(DiagnosticReportTest, LevelMismatchNamesTheDecidingGateAndIsNotRendered) {
  std::string xml = Replace(
      Replace(Example(), "<currentLevel>2</currentLevel>", "<currentLevel>3</currentLevel>"),
      "<targetLevel>3</targetLevel>", "<targetLevel>4</targetLevel>");
  ValidationReport report = Validate(xml);
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  const Finding& finding = report.findings[0];
  EXPECT_EQ(finding.element, "currentLevel");
  EXPECT_TRUE(Contains(finding.message, "声明为3级")) << finding.message;
  EXPECT_TRUE(Contains(finding.message, "计算为2级")) << finding.message;
  EXPECT_TRUE(Contains(finding.message, "总分未达 60")) << finding.message;  // the deciding gate
  EXPECT_TRUE(Contains(finding.message, "score below 60")) << finding.message;
  EXPECT_TRUE(Contains(finding.message, "第十二条（一）")) << finding.message;
  EXPECT_TRUE(Contains(finding.message, "Art. 12(1)")) << finding.message;
  RenderResult refused = renderer_->Render(xml);
  EXPECT_FALSE(refused.report.ok());
  EXPECT_TRUE(refused.form.pdf.empty());
}

TEST_F(DiagnosticReportTest, ScorePassesButTheSceneGateFailsGivesTheLowerLevel) {
  // 11 -> 18 on equipment-systems makes the total 60 (level 3's score), but only 2 scenes are
  // at grade 3 (level 3 needs 8): the model computes level 2, not 3.
  std::string scored = Replace(Example(), "code=\"equipment-systems\" score=\"11\"",
                               "code=\"equipment-systems\" score=\"18\"");
  EXPECT_TRUE(Validate(scored).ok()) << FormatFindings(Validate(scored));
  std::string claimed =
      Replace(Replace(scored, "<currentLevel>2</currentLevel>", "<currentLevel>3</currentLevel>"),
              "<targetLevel>3</targetLevel>", "<targetLevel>4</targetLevel>");
  ValidationReport report = Validate(claimed);
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, "currentLevel");
  EXPECT_TRUE(Contains(report.findings[0].message, "计算为2级")) << report.findings[0].message;
  EXPECT_TRUE(Contains(report.findings[0].message, "2 scenes at level 3, fewer than 8"))
      << report.findings[0].message;
  EXPECT_FALSE(Contains(report.findings[0].message, "score below")) << report.findings[0].message;
}

TEST_F(DiagnosticReportTest, ConstraintGateFailsWhenOnlyOtherScenesRise) {
  // Total 60 and eight scenes at grade 3, but only two of them constraint scenes (needs 5).
  std::string xml = Replace(Example(), "code=\"equipment-systems\" score=\"11\"",
                            "code=\"equipment-systems\" score=\"18\"");
  for (const char* scene : {"product-design", "after-sales", "procurement", "human-resources",
                            "marketing", "decision-support"}) {
    std::string code = std::string("<scene code=\"") + scene + "\" grade=\"";
    auto pos = xml.find(code);
    ASSERT_NE(pos, std::string::npos) << scene;
    xml[pos + code.size()] = '3';
  }
  xml = Replace(xml, "<scene code=\"process-design\" grade=\"2\"",
                "<scene code=\"process-design\" grade=\"3\"");
  xml = Replace(xml, "<currentLevel>2</currentLevel>", "<currentLevel>3</currentLevel>");
  xml = Replace(xml, "<targetLevel>3</targetLevel>", "<targetLevel>4</targetLevel>");
  ValidationReport report = Validate(xml);
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_TRUE(Contains(report.findings[0].message, "1 constraint scenes at level 3, fewer than 5"))
      << report.findings[0].message;
}

TEST_F(DiagnosticReportTest, ScoreOverTheItemMaximumIsAFinding) {
  ValidationReport report = Validate(
      ReadFile(SourcePath("xml-schemas/examples/invalid/diagnostic-report-score-over-max.xml")));
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, "item");
  EXPECT_TRUE(Contains(report.findings[0].message, "超过该项满分 10"));
  EXPECT_TRUE(Contains(report.findings[0].message, "data-collection exceeds its maximum 10"));
}

TEST_F(DiagnosticReportTest, UnknownItemCodeIsAFindingAndTheMissingItemToo) {
  ValidationReport report = Validate(
      ReadFile(SourcePath("xml-schemas/examples/invalid/diagnostic-report-unknown-item.xml")));
  ASSERT_EQ(report.findings.size(), 2u) << FormatFindings(report);
  EXPECT_TRUE(Contains(FormatFindings(report), "unknown indicator item 'cloud-usage'"));
  EXPECT_TRUE(Contains(FormatFindings(report), "indicator item market is not scored"));
}

TEST_F(DiagnosticReportTest, ConstraintMarkMustAgreeWithTheModel) {
  ValidationReport wrong =
      Validate(Replace(Example(), "<scene code=\"marketing\" grade=\"1\"/>",
                       "<scene code=\"marketing\" grade=\"1\" constraint=\"true\"/>"));
  ASSERT_EQ(wrong.findings.size(), 1u) << FormatFindings(wrong);
  EXPECT_EQ(wrong.findings[0].element, "scene");
  ValidationReport unmarked =
      Validate(Replace(Example(), "<scene code=\"quality\" grade=\"2\" constraint=\"true\"/>",
                       "<scene code=\"quality\" grade=\"2\" constraint=\"false\"/>"));
  ASSERT_EQ(unmarked.findings.size(), 1u) << FormatFindings(unmarked);
  // Leaving the mark out is fine: the model decides, the mark is for display.
  EXPECT_TRUE(
      Validate(Replace(Example(), "<scene code=\"quality\" grade=\"2\" constraint=\"true\"/>",
                       "<scene code=\"quality\" grade=\"2\"/>"))
          .ok());
}

TEST_F(DiagnosticReportTest, TargetLevelMustBeAboveTheCurrentLevel) {
  ValidationReport report =
      Validate(Replace(Example(), "<targetLevel>3</targetLevel>", "<targetLevel>2</targetLevel>"));
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, "targetLevel");
}

TEST_F(DiagnosticReportTest, SchemaBoundsScoresAndRequiresAllSixteenScenes) {
  EXPECT_FALSE(Validate(Replace(Example(), "code=\"equipment-systems\" score=\"11\"",
                                "code=\"equipment-systems\" score=\"20.5\""))
                   .ok());
  EXPECT_FALSE(
      Validate(Replace(Example(), "<scene code=\"decision-support\" grade=\"1\"/>\n", "")).ok());
  EXPECT_FALSE(Validate(Replace(Example(), "<scene code=\"finance\" grade=\"3\"/>",
                                "<scene code=\"finance\" grade=\"5\"/>"))
                   .ok());
}

}  // namespace
}  // namespace sealflow::forms
