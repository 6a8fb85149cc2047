// Copyright sealflow authors.
#include "tsa_handler.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/MediaType.h>

#include <istream>
#include <string>

#include "problem.h"

namespace sealflow::workflow {
namespace {

// A TimeStampReq is ~60 bytes plus optional extensions.
constexpr std::size_t kMaxRequestBytes = 64 * 1024;
constexpr const char* kReply = "application/timestamp-reply";

}  // namespace

void ServeTimestamp(const signing::TimestampAuthority* authority,
                    Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                    UploadState& state) {
  if (authority == nullptr) {
    throw Problem(ProblemKind::kNotFound,
                  "本服务未配置时间戳服务 / this service runs without a time-stamping authority");
  }
  bool is_query = false;
  try {
    is_query =
        Poco::Net::MediaType(request.getContentType()).matches("application", "timestamp-query");
  } catch (const Poco::Exception&) {
  }
  if (!is_query) {
    throw Problem(ProblemKind::kUnsupportedMedia,
                  "时间戳请求须为 application/timestamp-query / the body must be an "
                  "application/timestamp-query");
  }
  if (request.hasContentLength() && request.getContentLength64() >= 0 &&
      static_cast<std::uint64_t>(request.getContentLength64()) > kMaxRequestBytes) {
    throw Problem(ProblemKind::kTooLarge, "时间戳请求过大 / timestamp request over 64 KiB");
  }
  std::string body;
  if (request.hasContentLength() || request.getChunkedTransferEncoding()) {
    LimitedStreamBuf limited(request.stream(), kMaxRequestBytes);
    std::istream in(&limited);
    char buffer[4096];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
      body.append(buffer, static_cast<std::size_t>(in.gcount()));
    }
    if (limited.exceeded()) {
      throw Problem(ProblemKind::kTooLarge, "时间戳请求过大 / timestamp request over 64 KiB");
    }
    if (limited.source_failed() || !limited.at_end()) {
      throw Problem(ProblemKind::kBadRequest, "请求正文不完整 / the request body is incomplete");
    }
  }
  state.body_drained = true;
  const std::string reply = authority->Respond(body);  // a rejection is a reply too
  response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
  response.setContentType(kReply);
  response.setContentLength64(static_cast<Poco::Int64>(reply.size()));
  response.sendBuffer(reply.data(), reply.size());
}

}  // namespace sealflow::workflow
