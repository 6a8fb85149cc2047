// Copyright sealflow authors.
// 竣工验收申请 and 竣工验收结论 (acceptance-application, acceptance-conclusion), Art. 12(4): the
// examples validate and render; every one of the eight materials is required; a failed
// acceptance has rectification items and a deadline, and a passed one has none.
#include <gtest/gtest.h>

#include <string>
#include <vector>

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

std::string Application() {
  return ReadFile(SourcePath("xml-schemas/examples/acceptance-application.xml"));
}
std::string Conclusion() {
  return ReadFile(SourcePath("xml-schemas/examples/acceptance-conclusion.xml"));
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The example conclusion turned into a failed one, with rectification and the next batch.
std::string FailedConclusion() {
  std::string xml = Replace(Conclusion(), "<result>通过</result>", "<result>不通过</result>");
  xml = Replace(xml, "<level>2</level>", "<level>1</level>");
  return Replace(xml, "  <experts>",
                 "  <rectification>\n"
                 "    <item>洁净车间压差监测点位不足，需补装3个监测点并接入报警。</item>\n"
                 "    <item>WMS效期预警未启用，需完成配置并提供连续30天运行记录。</item>\n"
                 "    <deadline>2026-05-31</deadline>\n"
                 "  </rectification>\n"
                 "  <nextBatch>\n    <year>2026</year>\n    <number>2</number>\n  </nextBatch>\n"
                 "  <experts>");
}

class AcceptanceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    validator_ = Validator::Create().release();
    RendererOptions options;
    options.clock = sealflow::testing::FixedNow;
    renderer_ = Renderer::Create(options).release();
  }
  static void TearDownTestSuite() {
    delete renderer_;
    delete validator_;
    renderer_ = nullptr;
    validator_ = nullptr;
  }
  ValidationReport Validate(const std::string& xml) { return validator_->Validate(xml); }

  // Renders, checks the PDF with the command-line tools, and returns its text layer.
  std::string RenderAndCheck(const std::string& xml, RenderResult& result) {
    result = renderer_->Render(xml);
    EXPECT_TRUE(result.report.ok()) << FormatFindings(result.report);
    const std::string pdf = dir_.File("form.pdf");
    WriteFile(pdf, result.form.pdf);
    CommandResult save =
        sealflow::testing::Run("pdfdetach -save 1 -o " + dir_.File("source.xml") + " " + pdf);
    EXPECT_EQ(save.exit_code, 0) << save.output;
    EXPECT_TRUE(ReadFile(dir_.File("source.xml")) == xml) << "embedded XML differs";
    CommandResult check = sealflow::testing::Run("qpdf --check " + pdf);
    EXPECT_EQ(check.exit_code, 0) << check.output;
    CommandResult text = sealflow::testing::Run("pdftotext -enc UTF-8 " + pdf + " -");
    EXPECT_EQ(text.exit_code, 0) << text.output;
    return text.output;
  }
  static std::vector<std::string> FieldNames(const RenderResult& result) {
    std::vector<std::string> names;
    for (const SignatureBlock& block : result.form.signature_blocks) {
      names.push_back(block.field_name);
    }
    return names;
  }

  static Validator* validator_;
  static Renderer* renderer_;
  TempDir dir_;
};
Validator* AcceptanceTest::validator_ = nullptr;
Renderer* AcceptanceTest::renderer_ = nullptr;

// --- acceptance-application ---

TEST_F(AcceptanceTest, ApplicationExampleValidates) {
  ValidationReport report = Validate(Application());
  EXPECT_TRUE(report.ok()) << FormatFindings(report);
  EXPECT_EQ(report.form_type, "acceptance-application");
}

TEST_F(AcceptanceTest, ApplicationRendersAndReadsBack) {
  RenderResult result;
  std::string text = RenderAndCheck(Application(), result);
  ASSERT_TRUE(result.report.ok());
  EXPECT_EQ(result.form.document_id, "ACA-2026-0004");
  EXPECT_GE(result.form.page_count, 2);
  EXPECT_LE(result.form.page_count, 3);
  for (const char* expected :
       {"项目竣工验收申请", "ACA-2026-0004", "新乡市华康医用卫材有限公司", "91410700174312586E",
        "河南中原云链信息技术有限公司", "CON-2025-0012", "968,000.00 元", "2026年第1批",
        "新工信〔2026〕12号", "项目档案", "验收申请表", "财务审核", "发票及支付凭证", "总结报告",
        "成效证明", "改造后自评估", "126", "二级", "申请单位（试点企业）盖章"}) {
    EXPECT_TRUE(Contains(text, expected)) << expected;
  }
  FormInfo info = InspectPdf(result.form.pdf);
  EXPECT_EQ(info.form_type, "acceptance-application");
  EXPECT_EQ(info.party_kind, "enterprise");
  EXPECT_EQ(info.party_code, "91410700174312586E");
  EXPECT_EQ(FieldNames(result), (std::vector<std::string>{"enterprise", "provider"}));
}

TEST_F(AcceptanceTest, EachOfTheEightMaterialsIsRequired) {
  struct Material {
    const char* kind;
    const char* name;
  };
  const Material materials[] = {
      {"project-archive", "项目档案"},
      {"application-form", "验收申请表"},
      {"financial-check", "财务审核"},
      {"contract", "合同"},
      {"invoices-and-payments", "发票及支付凭证"},
      {"summary-report", "总结报告"},
      {"evidence-of-effect", "成效证明"},
      {"self-assessment", "改造后自评估"},
  };
  for (const Material& material : materials) {
    SCOPED_TRACE(material.kind);
    std::string xml = Application();
    auto begin = xml.find(std::string("    <material kind=\"") + material.kind + "\"");
    ASSERT_NE(begin, std::string::npos);
    auto end = xml.find("</material>\n", begin) + std::string("</material>\n").size();
    xml.erase(begin, end - begin);
    ValidationReport report = Validate(xml);
    ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
    EXPECT_EQ(report.findings[0].element, "materials");
    EXPECT_TRUE(Contains(report.findings[0].message,
                         std::string("缺少验收申报材料：") + material.name + "（"))
        << report.findings[0].message;
    EXPECT_TRUE(Contains(report.findings[0].message, "第十二条（四）"));
  }
}

TEST_F(AcceptanceTest, DuplicateOrUnknownMaterialIsASchemaFinding) {
  ValidationReport duplicate =
      Validate(Replace(Application(), "kind=\"summary-report\"", "kind=\"financial-check\""));
  // The duplicate (schema) and the now missing 总结报告 (rule).
  ASSERT_EQ(duplicate.findings.size(), 2u) << FormatFindings(duplicate);
  EXPECT_TRUE(Contains(FormatFindings(duplicate), "总结报告"));
  EXPECT_FALSE(Validate(Replace(Application(), "kind=\"summary-report\"", "kind=\"photos\"")).ok());
  EXPECT_FALSE(Validate(Replace(Application(), "pages=\"126\"", "pages=\"0\"")).ok());
}

TEST_F(AcceptanceTest, SubmittedContractIsTheOneFollowed) {
  ValidationReport report =
      Validate(Replace(Application(), "<ref formType=\"contract\" documentId=\"CON-2025-0012\"",
                       "<ref formType=\"contract\" documentId=\"CON-2025-0099\""));
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, "ref");
}

TEST_F(AcceptanceTest, ApplicationFollowsAContractAfterCompletion) {
  ValidationReport follows = Validate(
      Replace(Application(), "<follows formType=\"contract\"", "<follows formType=\"notice\""));
  ASSERT_EQ(follows.findings.size(), 1u) << FormatFindings(follows);
  EXPECT_EQ(follows.findings[0].element, "follows");
  ValidationReport early = Validate(Replace(Application(), "<completedOn>2026-02-10</completedOn>",
                                            "<completedOn>2026-03-07</completedOn>"));
  ASSERT_EQ(early.findings.size(), 1u) << FormatFindings(early);
  EXPECT_EQ(early.findings[0].element, "applicationDate");
  EXPECT_TRUE(Validate(Replace(Application(), "<completedOn>2026-02-10</completedOn>",
                               "<completedOn>2026-03-06</completedOn>"))
                  .ok());
}

// --- acceptance-conclusion ---

TEST_F(AcceptanceTest, ConclusionExampleValidates) {
  ValidationReport report = Validate(Conclusion());
  EXPECT_TRUE(report.ok()) << FormatFindings(report);
  EXPECT_EQ(report.form_type, "acceptance-conclusion");
}

TEST_F(AcceptanceTest, ConclusionRendersAndReadsBack) {
  RenderResult result;
  std::string text = RenderAndCheck(Conclusion(), result);
  ASSERT_TRUE(result.report.ok());
  EXPECT_EQ(result.form.document_id, "ACC-2026-0004");
  EXPECT_GE(result.form.page_count, 2);
  EXPECT_LE(result.form.page_count, 3);
  for (const char* expected :
       {"项目竣工验收结论", "ACC-2026-0004", "ACA-2026-0004", "新乡市华康医用卫材有限公司",
        "91410700174312586E", "新乡市工业和信息化发展研究中心", "12410700MA40JXK24Y", "验收结论",
        "通过", "二级", "赵文博（组长）", "验收机构（盖章）"}) {
    EXPECT_TRUE(Contains(text, expected)) << expected;
  }
  EXPECT_FALSE(Contains(text, "不通过"));
  EXPECT_FALSE(Contains(text, "整改期限"));
  FormInfo info = InspectPdf(result.form.pdf);
  EXPECT_EQ(info.form_type, "acceptance-conclusion");
  EXPECT_EQ(info.party_kind, "enterprise");
  EXPECT_EQ(info.party_code, "91410700174312586E");
  EXPECT_EQ(FieldNames(result), (std::vector<std::string>{"agency", "bureau"}));
}

TEST_F(AcceptanceTest, FailedConclusionWithRectificationRenders) {
  std::string xml = FailedConclusion();
  ASSERT_TRUE(Validate(xml).ok()) << FormatFindings(Validate(xml));
  RenderResult result;
  std::string text = RenderAndCheck(xml, result);
  for (const char* expected :
       {"不通过", "一级", "整改要求", "补装3个监测点", "2026年5月31日", "2026年第2批"}) {
    EXPECT_TRUE(Contains(text, expected)) << expected;
  }
}

TEST_F(AcceptanceTest, FailWithoutRectificationCitesArticleTwelveFour) {
  ValidationReport report =
      Validate(Replace(Conclusion(), "<result>通过</result>", "<result>不通过</result>"));
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, "result");
  EXPECT_TRUE(Contains(report.findings[0].message, "第十二条（四）"));
  EXPECT_TRUE(Contains(report.findings[0].message, "未通过验收的，应限期整改"));
  EXPECT_TRUE(Contains(report.findings[0].message, "Art. 12(4)"));
}

TEST_F(AcceptanceTest, PassWithRectificationOrNextBatchIsAFinding) {
  std::string passed_with_rectification =
      Replace(FailedConclusion(), "<result>不通过</result>", "<result>通过</result>");
  ValidationReport report = Validate(passed_with_rectification);
  ASSERT_EQ(report.findings.size(), 2u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, "rectification");
  EXPECT_EQ(report.findings[1].element, "nextBatch");
}

TEST_F(AcceptanceTest, RectificationDeadlineFallsAfterTheConclusion) {
  for (const char* day : {"2026-03-27", "2026-03-01"}) {
    ValidationReport report =
        Validate(Replace(FailedConclusion(), "<deadline>2026-05-31</deadline>",
                         std::string("<deadline>") + day + "</deadline>"));
    ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
    EXPECT_EQ(report.findings[0].element, "deadline");
  }
  EXPECT_TRUE(Validate(Replace(FailedConclusion(), "<deadline>2026-05-31</deadline>",
                               "<deadline>2026-03-28</deadline>"))
                  .ok());
}

TEST_F(AcceptanceTest, NextBatchComesAfterThisOne) {
  ValidationReport same =
      Validate(Replace(FailedConclusion(), "<number>2</number>", "<number>1</number>"));
  ASSERT_EQ(same.findings.size(), 1u) << FormatFindings(same);
  EXPECT_EQ(same.findings[0].element, "nextBatch");
  EXPECT_TRUE(
      Validate(Replace(Replace(FailedConclusion(), "<number>2</number>", "<number>1</number>"),
                       "<year>2026</year>\n    <number>1</number>\n  </nextBatch>",
                       "<year>2027</year>\n    <number>1</number>\n  </nextBatch>"))
          .ok());
  // Failing without moving to a later batch is allowed (可顺延, not must).
  std::string xml = FailedConclusion();
  auto begin = xml.find("  <nextBatch>");
  auto end = xml.find("</nextBatch>\n") + std::string("</nextBatch>\n").size();
  xml.erase(begin, end - begin);
  EXPECT_TRUE(Validate(xml).ok()) << FormatFindings(Validate(xml));
}

TEST_F(AcceptanceTest, ConclusionFollowsAnApplicationAndNeedsThreeExperts) {
  ValidationReport follows = Validate(
      Replace(Conclusion(), "formType=\"acceptance-application\"", "formType=\"contract\""));
  ASSERT_EQ(follows.findings.size(), 1u) << FormatFindings(follows);
  EXPECT_EQ(follows.findings[0].element, "follows");
  std::string xml = Conclusion();
  for (int i = 0; i < 3; ++i) {
    auto begin = xml.find("    <expert>");
    auto end = xml.find("</expert>\n", begin) + std::string("</expert>\n").size();
    xml.erase(begin, end - begin);
  }
  EXPECT_FALSE(Validate(xml).ok());
  EXPECT_FALSE(
      Validate(Replace(Conclusion(), "<result>通过</result>", "<result>基本通过</result>")).ok());
  EXPECT_FALSE(Validate(Replace(Conclusion(), "<level>2</level>", "<level>5</level>")).ok());
}

}  // namespace
}  // namespace sealflow::forms
