// Copyright sealflow authors.
// 改造实施进度报告 (progress-report): the example validates and renders; the reporting period,
// payments (none before the contract, Art. 11) and milestones are checked at their edges.
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

using sealflow::testing::CommandResult;
using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;
using sealflow::testing::TempDir;
using sealflow::testing::WriteFile;

std::string Example() { return ReadFile(SourcePath("xml-schemas/examples/progress-report.xml")); }

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ProgressReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { validator_ = Validator::Create().release(); }
  static void TearDownTestSuite() {
    delete validator_;
    validator_ = nullptr;
  }
  ValidationReport Validate(const std::string& xml) { return validator_->Validate(xml); }
  static Validator* validator_;
};
Validator* ProgressReportTest::validator_ = nullptr;

TEST_F(ProgressReportTest, ExampleValidates) {
  ValidationReport report = Validate(Example());
  EXPECT_TRUE(report.ok()) << FormatFindings(report);
  EXPECT_EQ(report.form_type, "progress-report");
}

TEST_F(ProgressReportTest, RendersAndReadsBack) {
  const std::string xml = Example();
  RenderResult result = testutil::SharedRenderer().Render(xml);
  ASSERT_TRUE(result.report.ok()) << FormatFindings(result.report);
  EXPECT_EQ(result.form.document_id, "PRG-2026-0001");
  EXPECT_GE(result.form.page_count, 2);
  EXPECT_LE(result.form.page_count, 3);
  TempDir dir;
  const std::string pdf = dir.File("progress-report.pdf");
  WriteFile(pdf, result.form.pdf);

  CommandResult text = sealflow::testing::Run("pdftotext -enc UTF-8 " + pdf + " -");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  for (const char* expected :
       {"改造实施进度报告", "PRG-2026-0001", "新乡市恒泰起重机械有限公司", "91410700MA9GQ3TX22",
        "新乡市牧野智造数字科技有限公司", "CON-2026-0001", "2026年6月1日 至 2026年6月30日", "62.5%",
        "80.0%", "385,800.00 元", "生产管控", "六、下一步工作计划", "服务商（盖章）"}) {
    EXPECT_TRUE(Contains(text.output, expected)) << expected;
  }

  CommandResult save =
      sealflow::testing::Run("pdfdetach -save 1 -o " + dir.File("source.xml") + " " + pdf);
  ASSERT_EQ(save.exit_code, 0) << save.output;
  EXPECT_TRUE(ReadFile(dir.File("source.xml")) == xml) << "embedded XML differs";
  CommandResult check = sealflow::testing::Run("qpdf --check " + pdf);
  EXPECT_EQ(check.exit_code, 0) << check.output;

  FormInfo info = InspectPdf(result.form.pdf);
  EXPECT_EQ(info.form_type, "progress-report");
  EXPECT_EQ(info.party_kind, "enterprise");
  EXPECT_EQ(info.party_code, "91410700MA9GQ3TX22");
  ASSERT_EQ(result.form.signature_blocks.size(), 1u);
  EXPECT_EQ(result.form.signature_blocks[0].field_name, "provider");
}

TEST_F(ProgressReportTest, ReversedPeriodIsAFinding) {
  ValidationReport report =
      Validate(Replace(Example(), "<start>2026-06-01</start>", "<start>2026-07-01</start>"));
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, "end");
  EXPECT_TRUE(Contains(report.findings[0].message, "报告期结束日期 2026-06-30 早于开始日期"));
  // A one-day period is fine.
  EXPECT_TRUE(
      Validate(Replace(Example(), "<start>2026-06-01</start>", "<start>2026-06-30</start>")).ok());
}

TEST_F(ProgressReportTest, ReportDatedBeforeItsPeriodEndsIsAFinding) {
  ValidationReport report = Validate(Replace(Example(), "<reportDate>2026-07-03</reportDate>",
                                             "<reportDate>2026-06-29</reportDate>"));
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, "reportDate");
  EXPECT_TRUE(Validate(Replace(Example(), "<reportDate>2026-07-03</reportDate>",
                               "<reportDate>2026-06-30</reportDate>"))
                  .ok());
}

TEST_F(ProgressReportTest, PaymentOnTheSigningDateIsAllowed) {
  std::string xml = Example();
  ASSERT_TRUE(Contains(xml, "<contractSignedOn>2026-04-15</contractSignedOn>"));
  ASSERT_TRUE(Contains(xml, "<date>2026-04-15</date>"));
  EXPECT_TRUE(Validate(xml).ok());
}

TEST_F(ProgressReportTest, PaymentBeforeTheContractCitesArticleEleven) {
  ValidationReport report =
      Validate(Replace(Example(), "<date>2026-04-15</date>", "<date>2026-04-14</date>"));
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, "date");
  EXPECT_TRUE(Contains(report.findings[0].message, "第十一条"));
  EXPECT_TRUE(Contains(report.findings[0].message, "Art. 11"));
}

TEST_F(ProgressReportTest, ProgressIsAPercentage) {
  EXPECT_FALSE(
      Validate(Replace(Example(), "<progress>80.0</progress>", "<progress>100.1</progress>")).ok());
  EXPECT_FALSE(
      Validate(Replace(Example(), "<progress>80.0</progress>", "<progress>-1</progress>")).ok());
  EXPECT_TRUE(
      Validate(Replace(Example(), "<progress>80.0</progress>", "<progress>100</progress>")).ok());
}

TEST_F(ProgressReportTest, MilestoneAfterTheReportIsAFinding) {
  ValidationReport report =
      Validate(Replace(Example(), "<date>2026-06-26</date>", "<date>2026-07-04</date>"));
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, "date");
}

TEST_F(ProgressReportTest, FollowsAContract) {
  ValidationReport report =
      Validate(Replace(Example(), "formType=\"contract\"", "formType=\"transformation-plan\""));
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, "follows");
}

TEST_F(ProgressReportTest, OptionalSectionsMayBeLeftOut) {
  std::string xml = Example();
  for (const char* name : {"milestones", "payments", "issues"}) {
    auto begin = xml.find(std::string("  <") + name + ">");
    std::string close = std::string("</") + name + ">\n";
    auto end = xml.find(close) + close.size();
    xml.erase(begin, end - begin);
  }
  ValidationReport report = Validate(xml);
  ASSERT_TRUE(report.ok()) << FormatFindings(report);
  EXPECT_TRUE(testutil::SharedRenderer().Render(xml).report.ok());
}

}  // namespace
}  // namespace sealflow::forms
