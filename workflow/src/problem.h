// Copyright sealflow authors.
// RFC 9457 problem details. Every error response of the service is built here, and every HTTP
// status code is chosen in one place: StatusFor().
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace sealflow::workflow {

enum class ProblemKind {
  kNotFound,           // 404
  kMethodNotAllowed,   // 405
  kNotPdf,             // 400: body is not a PDF
  kUnsigned,           // 400: PDF without a signature
  kBadRequest,         // 400: malformed request (e.g. multipart without a file part)
  kTooLarge,           // 413
  kUnsupportedMedia,   // 415
  kSignatureNotValid,  // 422: verification INVALID / INDETERMINATE
  kNotAForm,           // 422: signed PDF without valid embedded form XML
  kInvalidSupersedes,  // 422: supersedes names no record, or one of another party / form type
  kConflict,           // 409: the record named by supersedes is already superseded
  kUnauthorized,       // 401: no token where one is needed, or an unknown/revoked token
  kForbidden,          // 403: the caller's role or organisation may not do this
  kRefused,            // 409: the measures forbid the transition (names the article)
  kNoEvent,            // 422: a valid form that carries no workflow event
  kInvalidNotice,      // 422: a notice request that cannot make a valid notice
  kNotPrepared,        // 422: ?prepared=ID upload that is not those bytes plus one signature
  kNotArchivable,      // 422: fails the four properties at ingest (DA/T 70-2018)
  kInternal,           // 500
};

int StatusFor(ProblemKind kind);

// application/problem+json body: type, title (Chinese / English), status, detail, and an optional
// pre-serialised JSON value placed under "report" (e.g. the verification report).
// `extra_members`: pre-serialised members appended after "detail" (e.g. "\"articleZh\":\"…\"").
std::string ProblemJson(ProblemKind kind, const std::string& detail,
                        const std::string& report_json = "", const std::string& extra_members = "");

// Thrown by request handling for an answer that is a problem; the one translation point
// (ApiHandler) turns it, and every other exception, into a problem+json response.
class Problem : public std::runtime_error {
 public:
  Problem(ProblemKind kind, const std::string& detail, std::string report_json = "",
          std::string extra_members = "")
      : std::runtime_error(detail),
        kind_(kind),
        report_json_(std::move(report_json)),
        extra_members_(std::move(extra_members)) {}
  ProblemKind kind() const noexcept { return kind_; }
  std::string detail() const { return what(); }
  const std::string& report_json() const noexcept { return report_json_; }
  const std::string& extra_members() const noexcept { return extra_members_; }

 private:
  ProblemKind kind_;
  std::string report_json_;
  std::string extra_members_;
};

}  // namespace sealflow::workflow
