// Copyright sealflow authors.
// A signer's private key with its certificate and chain. Opaque: no OpenSSL types leak.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace sealflow::signing {

class Credentials {
 public:
  // PEM private key (optionally encrypted; password may be empty), PEM signer certificate, and
  // optionally a PEM file of intermediate/root certificates. Throws SigningError(kCredentials).
  static Credentials FromPem(const std::string& key_path, const std::string& cert_path,
                             const std::string& chain_path = "", const std::string& password = "");
  // PEM text instead of files (same contract).
  static Credentials FromPemText(const std::string& key_pem, const std::string& cert_pem,
                                 const std::string& chain_pem = "",
                                 const std::string& password = "");
  // A PKCS#12 file with key, certificate and chain. Throws SigningError(kCredentials).
  static Credentials FromPkcs12(const std::string& p12_path, const std::string& password);

  Credentials(Credentials&&) noexcept;
  Credentials& operator=(Credentials&&) noexcept;
  ~Credentials();

  // The signer certificate's subject, RFC 2253 form, e.g. "CN=...,O=...".
  std::string SubjectName() const;
  // The signer certificate's commonName ("" if none).
  std::string CommonName() const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  explicit Credentials(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sealflow::signing
