// Copyright sealflow authors.
// 满意度评价表: the example renders with its ratings; the rules of Art. 14 and 15(4).
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

std::string Example() { return ReadFile(SourcePath("xml-schemas/examples/satisfaction.xml")); }

TEST(SatisfactionTest, ExampleRendersWithRatingsAndParties) {
  TempDir dir;
  RenderResult result;
  const std::string xml = Example();
  std::string text = RenderAndCheck(xml, result, dir, "satisfaction");
  ASSERT_TRUE(result.report.ok());
  for (const char* expected :
       {"试点企业满意度评价表", "封丘县金鼎汽车配件有限公司", "河南平原云联信息技术有限公司",
        "服务质量", "响应速度", "改造成效", "沟通配合", "1 分（很差）", "8 / 20 分",
        "总体评价结果：不满意", "■ 不满意", "□ 满意", "不满意的理由：", "ACC-2026-0031"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected;
  }
  EXPECT_TRUE(HasField(result, "enterprise"));
  FormInfo info = InspectPdf(result.form.pdf);
  EXPECT_EQ(info.party_kind, "enterprise");
  EXPECT_EQ(info.party_code, "91410727MA45C8PQ2U");
  EXPECT_EQ(info.party_name, "封丘县金鼎汽车配件有限公司");
  EXPECT_EQ(info.document_id, "SAT-2026-0007");
}

TEST(SatisfactionRulesTest, UnsatisfiedNeedsAReason) {
  ExpectOneFinding(Invalid("satisfaction-unsatisfied-without-reason.xml"), "overall",
                   {"第十五条（四）", "reason"});
  // 基本满意 needs none (and its scores are consistent with it).
  std::string xml = Replace(Example(), "<overall>不满意</overall>", "<overall>基本满意</overall>");
  EXPECT_TRUE(SharedRenderer().Render(xml).report.ok());
}

TEST(SatisfactionRulesTest, FollowsTheAcceptanceConclusion) {
  ExpectOneFinding(Invalid("satisfaction-follows-contract.xml"), "follows",
                   {"acceptance-conclusion", "第十五条（四）"});
}

TEST(SatisfactionRulesTest, OverallAgreesWithTheScores) {
  ExpectOneFinding(Invalid("satisfaction-satisfied-with-low-score.xml"), "overall",
                   {"满意", "1 分", "第十四条"});
  std::string high = Example();
  for (const char* from : {"score=\"2\"", "score=\"1\"", "score=\"3\"", "score=\"2\""}) {
    high = Replace(high, from, "score=\"4\"");
  }
  ExpectOneFinding(high, "overall", {"不满意", "第十五条（四）"});
}

TEST(SatisfactionRulesTest, ScoresAreOneToFive) {
  ExpectOneFinding(Invalid("satisfaction-score-out-of-range.xml"), "responsiveness", {"maximum"});
  ExpectOneFinding(Replace(Example(), "score=\"1\"", "score=\"0\""), "responsiveness", {"0"});
}

}  // namespace
}  // namespace sealflow::forms
