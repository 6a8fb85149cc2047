// Copyright sealflow authors.
// The workflow over HTTP: transitions and notices, the state routes, the public routes, the
// scheduler, tokens, and the full role × route access matrix — the real Poco server on an
// ephemeral loopback port, real signed documents.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "pilot_fixture.h"
#include "support/test_support.h"
#include "workflow/pilot.h"
#include "workflow/service.h"
#include "workflow/tokens.h"
#include "workflow_fixture.h"

namespace sealflow::workflow {
namespace {

using Poco::Net::HTTPRequest;
using sealflow::testing::TempDir;
using testing::D;
using testing::ManualClock;
using testing::PilotParty;
using testing::PilotPki;

struct Reply {
  int status = 0;
  std::string content_type;
  std::string body;
  std::string www_authenticate;
  std::string location;
};

Reply Call(std::uint16_t port, const std::string& method, const std::string& uri,
           const std::string& token = "", const std::string* body = nullptr,
           const std::string& content_type = "application/pdf") {
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
  reply.content_type = response.getContentType();
  reply.www_authenticate = response.get("WWW-Authenticate", "");
  reply.location = response.get("Location", "");
  Poco::StreamCopier::copyToString(in, reply.body);
  return reply;
}

Poco::JSON::Object::Ptr Json(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::size_t Items(const Reply& reply) { return Json(reply.body)->getArray("items")->size(); }

class ServiceWorkflowTest : public ::testing::Test {
 protected:
  ServiceWorkflowTest() : clock_(D(2026, 2, 20)) {}

  static PilotPki& pki() { return PilotPki::Get(); }

  void Start(std::chrono::milliseconds tick = std::chrono::milliseconds(0),
             std::function<void(std::size_t)> on_tick = nullptr) {
    service_.reset();
    ServiceOptions options;
    options.data_dir = dir_.File("data");
    options.port = 0;
    options.trust_anchor_files = {pki().root_pem_path()};
    options.clock = clock_.Function();
    options.max_threads = 4;
    options.bureau_p12 = pki().bureau().p12_path;
    options.bureau_p12_password = testing::kP12Password;
    options.tick_interval = tick;
    options.on_tick = std::move(on_tick);
    service_ = Service::Start(options);
    tokens_.clear();
    for (const PilotParty* party :
         {&pki().bureau(), &pki().county(), &pki().expert(), &pki().provider(), &pki().provider2(),
          &pki().enterprise(), &pki().agency()}) {
      std::string key = party == &pki().provider2() ? "provider2" : RoleName(party->role);
      tokens_[key] = service_->tokens().Issue(party->role, party->code, party->name).token;
    }
    tokens_["archivist"] =
        service_->tokens().Issue(Role::kArchivist, "12410700MA40ARCH1X", "档案室").token;
    tokens_["public"] = "";
  }

  std::uint16_t port() const { return service_->port(); }

  Reply Post(const std::string& uri, const std::string& who, const std::string& body,
             const std::string& content_type = "application/pdf") {
    return Call(port(), HTTPRequest::HTTP_POST, uri, tokens_.at(who), &body, content_type);
  }
  Reply Get(const std::string& uri, const std::string& who) {
    return Call(port(), HTTPRequest::HTTP_GET, uri, tokens_.at(who));
  }

  std::string Created(const Reply& reply) {
    EXPECT_EQ(reply.status, 201) << reply.body;
    if (reply.status != 201) return "";
    return Json(reply.body)->getValue<std::string>("recordId");
  }

  // The provider listed (notice 2026-03-10, listed on 03-16) and the example enterprise enrolled
  // and diagnosed by it (2026-03-20). Returns the record ids by step.
  std::map<std::string, std::string> BuildPilot() {
    std::map<std::string, std::string> ids;
    clock_.Set(D(2026, 2, 20));
    ids["application"] = Created(
        Post("/api/v1/transitions", "provider",
             pki().RenderAndSign(testing::ApplicationXml(), {{"provider", &pki().provider()}})));
    clock_.Set(D(2026, 2, 25));
    ids["county"] = Created(Post(
        "/api/v1/transitions", "county",
        pki().RenderAndSign(testing::CountyRecommendationXml(), {{"county", &pki().county()}})));
    clock_.Set(D(2026, 3, 1));
    ids["expert"] = Created(
        Post("/api/v1/transitions", "expert",
             pki().RenderAndSign(testing::ExpertReviewXml(), {{"expert", &pki().expert()}})));
    clock_.Set(D(2026, 3, 5));
    ids["meeting"] = Created(
        Post("/api/v1/transitions", "bureau",
             pki().RenderAndSign(testing::MeetingDecisionXml(), {{"bureau", &pki().bureau()}})));
    clock_.Set(D(2026, 3, 10));
    ids["notice"] = Created(
        Post("/api/v1/notices", "bureau", testing::ListingNoticeJson(), "application/json"));
    clock_.Set(D(2026, 3, 12));
    ids["enrolment"] =
        Created(Post("/api/v1/transitions", "bureau",
                     pki().RenderAndSign(testing::EnrolmentXml(), {{"bureau", &pki().bureau()}})));
    clock_.Set(D(2026, 3, 20));
    Reply diagnosed = Post(
        "/api/v1/transitions", "enterprise",
        pki().RenderAndSign(testing::DiagnosticReportXml(), {{"provider", &pki().provider()},
                                                             {"enterprise", &pki().enterprise()}}));
    ids["diagnostic"] = Created(diagnosed);
    // The objection period ended on 03-15: the Tick before the report listed the provider.
    EXPECT_EQ(Json(diagnosed.body)->getArray("deadlinesFired")->size(), 1u) << diagnosed.body;
    return ids;
  }

  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<Service> service_;
  std::map<std::string, std::string> tokens_;
};

TEST_F(ServiceWorkflowTest, SignedDocumentsMoveTheLifecyclesAndRefusalsName409TheArticle) {
  Start();
  auto ids = BuildPilot();
  Reply provider = Get("/api/v1/providers/91410700MA45KJ2R7F", "bureau");
  ASSERT_EQ(provider.status, 200) << provider.body;
  EXPECT_EQ(Json(provider.body)->getValue<std::string>("state"), "listed");
  Reply project = Get("/api/v1/projects/91410700MA46B7HW2D", "enterprise");
  ASSERT_EQ(project.status, 200) << project.body;
  EXPECT_EQ(Json(project.body)->getValue<std::string>("state"), "diagnosed");
  EXPECT_EQ(Json(project.body)->getValue<std::string>("providerCode"), "91410700MA45KJ2R7F");

  // The archived transition is an ordinary record, filed under its party.
  Reply record = Get("/api/v1/documents/" + ids["diagnostic"], "provider");
  ASSERT_EQ(record.status, 200) << record.body;
  EXPECT_EQ(Json(record.body)->getValue<std::string>("partyCode"), "91410700MA46B7HW2D");

  // A second county recommendation for a provider already listed: 409 naming Art. 9.
  const std::string before = Get("/healthz", "public").body;
  Reply refused =
      Post("/api/v1/transitions", "county",
           pki().RenderAndSign(testing::CountyRecommendationXml(), {{"county", &pki().county()}}));
  ASSERT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.content_type, "application/problem+json; charset=utf-8");
  auto problem = Json(refused.body);
  EXPECT_EQ(problem->getValue<std::string>("type"), "urn:sealflow:problem:transition-refused");
  EXPECT_EQ(problem->getValue<std::string>("articleZh"), "第九条");
  EXPECT_EQ(problem->getValue<std::string>("articleEn"), "Art. 9");
  EXPECT_FALSE(problem->getObject("report")->getValue<bool>("accepted"));
  EXPECT_EQ(Get("/healthz", "public").body, before);  // nothing stored

  // A transition the measures allow but a role may not submit: 403; a bad notice: 422.
  Reply forbidden =
      Post("/api/v1/transitions", "provider",
           pki().RenderAndSign(testing::MeetingDecisionXml(), {{"bureau", &pki().bureau()}}));
  EXPECT_EQ(forbidden.status, 403) << forbidden.body;
  Reply bad_notice =
      Post("/api/v1/notices", "bureau", R"({"kind":"warning","providers":[]})", "application/json");
  EXPECT_EQ(bad_notice.status, 422) << bad_notice.body;
  EXPECT_EQ(Post("/api/v1/notices", "bureau", "kind=listing", "text/plain").status, 415);

  // The public sees the listed provider and the notice, and can fetch the notice's PDF.
  Reply listed = Get("/api/v1/public/providers", "public");
  ASSERT_EQ(listed.status, 200);
  auto items = Json(listed.body)->getArray("items");
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ(items->getObject(0)->getValue<std::string>("creditCode"), "91410700MA45KJ2R7F");
  EXPECT_EQ(items->getObject(0)->getValue<std::string>("listedOn"), "2026-03-16");
  Reply notices = Get("/api/v1/public/notices", "public");
  ASSERT_EQ(Items(notices), 1u);
  Reply pdf = Get(Json(notices.body)->getArray("items")->getObject(0)->getValue<std::string>("pdf"),
                  "public");
  EXPECT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.body.compare(0, 5, "%PDF-"), 0);
  // But not any other record through the public notice route.
  EXPECT_EQ(Get("/api/v1/public/notices/" + ids["application"] + "/pdf", "public").status, 404);

  // The dashboard counts the enrolled enterprise.
  Reply dashboard = Get("/api/v1/dashboard", "bureau");
  ASSERT_EQ(dashboard.status, 200) << dashboard.body;
  EXPECT_NE(dashboard.body.find("起重装备"), std::string::npos);
}

TEST_F(ServiceWorkflowTest, RestartKeepsTheStateAndTheStartupTickFiresMissedDeadlines) {
  Start();
  clock_.Set(D(2026, 2, 20));
  Created(Post("/api/v1/transitions", "provider",
               pki().RenderAndSign(testing::ApplicationXml(), {{"provider", &pki().provider()}})));
  clock_.Set(D(2026, 2, 25));
  Created(
      Post("/api/v1/transitions", "county",
           pki().RenderAndSign(testing::CountyRecommendationXml(), {{"county", &pki().county()}})));
  clock_.Set(D(2026, 3, 1));
  Created(Post("/api/v1/transitions", "expert",
               pki().RenderAndSign(testing::ExpertReviewXml(), {{"expert", &pki().expert()}})));
  clock_.Set(D(2026, 3, 5));
  Created(Post("/api/v1/transitions", "bureau",
               pki().RenderAndSign(testing::MeetingDecisionXml(), {{"bureau", &pki().bureau()}})));
  clock_.Set(D(2026, 3, 10));
  Created(Post("/api/v1/notices", "bureau", testing::ListingNoticeJson(), "application/json"));
  Reply deadlines = Get("/api/v1/deadlines", "bureau");
  ASSERT_EQ(Items(deadlines), 2u) << deadlines.body;
  EXPECT_EQ(Json(deadlines.body)->getArray("items")->getObject(0)->getValue<std::string>("kind"),
            "objection-period-end");
  EXPECT_EQ(Json(deadlines.body)->getArray("items")->getObject(1)->getValue<std::string>("kind"),
            "first-rating-due");

  // Down over the end of the objection period; the first thing the service does is tick.
  service_.reset();
  clock_.Set(D(2026, 3, 18));
  Start();
  EXPECT_EQ(Json(Get("/api/v1/providers/91410700MA45KJ2R7F", "bureau").body)
                ->getValue<std::string>("state"),
            "listed");
  EXPECT_EQ(Items(Get("/api/v1/public/providers", "public")), 1u);
  Reply after = Get("/api/v1/deadlines", "bureau");
  ASSERT_EQ(Items(after), 1u) << after.body;  // only the first rating (Art. 14) is left
  EXPECT_EQ(Json(after.body)->getArray("items")->getObject(0)->getValue<std::string>("kind"),
            "first-rating-due");
}

TEST_F(ServiceWorkflowTest, TheSchedulerThreadTicksOnTheInjectedClock) {
  std::mutex mutex;
  std::vector<std::size_t> ticks;
  std::promise<void> fired;
  bool done = false;
  Start(std::chrono::milliseconds(5), [&](std::size_t n) {
    std::lock_guard<std::mutex> lock(mutex);
    ticks.push_back(n);
    if (n > 0 && !done) {
      done = true;
      fired.set_value();
    }
  });
  clock_.Set(D(2026, 2, 20));
  Created(Post("/api/v1/transitions", "provider",
               pki().RenderAndSign(testing::ApplicationXml(), {{"provider", &pki().provider()}})));
  clock_.Set(D(2026, 2, 25));
  Created(
      Post("/api/v1/transitions", "county",
           pki().RenderAndSign(testing::CountyRecommendationXml(), {{"county", &pki().county()}})));
  clock_.Set(D(2026, 3, 1));
  Created(Post("/api/v1/transitions", "expert",
               pki().RenderAndSign(testing::ExpertReviewXml(), {{"expert", &pki().expert()}})));
  clock_.Set(D(2026, 3, 5));
  Created(Post("/api/v1/transitions", "bureau",
               pki().RenderAndSign(testing::MeetingDecisionXml(), {{"bureau", &pki().bureau()}})));
  clock_.Set(D(2026, 3, 10));
  Created(Post("/api/v1/notices", "bureau", testing::ListingNoticeJson(), "application/json"));
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (std::size_t n : ticks) EXPECT_EQ(n, 0u);  // nothing was due yet
  }
  // Moving the clock past the objection period is all it takes: no request.
  clock_.Set(D(2026, 3, 16));
  ASSERT_EQ(fired.get_future().wait_for(std::chrono::seconds(60)), std::future_status::ready);
  EXPECT_EQ(Json(Get("/api/v1/providers/91410700MA45KJ2R7F", "bureau").body)
                ->getValue<std::string>("state"),
            "listed");
  service_.reset();  // joins the scheduler
}

TEST_F(ServiceWorkflowTest, TokensAreCheckedOnEveryRequestAndRevocationIsImmediate) {
  Start();
  EXPECT_EQ(Get("/api/v1/projects", "bureau").status, 200);
  Reply missing = Get("/api/v1/projects", "public");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.www_authenticate, "Bearer realm=\"sealflow\"");
  EXPECT_EQ(Call(port(), HTTPRequest::HTTP_GET, "/api/v1/projects", "sft_not-a-token").status, 401);
  // A bad token is refused even on public routes (a client with a broken token should know).
  EXPECT_EQ(Call(port(), HTTPRequest::HTTP_GET, "/healthz", "sft_not-a-token").status, 401);
  // Issued by the CLI's code path while the service runs, then revoked.
  auto store = TokenStore::Open(dir_.File("data"));
  IssuedToken issued = store->Issue(Role::kBureau, pki().bureau().code, "cli");
  EXPECT_EQ(Call(port(), HTTPRequest::HTTP_GET, "/api/v1/dashboard", issued.token).status, 200);
  ASSERT_TRUE(store->Revoke(issued.info.id));
  EXPECT_FALSE(store->Revoke(issued.info.id));
  EXPECT_EQ(Call(port(), HTTPRequest::HTTP_GET, "/api/v1/dashboard", issued.token).status, 401);
  // Stored hashed: the token itself is nowhere in the file.
  EXPECT_EQ(sealflow::testing::ReadFile(dir_.File("data/workflow/tokens.log")).find(issued.token),
            std::string::npos);
}

// Every route × every role. Expected statuses are the access table of workflow/service.h.
TEST_F(ServiceWorkflowTest, RoleRouteMatrix) {
  Start();
  auto ids = BuildPilot();
  const std::string county_again =
      pki().RenderAndSign(testing::CountyRecommendationXml(), {{"county", &pki().county()}});
  const std::string provider_pdf = pki().RenderAndSign(testing::ApplicationXml("APP-2026-0099"),
                                                       {{"provider", &pki().provider()}});
  const std::string not_pdf = "not a pdf";
  const std::string empty_json = "{}";

  struct Route {
    std::string name;
    std::string method;
    std::string uri;
    const std::string* body;
    std::string content_type;
  };
  const std::string P = "91410700MA45KJ2R7F";
  const std::string E = "91410700MA46B7HW2D";
  const std::vector<Route> routes = {
      {"healthz", "GET", "/healthz", nullptr, ""},
      {"openapi", "GET", "/api/v1/openapi.json", nullptr, ""},
      {"transition", "POST", "/api/v1/transitions", &county_again, "application/pdf"},
      {"notice", "POST", "/api/v1/notices", &empty_json, "application/json"},
      {"providers", "GET", "/api/v1/providers", nullptr, ""},
      {"provider", "GET", "/api/v1/providers/" + P, nullptr, ""},
      {"projects", "GET", "/api/v1/projects", nullptr, ""},
      {"project", "GET", "/api/v1/projects/" + E, nullptr, ""},
      {"deadlines", "GET", "/api/v1/deadlines", nullptr, ""},
      {"ratings", "GET", "/api/v1/ratings", nullptr, ""},
      {"dashboard", "GET", "/api/v1/dashboard", nullptr, ""},
      {"public-providers", "GET", "/api/v1/public/providers", nullptr, ""},
      {"public-ratings", "GET", "/api/v1/public/ratings", nullptr, ""},
      {"public-notices", "GET", "/api/v1/public/notices", nullptr, ""},
      {"public-notice-pdf", "GET", "/api/v1/public/notices/" + ids["notice"] + "/pdf", nullptr, ""},
      {"upload", "POST", "/api/v1/documents", &provider_pdf, "application/pdf"},
      {"search", "GET", "/api/v1/documents", nullptr, ""},
      {"search-provider", "GET", "/api/v1/documents?party=" + P, nullptr, ""},
      {"search-enterprise", "GET", "/api/v1/documents?party=" + E, nullptr, ""},
      {"record", "GET", "/api/v1/documents/" + ids["application"], nullptr, ""},
      {"record-pdf", "GET", "/api/v1/documents/" + ids["application"] + "/pdf", nullptr, ""},
      {"enterprise-record", "GET", "/api/v1/documents/" + ids["diagnostic"], nullptr, ""},
      {"notice-record", "GET", "/api/v1/documents/" + ids["notice"], nullptr, ""},
      {"dossier", "GET", "/api/v1/enterprises/" + E + "/dossier", nullptr, ""},
      {"dossier-zip", "GET", "/api/v1/enterprises/" + E + "/dossier.zip", nullptr, ""},
      {"verify", "POST", "/api/v1/verify", &not_pdf, "application/pdf"},
      {"tsa", "POST", "/api/v1/tsa", &not_pdf, "application/timestamp-query"},
  };
  const std::vector<std::string> roles = {
      "bureau",    "county", "expert", "provider", "provider2", "enterprise", "acceptance-agency",
      "archivist", "public"};
  // Columns in the order of `roles`.
  const std::map<std::string, std::vector<int>> expected = {
      // clang-format off
      //                     bureau county expert prov  prov2 ent   agency arch  public
      {"healthz",            {200,  200,   200,   200,  200,  200,  200,   200,  200}},
      {"openapi",            {200,  200,   200,   200,  200,  200,  200,   200,  200}},
      // Only the county recommends; it is refused by Art. 9 (the provider is listed already).
      {"transition",         {403,  409,   403,   403,  403,  403,  403,   403,  403}},
      {"notice",             {422,  403,   403,   403,  403,  403,  403,   403,  401}},
      {"providers",          {200,  200,   200,   200,  200,  403,  200,   200,  401}},
      {"provider",           {200,  200,   200,   200,  403,  403,  200,   200,  401}},
      {"projects",           {200,  200,   200,   200,  200,  200,  200,   200,  401}},
      {"project",            {200,  200,   200,   200,  403,  200,  200,   200,  401}},
      {"deadlines",          {200,  200,   200,   200,  200,  200,  200,   200,  401}},
      {"ratings",            {200,  200,   200,   200,  200,  403,  200,   200,  401}},
      {"dashboard",          {200,  200,   200,   403,  403,  403,  200,   200,  401}},
      {"public-providers",   {200,  200,   200,   200,  200,  200,  200,   200,  200}},
      {"public-ratings",     {200,  200,   200,   200,  200,  200,  200,   200,  200}},
      {"public-notices",     {200,  200,   200,   200,  200,  200,  200,   200,  200}},
      {"public-notice-pdf",  {200,  200,   200,   200,  200,  200,  200,   200,  200}},
      {"upload",             {201,  201,   201,   201,  403,  403,  201,   201,  401}},
      {"search",             {200,  200,   200,   200,  200,  200,  200,   200,  401}},
      {"search-provider",    {200,  200,   200,   200,  403,  403,  200,   200,  401}},
      {"search-enterprise",  {200,  200,   200,   200,  403,  200,  200,   200,  401}},
      {"record",             {200,  200,   200,   200,  404,  404,  200,   200,  401}},
      {"record-pdf",         {200,  200,   200,   200,  404,  404,  200,   200,  401}},
      {"enterprise-record",  {200,  200,   200,   200,  404,  200,  200,   200,  401}},
      {"notice-record",      {200,  200,   200,   200,  200,  200,  200,   200,  200}},
      {"dossier",            {200,  200,   200,   200,  403,  200,  200,   200,  401}},
      {"dossier-zip",        {200,  200,   200,   200,  403,  200,  200,   200,  401}},
      {"verify",             {400,  400,   400,   400,  400,  400,  400,   400,  401}},
      // Open like any public TSA (404 here: this service has none).
      {"tsa",                {404,  404,   404,   404,  404,  404,  404,   404,  404}},
      // clang-format on
  };
  ASSERT_EQ(expected.size(), routes.size());
  for (const Route& route : routes) {
    const std::vector<int>& want = expected.at(route.name);
    ASSERT_EQ(want.size(), roles.size()) << route.name;
    for (std::size_t r = 0; r < roles.size(); ++r) {
      Reply reply = Call(port(), route.method, route.uri, tokens_.at(roles[r]), route.body,
                         route.content_type);
      EXPECT_EQ(reply.status, want[r]) << route.name << " as " << roles[r] << ": " << reply.body;
      if (reply.status >= 400) {
        EXPECT_EQ(reply.content_type, "application/problem+json; charset=utf-8")
            << route.name << " as " << roles[r];
      }
    }
  }

  // What each sees is filtered, not only allowed.
  EXPECT_EQ(Items(Get("/api/v1/providers", "provider2")), 0u);  // not in the engine
  EXPECT_EQ(Items(Get("/api/v1/providers", "provider")), 1u);
  EXPECT_EQ(Items(Get("/api/v1/projects", "provider2")), 0u);
  EXPECT_EQ(Items(Get("/api/v1/projects", "provider")), 1u);
  EXPECT_EQ(Items(Get("/api/v1/projects", "enterprise")), 1u);
  EXPECT_EQ(Items(Get("/api/v1/deadlines", "provider2")), 0u);
  EXPECT_GE(Items(Get("/api/v1/deadlines", "bureau")), 1u);
  Poco::JSON::Object::Ptr own = Json(Get("/api/v1/documents", "enterprise").body);
  ASSERT_GE(own->getArray("items")->size(), 2u);  // the enrolment and the diagnostic report
  for (const auto& item : *own->getArray("items")) {
    EXPECT_EQ(item.extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("partyCode"), E);
  }
}

}  // namespace
}  // namespace sealflow::workflow

namespace sealflow::workflow {
namespace {

// 电子签名法 §13, the default flow: the service prepares the PDF, the signer signs it with a key
// the service never sees, and the upload must be exactly the prepared bytes plus that signature.
TEST_F(ServiceWorkflowTest, TheSignerKeepsTheKeyAndOnlyThePreparedDocumentPlusOneSignaturePasses) {
  Start();
  const std::string xml = testing::ApplicationXml();
  EXPECT_EQ(
      Call(port(), HTTPRequest::HTTP_POST, "/api/v1/prepare", "", &xml, "application/xml").status,
      401);
  Reply bad_form =
      Post("/api/v1/prepare", "provider", testing::Swap(xml, "<name>", "<nom>"), "application/xml");
  EXPECT_EQ(bad_form.status, 422) << bad_form.body;
  EXPECT_NE(bad_form.body.find("line"), std::string::npos) << bad_form.body;

  Reply prepared = Post("/api/v1/prepare", "provider", xml, "application/xml");
  ASSERT_EQ(prepared.status, 201) << prepared.body;
  EXPECT_EQ(prepared.content_type, "application/pdf");
  const std::string marker = "prepared=";
  ASSERT_NE(prepared.location.find(marker), std::string::npos) << prepared.location;
  const std::string id = prepared.location.substr(prepared.location.find(marker) + marker.size());
  ASSERT_EQ(id.size(), 64u);

  // On the signer's machine.
  signing::SignRequest request;
  request.field_name = "provider";
  const std::string signed_pdf = pki().provider().signer->Sign(prepared.body, request);

  // Something else than the prepared bytes: one byte of the first revision changed.
  std::string altered = signed_pdf;
  altered[prepared.body.size() / 2] = static_cast<char>(altered[prepared.body.size() / 2] ^ 1);
  Reply refused = Post("/api/v1/transitions?prepared=" + id, "provider", altered);
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(refused.body.find("not-the-prepared-document"), std::string::npos) << refused.body;
  // Two signatures where the prepared document asked for one.
  signing::SignRequest second;
  second.field_name = "provider-again";
  Reply twice = Post("/api/v1/documents?prepared=" + id, "provider",
                     pki().provider().signer->Sign(signed_pdf, second));
  EXPECT_EQ(twice.status, 422) << twice.body;
  EXPECT_NE(twice.body.find("not-the-prepared-document"), std::string::npos) << twice.body;
  // An id the service never issued.
  EXPECT_EQ(
      Post("/api/v1/transitions?prepared=" + std::string(64, 'a'), "provider", signed_pdf).status,
      404);

  Reply accepted = Post("/api/v1/transitions?prepared=" + id, "provider", signed_pdf);
  ASSERT_EQ(accepted.status, 201) << accepted.body;
  Reply provider = Get("/api/v1/providers/" + pki().provider().code, "bureau");
  ASSERT_EQ(provider.status, 200) << provider.body;
  EXPECT_EQ(Json(provider.body)->getValue<std::string>("state"), "applied");
}

}  // namespace
}  // namespace sealflow::workflow
