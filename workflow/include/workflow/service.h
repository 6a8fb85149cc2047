// Copyright sealflow authors.
// The HTTP service (Poco Net): document upload with verification before storage, retrieval,
// verification without storage, health. Errors are RFC 9457 problem+json in Chinese and English.
//
//   POST /api/v1/documents          signed PDF (raw body or multipart/form-data)
//                                   201 record | 400 not a PDF / unsigned | 413 too large |
//                                   422 signature not VALID (report) | 415 unusable content type
//                                   ?supersedes=ID stores a correction of record ID
//   GET  /api/v1/documents          search: party, formType, phase, from, to, q, limit, cursor
//   GET  /api/v1/documents/{id}     record JSON
//   GET  /api/v1/enterprises/{creditCode}/dossier      records by phase, with verification
//   GET  /api/v1/enterprises/{creditCode}/dossier.zip  BagIt package, streamed
//   GET  /api/v1/documents/{id}/pdf exact stored bytes
//   POST /api/v1/verify             verification report; stores nothing
//   POST /api/v1/tsa                RFC 3161 time-stamping (application/timestamp-query →
//                                   application/timestamp-reply); 404 without a TSA configured
//   GET  /healthz
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sealflow::workflow {

struct ServiceOptions {
  std::string data_dir;                         // required: the archive's data directory
  std::string catalog;  // "" = SQLite in data_dir; else PostgreSQL (archive::StoreOptions::catalog)
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
};

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

 protected:
  Service() = default;
};

}  // namespace sealflow::workflow
