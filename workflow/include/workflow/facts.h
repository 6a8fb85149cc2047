// Copyright sealflow authors.
// From a signed form to the engine: the event a form carries (EventFromForm), the signatures it
// needs, and the figures the city dashboard reads from it.
//
// Contract:
// * Input is form XML that already validated against its schema and the forms' code rules (the
//   caller validates first: forms::Validator, or the source XML extracted from a VALID signed
//   PDF). Mapping still checks every field it reads and throws FactsError naming the element
//   (as a path from the root, e.g. "contract/signedOn") when a field is missing or cannot be
//   mapped, so that unvalidated input never yields a half-filled event.
// * One form carries at most one event. Which event:
//     application            → ProviderApplication
//     diagnostic-report      → DiagnosticReport (enterprise_confirmed = true: the form's
//                              required signatures include the enterprise's "enterprise" block,
//                              which the caller verifies before applying)
//     transformation-plan    → PlanFiling (plan_hash: `document_sha256`, the SHA-256 of the
//                              signed PDF as archived — what a contract's <follows sha256> and a
//                              plan decision's <planHash> name; required for this type; the split
//                              from <funding>)
//     change-filing          → ChangeFiling
//     contract               → ContractSigning (plan_hash from <follows formType=
//                              "transformation-plan">)
//     progress-report        → ProgressReport (earliest_work_date: the earliest milestone). Its
//                              <payments> are NOT mapped: one form carries one event, and a
//                              payment's own proof is the 付款记录 (decision kind "payment",
//                              signed by the enterprise that paid and the provider that was
//                              paid), mapped to PaymentRecord. The progress report's list is the
//                              provider's summary; forms' own rule already refuses a listed
//                              payment dated before the contract.
//     acceptance-application → AcceptanceApplication
//     acceptance-conclusion  → AcceptanceConclusion (a failed one: rectificationDeadline)
//     notice                 → listing: ListingNotice; rating: RatingNotice (period: the
//                              quarter of <ratingDate>, "2026-Q2"); warning:
//                              WarningNotice (source_document: its first <follows>);
//                              disqualification: DisqualificationDecision. acceptanceBatch and
//                              reportResponse notices carry no engine event (FactsError with
//                              code kNoEvent): the batch is announced, and the report's response
//                              deadline runs from the report itself (Art. 18).
//     satisfaction           → SatisfactionEvaluation
//     appeal                 → AppealFiling
//     report                 → RealNameReport
//     decision               → by its kind element: countyRecommendation, expertReview,
//                              meetingDecision, objectionDecision, detailsChange,
//                              materialsSubmission, rectification (of a warning), appealDecision,
//                              reportResponse, reportFinding, enrolment, planExpertReview,
//                              planDecision, payment, changeDecision, projectRectification,
//                              closure.
//   Every Event alternative except DeadlinePassed is carried by exactly one (form, kind).
// * Thread safety: the functions are pure and may be called from many threads.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "workflow/lifecycle.h"

namespace sealflow::workflow {

enum class FactsErrorCode {
  kMalformed,     // not well-formed XML, or the root is not the named form type
  kUnknownForm,   // the form type is not one the pilot knows
  kNoEvent,       // a valid form that carries no engine event (e.g. an acceptance-batch notice)
  kMissingField,  // an element or attribute the event needs is absent or empty
  kBadField,      // present but cannot be mapped (bad date, amount, number or enumeration)
};

// Thrown for input that cannot be mapped. what() is "中文 / English (element)".
struct FactsError : std::runtime_error {
  FactsError(FactsErrorCode code, std::string element, std::string message_zh,
             std::string message_en);
  FactsErrorCode code;
  std::string element;  // path from the root of the element (or "@attribute") at fault
  std::string message_zh;
  std::string message_en;
};

// The engine event the form carries. `document_sha256` (lowercase hex of the signed PDF) is
// needed for a transformation-plan only. Throws FactsError.
Event EventFromForm(const std::string& form_type, const std::string& xml,
                    std::string_view document_sha256 = {});

// A signature the form must carry before its event may be applied: the signature block (field
// name, as the renderer lays it out), the role that signs there (the names of pilot.h's RoleName:
// "bureau", "county", "expert", "provider", "enterprise", "acceptance-agency", "public") and the
// credit code the form states for that party ("" when the form names none: the bureau's
// confirmation block of an acceptance conclusion; for a report's "reporter", the reporter's
// citizen id number or organisation code, which the signing certificate's serialNumber carries).
struct RequiredSignature {
  std::string field_name;
  std::string role;
  std::string org_code;
};

// What a form means to the pilot: its event, whose signatures it needs, and who may submit it
// (any signing party may; `submitter_roles` lists their roles in the order of `signatures`).
// `party_kind`/`party_code`/`party_name`: whose file the archive should put the document in.
// The same as forms::InspectXml gives, except for a `decision`, whose party is its <subject>
// (kind="provider" or "enterprise"; InspectXml always says "provider" for it, since a form type
// has one party kind in the forms registry).
struct FormFacts {
  std::string form_type;
  std::string document_id;
  std::string party_kind;
  std::string party_code;
  std::string party_name;
  Event event;
  std::vector<RequiredSignature> signatures;
  std::vector<std::string> submitter_roles;
};

// Throws FactsError like EventFromForm.
FormFacts ReadFormFacts(const std::string& form_type, const std::string& xml,
                        std::string_view document_sha256 = {});

// Resolves what a form can only reference indirectly, against the engine's state (call under
// the engine's lock, after mapping and before Apply): an appeal on Art. 17 ground (2) follows
// the satisfaction evaluation it contests, not the warning, so when its contested_warning_id is
// not a warning of the provider, it becomes the id of the provider's latest warning whose source
// document is that evaluation (or of any other contested document). Other events unchanged.
void ResolveReferences(const Engine& engine, Event& event);

// The `decision` form's kind element names (as listed above), in schema order.
const std::vector<std::string_view>& DecisionKinds();

}  // namespace sealflow::workflow
