// Copyright sealflow authors.
// The catalog (Poco Data), on SQLite (a file in the data folder, the embedded default) or
// PostgreSQL (scale-out), with the same schema semantics on both: documents and audit_log are
// append-only (SQLite triggers; PostgreSQL row and TRUNCATE triggers), search pages by keyset
// on (stored_at, id) under bytewise ordering (PostgreSQL columns use COLLATE "C").
//
// One writer connection behind a mutex, fed by the store's group committer, and a small pool of
// reader connections, because a Poco Data Session is not safe to share between threads. Every
// SQLite connection gets its PRAGMAs when it is opened (they are per connection).
// Each group's rows and audit entries go in one transaction (see InsertGroup); on PostgreSQL the
// transaction takes an EXCLUSIVE lock on audit_log first, so several processes sharing one
// catalog still append to one strictly ordered chain.
// Throws ArchiveError(kCatalog) for any Poco Data / SQLite / PostgreSQL failure.
#pragma once

#include <cstdint>
#include <exception>
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

// The few differences between the SQLite and PostgreSQL SQL the catalog speaks.
struct Dialect {
  bool postgres = false;
  // The statement with '?' placeholders numbered $1, $2 ... for PostgreSQL.
  std::string operator()(const std::string& sql) const;
  // The column giving insertion order.
  const char* InsertOrder() const { return postgres ? "ord" : "rowid"; }
};

class Catalog {
 public:
  // Opens (creating, or migrating from schema 1) the catalog and its schema. `where` is a
  // SQLite file path, or a PostgreSQL connection ("postgresql://…" URL or libpq key=value
  // string; the database must exist, the tables are created in it). read_only: the schema must
  // exist at the current version; nothing is created or migrated.
  Catalog(std::string where, bool read_only);

  bool postgres() const { return dialect_.postgres; }
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  // One record to insert with its audit entry.
  // A request with no record appends a "timestamp" audit entry instead: time, record_id
  // "head:<seq>", sha256 = that entry's entry_hash, and the DER token in audit_tokens.
  struct InsertRequest {
    const DocumentRecord* record = nullptr;
    std::string actor;
    std::string time;            // timestamp entries only
    std::uint64_t head_seq = 0;  // timestamp entries only
    std::string head_hash;       // timestamp entries only
    std::string token;           // timestamp entries only (DER)
  };
  // Per request: the audit entry appended, or why this request failed (then nothing of it is
  // in the catalog).
  struct InsertOutcome {
    AuditEntry entry;
    std::exception_ptr error;
  };

  // Group commit: inserts every request's record row and audit entry, in order, in ONE
  // transaction (one WAL fsync for the group). Each request runs inside its own savepoint after
  // checking record.supersedes (ArchiveError kSupersedes / kConflict), so one failing request
  // leaves the others in the group untouched; later requests see earlier ones of the group.
  // Throws ArchiveError(kCatalog) if the transaction as a whole fails (nothing is committed).
  // Called by one writer thread at a time (the store's group committer); not for concurrent use.
  std::vector<InsertOutcome> InsertGroup(const std::vector<InsertRequest>& requests);

  // A group of one.
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
  // The DER token stored with timestamp entry `seq` ("" if none).
  std::string AuditToken(std::uint64_t seq) const;
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

  std::string where_;
  Dialect dialect_;
  std::mutex write_mutex_;
  std::unique_ptr<Poco::Data::Session> writer_;  // guarded by write_mutex_; null if read-only

  mutable std::mutex readers_mutex_;
  mutable std::vector<std::unique_ptr<Poco::Data::Session>> idle_readers_;
};

}  // namespace sealflow::archive::internal
