// Copyright sealflow authors.
#include "tsa_http.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <istream>
#include <ostream>
#include <stdexcept>

namespace sealflow::cli {
namespace {

constexpr std::size_t kMaxReplyBytes = 1u << 20;
constexpr long kTimeoutSeconds = 30;

}  // namespace

signing::TimestampTransport HttpTimestampTransport(const std::string& url) {
  const Poco::URI uri(url);
  if (uri.getScheme() != "http" || uri.getHost().empty()) {
    throw std::runtime_error("TSA URL must be http://host[:port]/path (got " + url + ")");
  }
  return [uri](const std::string& der_request) {
    Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
    session.setTimeout(Poco::Timespan(kTimeoutSeconds, 0));
    const std::string path = uri.getPathAndQuery().empty() ? "/" : uri.getPathAndQuery();
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/timestamp-query");
    request.setContentLength64(static_cast<Poco::Int64>(der_request.size()));
    session.sendRequest(request).write(der_request.data(),
                                       static_cast<std::streamsize>(der_request.size()));
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::string body;
    char buffer[8192];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
      body.append(buffer, static_cast<std::size_t>(in.gcount()));
      if (body.size() > kMaxReplyBytes) throw std::runtime_error("TSA reply too large");
    }
    if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) {
      throw std::runtime_error("TSA answered HTTP " + std::to_string(response.getStatus()) + " " +
                               response.getReason());
    }
    if (response.getContentType().rfind("application/timestamp-reply", 0) != 0) {
      throw std::runtime_error("TSA reply has content type " + response.getContentType());
    }
    return body;
  };
}

TimestampSetup MakeTimestampSetup(const std::string& url, const std::string& key_path,
                                  const std::string& cert_path, const std::string& chain_path) {
  TimestampSetup setup;
  if (!url.empty()) {
    setup.client = signing::TimestampClient::OverTransport(HttpTimestampTransport(url));
    return setup;
  }
  setup.authority = signing::TimestampAuthority::FromPem(key_path, cert_path, chain_path);
  setup.client = signing::TimestampClient::InProcess(*setup.authority);
  return setup;
}

}  // namespace sealflow::cli
