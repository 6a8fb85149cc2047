// Copyright sealflow authors.
// DocumentStore: the blob folder and the catalog kept consistent. The order of a Put is what
// makes a crash harmless: blob first (durably), catalog row last, so the worst a crash leaves is
// a blob without a row, which the next Open() sweeps.
#include "archive/store.h"

#include <Poco/Exception.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <system_error>
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
        swept_(swept) {}

  DocumentRecord Put(std::string_view bytes, const NewDocument& meta) override {
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
    record.id = options_.id_source ? options_.id_source() : internal::RandomHex(16);
    if (record.id.empty()) throw ArchiveError(ArchiveErrorCode::kArgument, "empty record id");
    record.stored_at = IsoUtc(options_.clock());

    // From here until the row is in, this Put holds a claim on the blob so a concurrent failing
    // Put of the same bytes cannot remove it from under us.
    ClaimBlob(record.sha256);
    try {
      if (!blobs_.Has(record.sha256, record.size)) {
        blobs_.WriteDurably(record.sha256, bytes, internal::RandomHex(16));
      }
      if (options_.after_blob_written) options_.after_blob_written();
      catalog_->Insert(record);
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

 private:
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
};

}  // namespace

std::unique_ptr<DocumentStore> DocumentStore::Open(const StoreOptions& options) {
  if (options.data_dir.empty()) {
    throw ArchiveError(ArchiveErrorCode::kArgument, "StoreOptions::data_dir is required");
  }
  try {
    std::error_code ec;
    std::filesystem::create_directories(options.data_dir, ec);
    if (ec) {
      throw ArchiveError(ArchiveErrorCode::kIo, "create " + options.data_dir + ": " + ec.message());
    }
    auto lock = std::make_unique<DataDirLock>(options.data_dir);
    BlobFolder blobs(options.data_dir + "/blobs");
    auto catalog = std::make_unique<Catalog>(options.data_dir + "/catalog.db");
    // Nothing else uses the folder yet: leftovers are from an interrupted earlier process.
    blobs.ClearTemporary();
    std::uint64_t swept = blobs.Sweep(catalog->AllBlobs());
    return std::make_unique<DocumentStoreImpl>(options, std::move(lock), std::move(catalog),
                                               std::move(blobs), swept);
  } catch (const ArchiveError&) {
    throw;
  } catch (const std::exception& e) {
    throw ArchiveError(ArchiveErrorCode::kIo, std::string("open store: ") + e.what());
  }
}

}  // namespace sealflow::archive
