// Copyright sealflow authors.
// Private: RAII for OpenSSL's TS and PKCS#7 handles, and DER helpers shared by the time-stamping
// files (tsa.cc, timestamp.cc, timestamp_verify.cc, dss.cc).
#pragma once

#include <openssl/pkcs7.h>
#include <openssl/ts.h>

#include <string>
#include <string_view>

#include "openssl_util.h"

namespace sealflow::signing::ossl {

using TsReqPtr = std::unique_ptr<TS_REQ, Deleter<TS_REQ, TS_REQ_free>>;
using TsRespPtr = std::unique_ptr<TS_RESP, Deleter<TS_RESP, TS_RESP_free>>;
using TsRespCtxPtr = std::unique_ptr<TS_RESP_CTX, Deleter<TS_RESP_CTX, TS_RESP_CTX_free>>;
using TsVerifyCtxPtr = std::unique_ptr<TS_VERIFY_CTX, Deleter<TS_VERIFY_CTX, TS_VERIFY_CTX_free>>;
using TsMsgImprintPtr =
    std::unique_ptr<TS_MSG_IMPRINT, Deleter<TS_MSG_IMPRINT, TS_MSG_IMPRINT_free>>;
using TsTstInfoPtr = std::unique_ptr<TS_TST_INFO, Deleter<TS_TST_INFO, TS_TST_INFO_free>>;
using Pkcs7Ptr = std::unique_ptr<PKCS7, Deleter<PKCS7, PKCS7_free>>;
using X509AlgorPtr = std::unique_ptr<X509_ALGOR, Deleter<X509_ALGOR, X509_ALGOR_free>>;
using X509CrlPtr = std::unique_ptr<X509_CRL, Deleter<X509_CRL, X509_CRL_free>>;
using Asn1ObjectPtr = std::unique_ptr<ASN1_OBJECT, Deleter<ASN1_OBJECT, ASN1_OBJECT_free>>;

// i2d_TYPE output as bytes; throws SigningError(kCrypto) naming `what` on failure.
template <typename T>
std::string ToDer(const T* object, int (*i2d)(const T*, unsigned char**), std::string_view what) {
  unsigned char* der = nullptr;
  const int length = i2d(object, &der);
  Check(length > 0, SigningErrorCode::kCrypto, what);
  OpenSslBytes owner(der);
  return std::string(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
}

// d2i_TYPE over all of `der`: null unless it parses and nothing follows. Leaves no errors.
template <typename T, void (*Free)(T*)>
std::unique_ptr<T, Deleter<T, Free>> FromDer(std::string_view der,
                                             T* (*d2i)(T**, const unsigned char**, long)) {
  const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
  const auto* end = cursor + der.size();
  std::unique_ptr<T, Deleter<T, Free>> object(d2i(nullptr, &cursor, static_cast<long>(der.size())));
  ERR_clear_error();
  if (cursor != end) object.reset();
  return object;
}

}  // namespace sealflow::signing::ossl
