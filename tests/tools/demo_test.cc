// Copyright sealflow authors.
// `sealflow demo` plays a whole pilot: the state it leaves is read back here the way the service
// reads it (Pilot::Open replays the event log from the archive), and checked stage by stage —
// providers listed or disqualified, 30 enterprises closed, the refused contract left no trace,
// the warning, appeal, report and failed acceptance are on record, the dashboard has figures.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "archive/store.h"
#include "support/test_support.h"
#include "workflow/dashboard.h"
#include "workflow/lifecycle.h"
#include "workflow/pilot.h"

namespace sealflow::testing {
namespace {

using namespace sealflow::workflow;  // NOLINT(build/namespaces)

class DemoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    first_ = new CommandResult(
        sealflow::testing::Run(BinPath("sealflow") + " demo --data " + dir_->path()));
  }
  static void TearDownTestSuite() {
    delete first_;
    delete dir_;
  }
  static TempDir* dir_;
  static CommandResult* first_;
};
TempDir* DemoTest::dir_ = nullptr;
CommandResult* DemoTest::first_ = nullptr;

TEST_F(DemoTest, PrintsASummaryOfTheWholePilot) {
  ASSERT_EQ(first_->exit_code, 0) << first_->output;
  for (const char* expected :
       {"enterprises: 30 — closed 30", "refused 1", "第十二条（三）", "Art. 12(3)", "disqualified",
        "验收不通过", "申诉", "实名举报", "sample signature", "VALID"}) {
    EXPECT_NE(first_->output.find(expected), std::string::npos) << expected << "\n"
                                                                << first_->output;
  }
}

TEST_F(DemoTest, TheServiceSeesTheSameStateAfterReplay) {
  ASSERT_EQ(first_->exit_code, 0) << first_->output;
  archive::StoreOptions store_options;
  store_options.data_dir = dir_->path();
  auto store = archive::DocumentStore::Open(store_options);
  PilotOptions options;
  options.data_dir = dir_->path();
  options.trust_anchor_files = {dir_->File("pki/root-ca.pem")};
  const auto now = std::chrono::system_clock::time_point(MakeDate(2026, 11, 26).time_since_epoch());
  options.clock = [now] { return now; };
  auto pilot = Pilot::Open(options, *store);
  EXPECT_GE(store->Count(), 400u);
  pilot->Read([](const Engine& engine) {
    ASSERT_EQ(engine.providers().size(), 6u);
    int listed = 0, disqualified = 0, warned_once = 0, reported = 0;
    for (const auto& [code, p] : engine.providers()) {
      listed += p.state == ProviderState::kListed ? 1 : 0;
      if (p.state == ProviderState::kDisqualified) {
        ++disqualified;
        EXPECT_TRUE(p.fees_withheld);
        EXPECT_EQ(p.warnings.size(), 2u);
      }
      if (p.warnings.size() == 1) {
        ++warned_once;
        ASSERT_EQ(p.appeals.size(), 1u);
        EXPECT_EQ(p.appeals[0].outcome, AppealOutcome::kRejected);
        EXPECT_TRUE(p.warnings[0].rectified_on.has_value());
      }
      if (!p.reports.empty()) {
        ++reported;
        EXPECT_EQ(p.reports[0].outcome, ReportOutcome::kCleared);
      }
      EXPECT_FALSE(p.ratings.empty()) << code;
    }
    EXPECT_EQ(listed, 5);
    EXPECT_EQ(disqualified, 1);
    EXPECT_EQ(warned_once, 1);
    EXPECT_EQ(reported, 1);

    ASSERT_EQ(engine.projects().size(), 30u);
    int failed_then_passed = 0;
    std::map<std::string, int> by_industry;
    for (const auto& [code, project] : engine.projects()) {
      EXPECT_EQ(project.state, ProjectState::kClosed) << code;
      EXPECT_EQ(project.payments.size(), 1u) << code;
      EXPECT_TRUE(project.satisfaction.has_value()) << code;
      ++by_industry[project.sub_industry];
      if (project.acceptance.size() == 2) {
        ++failed_then_passed;
        EXPECT_EQ(project.acceptance[0].passed, false);
        EXPECT_TRUE(project.acceptance[0].rectified_on.has_value());
        EXPECT_EQ(project.acceptance[1].passed, true);
      }
      // The contract refused on 2026-04-08 left nothing: the one signed later is the contract.
      EXPECT_EQ(project.contract_signed_on, MakeDate(2026, 4, 15)) << code;
    }
    EXPECT_EQ(failed_then_passed, 1);
    EXPECT_EQ(by_industry.size(), 4u);
    EXPECT_EQ(by_industry["起重装备"], 8);
    EXPECT_EQ(by_industry["新型化工"], 7);
  });
  // The dashboard the service serves has the documents' figures (levels, cloud, products).
  std::string dashboard = pilot->Dashboard(MakeDate(2026, 11, 26));
  EXPECT_NE(dashboard.find("\"transformed\":30"), std::string::npos) << dashboard;
  EXPECT_NE(dashboard.find("\"missing\":[]"), std::string::npos) << dashboard;
  EXPECT_NE(dashboard.find("平原云排程APS轻量版"), std::string::npos) << dashboard;
}

TEST_F(DemoTest, RunningItAgainChangesNothing) {
  ASSERT_EQ(first_->exit_code, 0) << first_->output;
  CommandResult second =
      sealflow::testing::Run(BinPath("sealflow") + " demo --data " + dir_->path());
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("already archived"), std::string::npos) << second.output;
  EXPECT_NE(second.output.find("enterprises: 30 — closed 30"), std::string::npos);
  EXPECT_EQ(second.output.find("<<"), std::string::npos) << "PDF library debug output";
}

}  // namespace
}  // namespace sealflow::testing
