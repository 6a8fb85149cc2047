// Copyright sealflow authors.
#include "api_handler.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>

#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include "archive/error.h"
#include "filing.h"
#include "forms/error.h"
#include "forms/inspect.h"
#include "problem.h"
#include "signing/error.h"
#include "upload.h"

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
  } catch (const archive::ArchiveError& e) {
    if (e.code() == archive::ArchiveErrorCode::kNotFound) {
      return Problem(ProblemKind::kNotFound, "存档中没有该文件 / not in the archive");
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
      SendProblem(response, problem);
    }
  }

 private:
  void SendProblem(HTTPServerResponse& response, const Problem& problem) {
    // An unread body would be parsed as the next request: close instead.
    if (!upload_.body_drained) response.setKeepAlive(false);
    if (problem.kind() == ProblemKind::kMethodNotAllowed && !allowed_.empty()) {
      response.set("Allow", allowed_);
    }
    SendBody(response, static_cast<HTTPResponse::HTTPStatus>(StatusFor(problem.kind())),
             kProblemJson, ProblemJson(problem.kind(), problem.detail(), problem.report_json()));
  }

  // Each route takes one method; anything else is 405 with an Allow header.
  void RequireMethod(const HTTPServerRequest& request, const std::string& allowed) {
    allowed_ = allowed;
    if (request.getMethod() == allowed) return;
    throw Problem(ProblemKind::kMethodNotAllowed,
                  request.getMethod() + " 不适用于此资源 / not allowed here; use " + allowed);
  }

  void Route(HTTPServerRequest& request, HTTPServerResponse& response) {
    const std::vector<std::string> path = PathSegments(request.getURI());
    std::string id;
    if (Matches(path, {"healthz"})) {
      RequireMethod(request, HTTPRequest::HTTP_GET);
      return Health(response);
    }
    if (Matches(path, {"api", "v1", "documents"})) {
      RequireMethod(request, HTTPRequest::HTTP_POST);
      return Upload(request, response);
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
      return VerifyOnly(request, response);
    }
    throw Problem(ProblemKind::kNotFound, "没有这个资源 / no such resource: " + request.getURI());
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
    std::string pdf = ReadPdf(request);
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
    forms::ValidationReport validation = context_->validator->Validate(info.source_xml);
    if (!validation.ok()) {
      throw Problem(ProblemKind::kNotAForm,
                    "内嵌表单未通过校验 / the embedded form does not validate:\n" +
                        forms::FormatFindings(validation));
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
    SendBody(response, HTTPResponse::HTTP_OK, kJson, archive::RecordToJson(RecordOr404(id)));
  }

  void GetPdf(const std::string& id, HTTPServerResponse& response) {
    archive::DocumentRecord record = RecordOr404(id);
    std::string bytes = store_.ReadBytes(record);
    response.set("Content-Disposition", "attachment; filename=\"" + record.id + ".pdf\"");
    SendBody(response, HTTPResponse::HTTP_OK, "application/pdf", bytes);
  }

  std::shared_ptr<const ServiceContext> context_;
  archive::DocumentStore& store_;
  UploadState upload_;
  std::string allowed_;  // the route's method, for 405's Allow header
};

}  // namespace

Poco::Net::HTTPRequestHandler* ApiHandlerFactory::createRequestHandler(
    const Poco::Net::HTTPServerRequest&) {
  return new ApiHandler(context_);
}

}  // namespace sealflow::workflow
