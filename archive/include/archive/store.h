// Copyright sealflow authors.
// The document store: a content-addressed blob folder (files named by SHA-256) and a SQLite
// catalog (Poco Data) under one data directory. A document is either wholly stored and
// catalogued or not at all: the blob is written to a temporary file, fsynced, renamed into place
// and the folder fsynced; the catalog row is inserted last. Blobs without a catalog row (a crash
// between the two steps) are swept when the store is opened.
//
// Layout: DATA/catalog.db, DATA/blobs/ab/abcdef...(64 hex), DATA/blobs/tmp/, DATA/LOCK.
// One open store per data directory at a time (an exclusive lock on DATA/LOCK, held until the
// store is destroyed): opening sweeps orphans, which must not race another writer.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealflow::archive {

// The archive phases of Art. 5(7) plus the provider's own file.
enum class Phase { kProvider, kBefore, kDuring, kAfter };
const char* PhaseName(Phase phase);  // "provider" / "before" / "during" / "after"
std::optional<Phase> ParsePhase(std::string_view name);

struct NewDocument {
  std::string form_type;    // e.g. "application"
  std::string document_id;  // the form's own id (from its XML)
  std::string party_kind;   // "provider" / "enterprise"
  std::string party_code;   // unified social credit code of the provider or enterprise
  std::string party_name;
  Phase phase = Phase::kProvider;
  std::vector<std::string> signers;  // signer subjects, in signing order
  std::string verdict;               // "VALID" at ingest
};

struct DocumentRecord {
  std::string id;  // archive record id, from the store's id source
  std::string form_type;
  std::string document_id;
  std::string party_kind;
  std::string party_code;
  std::string party_name;
  Phase phase = Phase::kProvider;
  std::string sha256;  // lowercase hex of the stored bytes
  std::uint64_t size = 0;
  std::vector<std::string> signers;
  std::string verdict;
  std::string stored_at;  // ISO 8601 UTC, from the store's clock
};

struct StoreOptions {
  std::string data_dir;  // required; created if missing
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
  // Record ids. Default: 128 random bits as 32 hex characters.
  std::function<std::string()> id_source;
  // Test hook, called after the blob is durably in place and before the catalog insert.
  std::function<void()> after_blob_written;
};

// Thread safety: all methods may be called concurrently; writes are serialised internally.
class DocumentStore {
 public:
  // Opens (creating if needed) the data directory, the catalog schema, and sweeps orphan blobs
  // and leftover temporary files. Throws ArchiveError (kIo if another store, in this process or
  // another, has the directory open).
  static std::unique_ptr<DocumentStore> Open(const StoreOptions& options);

  DocumentStore(const DocumentStore&) = delete;
  DocumentStore& operator=(const DocumentStore&) = delete;
  virtual ~DocumentStore() = default;

  // Stores the bytes durably and catalogues them; returns the new record. Throws ArchiveError;
  // on any throw nothing is catalogued and the blob is removed unless another record uses it.
  virtual DocumentRecord Put(std::string_view bytes, const NewDocument& meta) = 0;

  virtual std::optional<DocumentRecord> Get(const std::string& id) const = 0;
  // The stored bytes of a record. Throws ArchiveError(kNotFound).
  virtual std::string ReadBytes(const DocumentRecord& record) const = 0;
  // Number of catalogued records.
  virtual std::uint64_t Count() const = 0;
  // Number of files in the blob folder (not counting temporary files).
  virtual std::uint64_t BlobCount() const = 0;
  // Orphan blobs removed when the store was opened.
  virtual std::uint64_t SweptAtOpen() const = 0;

 protected:
  DocumentStore() = default;
};

// The record as JSON text (stable key order).
std::string RecordToJson(const DocumentRecord& record);

}  // namespace sealflow::archive
