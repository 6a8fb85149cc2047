// Copyright sealflow authors.
// The OCSP client steps the verifier needs on OpenSSL objects (see signing/ocsp.h).
#pragma once

#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "openssl_util.h"
#include "signing/ocsp.h"

namespace sealflow::signing::ocsp {

using BasicPtr =
    std::unique_ptr<OCSP_BASICRESP, ossl::Deleter<OCSP_BASICRESP, OCSP_BASICRESP_free>>;

// The OCSP URL in `cert`'s authorityInfoAccess ("" if none).
std::string UrlOf(X509* cert);

// Sends a request with a fresh nonce for `cert` (issued by `issuer`) to `url` through `transport`
// and returns the basic response once it is successful and echoes the nonce (its signature is NOT
// checked yet: the caller verifies it against its chain and store). `der` receives the whole
// DER OCSPResponse. Throws SigningError(kCrypto) with the reason, or what the transport throws.
BasicPtr Query(X509* cert, X509* issuer, const std::string& url, const OcspTransport& transport,
               std::string& der);

}  // namespace sealflow::signing::ocsp
