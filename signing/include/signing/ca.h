// Copyright sealflow authors.
// The bureau's certificate authority primitives: a self-signed root, end-entity certificates
// for the pilot's roles (nonRepudiation + digitalSignature key usage, O = organisation, OU =
// role, serialNumber = unified social credit code) with RSA-2048/3072, ECDSA P-256 or SM2 keys,
// PKCS#12 export for delivering a key to its user, and CRLs. Every function throws
// SigningError (kArgument for bad input, kCredentials for an unreadable CA, kCrypto otherwise).
// The CA's state (index, serial, CRL number) is the caller's: see `sealflow ca`.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

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

enum class KeyAlgorithm {
  kRsa2048,
  kRsa3072,
  kEcdsaP256,
  kSm2,  // SM2 key; the certificate is still signed by the issuer's key with SHA-256
};

struct IssueOptions {
  KeyAlgorithm key = KeyAlgorithm::kRsa2048;
  // A time-stamping authority's certificate: extendedKeyUsage critical timeStamping and
  // keyUsage digitalSignature + nonRepudiation (RFC 3161 §2.3).
  bool time_stamping = false;
  // The subject's OU, e.g. the role ("provider", "tsa"); empty: none.
  std::string organizational_unit;
  // A delegated OCSP responder's certificate (RFC 6960 §4.2.2.2): extendedKeyUsage critical
  // OCSPSigning and id-pkix-ocsp-nocheck.
  bool ocsp_signing = false;
  // authorityInfoAccess OCSP;URI:this (the responder a verifier with --ocsp-aia asks); empty: none.
  std::string ocsp_url;
};

// Creates a self-signed CA (RSA-2048, SHA-256) valid from `not_before` for `days`.
IssuedIdentity CreateRootCa(const CertificateSubject& subject,
                            std::chrono::system_clock::time_point not_before, int days);

// Issues an end-entity signing certificate under `ca` with a fresh RSA-2048 key.
IssuedIdentity IssueSignerCertificate(const IssuedIdentity& ca, const CertificateSubject& subject,
                                      std::chrono::system_clock::time_point not_before, int days,
                                      long serial);

// Same with a choice of key algorithm and role (IssueSignerCertificate is IssueCertificate with
// default options).
IssuedIdentity IssueCertificate(const IssuedIdentity& ca, const CertificateSubject& subject,
                                std::chrono::system_clock::time_point not_before, int days,
                                long serial, const IssueOptions& options);

// A PKCS#12 (AES-256-CBC, PBKDF2, SHA-256 MAC: OpenSSL 3.0's defaults) with the identity's key
// and certificate and `chain_pem` (e.g. the root), protected by `password` (not empty).
std::string ExportPkcs12(const IssuedIdentity& identity, const std::string& chain_pem,
                         const std::string& password, const std::string& friendly_name);

// The serial number of a PEM certificate, as a decimal string.
std::string CertificateSerial(const std::string& cert_pem);

struct RevokedCertificate {
  std::string serial;  // decimal
  std::chrono::system_clock::time_point revoked_at;
  // RFC 5280 reason name as OpenSSL spells it ("keyCompromise", "superseded",
  // "cessationOfOperation", ...); empty: no reason code.
  std::string reason;
};

// A v2 CRL (PEM) signed by the CA with SHA-256: thisUpdate, nextUpdate, the revoked entries
// (each with its reason code) and the cRLNumber and authorityKeyIdentifier extensions.
std::string CreateCrl(const IssuedIdentity& ca, const std::vector<RevokedCertificate>& revoked,
                      std::chrono::system_clock::time_point this_update,
                      std::chrono::system_clock::time_point next_update, std::int64_t crl_number);

}  // namespace sealflow::signing
