// Copyright sealflow authors.
// POST /api/v1/tsa end to end: the real service on an ephemeral loopback port, asked over HTTP by
// the signing component's client (a Poco transport as the CLI uses) and by openssl ts -query;
// what it answers verifies with openssl ts -verify, in a signature (B-T) and as a document
// timestamp (B-LTA).
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>

#include "signing/credentials.h"
#include "signing/error.h"
#include "signing/signer.h"
#include "signing/timestamp.h"
#include "support/test_support.h"
#include "workflow/pilot.h"
#include "workflow/service.h"
#include "workflow/tokens.h"

namespace sealflow::workflow {
namespace {

sealflow::testing::CommandResult Shell(const std::string& command) {
  return sealflow::testing::Run(command);
}

using sealflow::testing::FixedNow;
using sealflow::testing::ReadFile;
using sealflow::testing::TempDir;
using sealflow::testing::TestDataPath;
using sealflow::testing::WriteFile;

// The bearer token the fixture's service issued (an archivist's: it sees and files everything).
std::string& Token() {
  static std::string token;
  return token;
}

struct Reply {
  int status = 0;
  std::string content_type;
  std::string body;
};

Reply Post(std::uint16_t port, const std::string& path, const std::string& content_type,
           const std::string& body, const std::string& method = "POST") {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!Token().empty()) request.set("Authorization", "Bearer " + Token());
  request.setContentType(content_type);
  request.setContentLength64(static_cast<Poco::Int64>(body.size()));
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  Reply reply;
  reply.status = response.getStatus();
  reply.content_type = response.getContentType();
  std::ostringstream out;
  Poco::StreamCopier::copyStream(in, out);
  reply.body = out.str();
  return reply;
}

std::unique_ptr<Service> StartWithToken(const ServiceOptions& options) {
  auto service = Service::Start(options);
  Token() = service->tokens().Issue(Role::kArchivist, "12410700MA40JXK24Y", "test").token;
  return service;
}

class TsaServiceTest : public ::testing::Test {
 protected:
  ServiceOptions Options() const {
    ServiceOptions options;
    options.data_dir = dir_.File("data");
    options.port = 0;  // ephemeral, loopback (the default host)
    options.trust_anchor_files = {TestDataPath("pki/root-ca.pem")};
    options.clock = FixedNow;
    options.max_threads = 4;
    options.tsa_key_file = TestDataPath("pki/tsa.key");
    options.tsa_cert_file = TestDataPath("pki/tsa.pem");
    options.tsa_chain_file = TestDataPath("pki/root-ca.pem");
    return options;
  }

  // The signing client over HTTP POST, like `sealflow timestamp --tsa URL`.
  std::unique_ptr<signing::TimestampClient> HttpClient(std::uint16_t port) const {
    return signing::TimestampClient::OverTransport([port](const std::string& der) {
      Reply reply = Post(port, "/api/v1/tsa", "application/timestamp-query", der);
      if (reply.status != 200 || reply.content_type != "application/timestamp-reply") {
        throw std::runtime_error("HTTP " + std::to_string(reply.status));
      }
      return reply.body;
    });
  }

  std::string Openssl(const std::string& args) const {
    const auto result = Shell("openssl " + args);
    EXPECT_EQ(result.exit_code, 0) << args << "\n" << result.output;
    return result.output;
  }

  TempDir dir_;
};

TEST_F(TsaServiceTest, OpensslQueryOverHttpVerifies) {
  auto service = StartWithToken(Options());
  WriteFile(dir_.File("data.bin"), "归档文件 archive bytes");
  Openssl("ts -query -data " + dir_.File("data.bin") + " -sha256 -cert -out " + dir_.File("q.tsq"));
  const Reply reply = Post(service->port(), "/api/v1/tsa", "application/timestamp-query",
                           ReadFile(dir_.File("q.tsq")));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.content_type, "application/timestamp-reply");
  WriteFile(dir_.File("r.tsr"), reply.body);
  const std::string out = Openssl(
      "ts -verify -in " + dir_.File("r.tsr") + " -queryfile " + dir_.File("q.tsq") + " -CAfile " +
      TestDataPath("pki/root-ca.pem") + " -untrusted " + TestDataPath("pki/tsa.pem"));
  EXPECT_NE(out.find("Verification: OK"), std::string::npos) << out;
  EXPECT_NE(Openssl("ts -reply -in " + dir_.File("r.tsr") + " -text")
                .find("Time stamp: Mar  1 08:00:00 2026 GMT"),
            std::string::npos);
}

TEST_F(TsaServiceTest, SignatureAndDocumentTimestampsFromTheService) {
  auto service = StartWithToken(Options());
  auto client = HttpClient(service->port());
  signing::SignerOptions options;
  options.clock = FixedNow;
  options.timestamp = std::move(client);
  const std::string pdf = ReadFile(TestDataPath("signing/unsigned-two-pages.pdf"));
  const std::string signed_pdf =
      signing::Signer::Create(signing::Credentials::FromPem(TestDataPath("pki/provider.key"),
                                                            TestDataPath("pki/provider.pem"),
                                                            TestDataPath("pki/chain.pem")),
                              options)
          ->Sign(pdf, {});
  const std::string stamped =
      signing::AddDocumentTimestamp(signed_pdf, *HttpClient(service->port()));
  WriteFile(dir_.File("lta.pdf"), stamped);
  const auto pdfsig = Shell("pdfsig " + dir_.File("lta.pdf"));
  EXPECT_NE(pdfsig.output.find("Signature is Valid"), std::string::npos) << pdfsig.output;
  EXPECT_NE(pdfsig.output.find("DocTimeStamp1"), std::string::npos) << pdfsig.output;
}

TEST_F(TsaServiceTest, RejectionIsA200WithTheRejectionInside) {
  auto service = StartWithToken(Options());
  const Reply reply =
      Post(service->port(), "/api/v1/tsa", "application/timestamp-query", "not a request");
  ASSERT_EQ(reply.status, 200);
  WriteFile(dir_.File("r.tsr"), reply.body);
  EXPECT_NE(Openssl("ts -reply -in " + dir_.File("r.tsr") + " -text").find("Status: Rejected."),
            std::string::npos);
}

TEST_F(TsaServiceTest, WrongMediaTypeMethodAndSize) {
  auto service = StartWithToken(Options());
  EXPECT_EQ(Post(service->port(), "/api/v1/tsa", "application/pdf", "x").status, 415);
  EXPECT_EQ(Post(service->port(), "/api/v1/tsa", "application/timestamp-query", "", "GET").status,
            405);
  EXPECT_EQ(Post(service->port(), "/api/v1/tsa", "application/timestamp-query",
                 std::string(70 * 1024, 'x'))
                .status,
            413);
}

TEST_F(TsaServiceTest, WithoutATsaTheRouteIs404Problem) {
  ServiceOptions options = Options();
  options.tsa_key_file.clear();
  options.tsa_cert_file.clear();
  auto service = StartWithToken(options);
  const Reply reply = Post(service->port(), "/api/v1/tsa", "application/timestamp-query", "x");
  EXPECT_EQ(reply.status, 404);
  EXPECT_NE(reply.content_type.find("application/problem+json"), std::string::npos);
  auto client = HttpClient(service->port());
  EXPECT_THROW(client->Timestamp(signing::Sha256("x")), signing::SigningError);
}

TEST_F(TsaServiceTest, ACertificateWithoutTimeStampingStopsTheStart) {
  ServiceOptions options = Options();
  options.tsa_key_file = TestDataPath("pki/provider.key");
  options.tsa_cert_file = TestDataPath("pki/provider.pem");
  EXPECT_THROW(Service::Start(options), signing::SigningError);
}

}  // namespace
}  // namespace sealflow::workflow
