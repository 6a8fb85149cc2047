// Copyright sealflow authors.
// 通知 / 公示 / 通告: the example and every kind render as GB/T 9704 documents; the kinds' rules.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "form_test_util.h"
#include "forms/inspect.h"
#include "forms/renderer.h"
#include "support/test_support.h"

namespace sealflow::forms {
namespace {

using namespace sealflow::forms::testutil;  // NOLINT(build/namespaces)

using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;
using sealflow::testing::TempDir;
using sealflow::testing::WriteFile;

std::string Example() { return ReadFile(SourcePath("xml-schemas/examples/notice.xml")); }

TEST(NoticeTest, ExampleRendersAsAnOfficialDocument) {
  TempDir dir;
  RenderResult result;
  const std::string xml = Example();
  std::string text = RenderAndCheck(xml, result, dir, "notice");
  ASSERT_TRUE(result.report.ok());
  for (const char* expected : {"新乡市工业和信息化局文件", "新工信〔2026〕12号",
                               "关于对河南平原云联信息技术有限公司予以警告并限期整改的通知",
                               "河南平原云联信息技术有限公司：", "第十五条第（四）项",
                               "2026年3月31日前完成整改", "第十七条提出申诉", "2026年3月2日",
                               "抄送：封丘县工业和信息化局，封丘县金鼎汽车配件有限公司。",
                               "新乡市工业和信息化局办公室", "2026年3月2日印发"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected;
  }
  // The archive files it under the provider warned.
  FormInfo info = InspectPdf(result.form.pdf);
  EXPECT_EQ(info.form_type, "notice");
  EXPECT_EQ(info.document_id, "NTC-2026-0012");
  EXPECT_EQ(info.party_kind, "provider");
  EXPECT_EQ(info.party_code, "91410700MA9F3K2L1U");
  EXPECT_EQ(info.party_name, "河南平原云联信息技术有限公司");
  EXPECT_EQ(info.source_xml, xml);
}

TEST(NoticeTest, MastheadAndSeparatorAreRed) {
  TempDir dir;
  RenderResult result = SharedRenderer().Render(Example());
  ASSERT_TRUE(result.report.ok()) << FormatFindings(result.report);
  const std::string pdf = dir.File("notice.pdf");
  WriteFile(pdf, result.form.pdf);
  auto qdf = sealflow::testing::Run("qpdf --qdf --object-streams=disable " + pdf + " -");
  ASSERT_EQ(qdf.exit_code, 0);
  // DeviceRGB red: the masthead's fill and the separator's stroke.
  EXPECT_NE(qdf.output.find("1 0 0 rg BT"), std::string::npos) << "no red text";
  EXPECT_NE(qdf.output.find("1 0 0 RG"), std::string::npos) << "no red rule";
}

TEST(NoticeTest, SealIsPressedOverTheIssuerAndDate) {
  RenderResult result = SharedRenderer().Render(Example());
  ASSERT_TRUE(result.report.ok());
  ASSERT_TRUE(HasField(result, "bureau"));
  ASSERT_EQ(result.form.signature_blocks.size(), 1u);
  const SignatureBlock& seal = result.form.signature_blocks[0];
  // On the page with the end of the body (the 版记 may follow on a page of its own).
  EXPECT_GE(seal.page, 0);
  EXPECT_LT(seal.page, result.form.page_count);
  EXPECT_DOUBLE_EQ(seal.width, 120);
  EXPECT_DOUBLE_EQ(seal.height, 120);
  // Right of the centre line (成文日期右空四字), inside the text area.
  EXPECT_GT(seal.x + seal.width / 2, 595.276 / 2);
  EXPECT_LE(seal.x + seal.width, 595.276 - 60);
  EXPECT_GE(seal.y, 62);  // above the bottom margin and the page number
}

TEST(NoticeTest, EveryKindRenders) {
  int kinds = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(sealflow::testing::TestDataPath("forms"))) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("notice-", 0) != 0 || entry.path().extension() != ".xml") continue;
    SCOPED_TRACE(name);
    ++kinds;
    TempDir dir;
    RenderResult result;
    const std::string xml = ReadFile(entry.path().string());
    std::string text = RenderAndCheck(xml, result, dir, "kind");
    ASSERT_TRUE(result.report.ok());
    EXPECT_NE(text.find("新乡市工业和信息化局文件"), std::string::npos);
    EXPECT_NE(text.find("新工信〔2026〕"), std::string::npos);
    EXPECT_TRUE(HasField(result, "bureau"));
    FormInfo info = InspectPdf(result.form.pdf);
    EXPECT_EQ(info.party_kind, "provider");
    EXPECT_FALSE(info.party_code.empty());
    EXPECT_NE(text.find(info.party_name), std::string::npos);
  }
  EXPECT_EQ(kinds, 5);  // listing, rating, disqualification, acceptance batch, report response
}

TEST(NoticeTest, KindsSayWhatTheirArticlesRequire) {
  struct Kind {
    const char* file;
    std::vector<std::string> texts;
  };
  const Kind kinds[] = {
      {"notice-listing.xml", {"公示期为2026年1月12日至2026年1月18日", "起重装备、汽车零部件"}},
      {"notice-rating.xml", {"★★★ 三星级（优秀）", "无星级（较差）", "96.4%", "评级方法："}},
      {"notice-disqualification.xml",
       {"第十六条第（一）项", "扣除其部分服务费用，计86,000.00 元", "建议其他城市不选择该单位",
        "NTC-2026-0012、NTC-2026-0027"}},
      {"notice-acceptance-batch.xml",
       {"第2批", "2026年5月15日前", "长垣市恒达起重机械有限公司", "（四）项目投资凭证"}},
      {"notice-report-response.xml", {"第十八条", "2026年3月20日前", "退出服务商库"}},
  };
  for (const Kind& kind : kinds) {
    SCOPED_TRACE(kind.file);
    TempDir dir;
    RenderResult result;
    std::string text =
        RenderAndCheck(ReadFile(sealflow::testing::TestDataPath(std::string("forms/") + kind.file)),
                       result, dir, "kind");
    for (const std::string& expected : kind.texts) {
      EXPECT_NE(text.find(expected), std::string::npos) << expected;
    }
  }
}

TEST(NoticeRulesTest, DocumentNumberFollowsGbT9704) {
  ExpectOneFinding(Invalid("notice-bad-document-number.xml"), "documentNumber", {"pattern"});
  ExpectOneFinding(Invalid("notice-number-year-mismatch.xml"), "documentNumber",
                   {"发文字号的年份（2025）", "GB/T 9704"});
  ExpectOneFinding(Invalid("notice-printed-before-issue.xml"), "printDate", {"印发日期"});
}

TEST(NoticeRulesTest, ListingNeedsAnOrderedObjectionPeriod) {
  ExpectOneFinding(Invalid("notice-listing-without-objection-period.xml"), "objectionContact",
                   {"objectionPeriod"});
  ExpectOneFinding(Invalid("notice-listing-objection-period-reversed.xml"), "end", {"第九条"});
  ExpectOneFinding(Invalid("notice-listing-without-sub-industry.xml"), "provider", {"第三条"});
  // The period cannot start before the notice is issued.
  std::string xml = ReadFile(sealflow::testing::TestDataPath("forms/notice-listing.xml"));
  ExpectOneFinding(Replace(xml, "<start>2026-01-12</start>", "<start>2026-01-05</start>"), "start",
                   {"第九条"});
}

TEST(NoticeRulesTest, RatingGivesStarsThreeToNone) {
  ExpectOneFinding(Invalid("notice-rating-four-stars.xml"), "stars", {"maximum"});
  ExpectOneFinding(Invalid("notice-rating-without-stars.xml"), "provider", {"第十四条"});
}

TEST(NoticeRulesTest, WarningNamesAGroundAndADeadline) {
  ExpectOneFinding(Invalid("notice-warning-bad-ground.xml"), "ground", {"maximum"});
  ExpectOneFinding(Invalid("notice-warning-deadline-before-issue.xml"), "rectificationDeadline",
                   {"第十五条"});
  ExpectOneFinding(Invalid("notice-stars-in-warning.xml"), "stars", {"评星评级"});
  // One provider only.
  ExpectOneFinding(Replace(Example(), "  </providers>",
                           "    <provider>\n      <name>新乡市红旗区智联软件有限公司</name>\n"
                           "      <creditCode>91410700MA44XP8N0P</creditCode>\n    </provider>\n"
                           "  </providers>"),
                   "provider", {"第十五条", "第十六条", "第十八条"});
}

TEST(NoticeRulesTest, DisqualificationCitesItsWarningsAndFees) {
  ExpectOneFinding(Invalid("notice-disqualification-one-warning.xml"), "ground",
                   {"第十六条第（一）项", "现有 1 份"});
  ExpectOneFinding(Invalid("notice-disqualification-deduction-without-amount.xml"), "fees",
                   {"第十六条"});
  std::string xml = ReadFile(sealflow::testing::TestDataPath("forms/notice-disqualification.xml"));
  ExpectOneFinding(Replace(xml, "<fees>partly-deducted</fees>", "<fees>withheld</fees>"),
                   "deductedAmount", {"第十六条"});
}

TEST(NoticeRulesTest, AcceptanceBatchAndReportResponse) {
  ExpectOneFinding(Invalid("notice-acceptance-materials-due-after-start.xml"), "submissionDeadline",
                   {"第十二条（四）"});
  ExpectOneFinding(Invalid("notice-report-response-without-report.xml"), "reportResponse",
                   {"第十八条"});
  std::string xml = ReadFile(sealflow::testing::TestDataPath("forms/notice-acceptance-batch.xml"));
  ExpectOneFinding(Replace(xml, "<end>2026-06-10</end>", "<end>2026-05-19</end>"), "end",
                   {"第十二条（四）"});
}

}  // namespace
}  // namespace sealflow::forms
