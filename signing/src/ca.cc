// Copyright sealflow authors.
#include "signing/ca.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include <iterator>
#include <memory>

#include "openssl_util.h"
#include "signing/error.h"

namespace sealflow::signing {
namespace {

using ossl::Check;
using ossl::CheckPtr;
constexpr auto kCrypto = SigningErrorCode::kCrypto;

ossl::EvpPkeyPtr NewKey(KeyAlgorithm algorithm) {
  EVP_PKEY* key = nullptr;
  switch (algorithm) {
    case KeyAlgorithm::kRsa2048:
      key = EVP_RSA_gen(2048);
      break;
    case KeyAlgorithm::kRsa3072:
      key = EVP_RSA_gen(3072);
      break;
    case KeyAlgorithm::kEcdsaP256:
      key = EVP_EC_gen("P-256");
      break;
    case KeyAlgorithm::kSm2:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2");
      break;
  }
  return ossl::EvpPkeyPtr(CheckPtr(key, kCrypto, "key generation"));
}

// The CA's key and certificate, checked to belong together.
struct LoadedCa {
  ossl::EvpPkeyPtr key;
  ossl::X509Ptr cert;
};
LoadedCa LoadCa(const IssuedIdentity& ca) {
  LoadedCa out;
  ossl::BioPtr key_bio = ossl::MemoryBio(ca.key_pem);
  out.key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  Check(out.key != nullptr, SigningErrorCode::kCredentials, "cannot read the CA key");
  ossl::BioPtr cert_bio = ossl::MemoryBio(ca.cert_pem);
  out.cert.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  Check(out.cert != nullptr, SigningErrorCode::kCredentials, "cannot read the CA certificate");
  Check(X509_check_private_key(out.cert.get(), out.key.get()) == 1, SigningErrorCode::kCredentials,
        "the CA key does not match the CA certificate");
  return out;
}

ossl::X509Ptr ReadCertificate(const std::string& pem) {
  ossl::BioPtr bio = ossl::MemoryBio(pem);
  ossl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  Check(cert != nullptr, SigningErrorCode::kArgument, "cannot read a PEM certificate");
  return cert;
}

// RFC 5280 §5.3.1 reason codes by OpenSSL's names.
int ReasonCode(const std::string& reason) {
  static const char* const kNames[] = {
      "unspecified",   "keyCompromise",        "CACompromise",    "affiliationChanged",
      "superseded",    "cessationOfOperation", "certificateHold", "",
      "removeFromCRL", "privilegeWithdrawn",   "AACompromise"};
  for (int code = 0; code < static_cast<int>(std::size(kNames)); ++code) {
    if (*kNames[code] != '\0' && reason == kNames[code]) return code;
  }
  throw SigningError(SigningErrorCode::kArgument, "unknown revocation reason " + reason);
}

using X509CrlPtr = std::unique_ptr<X509_CRL, ossl::Deleter<X509_CRL, X509_CRL_free>>;
using X509RevokedPtr =
    std::unique_ptr<X509_REVOKED, ossl::Deleter<X509_REVOKED, X509_REVOKED_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, ossl::Deleter<ASN1_TIME, ASN1_TIME_free>>;
using Asn1EnumPtr =
    std::unique_ptr<ASN1_ENUMERATED, ossl::Deleter<ASN1_ENUMERATED, ASN1_ENUMERATED_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, ossl::Deleter<BIGNUM, BN_free>>;

Asn1TimePtr Time(std::chrono::system_clock::time_point when) {
  return Asn1TimePtr(CheckPtr(ASN1_TIME_set(nullptr, std::chrono::system_clock::to_time_t(when)),
                              kCrypto, "ASN1_TIME_set"));
}

ossl::X509NamePtr MakeName(const CertificateSubject& subject,
                           const std::string& organizational_unit = "") {
  Check(!subject.common_name.empty(), SigningErrorCode::kArgument, "subject needs a commonName");
  ossl::X509NamePtr name(CheckPtr(X509_NAME_new(), kCrypto, "X509_NAME_new"));
  auto add = [&](const char* field, const std::string& value) {
    if (value.empty()) return;
    Check(X509_NAME_add_entry_by_txt(name.get(), field, MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(value.c_str()),
                                     static_cast<int>(value.size()), -1, 0) == 1,
          SigningErrorCode::kArgument, std::string("bad subject field ") + field);
  };
  add("C", subject.country);
  add("O", subject.organization);
  add("OU", organizational_unit);
  add("CN", subject.common_name);
  add("serialNumber", subject.serial_number);
  return name;
}

void AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value);
  Check(ext != nullptr, kCrypto, std::string("extension ") + OBJ_nid2sn(nid));
  const int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  Check(ok == 1, kCrypto, "X509_add_ext");
}

// A v3 certificate for `subject_key` with the given subject/issuer and validity.
ossl::X509Ptr NewCertificate(EVP_PKEY* subject_key, const X509_NAME* subject,
                             const X509_NAME* issuer,
                             std::chrono::system_clock::time_point not_before, int days,
                             long serial) {
  Check(days > 0, SigningErrorCode::kArgument, "validity must be at least one day");
  ossl::X509Ptr cert(CheckPtr(X509_new(), kCrypto, "X509_new"));
  Check(X509_set_version(cert.get(), X509_VERSION_3) == 1, kCrypto, "X509_set_version");
  Check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial) == 1, kCrypto, "serial");
  Check(X509_set_subject_name(cert.get(), subject) == 1, kCrypto, "subject");
  Check(X509_set_issuer_name(cert.get(), issuer) == 1, kCrypto, "issuer");
  const time_t start = std::chrono::system_clock::to_time_t(not_before);
  Check(ASN1_TIME_set(X509_getm_notBefore(cert.get()), start) != nullptr, kCrypto, "notBefore");
  Check(ASN1_TIME_adj(X509_getm_notAfter(cert.get()), start, days, 0) != nullptr, kCrypto,
        "notAfter");
  Check(X509_set_pubkey(cert.get(), subject_key) == 1, kCrypto, "X509_set_pubkey");
  return cert;
}

IssuedIdentity Finish(X509* cert, EVP_PKEY* key, EVP_PKEY* issuer_key) {
  Check(X509_sign(cert, issuer_key, EVP_sha256()) > 0, kCrypto, "X509_sign");
  IssuedIdentity out;
  ossl::BioPtr key_bio(CheckPtr(BIO_new(BIO_s_mem()), kCrypto, "BIO_new"));
  Check(PEM_write_bio_PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        kCrypto, "PEM_write_bio_PrivateKey");
  out.key_pem = ossl::BioContents(key_bio.get());
  ossl::BioPtr cert_bio(CheckPtr(BIO_new(BIO_s_mem()), kCrypto, "BIO_new"));
  Check(PEM_write_bio_X509(cert_bio.get(), cert) == 1, kCrypto, "PEM_write_bio_X509");
  out.cert_pem = ossl::BioContents(cert_bio.get());
  return out;
}

}  // namespace

IssuedIdentity CreateRootCa(const CertificateSubject& subject,
                            std::chrono::system_clock::time_point not_before, int days) {
  ERR_clear_error();
  ossl::EvpPkeyPtr key = NewKey(KeyAlgorithm::kRsa2048);
  ossl::X509NamePtr name = MakeName(subject);
  ossl::X509Ptr cert = NewCertificate(key.get(), name.get(), name.get(), not_before, days, 1);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  AddExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(cert.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
  AddExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash");
  return Finish(cert.get(), key.get(), key.get());
}

IssuedIdentity IssueSignerCertificate(const IssuedIdentity& ca, const CertificateSubject& subject,
                                      std::chrono::system_clock::time_point not_before, int days,
                                      long serial) {
  return IssueCertificate(ca, subject, not_before, days, serial, IssueOptions{});
}

IssuedIdentity IssueCertificate(const IssuedIdentity& ca, const CertificateSubject& subject,
                                std::chrono::system_clock::time_point not_before, int days,
                                long serial, const IssueOptions& options) {
  ERR_clear_error();
  Check(serial > 0, SigningErrorCode::kArgument, "the serial number must be positive");
  LoadedCa issuer = LoadCa(ca);
  ossl::EvpPkeyPtr key = NewKey(options.key);
  ossl::X509NamePtr name = MakeName(subject, options.organizational_unit);
  ossl::X509Ptr cert = NewCertificate(
      key.get(), name.get(), X509_get_subject_name(issuer.cert.get()), not_before, days, serial);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer.cert.get(), cert.get(), nullptr, nullptr, 0);
  AddExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature,nonRepudiation");
  if (options.time_stamping) {
    AddExtension(cert.get(), &ctx, NID_ext_key_usage, "critical,timeStamping");
  }
  if (options.ocsp_signing) {
    Check(!options.time_stamping, SigningErrorCode::kArgument,
          "a certificate is either for time-stamping or for OCSP signing");
    AddExtension(cert.get(), &ctx, NID_ext_key_usage, "critical,OCSPSigning");
    AddExtension(cert.get(), &ctx, NID_id_pkix_OCSP_noCheck, "ignored");
  }
  if (!options.ocsp_url.empty()) {
    Check(options.ocsp_url.find_first_of(",\r\n") == std::string::npos, SigningErrorCode::kArgument,
          "bad OCSP URL");
    AddExtension(cert.get(), &ctx, NID_info_access, ("OCSP;URI:" + options.ocsp_url).c_str());
  }
  AddExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash");
  AddExtension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");
  return Finish(cert.get(), key.get(), issuer.key.get());
}

std::string ExportPkcs12(const IssuedIdentity& identity, const std::string& chain_pem,
                         const std::string& password, const std::string& friendly_name) {
  ERR_clear_error();
  Check(!password.empty(), SigningErrorCode::kArgument, "a PKCS#12 needs a password");
  LoadedCa loaded = LoadCa(identity);  // the same check: key and certificate belong together
  ossl::X509StackPtr chain(CheckPtr(sk_X509_new_null(), kCrypto, "sk_X509_new_null"));
  ossl::BioPtr chain_bio = ossl::MemoryBio(chain_pem);
  while (X509* cert = PEM_read_bio_X509(chain_bio.get(), nullptr, nullptr, nullptr)) {
    if (sk_X509_push(chain.get(), cert) <= 0) {
      X509_free(cert);
      Check(false, kCrypto, "sk_X509_push");
    }
  }
  ERR_clear_error();  // the loop ends on "no start line"
  // NIDs 0: OpenSSL 3.0's defaults, AES-256-CBC with PBKDF2 for key and certificates, and an
  // HMAC-SHA-256 MAC; what Credentials::FromPkcs12 and current tools read.
  ossl::Pkcs12Ptr p12(
      CheckPtr(PKCS12_create(password.c_str(), friendly_name.c_str(), loaded.key.get(),
                             loaded.cert.get(), chain.get(), 0, 0, 0, 0, 0),
               kCrypto, "PKCS12_create"));
  ossl::BioPtr out(CheckPtr(BIO_new(BIO_s_mem()), kCrypto, "BIO_new"));
  Check(i2d_PKCS12_bio(out.get(), p12.get()) == 1, kCrypto, "i2d_PKCS12_bio");
  return ossl::BioContents(out.get());
}

std::string CertificateSerial(const std::string& cert_pem) {
  ERR_clear_error();
  ossl::X509Ptr cert = ReadCertificate(cert_pem);
  BignumPtr bn(CheckPtr(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert.get()), nullptr), kCrypto,
                        "ASN1_INTEGER_to_BN"));
  ossl::OpenSslBytes dec(
      reinterpret_cast<unsigned char*>(CheckPtr(BN_bn2dec(bn.get()), kCrypto, "BN_bn2dec")));
  return reinterpret_cast<const char*>(dec.get());
}

std::string CreateCrl(const IssuedIdentity& ca, const std::vector<RevokedCertificate>& revoked,
                      std::chrono::system_clock::time_point this_update,
                      std::chrono::system_clock::time_point next_update, std::int64_t crl_number) {
  ERR_clear_error();
  Check(next_update > this_update, SigningErrorCode::kArgument,
        "nextUpdate must be after thisUpdate");
  LoadedCa issuer = LoadCa(ca);
  X509CrlPtr crl(CheckPtr(X509_CRL_new(), kCrypto, "X509_CRL_new"));
  Check(X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) == 1, kCrypto, "CRL version");
  Check(X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer.cert.get())) == 1, kCrypto,
        "CRL issuer");
  Check(X509_CRL_set1_lastUpdate(crl.get(), Time(this_update).get()) == 1, kCrypto, "thisUpdate");
  Check(X509_CRL_set1_nextUpdate(crl.get(), Time(next_update).get()) == 1, kCrypto, "nextUpdate");
  for (const RevokedCertificate& entry : revoked) {
    X509RevokedPtr rev(CheckPtr(X509_REVOKED_new(), kCrypto, "X509_REVOKED_new"));
    BIGNUM* raw = nullptr;
    Check(!entry.serial.empty() &&
              BN_dec2bn(&raw, entry.serial.c_str()) == static_cast<int>(entry.serial.size()),
          SigningErrorCode::kArgument, "bad serial number " + entry.serial);
    BignumPtr bn(raw);
    ossl::Asn1IntegerPtr serial(
        CheckPtr(BN_to_ASN1_INTEGER(bn.get(), nullptr), kCrypto, "BN_to_ASN1_INTEGER"));
    Check(X509_REVOKED_set_serialNumber(rev.get(), serial.get()) == 1, kCrypto, "serial");
    Check(X509_REVOKED_set_revocationDate(rev.get(), Time(entry.revoked_at).get()) == 1, kCrypto,
          "revocationDate");
    if (!entry.reason.empty()) {
      Asn1EnumPtr code(CheckPtr(ASN1_ENUMERATED_new(), kCrypto, "ASN1_ENUMERATED_new"));
      Check(ASN1_ENUMERATED_set(code.get(), ReasonCode(entry.reason)) == 1, kCrypto, "reason");
      Check(X509_REVOKED_add1_ext_i2d(rev.get(), NID_crl_reason, code.get(), 0, 0) == 1, kCrypto,
            "reason extension");
    }
    Check(X509_CRL_add0_revoked(crl.get(), rev.get()) == 1, kCrypto, "X509_CRL_add0_revoked");
    rev.release();  // owned by the CRL now
  }
  Check(X509_CRL_sort(crl.get()) == 1, kCrypto, "X509_CRL_sort");
  ossl::Asn1IntegerPtr number(CheckPtr(ASN1_INTEGER_new(), kCrypto, "ASN1_INTEGER_new"));
  Check(ASN1_INTEGER_set_int64(number.get(), crl_number) == 1, kCrypto, "cRLNumber");
  Check(X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0) == 1, kCrypto,
        "cRLNumber extension");
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer.cert.get(), nullptr, nullptr, crl.get(), 0);
  X509_EXTENSION* aki =
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always");
  Check(aki != nullptr, kCrypto, "authorityKeyIdentifier");
  const int added = X509_CRL_add_ext(crl.get(), aki, -1);
  X509_EXTENSION_free(aki);
  Check(added == 1, kCrypto, "X509_CRL_add_ext");
  Check(X509_CRL_sign(crl.get(), issuer.key.get(), EVP_sha256()) > 0, kCrypto, "X509_CRL_sign");
  ossl::BioPtr out(CheckPtr(BIO_new(BIO_s_mem()), kCrypto, "BIO_new"));
  Check(PEM_write_bio_X509_CRL(out.get(), crl.get()) == 1, kCrypto, "PEM_write_bio_X509_CRL");
  return ossl::BioContents(out.get());
}

}  // namespace sealflow::signing
