// Copyright sealflow authors.
// A refused event leaves the state exactly as it was: the engine applies events in place and
// rolls its journal back on refusal (engine.cc), so every provider and project is compared in
// full before and after a series of refusals that reach deep into the handlers.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "workflow_fixture.h"

namespace sealflow::workflow::testing {
namespace {

std::string Fingerprint(const Engine& engine) {
  std::ostringstream out;
  for (const auto& [code, p] : engine.providers()) {
    out << code << ' ' << ProviderStateName(p.state) << ' ' << p.history.size() << ' '
        << p.warnings.size() << ' ' << p.appeals.size() << ' ' << p.reports.size() << ' '
        << p.ratings.size() << ' ' << p.fees_withheld << ' ' << p.disqualification_open.has_value()
        << ' ' << p.sub_industries_listed.size() << ' ' << p.listing_notice_id << '\n';
    for (const Warning& w : p.warnings)
      out << "  w " << w.id << ' ' << w.suspended << w.withdrawn << w.deadline_missed << ' '
          << FormatDate(w.rectification_deadline) << '\n';
  }
  for (const auto& [code, p] : engine.projects()) {
    out << code << ' ' << ProjectStateName(p.state) << ' ' << p.history.size() << ' '
        << p.flags.size() << ' ' << p.payments.size() << ' ' << p.acceptance.size() << ' '
        << p.pending_change.has_value() << ' ' << p.plan_hash << ' ' << p.contract_id << ' '
        << p.provider_code << '\n';
  }
  for (const Deadline& d : engine.PendingDeadlines())
    out << "d " << DeadlineKindName(d.kind) << ' ' << FormatDate(d.due) << ' ' << d.subject << '\n';
  out << engine.log().size();
  return out.str();
}

class EngineJournalTest : public WorkflowFixture {};

TEST_F(EngineJournalTest, RefusalsLeaveEveryEntryAsItWas) {
  ListProvider();
  ListProvider(kProvider2);
  ContractProject();
  Enroll(kEnterprise2);
  Warn("NTC-W1", D(2026, 5, 1));
  const std::string before = Fingerprint(engine_);

  const Date now = D(2026, 5, 10);
  const std::vector<Event> refused = {
      // Already listed: a new application is refused.
      ProviderApplication{.document_id = "APP-X",
                          .date = now,
                          .provider_code = kProvider,
                          .provider_name = "x",
                          .sub_industries = {kSubIndustry},
                          .case_sub_industries = {kSubIndustry},
                          .declarations_affirmed = true},
      // A contract for a project whose plan was never approved.
      ExampleContract(kEnterprise2, kProvider2),
      // Enrolling an enrolled enterprise.
      Enrollment{"ENR-X", now, kEnterprise, "x", kSubIndustry, Scale::kAboveDesignatedSize},
      // A conclusion without an application.
      AcceptanceConclusion{"ACC-X", now, kEnterprise, true, {}},
      // A rectification of a warning that does not exist.
      RectificationReport{"RCT-X", now, kProvider, "NTC-NONE"},
      // An appeal decision on no appeal.
      AppealDecision{"APD-X", now, kProvider, "APL-NONE", true},
      // A rating long before the first rating window.
      RatingNotice{"NTC-R", D(2026, 1, 20), "2026-Q1"},
      // A change filing on a project that is not under implementation yet.
      ChangeFiling{"CHG-X", now, kEnterprise2, 100, 200, {}, {}, false, ""},
      // Events about providers nobody knows.
      WarningNotice{"NTC-W9", now, "91410700MA9XXXXXXX", 3, "SRC", {}},
      DisqualificationDecision{"NTC-D9", now, kProvider2, 1},
  };
  for (const Event& event : refused) {
    Decision d = engine_.Apply(event, now);
    EXPECT_FALSE(d.accepted) << EventDocumentId(event);
    EXPECT_EQ(Fingerprint(engine_), before) << "after " << EventDocumentId(event);
  }

  // And an accepted event after the refusals still applies on the untouched state.
  Must(RectificationReport{"RCT-1", now, kProvider, "NTC-W1"}, now);
  EXPECT_NE(Fingerprint(engine_), before);
  // Replaying the log rebuilds the same state.
  Engine replayed;
  EXPECT_FALSE(replayed.Replay(engine_.log()).has_value());
  EXPECT_EQ(Fingerprint(replayed), Fingerprint(engine_));
}

}  // namespace
}  // namespace sealflow::workflow::testing
