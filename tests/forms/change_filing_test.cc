// Copyright sealflow authors.
// 改造方案变更备案 (Art. 12(3)): re-review is required exactly when the investment increases or
// a scene is removed, and the declared flag must say so; the new split adds up (Art. 7).
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

std::string Example() { return ReadFile(SourcePath("xml-schemas/examples/change-filing.xml")); }

void RequireTool(const std::string& tool) {
  CommandResult which = support::Run("command -v " + tool);
  ASSERT_EQ(which.exit_code, 0) << tool << " is required (poppler-utils / qpdf)";
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The example amended: a lower total (split to match), no scene added or removed, and the
// declared flag.
std::string LowerAmountKeepScenes(const std::string& requires_review) {
  std::string xml =
      Replace(Example(), "<newTotal>936500.00</newTotal>", "<newTotal>858000.00</newTotal>");
  auto begin = xml.find("  <sceneChanges>");
  auto end = xml.find("</sceneChanges>\n");
  EXPECT_NE(begin, std::string::npos);
  EXPECT_NE(end, std::string::npos);
  xml.replace(begin, end + 16 - begin, "  <sceneChanges/>\n");
  xml = Replace(xml, "<enterpriseShare>468250.00</enterpriseShare>",
                "<enterpriseShare>429000.00</enterpriseShare>");
  xml = Replace(xml, "<providerConcession>93650.00</providerConcession>",
                "<providerConcession>85800.00</providerConcession>");
  xml = Replace(xml, "<governmentSubsidy>374600.00</governmentSubsidy>",
                "<governmentSubsidy>343200.00</governmentSubsidy>");
  return Replace(xml, "<requiresReview>true</requiresReview>",
                 "<requiresReview>" + requires_review + "</requiresReview>");
}

class ChangeFilingTest : public ::testing::Test {
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
    std::string path = dir_.File("change-filing.pdf");
    WriteFile(path, result_->form.pdf);
    return path;
  }
  static ValidationReport Validate(const std::string& xml) { return validator_->Validate(xml); }

  static Validator* validator_;
  static Renderer* renderer_;
  static RenderResult* result_;
  TempDir dir_;
};
Validator* ChangeFilingTest::validator_ = nullptr;
Renderer* ChangeFilingTest::renderer_ = nullptr;
RenderResult* ChangeFilingTest::result_ = nullptr;

TEST_F(ChangeFilingTest, ExampleValidatesAndRenders) {
  ValidationReport report = Validate(Example());
  EXPECT_TRUE(report.ok()) << FormatFindings(report);
  EXPECT_EQ(report.form_type, "change-filing");
  ASSERT_TRUE(result_->report.ok()) << FormatFindings(result_->report);
  EXPECT_EQ(result_->form.document_id, "CHG-2026-0001");
  EXPECT_GE(result_->form.page_count, 1);
  EXPECT_LE(result_->form.page_count, 3);
}

TEST_F(ChangeFilingTest, TextShowsKeyFieldsAndTheVerdict) {
  RequireTool("pdftotext");
  CommandResult text = support::Run("pdftotext -enc UTF-8 " + WritePdf() + " -");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  for (const char* expected :
       {"数字化改造方案变更备案表", "新乡市豫飞起重设备有限公司", "91410700MA46B7HW2D",
        "CHG-2026-0001", "PLN-2026-0001", "870,000.00 元", "936,500.00 元", "增加 66,500.00 元",
        "设备管理", "468,250.00 元", "是否需重新备案审核", "市工信局备案审核意见"}) {
    EXPECT_TRUE(Contains(text.output, expected)) << expected;
  }
}

TEST_F(ChangeFilingTest, SourceXmlIsEmbeddedByteIdentical) {
  RequireTool("pdfdetach");
  std::string saved = dir_.File("saved.xml");
  CommandResult save = support::Run("pdfdetach -save 1 -o " + saved + " " + WritePdf());
  ASSERT_EQ(save.exit_code, 0) << save.output;
  EXPECT_TRUE(ReadFile(saved) == Example());
}

TEST_F(ChangeFilingTest, QpdfFindsNoErrors) {
  RequireTool("qpdf");
  CommandResult check = support::Run("qpdf --check " + WritePdf());
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST_F(ChangeFilingTest, InspectAndSignatureBlocks) {
  FormInfo info = InspectPdf(result_->form.pdf);
  EXPECT_EQ(info.form_type, "change-filing");
  EXPECT_EQ(info.party_kind, "enterprise");
  EXPECT_EQ(info.party_code, "91410700MA46B7HW2D");
  const auto& blocks = result_->form.signature_blocks;
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[0].field_name, "provider");
  EXPECT_EQ(blocks[1].field_name, "enterprise");
  EXPECT_EQ(blocks[2].field_name, "bureau");
}

TEST_F(ChangeFilingTest, LowerAmountKeepingEverySceneNeedsNoReview) {
  ValidationReport report = Validate(LowerAmountKeepScenes("false"));
  EXPECT_TRUE(report.ok()) << FormatFindings(report);
  // Declaring a review the measures do not ask for is inconsistent too.
  ValidationReport needless = Validate(LowerAmountKeepScenes("true"));
  ASSERT_EQ(needless.findings.size(), 1u) << FormatFindings(needless);
  EXPECT_EQ(needless.findings[0].element, "requiresReview");
}

TEST_F(ChangeFilingTest, RaisingTheAmountWithoutReviewIsAFinding) {
  ValidationReport report = Validate(Replace(Example(), "<requiresReview>true</requiresReview>",
                                             "<requiresReview>false</requiresReview>"));
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  const std::string& message = report.findings[0].message;
  EXPECT_EQ(report.findings[0].element, "requiresReview");
  EXPECT_TRUE(Contains(message, "第十二条（三）")) << message;
  EXPECT_TRUE(Contains(message, "Art. 12(3)")) << message;
  EXPECT_TRUE(Contains(message, "870,000.00 元 增加至 936,500.00 元")) << message;
}

TEST_F(ChangeFilingTest, RemovingASceneRequiresReviewEvenWhenTheAmountFalls) {
  ValidationReport report = Validate(ReadFile(
      SourcePath("xml-schemas/examples/invalid/change-filing-scene-removed-without-review.xml")));
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_TRUE(Contains(report.findings[0].message, "能耗管理")) << report.findings[0].message;
  EXPECT_TRUE(Contains(report.findings[0].message, "energy")) << report.findings[0].message;
}

TEST_F(ChangeFilingTest, FollowsMustBeATransformationPlan) {
  ValidationReport report =
      Validate(Replace(Example(), "formType=\"transformation-plan\"", "formType=\"contract\""));
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, "follows");
  EXPECT_TRUE(Contains(report.findings[0].message, "transformation-plan"));
}

TEST_F(ChangeFilingTest, NewSplitMustAddUpToTheNewTotal) {
  ValidationReport report =
      Validate(Replace(Example(), "<governmentSubsidy>374600.00", "<governmentSubsidy>374599.99"));
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, "funding");
  EXPECT_TRUE(Contains(report.findings[0].message, "第七条"));
  EXPECT_TRUE(Contains(report.findings[0].message, "off by 0.01"));
}

TEST_F(ChangeFilingTest, ASceneCannotBeBothAddedAndRemoved) {
  ValidationReport report =
      Validate(Replace(Example(), "</sceneChanges>",
                       "  <removed scene=\"equipment\">重复</removed>\n  </sceneChanges>"));
  EXPECT_FALSE(report.ok());
  EXPECT_TRUE(Contains(FormatFindings(report), "both added and removed")) << FormatFindings(report);
}

}  // namespace
}  // namespace sealflow::forms
