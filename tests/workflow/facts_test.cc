// Copyright sealflow authors.
// From forms to engine events: every example form maps to its event with the right fields; every
// decision kind maps; every Event alternative but DeadlinePassed is carried by some form; missing
// or unmappable fields throw FactsError naming the element; signatures and parties per form.
#include "workflow/facts.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "support/test_support.h"
#include "workflow_fixture.h"

namespace sealflow::workflow {
namespace {

using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;
using testing::D;
using testing::Yuan;

const std::string kSha = "9b1e7c04d2a35f86e0c4b71d93a2e58f6c0d14b7a9e3f25c8d6b0a17e4f9c2d1";

std::string Example(const std::string& type) {
  return ReadFile(SourcePath("xml-schemas/examples/" + type + ".xml"));
}

using sealflow::testing::Replace;

template <typename T>
T As(const Event& event) {
  const T* value = std::get_if<T>(&event);
  EXPECT_NE(value, nullptr) << "event index " << event.index();
  return value != nullptr ? *value : T{};
}

// The FactsError `xml` of `type` raises (fails the test if none).
FactsError ErrorOf(const std::string& type, const std::string& xml, std::string_view sha = kSha) {
  try {
    EventFromForm(type, xml, sha);
  } catch (const FactsError& error) {
    return error;
  }
  ADD_FAILURE() << "no FactsError";
  return FactsError(FactsErrorCode::kMalformed, "", "", "");
}

TEST(FactsTest, Application) {
  auto e = As<ProviderApplication>(EventFromForm("application", Example("application")));
  EXPECT_EQ(e.document_id, "APP-2026-0001");
  EXPECT_EQ(e.date, D(2026, 2, 20));
  EXPECT_EQ(e.provider_code, "91410700MA45KJ2R7F");
  EXPECT_EQ(e.provider_name, "新乡市牧野智造数字科技有限公司");
  EXPECT_EQ(e.legal_representative, "王建国");
  EXPECT_EQ(e.registered_capital, "2000.00");
  EXPECT_EQ(e.sub_industries, (std::vector<std::string>{"起重装备", "汽车零部件"}));
  EXPECT_EQ(e.case_sub_industries,
            (std::vector<std::string>{"起重装备", "起重装备", "汽车零部件"}));
  EXPECT_TRUE(e.declarations_affirmed);
  auto f = As<ProviderApplication>(EventFromForm(
      "application", Replace(Example("application"), "<noTaxViolation>true</noTaxViolation>",
                             "<noTaxViolation>false</noTaxViolation>")));
  EXPECT_FALSE(f.declarations_affirmed);
}

TEST(FactsTest, DiagnosticReport) {
  auto e = As<DiagnosticReport>(EventFromForm("diagnostic-report", Example("diagnostic-report")));
  EXPECT_EQ(e.document_id, "DIA-2026-0001");
  EXPECT_EQ(e.date, D(2026, 3, 20));
  EXPECT_EQ(e.enterprise_code, "91410700MA46B7HW2D");
  EXPECT_EQ(e.provider_code, "91410700MA45KJ2R7F");
  EXPECT_TRUE(e.enterprise_confirmed);
}

TEST(FactsTest, TransformationPlanTakesTheSignedPdfsHash) {
  auto e =
      As<PlanFiling>(EventFromForm("transformation-plan", Example("transformation-plan"), kSha));
  EXPECT_EQ(e.document_id, "PLN-2026-0001");
  EXPECT_EQ(e.date, D(2026, 4, 8));
  EXPECT_EQ(e.plan_hash, kSha);
  EXPECT_EQ(e.total, Yuan(870000));
  EXPECT_EQ(e.scenes, (std::vector<std::string>{"scheduling", "quality", "warehousing", "energy",
                                                "production-control"}));
  EXPECT_EQ(e.enterprise_share, Yuan(435000));
  EXPECT_EQ(e.provider_concession, Yuan(87000));
  EXPECT_EQ(e.government_subsidy, Yuan(348000));
  FactsError error = ErrorOf("transformation-plan", Example("transformation-plan"), "");
  EXPECT_EQ(error.code, FactsErrorCode::kMissingField);
  EXPECT_NE(error.message_en.find("SHA-256"), std::string::npos);
}

TEST(FactsTest, ChangeFiling) {
  auto e = As<ChangeFiling>(EventFromForm("change-filing", Example("change-filing")));
  EXPECT_EQ(e.document_id, "CHG-2026-0001");
  EXPECT_EQ(e.date, D(2026, 6, 12));
  EXPECT_EQ(e.enterprise_code, "91410700MA46B7HW2D");
  EXPECT_EQ(e.previous_total, Yuan(870000));
  EXPECT_EQ(e.new_total, Yuan(936500));
  EXPECT_EQ(e.scenes_added, (std::vector<std::string>{"equipment"}));
  EXPECT_TRUE(e.scenes_removed.empty());
  EXPECT_TRUE(e.declared_requires_review);
  EXPECT_TRUE(e.new_plan_hash.empty());
}

TEST(FactsTest, Contract) {
  auto e = As<ContractSigning>(EventFromForm("contract", Example("contract")));
  EXPECT_EQ(e.document_id, "CON-2026-0001");
  EXPECT_EQ(e.date, D(2026, 4, 15));
  EXPECT_EQ(e.enterprise_code, "91410700MA9GQ3TX22");
  EXPECT_EQ(e.provider_code, "91410700MA45KJ2R7F");
  EXPECT_EQ(e.plan_hash.substr(0, 16), "fc437404a6b56972");
  EXPECT_EQ(e.amount, Yuan(1286000));
  EXPECT_EQ(e.scenes,
            (std::vector<std::string>{"scheduling", "production-control", "quality", "equipment"}));
  EXPECT_TRUE(e.no_subcontracting_affirmed);
  EXPECT_FALSE(e.declares_subcontracting);
  auto sub = As<ContractSigning>(EventFromForm(
      "contract", Replace(Example("contract"), "<affirmed>true</affirmed>",
                          "<affirmed>false</affirmed>\n    <subcontractor><name>某公司</name>"
                          "<creditCode>91410700MA9GQ3TX22</creditCode></subcontractor>")));
  EXPECT_FALSE(sub.no_subcontracting_affirmed);
  EXPECT_TRUE(sub.declares_subcontracting);
}

TEST(FactsTest, ProgressReportTakesTheEarliestMilestoneNotThePayments) {
  Event event = EventFromForm("progress-report", Example("progress-report"));
  auto e = As<ProgressReport>(event);
  EXPECT_EQ(e.document_id, "PRG-2026-0001");
  EXPECT_EQ(e.date, D(2026, 7, 3));
  EXPECT_EQ(e.enterprise_code, "91410700MA9GQ3TX22");
  EXPECT_EQ(e.provider_code, "91410700MA45KJ2R7F");
  EXPECT_EQ(e.period_start, D(2026, 6, 1));
  EXPECT_EQ(e.earliest_work_date, D(2026, 6, 12));
}

TEST(FactsTest, AcceptanceApplicationAndConclusion) {
  auto a = As<AcceptanceApplication>(
      EventFromForm("acceptance-application", Example("acceptance-application")));
  EXPECT_EQ(a.document_id, "ACA-2026-0004");
  EXPECT_EQ(a.date, D(2026, 3, 6));
  EXPECT_EQ(a.enterprise_code, "91410700174312586E");
  EXPECT_EQ(a.batch_year, 2026);
  EXPECT_EQ(a.batch_number, 1);
  auto c = As<AcceptanceConclusion>(
      EventFromForm("acceptance-conclusion", Example("acceptance-conclusion")));
  EXPECT_EQ(c.document_id, "ACC-2026-0004");
  EXPECT_EQ(c.date, D(2026, 3, 27));
  EXPECT_TRUE(c.passed);
  EXPECT_FALSE(c.rectification_deadline);
  const std::string failed = ReadFile(
      SourcePath("xml-schemas/examples/invalid/acceptance-conclusion-pass-with-rectification.xml"));
  auto f = As<AcceptanceConclusion>(
      EventFromForm("acceptance-conclusion",
                    Replace(failed, "<result>通过</result>", "<result>不通过</result>")));
  EXPECT_FALSE(f.passed);
  ASSERT_TRUE(f.rectification_deadline);
}

TEST(FactsTest, SatisfactionAppealReport) {
  auto s = As<SatisfactionEvaluation>(EventFromForm("satisfaction", Example("satisfaction")));
  EXPECT_EQ(s.document_id, "SAT-2026-0007");
  EXPECT_EQ(s.date, D(2026, 2, 10));
  EXPECT_EQ(s.enterprise_code, "91410727MA45C8PQ2U");
  EXPECT_EQ(s.provider_code, "91410700MA9F3K2L1U");
  EXPECT_EQ(s.overall, Satisfaction::kDissatisfied);

  auto a = As<AppealFiling>(EventFromForm("appeal", Example("appeal")));
  EXPECT_EQ(a.document_id, "APL-2026-0003");
  EXPECT_EQ(a.date, D(2026, 3, 6));
  EXPECT_EQ(a.provider_code, "91410700MA9F3K2L1U");
  EXPECT_EQ(a.ground, AppealGround::kUnsatisfiedRating);
  EXPECT_EQ(a.contested_warning_id, "SAT-2026-0007");  // resolved against the engine later
  EXPECT_TRUE(a.states_matter_reason_purpose);
  EXPECT_TRUE(a.has_evidence);

  auto r = As<RealNameReport>(EventFromForm("report", Example("report")));
  EXPECT_EQ(r.document_id, "RPT-2026-0002");
  EXPECT_EQ(r.date, D(2026, 3, 3));
  EXPECT_EQ(r.provider_code, "91410781MA9GRT1U3D");
  EXPECT_EQ(r.reporter_name, "陈国栋");
  EXPECT_EQ(r.reporter_id_number, "41070219850312451X");
  EXPECT_EQ(r.reporter_contact, "13782561479");
  EXPECT_TRUE(r.has_evidence);
}

TEST(FactsTest, NoticeKinds) {
  auto w = As<WarningNotice>(EventFromForm("notice", Example("notice")));
  EXPECT_EQ(w.document_id, "NTC-2026-0012");
  EXPECT_EQ(w.date, D(2026, 3, 2));
  EXPECT_EQ(w.provider_code, "91410700MA9F3K2L1U");
  EXPECT_EQ(w.ground, 4);
  EXPECT_EQ(w.source_document, "SAT-2026-0007");
  EXPECT_EQ(w.rectification_deadline, D(2026, 3, 31));

  const std::string warning_part = Example("notice").substr(
      Example("notice").find("  <warning>"),
      Example("notice").find("</warning>") + 11 - Example("notice").find("  <warning>"));
  auto listing = As<ListingNotice>(EventFromForm(
      "notice",
      Replace(Example("notice"), warning_part,
              "  <listing>\n    <batch>第一批</batch>\n    <objectionPeriod>\n"
              "      <start>2026-03-02</start>\n      <end>2026-03-08</end>\n"
              "    </objectionPeriod>\n    <objectionContact>\n      <name>赵文博</name>\n"
              "      <phone>0373-3038216</phone>\n    </objectionContact>\n  </listing>")));
  EXPECT_EQ(listing.provider_codes, (std::vector<std::string>{"91410700MA9F3K2L1U"}));
  EXPECT_EQ(listing.objection_period_end, D(2026, 3, 8));

  auto rating = As<RatingNotice>(EventFromForm(
      "notice",
      Replace(Example("notice"), warning_part,
              "  <rating>\n    <round>第一次评级</round>\n"
              "    <ratingDate>2026-04-30</ratingDate>\n    <method>按第十四条。</method>\n"
              "  </rating>")));
  EXPECT_EQ(rating.period, "2026-Q2");

  auto disq = As<DisqualificationDecision>(EventFromForm(
      "notice", Replace(Example("notice"), warning_part,
                        "  <disqualification>\n    <ground>3</ground>\n    <facts>查实。</facts>\n"
                        "    <fees>withheld</fees>\n  </disqualification>")));
  EXPECT_EQ(disq.ground, 3);
  EXPECT_EQ(disq.provider_code, "91410700MA9F3K2L1U");

  FactsError none =
      ErrorOf("notice",
              Replace(Example("notice"), warning_part,
                      "  <reportResponse>\n    <allegation>反映。</allegation>\n"
                      "    <requiredMaterials><material>说明</material></requiredMaterials>\n"
                      "    <responseDeadline>2026-03-20</responseDeadline>\n  </reportResponse>"));
  EXPECT_EQ(none.code, FactsErrorCode::kNoEvent);
  EXPECT_EQ(none.element, "notice/reportResponse");
}

// ---- decisions ----

const std::string kPlanDecision = R"(  <planDecision>
    <plan>PLN-2026-0001</plan>
    <planHash>9b1e7c04d2a35f86e0c4b71d93a2e58f6c0d14b7a9e3f25c8d6b0a17e4f9c2d1</planHash>
    <approved>true</approved>
  </planDecision>)";

const std::string kEnterpriseSubject = R"(<subject kind="enterprise">
    <name>新乡市豫飞起重设备有限公司</name>
    <creditCode>91410700MA46B7HW2D</creditCode>
    <subIndustry>起重装备</subIndustry>
    <scale>规上</scale>)";

const std::string kProviderSubject = R"(<subject kind="provider">
    <name>新乡市牧野智造数字科技有限公司</name>
    <creditCode>91410700MA45KJ2R7F</creditCode>)";

std::string Decision(const std::string& kind, bool provider_subject = false,
                     const std::string& role = "bureau") {
  std::string xml = Example("decision");
  if (provider_subject) xml = Replace(xml, kEnterpriseSubject, kProviderSubject);
  if (role != "bureau") xml = Replace(xml, "role=\"bureau\"", "role=\"" + role + "\"");
  return Replace(xml, kPlanDecision, kind);
}

TEST(FactsDecisionTest, PlanDecisionExample) {
  auto e = As<PlanDecision>(EventFromForm("decision", Example("decision")));
  EXPECT_EQ(e.document_id, "DEC-2026-0031");
  EXPECT_EQ(e.date, D(2026, 4, 14));
  EXPECT_EQ(e.enterprise_code, "91410700MA46B7HW2D");
  EXPECT_EQ(e.plan_hash, kSha);
  EXPECT_TRUE(e.approved);
}

TEST(FactsDecisionTest, ProviderMatters) {
  const std::string p = "91410700MA45KJ2R7F";
  auto county = As<CountyRecommendation>(EventFromForm(
      "decision",
      Decision("<countyRecommendation><recommended>false</recommended></countyRecommendation>",
               true, "county")));
  EXPECT_EQ(county.provider_code, p);
  EXPECT_FALSE(county.recommended);
  auto expert = As<ApplicationExpertReview>(EventFromForm(
      "decision", Decision("<expertReview><passed>true</passed></expertReview>", true, "expert")));
  EXPECT_TRUE(expert.passed);
  auto meeting = As<MeetingDecision>(EventFromForm(
      "decision", Decision("<meetingDecision><meeting>会</meeting><approved>true</approved>"
                           "<subIndustry>起重装备</subIndustry></meetingDecision>",
                           true)));
  EXPECT_TRUE(meeting.approved);
  EXPECT_EQ(meeting.sub_industries, (std::vector<std::string>{"起重装备"}));
  auto objection = As<ListingObjectionDecision>(EventFromForm(
      "decision", Decision("<objectionDecision><objection>异议</objection><upheld>true</upheld>"
                           "</objectionDecision>",
                           true)));
  EXPECT_TRUE(objection.upheld);
  auto reported = As<ProviderDetailsChange>(EventFromForm(
      "decision", Decision("<detailsChange><detail>legal-representative</detail><newValue>李四"
                           "</newValue><changedOn>2026-04-01</changedOn></detailsChange>",
                           true, "provider")));
  EXPECT_EQ(reported.detail, ProviderDetail::kLegalRepresentative);
  EXPECT_EQ(reported.new_value, "李四");
  EXPECT_EQ(reported.changed_on, D(2026, 4, 1));
  EXPECT_TRUE(reported.reported_by_provider);
  auto found = As<ProviderDetailsChange>(EventFromForm(
      "decision", Decision("<detailsChange><detail>registered-capital</detail><newValue>500.00"
                           "</newValue><changedOn>2026-04-01</changedOn></detailsChange>",
                           true)));
  EXPECT_EQ(found.detail, ProviderDetail::kCapital);
  EXPECT_FALSE(found.reported_by_provider);
  auto materials = As<MaterialsSubmission>(EventFromForm(
      "decision", Decision("<materialsSubmission><requested>台账</requested><dueOn>2026-04-10"
                           "</dueOn><complete>false</complete></materialsSubmission>",
                           true)));
  EXPECT_EQ(materials.due_on, D(2026, 4, 10));
  EXPECT_FALSE(materials.complete);
  auto rectification = As<RectificationReport>(EventFromForm(
      "decision", Decision("<rectification><warning>NTC-2026-0012</warning><measure>改。</measure>"
                           "</rectification>",
                           true, "provider")));
  EXPECT_EQ(rectification.warning_id, "NTC-2026-0012");
  auto appeal = As<AppealDecision>(EventFromForm(
      "decision", Decision("<appealDecision><appeal>APL-2026-0003</appeal><upheld>false</upheld>"
                           "</appealDecision>",
                           true)));
  EXPECT_EQ(appeal.appeal_id, "APL-2026-0003");
  EXPECT_FALSE(appeal.upheld);
  auto response = As<ReportResponse>(EventFromForm(
      "decision", Decision("<reportResponse><report>RPT-2026-0002</report></reportResponse>", true,
                           "provider")));
  EXPECT_EQ(response.report_id, "RPT-2026-0002");
  auto finding = As<ReportVerification>(EventFromForm(
      "decision", Decision("<reportFinding><report>RPT-2026-0002</report><fraudConfirmed>true"
                           "</fraudConfirmed></reportFinding>",
                           true)));
  EXPECT_TRUE(finding.fraud_confirmed);
}

TEST(FactsDecisionTest, ProjectMatters) {
  const std::string e = "91410700MA46B7HW2D";
  auto enrolment = As<Enrollment>(
      EventFromForm("decision", Decision("<enrolment><batch>第一批</batch></enrolment>")));
  EXPECT_EQ(enrolment.enterprise_code, e);
  EXPECT_EQ(enrolment.enterprise_name, "新乡市豫飞起重设备有限公司");
  EXPECT_EQ(enrolment.sub_industry, "起重装备");
  EXPECT_EQ(enrolment.scale, Scale::kAboveDesignatedSize);
  auto review = As<PlanExpertReview>(EventFromForm(
      "decision", Decision("<planExpertReview><plan>PLN-2026-0001</plan><planHash>" + kSha +
                               "</planHash><passed>true</passed></planExpertReview>",
                           false, "expert")));
  EXPECT_EQ(review.plan_hash, kSha);
  EXPECT_TRUE(review.passed);
  auto payment = As<PaymentRecord>(EventFromForm(
      "decision", Decision("<payment><provider><name>服务商</name><creditCode>91410700MA45KJ2R7F"
                           "</creditCode></provider><paidOn>2026-04-12</paidOn><amount>261000.50"
                           "</amount><voucher>回单</voucher></payment>",
                           false, "enterprise")));
  EXPECT_EQ(payment.date, D(2026, 4, 12));  // the day paid, not the record's date
  EXPECT_EQ(payment.amount, 26100050);
  EXPECT_EQ(payment.enterprise_code, e);
  auto change = As<ChangeDecision>(EventFromForm(
      "decision", Decision("<changeDecision><change>CHG-2026-0001</change><approved>true"
                           "</approved></changeDecision>")));
  EXPECT_EQ(change.change_id, "CHG-2026-0001");
  EXPECT_TRUE(change.approved);
  auto rectification = As<ProjectRectification>(EventFromForm(
      "decision", Decision("<projectRectification><conclusion>ACC-2026-0004</conclusion><measure>"
                           "改。</measure></projectRectification>",
                           false, "enterprise")));
  EXPECT_EQ(rectification.enterprise_code, e);
  auto closure = As<ProjectClosure>(EventFromForm(
      "decision", Decision("<closure><modelEnterprise>true</modelEnterprise></closure>")));
  EXPECT_EQ(closure.document_id, "DEC-2026-0031");
}

// Every engine event except DeadlinePassed is carried by some form.
TEST(FactsDecisionTest, EveryEventIsCarriedBySomeForm) {
  std::set<std::size_t> carried;
  for (const char* type :
       {"application", "diagnostic-report", "transformation-plan", "change-filing", "contract",
        "progress-report", "acceptance-application", "acceptance-conclusion", "notice",
        "satisfaction", "appeal", "report", "decision"}) {
    carried.insert(EventFromForm(type, Example(type), kSha).index());
  }
  const std::string notice = Example("notice");
  const std::string warning_part = notice.substr(
      notice.find("  <warning>"), notice.find("</warning>") + 11 - notice.find("  <warning>"));
  carried.insert(EventFromForm("notice", Replace(notice, warning_part,
                                                 "<listing><batch>一</batch><objectionPeriod>"
                                                 "<start>2026-03-02</start><end>2026-03-08</end>"
                                                 "</objectionPeriod><objectionContact><name>赵"
                                                 "</name><phone>0373-3038216</phone>"
                                                 "</objectionContact></listing>"))
                     .index());
  carried.insert(EventFromForm("notice", Replace(notice, warning_part,
                                                 "<rating><round>一</round><ratingDate>2026-04-30"
                                                 "</ratingDate><method>法</method></rating>"))
                     .index());
  carried.insert(EventFromForm("notice", Replace(notice, warning_part,
                                                 "<disqualification><ground>5</ground><facts>查"
                                                 "</facts><fees>paid</fees></disqualification>"))
                     .index());
  const std::vector<std::pair<std::string, bool>> kinds = {
      {"<countyRecommendation><recommended>true</recommended></countyRecommendation>", true},
      {"<expertReview><passed>true</passed></expertReview>", true},
      {"<meetingDecision><meeting>会</meeting><approved>true</approved></meetingDecision>", true},
      {"<objectionDecision><objection>异</objection><upheld>true</upheld></objectionDecision>",
       true},
      {"<detailsChange><detail>name</detail><newValue>新</newValue><changedOn>2026-04-01"
       "</changedOn></detailsChange>",
       true},
      {"<materialsSubmission><requested>台账</requested><dueOn>2026-04-10</dueOn><complete>true"
       "</complete></materialsSubmission>",
       true},
      {"<rectification><warning>NTC-2026-0012</warning><measure>改</measure></rectification>",
       true},
      {"<appealDecision><appeal>APL-2026-0003</appeal><upheld>true</upheld></appealDecision>",
       true},
      {"<reportResponse><report>RPT-2026-0002</report></reportResponse>", true},
      {"<reportFinding><report>RPT-2026-0002</report><fraudConfirmed>false</fraudConfirmed>"
       "</reportFinding>",
       true},
      {"<enrolment><batch>一</batch></enrolment>", false},
      {"<planExpertReview><plan>PLN-2026-0001</plan><planHash>" + kSha +
           "</planHash><passed>true</passed></planExpertReview>",
       false},
      {"<payment><provider><name>服务商</name><creditCode>91410700MA45KJ2R7F</creditCode>"
       "</provider><paidOn>2026-04-12</paidOn><amount>1.00</amount><voucher>回单</voucher>"
       "</payment>",
       false},
      {"<changeDecision><change>CHG-2026-0001</change><approved>true</approved></changeDecision>",
       false},
      {"<projectRectification><conclusion>ACC-2026-0004</conclusion><measure>改</measure>"
       "</projectRectification>",
       false},
      {"<closure><modelEnterprise>false</modelEnterprise></closure>", false},
  };
  for (const auto& [kind, provider] : kinds) {
    carried.insert(EventFromForm("decision", Decision(kind, provider)).index());
  }
  EXPECT_EQ(DecisionKinds().size(), 17u);
  for (std::size_t i = 0; i + 1 < std::variant_size_v<Event>; ++i) {
    EXPECT_EQ(carried.count(i), 1u) << "no form carries event alternative " << i;
  }
  EXPECT_EQ(carried.count(std::variant_size_v<Event> - 1), 0u);  // DeadlinePassed: the clock
}

// ---- errors ----

TEST(FactsErrorTest, MissingElementIsNamedByItsPath) {
  FactsError e =
      ErrorOf("contract", Replace(Example("contract"), "<signedOn>2026-04-15</signedOn>", ""));
  EXPECT_EQ(e.code, FactsErrorCode::kMissingField);
  EXPECT_EQ(e.element, "contract/signedOn");
  EXPECT_NE(e.message_zh.find("signedOn"), std::string::npos);
  EXPECT_NE(std::string(e.what()).find("contract/signedOn"), std::string::npos);

  FactsError code =
      ErrorOf("satisfaction",
              Replace(Example("satisfaction"), "<creditCode>91410700MA9F3K2L1U</creditCode>", ""));
  EXPECT_EQ(code.element, "satisfaction/provider/creditCode");

  FactsError attribute =
      ErrorOf("decision", Replace(Example("decision"), " kind=\"enterprise\"", ""));
  EXPECT_EQ(attribute.element, "decision/subject/@kind");
}

TEST(FactsErrorTest, UnmappableValuesAreNamed) {
  FactsError date =
      ErrorOf("contract", Replace(Example("contract"), "<signedOn>2026-04-15</signedOn>",
                                  "<signedOn>2026-02-30</signedOn>"));
  EXPECT_EQ(date.code, FactsErrorCode::kBadField);
  EXPECT_EQ(date.element, "contract/signedOn");

  FactsError amount = ErrorOf(
      "contract",
      Replace(Example("contract"), "<amount>1286000.00</amount>", "<amount>1,286,000</amount>"));
  EXPECT_EQ(amount.element, "contract/amount");

  FactsError ground =
      ErrorOf("appeal", Replace(Example("appeal"), "<ground>unsatisfied-rating</ground>",
                                "<ground>bad-mood</ground>"));
  EXPECT_EQ(ground.element, "appeal/ground");

  FactsError overall = ErrorOf(
      "satisfaction",
      Replace(Example("satisfaction"), "<overall>不满意</overall>", "<overall>还行</overall>"));
  EXPECT_EQ(overall.element, "satisfaction/overall");

  FactsError flag = ErrorOf("decision", Replace(Example("decision"), "<approved>true</approved>",
                                                "<approved>yes</approved>"));
  EXPECT_EQ(flag.element, "decision/planDecision/approved");

  FactsError mismatch =
      ErrorOf("decision", Decision("<enrolment><batch>一</batch></enrolment>", true));
  EXPECT_EQ(mismatch.element, "decision/subject/@kind");
}

TEST(FactsErrorTest, MalformedWrongRootUnknownTypeAndDoctype) {
  EXPECT_EQ(ErrorOf("contract", "<contract id=").code, FactsErrorCode::kMalformed);
  FactsError root = ErrorOf("contract", Example("appeal"));
  EXPECT_EQ(root.code, FactsErrorCode::kMalformed);
  EXPECT_EQ(ErrorOf("invoice", "<invoice/>").code, FactsErrorCode::kUnknownForm);
  FactsError doctype = ErrorOf(
      "report", "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaa\">]><report>&a;</report>");
  EXPECT_EQ(doctype.code, FactsErrorCode::kMalformed);
  EXPECT_EQ(ErrorOf("report", std::string(17u << 20, ' ')).code, FactsErrorCode::kMalformed);
}

// ---- signatures and parties ----

TEST(FormFactsTest, SignaturesPartiesAndSubmitters) {
  FormFacts contract = ReadFormFacts("contract", Example("contract"));
  ASSERT_EQ(contract.signatures.size(), 2u);
  EXPECT_EQ(contract.signatures[0].field_name, "enterprise");
  EXPECT_EQ(contract.signatures[0].org_code, "91410700MA9GQ3TX22");
  EXPECT_EQ(contract.signatures[1].field_name, "provider");
  EXPECT_EQ(contract.signatures[1].org_code, "91410700MA45KJ2R7F");
  EXPECT_EQ(contract.submitter_roles, (std::vector<std::string>{"enterprise", "provider"}));
  EXPECT_EQ(contract.party_kind, "enterprise");
  EXPECT_EQ(contract.party_code, "91410700MA9GQ3TX22");
  EXPECT_EQ(contract.document_id, "CON-2026-0001");

  FormFacts conclusion = ReadFormFacts("acceptance-conclusion", Example("acceptance-conclusion"));
  ASSERT_EQ(conclusion.signatures.size(), 2u);
  EXPECT_EQ(conclusion.signatures[0].field_name, "agency");
  EXPECT_EQ(conclusion.signatures[0].role, "acceptance-agency");
  EXPECT_EQ(conclusion.signatures[0].org_code, "12410700MA40JXK24Y");
  EXPECT_EQ(conclusion.signatures[1].role, "bureau");

  FormFacts report = ReadFormFacts("report", Example("report"));
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_EQ(report.signatures[0].role, "public");
  EXPECT_EQ(report.signatures[0].org_code, "41070219850312451X");
  EXPECT_EQ(report.party_kind, "provider");

  // A decision is filed under its subject, of either kind; the issuer signs in its role's block.
  FormFacts plan = ReadFormFacts("decision", Example("decision"));
  EXPECT_EQ(plan.party_kind, "enterprise");
  EXPECT_EQ(plan.party_code, "91410700MA46B7HW2D");
  ASSERT_EQ(plan.signatures.size(), 1u);
  EXPECT_EQ(plan.signatures[0].field_name, "bureau");
  EXPECT_EQ(plan.signatures[0].org_code, "11410700005264830Y");
  FormFacts county = ReadFormFacts(
      "decision",
      Decision("<countyRecommendation><recommended>true</recommended></countyRecommendation>", true,
               "county"));
  EXPECT_EQ(county.party_kind, "provider");
  EXPECT_EQ(county.party_code, "91410700MA45KJ2R7F");
  EXPECT_EQ(county.signatures[0].field_name, "county");
  EXPECT_EQ(county.submitter_roles, (std::vector<std::string>{"county"}));
}

// ---- references resolved against the engine ----

class ResolveTest : public testing::WorkflowFixture {};

TEST_F(ResolveTest, AnAppealOnARatingContestsTheWarningThatRatingCaused) {
  ListProvider();
  Warn("NTC-W1", D(2026, 3, 2), 4, "SAT-2026-0007");
  Warn("NTC-W2", D(2026, 3, 3), 3, "OTHER");
  Event event = AppealFiling{.document_id = "APL-1",
                             .date = D(2026, 3, 6),
                             .provider_code = testing::kProvider,
                             .ground = AppealGround::kUnsatisfiedRating,
                             .contested_warning_id = "SAT-2026-0007"};
  ResolveReferences(engine_, event);
  EXPECT_EQ(std::get<AppealFiling>(event).contested_warning_id, "NTC-W1");
  // A warning id stays as it is; an unknown id too (the engine refuses it, citing Art. 17).
  Event direct = AppealFiling{.document_id = "APL-2",
                              .provider_code = testing::kProvider,
                              .contested_warning_id = "NTC-W2"};
  ResolveReferences(engine_, direct);
  EXPECT_EQ(std::get<AppealFiling>(direct).contested_warning_id, "NTC-W2");
  Event unknown = AppealFiling{.document_id = "APL-3",
                               .provider_code = testing::kProvider,
                               .contested_warning_id = "SAT-NONE"};
  ResolveReferences(engine_, unknown);
  EXPECT_EQ(std::get<AppealFiling>(unknown).contested_warning_id, "SAT-NONE");
}

}  // namespace
}  // namespace sealflow::workflow
