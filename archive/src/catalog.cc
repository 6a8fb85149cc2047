// Copyright sealflow authors.
#include "catalog.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>
#include <Poco/Tuple.h>

#include <filesystem>
#include <utility>

#include "archive/error.h"
#include "record_json.h"

namespace sealflow::archive::internal {
namespace {

using namespace Poco::Data::Keywords;

// 1: documents only. 2: + supersedes column, audit_log, immutability triggers, search indexes.
constexpr int kSchemaVersion = 2;
constexpr int kBusyTimeoutMs = 5000;
constexpr std::size_t kMaxIdleReaders = 8;
constexpr int kBatch = 1000;  // rows per batch when walking a whole table

const std::string kColumns =
    "id, form_type, document_id, party_kind, party_code, party_name, phase, sha256, size, "
    "signers, verdict, stored_at, supersedes";

using Row = Poco::Tuple<std::string, std::string, std::string, std::string, std::string,
                        std::string, std::string, std::string, Poco::Int64, std::string,
                        std::string, std::string, std::string>;

const std::string kAuditColumns =
    "seq, prev_hash, time, actor, action, record_id, sha256, entry_hash";
using AuditRow = Poco::Tuple<Poco::Int64, std::string, std::string, std::string, std::string,
                             std::string, std::string, std::string>;

std::once_flag register_once;

bool IsPostgresConnection(const std::string& where) {
  return where.rfind("postgresql://", 0) == 0 || where.rfind("postgres://", 0) == 0 ||
         where.find('=') != std::string::npos;
}

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
  record.supersedes = row.get<12>();
  return record;
}

AuditEntry FromAuditRow(const AuditRow& row) {
  AuditEntry entry;
  if (row.get<0>() <= 0) throw ArchiveError(ArchiveErrorCode::kCatalog, "audit seq <= 0");
  entry.seq = static_cast<std::uint64_t>(row.get<0>());
  entry.prev_hash = row.get<1>();
  entry.time = row.get<2>();
  entry.actor = row.get<3>();
  entry.action = row.get<4>();
  entry.record_id = row.get<5>();
  entry.sha256 = row.get<6>();
  entry.entry_hash = row.get<7>();
  return entry;
}

// Rolls back unless committed; the original failure is the one worth reporting.
class Transaction {
 public:
  explicit Transaction(Poco::Data::Session& session) : session_(session) { session_.begin(); }
  ~Transaction() {
    if (done_) return;
    try {
      session_.rollback();
    } catch (...) {
      // SQLite rolls back on the connection's next use anyway.
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit() {
    session_.commit();
    done_ = true;
  }

 private:
  Poco::Data::Session& session_;
  bool done_ = false;
};

void CreateTablesV1(Poco::Data::Session& session) {
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
}

// Schema 1 -> 2. Existing rows get an audit entry each (action "migrate", in stored_at order)
// so the chain covers every record from the start.
void UpgradeToV2(Poco::Data::Session& session) {
  session << "ALTER TABLE documents ADD COLUMN supersedes TEXT NOT NULL DEFAULT ''", now;
  session << "CREATE TABLE audit_log ("
             " seq INTEGER PRIMARY KEY,"
             " prev_hash TEXT NOT NULL,"
             " time TEXT NOT NULL,"
             " actor TEXT NOT NULL,"
             " action TEXT NOT NULL,"
             " record_id TEXT NOT NULL,"
             " sha256 TEXT NOT NULL,"
             " entry_hash TEXT NOT NULL)",
      now;
  std::vector<Poco::Tuple<std::string, std::string, std::string>> rows;
  session << "SELECT id, sha256, stored_at FROM documents ORDER BY stored_at, id", into(rows), now;
  std::string prev = AuditGenesisHash();
  std::uint64_t seq = 0;
  for (const auto& row : rows) {
    AuditEntry entry;
    entry.seq = ++seq;
    entry.prev_hash = prev;
    entry.time = row.get<2>();
    entry.actor = "system";
    entry.action = "migrate";
    entry.record_id = row.get<0>();
    entry.sha256 = row.get<1>();
    entry.entry_hash = AuditEntryHash(entry.seq, entry.prev_hash, AuditContentHash(entry));
    session << "INSERT INTO audit_log (" << kAuditColumns << ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        bind(static_cast<Poco::Int64>(entry.seq)), bind(entry.prev_hash), bind(entry.time),
        bind(entry.actor), bind(entry.action), bind(entry.record_id), bind(entry.sha256),
        bind(entry.entry_hash), now;
    prev = entry.entry_hash;
  }
}

void CreateIndexesAndTriggers(Poco::Data::Session& session) {
  // Search orders by (stored_at, id); each filter gets an index ending in that order so a page
  // is an index range scan whatever the table size.
  for (const char* sql : {
           "CREATE INDEX IF NOT EXISTS documents_sha256 ON documents (sha256)",
           "DROP INDEX IF EXISTS documents_party_code",
           "CREATE INDEX IF NOT EXISTS documents_order ON documents (stored_at, id)",
           "CREATE INDEX IF NOT EXISTS documents_party ON documents (party_code, stored_at, id)",
           "CREATE INDEX IF NOT EXISTS documents_form ON documents (form_type, stored_at, id)",
           "CREATE INDEX IF NOT EXISTS documents_phase ON documents (phase, stored_at, id)",
           "CREATE INDEX IF NOT EXISTS documents_kind_party"
           " ON documents (party_kind, party_code, stored_at, id)",
           // A record is superseded at most once: versions form a line, not a tree.
           "CREATE UNIQUE INDEX IF NOT EXISTS documents_supersedes ON documents (supersedes)"
           " WHERE supersedes <> ''",
           "CREATE INDEX IF NOT EXISTS audit_record ON audit_log (record_id)",
           // TSA tokens over the chain head, one per "timestamp" entry (added within schema 2:
           // created at every writable open, read only for timestamp entries).
           "CREATE TABLE IF NOT EXISTS audit_tokens (seq INTEGER PRIMARY KEY, token TEXT NOT NULL)",
           "CREATE TRIGGER IF NOT EXISTS audit_tokens_immutable_update BEFORE UPDATE ON"
           " audit_tokens BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
           "CREATE TRIGGER IF NOT EXISTS audit_tokens_immutable_delete BEFORE DELETE ON"
           " audit_tokens BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
           "CREATE TRIGGER IF NOT EXISTS documents_immutable_update BEFORE UPDATE ON documents"
           " BEGIN SELECT RAISE(ABORT, 'archive records are immutable'); END",
           "CREATE TRIGGER IF NOT EXISTS documents_immutable_delete BEFORE DELETE ON documents"
           " BEGIN SELECT RAISE(ABORT, 'archive records are immutable'); END",
           "CREATE TRIGGER IF NOT EXISTS audit_immutable_update BEFORE UPDATE ON audit_log"
           " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
           "CREATE TRIGGER IF NOT EXISTS audit_immutable_delete BEFORE DELETE ON audit_log"
           " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
       }) {
    session << sql, now;
  }
}

void CreateSchema(Poco::Data::Session& session) {
  Transaction transaction(session);
  session << "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", now;
  std::vector<int> versions;
  session << "SELECT version FROM schema_version", into(versions), now;
  if (versions.size() > 1) {
    throw ArchiveError(ArchiveErrorCode::kCatalog, "catalog has several schema versions");
  }
  int version = versions.empty() ? 0 : versions.front();
  if (version > kSchemaVersion || version < 0) {
    throw ArchiveError(ArchiveErrorCode::kCatalog, "catalog schema version " +
                                                       std::to_string(version) +
                                                       " is newer than the supported version " +
                                                       std::to_string(kSchemaVersion));
  }
  if (version == 0) {
    CreateTablesV1(session);
    session << "INSERT INTO schema_version (version) VALUES (1)", now;
    version = 1;
  }
  if (version == 1) {
    UpgradeToV2(session);
    session << "DELETE FROM schema_version", now;
    session << "INSERT INTO schema_version (version) VALUES (?)", bind(kSchemaVersion), now;
  }
  CreateIndexesAndTriggers(session);
  transaction.Commit();
}

// PostgreSQL: the same tables, indexes and immutability as SQLite's schema 2, created directly
// (there never was a schema 1 there). Text columns use the "C" collation so that ordering and
// keyset comparisons are bytewise, as in SQLite, whatever the database's locale. `ord` is the
// insertion order (SQLite's rowid).
void CreateSchemaPostgres(Poco::Data::Session& session) {
  Transaction transaction(session);
  // Two processes opening a fresh database at once: one creates, the other waits and finds it.
  session << "SELECT pg_advisory_xact_lock(7305921)", now;
  session << "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", now;
  std::vector<int> versions;
  session << "SELECT version FROM schema_version", into(versions), now;
  if (versions.size() > 1) {
    throw ArchiveError(ArchiveErrorCode::kCatalog, "catalog has several schema versions");
  }
  int version = versions.empty() ? 0 : versions.front();
  if (version != 0 && version != kSchemaVersion) {
    throw ArchiveError(ArchiveErrorCode::kCatalog,
                       "catalog schema version " + std::to_string(version) +
                           " is not the supported version " + std::to_string(kSchemaVersion));
  }
  for (const char* sql : {
           "CREATE TABLE IF NOT EXISTS documents ("
           " ord BIGSERIAL UNIQUE,"
           " id TEXT COLLATE \"C\" PRIMARY KEY,"
           " form_type TEXT COLLATE \"C\" NOT NULL,"
           " document_id TEXT COLLATE \"C\" NOT NULL,"
           " party_kind TEXT COLLATE \"C\" NOT NULL,"
           " party_code TEXT COLLATE \"C\" NOT NULL,"
           " party_name TEXT COLLATE \"C\" NOT NULL,"
           " phase TEXT COLLATE \"C\" NOT NULL,"
           " sha256 TEXT COLLATE \"C\" NOT NULL,"
           " size BIGINT NOT NULL,"
           " signers TEXT NOT NULL,"
           " verdict TEXT COLLATE \"C\" NOT NULL,"
           " stored_at TEXT COLLATE \"C\" NOT NULL,"
           " supersedes TEXT COLLATE \"C\" NOT NULL DEFAULT '')",
           "CREATE TABLE IF NOT EXISTS audit_log ("
           " seq BIGINT PRIMARY KEY,"
           " prev_hash TEXT COLLATE \"C\" NOT NULL,"
           " time TEXT COLLATE \"C\" NOT NULL,"
           " actor TEXT NOT NULL,"
           " action TEXT COLLATE \"C\" NOT NULL,"
           " record_id TEXT COLLATE \"C\" NOT NULL,"
           " sha256 TEXT COLLATE \"C\" NOT NULL,"
           " entry_hash TEXT COLLATE \"C\" NOT NULL)",
           "CREATE INDEX IF NOT EXISTS documents_sha256 ON documents (sha256)",
           "CREATE INDEX IF NOT EXISTS documents_order ON documents (stored_at, id)",
           "CREATE INDEX IF NOT EXISTS documents_party ON documents (party_code, stored_at, id)",
           "CREATE INDEX IF NOT EXISTS documents_form ON documents (form_type, stored_at, id)",
           "CREATE INDEX IF NOT EXISTS documents_phase ON documents (phase, stored_at, id)",
           "CREATE INDEX IF NOT EXISTS documents_kind_party"
           " ON documents (party_kind, party_code, stored_at, ord)",
           "CREATE UNIQUE INDEX IF NOT EXISTS documents_supersedes ON documents (supersedes)"
           " WHERE supersedes <> ''",
           "CREATE INDEX IF NOT EXISTS audit_record ON audit_log (record_id)",
           "CREATE TABLE IF NOT EXISTS audit_tokens (seq BIGINT PRIMARY KEY, token TEXT NOT NULL)",
           // Immutability, as SQLite's triggers: no UPDATE, DELETE or TRUNCATE, ever.
           "CREATE OR REPLACE FUNCTION sealflow_refuse_change() RETURNS trigger"
           " LANGUAGE plpgsql AS $$ BEGIN"
           " RAISE EXCEPTION '% is immutable (archive records and the audit log are append-only)',"
           " TG_TABLE_NAME; END $$",
           "CREATE OR REPLACE TRIGGER documents_immutable BEFORE UPDATE OR DELETE ON documents"
           " FOR EACH ROW EXECUTE FUNCTION sealflow_refuse_change()",
           "CREATE OR REPLACE TRIGGER documents_no_truncate BEFORE TRUNCATE ON documents"
           " FOR EACH STATEMENT EXECUTE FUNCTION sealflow_refuse_change()",
           "CREATE OR REPLACE TRIGGER audit_immutable BEFORE UPDATE OR DELETE ON audit_log"
           " FOR EACH ROW EXECUTE FUNCTION sealflow_refuse_change()",
           "CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_log"
           " FOR EACH STATEMENT EXECUTE FUNCTION sealflow_refuse_change()",
           "CREATE OR REPLACE TRIGGER audit_tokens_immutable BEFORE UPDATE OR DELETE ON"
           " audit_tokens FOR EACH ROW EXECUTE FUNCTION sealflow_refuse_change()",
           "CREATE OR REPLACE TRIGGER audit_tokens_no_truncate BEFORE TRUNCATE ON audit_tokens"
           " FOR EACH STATEMENT EXECUTE FUNCTION sealflow_refuse_change()",
       }) {
    session << sql, now;
  }
  if (version == 0) {
    session << "INSERT INTO schema_version (version) VALUES (" + std::to_string(kSchemaVersion) +
                   ")",
        now;
  }
  transaction.Commit();
}

void CheckSchema(Poco::Data::Session& session) {
  std::vector<int> versions;
  session << "SELECT version FROM schema_version", into(versions), now;
  if (versions.size() != 1 || versions.front() != kSchemaVersion) {
    throw ArchiveError(ArchiveErrorCode::kCatalog,
                       "只读打开需要最新的目录版本 / a read-only open needs catalog schema " +
                           std::to_string(kSchemaVersion) + "; open it once writable to migrate");
  }
}

bool IsHex(const std::string& s) {
  return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string HexEncode(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) {
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 0x0f]);
  }
  return hex;
}

// The cursor is the hex of "stored_at\nid" of the last record of a page: opaque to clients,
// URL-safe, and enough to continue with (stored_at, id) > (...).
std::string EncodeCursor(const DocumentRecord& last) {
  return HexEncode(last.stored_at + "\n" + last.id);
}

std::pair<std::string, std::string> DecodeCursor(const std::string& cursor) {
  auto bad = [] {
    return ArchiveError(ArchiveErrorCode::kArgument, "无效的分页游标 / invalid cursor");
  };
  if (cursor.size() % 2 != 0 || cursor.size() > 1024 || !IsHex(cursor)) throw bad();
  std::string bytes;
  for (std::size_t i = 0; i < cursor.size(); i += 2) {
    auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    bytes.push_back(static_cast<char>(nibble(cursor[i]) * 16 + nibble(cursor[i + 1])));
  }
  std::size_t newline = bytes.find('\n');
  if (newline == std::string::npos || newline == 0 || newline + 1 == bytes.size()) throw bad();
  return {bytes.substr(0, newline), bytes.substr(newline + 1)};
}

// "YYYY-MM-DD" optionally followed by "THH:MM:SSZ" (or a prefix of it): what stored_at
// compares against as text.
void CheckTimeBound(const std::string& value, const char* name) {
  static const std::string kPattern = "dddd-dd-ddTdd:dd:ddZ";
  bool ok = value.size() >= 10 && value.size() <= kPattern.size();
  for (std::size_t i = 0; ok && i < value.size(); ++i) {
    char c = value[i];
    ok = kPattern[i] == 'd' ? (c >= '0' && c <= '9') : c == kPattern[i];
  }
  if (!ok) {
    throw ArchiveError(ArchiveErrorCode::kArgument, std::string("无效的时间 / invalid ") + name +
                                                        ": use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
  }
}

// LIKE with '\' as the escape character, so '%' and '_' in the text match themselves.
std::string LikeContains(const std::string& text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  return pattern + "%";
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

std::string Dialect::operator()(const std::string& sql) const {
  if (!postgres) return sql;
  // '?' -> $1, $2 ... outside quoted literals (libpq numbers its parameters).
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  bool quoted = false;
  for (char c : sql) {
    if (c == '\'') quoted = !quoted;
    if (c == '?' && !quoted) {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

std::string PercentDecode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      int hi = nibble(text[i + 1]);
      int lo = nibble(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

// Poco's PostgreSQL connector takes only libpq's key=value form: a postgresql:// URL
// (RFC 3986, as libpq documents it) is turned into that; key=value strings pass unchanged.
std::string PostgresKeyValues(const std::string& where) {
  std::string rest;
  for (const char* scheme : {"postgresql://", "postgres://"}) {
    if (where.rfind(scheme, 0) == 0) rest = where.substr(std::string(scheme).size());
  }
  if (rest.empty() && where.find("://") == std::string::npos) return where;
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string query;
  if (std::size_t q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest.resize(q);
  }
  std::string path;
  if (std::size_t slash = rest.find('/'); slash != std::string::npos) {
    path = rest.substr(slash + 1);
    rest.resize(slash);
  }
  if (std::size_t at = rest.rfind('@'); at != std::string::npos) {
    std::string userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    std::size_t colon = userinfo.find(':');
    pairs.emplace_back("user", PercentDecode(userinfo.substr(0, colon)));
    if (colon != std::string::npos) {
      pairs.emplace_back("password", PercentDecode(userinfo.substr(colon + 1)));
    }
  }
  std::string host = rest;
  std::string port;
  if (!host.empty() && host.front() == '[') {  // [IPv6]:port
    std::size_t close = host.find(']');
    if (close != std::string::npos) {
      if (close + 1 < host.size() && host[close + 1] == ':') port = host.substr(close + 2);
      host = host.substr(1, close - 1);
    }
  } else if (std::size_t colon = host.rfind(':'); colon != std::string::npos) {
    port = host.substr(colon + 1);
    host.resize(colon);
  }
  if (!host.empty()) pairs.emplace_back("host", PercentDecode(host));
  if (!port.empty()) pairs.emplace_back("port", port);
  if (!path.empty()) pairs.emplace_back("dbname", PercentDecode(path));
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t amp = query.find('&', start);
    std::string item = query.substr(start, amp == std::string::npos ? amp : amp - start);
    std::size_t eq = item.find('=');
    if (eq != std::string::npos) {
      pairs.emplace_back(PercentDecode(item.substr(0, eq)), PercentDecode(item.substr(eq + 1)));
    }
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (value.empty() || value.find_first_of(" '\\") != std::string::npos) {
      throw ArchiveError(ArchiveErrorCode::kArgument,
                         "连接串中的 " + key + " 不可为空或含空格、引号 / the catalog URL's " +
                             key + " must be non-empty, without spaces, quotes or backslashes");
    }
    if (!out.empty()) out += ' ';
    out += key + "=" + value;
  }
  return out;
}

}  // namespace

Catalog::Catalog(std::string where, bool read_only) : where_(std::move(where)) {
  dialect_.postgres = IsPostgresConnection(where_);
  if (dialect_.postgres) where_ = PostgresKeyValues(where_);
  std::call_once(register_once, [] {
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::PostgreSQL::Connector::registerConnector();
  });
  if (!dialect_.postgres && read_only && !std::filesystem::is_regular_file(where_)) {
    throw ArchiveError(ArchiveErrorCode::kNotFound, "没有目录数据库 / no catalog at " + where_);
  }
  Catalogued("open catalog", [&] {
    if (read_only) {
      ReaderLease session(*this);
      CheckSchema(*session);
      return;
    }
    writer_ = OpenSession();
    if (dialect_.postgres) {
      CreateSchemaPostgres(*writer_);
    } else {
      CreateSchema(*writer_);
    }
  });
}

Catalog::~Catalog() = default;

std::unique_ptr<Poco::Data::Session> Catalog::OpenSession() const {
  if (dialect_.postgres) {
    // synchronous_commit stays at the server's default (on): COMMIT returns once the WAL is
    // flushed, which is what a 201 promises.
    auto session = std::make_unique<Poco::Data::Session>("PostgreSQL", where_);
    // libpq prints NOTICEs (e.g. "already exists, skipping") to stderr; keep warnings only.
    *session << "SET client_min_messages TO warning", now;
    return session;
  }
  auto session = std::make_unique<Poco::Data::Session>("SQLite", where_);
  std::string journal_mode;
  *session << "PRAGMA journal_mode=WAL", into(journal_mode), now;
  if (journal_mode != "wal") {
    throw ArchiveError(ArchiveErrorCode::kCatalog,
                       "catalog refused WAL journal mode (got " + journal_mode + ")");
  }
  // FULL: a committed row survives power loss, matching the fsynced blob it points to. In WAL
  // mode NORMAL would fsync the WAL only at checkpoints, so a commit could be acknowledged and
  // then lost; making it durable with explicit checkpoints would cost the WAL fsync plus a
  // database fsync per group. FULL costs one WAL fsync per commit, and group commit shares
  // that one fsync among every Put in the group.
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

namespace {

// Checks record.supersedes inside the write transaction, so no other write can interleave.
void CheckSupersedes(Poco::Data::Session& session, const Dialect& sql,
                     const DocumentRecord& record) {
  if (record.supersedes.empty()) return;
  std::vector<Poco::Tuple<std::string, std::string, std::string>> target;
  session << sql("SELECT party_kind, party_code, form_type FROM documents WHERE id = ?"),
      bind(record.supersedes), into(target), now;
  if (target.empty()) {
    throw ArchiveError(ArchiveErrorCode::kSupersedes,
                       "被更正的记录不存在 / supersedes names no record: " + record.supersedes);
  }
  const auto& t = target.front();
  if (t.get<0>() != record.party_kind || t.get<1>() != record.party_code ||
      t.get<2>() != record.form_type) {
    throw ArchiveError(ArchiveErrorCode::kSupersedes,
                       "被更正的记录属于其他单位或表单类型 / record " + record.supersedes +
                           " belongs to another party or form type (" + t.get<1>() + ", " +
                           t.get<2>() + ")");
  }
  Poco::Int64 already = 0;
  session << sql("SELECT COUNT(*) FROM documents WHERE supersedes = ?"), bind(record.supersedes),
      into(already), now;
  if (already != 0) {
    throw ArchiveError(ArchiveErrorCode::kConflict,
                       "该记录已被更正 / record " + record.supersedes +
                           " is already superseded; correct the newest version");
  }
}

// The error a failed request reports, as the component's exception type.
std::exception_ptr AsCatalogError(std::exception_ptr error) {
  try {
    std::rethrow_exception(std::move(error));
  } catch (const ArchiveError&) {
    return std::current_exception();
  } catch (const Poco::Exception& e) {
    return std::make_exception_ptr(
        ArchiveError(ArchiveErrorCode::kCatalog, "insert catalog row: " + e.displayText()));
  } catch (const std::exception& e) {
    return std::make_exception_ptr(
        ArchiveError(ArchiveErrorCode::kCatalog, std::string("insert catalog row: ") + e.what()));
  }
}

// The statements a group runs for each document, prepared once per group and executed with
// the values of the members they are bound to (Poco prepares a statement each time one is
// built from text: four per document otherwise).
class DocumentInserter {
 public:
  DocumentInserter(Poco::Data::Session& session, const Dialect& sql)
      : savepoint_(session), release_(session), document_(session), audit_(session) {
    savepoint_ << "SAVEPOINT put";
    release_ << "RELEASE SAVEPOINT put";
    document_ << sql("INSERT INTO documents (" + kColumns +
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        use(id_), use(form_type_), use(document_id_), use(party_kind_), use(party_code_),
        use(party_name_), use(phase_), use(sha256_), use(size_), use(signers_), use(verdict_),
        use(stored_at_), use(supersedes_);
    audit_ << sql("INSERT INTO audit_log (" + kAuditColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
        use(seq_), use(prev_hash_), use(time_), use(actor_), use(action_), use(record_id_),
        use(entry_sha256_), use(entry_hash_);
  }

  void Savepoint() { savepoint_.execute(); }
  void Release() { release_.execute(); }

  void InsertDocument(const DocumentRecord& record) {
    id_ = record.id;
    form_type_ = record.form_type;
    document_id_ = record.document_id;
    party_kind_ = record.party_kind;
    party_code_ = record.party_code;
    party_name_ = record.party_name;
    phase_ = PhaseName(record.phase);
    sha256_ = record.sha256;
    size_ = static_cast<Poco::Int64>(record.size);
    signers_ = SignersToJson(record.signers);
    verdict_ = record.verdict;
    stored_at_ = record.stored_at;
    supersedes_ = record.supersedes;
    document_.execute();
  }

  void InsertAudit(const AuditEntry& entry) {
    seq_ = static_cast<Poco::Int64>(entry.seq);
    prev_hash_ = entry.prev_hash;
    time_ = entry.time;
    actor_ = entry.actor;
    action_ = entry.action;
    record_id_ = entry.record_id;
    entry_sha256_ = entry.sha256;
    entry_hash_ = entry.entry_hash;
    audit_.execute();
  }

 private:
  Poco::Data::Statement savepoint_, release_, document_, audit_;
  std::string id_, form_type_, document_id_, party_kind_, party_code_, party_name_, phase_, sha256_;
  Poco::Int64 size_ = 0;
  std::string signers_, verdict_, stored_at_, supersedes_;
  Poco::Int64 seq_ = 0;
  std::string prev_hash_, time_, actor_, action_, record_id_, entry_sha256_, entry_hash_;
};

}  // namespace

std::vector<Catalog::InsertOutcome> Catalog::InsertGroup(
    const std::vector<InsertRequest>& requests) {
  if (!writer_) {
    throw ArchiveError(ArchiveErrorCode::kArgument, "the store was opened read-only");
  }
  std::lock_guard<std::mutex> lock(write_mutex_);
  return Catalogued("commit catalog group", [&] {
    Poco::Data::Session& session = *writer_;
    std::vector<InsertOutcome> outcomes(requests.size());
    Transaction transaction(session);
    if (dialect_.postgres) {
      // Several processes may share a PostgreSQL catalog: one group at a time appends to the
      // chain (readers are not blocked by this lock mode).
      session << "LOCK TABLE audit_log IN EXCLUSIVE MODE", now;
    }
    // The head is read once per group and carried in memory: the single writer is the only one
    // appending, so the chain stays strictly ordered (request order within the group).
    std::vector<Poco::Tuple<Poco::Int64, std::string>> head;
    session << "SELECT seq, entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1", into(head), now;
    std::uint64_t seq = head.empty() ? 0 : static_cast<std::uint64_t>(head.front().get<0>());
    std::string prev = head.empty() ? AuditGenesisHash() : head.front().get<1>();
    // Rebuilt after a refused request: a statement that failed is not reused.
    std::unique_ptr<DocumentInserter> inserter;
    for (std::size_t i = 0; i < requests.size(); ++i) {
      if (!inserter) inserter = std::make_unique<DocumentInserter>(session, dialect_);
      inserter->Savepoint();
      try {
        if (requests[i].record == nullptr) {
          const InsertRequest& stamp = requests[i];
          AuditEntry entry;
          entry.seq = seq + 1;
          entry.prev_hash = prev;
          entry.time = stamp.time;
          entry.actor = stamp.actor.empty() ? "system" : stamp.actor;
          entry.action = "timestamp";
          entry.record_id = "head:" + std::to_string(stamp.head_seq);
          entry.sha256 = stamp.head_hash;
          entry.entry_hash = AuditEntryHash(entry.seq, entry.prev_hash, AuditContentHash(entry));
          inserter->InsertAudit(entry);
          session << dialect_("INSERT INTO audit_tokens (seq, token) VALUES (?, ?)"),
              bind(static_cast<Poco::Int64>(entry.seq)), bind(HexEncode(stamp.token)), now;
          inserter->Release();
          seq = entry.seq;
          prev = entry.entry_hash;
          outcomes[i].entry = std::move(entry);
          continue;
        }
        const DocumentRecord& record = *requests[i].record;
        CheckSupersedes(session, dialect_, record);
        inserter->InsertDocument(record);
        AuditEntry entry;
        entry.seq = seq + 1;
        entry.prev_hash = prev;
        entry.time = record.stored_at;
        entry.actor = requests[i].actor.empty() ? "system" : requests[i].actor;
        entry.action = "ingest";
        entry.record_id = record.id;
        entry.sha256 = record.sha256;
        entry.entry_hash = AuditEntryHash(entry.seq, entry.prev_hash, AuditContentHash(entry));
        inserter->InsertAudit(entry);
        inserter->Release();
        seq = entry.seq;
        prev = entry.entry_hash;
        outcomes[i].entry = std::move(entry);
      } catch (...) {
        outcomes[i].error = AsCatalogError(std::current_exception());
        inserter.reset();
        // Undo only this request; the transaction and the others in it carry on.
        session << "ROLLBACK TO SAVEPOINT put", now;
        session << "RELEASE SAVEPOINT put", now;
      }
    }
    transaction.Commit();
    return outcomes;
  });
}

AuditEntry Catalog::Insert(const DocumentRecord& record, const std::string& actor) {
  InsertRequest request;
  request.record = &record;
  request.actor = actor;
  std::vector<InsertOutcome> outcomes = InsertGroup({request});
  if (outcomes.front().error) std::rethrow_exception(outcomes.front().error);
  return outcomes.front().entry;
}

std::optional<DocumentRecord> Catalog::Get(const std::string& id) const {
  return Catalogued("read catalog row", [&]() -> std::optional<DocumentRecord> {
    ReaderLease session(*this);
    std::vector<Row> rows;
    *session << dialect_("SELECT " + kColumns + " FROM documents WHERE id = ?"), bind(id),
        into(rows), now;
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
    *session << dialect_("SELECT COUNT(*) FROM documents WHERE sha256 = ?"), bind(sha256),
        into(count), now;
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

std::vector<DocumentRecord> Catalog::ListParty(const std::string& kind,
                                               const std::string& code) const {
  return Catalogued("list party records", [&] {
    ReaderLease session(*this);
    std::vector<Row> rows;
    // The insertion order (SQLite's rowid, PostgreSQL's ord; rows are never deleted), so
    // records stored within the same second keep their ingest order.
    *session << dialect_("SELECT " + kColumns +
                         " FROM documents WHERE party_kind = ? AND party_code = ? ORDER BY "
                         "stored_at, " +
                         dialect_.InsertOrder()),
        bind(kind), bind(code), into(rows), now;
    std::vector<DocumentRecord> records;
    records.reserve(rows.size());
    for (const Row& row : rows) records.push_back(FromRow(row));
    return records;
  });
}

std::optional<DocumentRecord> Catalog::SupersededBy(const std::string& id) const {
  return Catalogued("read superseding row", [&]() -> std::optional<DocumentRecord> {
    ReaderLease session(*this);
    std::vector<Row> rows;
    *session << dialect_("SELECT " + kColumns + " FROM documents WHERE supersedes = ?"), bind(id),
        into(rows), now;
    if (rows.empty()) return std::nullopt;
    return FromRow(rows.front());
  });
}

SearchPage Catalog::Search(const SearchQuery& query) const {
  if (query.limit < 1 || query.limit > kMaxSearchLimit) {
    throw ArchiveError(ArchiveErrorCode::kArgument,
                       "limit 须在 1 到 " + std::to_string(kMaxSearchLimit) +
                           " 之间 / limit must be 1.." + std::to_string(kMaxSearchLimit));
  }
  if (!query.from.empty()) CheckTimeBound(query.from, "from");
  if (!query.to.empty()) CheckTimeBound(query.to, "to");
  std::string where;
  std::vector<std::string> params;
  auto add = [&](const std::string& clause, std::vector<std::string> values) {
    where += where.empty() ? " WHERE " : " AND ";
    where += clause;
    for (std::string& value : values) params.push_back(std::move(value));
  };
  if (!query.party_code.empty()) add("party_code = ?", {query.party_code});
  if (!query.form_type.empty()) add("form_type = ?", {query.form_type});
  if (query.phase) add("phase = ?", {PhaseName(*query.phase)});
  if (!query.from.empty()) add("stored_at >= ?", {query.from});
  if (!query.to.empty()) add("stored_at < ?", {query.to});
  if (!query.name_contains.empty()) {
    add("party_name LIKE ? ESCAPE '\\'", {LikeContains(query.name_contains)});
  }
  if (!query.cursor.empty()) {
    auto [stored_at, id] = DecodeCursor(query.cursor);
    add("(stored_at, id) > (?, ?)", {stored_at, id});
  }
  return Catalogued("search catalog", [&] {
    ReaderLease session(*this);
    std::vector<Row> rows;
    // One row more than asked tells whether another page follows.
    Poco::Data::Statement statement(*session);
    statement << dialect_("SELECT " + kColumns + " FROM documents" + where +
                          " ORDER BY stored_at, id LIMIT " + std::to_string(query.limit + 1));
    for (const std::string& param : params) statement, bind(param);
    statement, into(rows);
    statement.execute();
    SearchPage page;
    for (const Row& row : rows) {
      if (page.records.size() == query.limit) {
        page.next_cursor = EncodeCursor(page.records.back());
        break;
      }
      page.records.push_back(FromRow(row));
    }
    return page;
  });
}

std::vector<Party> Catalog::Parties(const std::string& kind) const {
  return Catalogued("list parties", [&] {
    ReaderLease session(*this);
    std::vector<Poco::Tuple<std::string, std::string>> rows;
    if (dialect_.postgres) {
      *session << dialect_(
          "SELECT DISTINCT ON (party_code) party_code, party_name FROM documents"
          " WHERE party_kind = ? ORDER BY party_code, ord DESC"),
          bind(kind), into(rows), now;
    } else {
      // SQLite returns the bare column (party_name) from the row holding the MAX.
      std::vector<Poco::Tuple<std::string, std::string, Poco::Int64>> with_max;
      *session << "SELECT party_code, party_name, MAX(rowid) FROM documents"
                  " WHERE party_kind = ? GROUP BY party_code ORDER BY party_code",
          bind(kind), into(with_max), now;
      for (const auto& row : with_max) rows.emplace_back(row.get<0>(), row.get<1>());
    }
    std::vector<Party> parties;
    for (const auto& row : rows) parties.push_back(Party{row.get<0>(), row.get<1>()});
    return parties;
  });
}

void Catalog::ForEachAuditEntry(std::uint64_t from_seq, std::uint64_t to_seq,
                                const std::function<void(const AuditEntry&)>& fn) const {
  Poco::Int64 next = static_cast<Poco::Int64>(from_seq);
  const Poco::Int64 last =
      to_seq == 0 ? std::numeric_limits<Poco::Int64>::max() : static_cast<Poco::Int64>(to_seq);
  for (;;) {
    std::vector<AuditRow> rows = Catalogued("read audit log", [&] {
      ReaderLease session(*this);
      std::vector<AuditRow> batch;
      *session << dialect_("SELECT " + kAuditColumns +
                           " FROM audit_log WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT " +
                           std::to_string(kBatch)),
          bind(next), bind(last), into(batch), now;
      return batch;
    });
    for (const AuditRow& row : rows) fn(FromAuditRow(row));
    if (rows.size() < static_cast<std::size_t>(kBatch)) return;
    next = rows.back().get<0>() + 1;
  }
}

std::vector<AuditEntry> Catalog::AuditEntriesFor(const std::vector<std::string>& ids) const {
  return Catalogued("read audit entries", [&] {
    ReaderLease session(*this);
    std::vector<AuditEntry> entries;
    for (const std::string& id : ids) {
      std::vector<AuditRow> rows;
      *session << dialect_("SELECT " + kAuditColumns + " FROM audit_log WHERE record_id = ?"),
          bind(id), into(rows), now;
      for (const AuditRow& row : rows) entries.push_back(FromAuditRow(row));
    }
    std::sort(entries.begin(), entries.end(),
              [](const AuditEntry& a, const AuditEntry& b) { return a.seq < b.seq; });
    return entries;
  });
}

std::optional<AuditEntry> Catalog::AuditHead() const {
  return Catalogued("read audit head", [&]() -> std::optional<AuditEntry> {
    ReaderLease session(*this);
    std::vector<AuditRow> rows;
    *session << "SELECT " + kAuditColumns + " FROM audit_log ORDER BY seq DESC LIMIT 1", into(rows),
        now;
    if (rows.empty()) return std::nullopt;
    return FromAuditRow(rows.front());
  });
}

std::string Catalog::AuditToken(std::uint64_t seq) const {
  return Catalogued("read audit token", [&] {
    ReaderLease session(*this);
    std::vector<std::string> hex;
    *session << dialect_("SELECT token FROM audit_tokens WHERE seq = ?"),
        bind(static_cast<Poco::Int64>(seq)), into(hex), now;
    if (hex.empty() || hex.front().size() % 2 != 0 || !IsHex(hex.front())) return std::string();
    std::string der;
    auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    for (std::size_t i = 0; i < hex.front().size(); i += 2) {
      der.push_back(static_cast<char>(nibble(hex.front()[i]) * 16 + nibble(hex.front()[i + 1])));
    }
    return der;
  });
}

std::vector<std::string> Catalog::CrossCheckAudit(std::uint64_t* first_seq) const {
  return Catalogued("cross-check audit log", [&] {
    ReaderLease session(*this);
    std::vector<std::string> findings;
    std::uint64_t first = 0;
    auto note_seq = [&](Poco::Int64 seq) {
      auto s = static_cast<std::uint64_t>(seq);
      if (first == 0 || s < first) first = s;
    };
    std::vector<std::string> missing;
    *session << "SELECT d.id FROM documents d WHERE NOT EXISTS (SELECT 1 FROM audit_log a"
                " WHERE a.record_id = d.id AND a.action IN ('ingest', 'migrate'))"
                " ORDER BY d.stored_at, d.id LIMIT 20",
        into(missing), now;
    for (const std::string& id : missing) {
      findings.push_back("记录没有审计条目 / record " + id + " has no audit entry");
    }
    std::vector<Poco::Tuple<Poco::Int64, std::string>> unmatched;
    *session << "SELECT a.seq, a.record_id FROM audit_log a WHERE a.action IN ('ingest', "
                "'migrate') AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = a.record_id"
                " AND d.sha256 = a.sha256) ORDER BY a.seq LIMIT 20",
        into(unmatched), now;
    for (const auto& row : unmatched) {
      note_seq(row.get<0>());
      findings.push_back("审计条目 " + std::to_string(row.get<0>()) + " 与记录不符 / audit entry " +
                         std::to_string(row.get<0>()) +
                         " matches no record with that id and sha256 (" + row.get<1>() + ")");
    }
    std::vector<Poco::Tuple<Poco::Int64, std::string>> duplicates;
    *session << "SELECT MAX(seq), record_id FROM audit_log WHERE action IN ('ingest', 'migrate')"
                " GROUP BY record_id HAVING COUNT(*) > 1 ORDER BY MAX(seq) LIMIT 20",
        into(duplicates), now;
    for (const auto& row : duplicates) {
      note_seq(row.get<0>());
      findings.push_back("记录有多个审计条目 / record " + row.get<1>() +
                         " has more than one ingest entry (latest seq " +
                         std::to_string(row.get<0>()) + ")");
    }
    if (first_seq != nullptr) *first_seq = first;
    return findings;
  });
}

void Catalog::ForEachBlob(const std::function<void(const std::string&, std::uint64_t)>& fn) const {
  std::string after;
  for (;;) {
    std::vector<Poco::Tuple<std::string, Poco::Int64>> rows = Catalogued("list blobs", [&] {
      ReaderLease session(*this);
      std::vector<Poco::Tuple<std::string, Poco::Int64>> batch;
      *session << dialect_(
          "SELECT sha256, MAX(size) FROM documents WHERE sha256 > ?"
          " GROUP BY sha256 ORDER BY sha256 LIMIT " +
          std::to_string(kBatch)),
          bind(after), into(batch), now;
      return batch;
    });
    for (const auto& row : rows) {
      fn(row.get<0>(), row.get<1>() < 0 ? 0 : static_cast<std::uint64_t>(row.get<1>()));
    }
    if (rows.size() < static_cast<std::size_t>(kBatch)) return;
    after = rows.back().get<0>();
  }
}

std::pair<std::uint64_t, std::uint64_t> Catalog::BlobTotals() const {
  return Catalogued("sum blobs", [&] {
    ReaderLease session(*this);
    Poco::Int64 count = 0;
    Poco::Int64 bytes = 0;
    *session << "SELECT COUNT(*), CAST(COALESCE(SUM(s), 0) AS BIGINT) FROM"
                " (SELECT MAX(size) AS s FROM documents GROUP BY sha256) AS b",
        into(count), into(bytes), now;
    return std::make_pair(static_cast<std::uint64_t>(count), static_cast<std::uint64_t>(bytes));
  });
}

}  // namespace sealflow::archive::internal
