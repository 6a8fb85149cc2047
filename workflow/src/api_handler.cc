// Copyright sealflow authors.
#include "api_handler.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/URI.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/MediaType.h>
#include <Poco/String.h>

#include <exception>
#include <initializer_list>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "access.h"
#include "archive/dossier.h"
#include "archive/error.h"
#include "archive/properties.h"
#include "filing.h"
#include "forms/error.h"
#include "forms/inspect.h"
#include "openapi.h"
#include "problem.h"
#include "signing/error.h"
#include "signing/prepared.h"
#include "state_json.h"
#include "tsa_handler.h"
#include "upload.h"
#include "workflow/facts.h"
#include "workflow/notices.h"

namespace sealflow::workflow {
namespace {

using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr const char* kJson = "application/json; charset=utf-8";
constexpr const char* kProblemJson = "application/problem+json; charset=utf-8";

Poco::Logger& Log() { return Poco::Logger::get("sealflow.workflow"); }

// The path split at '/', without the leading empty segment: "/a/b" -> {"a", "b"}.
std::vector<std::string> PathSegments(const std::string& uri) {
  std::string path;
  try {
    path = Poco::URI(uri).getPath();
  } catch (const Poco::SyntaxException& e) {
    throw Problem(ProblemKind::kBadRequest,
                  "请求地址无效 / malformed request URI: " + e.displayText());
  }
  std::vector<std::string> segments;
  std::size_t start = path.empty() || path[0] != '/' ? 0 : 1;
  for (;;) {
    std::size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash == std::string::npos ? slash : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return segments;
}

bool Matches(const std::vector<std::string>& segments, std::initializer_list<const char*> pattern,
             std::string* id = nullptr) {
  if (segments.size() != pattern.size()) return false;
  std::size_t i = 0;
  for (const char* expected : pattern) {
    const std::string& segment = segments[i++];
    if (std::string_view(expected) == "{id}") {
      if (segment.empty()) return false;
      if (id != nullptr) *id = segment;
    } else if (segment != expected) {
      return false;
    }
  }
  return true;
}

void SendBody(HTTPServerResponse& response, HTTPResponse::HTTPStatus status,
              const std::string& content_type, const std::string& body) {
  response.setStatus(status);
  response.setContentType(content_type);
  response.setContentLength64(static_cast<Poco::Int64>(body.size()));
  response.sendBuffer(body.data(), body.size());
}

// Maps every exception to a problem. The only place that knows other components' errors.
Problem ProblemForCurrentException() {
  try {
    throw;
  } catch (const Problem& problem) {
    return problem;
  } catch (const PilotError& e) {
    const std::string detail = e.detail_zh + " / " + e.detail_en;
    switch (e.status) {
      case 400:
        if (e.problem_type == "not-pdf")
          return Problem(ProblemKind::kNotPdf, detail, e.report_json);
        if (e.problem_type == "unsigned") {
          return Problem(ProblemKind::kUnsigned, detail, e.report_json);
        }
        return Problem(ProblemKind::kBadRequest, detail, e.report_json);
      case 403:
        return Problem(ProblemKind::kForbidden, detail);
      case 413:
        return Problem(ProblemKind::kTooLarge, detail);
      case 422:
        if (e.problem_type == "signature-not-valid") {
          return Problem(ProblemKind::kSignatureNotValid, detail, e.report_json);
        }
        if (e.problem_type == "not-a-form") return Problem(ProblemKind::kNotAForm, detail);
        if (e.problem_type == "invalid-notice") return Problem(ProblemKind::kInvalidNotice, detail);
        return Problem(ProblemKind::kNoEvent, detail);
      default:
        break;
    }
    Log().error("pilot: %s", std::string(e.what()));
    return Problem(ProblemKind::kInternal, detail);
  } catch (const FactsError& e) {
    return Problem(ProblemKind::kInvalidNotice, e.what());
  } catch (const archive::ArchiveError& e) {
    switch (e.code()) {
      case archive::ArchiveErrorCode::kNotFound:
        return Problem(ProblemKind::kNotFound, "存档中没有该文件 / not in the archive");
      case archive::ArchiveErrorCode::kSupersedes:
        return Problem(ProblemKind::kInvalidSupersedes, e.what());
      case archive::ArchiveErrorCode::kConflict:
        return Problem(ProblemKind::kConflict, e.what());
      case archive::ArchiveErrorCode::kArgument:
        return Problem(ProblemKind::kBadRequest, e.what());
      case archive::ArchiveErrorCode::kIo:
      case archive::ArchiveErrorCode::kCatalog:
        break;
    }
    Log().error("archive: %s", std::string(e.what()));
    return Problem(ProblemKind::kInternal, "存档失败 / the archive failed");
  } catch (const forms::FormsError& e) {
    switch (e.code()) {
      case forms::FormsErrorCode::kNoSource:
      case forms::FormsErrorCode::kUnknownFormType:
      case forms::FormsErrorCode::kRender:
      case forms::FormsErrorCode::kInvalidForm:
      case forms::FormsErrorCode::kTooLarge:
        return Problem(ProblemKind::kNotAForm,
                       std::string("PDF 中没有可用的表单数据 / no usable form data: ") + e.what());
      case forms::FormsErrorCode::kSchemaLoad:
      case forms::FormsErrorCode::kFont:
      case forms::FormsErrorCode::kIo:
        break;
    }
    Log().error("forms: %s", std::string(e.what()));
    return Problem(ProblemKind::kInternal, "表单处理失败 / form processing failed");
  } catch (const signing::SigningError& e) {
    Log().error("signing: %s", std::string(e.what()));
    return Problem(ProblemKind::kInternal, "签名处理失败 / signature processing failed");
  } catch (const Poco::Exception& e) {
    Log().error("poco: %s", e.displayText());
    return Problem(ProblemKind::kInternal, "服务器内部错误 / internal error");
  } catch (const std::exception& e) {
    Log().error("unexpected: %s", std::string(e.what()));
    return Problem(ProblemKind::kInternal, "服务器内部错误 / internal error");
  } catch (...) {
    Log().error("unexpected non-standard exception");
    return Problem(ProblemKind::kInternal, "服务器内部错误 / internal error");
  }
}

class ApiHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit ApiHandler(std::shared_ptr<const ServiceContext> context)
      : context_(std::move(context)), store_(*context_->store) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    try {
      // Requests without a body leave nothing unread on the connection.
      upload_.body_drained = !request.getChunkedTransferEncoding() &&
                             (!request.hasContentLength() || request.getContentLength64() == 0);
      Route(request, response);
    } catch (...) {
      Problem problem = ProblemForCurrentException();
      if (response.sent()) {
        Log().error("failed after the response was sent: %s", problem.detail());
        return;
      }
      DrainBounded(request);
      SendProblem(response, problem);
    }
  }

 private:
  // Before refusing a request whose body was not read, read and discard what of it arrives
  // promptly when its declared length is small (at most kDrainBytes): a client still sending a
  // modest overshoot then reads the answer instead of a connection reset. Each read waits at most
  // 100 ms, so a client that sends headers and waits gets its answer at once; a larger or chunked
  // body is not read at all (the connection is closed, as SendProblem says), so a 1 GB upload
  // costs nothing. Memory: one fixed buffer.
  void DrainBounded(HTTPServerRequest& request) {
    constexpr std::size_t kDrainBytes = 1u << 20;
    if (upload_.body_drained || request.getChunkedTransferEncoding() ||
        !request.hasContentLength() || request.getContentLength64() < 0 ||
        static_cast<std::uint64_t>(request.getContentLength64()) > kDrainBytes) {
      return;
    }
    char buffer[16384];
    std::size_t total = 0;
    try {
      if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request)) {
        impl->socket().setReceiveTimeout(Poco::Timespan(0, 100 * 1000));
      }
      std::istream& body = request.stream();
      while (total < kDrainBytes && body.read(buffer, sizeof buffer)) total += sizeof buffer;
    } catch (...) {
      // A broken connection: nothing left to be polite to.
    }
  }

  void SendProblem(HTTPServerResponse& response, const Problem& problem) {
    // An unread body would be parsed as the next request: close instead.
    if (!upload_.body_drained) response.setKeepAlive(false);
    if (problem.kind() == ProblemKind::kMethodNotAllowed && !allowed_.empty()) {
      response.set("Allow", allowed_);
    }
    if (problem.kind() == ProblemKind::kUnauthorized) {
      response.set("WWW-Authenticate", "Bearer realm=\"sealflow\"");
    }
    SendBody(response, static_cast<HTTPResponse::HTTPStatus>(StatusFor(problem.kind())),
             kProblemJson,
             ProblemJson(problem.kind(), problem.detail(), problem.report_json(),
                         problem.extra_members()));
  }

  // Each route takes one method; anything else is 405 with an Allow header. Nothing in the
  // archive is ever updated or deleted: no route takes PUT, PATCH or DELETE.
  void RequireMethod(const HTTPServerRequest& request, const std::string& allowed) {
    allowed_ = allowed;
    if (request.getMethod() == allowed) return;
    throw Problem(ProblemKind::kMethodNotAllowed,
                  request.getMethod() + " 不适用于此资源 / not allowed here; use " + allowed);
  }

  void Route(HTTPServerRequest& request, HTTPServerResponse& response) {
    const std::vector<std::string> path = PathSegments(request.getURI());
    actor_ = Authenticate(request);
    std::string id;
    if (Matches(path, {"healthz"})) {
      RequireMethod(request, HTTPRequest::HTTP_GET);
      return Health(response);
    }
    if (Matches(path, {"api", "v1", "openapi.json"})) {
      RequireMethod(request, HTTPRequest::HTTP_GET);
      return SendBody(response, HTTPResponse::HTTP_OK, kJson, OpenApiJson());
    }
    if (Matches(path, {"api", "v1", "transitions"})) {
      RequireMethod(request, HTTPRequest::HTTP_POST);
      return Transition(request, response);
    }
    if (Matches(path, {"api", "v1", "prepare"})) {
      RequireMethod(request, HTTPRequest::HTTP_POST);
      return Prepare(request, response);
    }
    if (Matches(path, {"api", "v1", "notices"})) {
      RequireMethod(request, HTTPRequest::HTTP_POST);
      return IssueNotice(request, response);
    }
    if (Matches(path, {"api", "v1", "providers"})) {
      RequireMethod(request, HTTPRequest::HTTP_GET);
      return Providers(response);
    }
    if (Matches(path, {"api", "v1", "providers", "{id}"}, &id)) {
      RequireMethod(request, HTTPRequest::HTTP_GET);
      return ProviderByCode(id, response);
    }
    if (Matches(path, {"api", "v1", "projects"})) {
      RequireMethod(request, HTTPRequest::HTTP_GET);
      return Projects(response);
    }
    if (Matches(path, {"api", "v1", "projects", "{id}"}, &id)) {
      RequireMethod(request, HTTPRequest::HTTP_GET);
      return ProjectByCode(id, response);
    }
    if (Matches(path, {"api", "v1", "deadlines"})) {
      RequireMethod(request, HTTPRequest::HTTP_GET);
      return Deadlines(response);
    }
    if (Matches(path, {"api", "v1", "ratings"})) {
      RequireMethod(request, HTTPRequest::HTTP_GET);
      return ProposedRatings(response);
    }
    if (Matches(path, {"api", "v1", "dashboard"})) {
      RequireMethod(request, HTTPRequest::HTTP_GET);
      return Dashboard(response);
    }
    if (Matches(path, {"api", "v1", "public", "providers"})) {
      RequireMethod(request, HTTPRequest::HTTP_GET);
      return PublicProviders(response);
    }
    if (Matches(path, {"api", "v1", "public", "ratings"})) {
      RequireMethod(request, HTTPRequest::HTTP_GET);
      return PublicRatings(response);
    }
    if (Matches(path, {"api", "v1", "public", "notices"})) {
      RequireMethod(request, HTTPRequest::HTTP_GET);
      return PublicNotices(request, response);
    }
    if (Matches(path, {"api", "v1", "public", "notices", "{id}", "pdf"}, &id)) {
      RequireMethod(request, HTTPRequest::HTTP_GET);
      return PublicNoticePdf(id, response);
    }
    if (Matches(path, {"api", "v1", "documents"})) {
      if (request.getMethod() == HTTPRequest::HTTP_GET) return Search(request, response);
      allowed_ = "GET, POST";
      if (request.getMethod() != HTTPRequest::HTTP_POST) {
        throw Problem(ProblemKind::kMethodNotAllowed,
                      request.getMethod() + " 不适用于此资源 / not allowed here; use GET or POST");
      }
      return Upload(request, response);
    }
    if (Matches(path, {"api", "v1", "enterprises", "{id}", "dossier"}, &id)) {
      RequireMethod(request, HTTPRequest::HTTP_GET);
      return Dossier(id, response);
    }
    if (Matches(path, {"api", "v1", "enterprises", "{id}", "dossier.zip"}, &id)) {
      RequireMethod(request, HTTPRequest::HTTP_GET);
      return DossierZip(id, request, response);
    }
    if (Matches(path, {"api", "v1", "documents", "{id}"}, &id)) {
      RequireMethod(request, HTTPRequest::HTTP_GET);
      return GetRecord(id, response);
    }
    if (Matches(path, {"api", "v1", "documents", "{id}", "pdf"}, &id)) {
      RequireMethod(request, HTTPRequest::HTTP_GET);
      return GetPdf(id, response);
    }
    if (Matches(path, {"api", "v1", "verify"})) {
      RequireMethod(request, HTTPRequest::HTTP_POST);
      RequireToken();
      return VerifyOnly(request, response);
    }
    if (Matches(path, {"api", "v1", "tsa"})) {
      RequireMethod(request, HTTPRequest::HTTP_POST);
      // Open like any public TSA: a timestamp discloses nothing and `sealflow timestamp --tsa`
      // has no token to send.
      return ServeTimestamp(context_->tsa.get(), request, response, upload_);
    }
    throw Problem(ProblemKind::kNotFound, "没有这个资源 / no such resource: " + request.getURI());
  }

  // ---- Callers ------------------------------------------------------------------------------

  // The caller: a bearer token's actor, or the public without an Authorization header. A
  // header that is present but not a valid token is 401 on every route.
  Actor Authenticate(const HTTPServerRequest& request) {
    if (!request.has("Authorization")) return Actor{};
    const std::string& value = request.get("Authorization");
    static const std::string kBearer = "bearer ";
    if (value.size() <= kBearer.size() ||
        Poco::icompare(value.substr(0, kBearer.size()), kBearer) != 0) {
      throw Problem(ProblemKind::kUnauthorized,
                    "Authorization 须为 Bearer 令牌 / the Authorization header must be a Bearer "
                    "token");
    }
    std::optional<Actor> actor =
        context_->tokens->Authenticate(Poco::trim(value.substr(kBearer.size())));
    if (!actor) {
      throw Problem(ProblemKind::kUnauthorized, "令牌无效或已吊销 / unknown or revoked token");
    }
    return *actor;
  }

  void RequireToken() const {
    if (actor_.role == Role::kPublic) {
      throw Problem(ProblemKind::kUnauthorized,
                    "此资源需要访问令牌 / this resource needs a bearer token");
    }
  }

  [[noreturn]] void Forbid(const std::string& what_zh, const std::string& what_en) const {
    throw Problem(ProblemKind::kForbidden, std::string("角色 ") + RoleName(actor_.role) + " " +
                                               what_zh + " / the role " + RoleName(actor_.role) +
                                               " " + what_en);
  }

  void RequireSeesEverything() const {
    RequireToken();
    if (!SeesEverything(actor_.role)) Forbid("无权查看全市数据", "may not see the city's data");
  }

  // Unknown records and records the caller may not see answer alike (404), so that record ids
  // do not disclose other parties' filings.
  archive::DocumentRecord VisibleRecordOr404(const std::string& id) {
    archive::DocumentRecord record = RecordOr404(id);
    bool visible = false;
    context_->pilot->Read(
        [&](const Engine& engine) { visible = MayReadRecord(actor_, record, engine); });
    if (!visible) {
      RequireToken();
      throw Problem(ProblemKind::kNotFound, "没有编号为 " + id + " 的文件 / no record " + id);
    }
    return record;
  }

  // ---- The workflow --------------------------------------------------------------------------

  void SendSubmitResult(const SubmitResult& result, HTTPServerResponse& response) {
    if (!result.decision.accepted) {
      const Decision& d = result.decision;
      std::ostringstream extra;
      extra << "\"articleZh\":";
      Poco::JSON::Stringifier::formatString(d.article_zh, extra, Poco::JSON_WRAP_STRINGS);
      extra << ",\"articleEn\":";
      Poco::JSON::Stringifier::formatString(d.article_en, extra, Poco::JSON_WRAP_STRINGS);
      throw Problem(ProblemKind::kRefused,
                    d.article_zh + "：" + d.message_zh + " / " + d.article_en + ": " + d.message_en,
                    ToJson(DecisionJson(d)), extra.str());
    }
    response.set("Location", "/api/v1/documents/" + result.record_id);
    SendBody(response, HTTPResponse::HTTP_CREATED, kJson, ToJson(SubmitResultJson(result)));
  }

  // POST /api/v1/transitions: a signed document that moves a lifecycle.
  void Transition(HTTPServerRequest& request, HTTPServerResponse& response) {
    std::string pdf = ReadPdf(request);
    CheckAgainstPrepared(request, pdf);
    SendSubmitResult(context_->pilot->Submit(pdf, actor_), response);
  }

  // POST /api/v1/prepare: form XML → the prepared PDF (empty signature fields) the signer signs
  // on their own machine; its id (the SHA-256 of the bytes) goes back with the signed upload
  // as ?prepared=ID. The service keeps the bytes; it never sees the signer's key.
  void Prepare(HTTPServerRequest& request, HTTPServerResponse& response) {
    RequireToken();
    std::string xml = ReadXml(request);
    PreparedForm prepared = context_->prepared->Prepare(xml);
    if (!prepared.report.ok()) {
      throw Problem(ProblemKind::kNotAForm, "表单未通过校验 / the form does not validate:\n" +
                                                forms::FormatFindings(prepared.report));
    }
    response.set("Location", "/api/v1/transitions?prepared=" + prepared.id);
    response.set("X-Sealflow-Prepared", prepared.id);
    SendBody(response, HTTPResponse::HTTP_CREATED, "application/pdf", prepared.pdf);
  }

  // With ?prepared=ID, the upload must be exactly that prepared PDF plus one signature
  // (电子签名法 §13: the signer kept the key; nothing else changed on the way).
  void CheckAgainstPrepared(HTTPServerRequest& request, const std::string& pdf) {
    const std::string id = QueryParameter(request, "prepared");
    if (id.empty()) return;
    std::optional<std::string> prepared = context_->prepared->Find(id);
    if (!prepared) {
      throw Problem(ProblemKind::kNotFound,
                    "没有编号为 " + id + " 的待签文件 / no prepared document " + id);
    }
    signing::UploadCheck check = signing::CheckSignedUpload(*prepared, pdf);
    if (!check.accepted) {
      throw Problem(
          ProblemKind::kNotPrepared,
          "上传的文件不是待签文件加一个签名 / the upload is not the prepared document plus "
          "one signature: " +
              check.reason);
    }
  }

  std::string ReadXml(HTTPServerRequest& request) {
    RequireMedia(request, {{"application", "xml"}, {"text", "xml"}},
                 "请求正文须为 application/xml / the body must be application/xml");
    // The validator's own limit.
    return ReadBoundedBody(request, 16u << 20, "XML 超过 16 MiB / the XML exceeds 16 MiB");
  }

  // POST /api/v1/notices: the bureau's notice from a JSON request (notices.h).
  void IssueNotice(HTTPServerRequest& request, HTTPServerResponse& response) {
    RequireToken();
    if (actor_.role != Role::kBureau) Forbid("不能发布通知", "may not issue notices");
    std::string json = ReadJson(request);
    NoticeRequest notice = NoticeRequestFromJson(json);  // FactsError -> 422
    SendSubmitResult(context_->pilot->IssueNotice(notice, actor_), response);
  }

  // A JSON body of at most 1 MiB.
  std::string ReadJson(HTTPServerRequest& request) {
    RequireMedia(request, {{"application", "json"}},
                 "请求正文须为 application/json / the body must be application/json");
    return ReadBoundedBody(request, 1u << 20, "JSON 超过 1 MiB / the JSON exceeds 1 MiB");
  }

  void RequireMedia(const HTTPServerRequest& request,
                    std::initializer_list<std::pair<const char*, const char*>> accepted,
                    const std::string& message) {
    Poco::Net::MediaType media(request.getContentType().empty() ? "application/octet-stream"
                                                                : request.getContentType());
    for (const auto& [type, subtype] : accepted) {
      if (media.matches(type, subtype)) return;
    }
    throw Problem(ProblemKind::kUnsupportedMedia, message);
  }

  // A small body read whole, refused (413) beyond `limit` without reading on.
  std::string ReadBoundedBody(HTTPServerRequest& request, std::size_t limit,
                              const std::string& too_large) {
    if (request.hasContentLength() && request.getContentLength64() > Poco::Int64(limit)) {
      throw Problem(ProblemKind::kTooLarge, too_large);
    }
    LimitedStreamBuf limited(request.stream(), limit);
    std::istream in(&limited);
    std::string body;
    char chunk[16384];
    while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
      body.append(chunk, static_cast<std::size_t>(in.gcount()));
    }
    if (limited.exceeded()) throw Problem(ProblemKind::kTooLarge, too_large);
    if (limited.source_failed()) {
      throw Problem(ProblemKind::kBadRequest, "请求正文不完整 / the request body is incomplete");
    }
    upload_.body_drained = true;
    return body;
  }

  void SendItems(HTTPServerResponse& response, const Poco::JSON::Array::Ptr& items,
                 const std::string& on = "") {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    if (!on.empty()) body->set("on", on);
    body->set("items", items);
    SendBody(response, HTTPResponse::HTTP_OK, kJson, ToJson(body));
  }

  void Providers(HTTPServerResponse& response) {
    RequireToken();
    if (!SeesEverything(actor_.role) && actor_.role != Role::kProvider) {
      Forbid("不能查看服务商状态", "may not see providers' state");
    }
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
    context_->pilot->Read([&](const Engine& engine) {
      for (const auto& [code, provider] : engine.providers()) {
        if (SeesEverything(actor_.role) || code == actor_.org_code) {
          items->add(ProviderJson(provider));
        }
      }
    });
    SendItems(response, items);
  }

  void ProviderByCode(const std::string& code, HTTPServerResponse& response) {
    RequireToken();
    if (!SeesEverything(actor_.role) &&
        !(actor_.role == Role::kProvider && actor_.org_code == code)) {
      Forbid("不能查看其他服务商的状态", "may not see another provider's state");
    }
    Poco::JSON::Object::Ptr body;
    context_->pilot->Read([&](const Engine& engine) {
      if (const Provider* provider = engine.FindProvider(code)) body = ProviderJson(*provider);
    });
    if (!body) throw Problem(ProblemKind::kNotFound, "没有该服务商 / no provider " + code);
    SendBody(response, HTTPResponse::HTTP_OK, kJson, ToJson(body));
  }

  void Projects(HTTPServerResponse& response) {
    RequireToken();
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
    context_->pilot->Read([&](const Engine& engine) {
      for (const auto& [code, project] : engine.projects()) {
        if (MaySeeEnterprise(actor_, code, engine)) items->add(ProjectJson(project));
      }
    });
    SendItems(response, items);
  }

  void ProjectByCode(const std::string& code, HTTPServerResponse& response) {
    RequireToken();
    Poco::JSON::Object::Ptr body;
    bool allowed = false;
    context_->pilot->Read([&](const Engine& engine) {
      allowed = MaySeeEnterprise(actor_, code, engine);
      const Project* project = engine.FindProject(code);
      if (allowed && project != nullptr) body = ProjectJson(*project);
    });
    if (!allowed) Forbid("不能查看该企业的项目", "may not see this enterprise's project");
    if (!body) throw Problem(ProblemKind::kNotFound, "没有该企业的项目 / no project for " + code);
    SendBody(response, HTTPResponse::HTTP_OK, kJson, ToJson(body));
  }

  void Deadlines(HTTPServerResponse& response) {
    RequireToken();
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
    context_->pilot->Read([&](const Engine& engine) {
      for (const Deadline& deadline : engine.PendingDeadlines()) {
        if (MaySeeDeadline(actor_, deadline, engine)) items->add(DeadlineJson(deadline));
      }
    });
    SendItems(response, items, FormatDate(context_->pilot->Today()));
  }

  // The ratings the engine would publish today (Art. 14), before the bureau's notice.
  void ProposedRatings(HTTPServerResponse& response) {
    RequireToken();
    if (!SeesEverything(actor_.role) && actor_.role != Role::kProvider) {
      Forbid("不能查看拟评级结果", "may not see proposed ratings");
    }
    const Date today = context_->pilot->Today();
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
    context_->pilot->Read([&](const Engine& engine) {
      for (const auto& [code, rating] : engine.ProposeRatings(today)) {
        if (SeesEverything(actor_.role) || code == actor_.org_code) {
          items->add(RatingJson(code, rating));
        }
      }
    });
    SendItems(response, items, FormatDate(today));
  }

  void Dashboard(HTTPServerResponse& response) {
    RequireSeesEverything();
    SendBody(response, HTTPResponse::HTTP_OK, kJson,
             context_->pilot->Dashboard(context_->pilot->Today()));
  }

  // ---- Public --------------------------------------------------------------------------------

  static bool PubliclyListed(const Provider& provider) {
    return provider.state == ProviderState::kListed || provider.state == ProviderState::kWarned;
  }

  void PublicProviders(HTTPServerResponse& response) {
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
    context_->pilot->Read([&](const Engine& engine) {
      for (const auto& [code, provider] : engine.providers()) {
        if (PubliclyListed(provider)) items->add(PublicProviderJson(provider));
      }
    });
    SendItems(response, items);
  }

  // Every published rating (the bureau's rating notices), by provider.
  void PublicRatings(HTTPServerResponse& response) {
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
    context_->pilot->Read([&](const Engine& engine) {
      for (const auto& [code, provider] : engine.providers()) {
        for (const Rating& rating : provider.ratings) {
          Poco::JSON::Object::Ptr item = RatingJson(code, rating);
          item->set("providerName", provider.name);
          items->add(item);
        }
      }
    });
    SendItems(response, items);
  }

  // The bureau's notices in the archive, oldest first, paged like the document search.
  void PublicNotices(HTTPServerRequest& request, HTTPServerResponse& response) {
    archive::SearchQuery query;
    query.form_type = "notice";
    query.cursor = QueryParameter(request, "cursor");
    std::string limit = QueryParameter(request, "limit");
    if (!limit.empty()) {
      if (limit.size() > 6 || limit.find_first_not_of("0123456789") != std::string::npos) {
        throw Problem(ProblemKind::kBadRequest,
                      "limit 须为 1 到 500 的整数 / limit must be 1..500");
      }
      query.limit = static_cast<std::size_t>(std::stoul(limit));
    }
    archive::SearchPage page = store_.Search(query);
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
    for (const archive::DocumentRecord& record : page.records) {
      Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      item->set("id", record.id);
      item->set("documentId", record.document_id);
      item->set("subject", record.party_name);
      item->set("subjectCode", record.party_code);
      item->set("sha256", record.sha256);
      item->set("storedAt", record.stored_at);
      item->set("pdf", "/api/v1/public/notices/" + record.id + "/pdf");
      items->add(item);
    }
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("items", items);
    body->set("nextCursor", page.next_cursor.empty() ? Poco::Dynamic::Var()
                                                     : Poco::Dynamic::Var(page.next_cursor));
    SendBody(response, HTTPResponse::HTTP_OK, kJson, ToJson(body));
  }

  void PublicNoticePdf(const std::string& id, HTTPServerResponse& response) {
    std::optional<archive::DocumentRecord> record = store_.Get(id);
    if (!record || record->form_type != "notice") {
      throw Problem(ProblemKind::kNotFound, "没有编号为 " + id + " 的通知 / no notice " + id);
    }
    std::string bytes = store_.ReadBytes(*record);
    response.set("Content-Disposition", "attachment; filename=\"" + record->id + ".pdf\"");
    SendBody(response, HTTPResponse::HTTP_OK, "application/pdf", bytes);
  }

  void Health(HTTPServerResponse& response) {
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("status", "ok");
    body.set("documents", static_cast<Poco::UInt64>(store_.Count()));
    std::ostringstream out;
    body.stringify(out);
    SendBody(response, HTTPResponse::HTTP_OK, kJson, out.str());
  }

  // The body, which must at least look like a PDF.
  std::string ReadPdf(HTTPServerRequest& request) {
    std::string pdf = ReadUpload(request, context_->options.max_upload_bytes, upload_);
    if (pdf.compare(0, 5, "%PDF-") != 0) {
      throw Problem(ProblemKind::kNotPdf,
                    "正文不以 %PDF- 开头 / the body does not start with %PDF-");
    }
    return pdf;
  }

  // Verification shared by upload and verify: a report for anything that parses as a PDF.
  signing::VerificationReport VerifyPdf(const std::string& pdf) {
    signing::VerificationReport report = context_->verifier->Verify(pdf);
    if (!report.is_pdf) {
      throw Problem(ProblemKind::kNotPdf, "无法解析 PDF / the PDF cannot be parsed",
                    report.ToJson());
    }
    return report;
  }

  // Verify, read the form, validate it, store: nothing is stored unless every check passes.
  void Upload(HTTPServerRequest& request, HTTPServerResponse& response) {
    RequireToken();
    std::string pdf = ReadPdf(request);
    CheckAgainstPrepared(request, pdf);
    signing::VerificationReport report = VerifyPdf(pdf);
    if (report.signatures.empty()) {
      throw Problem(ProblemKind::kUnsigned, "PDF 中没有签名 / the PDF has no signature",
                    report.ToJson());
    }
    if (report.verdict != signing::Verdict::kValid) {
      throw Problem(ProblemKind::kSignatureNotValid,
                    std::string("签名验证结果为 ") + signing::VerdictName(report.verdict) +
                        " / signature verification gave " + signing::VerdictName(report.verdict),
                    report.ToJson());
    }
    forms::FormInfo info = forms::InspectPdf(pdf);  // FormsError -> 422 (see translation above)
    if (!SeesEverything(actor_.role)) {
      // Providers and enterprises file documents filed under them or signed by them.
      bool own = info.party_code == actor_.org_code;
      for (const signing::SignatureReport& signature : report.signatures) {
        own = own || signature.signer_serial_number == actor_.org_code;
      }
      if (!own)
        Forbid("只能存档本单位的或本单位签署的文件",
               "may only file its own or documents it signed");
    }
    forms::ValidationReport validation = context_->validator->Validate(info.source_xml);
    if (!validation.ok()) {
      throw Problem(ProblemKind::kNotAForm,
                    "内嵌表单未通过校验 / the embedded form does not validate:\n" +
                        forms::FormatFindings(validation));
    }
    // The four properties (DA/T 70-2018) at ingest, from what is established above and one scan
    // of the bytes: an archive takes in only what its own on-demand check would pass.
    archive::RecordProperties four = archive::CheckIncoming(pdf, report, {});
    if (!four.ok()) {
      std::string detail = "不符合电子文件四性要求 / fails the four properties (DA/T 70-2018):";
      for (archive::Property property : archive::kAllProperties) {
        for (const std::string& finding : four.findings[static_cast<std::size_t>(property)]) {
          detail += std::string("\n") + archive::PropertyNameZh(property) + " " +
                    archive::PropertyName(property) + ": " + finding;
        }
      }
      throw Problem(ProblemKind::kNotArchivable, detail);
    }

    archive::NewDocument meta;
    meta.form_type = info.form_type;
    meta.document_id = info.document_id;
    meta.party_kind = info.party_kind;
    meta.party_code = info.party_code;
    meta.party_name = info.party_name;
    meta.phase = PhaseFor(info);
    for (const signing::SignatureReport& signature : report.signatures) {
      meta.signers.push_back(signature.signer_subject);
    }
    meta.verdict = signing::VerdictName(report.verdict);
    meta.supersedes = QueryParameter(request, "supersedes");
    meta.actor = "http " + request.clientAddress().host().toString() + " " + RoleName(actor_.role) +
                 " " + actor_.org_code;
    archive::DocumentRecord record = store_.Put(pdf, meta);

    response.set("Location", "/api/v1/documents/" + record.id);
    SendBody(response, HTTPResponse::HTTP_CREATED, kJson, archive::RecordToJson(record));
  }

  void VerifyOnly(HTTPServerRequest& request, HTTPServerResponse& response) {
    std::string pdf = ReadPdf(request);
    // Any verdict is an answer here, INVALID included: the report is the result.
    SendBody(response, HTTPResponse::HTTP_OK, kJson, VerifyPdf(pdf).ToJson());
  }

  archive::DocumentRecord RecordOr404(const std::string& id) {
    std::optional<archive::DocumentRecord> record = store_.Get(id);
    if (!record)
      throw Problem(ProblemKind::kNotFound, "没有编号为 " + id + " 的文件 / no record " + id);
    return *record;
  }

  void GetRecord(const std::string& id, HTTPServerResponse& response) {
    SendBody(response, HTTPResponse::HTTP_OK, kJson, archive::RecordToJson(VisibleRecordOr404(id)));
  }

  void GetPdf(const std::string& id, HTTPServerResponse& response) {
    archive::DocumentRecord record = VisibleRecordOr404(id);
    std::string bytes = store_.ReadBytes(record);
    response.set("Content-Disposition", "attachment; filename=\"" + record.id + ".pdf\"");
    SendBody(response, HTTPResponse::HTTP_OK, "application/pdf", bytes);
  }

  static std::string QueryParameter(const HTTPServerRequest& request, const std::string& name) {
    try {
      for (const auto& [key, value] : Poco::URI(request.getURI()).getQueryParameters()) {
        if (key == name) return value;
      }
    } catch (const Poco::SyntaxException& e) {
      throw Problem(ProblemKind::kBadRequest, "查询参数无效 / malformed query: " + e.displayText());
    }
    return std::string();
  }

  // GET /api/v1/documents?party=&formType=&phase=&from=&to=&q=&limit=&cursor=
  void Search(HTTPServerRequest& request, HTTPServerResponse& response) {
    RequireToken();
    archive::SearchQuery query;
    query.party_code = QueryParameter(request, "party");
    if (!SeesEverything(actor_.role)) {
      // A provider or enterprise searches its own file (the default) or, for a provider, the
      // file of an enterprise it serves.
      if (query.party_code.empty()) query.party_code = actor_.org_code;
      bool allowed = query.party_code == actor_.org_code;
      if (!allowed && actor_.role == Role::kProvider) {
        context_->pilot->Read([&](const Engine& engine) {
          allowed = MaySeeEnterprise(actor_, query.party_code, engine);
        });
      }
      if (!allowed) Forbid("不能检索其他单位的档案", "may not search another party's file");
    }
    query.form_type = QueryParameter(request, "formType");
    std::string phase = QueryParameter(request, "phase");
    if (!phase.empty()) {
      query.phase = archive::ParsePhase(phase);
      if (!query.phase) {
        throw Problem(ProblemKind::kBadRequest,
                      "未知阶段 / unknown phase " + phase + " (provider, before, during, after)");
      }
    }
    query.from = QueryParameter(request, "from");
    query.to = QueryParameter(request, "to");
    query.name_contains = QueryParameter(request, "q");
    query.cursor = QueryParameter(request, "cursor");
    std::string limit = QueryParameter(request, "limit");
    if (!limit.empty()) {
      if (limit.size() > 6 || limit.find_first_not_of("0123456789") != std::string::npos) {
        throw Problem(ProblemKind::kBadRequest,
                      "limit 须为 1 到 500 的整数 / limit must be 1..500");
      }
      query.limit = static_cast<std::size_t>(std::stoul(limit));
    }
    archive::SearchPage page = store_.Search(query);  // kArgument -> 400
    std::string body = "{\"items\":[";
    for (std::size_t i = 0; i < page.records.size(); ++i) {
      if (i != 0) body += ",";
      body += archive::RecordToJson(page.records[i]);
    }
    body += "],\"nextCursor\":";
    body += page.next_cursor.empty() ? "null" : "\"" + page.next_cursor + "\"";
    body += "}";
    SendBody(response, HTTPResponse::HTTP_OK, kJson, body);
  }

  // The dossier tree by phase, each record re-verified now (fixity of the blob, signatures).
  void RequireEnterpriseVisible(const std::string& code) {
    RequireToken();
    bool allowed = false;
    context_->pilot->Read(
        [&](const Engine& engine) { allowed = MaySeeEnterprise(actor_, code, engine); });
    if (!allowed) Forbid("不能查看该企业的档案", "may not see this enterprise's dossier");
  }

  void Dossier(const std::string& code, HTTPServerResponse& response) {
    RequireEnterpriseVisible(code);
    std::vector<archive::DocumentRecord> records = store_.ListParty("enterprise", code);
    if (records.empty()) {
      throw Problem(ProblemKind::kNotFound,
                    "该企业没有存档记录 / no records for enterprise " + code);
    }
    std::map<std::string, std::string> superseded_by;
    for (const auto& record : records) {
      if (!record.supersedes.empty()) superseded_by[record.supersedes] = record.id;
    }
    Poco::JSON::Object phases(Poco::JSON_PRESERVE_KEY_ORDER);
    for (archive::Phase phase :
         {archive::Phase::kBefore, archive::Phase::kDuring, archive::Phase::kAfter}) {
      Poco::JSON::Array::Ptr list = new Poco::JSON::Array();
      for (const auto& record : records) {
        if (record.phase != phase) continue;
        list->add(DossierEntry(record, superseded_by));
      }
      phases.set(archive::PhaseName(phase), list);
    }
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("creditCode", code);
    body.set("name", records.back().party_name);
    body.set("records", static_cast<Poco::UInt64>(records.size()));
    body.set("phases", phases);
    std::ostringstream out;
    body.stringify(out);
    SendBody(response, HTTPResponse::HTTP_OK, kJson, out.str());
  }

  Poco::JSON::Object::Ptr DossierEntry(const archive::DocumentRecord& record,
                                       const std::map<std::string, std::string>& superseded_by) {
    Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    entry->set("id", record.id);
    entry->set("formType", record.form_type);
    entry->set("documentId", record.document_id);
    entry->set("sha256", record.sha256);
    Poco::JSON::Array::Ptr signers = new Poco::JSON::Array();
    for (const std::string& signer : record.signers) signers->add(signer);
    entry->set("signers", signers);
    entry->set("verdict", record.verdict);
    entry->set("storedAt", record.stored_at);
    entry->set("supersedes", record.supersedes);
    auto by = superseded_by.find(record.id);
    entry->set("supersededBy", by == superseded_by.end() ? std::string() : by->second);
    Poco::JSON::Object::Ptr status = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    try {
      std::string bytes = store_.ReadBytes(record);
      status->set("fixity", "ok");
      status->set("verdict",
                  std::string(signing::VerdictName(context_->verifier->Verify(bytes).verdict)));
    } catch (const archive::ArchiveError& e) {
      // A damaged original is reported in the tree, not as a failed request.
      status->set("fixity",
                  e.code() == archive::ArchiveErrorCode::kNotFound ? "missing" : "corrupt");
      status->set("verdict", std::string(signing::VerdictName(signing::Verdict::kInvalid)));
    }
    entry->set("verification", status);
    return entry;
  }

  // Streamed (chunked): the package is never held in memory.
  void DossierZip(const std::string& code, HTTPServerRequest& request,
                  HTTPServerResponse& response) {
    RequireEnterpriseVisible(code);
    if (store_.ListParty("enterprise", code).empty()) {
      throw Problem(ProblemKind::kNotFound,
                    "该企业没有存档记录 / no records for enterprise " + code);
    }
    archive::DossierExportOptions options;
    options.verifier = context_->verifier.get();
    options.clock = context_->options.clock;
    response.setStatus(HTTPResponse::HTTP_OK);
    response.setContentType("application/zip");
    response.set("Content-Disposition", "attachment; filename=\"dossier-" + code + ".zip\"");
    response.setChunkedTransferEncoding(true);
    std::ostream& out = response.send();
    try {
      archive::ExportDossier(store_, code, out, options);
    } catch (...) {
      // Headers are gone: the only honest signal left is a body without its last chunk, so
      // cut the connection before Poco writes the terminating chunk on the way out.
      response.setKeepAlive(false);
      try {
        static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket().shutdown();
      } catch (const Poco::Exception&) {
        // Already gone.
      }
      throw;
    }
  }

  std::shared_ptr<const ServiceContext> context_;
  archive::DocumentStore& store_;
  UploadState upload_;
  std::string allowed_;  // the route's method, for 405's Allow header
  Actor actor_;          // the caller (public until authenticated)
};

}  // namespace

Poco::Net::HTTPRequestHandler* ApiHandlerFactory::createRequestHandler(
    const Poco::Net::HTTPServerRequest&) {
  return new ApiHandler(context_);
}

}  // namespace sealflow::workflow
