// Copyright sealflow authors.
// The HTTP service (Poco Net): the pilot's workflow (signed documents as transitions, the
// bureau's notices, state, deadlines, ratings, the dashboard), the archive (upload with
// verification before storage, retrieval, dossiers, verification without storage), RFC 3161
// time-stamping and health. Errors are RFC 9457 problem+json in Chinese and English. The full
// contract is the OpenAPI 3 document at GET /api/v1/openapi.json (workflow/openapi.json).
//
// Callers: "Authorization: Bearer TOKEN" (workflow/tokens.h, `sealflow token issue`) makes the
// caller the token's role and organisation; without it the caller is the public. A bad token is
// 401 on every route. Access (403 unless stated):
//   public      healthz, openapi.json, /public/* (listed providers, published ratings, notices),
//               notice records by id, POST /tsa (like any public TSA), and POST /transitions
//               with a real-name report (signed by the reporter)
//   provider    its own records and those of its enterprises; its own state, projects,
//               deadlines and proposed rating; transitions it signs
//   enterprise  its own records, dossier, project and deadlines; transitions it signs
//   county, expert, acceptance-agency, archivist, bureau: every record, dossier and state;
//               the dashboard; transitions in their role; only the bureau issues notices
// A route needing a token answers 401 to the public.
//
//   GET  /healthz                      GET  /api/v1/openapi.json
//   POST /api/v1/transitions           signed PDF → 201 {decision, recordId} | 409 refused,
//                                      naming the article (zh + en) | 400/403/413/422
//   POST /api/v1/notices               bureau: notice request JSON (notices.h) → the notice is
//                                      generated, rendered, signed with the bureau key, applied
//   GET  /api/v1/providers[/{code}]    GET /api/v1/projects[/{enterpriseCode}]
//   GET  /api/v1/deadlines             GET /api/v1/ratings (proposed today)
//   GET  /api/v1/dashboard
//   GET  /api/v1/public/providers      GET /api/v1/public/ratings
//   GET  /api/v1/public/notices        GET /api/v1/public/notices/{id}/pdf
//   POST /api/v1/documents             signed PDF (raw body or multipart/form-data)
//                                      201 record | 400 not a PDF / unsigned | 413 too large |
//                                      422 signature not VALID (report) | 415 unusable content type
//                                      ?supersedes=ID stores a correction of record ID
//   GET  /api/v1/documents             search: party, formType, phase, from, to, q, limit, cursor
//   GET  /api/v1/documents/{id}        record JSON
//   GET  /api/v1/enterprises/{creditCode}/dossier      records by phase, with verification
//   GET  /api/v1/enterprises/{creditCode}/dossier.zip  BagIt package, streamed
//   GET  /api/v1/documents/{id}/pdf    exact stored bytes
//   POST /api/v1/verify                verification report; stores nothing
//   POST /api/v1/tsa                   RFC 3161 time-stamping (application/timestamp-query →
//                                      application/timestamp-reply); 404 without a TSA configured
//
// The scheduler: a service thread ticks the pilot (fires due deadlines, each logged) every
// tick_interval on the injected clock, and once at start before serving, so deadlines that
// passed while the service was down fire at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "archive/store.h"
#include "workflow/lifecycle.h"

namespace sealflow::workflow {

struct ServiceOptions {
  std::string data_dir;  // required: the archive's data directory
  std::string catalog;  // "" = SQLite in data_dir; else PostgreSQL (archive::StoreOptions::catalog)
  // How uploaded blobs are made durable (archive::StoreOptions::blob_sync): one syncfs per commit
  // group (default) or a fsync per blob file and folder.
  archive::StoreOptions::BlobSync blob_sync = archive::StoreOptions::BlobSync::kPerGroup;
  // With a TSA configured: how often the audit chain's head is timestamped (when it moved).
  std::chrono::seconds audit_timestamp_interval{3600};
  std::string host = "127.0.0.1";               // bind address
  std::uint16_t port = 8080;                    // 0 = pick an ephemeral port (see Service::port())
  std::size_t max_upload_bytes = 32u << 20;     // larger bodies get 413 and are not read
  std::vector<std::string> trust_anchor_files;  // PEM roots for verification
  // Folder of the forms' .xsd files for validating uploaded forms. Default (empty): the forms
  // component's default (see forms::ValidatorOptions::schema_dir).
  std::string schema_dir;
  int max_threads = 16;
  int max_queued = 256;
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
  std::function<std::string()> id_source;  // archive record ids; default random
  // The built-in time-stamping authority (POST /api/v1/tsa): PEM key, certificate (critical
  // extendedKeyUsage timeStamping) and optional chain. No key and certificate: no TSA. Its
  // genTime comes from `clock`.
  std::string tsa_key_file;
  std::string tsa_cert_file;
  std::string tsa_chain_file;
  std::string tsa_policy_oid = "1.2.3.4.1";  // see signing::kDefaultTsaPolicyOid
  // The workflow: the engine's periods, the bureau's PKCS#12 for notices it issues through
  // POST /api/v1/notices (none: that route answers 500), and the scheduler's period (0: no
  // scheduler thread; the start-up tick still runs).
  EngineOptions engine;
  std::string bureau_p12;
  std::string bureau_p12_password;
  std::chrono::milliseconds tick_interval{60000};
  // Test hook: called after every scheduler tick with the number of deadlines it fired.
  std::function<void(std::size_t)> on_tick;
};

class Pilot;
class TokenStore;

// Starts on construction, stops on Stop() or destruction. Not copyable.
class Service {
 public:
  // Opens the archive, loads trust anchors, binds and starts serving. Throws std::exception
  // subclasses (ArchiveError, SigningError, Poco::Exception) if any of that fails.
  static std::unique_ptr<Service> Start(const ServiceOptions& options);

  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;
  virtual ~Service() = default;

  virtual std::uint16_t port() const = 0;
  virtual void Stop() = 0;
  // The workflow and the tokens the service uses (valid until the Service is destroyed).
  virtual Pilot& pilot() = 0;
  virtual TokenStore& tokens() = 0;

 protected:
  Service() = default;
};

}  // namespace sealflow::workflow
