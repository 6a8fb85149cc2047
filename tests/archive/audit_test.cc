// Copyright sealflow authors.
// The archive's audit log, immutability, supersedes, search paging and fixity.
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "archive/error.h"
#include "archive/store.h"
#include "backend.h"
#include "support/test_support.h"

namespace sealflow::archive {
namespace {

namespace fs = std::filesystem;
using namespace Poco::Data::Keywords;
using sealflow::testing::CatalogBackend;
using sealflow::testing::CatalogBackendName;
using sealflow::testing::FixedNow;
using sealflow::testing::PgDatabase;
using sealflow::testing::TempDir;

NewDocument Meta(const std::string& code, const std::string& form_type, Phase phase,
                 const std::string& name = "新乡市豫飞起重设备有限公司") {
  NewDocument meta;
  meta.form_type = form_type;
  meta.document_id = form_type + "-1";
  meta.party_kind = "enterprise";
  meta.party_code = code;
  meta.party_name = name;
  meta.phase = phase;
  meta.signers = {"CN=signer"};
  meta.verdict = "VALID";
  meta.actor = "test";
  return meta;
}

// Every audit test runs against both catalog backends.
class AuditTest : public ::testing::TestWithParam<CatalogBackend> {
 protected:
  bool postgres() const { return GetParam() == CatalogBackend::kPostgreSQL; }

  StoreOptions Options() {
    StoreOptions options;
    options.data_dir = dir_.File("data");
    if (postgres()) {
      if (!pg_) pg_ = std::make_unique<PgDatabase>();
      options.catalog = pg_->url();
    }
    // One second per call, so stored_at orders records and ids are predictable.
    options.clock = [this] { return FixedNow() + std::chrono::seconds(tick_++); };
    options.id_source = [this] {
      char id[16];
      std::snprintf(id, sizeof id, "rec-%04d", next_id_++);
      return std::string(id);
    };
    return options;
  }

  // Runs SQL on the catalog directly, as someone with file (or superuser) access could. Throws
  // if the catalog refuses it.
  void Sql(const std::string& sql) {
    if (postgres()) {
      if (!pg_->Sql(sql)) throw std::runtime_error("refused: " + sql);
      return;
    }
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::Session session("SQLite", dir_.File("data/catalog.db"));
    session << sql, now;
  }

  // Someone with that access drops the guard against UPDATE and DELETE on a table.
  void DropGuard(const std::string& table) {
    if (postgres()) {
      Sql("ALTER TABLE " + table + " DISABLE TRIGGER USER");
      return;
    }
    const std::string prefix = table == "audit_log" ? "audit" : table;
    Sql("DROP TRIGGER " + prefix + "_immutable_update");
    Sql("DROP TRIGGER " + prefix + "_immutable_delete");
  }

  TempDir dir_;
  std::unique_ptr<PgDatabase> pg_;
  int tick_ = 0;
  int next_id_ = 1;
};

INSTANTIATE_TEST_SUITE_P(Backends, AuditTest,
                         ::testing::Values(CatalogBackend::kSQLite, CatalogBackend::kPostgreSQL),
                         CatalogBackendName);

TEST_P(AuditTest, EveryPutAppendsAChainedEntry) {
  auto store = DocumentStore::Open(Options());
  EXPECT_FALSE(store->AuditHead().has_value());
  DocumentRecord a = store->Put("doc a", Meta("C1", "diagnostic-report", Phase::kBefore));
  DocumentRecord b = store->Put("doc b", Meta("C2", "diagnostic-report", Phase::kBefore));
  std::vector<AuditEntry> entries;
  store->ForEachAuditEntry(1, 0, [&](const AuditEntry& e) { entries.push_back(e); });
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].seq, 1u);
  EXPECT_EQ(entries[0].prev_hash, AuditGenesisHash());
  EXPECT_EQ(entries[0].record_id, a.id);
  EXPECT_EQ(entries[0].sha256, a.sha256);
  EXPECT_EQ(entries[0].action, "ingest");
  EXPECT_EQ(entries[0].actor, "test");
  EXPECT_EQ(entries[0].time, a.stored_at);
  EXPECT_EQ(entries[1].prev_hash, entries[0].entry_hash);
  EXPECT_EQ(entries[1].entry_hash,
            AuditEntryHash(2, entries[0].entry_hash, AuditContentHash(entries[1])));
  EXPECT_EQ(store->AuditHead()->seq, 2u);
  AuditCheck check = store->VerifyAudit();
  EXPECT_TRUE(check.ok) << ::testing::PrintToString(check.findings);
  EXPECT_EQ(check.entries, 2u);
  EXPECT_EQ(check.head_hash, entries[1].entry_hash);
  (void)b;
}

// The canonical encoding is fixed: a change to it would orphan every archived chain.
TEST_P(AuditTest, CanonicalEncodingIsStable) {
  AuditEntry entry;
  entry.time = "2026-03-01T08:00:00Z";
  entry.actor = "a";
  entry.action = "ingest";
  entry.record_id = "r";
  entry.sha256 = std::string(64, 'b');
  std::string content = AuditContentHash(entry);
  // printf 'sealflow-audit-content-v1\n20:2026-03-01T08:00:00Z,1:a,6:ingest,1:r,64:bbb...b,'
  std::string expected_content =
      sealflow::testing::Run(
          "printf 'sealflow-audit-content-v1\\n20:2026-03-01T08:00:00Z,1:a,6:ingest,1:r,64:" +
          std::string(64, 'b') + ",' | sha256sum")
          .output.substr(0, 64);
  EXPECT_EQ(content, expected_content);
  std::string expected_entry =
      sealflow::testing::Run("printf 'sealflow-audit-entry-v1\\n1:1,64:" + std::string(64, '0') +
                             ",64:" + content + ",' | sha256sum")
          .output.substr(0, 64);
  EXPECT_EQ(AuditEntryHash(1, AuditGenesisHash(), content), expected_entry);
}

TEST_P(AuditTest, CatalogRefusesUpdateAndDelete) {
  {
    auto store = DocumentStore::Open(Options());
    store->Put("doc a", Meta("C1", "diagnostic-report", Phase::kBefore));
  }
  EXPECT_ANY_THROW(Sql("UPDATE documents SET party_name = 'x'"));
  EXPECT_ANY_THROW(Sql("DELETE FROM documents"));
  EXPECT_ANY_THROW(Sql("UPDATE audit_log SET actor = 'x'"));
  EXPECT_ANY_THROW(Sql("DELETE FROM audit_log"));
  if (postgres()) {
    EXPECT_ANY_THROW(Sql("TRUNCATE documents"));
    EXPECT_ANY_THROW(Sql("TRUNCATE audit_log"));
  }
  auto store = DocumentStore::Open(Options());
  EXPECT_EQ(store->Count(), 1u);
  EXPECT_TRUE(store->VerifyAudit().ok);
}

TEST_P(AuditTest, TamperedRowIsCaughtWithItsSeq) {
  {
    auto store = DocumentStore::Open(Options());
    for (int i = 0; i < 5; ++i) {
      store->Put("doc " + std::to_string(i), Meta("C1", "progress-report", Phase::kDuring));
    }
  }
  // Someone with the database file drops the guard and rewrites history.
  DropGuard("audit_log");
  Sql("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3");
  auto store = DocumentStore::Open(Options());
  AuditCheck check = store->VerifyAudit();
  EXPECT_FALSE(check.ok);
  EXPECT_EQ(check.first_broken_seq, 3u) << ::testing::PrintToString(check.findings);
}

TEST_P(AuditTest, ReplacedDocumentHashIsCaught) {
  {
    auto store = DocumentStore::Open(Options());
    store->Put("doc 1", Meta("C1", "progress-report", Phase::kDuring));
    store->Put("doc 2", Meta("C1", "progress-report", Phase::kDuring));
  }
  DropGuard("documents");
  Sql("UPDATE documents SET sha256 = '" + std::string(64, 'f') + "' WHERE id = 'rec-0002'");
  auto store = DocumentStore::Open(Options());
  AuditCheck check = store->VerifyAudit();
  EXPECT_FALSE(check.ok);
  EXPECT_EQ(check.first_broken_seq, 2u);
}

TEST_P(AuditTest, DeletedEntryIsAGap) {
  {
    auto store = DocumentStore::Open(Options());
    for (int i = 0; i < 3; ++i) store->Put("d" + std::to_string(i), Meta("C1", "x", Phase::kAfter));
  }
  DropGuard("audit_log");
  Sql("DELETE FROM audit_log WHERE seq = 2");
  auto store = DocumentStore::Open(Options());
  AuditCheck check = store->VerifyAudit();
  EXPECT_FALSE(check.ok);
  EXPECT_EQ(check.first_broken_seq, 2u);
}

// Schema 1 only ever existed in SQLite: its migration is a SQLite-only test.
class SqliteAuditTest : public AuditTest {};
INSTANTIATE_TEST_SUITE_P(Backends, SqliteAuditTest, ::testing::Values(CatalogBackend::kSQLite),
                         CatalogBackendName);

TEST_P(SqliteAuditTest, SchemaOneCatalogIsMigratedWithAuditEntries) {
  fs::create_directories(dir_.File("data/blobs"));
  Sql("CREATE TABLE schema_version (version INTEGER NOT NULL)");
  Sql("INSERT INTO schema_version VALUES (1)");
  Sql("CREATE TABLE documents (id TEXT PRIMARY KEY, form_type TEXT NOT NULL, document_id TEXT "
      "NOT NULL, party_kind TEXT NOT NULL, party_code TEXT NOT NULL, party_name TEXT NOT NULL, "
      "phase TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL, signers TEXT NOT NULL, "
      "verdict TEXT NOT NULL, stored_at TEXT NOT NULL)");
  Sql("INSERT INTO documents VALUES ('old', 'application', 'A', 'provider', 'P', 'n', "
      "'provider', '" +
      std::string(64, 'a') + "', 1, '[]', 'VALID', '2025-01-01T00:00:00Z')");
  auto store = DocumentStore::Open(Options());
  AuditCheck check = store->VerifyAudit();
  EXPECT_TRUE(check.ok) << ::testing::PrintToString(check.findings);
  EXPECT_EQ(check.entries, 1u);
  EXPECT_EQ(store->Get("old")->supersedes, "");
}

TEST_P(AuditTest, SupersedesMustNameSamePartyAndFormTypeOnce) {
  auto store = DocumentStore::Open(Options());
  DocumentRecord plan = store->Put("plan v1", Meta("C1", "transformation-plan", Phase::kBefore));
  DocumentRecord other = store->Put("other", Meta("C2", "transformation-plan", Phase::kBefore));

  NewDocument v2 = Meta("C1", "transformation-plan", Phase::kBefore);
  v2.supersedes = plan.id;
  DocumentRecord corrected = store->Put("plan v2", v2);
  EXPECT_EQ(corrected.supersedes, plan.id);
  EXPECT_EQ(store->Get(corrected.id)->supersedes, plan.id);
  EXPECT_EQ(store->SupersededBy(plan.id)->id, corrected.id);
  EXPECT_EQ(store->Get(plan.id)->id, plan.id) << "the original stays";

  auto expect_code = [&](NewDocument meta, ArchiveErrorCode code) {
    try {
      store->Put("bad correction " + meta.supersedes, meta);
      ADD_FAILURE() << "expected ArchiveError";
    } catch (const ArchiveError& e) {
      EXPECT_EQ(e.code(), code) << e.what();
    }
  };
  NewDocument missing = v2;
  missing.supersedes = "no-such-record";
  expect_code(missing, ArchiveErrorCode::kSupersedes);
  NewDocument other_party = v2;
  other_party.supersedes = other.id;
  expect_code(other_party, ArchiveErrorCode::kSupersedes);
  NewDocument other_type = Meta("C1", "contract", Phase::kDuring);
  other_type.supersedes = corrected.id;
  expect_code(other_type, ArchiveErrorCode::kSupersedes);
  NewDocument twice = v2;  // plan is already superseded by `corrected`
  expect_code(twice, ArchiveErrorCode::kConflict);
  EXPECT_EQ(store->Count(), 3u);
  EXPECT_TRUE(store->VerifyAudit().ok);
}

TEST_P(AuditTest, SearchPagesAreStableAndComplete) {
  auto store = DocumentStore::Open(Options());
  for (int i = 0; i < 25; ++i) {
    store->Put("doc " + std::to_string(i),
               Meta(i % 2 == 0 ? "C1" : "C2", i % 3 == 0 ? "contract" : "progress-report",
                    i % 3 == 0 ? Phase::kDuring : Phase::kAfter,
                    i % 2 == 0 ? "新乡市豫飞起重设备有限公司" : "新乡市恒泰起重机械有限公司"));
  }
  SearchQuery query;
  query.limit = 10;
  std::vector<std::string> seen;
  int pages = 0;
  do {
    SearchPage page = store->Search(query);
    ++pages;
    for (const DocumentRecord& r : page.records) seen.push_back(r.id);
    query.cursor = page.next_cursor;
  } while (!query.cursor.empty());
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 25u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 25u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));  // ids follow stored_at here

  // A record stored between pages lands after the cursor, never shifting earlier pages.
  SearchQuery first;
  first.limit = 5;
  SearchPage page1 = store->Search(first);
  store->Put("late", Meta("C1", "contract", Phase::kDuring));
  first.cursor = page1.next_cursor;
  SearchPage page2 = store->Search(first);
  EXPECT_EQ(page2.records.front().id, "rec-0006");

  SearchQuery filtered;
  filtered.party_code = "C1";
  filtered.form_type = "contract";
  filtered.phase = Phase::kDuring;
  filtered.limit = 500;
  for (const DocumentRecord& r : store->Search(filtered).records) {
    EXPECT_EQ(r.party_code, "C1");
    EXPECT_EQ(r.form_type, "contract");
  }
  EXPECT_EQ(store->Search(filtered).records.size(), 6u);  // i = 0, 6, 12, 18, 24 and "late"
  SearchQuery by_name;
  by_name.name_contains = "恒泰";
  by_name.limit = 500;
  EXPECT_EQ(store->Search(by_name).records.size(), 12u);
  by_name.name_contains = "%";  // literal, not a wildcard
  EXPECT_EQ(store->Search(by_name).records.size(), 0u);
  SearchQuery window;
  window.from = "2026-03-01T08:00:05Z";
  window.to = "2026-03-01T08:00:10Z";
  EXPECT_EQ(store->Search(window).records.size(), 5u);

  for (std::size_t bad_limit : {std::size_t{0}, kMaxSearchLimit + 1}) {
    SearchQuery bad;
    bad.limit = bad_limit;
    EXPECT_THROW(store->Search(bad), ArchiveError);
  }
  SearchQuery bad_cursor;
  bad_cursor.cursor = "zz";
  EXPECT_THROW(store->Search(bad_cursor), ArchiveError);
  SearchQuery bad_date;
  bad_date.from = "yesterday";
  EXPECT_THROW(store->Search(bad_date), ArchiveError);
}

TEST_P(AuditTest, PartiesListsEnterprisesByCode) {
  auto store = DocumentStore::Open(Options());
  store->Put("a", Meta("C2", "contract", Phase::kDuring, "乙"));
  store->Put("b", Meta("C1", "contract", Phase::kDuring, "甲旧名"));
  store->Put("c", Meta("C1", "progress-report", Phase::kDuring, "甲"));
  std::vector<Party> parties = store->Parties("enterprise");
  ASSERT_EQ(parties.size(), 2u);
  EXPECT_EQ(parties[0].code, "C1");
  EXPECT_EQ(parties[0].name, "甲");  // the most recent record's name
  EXPECT_EQ(parties[1].code, "C2");
  EXPECT_TRUE(store->Parties("provider").empty());
}

TEST_P(AuditTest, FixityFindsCorruptAndMissingBlobs) {
  auto store = DocumentStore::Open(Options());
  DocumentRecord a = store->Put("document a", Meta("C1", "x", Phase::kAfter));
  DocumentRecord b = store->Put("document b", Meta("C1", "x", Phase::kAfter));
  store->Put("document b", Meta("C1", "x", Phase::kAfter));  // same blob twice: checked once
  std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
  FixityCheck good = store->CheckFixity(
      [&](std::uint64_t done, std::uint64_t total) { calls.emplace_back(done, total); });
  EXPECT_TRUE(good.ok());
  EXPECT_EQ(good.blobs, 2u);
  EXPECT_EQ(good.bytes, 20u);
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back(), std::make_pair(std::uint64_t{20}, std::uint64_t{20}));

  sealflow::testing::WriteFile(store->BlobPath(a), "document A");  // same size, other bytes
  fs::remove(store->BlobPath(b));
  FixityCheck bad = store->CheckFixity();
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.corrupt, std::vector<std::string>{a.sha256});
  EXPECT_EQ(bad.missing, std::vector<std::string>{b.sha256});
}

TEST_P(AuditTest, ReadOnlyStoreReadsBesideTheWriterAndRefusesPuts) {
  auto writer = DocumentStore::Open(Options());
  writer->Put("doc", Meta("C1", "x", Phase::kAfter));
  StoreOptions options = Options();
  options.read_only = true;
  auto reader = DocumentStore::Open(options);  // no LOCK conflict
  EXPECT_EQ(reader->Count(), 1u);
  EXPECT_TRUE(reader->VerifyAudit().ok);
  EXPECT_THROW(reader->Put("more", Meta("C1", "x", Phase::kAfter)), ArchiveError);
  writer->Put("doc 2", Meta("C1", "x", Phase::kAfter));
  EXPECT_EQ(reader->Count(), 2u);

  StoreOptions nowhere;
  nowhere.data_dir = dir_.File("absent");
  nowhere.read_only = true;
  EXPECT_THROW(DocumentStore::Open(nowhere), ArchiveError);
  EXPECT_FALSE(fs::exists(dir_.File("absent"))) << "a read-only open created the folder";
}

}  // namespace
}  // namespace sealflow::archive
