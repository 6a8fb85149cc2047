// Copyright sealflow authors.
// A minimal certificate authority for demos and tests: a self-signed root and RSA signer
// certificates with nonRepudiation + digitalSignature key usage, O = organisation and
// serialNumber = unified social credit code. (The bureau's full CA is a later issue.)
#pragma once

#include <chrono>
#include <string>

namespace sealflow::signing {

struct IssuedIdentity {
  std::string key_pem;   // unencrypted PKCS#8 private key
  std::string cert_pem;  // the certificate
};

struct CertificateSubject {
  std::string common_name;
  std::string organization;
  std::string serial_number;  // e.g. the unified social credit code; optional
  std::string country = "CN";
};

// Creates a self-signed CA (RSA-2048, SHA-256) valid from `not_before` for `days`.
IssuedIdentity CreateRootCa(const CertificateSubject& subject,
                            std::chrono::system_clock::time_point not_before, int days);

// Issues an end-entity signing certificate under `ca` with a fresh RSA-2048 key.
IssuedIdentity IssueSignerCertificate(const IssuedIdentity& ca, const CertificateSubject& subject,
                                      std::chrono::system_clock::time_point not_before, int days,
                                      long serial);

}  // namespace sealflow::signing
