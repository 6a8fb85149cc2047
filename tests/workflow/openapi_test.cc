// Copyright sealflow authors.
// GET /api/v1/openapi.json matches the routes: the test walks every path and operation of the
// document, calls each as the bureau (and as the public where the document says it is open),
// and checks that the service answers one of the documented statuses; a method the document
// does not list for a path is 405, and a route the router knows is in the document.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "pilot_fixture.h"
#include "support/test_support.h"
#include "workflow/service.h"
#include "workflow/tokens.h"
#include "workflow_fixture.h"

namespace sealflow::workflow {
namespace {

using Poco::JSON::Object;
using Poco::Net::HTTPRequest;
using testing::PilotPki;

struct Reply {
  int status = 0;
  std::string body;
};

Reply Call(std::uint16_t port, const std::string& method, const std::string& uri,
           const std::string& token, const std::string* body, const std::string& content_type) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(60, 0));
  HTTPRequest request(method, uri, HTTPRequest::HTTP_1_1);
  if (!token.empty()) request.set("Authorization", "Bearer " + token);
  if (body != nullptr) {
    request.setContentType(content_type);
    request.setContentLength64(static_cast<Poco::Int64>(body->size()));
  }
  std::ostream& out = session.sendRequest(request);
  if (body != nullptr) out.write(body->data(), static_cast<std::streamsize>(body->size()));
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  Reply reply;
  reply.status = static_cast<int>(response.getStatus());
  Poco::StreamCopier::copyToString(in, reply.body);
  return reply;
}

Object::Ptr Json(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Object::Ptr>();
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

TEST(OpenApiTest, TheDocumentMatchesTheRoutes) {
  sealflow::testing::TempDir dir;
  testing::ManualClock clock(testing::D(2026, 2, 20));
  PilotPki& pki = PilotPki::Get();
  ServiceOptions options;
  options.data_dir = dir.File("data");
  options.port = 0;
  options.trust_anchor_files = {pki.root_pem_path()};
  options.clock = clock.Function();
  options.max_threads = 4;
  options.tick_interval = std::chrono::milliseconds(0);
  options.bureau_p12 = pki.bureau().p12_path;
  options.bureau_p12_password = testing::kP12Password;
  auto service = Service::Start(options);
  const std::string bureau =
      service->tokens().Issue(Role::kBureau, pki.bureau().code, "市工信局").token;

  // Something to address by id: the provider's application (a transition) and a notice.
  const std::string application =
      pki.RenderAndSign(testing::ApplicationXml(), {{"provider", &pki.provider()}});
  const std::string provider_token =
      service->tokens().Issue(Role::kProvider, pki.provider().code, "").token;
  Reply applied = Call(service->port(), "POST", "/api/v1/transitions", provider_token, &application,
                       "application/pdf");
  ASSERT_EQ(applied.status, 201) << applied.body;
  const std::string record_id = Json(applied.body)->getValue<std::string>("recordId");

  Reply document = Call(service->port(), "GET", "/api/v1/openapi.json", "", nullptr, "");
  ASSERT_EQ(document.status, 200);
  Object::Ptr openapi = Json(document.body);
  EXPECT_EQ(openapi->getValue<std::string>("openapi").substr(0, 2), "3.");
  Object::Ptr paths = openapi->getObject("paths");
  ASSERT_TRUE(paths);

  const std::map<std::string, std::string> path_values = {
      {"{id}", record_id},
      {"{creditCode}", "91410700MA45KJ2R7F"},
      {"{enterpriseCode}", "91410700MA46B7HW2D"},
  };
  const std::string not_pdf = "not a pdf";
  const std::string notice_json = R"({"kind":"listing","providers":[]})";
  const std::string tsq = "not a timestamp query";
  std::size_t operations = 0;
  std::set<std::string> operation_ids;
  for (const auto& [path_template, value] : *paths) {
    Object::Ptr item = value.extract<Object::Ptr>();
    std::string uri = path_template;
    for (const auto& [name, replacement] : path_values) {
      for (auto pos = uri.find(name); pos != std::string::npos; pos = uri.find(name))
        uri.replace(pos, name.size(), replacement);
    }
    ASSERT_EQ(uri.find('{'), std::string::npos) << "unfilled parameter in " << path_template;
    std::set<std::string> methods;
    for (const auto& [method, op_value] : *item) {
      Object::Ptr op = op_value.extract<Object::Ptr>();
      methods.insert(Upper(method));
      ++operations;
      EXPECT_TRUE(operation_ids.insert(op->getValue<std::string>("operationId")).second);
      EXPECT_TRUE(op->has("x-roles")) << path_template;
      // A body the operation declares (a PDF, JSON or a timestamp query); deliberately
      // unusable where it would change state twice.
      const std::string* body = nullptr;
      std::string content_type;
      if (op->has("requestBody")) {
        Object::Ptr content = op->getObject("requestBody")->getObject("content");
        if (content->has("application/json")) {
          body = &notice_json;
          content_type = "application/json";
        } else if (content->has("application/timestamp-query")) {
          body = &tsq;
          content_type = "application/timestamp-query";
        } else {
          body = &not_pdf;
          content_type = "application/pdf";
        }
      }
      Object::Ptr responses = op->getObject("responses");
      Reply reply = Call(service->port(), Upper(method), uri, bureau, body, content_type);
      EXPECT_TRUE(responses->has(std::to_string(reply.status)))
          << Upper(method) << " " << uri << " answered " << reply.status
          << " which the document does not list: " << reply.body;
      // Operations that need a token answer the public 401; open ones (security lists an
      // empty requirement) answer it what they document (e.g. 401 for a record that is not a
      // notice, 200 for a notice).
      bool open = false;
      for (const auto& requirement : *op->getArray("security")) {
        open = open || requirement.extract<Object::Ptr>()->size() == 0;
      }
      Reply anonymous = Call(service->port(), Upper(method), uri, "", body, content_type);
      if (!open) {
        EXPECT_EQ(anonymous.status, 401) << Upper(method) << " " << uri;
      }
      EXPECT_TRUE(responses->has(std::to_string(anonymous.status)))
          << "public " << Upper(method) << " " << uri << " answered " << anonymous.status;
    }
    // Methods the document does not list are not routes.
    for (const char* method : {"GET", "POST", "PUT", "DELETE"}) {
      if (methods.count(method)) continue;
      Reply reply = Call(service->port(), method, uri, bureau, nullptr, "");
      EXPECT_EQ(reply.status, 405) << method << " " << uri;
    }
  }
  EXPECT_EQ(operations, 24u);  // every route of workflow/service.h
  // And a path the document does not have is no route.
  EXPECT_EQ(Call(service->port(), "GET", "/api/v1/nothing", bureau, nullptr, "").status, 404);
}

}  // namespace
}  // namespace sealflow::workflow
