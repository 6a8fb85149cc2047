// Copyright sealflow authors.
// PAdES B-B signing: an incremental update adding a signature field with SubFilter
// ETSI.CAdES.detached, a CMS SignedData over the byte ranges with SHA-256,
// signing-certificate-v2 and no signingTime attribute (the time goes in the dictionary's /M).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "signing/credentials.h"

namespace sealflow::signing {

struct SignRequest {
  std::string field_name = "Signature1";  // the signature field's /T; must not exist yet
  std::string reason;                     // /Reason (UTF-8), optional
  std::string location;                   // /Location (UTF-8), optional
  // Widget rectangle in PDF user space on `page` (0-based); all zero = invisible signature.
  int page = 0;
  double x = 0, y = 0, width = 0, height = 0;
};

struct SignerOptions {
  // The signing time written to /M. Tests fix it for deterministic output.
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
  // The most bytes reserved for the CMS in /Contents (hex doubles it). The signer reserves its
  // credentials' CMS size + 256 bytes when that is smaller, so /Contents stays ~2 KB for one
  // RSA-2048 certificate; raise this only for very long chains.
  std::size_t reserved_signature_bytes = 16384;
};

// Thread safety: Sign() may be called concurrently; the credentials are read-only.
class Signer {
 public:
  static std::unique_ptr<Signer> Create(Credentials credentials, const SignerOptions& options = {});

  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;
  virtual ~Signer() = default;

  // Returns the signed PDF: `pdf` unchanged byte for byte, followed by one incremental update.
  // Throws SigningError(kPdf) for an unparsable PDF, kArgument if the field exists already.
  virtual std::string Sign(std::string_view pdf, const SignRequest& request) const = 0;

 protected:
  Signer() = default;
};

}  // namespace sealflow::signing
