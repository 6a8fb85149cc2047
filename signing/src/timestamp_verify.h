// Copyright sealflow authors.
// Private: verification of RFC 3161 timestamp tokens against an X509_STORE, for the verifier
// (PAdES B-T signature timestamps, B-LTA document timestamps). The public overloads in
// signing/timestamp.h take PEM anchors instead.
#pragma once

#include <openssl/cms.h>
#include <openssl/x509_vfy.h>

#include <chrono>
#include <string_view>

#include "signing/timestamp.h"

namespace sealflow::signing {

// Verifies a DER TimeStampToken over `data`: the message imprint is the hash of `data` with the
// token's hash algorithm; the token's CMS signature and ESS signing-certificate(-v2) match the TSA
// certificate; that certificate has the (critical) extendedKeyUsage timeStamping and chains to a
// certificate in `anchors` at `at` (certificates embedded in the token serve as intermediates).
// `anchors` is read, not modified, and may be shared with other threads; nullptr = no anchors
// (never valid). Never throws for any input bytes (the outcome is the report); thread-safe.
TimestampVerification VerifyTimestampToken(std::string_view token, std::string_view data,
                                           X509_STORE* anchors,
                                           std::chrono::system_clock::time_point at);

// The same over the concatenation of `first` and `second` (a PDF's two byte ranges, hashed in
// place, for a document timestamp).
TimestampVerification VerifyTimestampToken(std::string_view token, std::string_view first,
                                           std::string_view second, X509_STORE* anchors,
                                           std::chrono::system_clock::time_point at);

// The same for the signature timestamp of a CAdES SignerInfo: the unsigned attribute
// id-aa-signatureTimeStampToken, whose imprint covers the SignerInfo's signature value.
// present = false when the attribute is absent; more than one is a finding (not valid).
TimestampVerification VerifySignatureTimestamp(CMS_SignerInfo* signer_info, X509_STORE* anchors,
                                               std::chrono::system_clock::time_point at);

}  // namespace sealflow::signing
