// Copyright sealflow authors.
// Dossier retrieval, search paging, supersedes and the streamed dossier.zip over real HTTP.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "archive/dossier.h"
#include "archive/dossier_fixture.h"
#include "forms/inspect.h"
#include "support/test_support.h"
#include "workflow/pilot.h"
#include "workflow/service.h"
#include "workflow/tokens.h"

namespace sealflow::workflow {
namespace {

using Poco::Net::HTTPRequest;
using sealflow::testing::FixedNow;
using sealflow::testing::kEnterpriseCode;
using sealflow::testing::TempDir;
using sealflow::testing::TestDataPath;

// The bearer token the fixture's service issued (an archivist's: it sees and files everything).
std::string& Token() {
  static std::string token;
  return token;
}

struct Reply {
  int status = 0;
  std::string content_type;
  bool chunked = false;
  std::string body;
};

Reply Call(std::uint16_t port, const std::string& method, const std::string& uri,
           const std::string* pdf = nullptr) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(30, 0));
  HTTPRequest request(method, uri, HTTPRequest::HTTP_1_1);
  if (!Token().empty()) request.set("Authorization", "Bearer " + Token());
  if (pdf != nullptr) {
    request.setContentType("application/pdf");
    request.setContentLength64(static_cast<Poco::Int64>(pdf->size()));
  }
  std::ostream& out = session.sendRequest(request);
  if (pdf != nullptr) out.write(pdf->data(), static_cast<std::streamsize>(pdf->size()));
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  Reply reply;
  reply.status = static_cast<int>(response.getStatus());
  reply.content_type = response.getContentType();
  reply.chunked = response.getChunkedTransferEncoding();
  Poco::StreamCopier::copyToString(in, reply.body);
  return reply;
}

Poco::JSON::Object::Ptr Json(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

class DossierServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sealflow::testing::FormFactory factory;
    chain_ = new std::vector<sealflow::testing::SignedForm>(sealflow::testing::MakeChain(factory));
  }
  static void TearDownTestSuite() { delete chain_; }

  void SetUp() override {
    ServiceOptions options;
    options.data_dir = dir_.File("data");
    options.port = 0;
    options.trust_anchor_files = {TestDataPath("pki/root-ca.pem")};
    options.clock = FixedNow;
    options.max_threads = 4;
    service_ = Service::Start(options);
    Token() = service_->tokens().Issue(Role::kArchivist, "12410700MA40JXK24Y", "test").token;
    for (const auto& form : *chain_) {
      Reply created =
          Call(service_->port(), HTTPRequest::HTTP_POST, "/api/v1/documents", &form.pdf);
      ASSERT_EQ(created.status, 201) << created.body;
      ids_.push_back(Json(created.body)->getValue<std::string>("id"));
    }
  }

  static std::vector<sealflow::testing::SignedForm>* chain_;
  TempDir dir_;
  std::unique_ptr<Service> service_;
  std::vector<std::string> ids_;
};

std::vector<sealflow::testing::SignedForm>* DossierServiceTest::chain_ = nullptr;

TEST_F(DossierServiceTest, DossierTreeByPhaseWithVerification) {
  Reply reply = Call(service_->port(), HTTPRequest::HTTP_GET,
                     std::string("/api/v1/enterprises/") + kEnterpriseCode + "/dossier");
  ASSERT_EQ(reply.status, 200) << reply.body;
  Poco::JSON::Object::Ptr tree = Json(reply.body);
  EXPECT_EQ(tree->getValue<std::string>("creditCode"), kEnterpriseCode);
  Poco::JSON::Object::Ptr phases = tree->getObject("phases");
  EXPECT_EQ(phases->getArray("before")->size(), 2u);
  EXPECT_EQ(phases->getArray("during")->size(), 2u);
  EXPECT_EQ(phases->getArray("after")->size(), 0u);
  Poco::JSON::Object::Ptr first = phases->getArray("before")->getObject(0);
  EXPECT_EQ(first->getValue<std::string>("formType"), "diagnostic-report");
  EXPECT_EQ(first->getValue<std::string>("sha256"), (*chain_)[0].sha256);
  EXPECT_EQ(first->getObject("verification")->getValue<std::string>("verdict"), "VALID");
  EXPECT_EQ(first->getObject("verification")->getValue<std::string>("fixity"), "ok");

  EXPECT_EQ(Call(service_->port(), HTTPRequest::HTTP_GET,
                 "/api/v1/enterprises/91410700MA9GQ3TX22/dossier")
                .status,
            404);
}

TEST_F(DossierServiceTest, SearchPagesWithACursor) {
  std::string uri = std::string("/api/v1/documents?party=") + kEnterpriseCode + "&limit=3";
  Reply page1 = Call(service_->port(), HTTPRequest::HTTP_GET, uri);
  ASSERT_EQ(page1.status, 200) << page1.body;
  Poco::JSON::Object::Ptr first = Json(page1.body);
  EXPECT_EQ(first->getArray("items")->size(), 3u);
  std::string cursor = first->getValue<std::string>("nextCursor");
  Reply page2 = Call(service_->port(), HTTPRequest::HTTP_GET, uri + "&cursor=" + cursor);
  Poco::JSON::Object::Ptr second = Json(page2.body);
  EXPECT_EQ(second->getArray("items")->size(), 1u);
  EXPECT_TRUE(second->isNull("nextCursor"));

  Reply phase = Call(service_->port(), HTTPRequest::HTTP_GET, "/api/v1/documents?phase=during");
  EXPECT_EQ(Json(phase.body)->getArray("items")->size(), 2u);
  EXPECT_EQ(Call(service_->port(), HTTPRequest::HTTP_GET, "/api/v1/documents?limit=501").status,
            400);
  EXPECT_EQ(Call(service_->port(), HTTPRequest::HTTP_GET, "/api/v1/documents?phase=later").status,
            400);
  EXPECT_EQ(Call(service_->port(), HTTPRequest::HTTP_GET, "/api/v1/documents?cursor=zz").status,
            400);
}

TEST_F(DossierServiceTest, NothingIsUpdatedOrDeletedAndCorrectionsNameWhatTheySupersede) {
  EXPECT_EQ(Call(service_->port(), HTTPRequest::HTTP_DELETE, "/api/v1/documents/" + ids_[0]).status,
            405);
  EXPECT_EQ(Call(service_->port(), HTTPRequest::HTTP_PUT, "/api/v1/documents").status, 405);
  // The same signed plan again as a correction of the stored plan: accepted once.
  const std::string& plan = (*chain_)[1].pdf;
  Reply fixed = Call(service_->port(), HTTPRequest::HTTP_POST,
                     "/api/v1/documents?supersedes=" + ids_[1], &plan);
  ASSERT_EQ(fixed.status, 201) << fixed.body;
  EXPECT_EQ(Json(fixed.body)->getValue<std::string>("supersedes"), ids_[1]);
  EXPECT_EQ(Call(service_->port(), HTTPRequest::HTTP_POST,
                 "/api/v1/documents?supersedes=" + ids_[1], &plan)
                .status,
            409);
  EXPECT_EQ(Call(service_->port(), HTTPRequest::HTTP_POST,
                 "/api/v1/documents?supersedes=" + ids_[0], &plan)
                .status,
            422)
      << "a plan cannot correct a diagnostic report";
  EXPECT_EQ(
      Call(service_->port(), HTTPRequest::HTTP_POST, "/api/v1/documents?supersedes=nope", &plan)
          .status,
      422);
}

TEST_F(DossierServiceTest, DossierZipIsStreamedAndVerifiesOffline) {
  Reply zip = Call(service_->port(), HTTPRequest::HTTP_GET,
                   std::string("/api/v1/enterprises/") + kEnterpriseCode + "/dossier.zip");
  ASSERT_EQ(zip.status, 200);
  EXPECT_EQ(zip.content_type, "application/zip");
  EXPECT_TRUE(zip.chunked);
  sealflow::testing::WriteFile(dir_.File("d.zip"), zip.body);
  signing::VerifierOptions trusted;
  trusted.trust_anchor_files = {TestDataPath("pki/root-ca.pem")};
  trusted.clock = FixedNow;
  auto verifier = signing::Verifier::Create(trusted);
  archive::DossierVerifyOptions options;
  options.verifier = verifier.get();
  options.embedded_xml = [](std::string_view pdf) { return forms::InspectPdf(pdf).source_xml; };
  archive::DossierReport report = archive::VerifyDossier(dir_.File("d.zip"), options);
  EXPECT_EQ(report.ExitCode(), 0) << ::testing::PrintToString(report.findings);
  EXPECT_EQ(report.records, 4u);
}

}  // namespace
}  // namespace sealflow::workflow
