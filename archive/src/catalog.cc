// Copyright sealflow authors.
#include "catalog.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>
#include <Poco/Tuple.h>

#include <utility>

#include "archive/error.h"
#include "record_json.h"

namespace sealflow::archive::internal {
namespace {

using namespace Poco::Data::Keywords;

constexpr int kSchemaVersion = 1;
constexpr int kBusyTimeoutMs = 5000;
constexpr std::size_t kMaxIdleReaders = 8;

constexpr const char* kColumns =
    "id, form_type, document_id, party_kind, party_code, party_name, phase, sha256, size, "
    "signers, verdict, stored_at";

using Row =
    Poco::Tuple<std::string, std::string, std::string, std::string, std::string, std::string,
                std::string, std::string, Poco::Int64, std::string, std::string, std::string>;

std::once_flag register_once;

// Runs fn, turning Poco Data's exceptions into ArchiveError(kCatalog).
template <typename Fn>
auto Catalogued(const char* what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const ArchiveError&) {
    throw;
  } catch (const Poco::Exception& e) {
    throw ArchiveError(ArchiveErrorCode::kCatalog, std::string(what) + ": " + e.displayText());
  } catch (const std::exception& e) {
    throw ArchiveError(ArchiveErrorCode::kCatalog, std::string(what) + ": " + e.what());
  }
}

DocumentRecord FromRow(const Row& row) {
  DocumentRecord record;
  record.id = row.get<0>();
  record.form_type = row.get<1>();
  record.document_id = row.get<2>();
  record.party_kind = row.get<3>();
  record.party_code = row.get<4>();
  record.party_name = row.get<5>();
  std::optional<Phase> phase = ParsePhase(row.get<6>());
  if (!phase) {
    throw ArchiveError(ArchiveErrorCode::kCatalog,
                       "record " + record.id + " has unknown phase " + row.get<6>());
  }
  record.phase = *phase;
  record.sha256 = row.get<7>();
  if (row.get<8>() < 0) {
    throw ArchiveError(ArchiveErrorCode::kCatalog, "record " + record.id + " has negative size");
  }
  record.size = static_cast<std::uint64_t>(row.get<8>());
  record.signers = SignersFromJson(row.get<9>());
  record.verdict = row.get<10>();
  record.stored_at = row.get<11>();
  return record;
}

void CreateSchema(Poco::Data::Session& session) {
  session.begin();
  try {
    session << "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", now;
    session << "CREATE TABLE IF NOT EXISTS documents ("
               " id TEXT PRIMARY KEY,"
               " form_type TEXT NOT NULL,"
               " document_id TEXT NOT NULL,"
               " party_kind TEXT NOT NULL,"
               " party_code TEXT NOT NULL,"
               " party_name TEXT NOT NULL,"
               " phase TEXT NOT NULL,"
               " sha256 TEXT NOT NULL,"
               " size INTEGER NOT NULL,"
               " signers TEXT NOT NULL,"
               " verdict TEXT NOT NULL,"
               " stored_at TEXT NOT NULL)",
        now;
    session << "CREATE INDEX IF NOT EXISTS documents_sha256 ON documents (sha256)", now;
    session << "CREATE INDEX IF NOT EXISTS documents_party_code ON documents (party_code)", now;
    std::vector<int> versions;
    session << "SELECT version FROM schema_version", into(versions), now;
    if (versions.empty()) {
      session << "INSERT INTO schema_version (version) VALUES (?)", bind(kSchemaVersion), now;
    } else if (versions.size() != 1 || versions.front() != kSchemaVersion) {
      throw ArchiveError(ArchiveErrorCode::kCatalog,
                         "catalog schema version " + std::to_string(versions.front()) +
                             " is not the supported version " + std::to_string(kSchemaVersion));
    }
    session.commit();
  } catch (...) {
    try {
      session.rollback();
    } catch (...) {
      // The original failure is the one worth reporting.
    }
    throw;
  }
}

}  // namespace

// Borrows a reader connection for one query and returns it to the pool afterwards.
class Catalog::ReaderLease {
 public:
  explicit ReaderLease(const Catalog& catalog)
      : catalog_(catalog), session_(catalog.AcquireReader()) {}
  ~ReaderLease() { catalog_.ReleaseReader(std::move(session_)); }
  ReaderLease(const ReaderLease&) = delete;
  ReaderLease& operator=(const ReaderLease&) = delete;
  Poco::Data::Session& operator*() const { return *session_; }

 private:
  const Catalog& catalog_;
  std::unique_ptr<Poco::Data::Session> session_;
};

Catalog::Catalog(std::string path) : path_(std::move(path)) {
  std::call_once(register_once, [] { Poco::Data::SQLite::Connector::registerConnector(); });
  Catalogued("open catalog", [&] {
    writer_ = OpenSession();
    CreateSchema(*writer_);
  });
}

Catalog::~Catalog() = default;

std::unique_ptr<Poco::Data::Session> Catalog::OpenSession() const {
  auto session = std::make_unique<Poco::Data::Session>("SQLite", path_);
  std::string journal_mode;
  *session << "PRAGMA journal_mode=WAL", into(journal_mode), now;
  if (journal_mode != "wal") {
    throw ArchiveError(ArchiveErrorCode::kCatalog,
                       "catalog refused WAL journal mode (got " + journal_mode + ")");
  }
  // FULL: a committed row survives power loss, matching the fsynced blob it points to.
  *session << "PRAGMA synchronous=FULL", now;
  int busy_timeout = 0;
  *session << "PRAGMA busy_timeout=" + std::to_string(kBusyTimeoutMs), into(busy_timeout), now;
  return session;
}

std::unique_ptr<Poco::Data::Session> Catalog::AcquireReader() const {
  {
    std::lock_guard<std::mutex> lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      std::unique_ptr<Poco::Data::Session> session = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return session;
    }
  }
  return Catalogued("open catalog reader", [&] { return OpenSession(); });
}

void Catalog::ReleaseReader(std::unique_ptr<Poco::Data::Session> session) const {
  if (!session) return;
  std::lock_guard<std::mutex> lock(readers_mutex_);
  if (idle_readers_.size() < kMaxIdleReaders) idle_readers_.push_back(std::move(session));
}

void Catalog::Insert(const DocumentRecord& record) {
  std::lock_guard<std::mutex> lock(write_mutex_);
  Catalogued("insert catalog row", [&] {
    Poco::Data::Session& session = *writer_;
    session.begin();
    try {
      session << "INSERT INTO documents (" << kColumns
              << ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          bind(record.id), bind(record.form_type), bind(record.document_id),
          bind(record.party_kind), bind(record.party_code), bind(record.party_name),
          bind(std::string(PhaseName(record.phase))), bind(record.sha256),
          bind(static_cast<Poco::Int64>(record.size)), bind(SignersToJson(record.signers)),
          bind(record.verdict), bind(record.stored_at), now;
      session.commit();
    } catch (...) {
      try {
        session.rollback();
      } catch (...) {
        // Keep the insert's error; a failed rollback leaves SQLite to roll back on next use.
      }
      throw;
    }
  });
}

std::optional<DocumentRecord> Catalog::Get(const std::string& id) const {
  return Catalogued("read catalog row", [&]() -> std::optional<DocumentRecord> {
    ReaderLease session(*this);
    std::vector<Row> rows;
    *session << "SELECT " << kColumns << " FROM documents WHERE id = ?", bind(id), into(rows), now;
    if (rows.empty()) return std::nullopt;
    return FromRow(rows.front());
  });
}

std::uint64_t Catalog::Count() const {
  return Catalogued("count catalog rows", [&] {
    ReaderLease session(*this);
    Poco::Int64 count = 0;
    *session << "SELECT COUNT(*) FROM documents", into(count), now;
    return static_cast<std::uint64_t>(count);
  });
}

std::uint64_t Catalog::CountReferences(const std::string& sha256) const {
  return Catalogued("count blob references", [&] {
    ReaderLease session(*this);
    Poco::Int64 count = 0;
    *session << "SELECT COUNT(*) FROM documents WHERE sha256 = ?", bind(sha256), into(count), now;
    return static_cast<std::uint64_t>(count);
  });
}

std::set<std::string> Catalog::AllBlobs() const {
  return Catalogued("list catalogued blobs", [&] {
    ReaderLease session(*this);
    std::vector<std::string> hashes;
    *session << "SELECT DISTINCT sha256 FROM documents", into(hashes), now;
    return std::set<std::string>(hashes.begin(), hashes.end());
  });
}

}  // namespace sealflow::archive::internal
