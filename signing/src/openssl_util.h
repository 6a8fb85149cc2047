// Copyright sealflow authors.
// Private: RAII aliases for the OpenSSL handles the signing component uses, and the one helper
// that turns OpenSSL's ERR_ queue into a SigningError.
#pragma once

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <memory>
#include <string>
#include <string_view>

#include "signing/error.h"

namespace sealflow::signing::ossl {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const noexcept { Free(p); }
};

using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME, X509_NAME_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
using X509StoreCtxPtr =
    std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
using CmsPtr = std::unique_ptr<CMS_ContentInfo, Deleter<CMS_ContentInfo, CMS_ContentInfo_free>>;
using Pkcs12Ptr = std::unique_ptr<PKCS12, Deleter<PKCS12, PKCS12_free>>;
using EssCertV2Ptr =
    std::unique_ptr<ESS_SIGNING_CERT_V2, Deleter<ESS_SIGNING_CERT_V2, ESS_SIGNING_CERT_V2_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER, ASN1_INTEGER_free>>;
using Asn1OctetStringPtr =
    std::unique_ptr<ASN1_OCTET_STRING, Deleter<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>>;

// STACK_OF(X509) owning its certificates.
struct X509StackDeleter {
  void operator()(STACK_OF(X509) * s) const noexcept { sk_X509_pop_free(s, X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackDeleter>;

// Memory allocated by OpenSSL (i2d output, X509_NAME_oneline …).
struct OpenSslFree {
  void operator()(void* p) const noexcept { OPENSSL_free(p); }
};
using OpenSslBytes = std::unique_ptr<unsigned char, OpenSslFree>;

// Drains the ERR_ queue into one line ("" if empty).
std::string DrainErrors();

// Throws SigningError(code, what + ": " + ERR_ queue) unless `ok`. Always leaves the queue empty.
inline void Check(bool ok, SigningErrorCode code, std::string_view what) {
  if (!ok) {
    std::string message(what);
    std::string errors = DrainErrors();
    if (!errors.empty()) message += ": " + errors;
    throw SigningError(code, message);
  }
}
// Same for the common "pointer result" case; returns the pointer.
template <typename T>
T* CheckPtr(T* p, SigningErrorCode code, std::string_view what) {
  Check(p != nullptr, code, what);
  return p;
}

// A read-only memory BIO over `data` (no copy; `data` must outlive the BIO).
BioPtr MemoryBio(std::string_view data);
// The bytes written to a memory BIO.
std::string BioContents(BIO* bio);

// RFC 2253 form of a name, UTF-8 kept as is ("" for nullptr).
std::string NameToString(const X509_NAME* name);
// The first entry with `nid` in `name` as UTF-8 ("" if none).
std::string NameEntry(const X509_NAME* name, int nid);

}  // namespace sealflow::signing::ossl
