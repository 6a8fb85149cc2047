// Copyright sealflow authors.
// Time-stamping the audit head with the test TSA (tests/data/pki/tsa.*): periodic by an injected
// clock, stored as audit entries, verified against the TSA's root.
#include "archive/timestamps.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "archive/error.h"
#include "archive/store.h"
#include "signing/timestamp.h"
#include "support/test_support.h"

namespace sealflow::archive {
namespace {

using namespace Poco::Data::Keywords;
using sealflow::testing::FixedNow;
using sealflow::testing::ReadFile;
using sealflow::testing::TempDir;
using sealflow::testing::TestDataPath;

NewDocument Meta() {
  NewDocument meta;
  meta.form_type = "progress-report";
  meta.document_id = "PR-1";
  meta.party_kind = "enterprise";
  meta.party_code = "91410700MA46B7HW2D";
  meta.party_name = "新乡市豫飞起重设备有限公司";
  meta.phase = Phase::kDuring;
  meta.signers = {"CN=signer"};
  meta.verdict = "VALID";
  return meta;
}

class TimestampsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions options;
    options.data_dir = dir_.File("data");
    options.clock = [this] { return now_; };
    store_ = DocumentStore::Open(options);
    signing::TimestampAuthorityOptions tsa_options;
    tsa_options.clock = [this] { return now_; };
    tsa_ = signing::TimestampAuthority::FromPem(TestDataPath("pki/tsa.key"),
                                                TestDataPath("pki/tsa.pem"), "", tsa_options);
    client_ = signing::TimestampClient::InProcess(*tsa_);
    anchors_ = {ReadFile(TestDataPath("pki/root-ca.pem"))};
  }

  HeadTimestamperOptions Options() {
    HeadTimestamperOptions options;
    options.timestamp = [this](const std::string& head_hash) {
      ++asked_;
      return client_->Timestamp(signing::Sha256(head_hash));
    };
    options.interval = std::chrono::seconds(600);
    options.clock = [this] { return now_; };
    options.background = false;
    return options;
  }

  TempDir dir_;
  std::chrono::system_clock::time_point now_ = FixedNow();
  std::unique_ptr<DocumentStore> store_;
  std::unique_ptr<signing::TimestampAuthority> tsa_;
  std::unique_ptr<signing::TimestampClient> client_;
  std::vector<std::string> anchors_;
  int asked_ = 0;
};

TEST_F(TimestampsTest, HeadIsTimestampedEveryIntervalWhenThereIsSomethingNew) {
  HeadTimestamper stamper(*store_, Options());
  EXPECT_FALSE(stamper.Tick().has_value());  // empty log: nothing to cover, TSA not asked
  EXPECT_EQ(asked_, 0);

  store_->Put("doc 1", Meta());
  store_->Put("doc 2", Meta());
  std::optional<AuditEntry> first = stamper.Tick();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->seq, 3u);
  EXPECT_EQ(first->action, "timestamp");
  EXPECT_EQ(first->record_id, "head:2");
  std::string covered;
  store_->ForEachAuditEntry(2, 2, [&](const AuditEntry& e) { covered = e.entry_hash; });
  EXPECT_EQ(first->sha256, covered);

  store_->Put("doc 3", Meta());
  now_ += std::chrono::seconds(599);
  EXPECT_FALSE(stamper.Tick().has_value());  // within the interval
  now_ += std::chrono::seconds(1);
  std::optional<AuditEntry> second = stamper.Tick();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->record_id, "head:4");
  now_ += std::chrono::seconds(600);
  EXPECT_FALSE(stamper.Tick().has_value());  // the head is that timestamp: nothing new
  EXPECT_EQ(asked_, 2);

  AuditCheck chain = store_->VerifyAudit();
  EXPECT_TRUE(chain.ok) << ::testing::PrintToString(chain.findings);
  EXPECT_EQ(chain.entries, 5u);
  AuditTimestampCheck tokens = VerifyAuditTimestamps(*store_, anchors_, now_);
  EXPECT_TRUE(tokens.ok()) << ::testing::PrintToString(tokens.findings);
  EXPECT_EQ(tokens.tokens, 2u);
  EXPECT_EQ(tokens.valid, 2u);
  EXPECT_EQ(tokens.latest_covered_seq, 4u);
  EXPECT_EQ(tokens.latest_gen_time, "2026-03-01T08:10:00Z");
}

TEST_F(TimestampsTest, TokenFromAnUntrustedTsaOrOverOtherDataFails) {
  HeadTimestamper stamper(*store_, Options());
  store_->Put("doc 1", Meta());
  ASSERT_TRUE(stamper.Tick().has_value());
  // Another root: the TSA does not chain to it.
  AuditTimestampCheck other =
      VerifyAuditTimestamps(*store_, {ReadFile(TestDataPath("pki/other-ca.pem"))}, now_);
  EXPECT_FALSE(other.ok());
  EXPECT_EQ(other.valid, 0u);

  // A token over something else, stored for the next head.
  store_->Put("doc 2", Meta());
  now_ += std::chrono::hours(1);
  HeadTimestamperOptions lying = Options();
  lying.timestamp = [this](const std::string&) {
    return client_->Timestamp(signing::Sha256("not the head"));
  };
  HeadTimestamper liar(*store_, lying);
  ASSERT_TRUE(liar.Tick().has_value());
  AuditTimestampCheck check = VerifyAuditTimestamps(*store_, anchors_, now_);
  EXPECT_FALSE(check.ok());
  EXPECT_EQ(check.tokens, 2u);
  EXPECT_EQ(check.valid, 1u);
}

TEST_F(TimestampsTest, TokensAreAppendOnly) {
  HeadTimestamper stamper(*store_, Options());
  store_->Put("doc 1", Meta());
  ASSERT_TRUE(stamper.Tick().has_value());
  Poco::Data::SQLite::Connector::registerConnector();
  Poco::Data::Session session("SQLite", dir_.File("data/catalog.db"));
  EXPECT_ANY_THROW((session << "UPDATE audit_tokens SET token = '00'", now));
  EXPECT_ANY_THROW((session << "DELETE FROM audit_tokens", now));
  EXPECT_FALSE(store_->AuditTimestampToken(2).empty());
  EXPECT_TRUE(store_->AuditTimestampToken(1).empty());
}

TEST_F(TimestampsTest, FailingTsaAppendsNothing) {
  HeadTimestamperOptions options = Options();
  options.timestamp = [](const std::string&) -> std::string {
    throw std::runtime_error("TSA unreachable");
  };
  HeadTimestamper stamper(*store_, options);
  store_->Put("doc 1", Meta());
  EXPECT_THROW(stamper.Tick(), std::runtime_error);
  EXPECT_EQ(store_->AuditHead()->seq, 1u);
}

}  // namespace
}  // namespace sealflow::archive
