// Copyright sealflow authors.
// One test per rule of the measures the engine enforces: each refusal names its article in
// Chinese and English and leaves the state unchanged; each warning ground raises a proposal.
// Plus the pure rules: change classification, star-rating thresholds at their edges, the first
// rating's due month, dates and money.
#include "workflow/rules.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "workflow/lifecycle.h"
#include "workflow_fixture.h"

namespace sealflow::workflow {
namespace {

using namespace sealflow::workflow::testing;
using std::chrono::days;

class RulesTest : public WorkflowFixture {
 protected:
  void SetUp() override { ListProvider(); }
};

// ---- Art. 10 / Art. 3: selection and category management ----------------------------------

TEST_F(RulesTest, Art10_3_ApplicationWithoutCaseInSubIndustryRefused) {
  ExpectRefused(ProviderApplication{.document_id = "APP-X",
                                    .date = D(2026, 2, 20),
                                    .provider_code = kProvider2,
                                    .sub_industries = {"起重装备", "汽车零部件"},
                                    .case_sub_industries = {"起重装备"},
                                    .declarations_affirmed = true},
                D(2026, 2, 20), article::kArt10_3);
}

TEST_F(RulesTest, Art10_2_ApplicationWithoutDeclarationsRefused) {
  ExpectRefused(ProviderApplication{.document_id = "APP-X",
                                    .date = D(2026, 2, 20),
                                    .provider_code = kProvider2,
                                    .sub_industries = {"起重装备"},
                                    .case_sub_industries = {"起重装备"},
                                    .declarations_affirmed = false},
                D(2026, 2, 20), article::kArt10_2);
}

TEST_F(RulesTest, Art3_ProviderNotListedForTheSubIndustryRefused) {
  Must(Enrollment{"ENR-2", D(2026, 2, 1), kEnterprise2, "企业", "汽车零部件",
                  Scale::kBelowDesignatedSize},
       D(2026, 2, 1));
  ExpectRefused(DiagnosticReport{"DIA-2", D(2026, 3, 1), kEnterprise2, kProvider, true},
                D(2026, 3, 1), article::kArt3);
}

TEST_F(RulesTest, Art2_UnknownProviderRefused) {
  Enroll();
  ExpectRefused(DiagnosticReport{"DIA-2", D(2026, 3, 1), kEnterprise, kProvider2, true},
                D(2026, 3, 1), article::kArt2);
}

TEST_F(RulesTest, Art12_1_DiagnosisNeedsEnterpriseConfirmation) {
  Enroll();
  ExpectRefused(DiagnosticReport{"DIA-1", D(2026, 3, 1), kEnterprise, kProvider, false},
                D(2026, 3, 1), article::kArt12_1);
}

TEST_F(RulesTest, Art7_CostSplitMustAddUpWithEveryPartyContributing) {
  Enroll();
  Must(DiagnosticReport{"DIA-1", D(2026, 3, 1), kEnterprise, kProvider, true}, D(2026, 3, 1));
  PlanFiling plan = ExamplePlan();
  plan.provider_concession = 0;  // 服务商让一点: missing
  plan.enterprise_share = Yuan(522000);
  ExpectRefused(plan, D(2026, 4, 8), article::kArt7);
  plan = ExamplePlan();
  plan.government_subsidy += 1;  // off by one fen
  ExpectRefused(plan, D(2026, 4, 8), article::kArt7);
  Must(ExamplePlan(), D(2026, 4, 8));
}

// ---- Art. 11 --------------------------------------------------------------------------------

TEST_F(RulesTest, Art11_PaymentBeforeSignedContractRefused) {
  ApproveProject();
  ExpectRefused(PaymentRecord{"PAY-1", D(2026, 4, 12), kEnterprise, Yuan(100000)}, D(2026, 4, 12),
                article::kArt11);
}

TEST_F(RulesTest, Art11_PaymentDatedBeforeTheContractRefused) {
  ContractProject();  // signed 2026-04-15
  ExpectRefused(PaymentRecord{"PAY-1", D(2026, 4, 14), kEnterprise, Yuan(100000)}, D(2026, 4, 20),
                article::kArt11);
  Must(PaymentRecord{"PAY-2", D(2026, 4, 15), kEnterprise, Yuan(100000)}, D(2026, 4, 20));
}

TEST_F(RulesTest, Art11_PaymentsBeyondTheContractAmountRefused) {
  ContractProject();
  Must(PaymentRecord{"PAY-1", D(2026, 4, 15), kEnterprise, Yuan(870000) - 1}, D(2026, 4, 20));
  Must(PaymentRecord{"PAY-2", D(2026, 4, 16), kEnterprise, 1}, D(2026, 4, 20));
  ExpectRefused(PaymentRecord{"PAY-3", D(2026, 4, 17), kEnterprise, 1}, D(2026, 4, 20),
                article::kArt11);
}

TEST_F(RulesTest, Art11_DeclaredSubcontractingRefused) {
  ApproveProject();
  ContractSigning contract = ExampleContract();
  contract.declares_subcontracting = true;
  ExpectRefused(contract, D(2026, 4, 15), article::kArt11);
  contract = ExampleContract();
  contract.no_subcontracting_affirmed = false;
  ExpectRefused(contract, D(2026, 4, 15), article::kArt11);
  EXPECT_EQ(project().state, ProjectState::kApproved);
}

// ---- Art. 12(2)–(3) -------------------------------------------------------------------------

TEST_F(RulesTest, Art12_3_ContractBeforeApprovalRefused) {
  Enroll();
  Must(DiagnosticReport{"DIA-1", D(2026, 3, 1), kEnterprise, kProvider, true}, D(2026, 3, 1));
  Must(ExamplePlan(), D(2026, 4, 8));
  ExpectRefused(ExampleContract(), D(2026, 4, 9), article::kArt12_3);
}

TEST_F(RulesTest, Art12_3_ContractForAPlanOtherThanTheApprovedOneRefused) {
  ApproveProject();
  ContractSigning contract = ExampleContract();
  contract.plan_hash = std::string(64, 'a');
  ExpectRefused(contract, D(2026, 4, 15), article::kArt12_3);
  contract = ExampleContract();
  contract.scenes.pop_back();  // drops a scenario of the approved plan
  ExpectRefused(contract, D(2026, 4, 15), article::kArt12_3);
  contract = ExampleContract();
  contract.amount = Yuan(870000) + 1;
  ExpectRefused(contract, D(2026, 4, 15), article::kArt12_3);
  contract = ExampleContract();
  contract.date = D(2026, 4, 9);  // before the approval of 2026-04-10
  ExpectRefused(contract, D(2026, 4, 15), article::kArt12_3);
}

TEST_F(RulesTest, Art12_2_ApprovalOnlyAfterExpertReview) {
  Enroll();
  Must(DiagnosticReport{"DIA-1", D(2026, 3, 1), kEnterprise, kProvider, true}, D(2026, 3, 1));
  Must(ExamplePlan(), D(2026, 4, 8));
  ExpectRefused(PlanDecision{"PDC-1", D(2026, 4, 10), kEnterprise, kPlanHash, true}, D(2026, 4, 10),
                article::kArt12_2);
}

TEST_F(RulesTest, Art12_2_ReturnedPlanMayBeFiledAgain) {
  Enroll();
  Must(DiagnosticReport{"DIA-1", D(2026, 3, 1), kEnterprise, kProvider, true}, D(2026, 3, 1));
  Must(ExamplePlan(), D(2026, 4, 8));
  Must(PlanExpertReview{"PEX-1", D(2026, 4, 9), kEnterprise, kPlanHash, true}, D(2026, 4, 9));
  EXPECT_EQ(
      Must(PlanDecision{"PDC-1", D(2026, 4, 10), kEnterprise, kPlanHash, false}, D(2026, 4, 10))
          .new_state,
      "returned");
  ExpectRefused(ExampleContract(), D(2026, 4, 15), article::kArt12_3);
  Must(ExamplePlan(), D(2026, 4, 20));
}

TEST_F(RulesTest, Art12_3_ProgressReportBeforeApprovalRefused) {
  Enroll();
  Must(DiagnosticReport{"DIA-1", D(2026, 3, 1), kEnterprise, kProvider, true}, D(2026, 3, 1));
  ExpectRefused(ProgressReport{"PRG-1", D(2026, 4, 1), kEnterprise, kProvider, D(2026, 3, 1), {}},
                D(2026, 4, 1), article::kArt12_3);
}

TEST_F(RulesTest, Art12_3_ChangeRaisingInvestmentGoesBackToReviewUntilReapproved) {
  ContractProject();
  const Decision filed = Must(ChangeFiling{.document_id = "CHG-2026-0001",
                                           .date = D(2026, 6, 12),
                                           .enterprise_code = kEnterprise,
                                           .previous_total = Yuan(870000),
                                           .new_total = Yuan(936500),
                                           .scenes_added = {"equipment"},
                                           .declared_requires_review = true,
                                           .new_plan_hash = std::string(64, 'b')},
                              D(2026, 6, 12));
  EXPECT_EQ(filed.article_zh, "第十二条（三）");
  EXPECT_EQ(filed.new_state, "change-under-review");
  EXPECT_EQ(project().approved_total, Yuan(870000));
  // Until re-approved: no implementation, no acceptance, no second change.
  ExpectRefused(ProgressReport{"PRG-1", D(2026, 7, 3), kEnterprise, kProvider, D(2026, 6, 1), {}},
                D(2026, 7, 3), article::kArt12_3);
  ExpectRefused(AcceptanceApplication{"ACA-1", D(2026, 7, 3), kEnterprise, 2026, 1}, D(2026, 7, 3),
                article::kArt12_3);
  ExpectRefused(ChangeFiling{.document_id = "CHG-2",
                             .date = D(2026, 6, 13),
                             .enterprise_code = kEnterprise,
                             .previous_total = Yuan(870000),
                             .new_total = Yuan(800000)},
                D(2026, 6, 13), article::kArt12_3);
  const Decision reapproved = Must(
      ChangeDecision{"CHD-1", D(2026, 6, 20), kEnterprise, "CHG-2026-0001", true}, D(2026, 6, 20));
  EXPECT_EQ(reapproved.new_state, "contracted");
  EXPECT_EQ(project().approved_total, Yuan(936500));
  EXPECT_EQ(project().approved_plan_hash, std::string(64, 'b'));
  EXPECT_EQ(project().approved_scenes.size(), 6u);
  Must(ProgressReport{"PRG-1", D(2026, 7, 3), kEnterprise, kProvider, D(2026, 6, 1), {}},
       D(2026, 7, 3));
}

TEST_F(RulesTest, Art12_3_ChangeRemovingAScenarioNeedsReviewEvenIfCheaper) {
  ContractProject();
  Must(ProgressReport{"PRG-1", D(2026, 5, 3), kEnterprise, kProvider, D(2026, 4, 20), {}},
       D(2026, 5, 3));
  const Decision filed = Must(ChangeFiling{.document_id = "CHG-1",
                                           .date = D(2026, 6, 1),
                                           .enterprise_code = kEnterprise,
                                           .previous_total = Yuan(870000),
                                           .new_total = Yuan(800000),
                                           .scenes_removed = {"energy"},
                                           .declared_requires_review = false},
                              D(2026, 6, 1));
  EXPECT_EQ(filed.new_state, "change-under-review");
  EXPECT_NE(filed.message_en.find("overridden"), std::string::npos);
  // Not re-approved: the approved plan stands and implementation resumes.
  const Decision refused =
      Must(ChangeDecision{"CHD-1", D(2026, 6, 10), kEnterprise, "CHG-1", false}, D(2026, 6, 10));
  EXPECT_EQ(refused.new_state, "implementing");
  EXPECT_EQ(project().approved_total, Yuan(870000));
  EXPECT_EQ(project().approved_scenes.size(), 5u);
}

TEST_F(RulesTest, Art12_3_ChangeLoweringAmountAndKeepingScenesRecordedWithoutReview) {
  ContractProject();
  const Decision d = Must(ChangeFiling{.document_id = "CHG-1",
                                       .date = D(2026, 6, 1),
                                       .enterprise_code = kEnterprise,
                                       .previous_total = Yuan(870000),
                                       .new_total = Yuan(860000),
                                       .declared_requires_review = false},
                          D(2026, 6, 1));
  EXPECT_EQ(d.new_state, "contracted");
  EXPECT_EQ(d.article_en, "Art. 12(3)");
  EXPECT_EQ(project().approved_total, Yuan(860000));
  EXPECT_EQ(project().changes_recorded, std::vector<std::string>{"CHG-1"});
  // A filing against a stale total is refused.
  ExpectRefused(ChangeFiling{.document_id = "CHG-2",
                             .date = D(2026, 6, 2),
                             .enterprise_code = kEnterprise,
                             .previous_total = Yuan(870000),
                             .new_total = Yuan(850000)},
                D(2026, 6, 2), article::kArt12_3);
}

TEST(RulesChange, AssessChangeAtTheEdges) {
  EXPECT_FALSE(AssessChange(Yuan(870000), Yuan(870000), 0).requires_review);
  EXPECT_TRUE(AssessChange(Yuan(870000), Yuan(870000) + 1, 0).raises_investment);
  EXPECT_TRUE(AssessChange(Yuan(870000), Yuan(870000) + 1, 0).requires_review);
  EXPECT_FALSE(AssessChange(Yuan(870000), Yuan(870000) - 1, 0).requires_review);
  EXPECT_TRUE(AssessChange(Yuan(870000), Yuan(100), 1).removes_scenes);
  EXPECT_TRUE(AssessChange(Yuan(870000), Yuan(100), 1).requires_review);
}

// ---- Art. 15: warning proposals -------------------------------------------------------------

TEST_F(RulesTest, Art15_4_ImplementingBeforeFilingApprovedRaisesWarningProposal) {
  ContractProject();  // approved 2026-04-10
  const Decision d = Must(
      ProgressReport{"PRG-1", D(2026, 5, 3), kEnterprise, kProvider, D(2026, 4, 20), D(2026, 4, 2)},
      D(2026, 5, 3));
  EXPECT_TRUE(HasRaised(d, RaisedKind::kWarningProposal, article::kArt15_4));
  EXPECT_EQ(d.raised.at(0).provider_code, kProvider);
  EXPECT_EQ(project().flags.at(0).code, "implemented-before-filing");
  // Raised once, not on every later report.
  EXPECT_TRUE(
      Must(ProgressReport{"PRG-2", D(2026, 6, 3), kEnterprise, kProvider, D(2026, 4, 1), {}},
           D(2026, 6, 3))
          .raised.empty());
}

TEST_F(RulesTest, Art15_4_DissatisfiedAfterPassingAcceptanceRaisesWarningProposal) {
  AcceptProject();
  ExpectRefused(SatisfactionEvaluation{"SAT-X", D(2026, 12, 1), kEnterprise, kProvider2,
                                       Satisfaction::kDissatisfied},
                D(2026, 12, 1), article::kArt12_4);
  const Decision d = Must(SatisfactionEvaluation{"SAT-2026-0007", D(2026, 12, 1), kEnterprise,
                                                 kProvider, Satisfaction::kDissatisfied},
                          D(2026, 12, 1));
  EXPECT_TRUE(HasRaised(d, RaisedKind::kWarningProposal, article::kArt15_4));
  EXPECT_NE(d.raised.at(0).message_zh.find("不满意"), std::string::npos);
}

TEST_F(RulesTest, Art15_4_SatisfactionBeforeAcceptanceRefused) {
  ContractProject();
  ExpectRefused(SatisfactionEvaluation{"SAT-1", D(2026, 6, 1), kEnterprise, kProvider,
                                       Satisfaction::kDissatisfied},
                D(2026, 6, 1), article::kArt12_4);
}

TEST_F(RulesTest, Art15_3_LateOrIncompleteMaterialsRaiseWarningProposal) {
  const Decision on_time = Must(
      MaterialsSubmission{"MAT-1", D(2026, 3, 1), kProvider, D(2026, 3, 5), true}, D(2026, 3, 5));
  EXPECT_TRUE(on_time.raised.empty());
  const Decision late = Must(
      MaterialsSubmission{"MAT-2", D(2026, 3, 1), kProvider, D(2026, 3, 5), true}, D(2026, 3, 6));
  EXPECT_TRUE(HasRaised(late, RaisedKind::kWarningProposal, article::kArt15_3));
  const Decision incomplete = Must(
      MaterialsSubmission{"MAT-3", D(2026, 3, 1), kProvider, D(2026, 3, 5), false}, D(2026, 3, 2));
  EXPECT_TRUE(HasRaised(incomplete, RaisedKind::kWarningProposal, article::kArt15_3));
}

TEST_F(RulesTest, Art15_1_UnreportedMajorChangeOfProviderDetailsRaisesWarningProposal) {
  const Decision timely =
      Must(ProviderDetailsChange{"CHGP-1", D(2026, 3, 1), kProvider, ProviderDetail::kAddress,
                                 "新地址", D(2026, 2, 1), true},
           D(2026, 3, 3));  // 30 days after the change
  EXPECT_TRUE(timely.raised.empty());
  EXPECT_EQ(provider().address, "新地址");
  const Decision late =
      Must(ProviderDetailsChange{"CHGP-2", D(2026, 3, 1), kProvider, ProviderDetail::kCapital,
                                 "5000.00", D(2026, 2, 1), true},
           D(2026, 3, 4));  // 31 days
  EXPECT_TRUE(HasRaised(late, RaisedKind::kWarningProposal, article::kArt15_1));
  const Decision found = Must(
      ProviderDetailsChange{"CHGP-3", D(2026, 3, 1), kProvider,
                            ProviderDetail::kLegalRepresentative, "李四", D(2026, 2, 25), false},
      D(2026, 3, 1));
  EXPECT_TRUE(HasRaised(found, RaisedKind::kWarningProposal, article::kArt15_1));
}

TEST_F(RulesTest, Art15_WarningCarriesARectificationDeadline) {
  const Decision d =
      Must(WarningNotice{"W1", D(2026, 3, 2), kProvider, 4, "SAT-1", {}}, D(2026, 3, 2));
  EXPECT_EQ(d.article_zh, "第十五条（四）");
  EXPECT_EQ(provider().warnings.at(0).rectification_deadline, D(2026, 4, 1));  // default 30
  EXPECT_EQ(provider().state, ProviderState::kWarned);
  ExpectRefused(WarningNotice{"W2", D(2026, 3, 2), kProvider, 3, "X", D(2026, 3, 1)}, D(2026, 3, 2),
                article::kArt15);
  ExpectRefused(WarningNotice{"W3", D(2026, 3, 2), kProvider, 7, "X", {}}, D(2026, 3, 2),
                article::kArt15);
}

// ---- Art. 16 --------------------------------------------------------------------------------

TEST_F(RulesTest, Art16_1_SecondWarningOpensDisqualification) {
  const Decision first = Warn("W1", D(2026, 3, 2));
  EXPECT_FALSE(HasRaised(first, RaisedKind::kDisqualificationOpened, article::kArt16_1));
  Must(RectificationReport{"R1", D(2026, 3, 20), kProvider, "W1"}, D(2026, 3, 20));
  // A rectified warning still counts: "受到警告2次及以上的".
  const Decision second = Warn("W2", D(2026, 4, 2), 2);
  EXPECT_TRUE(HasRaised(second, RaisedKind::kDisqualificationOpened, article::kArt16_1));
  ASSERT_TRUE(provider().disqualification_open);
  EXPECT_EQ(provider().disqualification_open->article_zh, "第十六条（一）");
  const Decision d =
      Must(DisqualificationDecision{"DQ-1", D(2026, 4, 20), kProvider, 1}, D(2026, 4, 20));
  EXPECT_EQ(d.article_en, "Art. 16(1)");
  EXPECT_EQ(d.new_state, "disqualified");
}

TEST_F(RulesTest, Art16_DisqualificationOnARecordGroundNeedsAnOpenCase) {
  Warn("W1", D(2026, 3, 2));
  ExpectRefused(DisqualificationDecision{"DQ-1", D(2026, 3, 3), kProvider, 1}, D(2026, 3, 3),
                article::kArt16_1);
  ExpectRefused(DisqualificationDecision{"DQ-2", D(2026, 3, 3), kProvider, 2}, D(2026, 3, 3),
                article::Art16Item(2));
  // Verified violations (item 5) are the bureau's own finding.
  Must(DisqualificationDecision{"DQ-3", D(2026, 3, 3), kProvider, 5}, D(2026, 3, 3));
  ExpectRefused(WarningNotice{"W2", D(2026, 3, 4), kProvider, 3, "X", {}}, D(2026, 3, 4),
                article::kArt16);
}

// ---- Art. 17 --------------------------------------------------------------------------------

TEST_F(RulesTest, Art17_AppealAfterTheWindowRefused) {
  Warn("W1", D(2026, 3, 2));  // window: 15 days, to 2026-03-17
  ExpectRefused(AppealFiling{.document_id = "APL-1",
                             .date = D(2026, 3, 16),  // the document's own date is not used
                             .provider_code = kProvider,
                             .ground = AppealGround::kEnterpriseDelay,
                             .contested_warning_id = "W1"},
                D(2026, 3, 18), article::kArt17);
  Must(AppealFiling{.document_id = "APL-2",
                    .date = D(2026, 3, 17),
                    .provider_code = kProvider,
                    .ground = AppealGround::kEnterpriseDelay,
                    .contested_warning_id = "W1"},
       D(2026, 3, 17));
}

TEST_F(RulesTest, Art17_AppealNeedsMatterReasonPurposeAndEvidence) {
  Warn("W1", D(2026, 3, 2));
  ExpectRefused(AppealFiling{.document_id = "APL-1",
                             .date = D(2026, 3, 5),
                             .provider_code = kProvider,
                             .ground = AppealGround::kForceMajeure,
                             .contested_warning_id = "W1",
                             .has_evidence = false},
                D(2026, 3, 5), article::kArt17);
}

TEST_F(RulesTest, Art17_UnsatisfiedRatingGroundOnlyAgainstARatingWarning) {
  Warn("W1", D(2026, 3, 2), 3, "MAT-1");
  ExpectRefused(AppealFiling{.document_id = "APL-1",
                             .date = D(2026, 3, 5),
                             .provider_code = kProvider,
                             .ground = AppealGround::kUnsatisfiedRating,
                             .contested_warning_id = "W1"},
                D(2026, 3, 5), article::kArt17);
}

// ---- Art. 18 --------------------------------------------------------------------------------

TEST_F(RulesTest, Art18_ReportMustBeRealNameWithEvidence) {
  ExpectRefused(RealNameReport{"RPT-1", D(2026, 3, 3), kProvider, "", "", "13782561479", true},
                D(2026, 3, 3), article::kArt18);
  ExpectRefused(RealNameReport{"RPT-2", D(2026, 3, 3), kProvider, "陈国栋", "41070219850312451X",
                               "13782561479", false},
                D(2026, 3, 3), article::kArt18);
}

TEST_F(RulesTest, Art18_LateResponseRefusedAndTheDeadlineRemovesProvider) {
  Must(RealNameReport{"RPT-1", D(2026, 3, 3), kProvider, "陈国栋", "41070219850312451X",
                      "13782561479", true},
       D(2026, 3, 3));  // respond by 2026-03-13
  ExpectRefused(ReportResponse{"RSP-1", D(2026, 3, 13), kProvider, "RPT-1"}, D(2026, 3, 14),
                article::kArt18);
  const auto fired = engine_.Tick(D(2026, 3, 14));
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].new_state, "removed-from-pool");
}

// ---- Art. 14 --------------------------------------------------------------------------------

TEST_F(RulesTest, Art14_RatingBeforeTheThirdMonthAfterFirstNoticeRefused) {
  // ListProvider's notice is dated 2026-01-15: the first rating falls in April 2026.
  ExpectRefused(RatingNotice{"RATE-1", D(2026, 3, 31), "2026-Q1"}, D(2026, 3, 31), article::kArt14);
  Must(RatingNotice{"RATE-1", D(2026, 4, 1), "2026-Q1"}, D(2026, 4, 1));
  EXPECT_EQ(provider().ratings.at(0).result.stars, Stars::kNone);  // nobody served yet
}

TEST_F(RulesTest, Art14_FirstRatingDueRaisedOnTheFirstDayOfTheDueMonth) {
  EXPECT_TRUE(engine_.Tick(D(2026, 3, 31)).empty());
  const auto fired = engine_.Tick(D(2026, 4, 1));
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_TRUE(HasRaised(fired[0], RaisedKind::kRatingDue, article::kArt14));
  EXPECT_NE(fired[0].raised[0].message_en.find("2026-04-01 and 2026-04-30"), std::string::npos);
}

TEST(RulesRating, FirstRatingWindowIsTheThirdCalendarMonthAfterTheNotice) {
  auto w = FirstRatingWindow(MakeDate(2026, 1, 15));
  EXPECT_EQ(w.first, MakeDate(2026, 4, 1));
  EXPECT_EQ(w.last, MakeDate(2026, 4, 30));
  w = FirstRatingWindow(MakeDate(2026, 1, 31));
  EXPECT_EQ(w.first, MakeDate(2026, 4, 1));
  w = FirstRatingWindow(MakeDate(2026, 11, 20));
  EXPECT_EQ(w.first, MakeDate(2027, 2, 1));
  EXPECT_EQ(w.last, MakeDate(2027, 2, 28));
  w = FirstRatingWindow(MakeDate(2027, 12, 1));
  EXPECT_EQ(w.last, MakeDate(2028, 3, 31));
}

RatingInputs Inputs(int served, int satisfied, int basically, int dissatisfied) {
  return RatingInputs{served, satisfied, basically, dissatisfied};
}

TEST(RulesRating, ThresholdsAreInclusiveAtTheirEdges) {
  // 9 满意 + 1 基本满意 = (900 + 60) / 10 = 96; 5 served: exactly the 3★ minimum.
  EXPECT_EQ(ComputeRating(Inputs(5, 9, 1, 0)).stars, Stars::kThree);
  EXPECT_EQ(ComputeRating(Inputs(4, 9, 1, 0)).stars, Stars::kTwo);  // one enterprise short
  // Score exactly 90: (3 × 100 + 1 × 60) / 4.
  EXPECT_EQ(ComputeRating(Inputs(5, 3, 1, 0)).score, 90);
  EXPECT_EQ(ComputeRating(Inputs(5, 3, 1, 0)).stars, Stars::kThree);
  // Score 88 = (7 × 100 + 3 × 60) / 10: below 90, so 2★ despite 5 served.
  EXPECT_EQ(ComputeRating(Inputs(5, 7, 3, 0)).score, 88);
  EXPECT_EQ(ComputeRating(Inputs(5, 7, 3, 0)).stars, Stars::kTwo);
  // 2★ edge: 3 served, score 75 = (100*3 + 0*1)/4.
  EXPECT_EQ(ComputeRating(Inputs(3, 3, 0, 1)).score, 75);
  EXPECT_EQ(ComputeRating(Inputs(3, 3, 0, 1)).stars, Stars::kTwo);
  EXPECT_EQ(ComputeRating(Inputs(2, 3, 0, 1)).stars, Stars::kOne);
  // 1★ edge: score 60 = one 基本满意.
  EXPECT_EQ(ComputeRating(Inputs(1, 0, 1, 0)).stars, Stars::kOne);
  // Below: score 50 = (100 + 0)/2.
  EXPECT_EQ(ComputeRating(Inputs(1, 1, 0, 1)).stars, Stars::kNone);
  EXPECT_EQ(ComputeRating(Inputs(0, 0, 0, 0)).stars, Stars::kNone);
}

TEST(RulesRating, WithoutEvaluationsTheRatingIsCapped) {
  const RatingResult r = ComputeRating(Inputs(8, 0, 0, 0));
  EXPECT_EQ(r.stars, Stars::kOne);
  EXPECT_FALSE(r.score);
  RatingThresholds t;
  t.cap_without_evaluations = Stars::kNone;
  EXPECT_EQ(ComputeRating(Inputs(8, 0, 0, 0), t).stars, Stars::kNone);
  t.cap_without_evaluations = Stars::kThree;
  EXPECT_EQ(ComputeRating(Inputs(8, 0, 0, 0), t).stars, Stars::kThree);
}

TEST(RulesRating, ThresholdsAreConfigurableAndExplained) {
  RatingThresholds t;
  t.three_star_min_served = 2;
  t.three_star_min_score = 100;
  const RatingResult r = ComputeRating(Inputs(2, 2, 0, 0), t);
  EXPECT_EQ(r.stars, Stars::kThree);
  EXPECT_EQ(r.explanation,
            "服务企业2家；满意度评价2份（满意2、基本满意0、不满意0）；满意度得分100；"
            "达到3星级条件：服务企业≥2家且满意度得分≥100；评定为3星级 / enterprises served 2; "
            "evaluations 2 (satisfied 2, basically satisfied 0, dissatisfied 0); score 100; "
            "meets 3 stars: served >= 2 and score >= 100; rated 3 stars");
  EXPECT_NE(ComputeRating(Inputs(0, 0, 0, 0)).explanation.find("below 1 star"), std::string::npos);
}

// ---- Dates and money ------------------------------------------------------------------------

TEST(RulesValues, ParseDateIsStrict) {
  EXPECT_EQ(ParseDate("2026-03-31"), MakeDate(2026, 3, 31));
  EXPECT_EQ(ParseDate("2028-02-29"), MakeDate(2028, 2, 29));
  EXPECT_FALSE(ParseDate("2026-02-29"));
  EXPECT_FALSE(ParseDate("2026-3-31"));
  EXPECT_FALSE(ParseDate("2026-03-31Z"));
  EXPECT_FALSE(ParseDate("2026/03/31"));
  EXPECT_EQ(FormatDate(MakeDate(2026, 3, 1)), "2026-03-01");
}

TEST(RulesValues, ParseYuanInFen) {
  EXPECT_EQ(ParseYuan("870000.00"), 87000000);
  EXPECT_EQ(ParseYuan("29800.50"), 2980050);
  EXPECT_EQ(ParseYuan("29800.5"), 2980050);
  EXPECT_EQ(ParseYuan("17999"), 1799900);
  EXPECT_FALSE(ParseYuan("-1.00"));
  EXPECT_FALSE(ParseYuan("1.005"));
  EXPECT_FALSE(ParseYuan("1e5"));
  EXPECT_FALSE(ParseYuan(""));
  EXPECT_FALSE(ParseYuan("1."));
  EXPECT_FALSE(ParseYuan("99999999999999"));
  EXPECT_EQ(FormatYuan(2980050), "29800.50");
  EXPECT_EQ(FormatYuan(-5), "-0.05");
}

TEST(RulesValues, SatisfactionNames) {
  EXPECT_EQ(ParseSatisfaction("不满意"), Satisfaction::kDissatisfied);
  EXPECT_EQ(ParseSatisfaction("基本满意"), Satisfaction::kBasicallySatisfied);
  EXPECT_FALSE(ParseSatisfaction("很满意"));
  EXPECT_STREQ(SatisfactionName(Satisfaction::kSatisfied), "满意");
}

}  // namespace
}  // namespace sealflow::workflow
