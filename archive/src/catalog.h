// Copyright sealflow authors.
// The SQLite catalog (Poco Data): one writer connection behind a mutex, because concurrent
// SQLite writers queue on the database lock with long tails, and a small pool of reader
// connections, because a Poco Data Session is not safe to share between threads. Every
// connection gets its PRAGMAs when it is opened (they are per connection).
//
// Tables: documents (one row per record, never updated or deleted: triggers refuse it) and
// audit_log (the hash chain, same). Each Insert writes the row and its audit entry in one
// transaction.
// Throws ArchiveError(kCatalog) for any Poco Data / SQLite failure.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "archive/store.h"

namespace Poco::Data {
class Session;
}

namespace sealflow::archive::internal {

class Catalog {
 public:
  // Opens (creating, or migrating from schema 1) the database file and its schema. read_only:
  // the file must exist at the current schema version; nothing is created or migrated.
  Catalog(std::string path, bool read_only);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  // Inserts the record row and appends its audit entry in one transaction, after checking
  // record.supersedes (ArchiveError kSupersedes / kConflict). Serialised with every other write.
  AuditEntry Insert(const DocumentRecord& record, const std::string& actor);

  std::optional<DocumentRecord> Get(const std::string& id) const;
  std::uint64_t Count() const;
  // Number of rows whose blob is sha256.
  std::uint64_t CountReferences(const std::string& sha256) const;
  // Every distinct sha256 in the catalog.
  std::set<std::string> AllBlobs() const;

  std::vector<DocumentRecord> ListParty(const std::string& kind, const std::string& code) const;
  std::optional<DocumentRecord> SupersededBy(const std::string& id) const;
  SearchPage Search(const SearchQuery& query) const;
  std::vector<Party> Parties(const std::string& kind) const;

  void ForEachAuditEntry(std::uint64_t from_seq, std::uint64_t to_seq,
                         const std::function<void(const AuditEntry&)>& fn) const;
  std::vector<AuditEntry> AuditEntriesFor(const std::vector<std::string>& ids) const;
  std::optional<AuditEntry> AuditHead() const;
  // Findings about rows and ingest entries that do not match one to one; *first_seq gets the
  // lowest seq involved (0 if none is).
  std::vector<std::string> CrossCheckAudit(std::uint64_t* first_seq) const;

  // Distinct blobs (sha256, size), in sha256 order, in batches.
  void ForEachBlob(const std::function<void(const std::string&, std::uint64_t)>& fn) const;
  // (distinct blobs, their total size)
  std::pair<std::uint64_t, std::uint64_t> BlobTotals() const;

 private:
  class ReaderLease;
  std::unique_ptr<Poco::Data::Session> OpenSession() const;
  std::unique_ptr<Poco::Data::Session> AcquireReader() const;
  void ReleaseReader(std::unique_ptr<Poco::Data::Session> session) const;

  std::string path_;
  std::mutex write_mutex_;
  std::unique_ptr<Poco::Data::Session> writer_;  // guarded by write_mutex_; null if read-only

  mutable std::mutex readers_mutex_;
  mutable std::vector<std::unique_ptr<Poco::Data::Session>> idle_readers_;
};

}  // namespace sealflow::archive::internal
