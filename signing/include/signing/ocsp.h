// Copyright sealflow authors.
// OCSP (RFC 6960) for the pilot: the bureau CA's responder logic (AnswerOcspRequest, served over
// HTTP by `sealflow ca ocsp`), and the client side the verifier and `sealflow sign --ltv --ocsp`
// use: a request with a nonce for one certificate, sent through an injectable transport, and the
// checks of the answer (status, nonce, signature by the issuer or a responder it delegated with
// id-kp-OCSPSigning, thisUpdate/nextUpdate against the validation time).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "signing/ca.h"

namespace sealflow::signing {

// Sends a DER OCSPRequest to the responder at `url` and returns the DER OCSPResponse. Throws
// (any std::exception) when the responder cannot be reached or answers nonsense. A Verifier may
// call it from several threads at once.
using OcspTransport =
    std::function<std::string(const std::string& url, const std::string& request)>;

// HTTP POST application/ocsp-request to an http:// URL (Poco), expecting 200
// application/ocsp-response of at most `max_response_bytes`; `timeout` bounds connecting and each
// read. Throws SigningError (kArgument for a URL that is not http://, kCrypto for an HTTP status
// other than 200, a wrong content type or an oversized answer) or Poco::Exception (network).
OcspTransport HttpOcspTransport(std::chrono::milliseconds timeout = std::chrono::seconds(10),
                                std::size_t max_response_bytes = 1 << 20);

// What the CA knows: the serials it issued (decimal; any other serial is "unknown") and the
// revoked ones among them.
struct OcspResponderData {
  std::vector<std::string> issued_serials;
  std::vector<RevokedCertificate> revoked;
};

// The DER OCSPResponse answering `der_request` for the CA `ca` (its key signs, SHA-256, its
// certificate included): per requested certificate good / revoked (with time and reason) /
// unknown (not issued by this CA, or an issuer hash that is not this CA's), thisUpdate = `now`,
// nextUpdate = `now` + `validity`, the request's nonce echoed. A request that does not parse gets
// malformedRequest; an empty one too. With `delegated_responder` (a certificate `ca` issued with
// IssueOptions::ocsp_signing, and its key) that responder signs instead of the CA, whose key is
// then not needed. Never throws for bad request bytes; throws SigningError for an unusable CA or
// responder.
std::string AnswerOcspRequest(std::string_view der_request, const IssuedIdentity& ca,
                              const OcspResponderData& data,
                              std::chrono::system_clock::time_point now,
                              std::chrono::seconds validity = std::chrono::hours(24),
                              const IssuedIdentity* delegated_responder = nullptr);

// The OCSP URL of a certificate's authorityInfoAccess (DER or PEM); "" if none.
std::string OcspUrlOf(std::string_view certificate);

// Asks the responder about `certificate` (issued by `issuer`; DER or PEM each): a SHA-1 CertID
// request with a random nonce, sent to `url` (or, if empty, the certificate's AIA OCSP URL)
// through `transport`. Returns the DER OCSPResponse after checking it is successful, echoes the
// nonce, answers for this certificate and is signed by the issuer or its delegated responder.
// Throws SigningError(kCrypto) with the reason otherwise, or whatever the transport throws.
std::string FetchOcspResponse(std::string_view certificate, std::string_view issuer,
                              const std::string& url, const OcspTransport& transport);

// For each certificate of `certificates` (DER) whose issuer is also among them and that is not
// self-signed, FetchOcspResponse (url, or the AIA when empty). Certificates without a URL are
// skipped; a failing responder throws.
std::vector<std::string> FetchOcspResponses(const std::vector<std::string>& certificates,
                                            const std::string& url, const OcspTransport& transport);

}  // namespace sealflow::signing
