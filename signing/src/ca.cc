// Copyright sealflow authors.
#include "signing/ca.h"

#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "openssl_util.h"
#include "signing/error.h"

namespace sealflow::signing {
namespace {

using ossl::Check;
using ossl::CheckPtr;
constexpr auto kCrypto = SigningErrorCode::kCrypto;

ossl::EvpPkeyPtr NewRsaKey() {
  return ossl::EvpPkeyPtr(CheckPtr(EVP_RSA_gen(2048), kCrypto, "RSA key generation"));
}

ossl::X509NamePtr MakeName(const CertificateSubject& subject) {
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
  ossl::EvpPkeyPtr key = NewRsaKey();
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
  ERR_clear_error();
  ossl::BioPtr ca_key_bio = ossl::MemoryBio(ca.key_pem);
  ossl::EvpPkeyPtr ca_key(PEM_read_bio_PrivateKey(ca_key_bio.get(), nullptr, nullptr, nullptr));
  Check(ca_key != nullptr, SigningErrorCode::kCredentials, "cannot read the CA key");
  ossl::BioPtr ca_cert_bio = ossl::MemoryBio(ca.cert_pem);
  ossl::X509Ptr ca_cert(PEM_read_bio_X509(ca_cert_bio.get(), nullptr, nullptr, nullptr));
  Check(ca_cert != nullptr, SigningErrorCode::kCredentials, "cannot read the CA certificate");
  Check(X509_check_private_key(ca_cert.get(), ca_key.get()) == 1, SigningErrorCode::kCredentials,
        "the CA key does not match the CA certificate");

  ossl::EvpPkeyPtr key = NewRsaKey();
  ossl::X509NamePtr name = MakeName(subject);
  ossl::X509Ptr cert = NewCertificate(key.get(), name.get(), X509_get_subject_name(ca_cert.get()),
                                      not_before, days, serial);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, ca_cert.get(), cert.get(), nullptr, nullptr, 0);
  AddExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature,nonRepudiation");
  AddExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash");
  AddExtension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");
  return Finish(cert.get(), key.get(), ca_key.get());
}

}  // namespace sealflow::signing
