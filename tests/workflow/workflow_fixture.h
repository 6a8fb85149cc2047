// Copyright sealflow authors.
// Shared set-up for the workflow engine tests: a listed provider and a project brought to a
// given stage by the documents that cause each step, on fixed dates.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "workflow/lifecycle.h"
#include "workflow/rules.h"

namespace sealflow::workflow::testing {

inline constexpr char kProvider[] = "91410700MA45KJ2R7F";  // 新乡市牧野智造数字科技有限公司
inline constexpr char kProvider2[] = "91410700MA9F3K2L1U";  // 河南平原云联信息技术有限公司
inline constexpr char kEnterprise[] = "91410700MA46B7HW2D";  // 新乡市豫飞起重设备有限公司
inline constexpr char kEnterprise2[] = "91410700MA9GQ3TX22";
inline constexpr char kSubIndustry[] = "起重装备";
inline constexpr char kPlanHash[] =
    "9b1e7c04d2a35f86e0c4b71d93a2e58f6c0d14b7a9e3f25c8d6b0a17e4f9c2d3";

inline Date D(int y, unsigned m, unsigned d) { return MakeDate(y, m, d); }
inline Fen Yuan(std::int64_t yuan) { return yuan * 100; }

// The plan of xml-schemas/examples/transformation-plan.xml: 870000.00 yuan, five scenes,
// 435000 + 87000 + 348000.
inline PlanFiling ExamplePlan(const std::string& enterprise = kEnterprise,
                              const std::string& provider = kProvider) {
  return PlanFiling{
      .document_id = "PLN-" + enterprise,
      .date = D(2026, 4, 8),
      .enterprise_code = enterprise,
      .provider_code = provider,
      .plan_hash = kPlanHash,
      .total = Yuan(870000),
      .scenes = {"scheduling", "quality", "warehousing", "energy", "production-control"},
      .enterprise_share = Yuan(435000),
      .provider_concession = Yuan(87000),
      .government_subsidy = Yuan(348000)};
}

inline ContractSigning ExampleContract(const std::string& enterprise = kEnterprise,
                                       const std::string& provider = kProvider) {
  return ContractSigning{
      .document_id = "CON-" + enterprise,
      .date = D(2026, 4, 15),
      .enterprise_code = enterprise,
      .provider_code = provider,
      .plan_hash = kPlanHash,
      .amount = Yuan(870000),
      .scenes = {"energy", "production-control", "quality", "scheduling", "warehousing"},
      .no_subcontracting_affirmed = true,
      .declares_subcontracting = false};
}

class WorkflowFixture : public ::testing::Test {
 protected:
  // Applies an event that must be accepted.
  Decision Must(const Event& event, Date now) {
    Decision d = engine_.Apply(event, now);
    EXPECT_TRUE(d.accepted) << EventDocumentId(event) << ": " << d.article_zh << " " << d.message_zh
                            << " / " << d.message_en;
    return d;
  }

  // Expects a refusal citing `article` and that nothing changed.
  void ExpectRefused(const Event& event, Date now, Article article) {
    const std::size_t logged = engine_.log().size();
    const auto pending = engine_.PendingDeadlines().size();
    Decision d = engine_.Apply(event, now);
    EXPECT_FALSE(d.accepted) << EventDocumentId(event) << " was accepted: " << d.message_zh;
    EXPECT_EQ(d.article_zh, article.zh) << d.message_zh;
    EXPECT_EQ(d.article_en, article.en) << d.message_en;
    EXPECT_FALSE(d.message_zh.empty());
    EXPECT_FALSE(d.message_en.empty());
    EXPECT_TRUE(d.raised.empty());
    EXPECT_EQ(engine_.log().size(), logged);
    EXPECT_EQ(engine_.PendingDeadlines().size(), pending);
  }

  // Application (2025-12) → county → experts → meeting → 公示 on `notice` (5-day objection
  // period) → listed by Tick the day after the period.
  void ListProvider(const std::string& code = kProvider, Date notice = D(2026, 1, 15),
                    std::vector<std::string> subs = {kSubIndustry}) {
    Must(ProviderApplication{.document_id = "APP-" + code,
                             .date = D(2025, 12, 1),
                             .provider_code = code,
                             .provider_name = "服务商" + code,
                             .sub_industries = subs,
                             .case_sub_industries = subs,
                             .declarations_affirmed = true},
         D(2025, 12, 1));
    Must(CountyRecommendation{"REC-" + code, D(2025, 12, 10), code, true}, D(2025, 12, 10));
    Must(ApplicationExpertReview{"EXP-" + code, D(2025, 12, 20), code, true}, D(2025, 12, 20));
    Must(MeetingDecision{"MTG-" + code, D(2026, 1, 5), code, true, {}}, D(2026, 1, 5));
    Must(ListingNotice{"NTC-LIST-" + code, notice, {code}, notice + std::chrono::days{5}}, notice);
    engine_.Tick(notice + std::chrono::days{6});
    ASSERT_EQ(engine_.FindProvider(code)->state, ProviderState::kListed);
  }

  void Enroll(const std::string& enterprise = kEnterprise) {
    Must(Enrollment{"ENR-" + enterprise, D(2026, 2, 1), enterprise, "企业" + enterprise,
                    kSubIndustry, Scale::kAboveDesignatedSize},
         D(2026, 2, 1));
  }

  // Enrolled → diagnosed → plan filed → experts → approved on 2026-04-10.
  void ApproveProject(const std::string& enterprise = kEnterprise,
                      const std::string& provider = kProvider) {
    Enroll(enterprise);
    Must(DiagnosticReport{"DIA-" + enterprise, D(2026, 3, 20), enterprise, provider, true},
         D(2026, 3, 20));
    Must(ExamplePlan(enterprise, provider), D(2026, 4, 8));
    Must(PlanExpertReview{"PEX-" + enterprise, D(2026, 4, 9), enterprise, kPlanHash, true},
         D(2026, 4, 9));
    Must(PlanDecision{"PDC-" + enterprise, D(2026, 4, 10), enterprise, kPlanHash, true},
         D(2026, 4, 10));
  }

  void ContractProject(const std::string& enterprise = kEnterprise,
                       const std::string& provider = kProvider) {
    ApproveProject(enterprise, provider);
    Must(ExampleContract(enterprise, provider), D(2026, 4, 15));
  }

  // Contracted, implemented, applied for acceptance in batch 2026/1 and passed.
  void AcceptProject(const std::string& enterprise = kEnterprise,
                     const std::string& provider = kProvider) {
    ContractProject(enterprise, provider);
    Must(ProgressReport{"PRG-" + enterprise, D(2026, 7, 3), enterprise, provider, D(2026, 6, 1),
                        D(2026, 6, 12)},
         D(2026, 7, 3));
    Must(AcceptanceApplication{"ACA-" + enterprise, D(2026, 11, 6), enterprise, 2026, 1},
         D(2026, 11, 6));
    Must(AcceptanceConclusion{"ACC-" + enterprise, D(2026, 11, 27), enterprise, true, {}},
         D(2026, 11, 27));
  }

  Decision Warn(const std::string& id, Date on, int ground = 3, const std::string& source = "SRC",
                const std::string& provider = kProvider) {
    return Must(WarningNotice{id, on, provider, ground, source, on + std::chrono::days{30}}, on);
  }

  const Provider& provider(const std::string& code = kProvider) {
    return *engine_.FindProvider(code);
  }
  const Project& project(const std::string& code = kEnterprise) {
    return *engine_.FindProject(code);
  }

  static bool HasRaised(const Decision& d, RaisedKind kind, Article article) {
    for (const auto& r : d.raised)
      if (r.kind == kind && r.article_zh == article.zh && r.article_en == article.en) return true;
    return false;
  }

  Engine engine_;
};

}  // namespace sealflow::workflow::testing
