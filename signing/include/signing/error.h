// Copyright sealflow authors.
// The signing component's one exception type. A signature that does not verify is a verdict in a
// VerificationReport, never an exception; SigningError is for failures to do the work: an
// unreadable key, a wrong password, a PDF PoDoFo cannot write, an OpenSSL failure.
#pragma once

#include <stdexcept>
#include <string>

namespace sealflow::signing {

enum class SigningErrorCode {
  kCredentials,  // key/certificate/PKCS#12 unreadable, wrong password, key does not match cert
  kPdf,          // the input PDF cannot be parsed or written
  kCrypto,       // an OpenSSL operation failed (message carries the ERR_ queue)
  kIo,           // file read/write failure
  kArgument,     // bad caller input (e.g. empty field name, field already signed)
  kTimestamp,    // a time-stamping authority failed, refused, or answered something unusable
};

class SigningError : public std::runtime_error {
 public:
  SigningError(SigningErrorCode code, const std::string& what)
      : std::runtime_error(what), code_(code) {}
  SigningErrorCode code() const noexcept { return code_; }

 private:
  SigningErrorCode code_;
};

}  // namespace sealflow::signing
