// Copyright sealflow authors.
#include "archive/store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "archive/error.h"
#include "backend.h"
#include "support/test_support.h"

namespace sealflow::archive {
namespace {

namespace fs = std::filesystem;
using sealflow::testing::CatalogBackend;
using sealflow::testing::CatalogBackendName;
using sealflow::testing::FixedNow;
using sealflow::testing::PgDatabase;
using sealflow::testing::TempDir;

constexpr const char* kDocumentOne = "%PDF-1.7 test document one\n";
// Its SHA-256, computed with `sha256sum`.
constexpr const char* kDocumentOneSha256 =
    "dd6f9b5f6b3fef4550810081a71d1ed42b6240a02def6319f1a9f5ead054fcd2";

// Files being written (tmp/ and <xx>/.tmp-*) anywhere under the blob folder.
int TemporaryFiles(const std::string& blobs) {
  int count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(blobs)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() &&
        (name.rfind(".tmp-", 0) == 0 || entry.path().parent_path().filename() == "tmp")) {
      ++count;
    }
  }
  return count;
}

NewDocument SampleMeta() {
  NewDocument meta;
  meta.form_type = "application";
  meta.document_id = "SQ-2026-0001";
  meta.party_kind = "provider";
  meta.party_code = "91410700MA44XXXXXX";
  meta.party_name = "新乡市数智科技有限公司";
  meta.phase = Phase::kProvider;
  meta.signers = {"CN=张三,O=新乡市数智科技有限公司", "CN=County Reviewer"};
  meta.verdict = "VALID";
  return meta;
}

// Every store test runs against both catalog backends.
class StoreTest : public ::testing::TestWithParam<CatalogBackend> {
 protected:
  StoreOptions Options() {
    StoreOptions options;
    options.data_dir = dir_.File("data");
    options.clock = FixedNow;
    if (GetParam() == CatalogBackend::kPostgreSQL) {
      if (!pg_) pg_ = std::make_unique<PgDatabase>();
      options.catalog = pg_->url();
    }
    return options;
  }
  std::string BlobsDir() const { return dir_.File("data/blobs"); }

  TempDir dir_;
  std::unique_ptr<PgDatabase> pg_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::Values(CatalogBackend::kSQLite, CatalogBackend::kPostgreSQL),
                         CatalogBackendName);

TEST_P(StoreTest, OpenCreatesLayout) {
  auto store = DocumentStore::Open(Options());
  EXPECT_TRUE(fs::is_directory(dir_.File("data/blobs/tmp")));
  // The SQLite catalog lives in the data folder; a PostgreSQL one does not.
  EXPECT_EQ(fs::is_regular_file(dir_.File("data/catalog.db")),
            GetParam() == CatalogBackend::kSQLite);
  EXPECT_EQ(store->Count(), 0u);
  EXPECT_EQ(store->BlobCount(), 0u);
  EXPECT_EQ(store->SweptAtOpen(), 0u);
}

TEST_P(StoreTest, OpenWithoutDataDirThrows) {
  StoreOptions options;
  try {
    DocumentStore::Open(options);
    FAIL() << "expected ArchiveError";
  } catch (const ArchiveError& e) {
    EXPECT_EQ(e.code(), ArchiveErrorCode::kArgument);
  }
}

TEST_P(StoreTest, SecondOpenOfTheSameDirectoryIsRefused) {
  auto store = DocumentStore::Open(Options());
  try {
    DocumentStore::Open(Options());
    FAIL() << "expected ArchiveError";
  } catch (const ArchiveError& e) {
    EXPECT_EQ(e.code(), ArchiveErrorCode::kIo);
  }
  store.reset();
  EXPECT_NO_THROW(DocumentStore::Open(Options()));
}

TEST_P(StoreTest, PutGetRoundTrip) {
  StoreOptions options = Options();
  options.id_source = [] { return std::string("rec-1"); };
  auto store = DocumentStore::Open(options);

  DocumentRecord put = store->Put(kDocumentOne, SampleMeta());
  EXPECT_EQ(put.id, "rec-1");
  EXPECT_EQ(put.sha256, kDocumentOneSha256);
  EXPECT_EQ(put.size, std::string(kDocumentOne).size());
  EXPECT_EQ(put.stored_at, "2026-03-01T08:00:00Z");
  EXPECT_EQ(put.form_type, "application");
  EXPECT_EQ(put.phase, Phase::kProvider);

  std::optional<DocumentRecord> got = store->Get("rec-1");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->id, put.id);
  EXPECT_EQ(got->form_type, put.form_type);
  EXPECT_EQ(got->document_id, put.document_id);
  EXPECT_EQ(got->party_kind, put.party_kind);
  EXPECT_EQ(got->party_code, put.party_code);
  EXPECT_EQ(got->party_name, put.party_name);
  EXPECT_EQ(got->phase, put.phase);
  EXPECT_EQ(got->sha256, put.sha256);
  EXPECT_EQ(got->size, put.size);
  EXPECT_EQ(got->signers, put.signers);
  EXPECT_EQ(got->verdict, "VALID");
  EXPECT_EQ(got->stored_at, put.stored_at);

  EXPECT_EQ(store->ReadBytes(*got), kDocumentOne);
  // Content addressing: the blob is named by its hash under its first two hex digits.
  const std::string blob = BlobsDir() + "/" + put.sha256.substr(0, 2) + "/" + put.sha256;
  EXPECT_EQ(sealflow::testing::ReadFile(blob), kDocumentOne);
  auto sum = sealflow::testing::Run("sha256sum " + blob);
  EXPECT_EQ(sum.output.substr(0, 64), put.sha256);

  EXPECT_FALSE(store->Get("no-such-id").has_value());
  EXPECT_EQ(store->Count(), 1u);
  EXPECT_EQ(store->BlobCount(), 1u);
}

TEST_P(StoreTest, DefaultIdsAreRandom128BitHex) {
  auto store = DocumentStore::Open(Options());
  DocumentRecord a = store->Put("a", SampleMeta());
  DocumentRecord b = store->Put("b", SampleMeta());
  EXPECT_EQ(a.id.size(), 32u);
  EXPECT_EQ(a.id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a.id, b.id);
}

TEST_P(StoreTest, IdenticalBytesTwiceMakeTwoRecordsOneBlob) {
  auto store = DocumentStore::Open(Options());
  DocumentRecord first = store->Put(kDocumentOne, SampleMeta());
  DocumentRecord second = store->Put(kDocumentOne, SampleMeta());
  EXPECT_NE(first.id, second.id);
  EXPECT_EQ(first.sha256, second.sha256);
  EXPECT_EQ(store->Count(), 2u);
  EXPECT_EQ(store->BlobCount(), 1u);
}

TEST_P(StoreTest, ReopenKeepsRecords) {
  std::string id;
  {
    auto store = DocumentStore::Open(Options());
    id = store->Put(kDocumentOne, SampleMeta()).id;
    store->Put("another document", SampleMeta());
  }
  auto store = DocumentStore::Open(Options());
  EXPECT_EQ(store->SweptAtOpen(), 0u);
  EXPECT_EQ(store->Count(), 2u);
  EXPECT_EQ(store->BlobCount(), 2u);
  std::optional<DocumentRecord> record = store->Get(id);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->party_name, "新乡市数智科技有限公司");
  EXPECT_EQ(store->ReadBytes(*record), kDocumentOne);
}

// A crash between the durable blob write and the catalog insert: the child process dies inside
// the hook; the next Open() must find no record and sweep the orphan blob.
TEST_P(StoreTest, CrashBetweenBlobAndCatalogLeavesNothingAfterReopen) {
  // "fast" (fork) style: the child must share this test's temporary folder; the "threadsafe"
  // style would re-run the fixture in a fresh process with a different folder.
  GTEST_FLAG_SET(death_test_style, "fast");
  StoreOptions options = Options();
  options.after_blob_written = [] { _exit(3); };
  EXPECT_EXIT(
      {
        auto store = DocumentStore::Open(options);
        store->Put(kDocumentOne, SampleMeta());
      },
      ::testing::ExitedWithCode(3), "");

  // The child got as far as the blob folder.
  std::uint64_t blob_files = 0;
  for (const auto& sub : fs::directory_iterator(BlobsDir())) {
    if (sub.path().filename() == "tmp") continue;
    for (const auto& file : fs::directory_iterator(sub.path())) {
      (void)file;
      ++blob_files;
    }
  }
  ASSERT_EQ(blob_files, 1u);

  auto store = DocumentStore::Open(Options());
  EXPECT_EQ(store->Count(), 0u);
  EXPECT_EQ(store->BlobCount(), 0u);
  EXPECT_EQ(store->SweptAtOpen(), 1u);
}

TEST_P(StoreTest, ThrowingHookStoresNothing) {
  StoreOptions options = Options();
  options.after_blob_written = [] { throw std::runtime_error("injected fault"); };
  auto store = DocumentStore::Open(options);
  try {
    store->Put(kDocumentOne, SampleMeta());
    FAIL() << "expected ArchiveError";
  } catch (const ArchiveError& e) {
    EXPECT_NE(std::string(e.what()).find("injected fault"), std::string::npos) << e.what();
  }
  EXPECT_EQ(store->Count(), 0u);
  EXPECT_EQ(store->BlobCount(), 0u);
  EXPECT_EQ(TemporaryFiles(BlobsDir()), 0);
}

// A failing Put of bytes that an earlier record already stores must not remove that blob.
TEST_P(StoreTest, FailedPutKeepsBlobOfExistingRecord) {
  bool fail = false;
  StoreOptions options = Options();
  options.after_blob_written = [&fail] {
    if (fail) throw std::runtime_error("injected fault");
  };
  auto store = DocumentStore::Open(options);
  DocumentRecord kept = store->Put(kDocumentOne, SampleMeta());
  fail = true;
  EXPECT_THROW(store->Put(kDocumentOne, SampleMeta()), ArchiveError);
  EXPECT_EQ(store->Count(), 1u);
  EXPECT_EQ(store->BlobCount(), 1u);
  EXPECT_EQ(store->ReadBytes(kept), kDocumentOne);
}

TEST_P(StoreTest, DuplicateIdIsCatalogErrorAndLeavesNoBlob) {
  StoreOptions options = Options();
  options.id_source = [] { return std::string("same-id"); };
  auto store = DocumentStore::Open(options);
  store->Put("first", SampleMeta());
  try {
    store->Put("second, different bytes", SampleMeta());
    FAIL() << "expected ArchiveError";
  } catch (const ArchiveError& e) {
    EXPECT_EQ(e.code(), ArchiveErrorCode::kCatalog);
  }
  EXPECT_EQ(store->Count(), 1u);
  EXPECT_EQ(store->BlobCount(), 1u);
}

TEST_P(StoreTest, TemporaryLeftoversAndOrphansAreSweptAtOpen) {
  std::string kept_sha;
  {
    auto store = DocumentStore::Open(Options());
    kept_sha = store->Put(kDocumentOne, SampleMeta()).sha256;
  }
  sealflow::testing::WriteFile(BlobsDir() + "/tmp/half-written", "partial");
  const std::string orphan(64, 'a');
  fs::create_directories(BlobsDir() + "/aa");
  sealflow::testing::WriteFile(BlobsDir() + "/aa/" + orphan, "nobody's");
  // A blob being written beside its final name when the process stopped.
  sealflow::testing::WriteFile(BlobsDir() + "/aa/.tmp-0123456789abcdef", "half a blob");

  auto store = DocumentStore::Open(Options());
  EXPECT_TRUE(fs::is_empty(BlobsDir() + "/tmp"));
  EXPECT_FALSE(fs::exists(BlobsDir() + "/aa/" + orphan));
  EXPECT_FALSE(fs::exists(BlobsDir() + "/aa/.tmp-0123456789abcdef"));
  EXPECT_EQ(store->SweptAtOpen(), 1u);
  EXPECT_EQ(store->BlobCount(), 1u);
  EXPECT_TRUE(fs::exists(BlobsDir() + "/" + kept_sha.substr(0, 2) + "/" + kept_sha));
}

TEST_P(StoreTest, CorruptBlobIsNotServed) {
  auto store = DocumentStore::Open(Options());
  DocumentRecord record = store->Put(kDocumentOne, SampleMeta());
  const std::string blob = BlobsDir() + "/" + record.sha256.substr(0, 2) + "/" + record.sha256;
  std::string bytes = kDocumentOne;
  bytes[3] = 'X';
  sealflow::testing::WriteFile(blob, bytes);
  EXPECT_THROW(store->ReadBytes(record), ArchiveError);
  fs::remove(blob);
  try {
    store->ReadBytes(record);
    FAIL() << "expected ArchiveError";
  } catch (const ArchiveError& e) {
    EXPECT_EQ(e.code(), ArchiveErrorCode::kNotFound);
  }
}

TEST_P(StoreTest, ConcurrentPutsFromEightThreadsAllLand) {
  auto store = DocumentStore::Open(Options());
  constexpr int kThreads = 8;
  constexpr int kPerThread = 10;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        try {
          // Half the documents are shared between threads, so claims on one blob overlap.
          std::string bytes = i % 2 == 0
                                  ? "shared document " + std::to_string(i)
                                  : "thread " + std::to_string(t) + " doc " + std::to_string(i);
          DocumentRecord record = store->Put(bytes, SampleMeta());
          if (store->ReadBytes(record) != bytes) ++failures;
        } catch (const std::exception& e) {
          ++failures;
          ADD_FAILURE() << e.what();
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(store->Count(), static_cast<std::uint64_t>(kThreads * kPerThread));
  // 5 shared documents + 8 * 5 per-thread ones.
  EXPECT_EQ(store->BlobCount(), 5u + kThreads * 5u);
}

// Both ways of making blobs durable store the same thing: the default (one syncfs per group,
// by the writer) and per-blob fsyncs (file and folder, in each Put's thread).
class BlobSyncTest : public ::testing::TestWithParam<StoreOptions::BlobSync> {};

TEST_P(BlobSyncTest, ConcurrentPutsLandAndSurviveReopen) {
  TempDir dir;
  StoreOptions options;
  options.data_dir = dir.File("data");
  options.clock = FixedNow;
  options.blob_sync = GetParam();
  std::vector<std::string> ids(24);
  {
    auto store = DocumentStore::Open(options);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = t; i < 24; i += 4) {
          // Every third document is the same bytes: one blob, several records.
          std::string bytes = i % 3 == 0 ? "same bytes" : "document " + std::to_string(i);
          ids[static_cast<std::size_t>(i)] = store->Put(bytes, SampleMeta()).id;
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(store->Count(), 24u);
    EXPECT_EQ(store->BlobCount(), 17u);  // 16 distinct documents + the shared one
  }
  auto reopened = DocumentStore::Open(options);
  EXPECT_EQ(reopened->SweptAtOpen(), 0u);
  for (int i = 0; i < 24; ++i) {
    std::optional<DocumentRecord> record = reopened->Get(ids[static_cast<std::size_t>(i)]);
    ASSERT_TRUE(record.has_value()) << i;
    EXPECT_EQ(reopened->ReadBytes(*record),
              i % 3 == 0 ? std::string("same bytes") : "document " + std::to_string(i));
  }
  EXPECT_EQ(TemporaryFiles(dir.File("data/blobs")), 0);
}

INSTANTIATE_TEST_SUITE_P(Modes, BlobSyncTest,
                         ::testing::Values(StoreOptions::BlobSync::kPerGroup,
                                           StoreOptions::BlobSync::kPerBlob),
                         [](const ::testing::TestParamInfo<StoreOptions::BlobSync>& mode) {
                           return mode.param == StoreOptions::BlobSync::kPerGroup
                                      ? std::string("PerGroup")
                                      : std::string("PerBlob");
                         });

// Group commit: while the writer holds its first group open, the other Puts queue; they are
// then committed together in one transaction, in queue order, and the audit chain holds.
TEST_P(StoreTest, QueuedPutsAreCommittedAsOneGroup) {
  constexpr int kThreads = 16;
  std::mutex mutex;
  std::condition_variable cv;
  bool release_first = false;
  std::vector<std::size_t> group_sizes;
  StoreOptions options = Options();
  options.before_group_commit = [&](std::size_t size) {
    std::unique_lock<std::mutex> lock(mutex);
    group_sizes.push_back(size);
    if (group_sizes.size() == 1) cv.wait(lock, [&] { return release_first; });
  };
  auto store = DocumentStore::Open(options);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  threads.emplace_back([&] {
    try {
      store->Put("the first document", SampleMeta());
    } catch (const std::exception&) {
      ++failures;
    }
  });
  // Wait (no timing: polling the writer's own counter) until the first group is held open.
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!group_sizes.empty()) break;
    }
    std::this_thread::yield();
  }
  for (int t = 1; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        store->Put("document " + std::to_string(t), SampleMeta());
      } catch (const std::exception&) {
        ++failures;
      }
    });
  }
  while (store->Stats().queued != kThreads - 1) std::this_thread::yield();
  {
    std::lock_guard<std::mutex> lock(mutex);
    release_first = true;
  }
  cv.notify_all();
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(group_sizes, (std::vector<std::size_t>{1, kThreads - 1}));
  WriteStats stats = store->Stats();
  EXPECT_EQ(stats.puts, static_cast<std::uint64_t>(kThreads));
  EXPECT_EQ(stats.groups, 2u);
  EXPECT_EQ(stats.max_group, static_cast<std::uint64_t>(kThreads - 1));
  EXPECT_EQ(stats.queued, 0u);
  EXPECT_EQ(store->Count(), static_cast<std::uint64_t>(kThreads));
  AuditCheck audit = store->VerifyAudit();
  EXPECT_TRUE(audit.ok) << (audit.findings.empty() ? "" : audit.findings.front());
  EXPECT_EQ(audit.entries, static_cast<std::uint64_t>(kThreads));
}

// One Put refused inside a group (its supersedes target is already superseded by an earlier
// Put of the same group) does not take the rest of the group down with it.
TEST_P(StoreTest, RefusedPutInAGroupLeavesTheOthersCommitted) {
  std::mutex mutex;
  std::condition_variable cv;
  bool release_first = false;
  int groups = 0;
  StoreOptions options = Options();
  options.before_group_commit = [&](std::size_t) {
    std::unique_lock<std::mutex> lock(mutex);
    if (++groups == 2) cv.wait(lock, [&] { return release_first; });
  };
  auto store = DocumentStore::Open(options);
  DocumentRecord original = store->Put("original", SampleMeta());
  NewDocument correction = SampleMeta();
  correction.supersedes = original.id;

  std::vector<std::thread> threads;
  threads.emplace_back([&] { store->Put("blocker", SampleMeta()); });
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (groups == 2) break;
    }
    std::this_thread::yield();
  }
  std::atomic<int> corrected{0};
  std::atomic<int> conflicts{0};
  auto correct = [&](std::string bytes) {
    try {
      store->Put(bytes, correction);
      ++corrected;
    } catch (const ArchiveError& e) {
      if (e.code() == ArchiveErrorCode::kConflict) ++conflicts;
    }
  };
  threads.emplace_back(correct, "correction A");
  threads.emplace_back(correct, "correction B");
  threads.emplace_back([&] { store->Put("bystander", SampleMeta()); });
  while (store->Stats().queued != 3) std::this_thread::yield();
  {
    std::lock_guard<std::mutex> lock(mutex);
    release_first = true;
  }
  cv.notify_all();
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(corrected.load(), 1);
  EXPECT_EQ(conflicts.load(), 1);
  EXPECT_EQ(store->Stats().max_group, 3u);
  EXPECT_EQ(store->Count(), 4u);      // original, blocker, one correction, bystander
  EXPECT_EQ(store->BlobCount(), 4u);  // the refused correction's blob is gone
  EXPECT_TRUE(store->VerifyAudit().ok);
}

TEST(RecordJsonTest, StableKeyOrderAndCamelCase) {
  DocumentRecord record;
  record.id = "r1";
  record.form_type = "application";
  record.document_id = "SQ-1";
  record.party_kind = "provider";
  record.party_code = "CODE";
  record.party_name = "名称";
  record.phase = Phase::kBefore;
  record.sha256 = "ab";
  record.size = 12;
  record.signers = {"CN=a", "CN=\"b\""};
  record.verdict = "VALID";
  record.stored_at = "2026-03-01T08:00:00Z";
  EXPECT_EQ(RecordToJson(record),
            "{\"id\":\"r1\",\"formType\":\"application\",\"documentId\":\"SQ-1\","
            "\"partyKind\":\"provider\",\"partyCode\":\"CODE\",\"partyName\":\"名称\","
            "\"phase\":\"before\",\"sha256\":\"ab\",\"size\":12,"
            "\"signers\":[\"CN=a\",\"CN=\\\"b\\\"\"],\"verdict\":\"VALID\","
            "\"storedAt\":\"2026-03-01T08:00:00Z\",\"supersedes\":\"\"}");
}

TEST(PhaseTest, NamesRoundTrip) {
  for (Phase phase : {Phase::kProvider, Phase::kBefore, Phase::kDuring, Phase::kAfter}) {
    EXPECT_EQ(ParsePhase(PhaseName(phase)), phase);
  }
  EXPECT_FALSE(ParsePhase("later").has_value());
}

}  // namespace
}  // namespace sealflow::archive
