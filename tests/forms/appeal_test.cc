// Copyright sealflow authors.
// 申诉书: the example renders; the grounds of Art. 17 and what each must follow.
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

std::string Example() { return ReadFile(SourcePath("xml-schemas/examples/appeal.xml")); }

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
