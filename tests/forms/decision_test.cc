// Copyright sealflow authors.
// 意见书 / 决定书: the example renders with its issuer, subject and conclusion; every kind renders
// with the issuer's seal named after its role; the rules (kind fits subject, issuer may decide,
// enrolment states scale, dates) each give one finding.
#include <gtest/gtest.h>

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

std::string Example() { return ReadFile(SourcePath("xml-schemas/examples/decision.xml")); }

const std::string kPlanDecision = R"(  <planDecision>
    <plan>PLN-2026-0001</plan>
    <planHash>9b1e7c04d2a35f86e0c4b71d93a2e58f6c0d14b7a9e3f25c8d6b0a17e4f9c2d1</planHash>
    <approved>true</approved>
  </planDecision>)";

const std::string kBureau = R"(<issuer role="bureau">
    <name>新乡市工业和信息化局</name>
    <creditCode>11410700005264830Y</creditCode>)";

const std::string kEnterpriseSubject = R"(<subject kind="enterprise">
    <name>新乡市豫飞起重设备有限公司</name>
    <creditCode>91410700MA46B7HW2D</creditCode>
    <subIndustry>起重装备</subIndustry>
    <scale>规上</scale>)";

const std::string kProviderSubject = R"(<subject kind="provider">
    <name>新乡市牧野智造数字科技有限公司</name>
    <creditCode>91410700MA45KJ2R7F</creditCode>)";

// The example with another issuer role (and credit code), subject and kind element.
std::string Variant(const std::string& role, const std::string& code, bool provider_subject,
                    const std::string& kind) {
  std::string xml = Replace(Example(), kBureau,
                            "<issuer role=\"" + role + "\">\n    <name>出具单位</name>\n" +
                                "    <creditCode>" + code + "</creditCode>");
  if (provider_subject) xml = Replace(xml, kEnterpriseSubject, kProviderSubject);
  return Replace(xml, kPlanDecision, kind);
}

TEST(DecisionTest, ExampleRendersWithIssuerSubjectAndConclusion) {
  TempDir dir;
  RenderResult result;
  const std::string xml = Example();
  std::string text = RenderAndCheck(xml, result, dir, "decision");
  ASSERT_TRUE(result.report.ok());
  for (const char* expected :
       {"关于新乡市豫飞起重设备有限公司数字化改造方案备案审核的意见", "新工信〔2026〕31号",
        "新乡市工业和信息化局（市工业和信息化局）",
        "改造方案备案审核意见（依据《办法》第十二条（二））", "新乡市豫飞起重设备有限公司",
        "起重装备 / 规上", "PLN-2026-0001", "同意备案", "合同签订前不得收取任何费用"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected;
  }
  ASSERT_EQ(result.form.signature_blocks.size(), 1u);
  EXPECT_EQ(result.form.signature_blocks[0].field_name, "bureau");
  FormInfo info = InspectPdf(result.form.pdf);
  EXPECT_EQ(info.form_type, "decision");
  EXPECT_EQ(info.party_code, "91410700MA46B7HW2D");
  EXPECT_EQ(info.document_id, "DEC-2026-0031");
}

TEST(DecisionTest, ALongTitleWrapsInsideThePage) {
  TempDir dir;
  RenderResult result;
  const std::string title =
      "关于新乡市豫飞起重设备有限公司桥式起重机生产全流程数字化改造项目改造方案及其投资估算、"
      "场景覆盖和资金分担比例备案审核的意见";
  std::string text = RenderAndCheck(
      Replace(Example(),
              "<title>关于新乡市豫飞起重设备有限公司数字化改造方案备案审核的意见</title>",
              "<title>" + title + "</title>"),
      result, dir, "long-title");
  ASSERT_TRUE(result.report.ok());
  // Text set beyond the page edge would be missing from the text layer.
  EXPECT_NE(text.find(title), std::string::npos) << text;
}

struct KindCase {
  const char* role;
  const char* code;
  bool provider_subject;
  const char* kind;
  const char* field;     // the signature block
  const char* expected;  // text in the rendered PDF
};

TEST(DecisionTest, EveryKindRendersWithTheIssuersSeal) {
  const std::vector<KindCase> cases = {
      {"county", "11410700005264830Y", true,
       "  <countyRecommendation>\n    <recommended>true</recommended>\n  </countyRecommendation>",
       "county", "同意推荐"},
      {"expert", "12410700MA40JXK24Y", true,
       "  <expertReview>\n    <score>86.5</score>\n    <passed>false</passed>\n  </expertReview>",
       "expert", "未通过"},
      {"bureau", "11410700005264830Y", true,
       "  <meetingDecision>\n    <meeting>2026年第3次局长办公会</meeting>\n"
       "    <approved>true</approved>\n    <subIndustry>起重装备</subIndustry>\n"
       "  </meetingDecision>",
       "bureau", "2026年第3次局长办公会"},
      {"bureau", "11410700005264830Y", true,
       "  <objectionDecision>\n    <objection>反映案例不实。</objection>\n"
       "    <upheld>false</upheld>\n  </objectionDecision>",
       "bureau", "异议不成立"},
      {"provider", "91410700MA45KJ2R7F", true,
       "  <detailsChange>\n    <detail>address</detail>\n    "
       "<newValue>新乡市红旗区新址</newValue>\n"
       "    <changedOn>2026-04-01</changedOn>\n  </detailsChange>",
       "provider", "住所"},
      {"bureau", "11410700005264830Y", true,
       "  <materialsSubmission>\n    <requested>季度服务台账</requested>\n"
       "    <dueOn>2026-04-10</dueOn>\n    <complete>false</complete>\n  </materialsSubmission>",
       "bureau", "季度服务台账"},
      {"provider", "91410700MA45KJ2R7F", true,
       "  <rectification>\n    <warning>NTC-2026-0012</warning>\n"
       "    <measure>增派驻场工程师。</measure>\n  </rectification>",
       "provider", "增派驻场工程师"},
      {"bureau", "11410700005264830Y", true,
       "  <appealDecision>\n    <appeal>APL-2026-0003</appeal>\n    <upheld>true</upheld>\n"
       "  </appealDecision>",
       "bureau", "申诉成立，撤销警告"},
      {"provider", "91410700MA45KJ2R7F", true,
       "  <reportResponse>\n    <report>RPT-2026-0002</report>\n  </reportResponse>", "provider",
       "RPT-2026-0002"},
      {"bureau", "11410700005264830Y", true,
       "  <reportFinding>\n    <report>RPT-2026-0002</report>\n"
       "    <fraudConfirmed>true</fraudConfirmed>\n  </reportFinding>",
       "bureau", "查实存在弄虚作假"},
      {"bureau", "11410700005264830Y", false,
       "  <enrolment>\n    <batch>第一批</batch>\n  </enrolment>", "bureau", "第一批"},
      {"expert", "12410700MA40JXK24Y", false,
       "  <planExpertReview>\n    <plan>PLN-2026-0001</plan>\n    <planHash>"
       "9b1e7c04d2a35f86e0c4b71d93a2e58f6c0d14b7a9e3f25c8d6b0a17e4f9c2d1</planHash>\n"
       "    <passed>true</passed>\n  </planExpertReview>",
       "expert", "评审通过"},
      {"enterprise", "91410700MA46B7HW2D", false,
       "  <payment>\n    <provider>\n      <name>新乡市牧野智造数字科技有限公司</name>\n"
       "      <creditCode>91410700MA45KJ2R7F</creditCode>\n    </provider>\n"
       "    <paidOn>2026-04-14</paidOn>\n    <amount>261000.00</amount>\n"
       "    <voucher>转账回单 0031</voucher>\n  </payment>",
       "enterprise", "261,000.00"},
      {"bureau", "11410700005264830Y", false,
       "  <changeDecision>\n    <change>CHG-2026-0001</change>\n    <approved>false</approved>\n"
       "  </changeDecision>",
       "bureau", "不同意变更"},
      {"acceptance-agency", "12410700MA40JXK24Y", false,
       "  <projectRectification>\n    <conclusion>ACC-2026-0004</conclusion>\n"
       "    <measure>补齐批记录。</measure>\n  </projectRectification>",
       "", ""},  // not the agency's to issue: see the rules test; listed to cover the kind
      {"enterprise", "91410700MA46B7HW2D", false,
       "  <projectRectification>\n    <conclusion>ACC-2026-0004</conclusion>\n"
       "    <measure>补齐批记录。</measure>\n  </projectRectification>",
       "enterprise", "补齐批记录"},
      {"bureau", "11410700005264830Y", false,
       "  <closure>\n    <modelEnterprise>true</modelEnterprise>\n  </closure>", "bureau",
       "列为样板企业"},
  };
  TempDir dir;
  int n = 0;
  for (const KindCase& c : cases) {
    SCOPED_TRACE(c.kind);
    const std::string xml = Variant(c.role, c.code, c.provider_subject, c.kind);
    if (std::string(c.field).empty()) {
      EXPECT_FALSE(SharedRenderer().Render(xml).report.ok());
      continue;
    }
    RenderResult result;
    std::string text = RenderAndCheck(xml, result, dir, "kind" + std::to_string(++n));
    ASSERT_TRUE(result.report.ok()) << FormatFindings(result.report);
    EXPECT_NE(text.find(c.expected), std::string::npos) << c.expected;
    ASSERT_EQ(result.form.signature_blocks.size(), 1u);
    EXPECT_EQ(result.form.signature_blocks[0].field_name, c.field);
  }
}

TEST(DecisionRulesTest, KindFitsTheSubject) {
  ExpectOneFinding(Invalid("decision-kind-does-not-fit-subject.xml"), "planDecision",
                   {"试点企业", "concerns a enterprise"});
}

TEST(DecisionRulesTest, IssuerMayDecide) {
  ExpectOneFinding(Invalid("decision-issuer-may-not-decide.xml"), "issuer",
                   {"第十二条（二）", "a provider cannot issue <planDecision>"});
  // The acceptance agency signs conclusions, not a project's rectification report.
  ExpectOneFinding(Variant("acceptance-agency", "12410700MA40JXK24Y", false,
                           "  <projectRectification>\n    <conclusion>ACC-2026-0004</conclusion>\n"
                           "    <measure>补齐批记录。</measure>\n  </projectRectification>"),
                   "issuer", {"验收机构", "acceptance-agency cannot issue"});
}

TEST(DecisionRulesTest, EnrolmentStatesScale) {
  ExpectOneFinding(Invalid("decision-enrolment-without-scale.xml"), "subject", {"规模", "<scale>"});
}

TEST(DecisionRulesTest, PaymentNotAfterTheRecord) {
  ExpectOneFinding(Invalid("decision-payment-after-record.xml"), "paidOn",
                   {"付款日期不得晚于", "the payment date cannot be after"});
}

TEST(DecisionRulesTest, DetailsChangeTookEffectByTheRecord) {
  ExpectOneFinding(
      Variant("provider", "91410700MA45KJ2R7F", true,
              "  <detailsChange>\n    <detail>name</detail>\n    <newValue>新名称</newValue>\n"
              "    <changedOn>2026-05-01</changedOn>\n  </detailsChange>"),
      "changedOn", {"变更生效日期"});
}

TEST(DecisionRulesTest, SchemaRefusesUnknownKindAndMissingSubjectKind) {
  EXPECT_FALSE(SharedRenderer().Render(Invalid("decision-unknown-kind.xml")).report.ok());
  EXPECT_FALSE(SharedRenderer().Render(Invalid("decision-subject-without-kind.xml")).report.ok());
}

}  // namespace
}  // namespace sealflow::forms
