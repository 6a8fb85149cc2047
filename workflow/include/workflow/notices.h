// Copyright sealflow authors.
// The bureau's notices (通知公告): a request as the API receives it (JSON) and the schema-valid
// `notice` form XML generated from it (xml-schemas/notice.xsd), ready to render, sign with the
// bureau's key and submit like any other form.
//
// Contract:
// * NoticeRequestFromJson accepts a JSON object (at most 1 MiB; below) and throws FactsError
//   (workflow/facts.h) naming the member at fault, e.g. "providers[1].creditCode", in Chinese
//   and English. It checks what the schema and notice rules would refuse (credit-code check
//   characters, dates, grounds 1–6 / 1–5, stars 0–3, one provider for warnings and
//   disqualifications, the follows a disqualification or report response needs, …) so a
//   request that parses renders.
// * NoticeXml fills what the request leaves out (title, addressees, body paragraphs, the
//   document number 新工信〔year〕N号 with N the serial of `document_id`, the objection period
//   from issued_on + EngineOptions::objection_days, …) and returns the XML. `document_id` must
//   match NTC-YYYY-NNNN[NN] with YYYY the year of issued_on; otherwise FactsError.
// * Pure functions; thread-safe.
//
// JSON (members in camelCase; dates "YYYY-MM-DD"; only "kind" and "providers" are always
// required):
//   { "kind": "listing" | "rating" | "warning" | "disqualification" | "acceptance-batch" |
//             "report-response",
//     "title": "…", "addressees": ["…"], "paragraphs": ["…"],
//     "providers": [{"creditCode": "…", "name": "…", "subIndustries": ["起重装备"],
//                    "enterprisesServed": 3, "satisfactionRate": 86.7, "stars": 2,
//                    "enterprises": ["…"]}],
//     "follows": [{"formType": "satisfaction", "documentId": "…", "sha256": "…"}],
//     "batch": "第一批", "objectionStart": "…", "objectionEnd": "…",            // listing
//     "period": "2026-Q2", "round": "第一次评级", "ratingDate": "…", "method": "…",  // rating
//     "ground": 4, "facts": "…", "requirements": "…", "rectificationDeadline": "…", // warning
//     "fees": "withheld" | "partly-deducted" | "paid", "deductedAmount": "1000.00",  // disq.
//     "batchNumber": 2, "submissionDeadline": "…", "acceptanceStart": "…",
//     "acceptanceEnd": "…", "place": "…", "materials": ["…"],               // acceptance-batch
//     "allegation": "…", "requiredMaterials": ["…"], "responseDeadline": "…",  // report-resp.
//     "contact": {"name": "…", "phone": "…"}, "copyTo": ["…"] }
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workflow/facts.h"
#include "workflow/lifecycle.h"

namespace sealflow::workflow {

enum class NoticeKind {
  kListing,           // 服务商名单公示 (Art. 9) → ListingNotice
  kRating,            // 评星评级结果 (Art. 14) → RatingNotice
  kWarning,           // 警告并限期整改 (Art. 15) → WarningNotice
  kDisqualification,  // 取消服务商资格 (Art. 16) → DisqualificationDecision
  kAcceptanceBatch,   // 竣工验收批次通知 (Art. 12(4)); no engine event
  kReportResponse,    // 举报核查，要求回复 (Art. 18); no engine event
};
// "listing", "rating", "warning", "disqualification", "acceptance-batch", "report-response".
const char* NoticeKindName(NoticeKind kind);
std::optional<NoticeKind> ParseNoticeKind(std::string_view name);

struct NoticeProvider {
  std::string credit_code;
  std::string name;
  std::vector<std::string> sub_industries;  // listing (required there)
  std::optional<int> enterprises_served;    // rating
  std::optional<double> satisfaction_rate;  // rating, percent with one decimal
  std::optional<int> stars;                 // rating, 0..3
  std::vector<std::string> enterprises;     // acceptance batch
};

struct NoticeFollows {
  std::string form_type;
  std::string document_id;
  std::string sha256;  // of the document followed (hex)
};

struct NoticeRequest {
  NoticeKind kind = NoticeKind::kListing;
  std::string title;                    // "" → generated from the kind and providers
  std::vector<std::string> addressees;  // empty → the providers (listing/rating: 各有关单位)
  std::vector<std::string> paragraphs;  // empty → a generated opening paragraph
  std::vector<NoticeProvider> providers;
  std::vector<NoticeFollows> follows;
  // listing
  std::string batch;  // "" → 第一批
  std::optional<Date> objection_start;
  std::optional<Date> objection_end;
  // rating
  std::string period;  // e.g. "2026-Q2" (the engine's rating period; required)
  std::string round;   // "" → "<period> 评级"
  std::optional<Date> rating_date;
  std::string method;  // "" → the Art. 14 thresholds in words
  // warning and disqualification
  int ground = 0;
  std::string facts;
  std::string requirements;  // warning; "" → generated
  std::optional<Date> rectification_deadline;
  std::string fees = "withheld";  // disqualification
  std::optional<Fen> deducted_amount;
  // acceptance batch
  int batch_number = 0;
  std::optional<Date> submission_deadline;
  std::optional<Date> acceptance_start;
  std::optional<Date> acceptance_end;
  std::string place;
  std::vector<std::string> materials;
  // report response
  std::string allegation;
  std::vector<std::string> required_materials;
  std::optional<Date> response_deadline;
  // 附注 and 抄送
  std::string contact_name;
  std::string contact_phone;
  std::vector<std::string> copy_to;
};

// Throws FactsError (element: the JSON member path).
NoticeRequest NoticeRequestFromJson(std::string_view json);

// Schema-valid `notice` XML. Throws FactsError for a request that cannot make a valid notice.
std::string NoticeXml(const NoticeRequest& request, const std::string& document_id, Date issued_on,
                      const EngineOptions& options = {});

// A rating notice for `period` with the stars the engine proposes on `on` for every listed
// provider (Engine::ProposeRatings), each provider's enterprises served and satisfaction rate.
NoticeRequest RatingNoticeRequest(const Engine& engine, Date on, const std::string& period);

}  // namespace sealflow::workflow
