// Copyright sealflow authors.
// The HTTP service end to end: the real Poco server on an ephemeral loopback port, a real
// rendered and signed form, and HTTP over Poco's client.
#include "workflow/service.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "forms/credit_code.h"
#include "forms/renderer.h"
#include "signing/credentials.h"
#include "signing/signer.h"
#include "support/sign_at_block.h"
#include "support/test_support.h"
#include "workflow/pilot.h"
#include "workflow/tokens.h"

namespace sealflow::workflow {
namespace {

namespace fs = std::filesystem;
using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;
using sealflow::testing::FixedNow;
using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;
using sealflow::testing::TempDir;
using sealflow::testing::TestDataPath;

// The bearer token the fixture's service issued (an archivist's: it sees and files everything).
std::string& Token() {
  static std::string token;
  return token;
}

constexpr const char* kBoundary = "sealflow-test-boundary-7d93a1";

struct HttpResult {
  int status = 0;
  std::string content_type;
  std::string location;
  std::string allow;
  std::string body;
  bool keep_alive = true;
};

struct Body {
  std::string bytes;
  std::string content_type = "application/pdf";
  bool chunked = false;
  // Send these headers only (Content-Length of `bytes`), never the body itself.
  bool headers_only = false;
};

HttpResult Send(std::uint16_t port, const std::string& method, const std::string& uri,
                const Body* body = nullptr) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(30, 0));
  HTTPRequest request(method, uri, HTTPRequest::HTTP_1_1);
  if (!Token().empty()) request.set("Authorization", "Bearer " + Token());
  if (body != nullptr) {
    request.setContentType(body->content_type);
    if (body->chunked) {
      request.setChunkedTransferEncoding(true);
    } else {
      request.setContentLength64(static_cast<Poco::Int64>(body->bytes.size()));
    }
  }
  std::ostream& out = session.sendRequest(request);
  if (body != nullptr && !body->headers_only)
    out.write(body->bytes.data(), static_cast<std::streamsize>(body->bytes.size()));
  HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  HttpResult result;
  result.status = static_cast<int>(response.getStatus());
  result.content_type = response.getContentType();
  result.location = response.get("Location", "");
  result.allow = response.get("Allow", "");
  result.keep_alive = response.getKeepAlive();
  Poco::StreamCopier::copyToString(in, result.body);
  return result;
}

Poco::JSON::Object::Ptr ParseObject(const std::string& json) {
  Poco::JSON::Parser parser;
  return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

std::string Multipart(const std::string& pdf) {
  std::string body;
  // A plain field first: the service must take the first *file* part.
  body += std::string("--") + kBoundary + "\r\n";
  body += "Content-Disposition: form-data; name=\"comment\"\r\n\r\n";
  body += "申报材料\r\n";
  body += std::string("--") + kBoundary + "\r\n";
  body += "Content-Disposition: form-data; name=\"file\"; filename=\"application.pdf\"\r\n";
  body += "Content-Type: application/pdf\r\n\r\n";
  body += pdf;
  body += "\r\n--" + std::string(kBoundary) + "--\r\n";
  return body;
}

std::uint64_t CountFiles(const std::string& dir) {
  std::uint64_t count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) ++count;
  }
  return count;
}

// The provider credit code in the example form: <provider>...<creditCode>X</creditCode>.
std::string ExampleProviderCode(const std::string& xml) {
  std::size_t provider = xml.find("<provider>");
  std::size_t open = xml.find("<creditCode>", provider);
  std::size_t close = xml.find("</creditCode>", open);
  if (provider == std::string::npos || open == std::string::npos || close == std::string::npos) {
    return "";
  }
  open += std::string("<creditCode>").size();
  return xml.substr(open, close - open);
}

// Renders and signs the example application once for the whole suite.
class ServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    example_xml_ = new std::string(ReadFile(SourcePath("xml-schemas/examples/application.xml")));
    forms::RendererOptions render_options;
    render_options.clock = FixedNow;
    auto renderer = forms::Renderer::Create(render_options);
    forms::RenderResult rendered = renderer->Render(*example_xml_);
    ASSERT_TRUE(rendered.report.ok()) << forms::FormatFindings(rendered.report);
    unsigned_pdf_ = new std::string(rendered.form.pdf);

    std::string chain = TestDataPath("pki/chain.pem");
    auto credentials = signing::Credentials::FromPem(TestDataPath("pki/provider.key"),
                                                     TestDataPath("pki/provider.pem"),
                                                     fs::exists(chain) ? chain : std::string());
    signer_subject_ = new std::string(credentials.SubjectName());
    signing::SignerOptions sign_options;
    sign_options.clock = FixedNow;
    auto signer = signing::Signer::Create(std::move(credentials), sign_options);
    signing::SignRequest request = sealflow::testing::RequestAtBlock(rendered.form, "provider");
    request.reason = "申报 / application";
    signed_pdf_ = new std::string(signer->Sign(*unsigned_pdf_, request));
  }

  static void TearDownTestSuite() {
    delete example_xml_;
    delete unsigned_pdf_;
    delete signed_pdf_;
    delete signer_subject_;
    example_xml_ = unsigned_pdf_ = signed_pdf_ = signer_subject_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(signed_pdf_, nullptr) << "suite setup failed";
    ASSERT_NE(signed_pdf_->size(), 0u);
  }

  ServiceOptions Options() const {
    ServiceOptions options;
    options.data_dir = dir_.File("data");
    options.port = 0;
    options.trust_anchor_files = {TestDataPath("pki/root-ca.pem")};
    options.clock = FixedNow;
    options.max_threads = 4;
    return options;
  }

  std::unique_ptr<Service> StartService(const ServiceOptions& options) {
    auto service = Service::Start(options);
    EXPECT_NE(service->port(), 0);
    Token() = service->tokens().Issue(Role::kArchivist, "12410700MA40JXK24Y", "test").token;
    return service;
  }

  std::uint64_t DocumentsViaHealth(std::uint16_t port) {
    HttpResult health = Send(port, HTTPRequest::HTTP_GET, "/healthz");
    EXPECT_EQ(health.status, 200);
    return ParseObject(health.body)->getValue<Poco::UInt64>("documents");
  }

  std::uint64_t BlobFiles() const { return CountFiles(dir_.File("data/blobs")); }

  void ExpectProblem(const HttpResult& result, int status, const std::string& type_slug) {
    EXPECT_EQ(result.status, status) << result.body;
    EXPECT_EQ(result.content_type.rfind("application/problem+json", 0), 0u) << result.content_type;
    Poco::JSON::Object::Ptr problem = ParseObject(result.body);
    EXPECT_EQ(problem->getValue<std::string>("type"), "urn:sealflow:problem:" + type_slug);
    EXPECT_EQ(problem->getValue<int>("status"), status);
    EXPECT_FALSE(problem->getValue<std::string>("title").empty());
  }

  void ExpectNothingStored(std::uint16_t port) {
    EXPECT_EQ(DocumentsViaHealth(port), 0u);
    EXPECT_EQ(BlobFiles(), 0u);
  }

  static std::string* example_xml_;
  static std::string* unsigned_pdf_;
  static std::string* signed_pdf_;
  static std::string* signer_subject_;
  TempDir dir_;
};

std::string* ServiceTest::example_xml_ = nullptr;
std::string* ServiceTest::unsigned_pdf_ = nullptr;
std::string* ServiceTest::signed_pdf_ = nullptr;
std::string* ServiceTest::signer_subject_ = nullptr;

TEST_F(ServiceTest, HealthzReportsOkAndCount) {
  auto service = StartService(Options());
  HttpResult health = Send(service->port(), HTTPRequest::HTTP_GET, "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.content_type.rfind("application/json", 0), 0u);
  EXPECT_EQ(health.body, "{\"status\":\"ok\",\"documents\":0}");
}

TEST_F(ServiceTest, ValidRawUploadIsStoredAndServedBack) {
  auto service = StartService(Options());
  Body body{*signed_pdf_};
  HttpResult created = Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/documents", &body);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.content_type.rfind("application/json", 0), 0u);

  Poco::JSON::Object::Ptr record = ParseObject(created.body);
  const std::string id = record->getValue<std::string>("id");
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(created.location, "/api/v1/documents/" + id);
  EXPECT_EQ(record->getValue<std::string>("formType"), "application");
  EXPECT_EQ(record->getValue<std::string>("documentId"), "APP-2026-0001");
  EXPECT_EQ(record->getValue<std::string>("partyKind"), "provider");
  const std::string code = ExampleProviderCode(*example_xml_);
  ASSERT_TRUE(forms::IsValidCreditCode(code)) << code;
  EXPECT_EQ(record->getValue<std::string>("partyCode"), code);
  EXPECT_FALSE(record->getValue<std::string>("partyName").empty());
  EXPECT_EQ(record->getValue<std::string>("phase"), "provider");
  EXPECT_EQ(record->getValue<std::string>("verdict"), "VALID");
  EXPECT_EQ(record->getValue<Poco::UInt64>("size"), signed_pdf_->size());
  EXPECT_EQ(record->getValue<std::string>("storedAt"), "2026-03-01T08:00:00Z");
  Poco::JSON::Array::Ptr signers = record->getArray("signers");
  ASSERT_EQ(signers->size(), 1u);
  EXPECT_EQ(signers->getElement<std::string>(0), *signer_subject_);

  // sha256 is the SHA-256 of exactly the uploaded bytes (checked with an independent tool).
  sealflow::testing::WriteFile(dir_.File("uploaded.pdf"), *signed_pdf_);
  auto sum = sealflow::testing::Run("sha256sum " + dir_.File("uploaded.pdf"));
  EXPECT_EQ(record->getValue<std::string>("sha256"), sum.output.substr(0, 64));

  HttpResult pdf = Send(service->port(), HTTPRequest::HTTP_GET, created.location + "/pdf");
  EXPECT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.content_type, "application/pdf");
  EXPECT_TRUE(pdf.body == *signed_pdf_) << "served PDF differs from the upload";

  HttpResult again = Send(service->port(), HTTPRequest::HTTP_GET, created.location);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, created.body);

  EXPECT_EQ(DocumentsViaHealth(service->port()), 1u);
  EXPECT_EQ(BlobFiles(), 1u);
}

TEST_F(ServiceTest, ValidMultipartUploadIsStored) {
  auto service = StartService(Options());
  Body body{Multipart(*signed_pdf_), std::string("multipart/form-data; boundary=") + kBoundary};
  HttpResult created = Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/documents", &body);
  ASSERT_EQ(created.status, 201) << created.body;
  Poco::JSON::Object::Ptr record = ParseObject(created.body);
  EXPECT_EQ(record->getValue<std::string>("formType"), "application");
  EXPECT_EQ(record->getValue<Poco::UInt64>("size"), signed_pdf_->size());
  HttpResult pdf = Send(service->port(), HTTPRequest::HTTP_GET, created.location + "/pdf");
  EXPECT_TRUE(pdf.body == *signed_pdf_);
}

TEST_F(ServiceTest, ChunkedRawUploadIsStored) {
  auto service = StartService(Options());
  Body body{*signed_pdf_};
  body.chunked = true;
  HttpResult created = Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/documents", &body);
  EXPECT_EQ(created.status, 201) << created.body;
}

TEST_F(ServiceTest, MultipartWithoutFilePartIs400) {
  auto service = StartService(Options());
  std::string multipart =
      std::string("--") + kBoundary +
      "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nnot a file\r\n--" + kBoundary +
      "--\r\n";
  Body body{multipart, std::string("multipart/form-data; boundary=") + kBoundary};
  ExpectProblem(Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/documents", &body), 400,
                "bad-request");
  ExpectNothingStored(service->port());
}

TEST_F(ServiceTest, TamperedPdfIs422WithReportAndStoresNothing) {
  auto service = StartService(Options());
  // Byte 7 is the header's minor version digit ("%PDF-1.x"): inside the first signed byte
  // range, and the file still parses, so the digest check is what fails.
  std::string tampered = *signed_pdf_;
  ASSERT_EQ(tampered.compare(0, 5, "%PDF-"), 0);
  tampered[7] = tampered[7] == '4' ? '5' : '4';
  Body body{tampered};
  HttpResult result = Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/documents", &body);
  ExpectProblem(result, 422, "signature-not-valid");
  Poco::JSON::Object::Ptr problem = ParseObject(result.body);
  ASSERT_TRUE(problem->has("report"));
  EXPECT_EQ(problem->getObject("report")->getValue<std::string>("verdict"), "INVALID");
  ExpectNothingStored(service->port());
}

TEST_F(ServiceTest, DeclaredOversizeIs413WithoutReadingTheBody) {
  ServiceOptions options = Options();
  options.max_upload_bytes = signed_pdf_->size() > (64u << 10) ? signed_pdf_->size() - (64u << 10)
                                                               : signed_pdf_->size() / 2;
  auto service = StartService(options);
  Body body{*signed_pdf_};
  body.headers_only = true;  // the server must answer without waiting for the body
  HttpResult result = Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/documents", &body);
  ExpectProblem(result, 413, "too-large");
  EXPECT_FALSE(result.keep_alive);
  ExpectNothingStored(service->port());
}

TEST_F(ServiceTest, StreamedOversizeIs413) {
  ServiceOptions options = Options();
  // Just over the limit, so the unread rest fits the socket buffers and the client gets to
  // read the answer.
  options.max_upload_bytes = signed_pdf_->size() - 100;
  auto service = StartService(options);
  Body body{*signed_pdf_};
  body.chunked = true;
  ExpectProblem(Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/documents", &body), 413,
                "too-large");
  Body multipart{Multipart(*signed_pdf_),
                 std::string("multipart/form-data; boundary=") + kBoundary};
  multipart.chunked = true;
  ExpectProblem(Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/documents", &multipart), 413,
                "too-large");
  ExpectNothingStored(service->port());
}

TEST_F(ServiceTest, BodyOfExactlyTheLimitIsAccepted) {
  ServiceOptions options = Options();
  options.max_upload_bytes = signed_pdf_->size();
  auto service = StartService(options);
  Body body{*signed_pdf_};
  body.chunked = true;
  EXPECT_EQ(Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/documents", &body).status, 201);
}

TEST_F(ServiceTest, GarbageIs400NotPdf) {
  auto service = StartService(Options());
  Body garbage{"hello, this is not a PDF"};
  ExpectProblem(Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/documents", &garbage), 400,
                "not-pdf");
  Body fake{"%PDF-1.7\nbut nothing a PDF parser would accept\n"};
  ExpectProblem(Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/documents", &fake), 400,
                "not-pdf");
  Body empty{""};
  ExpectProblem(Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/documents", &empty), 400,
                "not-pdf");
  ExpectNothingStored(service->port());
}

TEST_F(ServiceTest, UnsupportedContentTypeIs415) {
  auto service = StartService(Options());
  Body body{*signed_pdf_, "text/plain"};
  ExpectProblem(Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/documents", &body), 415,
                "unsupported-media-type");
  ExpectNothingStored(service->port());
}

TEST_F(ServiceTest, UnsignedPdfIs400Unsigned) {
  auto service = StartService(Options());
  Body body{*unsigned_pdf_};
  HttpResult result = Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/documents", &body);
  ExpectProblem(result, 400, "unsigned");
  ExpectNothingStored(service->port());
}

TEST_F(ServiceTest, UntrustedSignerIs422) {
  ServiceOptions options = Options();
  options.trust_anchor_files.clear();  // nothing is trusted: the chain is INDETERMINATE
  auto service = StartService(options);
  Body body{*signed_pdf_, "application/octet-stream"};
  HttpResult result = Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/documents", &body);
  ExpectProblem(result, 422, "signature-not-valid");
  EXPECT_NE(ParseObject(result.body)->getObject("report")->getValue<std::string>("verdict"),
            "VALID");
  ExpectNothingStored(service->port());
}

TEST_F(ServiceTest, VerifyReturnsReportsAndStoresNothing) {
  auto service = StartService(Options());
  Body valid{*signed_pdf_};
  HttpResult ok = Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/verify", &valid);
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ParseObject(ok.body)->getValue<std::string>("verdict"), "VALID");

  std::string tampered = *signed_pdf_;
  tampered[7] = tampered[7] == '4' ? '5' : '4';
  Body bad{tampered};
  HttpResult invalid = Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/verify", &bad);
  EXPECT_EQ(invalid.status, 200) << invalid.body;  // the report is the answer
  EXPECT_EQ(ParseObject(invalid.body)->getValue<std::string>("verdict"), "INVALID");

  Body garbage{"not a pdf"};
  ExpectProblem(Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/verify", &garbage), 400,
                "not-pdf");
  ExpectNothingStored(service->port());
}

TEST_F(ServiceTest, UnknownIdIs404) {
  auto service = StartService(Options());
  ExpectProblem(Send(service->port(), HTTPRequest::HTTP_GET, "/api/v1/documents/0123abcd"), 404,
                "not-found");
  ExpectProblem(Send(service->port(), HTTPRequest::HTTP_GET, "/api/v1/documents/0123abcd/pdf"), 404,
                "not-found");
  ExpectProblem(Send(service->port(), HTTPRequest::HTTP_GET, "/api/v2/nothing"), 404, "not-found");
}

TEST_F(ServiceTest, WrongMethodIs405WithAllow) {
  auto service = StartService(Options());
  // GET on the collection is the search; nothing is ever updated or deleted.
  HttpResult result = Send(service->port(), HTTPRequest::HTTP_DELETE, "/api/v1/documents");
  ExpectProblem(result, 405, "method-not-allowed");
  EXPECT_EQ(result.allow, "GET, POST");
  HttpResult del = Send(service->port(), HTTPRequest::HTTP_DELETE, "/healthz");
  ExpectProblem(del, 405, "method-not-allowed");
  EXPECT_EQ(del.allow, "GET");
}

// Several requests on one keep-alive connection, including a refused one whose body was read.
TEST_F(ServiceTest, KeepAliveConnectionSurvivesRefusedUpload) {
  auto service = StartService(Options());
  Poco::Net::HTTPClientSession session("127.0.0.1", service->port());
  session.setKeepAlive(true);
  for (const std::string& bytes : {std::string("not a pdf at all"), *signed_pdf_}) {
    HTTPRequest request(HTTPRequest::HTTP_POST, "/api/v1/verify", HTTPRequest::HTTP_1_1);
    request.set("Authorization", "Bearer " + Token());
    request.setContentType("application/pdf");
    request.setContentLength64(static_cast<Poco::Int64>(bytes.size()));
    session.sendRequest(request) << bytes;
    HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    EXPECT_EQ(response.getStatus(),
              bytes == *signed_pdf_ ? HTTPResponse::HTTP_OK : HTTPResponse::HTTP_BAD_REQUEST)
        << body;
  }
}

// The four properties at ingest: a validly signed, valid form that carries a JavaScript action
// (appended before signing, so the signature covers it) is refused and nothing is stored.
TEST_F(ServiceTest, SignedFormWithActiveContentIsNotArchivable) {
  std::string pdf = *unsigned_pdf_;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(pdf, match, std::regex(R"(startxref\s+(\d+)\s+%%EOF\s*$)")));
  const std::string prev = match[1].str();
  ASSERT_TRUE(std::regex_search(pdf, match, std::regex(R"(/Size\s+(\d+))")));
  const int object = std::stoi(match[1].str());
  ASSERT_TRUE(std::regex_search(pdf, match, std::regex(R"(/Root\s+(\d+\s+\d+\s+R))")));
  const std::string root = match[1].str();
  if (pdf.back() != '\n') pdf += '\n';
  const std::size_t offset = pdf.size();
  pdf += std::to_string(object) + " 0 obj\n<< /S /JavaScript /JS (app.alert\\(1\\)) >>\nendobj\n";
  const std::size_t xref = pdf.size();
  char entry[32];
  std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offset);
  pdf += "xref\n" + std::to_string(object) + " 1\n" + entry + "trailer\n<< /Size " +
         std::to_string(object + 1) + " /Root " + root + " /Prev " + prev + " >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  signing::SignerOptions sign_options;
  sign_options.clock = FixedNow;
  auto signer =
      signing::Signer::Create(signing::Credentials::FromPem(TestDataPath("pki/provider.key"),
                                                            TestDataPath("pki/provider.pem"),
                                                            TestDataPath("pki/chain.pem")),
                              sign_options);
  signing::SignRequest request;
  request.field_name = "provider";
  Body body{signer->Sign(pdf, request)};

  auto service = StartService(Options());
  HttpResult result = Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/documents", &body);
  ExpectProblem(result, 422, "not-archivable");
  EXPECT_NE(result.body.find("/JavaScript"), std::string::npos) << result.body;
  EXPECT_NE(result.body.find("安全性"), std::string::npos) << result.body;
  ExpectNothingStored(service->port());
}

// The raw body is read straight from the connection: a client that declares more than it sends
// and stops gets a 400 problem, and nothing is stored.
TEST_F(ServiceTest, BodyShorterThanDeclaredIsRefusedAndNothingStored) {
  auto service = StartService(Options());
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", service->port()));
  socket.setReceiveTimeout(Poco::Timespan(30, 0));
  const std::string part = signed_pdf_->substr(0, 5000);
  const std::string head =
      "POST /api/v1/documents HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Authorization: Bearer " +
      Token() + "\r\nContent-Type: application/pdf\r\nContent-Length: " +
      std::to_string(signed_pdf_->size()) + "\r\n\r\n";
  const std::string sent = head + part;
  ASSERT_EQ(socket.sendBytes(sent.data(), static_cast<int>(sent.size())),
            static_cast<int>(sent.size()));
  socket.shutdownSend();
  std::string reply;
  char buffer[4096];
  for (int n; (n = socket.receiveBytes(buffer, sizeof buffer)) > 0;) reply.append(buffer, n);
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
  EXPECT_NE(reply.find("could not be read completely"), std::string::npos) << reply;
  EXPECT_EQ(DocumentsViaHealth(service->port()), 0u);
  EXPECT_EQ(BlobFiles(), 0u);
}

TEST_F(ServiceTest, ConcurrentUploadsAllLandOnOneBlob) {
  auto service = StartService(Options());
  constexpr int kClients = 8;
  std::vector<int> statuses(kClients, 0);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      try {
        Body body{*signed_pdf_};
        statuses[static_cast<std::size_t>(i)] =
            Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/documents", &body).status;
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), kClients);
  EXPECT_EQ(DocumentsViaHealth(service->port()), static_cast<std::uint64_t>(kClients));
  EXPECT_EQ(BlobFiles(), 1u);  // identical bytes: one content-addressed blob
}

TEST_F(ServiceTest, RecordsSurviveRestart) {
  std::string location;
  {
    auto service = StartService(Options());
    Body body{*signed_pdf_};
    location = Send(service->port(), HTTPRequest::HTTP_POST, "/api/v1/documents", &body).location;
    ASSERT_FALSE(location.empty());
  }
  auto service = StartService(Options());
  HttpResult pdf = Send(service->port(), HTTPRequest::HTTP_GET, location + "/pdf");
  EXPECT_EQ(pdf.status, 200);
  EXPECT_TRUE(pdf.body == *signed_pdf_);
}

}  // namespace
}  // namespace sealflow::workflow
