// Copyright sealflow authors.
// The bureau's notices: every kind of NoticeXml validates against notice.xsd (and the notice
// rules) and maps back to its engine event; requests from JSON, and what they refuse, naming the
// member at fault.
#include "workflow/notices.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "forms/validator.h"
#include "workflow_fixture.h"

namespace sealflow::workflow {
namespace {

using testing::D;

constexpr char kProviderA[] = "91410700MA45KJ2R7F";
constexpr char kProviderB[] = "91410700MA9F3K2L1U";
const std::string kSha(64, 'a');

const forms::Validator& SharedValidator() {
  static const std::unique_ptr<forms::Validator> validator = forms::Validator::Create();
  return *validator;
}

void ExpectValid(const std::string& xml) {
  forms::ValidationReport report = SharedValidator().Validate(xml);
  EXPECT_TRUE(report.ok()) << forms::FormatFindings(report) << "\n" << xml;
  EXPECT_EQ(report.form_type, "notice");
}

NoticeProvider Provider(const std::string& code, const std::string& name) {
  NoticeProvider p;
  p.credit_code = code;
  p.name = name;
  return p;
}

FactsError XmlError(const NoticeRequest& request, const std::string& id = "NTC-2026-0020",
                    Date on = D(2026, 3, 2)) {
  try {
    NoticeXml(request, id, on);
  } catch (const FactsError& error) {
    return error;
  }
  ADD_FAILURE() << "no FactsError";
  return FactsError(FactsErrorCode::kMalformed, "", "", "");
}

FactsError JsonError(const std::string& json) {
  try {
    NoticeRequestFromJson(json);
  } catch (const FactsError& error) {
    return error;
  }
  ADD_FAILURE() << "no FactsError for " << json;
  return FactsError(FactsErrorCode::kMalformed, "", "", "");
}

TEST(NoticeXmlTest, ListingValidatesAndMapsToTheListingEvent) {
  NoticeRequest r;
  r.kind = NoticeKind::kListing;
  r.providers = {Provider(kProviderA, "新乡市牧野智造数字科技有限公司"),
                 Provider(kProviderB, "河南平原云联信息技术有限公司")};
  r.providers[0].sub_industries = {"起重装备", "汽车零部件"};
  r.providers[1].sub_industries = {"新型化工"};
  EngineOptions options;
  options.objection_days = 7;
  const std::string xml = NoticeXml(r, "NTC-2026-0003", D(2026, 1, 15), options);
  ExpectValid(xml);
  EXPECT_NE(xml.find("<documentNumber>新工信〔2026〕3号</documentNumber>"), std::string::npos);
  EXPECT_NE(xml.find("<start>2026-01-15</start>"), std::string::npos);
  auto e = std::get<ListingNotice>(EventFromForm("notice", xml));
  EXPECT_EQ(e.document_id, "NTC-2026-0003");
  EXPECT_EQ(e.date, D(2026, 1, 15));
  EXPECT_EQ(e.provider_codes, (std::vector<std::string>{kProviderA, kProviderB}));
  EXPECT_EQ(e.objection_period_end, D(2026, 1, 22));
}

TEST(NoticeXmlTest, WarningEscapesTextAndCarriesTheSourceDocument) {
  NoticeRequest r;
  r.kind = NoticeKind::kWarning;
  r.providers = {Provider(kProviderB, "河南平原云联信息技术有限公司")};
  r.follows = {{"satisfaction", "SAT-2026-0007", kSha}};
  r.ground = 4;
  r.facts = "评价为“不满意”：响应 <3 天 & 培训不足。";
  r.contact_name = "赵文博";
  r.contact_phone = "0373-3038216";
  r.copy_to = {"封丘县工业和信息化局"};
  const std::string xml = NoticeXml(r, "NTC-2026-0012", D(2026, 3, 2));
  ExpectValid(xml);
  EXPECT_NE(xml.find("&lt;3 天 &amp; 培训"), std::string::npos);
  auto e = std::get<WarningNotice>(EventFromForm("notice", xml));
  EXPECT_EQ(e.provider_code, kProviderB);
  EXPECT_EQ(e.ground, 4);
  EXPECT_EQ(e.source_document, "SAT-2026-0007");
  EXPECT_EQ(e.rectification_deadline, D(2026, 4, 1));  // 30 days by default
}

TEST(NoticeXmlTest, DisqualificationAndRating) {
  NoticeRequest d;
  d.kind = NoticeKind::kDisqualification;
  d.providers = {Provider(kProviderB, "河南平原云联信息技术有限公司")};
  d.follows = {{"notice", "NTC-2026-0012", kSha}, {"notice", "NTC-2026-0015", kSha}};
  d.ground = 1;
  d.facts = "一年内受到警告两次。";
  d.fees = "partly-deducted";
  d.deducted_amount = 1234500;
  const std::string xml = NoticeXml(d, "NTC-2026-0031", D(2026, 6, 1));
  ExpectValid(xml);
  EXPECT_NE(xml.find("<deductedAmount>12345.00</deductedAmount>"), std::string::npos);
  EXPECT_EQ(std::get<DisqualificationDecision>(EventFromForm("notice", xml)).ground, 1);

  NoticeRequest r;
  r.kind = NoticeKind::kRating;
  r.providers = {Provider(kProviderA, "新乡市牧野智造数字科技有限公司")};
  r.providers[0].enterprises_served = 3;
  r.providers[0].satisfaction_rate = 86.66;
  r.providers[0].stars = 2;
  r.period = "2026-Q2";
  r.rating_date = D(2026, 4, 30);
  const std::string rating = NoticeXml(r, "NTC-2026-0020", D(2026, 5, 6));
  ExpectValid(rating);
  EXPECT_NE(rating.find("<satisfactionRate>86.7</satisfactionRate>"), std::string::npos);
  EXPECT_EQ(std::get<RatingNotice>(EventFromForm("notice", rating)).period, "2026-Q2");
  r.period = "2026-Q3";
  EXPECT_EQ(XmlError(r, "NTC-2026-0020", D(2026, 5, 6)).element, "period");
}

TEST(NoticeXmlTest, AcceptanceBatchAndReportResponseValidateButCarryNoEvent) {
  NoticeRequest b;
  b.kind = NoticeKind::kAcceptanceBatch;
  b.providers = {Provider(kProviderA, "新乡市牧野智造数字科技有限公司")};
  b.providers[0].enterprises = {"新乡市恒泰起重机械有限公司"};
  b.batch_number = 2;
  b.submission_deadline = D(2026, 11, 10);
  b.acceptance_start = D(2026, 11, 16);
  b.acceptance_end = D(2026, 11, 27);
  b.place = "市工信局 402 室";
  b.materials = {"竣工验收申请表", "项目档案"};
  const std::string batch = NoticeXml(b, "NTC-2026-0040", D(2026, 10, 20));
  ExpectValid(batch);
  EXPECT_THROW(EventFromForm("notice", batch), FactsError);

  NoticeRequest q;
  q.kind = NoticeKind::kReportResponse;
  q.providers = {Provider(kProviderA, "新乡市牧野智造数字科技有限公司")};
  q.follows = {{"report", "RPT-2026-0002", kSha}};
  q.allegation = "申报案例不真实。";
  q.required_materials = {"案例合同及验收材料"};
  const std::string response = NoticeXml(q, "NTC-2026-0041", D(2026, 3, 4));
  ExpectValid(response);
  EXPECT_NE(response.find("<responseDeadline>2026-03-14</responseDeadline>"), std::string::npos);
  q.follows.clear();
  EXPECT_EQ(XmlError(q).element, "follows");
}

TEST(NoticeXmlTest, RefusesWhatCouldNotMakeAValidNotice) {
  NoticeRequest r;
  r.kind = NoticeKind::kWarning;
  r.providers = {Provider(kProviderA, "新乡市牧野智造数字科技有限公司")};
  r.ground = 4;
  r.facts = "事实。";
  EXPECT_EQ(XmlError(r, "NTC-2025-0020").element, "@id");  // year is not the issue year
  EXPECT_EQ(XmlError(r, "NOT-2026-0020").element, "@id");
  r.rectification_deadline = D(2026, 3, 2);
  EXPECT_EQ(XmlError(r).element, "rectificationDeadline");
  r.rectification_deadline.reset();
  r.ground = 7;
  EXPECT_EQ(XmlError(r).element, "ground");
  r.ground = 4;
  r.providers.push_back(Provider(kProviderB, "河南平原云联信息技术有限公司"));
  EXPECT_EQ(XmlError(r).element, "providers");
  r.providers.pop_back();
  r.providers[0].credit_code = "91410700MA45KJ2R7X";
  FactsError code = XmlError(r);
  EXPECT_EQ(code.element, "providers[0].creditCode");
  EXPECT_EQ(code.code, FactsErrorCode::kBadField);
  EXPECT_FALSE(code.message_zh.empty());
  EXPECT_FALSE(code.message_en.empty());
  r.providers[0].credit_code = kProviderA;
  r.providers[0].stars = 2;
  EXPECT_EQ(XmlError(r).element, "providers[0]");
}

TEST(NoticeJsonTest, ParsesEveryMember) {
  NoticeRequest r = NoticeRequestFromJson(R"({
    "kind": "disqualification",
    "title": "关于取消某公司资格的通告",
    "providers": [{"creditCode": "91410700MA9F3K2L1U", "name": "河南平原云联信息技术有限公司"}],
    "follows": [{"formType": "notice", "documentId": "NTC-2026-0012", "sha256": ")" +
                                          kSha + R"("}],
    "ground": 2, "facts": "拒不整改。", "fees": "withheld",
    "contact": {"name": "赵文博", "phone": "0373-3038216"},
    "copyTo": ["卫辉市工业和信息化局"]
  })");
  EXPECT_EQ(r.kind, NoticeKind::kDisqualification);
  EXPECT_EQ(r.title, "关于取消某公司资格的通告");
  ASSERT_EQ(r.providers.size(), 1u);
  EXPECT_EQ(r.providers[0].credit_code, kProviderB);
  ASSERT_EQ(r.follows.size(), 1u);
  EXPECT_EQ(r.follows[0].document_id, "NTC-2026-0012");
  EXPECT_EQ(r.ground, 2);
  EXPECT_EQ(r.fees, "withheld");
  EXPECT_EQ(r.contact_phone, "0373-3038216");
  EXPECT_EQ(r.copy_to, (std::vector<std::string>{"卫辉市工业和信息化局"}));
  const std::string xml = NoticeXml(r, "NTC-2026-0033", D(2026, 6, 2));
  ExpectValid(xml);
  EXPECT_EQ(std::get<DisqualificationDecision>(EventFromForm("notice", xml)).ground, 2);

  NoticeRequest listing = NoticeRequestFromJson(
      R"({"kind":"listing","objectionEnd":"2026-01-25","providers":[{"creditCode":
      "91410700MA45KJ2R7F","name":"牧野","subIndustries":["起重装备"]}]})");
  EXPECT_EQ(listing.objection_end, D(2026, 1, 25));
  ExpectValid(NoticeXml(listing, "NTC-2026-0002", D(2026, 1, 15)));
}

TEST(NoticeJsonTest, RefusesBadInputNamingTheMember) {
  EXPECT_EQ(JsonError("{").code, FactsErrorCode::kMalformed);
  EXPECT_EQ(JsonError("[1,2]").code, FactsErrorCode::kMalformed);
  EXPECT_EQ(JsonError(std::string((1u << 20) + 1, ' ')).code, FactsErrorCode::kBadField);
  EXPECT_EQ(JsonError(R"({"providers":[]})").element, "kind");
  EXPECT_EQ(JsonError(R"({"kind":"praise","providers":[]})").element, "kind");
  EXPECT_EQ(JsonError(R"({"kind":"warning"})").element, "providers");
  const std::string one = R"("providers":[{"creditCode":"91410700MA45KJ2R7F","name":"牧野"}])";
  EXPECT_EQ(JsonError(R"({"kind":"warning",)" + one + R"(,"ground":"4","facts":"事实"})").element,
            "ground");
  EXPECT_EQ(JsonError(R"({"kind":"warning",)" + one + R"(,"ground":9,"facts":"事实"})").element,
            "ground");
  EXPECT_EQ(JsonError(R"({"kind":"warning",)" + one + R"(,"ground":4})").element, "facts");
  EXPECT_EQ(JsonError(R"({"kind":"warning",)" + one +
                      R"(,"ground":4,"facts":"事实","rectificationDeadline":"2026-13-01"})")
                .element,
            "rectificationDeadline");
  EXPECT_EQ(
      JsonError(R"({"kind":"disqualification",)" + one + R"(,"ground":1,"facts":"事实"})").element,
      "follows");
  EXPECT_EQ(JsonError(R"({"kind":"listing","providers":[{"creditCode":"91410700MA45KJ2R7F",
            "name":"牧野","subIndustries":["造船"]}]})")
                .element,
            "providers[0].subIndustries[0]");
  EXPECT_EQ(JsonError(R"({"kind":"listing","providers":[{"creditCode":"91410700MA45KJ2R7F",
            "name":"牧野"}]})")
                .element,
            "providers[0].subIndustries");
  EXPECT_EQ(JsonError(R"({"kind":"warning","providers":[{"creditCode":"91410700MA45KJ2R7F",
            "name":" 牧野"}],"ground":4,"facts":"事实"})")
                .element,
            "providers[0].name");
  EXPECT_EQ(JsonError(R"({"kind":"warning",)" + one +
                      R"(,"ground":4,"facts":"事实","contact":{"name":"赵","phone":"12345"}})")
                .element,
            "contact.phone");
}

class RatingNoticeTest : public testing::WorkflowFixture {};

TEST_F(RatingNoticeTest, TakesTheEnginesProposedStars) {
  ListProvider();
  AcceptProject();
  NoticeRequest r = RatingNoticeRequest(engine_, D(2027, 1, 5), "2027-Q1");
  ASSERT_EQ(r.providers.size(), 1u);
  EXPECT_EQ(r.providers[0].credit_code, testing::kProvider);
  EXPECT_EQ(r.providers[0].enterprises_served, 1);
  EXPECT_EQ(r.providers[0].stars, 1);  // one enterprise, no evaluation: capped at 1★
  const std::string xml = NoticeXml(r, "NTC-2027-0001", D(2027, 1, 5));
  ExpectValid(xml);
  auto e = std::get<RatingNotice>(EventFromForm("notice", xml));
  EXPECT_EQ(e.period, "2027-Q1");
  EXPECT_TRUE(engine_.Apply(e, D(2027, 1, 5)).accepted);
  EXPECT_EQ(provider().ratings.size(), 1u);
}

}  // namespace
}  // namespace sealflow::workflow
