// Copyright sealflow authors.
// POST /api/v1/tsa: the service's RFC 3161 time-stamping authority over HTTP (RFC 3161 §3.4).
#pragma once

#include "signing/timestamp.h"
#include "upload.h"

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace sealflow::workflow {

// The body is a DER TimeStampReq (Content-Type application/timestamp-query, at most 64 KiB); the
// answer is 200 with the DER TimeStampResp (application/timestamp-reply), also when the TSA
// rejects the request: its PKIStatus says so, as RFC 3161 wants. Throws Problem: kNotFound when
// `authority` is null (the service runs without a TSA), kUnsupportedMedia for another content
// type, kTooLarge, kBadRequest for an unreadable body.
void ServeTimestamp(const signing::TimestampAuthority* authority,
                    Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                    UploadState& state);

}  // namespace sealflow::workflow
