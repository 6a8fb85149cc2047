// Copyright sealflow authors.
#include "problem.h"

#include <sstream>

#include <Poco/JSON/Stringifier.h>

namespace sealflow::workflow {
namespace {

struct ProblemInfo {
  const char* slug;
  const char* title;
};

ProblemInfo InfoFor(ProblemKind kind) {
  switch (kind) {
    case ProblemKind::kNotFound:
      return {"not-found", "未找到 / Not found"};
    case ProblemKind::kMethodNotAllowed:
      return {"method-not-allowed", "不支持的请求方法 / Method not allowed"};
    case ProblemKind::kNotPdf:
      return {"not-pdf", "上传内容不是 PDF 文件 / The body is not a PDF"};
    case ProblemKind::kUnsigned:
      return {"unsigned", "PDF 未签名 / The PDF carries no signature"};
    case ProblemKind::kBadRequest:
      return {"bad-request", "请求格式错误 / Malformed request"};
    case ProblemKind::kTooLarge:
      return {"too-large", "上传内容超过大小限制 / Upload exceeds the size limit"};
    case ProblemKind::kUnsupportedMedia:
      return {"unsupported-media-type", "不支持的内容类型 / Unsupported content type"};
    case ProblemKind::kSignatureNotValid:
      return {"signature-not-valid", "签名验证未通过 / Signature verification did not pass"};
    case ProblemKind::kNotAForm:
      return {"not-a-form", "不是有效的试点表单 / Not a valid pilot form"};
    case ProblemKind::kInvalidSupersedes:
      return {"invalid-supersedes", "被更正的记录无效 / The superseded record is not valid here"};
    case ProblemKind::kConflict:
      return {"conflict", "与存档现状冲突 / Conflicts with the archive's current state"};
    case ProblemKind::kUnauthorized:
      return {"unauthorized", "需要有效的访问令牌 / A valid bearer token is required"};
    case ProblemKind::kForbidden:
      return {"forbidden", "无权执行此操作 / Not allowed for this caller"};
    case ProblemKind::kRefused:
      return {"transition-refused",
              "管理办法不允许此流程变更 / The measures forbid this transition"};
    case ProblemKind::kNoEvent:
      return {"no-workflow-event", "表单不对应流程事件 / The form carries no workflow event"};
    case ProblemKind::kInvalidNotice:
      return {"invalid-notice", "通知内容无效 / The notice request is invalid"};
    case ProblemKind::kNotPrepared:
      return {"not-the-prepared-document",
              "不是待签文件加一个签名 / Not the prepared document plus one signature"};
    case ProblemKind::kNotArchivable:
      return {"not-archivable",
              "不符合电子文件四性要求 / Fails the four properties of an electronic record"};
    case ProblemKind::kInternal:
      return {"internal", "服务器内部错误 / Internal server error"};
  }
  return {"internal", "服务器内部错误 / Internal server error"};
}

std::string Quote(const std::string& s) {
  std::ostringstream out;
  Poco::JSON::Stringifier::formatString(s, out, Poco::JSON_WRAP_STRINGS);
  return out.str();
}

}  // namespace

int StatusFor(ProblemKind kind) {
  switch (kind) {
    case ProblemKind::kNotFound:
      return 404;
    case ProblemKind::kMethodNotAllowed:
      return 405;
    case ProblemKind::kNotPdf:
    case ProblemKind::kUnsigned:
    case ProblemKind::kBadRequest:
      return 400;
    case ProblemKind::kTooLarge:
      return 413;
    case ProblemKind::kUnsupportedMedia:
      return 415;
    case ProblemKind::kSignatureNotValid:
    case ProblemKind::kNotAForm:
    case ProblemKind::kInvalidSupersedes:
    case ProblemKind::kNoEvent:
    case ProblemKind::kInvalidNotice:
    case ProblemKind::kNotPrepared:
    case ProblemKind::kNotArchivable:
      return 422;
    case ProblemKind::kConflict:
    case ProblemKind::kRefused:
      return 409;
    case ProblemKind::kUnauthorized:
      return 401;
    case ProblemKind::kForbidden:
      return 403;
    case ProblemKind::kInternal:
      return 500;
  }
  return 500;
}

std::string ProblemJson(ProblemKind kind, const std::string& detail, const std::string& report_json,
                        const std::string& extra_members) {
  ProblemInfo info = InfoFor(kind);
  // Built by hand to keep RFC 9457's member order (type, title, status, detail).
  std::string body = "{\"type\":" + Quote(std::string("urn:sealflow:problem:") + info.slug) +
                     ",\"title\":" + Quote(info.title) +
                     ",\"status\":" + std::to_string(StatusFor(kind)) +
                     ",\"detail\":" + Quote(detail);
  if (!extra_members.empty()) body += "," + extra_members;
  if (!report_json.empty()) body += ",\"report\":" + report_json;
  body += "}";
  return body;
}

}  // namespace sealflow::workflow
