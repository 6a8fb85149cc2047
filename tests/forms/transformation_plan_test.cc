// Copyright sealflow authors.
// 数字化改造实施方案 (Art. 12(2), Art. 7): the example validates and renders; costs and the
// three-way split add up to the total to the cent; the schedule is in order.
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

std::string Example() {
  return ReadFile(SourcePath("xml-schemas/examples/transformation-plan.xml"));
}

void RequireTool(const std::string& tool) {
  CommandResult which = support::Run("command -v " + tool);
  ASSERT_EQ(which.exit_code, 0) << tool << " is required (poppler-utils / qpdf)";
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class TransformationPlanTest : public ::testing::Test {
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
    std::string path = dir_.File("transformation-plan.pdf");
    WriteFile(path, result_->form.pdf);
    return path;
  }
  static ValidationReport Validate(const std::string& xml) { return validator_->Validate(xml); }

  static Validator* validator_;
  static Renderer* renderer_;
  static RenderResult* result_;
  TempDir dir_;
};
Validator* TransformationPlanTest::validator_ = nullptr;
Renderer* TransformationPlanTest::renderer_ = nullptr;
RenderResult* TransformationPlanTest::result_ = nullptr;

TEST_F(TransformationPlanTest, ExampleValidates) {
  ValidationReport report = Validate(Example());
  EXPECT_TRUE(report.ok()) << FormatFindings(report);
  EXPECT_EQ(report.form_type, "transformation-plan");
}

TEST_F(TransformationPlanTest, ExampleRenders) {
  ASSERT_TRUE(result_->report.ok()) << FormatFindings(result_->report);
  EXPECT_EQ(result_->form.document_id, "PLN-2026-0001");
  EXPECT_GE(result_->form.page_count, 2);
  EXPECT_LE(result_->form.page_count, 3);
}

TEST_F(TransformationPlanTest, TextShowsKeyFieldsAndTotals) {
  RequireTool("pdftotext");
  CommandResult text = support::Run("pdftotext -enc UTF-8 " + WritePdf() + " -");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  for (const char* expected : {"数字化改造实施方案",
                               "新乡市豫飞起重设备有限公司",
                               "91410700MA46B7HW2D",
                               "PLN-2026-0001",
                               "DIA-2026-0001",
                               "870,000.00 元",
                               "286,000.50 元",
                               "157,999.50 元",
                               "435,000.00 元",
                               "87,000.00 元",
                               "348,000.00 元",
                               "50.0%",
                               "10.0%",
                               "40.0%",
                               "企业出一点",
                               "服务商让一点",
                               "政府补一点",
                               "“小快轻准”产品 6 项",
                               "2026年10月31日",
                               "市工信局备案审核意见"}) {
    EXPECT_TRUE(Contains(text.output, expected)) << expected;
  }
}

TEST_F(TransformationPlanTest, SourceXmlIsEmbeddedByteIdentical) {
  RequireTool("pdfdetach");
  std::string saved = dir_.File("saved.xml");
  CommandResult save = support::Run("pdfdetach -save 1 -o " + saved + " " + WritePdf());
  ASSERT_EQ(save.exit_code, 0) << save.output;
  EXPECT_TRUE(ReadFile(saved) == Example());
}

TEST_F(TransformationPlanTest, QpdfFindsNoErrors) {
  RequireTool("qpdf");
  CommandResult check = support::Run("qpdf --check " + WritePdf());
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST_F(TransformationPlanTest, InspectFilesItUnderTheEnterprise) {
  FormInfo info = InspectPdf(result_->form.pdf);
  EXPECT_EQ(info.form_type, "transformation-plan");
  EXPECT_EQ(info.party_kind, "enterprise");
  EXPECT_EQ(info.party_code, "91410700MA46B7HW2D");
}

TEST_F(TransformationPlanTest, ProviderEnterpriseAndBureauSign) {
  const auto& blocks = result_->form.signature_blocks;
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[0].field_name, "provider");
  EXPECT_EQ(blocks[1].field_name, "enterprise");
  EXPECT_EQ(blocks[2].field_name, "bureau");
  EXPECT_EQ(blocks[2].label, "市工信局备案审核意见");
  for (std::size_t i = 1; i < blocks.size(); ++i) {
    EXPECT_LE(blocks[i - 1].x + blocks[i - 1].width, blocks[i].x);  // side by side
    EXPECT_GT(blocks[i].width, 100);
  }
}

TEST_F(TransformationPlanTest, SplitOffByOneCentIsAFindingCitingArticleSeven) {
  ValidationReport report =
      Validate(Replace(Example(), "<governmentSubsidy>348000.00</governmentSubsidy>",
                       "<governmentSubsidy>348000.01</governmentSubsidy>"));
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  const std::string& message = report.findings[0].message;
  EXPECT_EQ(report.findings[0].element, "funding");
  EXPECT_TRUE(Contains(message, "第七条")) << message;
  EXPECT_TRUE(Contains(message, "Art. 7")) << message;
  EXPECT_TRUE(Contains(message, "348,000.01 元")) << message;
  EXPECT_TRUE(Contains(message, "870,000.01 元")) << message;
  EXPECT_TRUE(Contains(message, "相差 0.01 元")) << message;
  EXPECT_TRUE(Contains(message, "off by 0.01")) << message;
  // One cent short is as wrong as one cent over.
  EXPECT_FALSE(Validate(Replace(Example(), "<enterpriseShare>435000.00</enterpriseShare>",
                                "<enterpriseShare>434999.99</enterpriseShare>"))
                   .ok());
}

TEST_F(TransformationPlanTest, CostLinesMustAddUpToTheTotal) {
  // Total raised by one cent, split raised with it: only the cost lines disagree.
  std::string xml = Replace(Example(), "<total>870000.00</total>", "<total>870000.01</total>");
  xml = Replace(xml, "<governmentSubsidy>348000.00</governmentSubsidy>",
                "<governmentSubsidy>348000.01</governmentSubsidy>");
  ValidationReport report = Validate(xml);
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, "total");
  EXPECT_TRUE(Contains(report.findings[0].message, "870,000.00 元")) << report.findings[0].message;
  EXPECT_TRUE(Contains(report.findings[0].message, "Art. 7")) << report.findings[0].message;
}

TEST_F(TransformationPlanTest, FollowsMustBeADiagnosticReportWithAWellFormedHash) {
  ValidationReport type = Validate(ReadFile(
      SourcePath("xml-schemas/examples/invalid/transformation-plan-follows-wrong-type.xml")));
  ASSERT_EQ(type.findings.size(), 1u) << FormatFindings(type);
  EXPECT_EQ(type.findings[0].element, "follows");
  EXPECT_TRUE(Contains(type.findings[0].message, "diagnostic-report"));
  ValidationReport hash = Validate(ReadFile(
      SourcePath("xml-schemas/examples/invalid/transformation-plan-bad-follows-hash.xml")));
  ASSERT_FALSE(hash.ok());
  EXPECT_TRUE(Contains(FormatFindings(hash), "sha256")) << FormatFindings(hash);
}

TEST_F(TransformationPlanTest, ScheduleMustBeInOrder) {
  ValidationReport reversed =
      Validate(Replace(Example(), "<end>2026-10-31</end>", "<end>2026-04-20</end>"));
  EXPECT_FALSE(reversed.ok());
  EXPECT_TRUE(Contains(FormatFindings(reversed), "must end after it starts"))
      << FormatFindings(reversed);
  ValidationReport milestones = Validate(ReadFile(
      SourcePath("xml-schemas/examples/invalid/transformation-plan-milestones-out-of-order.xml")));
  ASSERT_EQ(milestones.findings.size(), 1u) << FormatFindings(milestones);
  EXPECT_EQ(milestones.findings[0].element, "milestone");
  ValidationReport early =
      Validate(Replace(Example(), "<start>2026-04-20</start>", "<start>2026-04-01</start>"));
  ASSERT_EQ(early.findings.size(), 1u) << FormatFindings(early);
  EXPECT_EQ(early.findings[0].element, "start");
}

}  // namespace
}  // namespace sealflow::forms
