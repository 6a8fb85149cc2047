// Copyright sealflow authors.
// Private: the signature-timestamp step of PAdES B-T, used by the signer.
#pragma once

#include <string>

#include "signing/timestamp.h"

namespace sealflow::signing {

// `cms_der` (a SignedData with exactly one SignerInfo) with the unsigned attribute
// id-aa-signatureTimeStampToken (1.2.840.113549.1.9.16.2.14) added to that SignerInfo: a token
// from `client` over the SHA-256 of the SignerInfo's signature value (RFC 3161 appendix A,
// ETSI EN 319 122-1 5.3). Nothing that is signed changes. Throws SigningError(kCrypto) if
// `cms_der` is not such a CMS, kTimestamp if the TSA fails.
std::string AddSignatureTimestamp(const std::string& cms_der, const TimestampClient& client);

}  // namespace sealflow::signing
