// Copyright sealflow authors.
// DocumentStore: the blob folder and the catalog kept consistent. The order of a Put is what
// makes a crash harmless: blob first (durably), catalog row last, so the worst a crash leaves is
// a blob without a row, which the next Open() sweeps.
//
// Group commit. Durability costs device cache flushes, and flushes are the ingest's bottleneck:
// a fsync per blob file and another per folder is two flushes per document. So each Put writes
// its blob and renames it into place in its own thread, without fsync, and queues for the one
// writer thread. The writer takes every Put queued while it was busy, makes all their blobs
// durable with ONE syncfs(2) of the data folder's filesystem (data, inodes and folder entries,
// one flush), then commits all their rows and audit entries in one transaction (SQLite WAL with
// synchronous=FULL: one WAL fsync for the whole group; PostgreSQL: one commit flush). A row is
// committed only after its blob is durable, so a crash leaves at worst blobs without rows (or
// partial files under a final name, never catalogued), which Open() sweeps. Under load the group
// grows by itself; alone, a Put is a group of one. StoreOptions::blob_sync = kPerBlob keeps the
// per-blob fsyncs (file and folder, in the Put's thread) for filesystems where syncfs is costly.
#include "archive/store.h"

#include <Poco/Exception.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <deque>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

#include "archive/error.h"
#include "blob_folder.h"
#include "catalog.h"
#include "crypto.h"

namespace sealflow::archive {
namespace {

using internal::BlobFolder;
using internal::Catalog;

std::string IsoUtc(std::chrono::system_clock::time_point when) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  if (gmtime_r(&seconds, &utc) == nullptr) {
    throw ArchiveError(ArchiveErrorCode::kArgument, "clock returned an unrepresentable time");
  }
  char buffer[32];
  std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(buffer, n);
}

// An exclusive flock on DATA/LOCK for the store's lifetime (leveldb's LOCK file). The sweep at
// Open() removes blobs without a row; in a second process sharing the folder that would include
// blobs whose Put is between its two steps. One process per data directory, enforced.
class DataDirLock {
 public:
  explicit DataDirLock(const std::string& data_dir) {
    const std::string path = data_dir + "/LOCK";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      throw ArchiveError(ArchiveErrorCode::kIo, "open " + path + ": " + std::strerror(errno));
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      int error = errno;
      ::close(fd_);
      throw ArchiveError(ArchiveErrorCode::kIo,
                         "数据目录已被其他进程使用 / the data directory " + data_dir +
                             " is in use by another store: " + std::strerror(error));
    }
  }
  ~DataDirLock() { ::close(fd_); }  // closing releases the lock
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  int fd_ = -1;
};

// Anything escaping a Put is reported as the component's one exception type.
ArchiveError AsArchiveError(std::exception_ptr error) {
  try {
    std::rethrow_exception(std::move(error));
  } catch (const ArchiveError& e) {
    return e;
  } catch (const Poco::Exception& e) {
    return ArchiveError(ArchiveErrorCode::kCatalog, "put failed: " + e.displayText());
  } catch (const std::exception& e) {
    return ArchiveError(ArchiveErrorCode::kIo, std::string("put failed: ") + e.what());
  } catch (...) {
    return ArchiveError(ArchiveErrorCode::kIo, "put failed: unknown exception");
  }
}

class DocumentStoreImpl final : public DocumentStore {
 public:
  DocumentStoreImpl(const StoreOptions& options, std::unique_ptr<DataDirLock> lock,
                    std::unique_ptr<Catalog> catalog, BlobFolder blobs, std::uint64_t swept)
      : lock_(std::move(lock)),
        options_(options),
        catalog_(std::move(catalog)),
        blobs_(std::move(blobs)),
        swept_(swept) {
    if (options_.max_group == 0) options_.max_group = 1;
    if (!options_.read_only) writer_ = std::thread([this] { WriterLoop(); });
  }

  ~DocumentStoreImpl() override {
    {
      std::lock_guard<std::mutex> lock(queue_mutex_);
      stopping_ = true;
    }
    queue_cv_.notify_all();
    if (writer_.joinable()) writer_.join();
  }

  DocumentStoreImpl(const DocumentStoreImpl&) = delete;
  DocumentStoreImpl& operator=(const DocumentStoreImpl&) = delete;

  DocumentRecord Put(std::string_view bytes, const NewDocument& meta) override {
    if (options_.read_only) {
      throw ArchiveError(ArchiveErrorCode::kArgument, "the store was opened read-only");
    }
    if (meta.form_type.empty()) {
      throw ArchiveError(ArchiveErrorCode::kArgument, "a document needs a form type");
    }
    DocumentRecord record;
    record.sha256 = internal::Sha256Hex(bytes);
    record.size = bytes.size();
    record.form_type = meta.form_type;
    record.document_id = meta.document_id;
    record.party_kind = meta.party_kind;
    record.party_code = meta.party_code;
    record.party_name = meta.party_name;
    record.phase = meta.phase;
    record.signers = meta.signers;
    record.verdict = meta.verdict;
    record.supersedes = meta.supersedes;
    record.id = options_.id_source ? options_.id_source() : internal::RandomHex(16);
    if (record.id.empty()) throw ArchiveError(ArchiveErrorCode::kArgument, "empty record id");
    record.stored_at = IsoUtc(options_.clock());

    // From here until the row is in, this Put holds a claim on the blob so a concurrent failing
    // Put of the same bytes cannot remove it from under us.
    ClaimBlob(record.sha256);
    try {
      const bool per_blob = options_.blob_sync == StoreOptions::BlobSync::kPerBlob;
      if (!blobs_.Has(record.sha256, record.size)) {
        blobs_.Place(record.sha256, bytes, internal::RandomHex(16), /*fsync=*/per_blob);
      } else if (per_blob) {
        // Perhaps placed by a concurrent Put still on its way to its own fsync. (kPerGroup: the
        // writer's syncfs covers it whoever wrote it.)
        blobs_.SyncExisting(record.sha256);
      }
      // kPerBlob: in this thread, concurrently with the other Puts, so their flushes overlap.
      if (per_blob) blobs_.SyncFolderOf(record.sha256);
      if (options_.after_blob_written) options_.after_blob_written();
      Catalog::InsertRequest request;
      request.record = &record;
      request.actor = meta.actor;
      Commit(std::move(request));
    } catch (...) {
      ArchiveError error = AsArchiveError(std::current_exception());
      try {
        ReleaseBlob(record.sha256, /*remove_if_unreferenced=*/true);
      } catch (const std::exception&) {
        // The blob stays an orphan and is swept at the next Open(); report the first failure.
      }
      throw error;
    }
    ReleaseBlob(record.sha256, /*remove_if_unreferenced=*/false);
    return record;
  }

  std::optional<DocumentRecord> Get(const std::string& id) const override {
    return catalog_->Get(id);
  }

  std::string ReadBytes(const DocumentRecord& record) const override {
    if (!internal::IsSha256Hex(record.sha256)) {
      throw ArchiveError(ArchiveErrorCode::kNotFound, "record has no valid blob name");
    }
    std::string bytes = blobs_.Read(record.sha256);
    // The blob's name is its content's hash: check it, so corruption on disk is an error and
    // never served as the signed original.
    if (bytes.size() != record.size || internal::Sha256Hex(bytes) != record.sha256) {
      throw ArchiveError(ArchiveErrorCode::kIo, "blob " + record.sha256 + " is corrupt");
    }
    return bytes;
  }

  std::uint64_t Count() const override { return catalog_->Count(); }

  std::uint64_t BlobCount() const override {
    try {
      return blobs_.Count();
    } catch (const ArchiveError&) {
      throw;
    } catch (const std::exception& e) {
      throw ArchiveError(ArchiveErrorCode::kIo, std::string("count blobs: ") + e.what());
    }
  }

  std::uint64_t SweptAtOpen() const override { return swept_; }

  WriteStats Stats() const override {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    WriteStats stats = stats_;
    stats.queued = queue_.size();
    return stats;
  }

  std::vector<DocumentRecord> ListParty(const std::string& party_kind,
                                        const std::string& party_code) const override {
    return catalog_->ListParty(party_kind, party_code);
  }

  std::optional<DocumentRecord> SupersededBy(const std::string& id) const override {
    return catalog_->SupersededBy(id);
  }

  SearchPage Search(const SearchQuery& query) const override { return catalog_->Search(query); }

  std::vector<Party> Parties(const std::string& party_kind) const override {
    return catalog_->Parties(party_kind);
  }

  void ForEachAuditEntry(std::uint64_t from_seq, std::uint64_t to_seq,
                         const std::function<void(const AuditEntry&)>& fn) const override {
    catalog_->ForEachAuditEntry(from_seq, to_seq, fn);
  }

  std::vector<AuditEntry> AuditEntriesFor(const std::vector<std::string>& ids) const override {
    return catalog_->AuditEntriesFor(ids);
  }

  std::optional<AuditEntry> AuditHead() const override { return catalog_->AuditHead(); }

  std::optional<AuditEntry> TimestampAuditHead(const AuditTimestampFn& timestamp,
                                               const std::string& actor) override {
    if (options_.read_only) {
      throw ArchiveError(ArchiveErrorCode::kArgument, "the store was opened read-only");
    }
    std::optional<AuditEntry> head = catalog_->AuditHead();
    if (!head || head->action == "timestamp") return std::nullopt;  // nothing new to cover
    // The TSA is asked outside every lock (it may be remote); the entry then names the head it
    // covers, wherever the chain has got to meanwhile.
    std::string token = timestamp(head->entry_hash);
    if (token.empty()) throw ArchiveError(ArchiveErrorCode::kArgument, "empty timestamp token");
    Catalog::InsertRequest request;
    request.actor = actor;
    request.time = IsoUtc(options_.clock());
    request.head_seq = head->seq;
    request.head_hash = head->entry_hash;
    request.token = std::move(token);
    return Commit(std::move(request));
  }

  std::string AuditTimestampToken(std::uint64_t seq) const override {
    return catalog_->AuditToken(seq);
  }

  AuditCheck VerifyAudit() const override {
    AuditCheck check;
    std::string prev = AuditGenesisHash();
    std::uint64_t expected_seq = 1;
    auto fail = [&check](std::uint64_t seq, const std::string& finding) {
      if (check.ok) check.first_broken_seq = seq;
      check.ok = false;
      if (check.findings.size() < 50) check.findings.push_back(finding);
    };
    catalog_->ForEachAuditEntry(1, 0, [&](const AuditEntry& entry) {
      ++check.entries;
      const std::string seq = std::to_string(entry.seq);
      if (entry.seq != expected_seq) {
        fail(expected_seq, "审计序号不连续 / audit seq " + std::to_string(expected_seq) +
                               " is missing (next is " + seq + ")");
      }
      if (entry.prev_hash != prev) {
        fail(entry.seq, "审计条目 " + seq + " 的前序哈希不符 / entry " + seq +
                            ": previous hash does not match the entry before it");
      }
      if (AuditEntryHash(entry.seq, entry.prev_hash, AuditContentHash(entry)) != entry.entry_hash) {
        fail(entry.seq, "审计条目 " + seq + " 的哈希不符 / entry " + seq +
                            ": entry hash does not match its content");
      }
      prev = entry.entry_hash;
      expected_seq = entry.seq + 1;
    });
    check.head_hash = check.entries == 0 ? "" : prev;
    std::uint64_t cross_seq = 0;
    for (std::string& finding : catalog_->CrossCheckAudit(&cross_seq)) {
      bool earlier = check.ok || (cross_seq != 0 && cross_seq < check.first_broken_seq);
      if (check.ok || earlier) check.first_broken_seq = cross_seq;
      check.ok = false;
      check.findings.push_back(std::move(finding));
    }
    return check;
  }

  FixityCheck CheckFixity(const ProgressFn& progress) const override {
    FixityCheck check;
    auto [count, total] = catalog_->BlobTotals();
    (void)count;
    std::uint64_t done = 0;
    if (progress) progress(0, total);
    catalog_->ForEachBlob([&](const std::string& sha256, std::uint64_t size) {
      ++check.blobs;
      try {
        std::uint64_t read = 0;
        std::string actual = internal::Sha256File(blobs_.PathFor(sha256), &read);
        check.bytes += read;
        if (read != size) {
          check.missing.push_back(sha256);  // wrong size: the stored file is not this blob
        } else if (actual != sha256) {
          check.corrupt.push_back(sha256);
        }
      } catch (const ArchiveError& e) {
        if (e.code() != ArchiveErrorCode::kNotFound) throw;
        check.missing.push_back(sha256);
      }
      done += size;
      if (progress) progress(done, total);
    });
    return check;
  }

  std::string BlobPath(const DocumentRecord& record) const override {
    if (!internal::IsSha256Hex(record.sha256)) {
      throw ArchiveError(ArchiveErrorCode::kNotFound, "record has no valid blob name");
    }
    return blobs_.PathFor(record.sha256);
  }

 private:
  // One Put waiting for the writer. Lives on the Put's stack; guarded by queue_mutex_.
  struct Pending {
    Catalog::InsertRequest request;
    AuditEntry entry;  // set when committed
    bool done = false;
    std::exception_ptr error;
    std::condition_variable cv;
  };

  // Queues the request for the writer and waits until its group is committed (or refused).
  AuditEntry Commit(Catalog::InsertRequest request) {
    Pending pending;
    pending.request = std::move(request);
    std::unique_lock<std::mutex> lock(queue_mutex_);
    if (stopping_) throw ArchiveError(ArchiveErrorCode::kIo, "the store is closing");
    queue_.push_back(&pending);
    queue_cv_.notify_one();
    pending.cv.wait(lock, [&pending] { return pending.done; });
    if (pending.error) std::rethrow_exception(pending.error);
    return pending.entry;
  }

  void WriterLoop() {
    std::unique_lock<std::mutex> lock(queue_mutex_);
    for (;;) {
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nobody is waiting
      std::vector<Pending*> group;
      while (!queue_.empty() && group.size() < options_.max_group) {
        group.push_back(queue_.front());
        queue_.pop_front();
      }
      lock.unlock();
      CommitGroup(group);
      lock.lock();
      stats_.puts += group.size();
      stats_.groups += 1;
      stats_.max_group = std::max<std::uint64_t>(stats_.max_group, group.size());
      for (Pending* pending : group) {
        pending->done = true;
        pending->cv.notify_one();
      }
    }
  }

  // Runs in the writer thread without queue_mutex_. Sets each Pending's error (never throws).
  void CommitGroup(const std::vector<Pending*>& group) {
    try {
      if (options_.before_group_commit) options_.before_group_commit(group.size());
      // Every blob of the group was written before its Put queued: one syncfs makes them all
      // durable before any of their rows exists.
      if (options_.blob_sync == StoreOptions::BlobSync::kPerGroup) blobs_.SyncFilesystem();
      std::vector<Catalog::InsertRequest> requests;
      requests.reserve(group.size());
      for (const Pending* pending : group) requests.push_back(pending->request);
      std::vector<Catalog::InsertOutcome> outcomes = catalog_->InsertGroup(requests);
      for (std::size_t i = 0; i < group.size(); ++i) {
        group[i]->error = outcomes[i].error;
        group[i]->entry = std::move(outcomes[i].entry);
      }
    } catch (...) {
      std::exception_ptr error = std::current_exception();
      for (Pending* pending : group) pending->error = error;
    }
  }

  void ClaimBlob(const std::string& sha256) {
    std::lock_guard<std::mutex> lock(claims_mutex_);
    ++claims_[sha256];
  }

  // Drops this Put's claim. On failure the blob goes if no other Put claims it and no row
  // references it; the check and the removal happen under claims_mutex_ so a Put that claims
  // it afterwards sees the blob missing and writes it again.
  void ReleaseBlob(const std::string& sha256, bool remove_if_unreferenced) {
    std::lock_guard<std::mutex> lock(claims_mutex_);
    auto it = claims_.find(sha256);
    bool last_claim = it != claims_.end() && --it->second == 0;
    if (last_claim) claims_.erase(it);
    if (remove_if_unreferenced && last_claim && catalog_->CountReferences(sha256) == 0) {
      blobs_.Remove(sha256);
    }
  }

  std::unique_ptr<DataDirLock> lock_;  // first: released after everything else is closed
  StoreOptions options_;
  std::unique_ptr<Catalog> catalog_;
  BlobFolder blobs_;
  std::uint64_t swept_;
  std::mutex claims_mutex_;
  std::map<std::string, int> claims_;  // guarded by claims_mutex_

  mutable std::mutex queue_mutex_;
  std::condition_variable queue_cv_;  // the writer waits for work or stopping_
  std::deque<Pending*> queue_;        // guarded by queue_mutex_
  bool stopping_ = false;             // guarded by queue_mutex_
  WriteStats stats_;                  // guarded by queue_mutex_
  std::thread writer_;                // last: started once everything above exists
};

// The SQLite file in the data directory, or the PostgreSQL connection the options name.
std::string CatalogLocation(const StoreOptions& options) {
  if (options.catalog.empty()) return options.data_dir + "/catalog.db";
  const std::string& c = options.catalog;
  if (c.rfind("postgresql://", 0) == 0 || c.rfind("postgres://", 0) == 0 ||
      c.find('=') != std::string::npos) {
    return c;
  }
  throw ArchiveError(ArchiveErrorCode::kArgument,
                     "目录须为 postgresql:// 地址或 key=value 连接串 / the catalog must be a "
                     "postgresql:// URL or a libpq key=value string (empty = SQLite in the data "
                     "directory)");
}

}  // namespace

std::unique_ptr<DocumentStore> DocumentStore::Open(const StoreOptions& options) {
  if (options.data_dir.empty()) {
    throw ArchiveError(ArchiveErrorCode::kArgument, "StoreOptions::data_dir is required");
  }
  try {
    if (options.read_only) {
      // No lock, no sweep, nothing created: safe beside a running writer (SQLite WAL readers
      // see committed snapshots; a row only exists once its blob is durable).
      if (!std::filesystem::is_directory(options.data_dir + "/blobs")) {
        throw ArchiveError(ArchiveErrorCode::kNotFound,
                           "不是存档目录 / not an archive data directory: " + options.data_dir);
      }
      auto catalog = std::make_unique<Catalog>(CatalogLocation(options), true);
      return std::make_unique<DocumentStoreImpl>(options, nullptr, std::move(catalog),
                                                 BlobFolder(options.data_dir + "/blobs"), 0);
    }
    std::error_code ec;
    std::filesystem::create_directories(options.data_dir, ec);
    if (ec) {
      throw ArchiveError(ArchiveErrorCode::kIo, "create " + options.data_dir + ": " + ec.message());
    }
    auto lock = std::make_unique<DataDirLock>(options.data_dir);
    BlobFolder blobs(options.data_dir + "/blobs");
    auto catalog = std::make_unique<Catalog>(CatalogLocation(options), false);
    // Nothing else uses the folder yet: leftovers are from an interrupted earlier process.
    blobs.ClearTemporary();
    std::uint64_t swept = blobs.Sweep(catalog->AllBlobs());
    blobs.CreateSubfolders();
    return std::make_unique<DocumentStoreImpl>(options, std::move(lock), std::move(catalog),
                                               std::move(blobs), swept);
  } catch (const ArchiveError&) {
    throw;
  } catch (const std::exception& e) {
    throw ArchiveError(ArchiveErrorCode::kIo, std::string("open store: ") + e.what());
  }
}

}  // namespace sealflow::archive
