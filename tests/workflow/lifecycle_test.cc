// Copyright sealflow authors.
// The provider and project lifecycles end to end, deadlines on the injected clock, appeals,
// reports, ratings and replay (workflow/include/workflow/lifecycle.h).
#include "workflow/lifecycle.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "workflow/rules.h"
#include "workflow_fixture.h"

namespace sealflow::workflow {
namespace {

using namespace sealflow::workflow::testing;
using std::chrono::days;

class LifecycleTest : public WorkflowFixture {};

std::vector<std::string> States(const std::vector<Transition>& history) {
  std::vector<std::string> out;
  for (const auto& t : history) out.push_back(t.to);
  return out;
}

TEST_F(LifecycleTest, ProviderSelectionToListing) {
  Must(ProviderApplication{.document_id = "APP-2026-0001",
                           .date = D(2026, 2, 20),
                           .provider_code = kProvider,
                           .provider_name = "新乡市牧野智造数字科技有限公司",
                           .sub_industries = {"起重装备", "汽车零部件"},
                           .case_sub_industries = {"起重装备", "起重装备", "汽车零部件"},
                           .declarations_affirmed = true},
       D(2026, 2, 20));
  EXPECT_EQ(
      Must(CountyRecommendation{"REC-1", D(2026, 3, 1), kProvider, true}, D(2026, 3, 1)).new_state,
      "recommended");
  Must(ApplicationExpertReview{"EXP-1", D(2026, 3, 10), kProvider, true}, D(2026, 3, 10));
  Must(MeetingDecision{"MTG-1", D(2026, 3, 20), kProvider, true, {"起重装备"}}, D(2026, 3, 20));
  const Decision notice = Must(
      ListingNotice{"NTC-2026-0003", D(2026, 3, 25), {kProvider}, D(2026, 3, 31)}, D(2026, 3, 25));
  EXPECT_EQ(notice.new_state, "noticed");
  EXPECT_EQ(engine_.first_listing_notice(), D(2026, 3, 25));

  // The last day of the objection period is still inside it.
  EXPECT_TRUE(engine_.Tick(D(2026, 3, 31)).empty());
  EXPECT_EQ(provider().state, ProviderState::kNoticed);
  const auto fired = engine_.Tick(D(2026, 4, 1));
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_TRUE(fired[0].accepted);
  EXPECT_EQ(fired[0].article_zh, "第九条");
  EXPECT_EQ(fired[0].new_state, "listed");
  EXPECT_EQ(fired[0].document_id,
            "deadline:objection-period-end:" + std::string(kProvider) + ":NTC-2026-0003");
  EXPECT_EQ(provider().listed_on, D(2026, 4, 1));
  // Listed only for the sub-industry the meeting approved (分类管理).
  EXPECT_EQ(provider().sub_industries_listed, std::vector<std::string>{"起重装备"});
  EXPECT_EQ(States(provider().history),
            (std::vector<std::string>{"applied", "recommended", "expert-reviewed", "decided",
                                      "noticed", "listed"}));
  EXPECT_EQ(provider().history[4].document_id, "NTC-2026-0003");
}

TEST_F(LifecycleTest, ProviderRejectedAtCountyOrByObjection) {
  Must(ProviderApplication{.document_id = "APP-1",
                           .date = D(2025, 12, 1),
                           .provider_code = kProvider2,
                           .sub_industries = {kSubIndustry},
                           .case_sub_industries = {kSubIndustry},
                           .declarations_affirmed = true},
       D(2025, 12, 1));
  EXPECT_EQ(Must(CountyRecommendation{"REC-1", D(2025, 12, 5), kProvider2, false}, D(2025, 12, 5))
                .new_state,
            "rejected");
  // Out of order: expert review of a rejected application.
  ExpectRefused(ApplicationExpertReview{"EXP-1", D(2025, 12, 6), kProvider2, true}, D(2025, 12, 6),
                article::kArt9);

  Must(ProviderApplication{.document_id = "APP-2",
                           .date = D(2025, 12, 1),
                           .provider_code = kProvider,
                           .sub_industries = {kSubIndustry},
                           .case_sub_industries = {kSubIndustry},
                           .declarations_affirmed = true},
       D(2025, 12, 1));
  Must(CountyRecommendation{"REC-2", D(2025, 12, 5), kProvider, true}, D(2025, 12, 5));
  Must(ApplicationExpertReview{"EXP-2", D(2025, 12, 6), kProvider, true}, D(2025, 12, 6));
  Must(MeetingDecision{"MTG-2", D(2025, 12, 7), kProvider, true, {}}, D(2025, 12, 7));
  Must(ListingNotice{"NTC-1", D(2026, 1, 15), {kProvider}, {}}, D(2026, 1, 15));
  // Default objection period: 5 days.
  ASSERT_EQ(provider().objection_period_end, D(2026, 1, 20));
  Must(ListingObjectionDecision{"OBJ-1", D(2026, 1, 18), kProvider, true}, D(2026, 1, 18));
  EXPECT_EQ(provider().state, ProviderState::kRejected);
  EXPECT_TRUE(engine_.Tick(D(2026, 1, 25)).empty());
  EXPECT_EQ(provider().state, ProviderState::kRejected);
}

TEST_F(LifecycleTest, ProjectEndToEnd) {
  ListProvider();
  Enroll();
  Must(DiagnosticReport{"DIA-2026-0001", D(2026, 3, 20), kEnterprise, kProvider, true},
       D(2026, 3, 20));
  Must(ExamplePlan(), D(2026, 4, 8));
  Must(PlanExpertReview{"PEX-1", D(2026, 4, 9), kEnterprise, kPlanHash, true}, D(2026, 4, 9));
  EXPECT_EQ(
      Must(PlanDecision{"PDC-1", D(2026, 4, 10), kEnterprise, kPlanHash, true}, D(2026, 4, 10))
          .new_state,
      "approved");
  EXPECT_EQ(project().approved_total, Yuan(870000));
  EXPECT_EQ(project().approved_plan_hash, kPlanHash);
  Must(ExampleContract(), D(2026, 4, 15));
  Must(PaymentRecord{"PAY-1", D(2026, 4, 15), kEnterprise, Yuan(261000)}, D(2026, 4, 16));
  const Decision progress = Must(ProgressReport{"PRG-2026-0001", D(2026, 7, 3), kEnterprise,
                                                kProvider, D(2026, 6, 1), D(2026, 6, 12)},
                                 D(2026, 7, 3));
  EXPECT_EQ(progress.new_state, "implementing");
  EXPECT_TRUE(progress.raised.empty());
  // A change lowering the amount, every scenario kept: recorded without review.
  const Decision change = Must(ChangeFiling{.document_id = "CHG-1",
                                            .date = D(2026, 8, 1),
                                            .enterprise_code = kEnterprise,
                                            .previous_total = Yuan(870000),
                                            .new_total = Yuan(850000)},
                               D(2026, 8, 1));
  EXPECT_EQ(change.new_state, "implementing");
  EXPECT_EQ(project().approved_total, Yuan(850000));
  Must(AcceptanceApplication{"ACA-1", D(2026, 11, 6), kEnterprise, 2026, 1}, D(2026, 11, 6));
  const Decision failed =
      Must(AcceptanceConclusion{"ACC-1", D(2026, 11, 27), kEnterprise, false, D(2026, 12, 31)},
           D(2026, 11, 27));
  EXPECT_EQ(failed.new_state, "rectifying");
  EXPECT_EQ(failed.article_zh, "第十二条（四）");
  // The same batch again is refused; the next batch after rectification is not.
  ExpectRefused(AcceptanceApplication{"ACA-1b", D(2026, 12, 1), kEnterprise, 2026, 1},
                D(2026, 12, 1), article::kArt12_4);
  Must(ProjectRectification{"RCT-1", D(2026, 12, 20), kEnterprise}, D(2026, 12, 20));
  ExpectRefused(AcceptanceApplication{"ACA-1c", D(2027, 1, 5), kEnterprise, 2026, 1}, D(2027, 1, 5),
                article::kArt12_4);
  Must(AcceptanceApplication{"ACA-2", D(2027, 1, 5), kEnterprise, 2027, 1}, D(2027, 1, 5));
  Must(AcceptanceConclusion{"ACC-2", D(2027, 1, 25), kEnterprise, true, {}}, D(2027, 1, 25));
  const Decision rated = Must(SatisfactionEvaluation{"SAT-1", D(2027, 2, 1), kEnterprise, kProvider,
                                                     Satisfaction::kSatisfied},
                              D(2027, 2, 1));
  EXPECT_TRUE(rated.raised.empty());
  Must(PaymentRecord{"PAY-2", D(2027, 2, 2), kEnterprise, Yuan(589000)}, D(2027, 2, 2));
  EXPECT_EQ(Must(ProjectClosure{"CLS-1", D(2027, 3, 1), kEnterprise}, D(2027, 3, 1)).new_state,
            "closed");

  EXPECT_EQ(States(project().history),
            (std::vector<std::string>{"enrolled", "diagnosed", "plan-filed", "plan-expert-reviewed",
                                      "approved", "contracted", "implementing",
                                      "acceptance-applied", "rectifying", "rectified",
                                      "acceptance-applied", "accepted", "rated", "closed"}));
  EXPECT_EQ(project().payments.size(), 2u);
  EXPECT_EQ(project().acceptance.size(), 2u);
  EXPECT_TRUE(project().flags.empty());
  // Nothing is left to fire for the project: the rectification was in time.
  for (const auto& d : engine_.Tick(D(2027, 6, 1)))
    EXPECT_NE(d.subject, kEnterprise) << d.message_en;
}

TEST_F(LifecycleTest, MissedRectificationDeadlineOpensDisqualificationThenDecision) {
  ListProvider();
  ContractProject();
  Warn("NTC-W1", D(2026, 5, 1));  // rectify by 2026-05-31
  EXPECT_EQ(provider().state, ProviderState::kWarned);
  for (const auto& d : engine_.Tick(D(2026, 5, 31)))
    EXPECT_NE(d.article_zh, "第十六条（二）") << "fired on the last day";
  const auto fired = engine_.Tick(D(2026, 6, 1));
  const Decision* missed = nullptr;
  for (const auto& d : fired)
    if (d.article_en == "Art. 16(2)") missed = &d;
  ASSERT_NE(missed, nullptr);
  EXPECT_TRUE(HasRaised(*missed, RaisedKind::kDisqualificationOpened, article::kArt16_2));
  ASSERT_TRUE(provider().disqualification_open);
  EXPECT_EQ(provider().disqualification_open->article_en, "Art. 16(2)");

  const Decision d =
      Must(DisqualificationDecision{"NTC-DQ-1", D(2026, 6, 10), kProvider, 2}, D(2026, 6, 10));
  EXPECT_EQ(d.article_zh, "第十六条（二）");
  EXPECT_EQ(d.new_state, "disqualified");
  EXPECT_TRUE(HasRaised(d, RaisedKind::kFeesWithheld, article::kArt16_2));
  EXPECT_TRUE(HasRaised(d, RaisedKind::kIssueNotice, article::kArt16_2));
  EXPECT_TRUE(HasRaised(d, RaisedKind::kProjectFlagged, article::kArt16_2));
  EXPECT_TRUE(provider().fees_withheld);
  EXPECT_TRUE(provider().sub_industries_listed.empty());
  ASSERT_EQ(project().flags.size(), 1u);
  EXPECT_EQ(project().flags[0].code, "provider-disqualified");
  // A disqualified provider signs nothing more.
  ExpectRefused(ProgressReport{"PRG-X", D(2026, 6, 20), kEnterprise, kProvider, D(2026, 6, 1), {}},
                D(2026, 6, 20), article::kArt16);
  Enroll(kEnterprise2);
  ExpectRefused(DiagnosticReport{"DIA-X", D(2026, 6, 20), kEnterprise2, kProvider, true},
                D(2026, 6, 20), article::kArt16);
}

TEST_F(LifecycleTest, TickFiresExpiredDeadlinesInTimeOrder) {
  ListProvider();
  ListProvider(kProvider2, D(2026, 1, 15));
  Warn("W-A", D(2026, 5, 1));  // appeal window to 05-16, rectify by 05-31
  Must(RealNameReport{"RPT-1", D(2026, 5, 3), kProvider2, "陈国栋", "41070219850312451X",
                      "13782561479", true},
       D(2026, 5, 3));  // respond by 05-13
  const auto pending = engine_.PendingDeadlines();
  ASSERT_EQ(pending.size(), 4u);  // first rating due, report, appeal window, rectification
  EXPECT_EQ(pending[0].kind, DeadlineKind::kFirstRatingDue);
  EXPECT_EQ(pending[0].due, D(2026, 3, 31));

  const auto fired = engine_.Tick(D(2026, 7, 1));
  ASSERT_EQ(fired.size(), 4u);
  EXPECT_EQ(fired[0].article_en, "Art. 14");
  EXPECT_TRUE(HasRaised(fired[0], RaisedKind::kRatingDue, article::kArt14));
  EXPECT_EQ(fired[1].article_en, "Art. 18");
  EXPECT_EQ(fired[1].new_state, "removed-from-pool");
  EXPECT_EQ(fired[2].article_en, "Art. 17");
  EXPECT_EQ(fired[3].article_en, "Art. 16(2)");
  EXPECT_TRUE(engine_.PendingDeadlines().empty());
  EXPECT_TRUE(engine_.Tick(D(2026, 8, 1)).empty());
}

TEST_F(LifecycleTest, AppealSuspendsWarningAndRejectionResumesIt) {
  ListProvider();
  AcceptProject();
  const Decision rated = Must(SatisfactionEvaluation{"SAT-2026-0007", D(2026, 12, 1), kEnterprise,
                                                     kProvider, Satisfaction::kDissatisfied},
                              D(2026, 12, 1));
  ASSERT_TRUE(HasRaised(rated, RaisedKind::kWarningProposal, article::kArt15_4));
  Must(WarningNotice{"NTC-2026-0012", D(2026, 12, 3), kProvider, 4, "SAT-2026-0007",
                     D(2026, 12, 31)},
       D(2026, 12, 3));
  const Decision appeal = Must(AppealFiling{.document_id = "APL-2026-0003",
                                            .date = D(2026, 12, 10),
                                            .provider_code = kProvider,
                                            .ground = AppealGround::kUnsatisfiedRating,
                                            .contested_warning_id = "NTC-2026-0012"},
                               D(2026, 12, 10));
  EXPECT_EQ(appeal.article_zh, "第十七条");
  EXPECT_TRUE(provider().warnings[0].suspended);
  EXPECT_EQ(provider().state, ProviderState::kListed);  // the only warning is suspended
  // While suspended the rectification deadline does not fire.
  for (const auto& d : engine_.Tick(D(2027, 1, 15))) EXPECT_NE(d.article_en, "Art. 16(2)");
  EXPECT_FALSE(provider().disqualification_open);

  // Rejected on 2027-01-20: suspended 41 days, so the deadline moves from 12-31 to 02-10.
  const Decision decided = Must(
      AppealDecision{"APD-1", D(2027, 1, 20), kProvider, "APL-2026-0003", false}, D(2027, 1, 20));
  EXPECT_EQ(provider().warnings[0].rectification_deadline, D(2027, 2, 10));
  EXPECT_EQ(decided.new_state, "warned");
  EXPECT_TRUE(engine_.Tick(D(2027, 2, 10)).empty());
  Must(RectificationReport{"RCT-W1", D(2027, 2, 9), kProvider, "NTC-2026-0012"}, D(2027, 2, 10));
  EXPECT_EQ(provider().state, ProviderState::kListed);
  EXPECT_TRUE(engine_.Tick(D(2027, 3, 1)).empty());
  // A second appeal on the same warning is out of time.
  ExpectRefused(AppealFiling{.document_id = "APL-2",
                             .date = D(2027, 3, 1),
                             .provider_code = kProvider,
                             .ground = AppealGround::kForceMajeure,
                             .contested_warning_id = "NTC-2026-0012"},
                D(2027, 3, 1), article::kArt17);
}

TEST_F(LifecycleTest, UpheldAppealWithdrawsWarningAndTheCaseItOpened) {
  ListProvider();
  Warn("W1", D(2026, 5, 1));
  const Decision second = Warn("W2", D(2026, 5, 20), 2);
  ASSERT_TRUE(HasRaised(second, RaisedKind::kDisqualificationOpened, article::kArt16_1));
  Must(AppealFiling{.document_id = "APL-1",
                    .date = D(2026, 5, 25),
                    .provider_code = kProvider,
                    .ground = AppealGround::kForceMajeure,
                    .contested_warning_id = "W2"},
       D(2026, 5, 25));
  Must(AppealDecision{"APD-1", D(2026, 6, 5), kProvider, "APL-1", true}, D(2026, 6, 5));
  EXPECT_TRUE(provider().warnings[1].withdrawn);
  EXPECT_FALSE(provider().disqualification_open);
  ExpectRefused(DisqualificationDecision{"DQ-1", D(2026, 6, 6), kProvider, 1}, D(2026, 6, 6),
                article::kArt16_1);
}

TEST_F(LifecycleTest, ReportWithoutResponseRemovesProviderFromPool) {
  ListProvider();
  ContractProject();
  engine_.Tick(D(2026, 4, 2));  // the first rating falls due; out of the way
  const Decision filed = Must(RealNameReport{"RPT-2026-0002", D(2026, 5, 3), kProvider, "陈国栋",
                                             "41070219850312451X", "13782561479", true},
                              D(2026, 5, 4));
  EXPECT_EQ(provider().reports[0].response_deadline, D(2026, 5, 14));
  EXPECT_EQ(filed.article_zh, "第十八条");
  EXPECT_TRUE(engine_.Tick(D(2026, 5, 14)).empty());
  const auto fired = engine_.Tick(D(2026, 5, 15));
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].article_zh, "第十八条");
  EXPECT_EQ(fired[0].new_state, "removed-from-pool");
  EXPECT_TRUE(HasRaised(fired[0], RaisedKind::kRemovedFromPool, article::kArt18));
  EXPECT_TRUE(HasRaised(fired[0], RaisedKind::kProjectFlagged, article::kArt18));
  EXPECT_EQ(provider().reports[0].outcome, ReportOutcome::kNoResponse);
  EXPECT_EQ(project().flags.at(0).code, "provider-removed");
  // The late answer changes nothing.
  ExpectRefused(ReportResponse{"RSP-1", D(2026, 5, 15), kProvider, "RPT-2026-0002"}, D(2026, 5, 16),
                article::kArt18);
}

TEST_F(LifecycleTest, ReportAnsweredThenConfirmedFraudRemovesProvider) {
  ListProvider();
  ListProvider(kProvider2);
  for (const char* code : {kProvider, kProvider2})
    Must(RealNameReport{std::string("RPT-") + code, D(2026, 5, 3), code, "陈国栋",
                        "41070219850312451X", "13782561479", true},
         D(2026, 5, 3));
  Must(ReportResponse{"RSP-1", D(2026, 5, 10), kProvider, std::string("RPT-") + kProvider},
       D(2026, 5, 10));
  Must(ReportResponse{"RSP-2", D(2026, 5, 10), kProvider2, std::string("RPT-") + kProvider2},
       D(2026, 5, 10));
  EXPECT_TRUE(engine_.Tick(D(2026, 6, 1)).size() == 1u);  // only the first rating due
  const Decision cleared = Must(
      ReportVerification{"VER-1", D(2026, 6, 2), kProvider, std::string("RPT-") + kProvider, false},
      D(2026, 6, 2));
  EXPECT_EQ(cleared.new_state, "listed");
  const Decision fraud = Must(ReportVerification{"VER-2", D(2026, 6, 2), kProvider2,
                                                 std::string("RPT-") + kProvider2, true},
                              D(2026, 6, 2));
  EXPECT_EQ(fraud.article_zh, "第十八条");
  EXPECT_EQ(fraud.new_state, "removed-from-pool");
}

TEST_F(LifecycleTest, MissedAcceptanceRectificationOpensArt16Item4) {
  ListProvider();
  ContractProject();
  Must(AcceptanceApplication{"ACA-1", D(2026, 11, 6), kEnterprise, 2026, 2}, D(2026, 11, 6));
  Must(AcceptanceConclusion{"ACC-1", D(2026, 11, 27), kEnterprise, false, D(2026, 12, 31)},
       D(2026, 11, 27));
  const auto fired = engine_.Tick(D(2027, 1, 1));
  const Decision* missed = nullptr;
  for (const auto& d : fired)
    if (d.article_en == "Art. 16(4)") missed = &d;
  ASSERT_NE(missed, nullptr);
  EXPECT_EQ(missed->subject, kEnterprise);
  EXPECT_EQ(missed->new_state, "rectifying");
  EXPECT_TRUE(HasRaised(*missed, RaisedKind::kDisqualificationOpened, article::kArt16_4));
  EXPECT_EQ(project().flags.at(0).code, "rectification-overdue");
  Must(DisqualificationDecision{"DQ-1", D(2027, 1, 10), kProvider, 4}, D(2027, 1, 10));
  EXPECT_EQ(provider().state, ProviderState::kDisqualified);
}

TEST_F(LifecycleTest, RatingsPublishedWithExplanations) {
  ListProvider();  // first listing notice 2026-01-15
  AcceptProject();
  Must(SatisfactionEvaluation{"SAT-1", D(2026, 12, 1), kEnterprise, kProvider,
                              Satisfaction::kSatisfied},
       D(2026, 12, 1));
  const auto proposal = engine_.ProposeRatings(D(2026, 12, 2));
  ASSERT_EQ(proposal.count(kProvider), 1u);
  EXPECT_EQ(proposal.at(kProvider).inputs.enterprises_served, 1);
  EXPECT_EQ(proposal.at(kProvider).result.stars, Stars::kOne);
  Must(RatingNotice{"NTC-RATE-1", D(2026, 12, 5), "2026-H2"}, D(2026, 12, 5));
  ASSERT_EQ(provider().ratings.size(), 1u);
  EXPECT_NE(provider().ratings[0].result.explanation.find("服务企业1家"), std::string::npos)
      << provider().ratings[0].result.explanation;
  ExpectRefused(RatingNotice{"NTC-RATE-2", D(2026, 12, 6), "2026-H2"}, D(2026, 12, 6),
                article::kArt14);
}

TEST_F(LifecycleTest, RefusalLeavesStateUntouched) {
  ListProvider();
  ApproveProject();
  const Project before = project();
  const auto log_size = engine_.log().size();
  const Decision d = engine_.Apply(
      PaymentRecord{"PAY-EARLY", D(2026, 4, 12), kEnterprise, Yuan(100000)}, D(2026, 4, 12));
  EXPECT_FALSE(d.accepted);
  EXPECT_EQ(d.new_state, "approved");
  EXPECT_EQ(engine_.log().size(), log_size);
  EXPECT_EQ(project().payments.size(), before.payments.size());
  EXPECT_EQ(project().history.size(), before.history.size());
}

TEST_F(LifecycleTest, ReplayRebuildsStateAndFiredDeadlines) {
  ListProvider();
  ContractProject();
  Warn("W1", D(2026, 5, 1));
  engine_.Tick(D(2026, 6, 15));  // rectification missed, case opened
  Must(RealNameReport{"RPT-1", D(2026, 6, 16), kProvider, "陈国栋", "41070219850312451X",
                      "13782561479", true},
       D(2026, 6, 16));

  Engine rebuilt;
  EXPECT_EQ(rebuilt.Replay(engine_.log()), std::nullopt);
  ASSERT_EQ(rebuilt.log().size(), engine_.log().size());
  const Provider& a = provider();
  const Provider& b = *rebuilt.FindProvider(kProvider);
  EXPECT_EQ(a.state, b.state);
  ASSERT_EQ(a.warnings.size(), b.warnings.size());
  EXPECT_EQ(a.warnings[0].deadline_missed, b.warnings[0].deadline_missed);
  ASSERT_TRUE(b.disqualification_open);
  EXPECT_EQ(b.disqualification_open->article_en, "Art. 16(2)");
  EXPECT_EQ(States(a.history), States(b.history));
  EXPECT_EQ(States(project().history), States(rebuilt.FindProject(kEnterprise)->history));
  const auto pa = engine_.PendingDeadlines();
  const auto pb = rebuilt.PendingDeadlines();
  ASSERT_EQ(pa.size(), pb.size());
  for (std::size_t i = 0; i < pa.size(); ++i) {
    EXPECT_EQ(pa[i].kind, pb[i].kind);
    EXPECT_EQ(pa[i].due, pb[i].due);
    EXPECT_EQ(pa[i].ref, pb[i].ref);
  }
  // Both fire the same report deadline later.
  const auto fa = engine_.Tick(D(2026, 7, 1));
  const auto fb = rebuilt.Tick(D(2026, 7, 1));
  ASSERT_EQ(fa.size(), fb.size());
  for (std::size_t i = 0; i < fa.size(); ++i) EXPECT_EQ(fa[i].document_id, fb[i].document_id);

  // A log that was altered does not replay.
  auto altered = engine_.log();
  altered.erase(altered.begin() + 1);  // drop the county recommendation
  Engine broken;
  EXPECT_EQ(broken.Replay(altered), std::optional<std::size_t>(1));
}

TEST_F(LifecycleTest, DeadlinePassedOnlyForARealExpiredDeadline) {
  ListProvider();
  Warn("W1", D(2026, 5, 1));
  const Deadline real{DeadlineKind::kWarningRectification, D(2026, 5, 31), kProvider, "W1"};
  ExpectRefused(DeadlinePassed{real}, D(2026, 5, 31), article::kArt16_2);  // not yet passed
  Deadline forged = real;
  forged.due = D(2026, 5, 2);
  ExpectRefused(DeadlinePassed{forged}, D(2026, 6, 1), article::kArt16_2);
  Must(DeadlinePassed{real}, D(2026, 6, 1));
}

TEST(LifecycleClock, ChinaDateTurnsAtMidnightBeijingTime) {
  using namespace std::chrono;
  const sys_days utc_day = MakeDate(2026, 3, 31);
  EXPECT_EQ(ChinaDate(utc_day + hours(15) + minutes(59)), MakeDate(2026, 3, 31));
  EXPECT_EQ(ChinaDate(utc_day + hours(16)), MakeDate(2026, 4, 1));
}

}  // namespace
}  // namespace sealflow::workflow
