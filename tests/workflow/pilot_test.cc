// Copyright sealflow authors.
// The Pilot: signed documents in, decisions out, the archive and the event log kept consistent
// across restarts and a crash between archiving and logging.
#include "workflow/pilot.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <future>
#include <stdexcept>

#include "archive/store.h"
#include "pilot_fixture.h"
#include "support/test_support.h"
#include "workflow/notices.h"
#include "workflow_fixture.h"

namespace sealflow::workflow {
namespace {

using sealflow::testing::ReadFile;
using sealflow::testing::TempDir;
using sealflow::testing::WriteFile;
using testing::ActorOf;
using testing::D;
using testing::ManualClock;
using testing::PilotPki;

class PilotTest : public ::testing::Test {
 protected:
  PilotTest() : clock_(D(2026, 2, 20)) {}

  void SetUp() override { Open(); }

  void Open(std::function<void()> after_archive = nullptr) {
    pilot_.reset();
    store_.reset();
    archive::StoreOptions store;
    store.data_dir = dir_.path();
    store.clock = clock_.Function();
    store.after_blob_written = [this] {
      if (after_blob_) after_blob_();
      if (fail_archive_) throw std::runtime_error("disk full");
    };
    store_ = archive::DocumentStore::Open(store);
    PilotOptions options;
    options.data_dir = dir_.path();
    options.clock = clock_.Function();
    options.trust_anchor_files = {pki().root_pem_path()};
    options.bureau_p12 = pki().bureau().p12_path;
    options.bureau_p12_password = testing::kP12Password;
    options.after_archive = std::move(after_archive);
    pilot_ = Pilot::Open(options, *store_);
  }

  static PilotPki& pki() { return PilotPki::Get(); }

  std::string Application() {
    return pki().RenderAndSign(testing::ApplicationXml(), {{"provider", &pki().provider()}});
  }
  std::string County() {
    return pki().RenderAndSign(testing::CountyRecommendationXml(), {{"county", &pki().county()}});
  }
  std::string Expert() {
    return pki().RenderAndSign(testing::ExpertReviewXml(), {{"expert", &pki().expert()}});
  }
  std::string Meeting() {
    return pki().RenderAndSign(testing::MeetingDecisionXml(), {{"bureau", &pki().bureau()}});
  }

  SubmitResult MustAccept(const std::string& pdf, const testing::PilotParty& by) {
    SubmitResult result = pilot_->Submit(pdf, ActorOf(by));
    EXPECT_TRUE(result.decision.accepted)
        << result.decision.article_zh << " " << result.decision.message_zh;
    EXPECT_FALSE(result.record_id.empty());
    return result;
  }

  // Application → county → experts → meeting, each on its own day.
  void Decide() {
    clock_.Set(D(2026, 2, 20));
    MustAccept(Application(), pki().provider());
    clock_.Set(D(2026, 2, 25));
    MustAccept(County(), pki().county());
    clock_.Set(D(2026, 3, 1));
    MustAccept(Expert(), pki().expert());
    clock_.Set(D(2026, 3, 5));
    MustAccept(Meeting(), pki().bureau());
  }

  std::string ProviderState() {
    std::string state = "(none)";
    pilot_->Read([&](const Engine& engine) {
      if (const Provider* p = engine.FindProvider(pki().provider().code))
        state = ProviderStateName(p->state);
    });
    return state;
  }

  static int StatusOf(const std::function<void()>& fn) {
    try {
      fn();
    } catch (const PilotError& e) {
      EXPECT_FALSE(e.detail_zh.empty());
      EXPECT_FALSE(e.detail_en.empty());
      return e.status;
    }
    return 0;
  }

  TempDir dir_;
  ManualClock clock_;
  std::atomic<bool> fail_archive_{false};
  std::function<void()> after_blob_;  // set while no Put runs
  std::unique_ptr<archive::DocumentStore> store_;
  std::unique_ptr<Pilot> pilot_;
};

TEST_F(PilotTest, AProviderIsListedThroughSignedDocumentsAndTheBureausNotice) {
  Decide();
  EXPECT_EQ(ProviderState(), "decided");
  EXPECT_EQ(store_->Count(), 4u);

  clock_.Set(D(2026, 3, 10));
  SubmitResult notice = pilot_->IssueNotice(NoticeRequestFromJson(testing::ListingNoticeJson()),
                                            ActorOf(pki().bureau()));
  ASSERT_TRUE(notice.decision.accepted) << notice.decision.message_zh;
  EXPECT_EQ(notice.decision.document_id, "NTC-2026-0001");
  EXPECT_EQ(ProviderState(), "noticed");
  std::optional<archive::DocumentRecord> record = store_->Get(notice.record_id);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->form_type, "notice");
  EXPECT_EQ(pilot_->RecordFor("NTC-2026-0001"), notice.record_id);

  // Nothing fires on the last day of the objection period; the day after, the provider is listed.
  clock_.Set(D(2026, 3, 15));
  EXPECT_TRUE(pilot_->Tick().empty());
  clock_.Set(D(2026, 3, 16));
  std::vector<Decision> fired = pilot_->Tick();
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].new_state, "listed");
  EXPECT_EQ(ProviderState(), "listed");
  EXPECT_EQ(pilot_->LoggedEvents(), 6u);  // five documents and one deadline

  // The next notice of the year takes the next number.
  clock_.Set(D(2026, 3, 17));
  SubmitResult second = pilot_->IssueNotice(
      NoticeRequestFromJson(R"({"kind":"warning","providers":[{"creditCode":"91410700MA45KJ2R7F",)"
                            R"("name":"新乡市牧野智造数字科技有限公司"}],"ground":3,)"
                            R"("facts":"未按要求报送材料。"})"),
      ActorOf(pki().bureau()));
  EXPECT_TRUE(second.decision.accepted) << second.decision.message_zh;
  EXPECT_EQ(second.decision.document_id, "NTC-2026-0002");
  EXPECT_EQ(ProviderState(), "warned");
}

TEST_F(PilotTest, ARefusedTransitionStoresAndLogsNothing) {
  clock_.Set(D(2026, 2, 20));
  MustAccept(Application(), pki().provider());
  // Experts before the county's recommendation: the selection procedure forbids it.
  clock_.Set(D(2026, 3, 1));
  SubmitResult refused = pilot_->Submit(Expert(), ActorOf(pki().expert()));
  EXPECT_FALSE(refused.decision.accepted);
  EXPECT_EQ(refused.decision.article_zh, "第九条");
  EXPECT_EQ(refused.decision.article_en, "Art. 9");
  EXPECT_TRUE(refused.record_id.empty());
  EXPECT_EQ(store_->Count(), 1u);
  EXPECT_EQ(pilot_->LoggedEvents(), 1u);
  EXPECT_EQ(ProviderState(), "applied");
}

TEST_F(PilotTest, OnlyTheFormsPartiesInTheirRolesMaySubmit) {
  clock_.Set(D(2026, 2, 20));
  const std::string application = Application();
  // Another provider, the county and the archivist may not submit this provider's application.
  EXPECT_EQ(StatusOf([&] { pilot_->Submit(application, ActorOf(pki().provider2())); }), 403);
  EXPECT_EQ(StatusOf([&] { pilot_->Submit(application, ActorOf(pki().county())); }), 403);
  EXPECT_EQ(StatusOf([&] {
              pilot_->Submit(application, Actor{Role::kArchivist, pki().provider().code, ""});
            }),
            403);
  // Signed in the provider's block by another organisation's certificate.
  const std::string wrong_signer =
      pki().RenderAndSign(testing::ApplicationXml(), {{"provider", &pki().provider2()}});
  EXPECT_EQ(StatusOf([&] { pilot_->Submit(wrong_signer, ActorOf(pki().provider())); }), 403);
  // A certificate from a CA the pilot does not trust: not VALID.
  const std::string untrusted =
      pki().RenderAndSign(testing::ApplicationXml(), {{"provider", &pki().stranger()}});
  EXPECT_EQ(StatusOf([&] { pilot_->Submit(untrusted, ActorOf(pki().provider())); }), 422);
  // Unsigned, and not a PDF.
  const std::string unsigned_pdf = pki().RenderAndSign(testing::ApplicationXml(), {});
  EXPECT_EQ(StatusOf([&] { pilot_->Submit(unsigned_pdf, ActorOf(pki().provider())); }), 400);
  EXPECT_EQ(StatusOf([&] { pilot_->Submit("hello", ActorOf(pki().provider())); }), 400);
  // A tampered byte inside the signed range.
  std::string tampered = application;
  tampered[tampered.size() / 3] ^= 0x01;
  EXPECT_EQ(StatusOf([&] { pilot_->Submit(tampered, ActorOf(pki().provider())); }), 422);
  // Only the bureau issues notices.
  EXPECT_EQ(StatusOf([&] {
              pilot_->IssueNotice(NoticeRequestFromJson(testing::ListingNoticeJson()),
                                  ActorOf(pki().provider()));
            }),
            403);
  EXPECT_EQ(store_->Count(), 0u);
  EXPECT_EQ(pilot_->LoggedEvents(), 0u);
  // The provider itself may.
  MustAccept(application, pki().provider());
}

TEST_F(PilotTest, ReopeningReplaysTheLogFromTheArchive) {
  Decide();
  clock_.Set(D(2026, 3, 10));
  ASSERT_TRUE(pilot_
                  ->IssueNotice(NoticeRequestFromJson(testing::ListingNoticeJson()),
                                ActorOf(pki().bureau()))
                  .decision.accepted);
  clock_.Set(D(2026, 3, 20));
  ASSERT_EQ(pilot_->Tick().size(), 1u);
  const std::size_t logged = pilot_->LoggedEvents();
  std::vector<Deadline> pending;
  pilot_->Read([&](const Engine& engine) { pending = engine.PendingDeadlines(); });

  Open();
  EXPECT_EQ(pilot_->LoggedEvents(), logged);
  EXPECT_EQ(ProviderState(), "listed");
  std::vector<Deadline> reopened;
  pilot_->Read([&](const Engine& engine) {
    reopened = engine.PendingDeadlines();
    const Provider* p = engine.FindProvider(pki().provider().code);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->listing_notice_id, "NTC-2026-0001");
    EXPECT_EQ(p->sub_industries_listed, std::vector<std::string>{"起重装备"});
  });
  ASSERT_EQ(reopened.size(), pending.size());
  for (std::size_t i = 0; i < pending.size(); ++i) {
    EXPECT_EQ(reopened[i].due, pending[i].due);
    EXPECT_EQ(reopened[i].ref, pending[i].ref);
  }
  // The log goes on where it stopped; the notice counter too.
  clock_.Set(D(2026, 3, 21));
  SubmitResult warning = pilot_->IssueNotice(
      NoticeRequestFromJson(R"({"kind":"warning","providers":[{"creditCode":"91410700MA45KJ2R7F",)"
                            R"("name":"新乡市牧野智造数字科技有限公司"}],"ground":3,)"
                            R"("facts":"未按要求报送材料。"})"),
      ActorOf(pki().bureau()));
  EXPECT_EQ(warning.decision.document_id, "NTC-2026-0002");
  EXPECT_EQ(pilot_->LoggedEvents(), logged + 1);
}

TEST_F(PilotTest, ACrashBetweenArchivingAndLoggingIsReconciledAtOpen) {
  clock_.Set(D(2026, 2, 20));
  MustAccept(Application(), pki().provider());
  Open([] { throw std::runtime_error("crash"); });
  clock_.Set(D(2026, 2, 25));
  EXPECT_THROW(pilot_->Submit(County(), ActorOf(pki().county())), std::runtime_error);
  EXPECT_EQ(store_->Count(), 2u);  // archived, not logged
  EXPECT_EQ(pilot_->LoggedEvents(), 1u);
  // The broken pilot refuses to go on until reopened.
  EXPECT_EQ(StatusOf([&] { pilot_->Tick(); }), 500);

  clock_.Set(D(2026, 2, 28));
  Open();
  EXPECT_EQ(pilot_->LoggedEvents(), 2u);
  EXPECT_EQ(ProviderState(), "recommended");
  pilot_->Read([&](const Engine& engine) {
    const Provider* p = engine.FindProvider(pki().provider().code);
    ASSERT_NE(p, nullptr);
    ASSERT_FALSE(p->history.empty());
    EXPECT_EQ(p->history.back().on, D(2026, 2, 25));  // the day it was archived
  });
  // And the state goes on from there, also after another restart.
  clock_.Set(D(2026, 3, 1));
  MustAccept(Expert(), pki().expert());
  Open();
  EXPECT_EQ(ProviderState(), "expert-reviewed");
  EXPECT_EQ(pilot_->LoggedEvents(), 3u);
}

TEST_F(PilotTest, WhenArchivingFailsTheTransitionIsTakenBackAndTheRestGoesOn) {
  clock_.Set(D(2026, 2, 20));
  MustAccept(Application(), pki().provider());
  clock_.Set(D(2026, 2, 25));
  const std::string county = County();
  fail_archive_ = true;
  EXPECT_ANY_THROW(pilot_->Submit(county, ActorOf(pki().county())));
  fail_archive_ = false;
  // Not archived, so not applied: the state is as before and the same document goes in again.
  EXPECT_EQ(ProviderState(), "applied");
  EXPECT_EQ(store_->Count(), 1u);
  EXPECT_EQ(pilot_->LoggedEvents(), 1u);
  MustAccept(county, pki().county());
  EXPECT_EQ(ProviderState(), "recommended");
  Open();
  EXPECT_EQ(ProviderState(), "recommended");
  EXPECT_EQ(pilot_->LoggedEvents(), 2u);
}

// Two transitions in flight: the first one's archiving fails after the second was applied on top
// of it and archived. The second must not take effect either (it may depend on the first): its
// caller gets an error, its record a "void" line, and the state is rebuilt from the log.
TEST_F(PilotTest, ALaterTransitionInFlightWhenAnEarlierOneFailsIsVoided) {
  std::promise<void> first_in_put, second_archived, release_first;
  std::shared_future<void> release = release_first.get_future().share();
  std::atomic<int> puts{0};
  after_blob_ = [&] {
    const int n = puts++;
    if (n == 0) {
      first_in_put.set_value();
      release.wait();
      throw std::runtime_error("disk full");
    }
    second_archived.set_value();
  };
  clock_.Set(D(2026, 2, 20));
  const std::string first = Application();
  const std::string second = pki().RenderAndSign(
      testing::Swap(testing::Swap(testing::ApplicationXml("APP-2026-0002"),
                                  "<creditCode>91410700MA45KJ2R7F</creditCode>",
                                  "<creditCode>91410700MA9F3K2L1U</creditCode>"),
                    "<name>新乡市牧野智造数字科技有限公司</name>",
                    "<name>河南平原云联信息技术有限公司</name>"),
      {{"provider", &pki().provider2()}});
  auto a = std::async(std::launch::async,
                      [&] { return pilot_->Submit(first, ActorOf(pki().provider())); });
  first_in_put.get_future().wait();
  auto b = std::async(std::launch::async,
                      [&] { return pilot_->Submit(second, ActorOf(pki().provider2())); });
  second_archived.get_future().wait();
  release_first.set_value();
  EXPECT_ANY_THROW(a.get());
  try {
    b.get();
    ADD_FAILURE() << "the second transition took effect";
  } catch (const PilotError& e) {
    EXPECT_EQ(e.status, 500);
  }
  after_blob_ = nullptr;
  EXPECT_EQ(store_->Count(), 1u);  // the second is archived, the first is not
  EXPECT_EQ(pilot_->LoggedEvents(), 0u);
  pilot_->Read([&](const Engine& engine) { EXPECT_TRUE(engine.providers().empty()); });
  // Recovered: both go in again.
  MustAccept(first, pki().provider());
  MustAccept(second, pki().provider2());
  Open();
  EXPECT_EQ(pilot_->LoggedEvents(), 2u);
  pilot_->Read([&](const Engine& engine) { EXPECT_EQ(engine.providers().size(), 2u); });
  EXPECT_NE(ReadFile(dir_.path() + "/workflow/events.log").find("\"void\""), std::string::npos);
}

TEST_F(PilotTest, ATornLastLineIsDroppedAndTheRestReplays) {
  clock_.Set(D(2026, 2, 20));
  MustAccept(Application(), pki().provider());
  pilot_.reset();
  const std::string log = dir_.path() + "/workflow/events.log";
  {
    std::ofstream out(log, std::ios::app | std::ios::binary);
    out << R"({"seq":2,"on":"2026-02-2)";
  }
  Open();
  EXPECT_EQ(pilot_->LoggedEvents(), 1u);
  EXPECT_EQ(ProviderState(), "applied");
  EXPECT_EQ(ReadFile(log).back(), '\n');
}

TEST_F(PilotTest, ALogNamingARecordTheArchiveLacksIsRefusedAtOpen) {
  clock_.Set(D(2026, 2, 20));
  MustAccept(Application(), pki().provider());
  pilot_.reset();
  const std::string log = dir_.path() + "/workflow/events.log";
  WriteFile(log, ReadFile(log) + R"({"seq":2,"on":"2026-02-21","record":"nope"})" + "\n");
  try {
    Open();
    FAIL() << "opened";
  } catch (const PilotError& e) {
    EXPECT_EQ(e.status, 500);
    EXPECT_NE(e.detail_en.find("line 2"), std::string::npos) << e.detail_en;
  }
}

}  // namespace
}  // namespace sealflow::workflow
