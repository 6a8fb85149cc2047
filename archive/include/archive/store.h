// Copyright sealflow authors.
// The document store: a content-addressed blob folder (files named by SHA-256) under one data
// directory, and a catalog (Poco Data): SQLite in that directory by default, or PostgreSQL
// (StoreOptions::catalog). A document is either wholly stored and catalogued or not at all: the
// blob is written to a temporary file, renamed into place, and the file and its folder fsynced;
// the catalog row is inserted last. Blobs without a catalog row (a crash between the two steps)
// are swept when the store is opened.
//
// Layout: DATA/catalog.db (SQLite only), DATA/blobs/ab/abcdef...(64 hex, mode 0444),
// DATA/blobs/tmp/, DATA/LOCK.
// One open writable store per data directory at a time (an exclusive lock on DATA/LOCK, held
// until the store is destroyed): opening sweeps orphans, which must not race another writer.
// Read-only stores (StoreOptions::read_only) take no lock and sweep nothing, so tools can read
// and check an archive while the service runs.
//
// Immutability: records are only ever added. A correction is a new record naming the one it
// supersedes; the catalog refuses UPDATE and DELETE on records and audit entries (triggers).
// Every Put appends a hash-chained audit entry in the same transaction as the record row, so an
// entry is never missing nor extra (see AuditEntry).
#pragma once

#include <chrono>
#include <cstddef>
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
  // The record id this document corrects ("" = none). It must exist, belong to the same party
  // (kind and code) and have the same form type, and must not already be superseded:
  // ArchiveError(kSupersedes) / (kConflict) otherwise.
  std::string supersedes;
  // Who ingested it, for the audit log (e.g. "http 127.0.0.1", "cli"). Default "system".
  std::string actor;
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
  std::string stored_at;   // ISO 8601 UTC, from the store's clock
  std::string supersedes;  // record id this one corrects, "" if none
};

// One entry of the audit log. entry_hash = SHA-256 over a canonical encoding of seq, prev_hash
// and content_hash; content_hash = SHA-256 over a canonical encoding of time, actor, action,
// record_id and sha256 (see AuditContentHash). Splitting the hash this way lets an export carry
// other parties' entries redacted to their content hash and still prove the chain.
struct AuditEntry {
  std::uint64_t seq = 0;  // 1, 2, 3 ... without gaps
  std::string prev_hash;  // entry_hash of seq-1; 64 '0' for seq 1
  std::string time;       // ISO 8601 UTC
  std::string actor;
  std::string action;  // "ingest", "migrate" (schema 1 rows), "timestamp" (TSA over the head)
  std::string record_id;
  std::string sha256;      // the document's SHA-256
  std::string entry_hash;  // lowercase hex
};

// The genesis prev_hash: 64 zeros.
const std::string& AuditGenesisHash();
// Canonical hashes (lowercase hex). Each field is encoded as a netstring "<len>:<bytes>," after
// a domain tag, so no two different field lists share an encoding.
std::string AuditContentHash(const AuditEntry& entry);
std::string AuditEntryHash(std::uint64_t seq, const std::string& prev_hash,
                           const std::string& content_hash);

// The outcome of checking the audit chain against itself and the catalog.
struct AuditCheck {
  bool ok = true;
  std::uint64_t entries = 0;
  std::uint64_t first_broken_seq = 0;  // 0 if ok or if the failure is not tied to one entry
  std::string head_hash;               // entry_hash of the last entry ("" if empty)
  std::vector<std::string> findings;   // each "中文 / English"
};

// Search over the catalog (all filters optional, combined with AND). Order: stored_at then id,
// ascending — stable, so keyset paging never skips or repeats a record.
struct SearchQuery {
  std::string party_code;
  std::string form_type;
  std::optional<Phase> phase;
  std::string from;           // stored_at >= from (ISO 8601 UTC prefix, e.g. "2026-03-01")
  std::string to;             // stored_at < to
  std::string name_contains;  // substring of party_name (case-sensitive, literal)
  std::size_t limit = 100;    // 1..kMaxSearchLimit, else ArchiveError(kArgument)
  std::string cursor;         // from a previous SearchPage::next_cursor; "" = first page
};
inline constexpr std::size_t kMaxSearchLimit = 500;

struct SearchPage {
  std::vector<DocumentRecord> records;
  std::string next_cursor;  // "" when this is the last page
};

struct Party {
  std::string code;
  std::string name;  // the name on its most recent record
};

// Re-hashing every catalogued blob.
struct FixityCheck {
  std::uint64_t blobs = 0;
  std::uint64_t bytes = 0;
  std::vector<std::string> missing;  // sha256 of blobs not on disk (or of the wrong size)
  std::vector<std::string> corrupt;  // sha256 of blobs whose content no longer hashes to it
  bool ok() const { return missing.empty() && corrupt.empty(); }
};
// The group committer's counters since Open().
struct WriteStats {
  std::uint64_t puts = 0;          // Puts that reached the writer (committed or refused)
  std::uint64_t groups = 0;        // catalog transactions committed (or attempted)
  std::uint64_t max_group = 0;     // largest group so far
  std::uint64_t queued = 0;        // Puts waiting for the writer right now
  std::uint64_t folder_syncs = 0;  // blob folder fsyncs done by the writer
};

// Returns a DER TimeStampToken whose imprint is SHA-256 over the given text (the head's
// entry_hash, 64 lowercase hex characters, as ASCII).
using AuditTimestampFn = std::function<std::string(const std::string& head_hash)>;

// (bytes done, bytes total)
using ProgressFn = std::function<void(std::uint64_t, std::uint64_t)>;

struct StoreOptions {
  std::string data_dir;  // required; created if missing
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
  // Record ids. Default: 128 random bits as 32 hex characters.
  std::function<std::string()> id_source;
  // How blobs are made durable before their rows are committed.
  //  kPerGroup (default): each Put writes and renames its blob without fsync; the writer thread
  //    makes the whole group durable with one syncfs(2) of the data folder's filesystem, then
  //    commits the group's rows. One device flush per group instead of two per blob (file and
  //    folder), which is what bounds the ingest rate on a single disk.
  //  kPerBlob: each Put fsyncs its blob file and folder in its own thread (write to a temporary
  //    file, rename, fsync the file, fsync the folder), then queues. For filesystems where
  //    syncfs is costly (much unrelated dirty data on the same filesystem).
  enum class BlobSync { kPerGroup, kPerBlob };
  BlobSync blob_sync = BlobSync::kPerGroup;
  // Test hook, called in the Put's thread once the blob is in place (renamed to its final name;
  // fsynced too with kPerBlob), before the Put joins the commit queue.
  std::function<void()> after_blob_written;
  // Test hook, called by the writer thread with the size of each group just before it commits
  // it. Blocking here holds the group open, so later Puts queue.
  std::function<void(std::size_t)> before_group_commit;
  // Most Puts committed in one catalog transaction (1 = no group commit). Default 512.
  std::size_t max_group = 512;
  // Open without the LOCK, without sweeping and without creating anything: Put throws
  // ArchiveError(kArgument). The catalog must exist at the current schema version.
  bool read_only = false;
  // Where the catalog lives. "" = SQLite at DATA/catalog.db (the embedded default); a
  // "postgresql://…" URL or libpq key=value string = a PostgreSQL catalog (blobs stay in DATA).
  std::string catalog;
};

// Thread safety: all methods may be called concurrently. Writes go through ONE writer thread
// (group commit): each Put writes its blob in its own thread, then queues; the writer takes
// everything queued, makes the group's blobs durable (StoreOptions::blob_sync) and commits the
// group's rows and audit entries in one catalog transaction. A Put returns only when its own
// group's transaction is durable; a Put refused inside a group (e.g. kConflict) does not
// affect the others. The audit chain follows queue order.
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
  // The group committer's counters (all zero for a read-only store).
  virtual WriteStats Stats() const = 0;

  // Every record of one party (kind and credit code), oldest first (stored_at, then ingest
  // order).
  virtual std::vector<DocumentRecord> ListParty(const std::string& party_kind,
                                                const std::string& party_code) const = 0;
  // The record that supersedes `id`, if any.
  virtual std::optional<DocumentRecord> SupersededBy(const std::string& id) const = 0;
  // One page of a search. Throws ArchiveError(kArgument) for a bad limit, cursor or date.
  virtual SearchPage Search(const SearchQuery& query) const = 0;
  // Every party of this kind with at least one record, ordered by code.
  virtual std::vector<Party> Parties(const std::string& party_kind) const = 0;

  // Calls fn for every audit entry with from_seq <= seq <= to_seq, in order, reading in
  // batches (memory does not grow with the log). to_seq 0 = up to the head.
  virtual void ForEachAuditEntry(std::uint64_t from_seq, std::uint64_t to_seq,
                                 const std::function<void(const AuditEntry&)>& fn) const = 0;
  // The audit entries of these record ids, in seq order.
  virtual std::vector<AuditEntry> AuditEntriesFor(const std::vector<std::string>& ids) const = 0;
  // The last audit entry, if any.
  virtual std::optional<AuditEntry> AuditHead() const = 0;

  // Asks `timestamp` for an RFC 3161 token over the chain head and appends it as an audit entry
  // (action "timestamp", record_id "head:<seq>", sha256 = that entry's entry_hash; the DER token
  // kept beside it, see AuditTimestampToken). Returns nullopt without asking when the log is
  // empty or its head is already a timestamp (nothing new to cover). Throws ArchiveError, or
  // whatever `timestamp` throws (nothing is appended then). See archive/timestamps.h.
  virtual std::optional<AuditEntry> TimestampAuditHead(const AuditTimestampFn& timestamp,
                                                       const std::string& actor = "tsa") = 0;
  // The DER token of timestamp entry `seq` ("" if there is none).
  virtual std::string AuditTimestampToken(std::uint64_t seq) const = 0;
  // Recomputes every entry's hash and link, and checks that the ingest entries and the
  // record rows match one to one (same id and sha256).
  virtual AuditCheck VerifyAudit() const = 0;

  // Re-hashes every distinct catalogued blob (streaming; memory does not grow with blob size).
  virtual FixityCheck CheckFixity(const ProgressFn& progress = {}) const = 0;
  // Path of a record's blob (for streaming reads); the bytes are not checked.
  virtual std::string BlobPath(const DocumentRecord& record) const = 0;

 protected:
  DocumentStore() = default;
};

// The record as JSON text (stable key order).
std::string RecordToJson(const DocumentRecord& record);

}  // namespace sealflow::archive
