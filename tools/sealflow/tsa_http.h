// Copyright sealflow authors.
// Time-stamping for the command-line verbs: RFC 3161 over HTTP (Poco), and the choice between an
// external TSA by URL and the built-in authority with a local key.
#pragma once

#include <memory>
#include <string>

#include "signing/timestamp.h"

namespace sealflow::cli {

// POSTs the request as application/timestamp-query to `url` (http:// only) and returns the body
// of a 200 application/timestamp-reply. Throws std::runtime_error (bad URL, HTTP status, wrong
// content type, reply over 1 MiB) or Poco::Exception (network).
signing::TimestampTransport HttpTimestampTransport(const std::string& url);

// A client and, for the built-in authority, the authority it calls (kept alive together).
struct TimestampSetup {
  std::unique_ptr<signing::TimestampAuthority> authority;  // null for an external TSA
  std::shared_ptr<const signing::TimestampClient> client;
};
// --tsa URL, or --tsa-key/--tsa-cert[/--tsa-chain] for the built-in authority (real clock, random
// serials, the default policy). Throws SigningError / std::runtime_error.
TimestampSetup MakeTimestampSetup(const std::string& url, const std::string& key_path,
                                  const std::string& cert_path, const std::string& chain_path);

}  // namespace sealflow::cli
