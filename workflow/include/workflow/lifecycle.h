// Copyright sealflow authors.
// The domain core of the pilot: provider and enterprise-project lifecycles under the management
// measures (Art. 9–18), as an in-memory state machine driven by events. No HTTP, no storage.
//
// Contract:
// * Every state change is caused by an event: a signed document's facts (one plain struct per
//   document kind; the integrator maps verified form XML to these) or DeadlinePassed. The engine
//   never reads a clock: Apply() and Tick() take "now" as a calendar day in China time
//   (ChinaDate() converts the service's injected clock).
// * Apply() returns a Decision. A transition the measures forbid is a refused Decision naming
//   the article (Chinese and English) and leaves the state exactly as it was; it is not an
//   exception. Accepted decisions may raise items for the bureau (warning proposals,
//   disqualification openings, notices to issue, project flags).
// * Replay: the state is a pure function of the accepted events in order. log() returns them
//   with their "now"; Replay() on a fresh engine with the same options rebuilds the same state,
//   including which deadlines have fired, because firing a deadline is itself the logged event
//   DeadlinePassed. Pending deadlines are not a separate queue: PendingDeadlines() derives them
//   from the state, so a restarted engine knows them by construction.
// * Apply() never fires deadlines itself (each firing must be a logged event of its own): the
//   caller runs Tick(now) before Apply(event, now), so that e.g. a provider removed for a missed
//   report deadline cannot still sign a contract that day.
// * Timeliness (appeal windows, response and rectification deadlines, late materials) is judged
//   on the day the engine receives the document ("now"), never on the date the document states
//   about itself. The order of substantive facts (a payment dated before the contract, work
//   dated before approval) is judged on the documents' own dates.
// * Thread safety: none; one Engine per writer, guarded by the caller. Not copyable.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "workflow/rules.h"

namespace sealflow::workflow {

// ---- States ------------------------------------------------------------------------------

enum class ProviderState {
  kApplied,          // 企业自愿申报
  kRecommended,      // 县（市、区）审查推荐
  kExpertReviewed,   // 专家评审
  kDecided,          // 专题会议研究 (approved)
  kNoticed,          // 社会公示 (objection period running)
  kListed,           // 纳入服务商名单
  kWarned,           // listed, with a warning not yet rectified (警告并限期整改)
  kRejected,         // not recommended / failed review / not approved / objection upheld
  kDisqualified,     // 取消服务商资格 (Art. 16)
  kRemovedFromPool,  // 退出服务商库 (Art. 18)
};
const char* ProviderStateName(ProviderState state);  // "listed", "warned", ...

enum class ProjectState {
  kEnrolled,            // pilot enterprise enrolled
  kDiagnosed,           // 诊断报告, confirmed by the enterprise
  kPlanFiled,           // 改造方案 filed (备案)
  kPlanExpertReviewed,  // experts reviewed it
  kReturned,            // bureau returned it; a new plan may be filed
  kApproved,            // 通过备案审核
  kContracted,          // 改造合同 signed per the approved plan
  kImplementing,        // progress reported
  kChangeUnderReview,   // a change raising investment / removing scenes awaits re-approval
  kAcceptanceApplied,   // 竣工验收 applied
  kRectifying,          // acceptance failed: 限期整改
  kRectified,           // rectification reported; waiting for the next batch
  kAccepted,            // passed acceptance
  kRated,               // 满意度评价 received
  kClosed,
};
const char* ProjectStateName(ProjectState state);  // "approved", "change-under-review", ...

enum class Scale { kAboveDesignatedSize, kBelowDesignatedSize };  // 规上 / 规下

// ---- Entities ----------------------------------------------------------------------------

// A state change with the document that caused it.
struct Transition {
  Date on;
  std::string document_id;  // a deadline's firing: "deadline:<kind>:<subject>:<ref>"
  std::string from;
  std::string to;
  std::string article_zh;
};

struct Warning {
  std::string id;               // the warning notice's document id
  int ground = 0;               // Art. 15 item 1..6
  std::string source_document;  // the document the warning is about (e.g. a satisfaction form)
  Date issued_on{};
  Date rectification_deadline{};  // current; extended by the time an appeal suspended it
  std::optional<Date> rectified_on;
  std::string rectification_document;
  Date appeal_window_end{};  // last day an appeal is accepted
  bool appeal_window_closed = false;
  bool suspended = false;  // contested by a pending appeal (Art. 17)
  std::optional<Date> suspended_on;
  bool withdrawn = false;        // appeal upheld
  bool deadline_missed = false;  // rectification deadline passed without a rectification
  // Counted for Art. 16(1) and due for rectification: neither withdrawn nor suspended.
  bool Effective() const { return !withdrawn && !suspended; }
};

enum class AppealGround {
  kEnterpriseDelay,    // 第十七条（一）企业恶意拖延、阻滞
  kUnsatisfiedRating,  // 第十七条（二）对“不满意”评价有异议
  kForceMajeure,       // 第十七条（三）不可抗力
};
enum class AppealOutcome { kPending, kUpheld, kRejected };

struct Appeal {
  std::string id;
  std::string warning_id;
  AppealGround ground = AppealGround::kForceMajeure;
  Date filed_on{};
  AppealOutcome outcome = AppealOutcome::kPending;
};

enum class ReportOutcome { kAwaitingResponse, kResponded, kCleared, kFraudConfirmed, kNoResponse };

struct Report {
  std::string id;
  std::string reporter_name;
  Date filed_on{};
  Date response_deadline{};
  std::optional<Date> responded_on;
  ReportOutcome outcome = ReportOutcome::kAwaitingResponse;
};

struct DisqualificationCase {
  std::string article_zh;  // the Art. 16 item that opened it
  std::string article_en;
  std::string reason_zh;
  std::string reason_en;
  std::string cause;  // document id or deadline that opened it
  Date opened_on{};
};

struct Rating {
  std::string period;
  std::string document_id;  // the rating notice
  Date published_on{};
  RatingInputs inputs;
  RatingResult result;
};

struct Provider {
  std::string code;  // unified social credit code
  std::string name;
  std::string address;
  std::string legal_representative;
  std::string business_scope;
  std::string registered_capital;
  std::vector<std::string> sub_industries_applied;
  std::vector<std::string> sub_industries_listed;  // 分类管理: where it may serve
  ProviderState state = ProviderState::kApplied;
  std::string listing_notice_id;
  std::optional<Date> noticed_on;
  std::optional<Date> objection_period_end;
  std::optional<Date> listed_on;
  std::vector<Warning> warnings;
  std::vector<Appeal> appeals;
  std::vector<Report> reports;
  std::optional<DisqualificationCase> disqualification_open;  // opened, not yet decided
  bool fees_withheld = false;  // 不予支付或扣除部分服务费用 (Art. 16)
  std::vector<Rating> ratings;
  std::vector<Transition> history;
};

struct PaymentEntry {
  std::string document_id;
  Date paid_on{};
  Fen amount = 0;
};

struct AcceptanceAttempt {
  std::string application_id;
  int batch_year = 0;
  int batch_number = 0;
  Date applied_on{};
  std::string conclusion_id;  // "" while pending
  std::optional<bool> passed;
  std::optional<Date> rectification_deadline;  // when failed
  std::optional<Date> rectified_on;
  bool deadline_missed = false;
};

struct ProjectFlag {
  std::string code;  // "provider-disqualified", "provider-removed", "implemented-before-filing",
                     // "rectification-overdue"
  std::string cause;
  Date on{};
};

struct PendingChange {
  std::string document_id;
  Fen new_total = 0;
  std::vector<std::string> scenes_added;
  std::vector<std::string> scenes_removed;
  ProjectState resume_state = ProjectState::kImplementing;
  std::string new_plan_hash;  // the changed plan's hash ("" keeps the approved one)
};

struct Project {
  std::string enterprise_code;
  std::string enterprise_name;
  std::string sub_industry;
  Scale scale = Scale::kAboveDesignatedSize;
  std::string provider_code;  // from the diagnostic report on
  ProjectState state = ProjectState::kEnrolled;
  std::string diagnostic_report_id;
  std::string plan_id;  // the filed plan (and, once approved, the approved one)
  std::string plan_hash;
  Fen plan_total = 0;
  std::vector<std::string> plan_scenes;
  std::optional<Date> approved_on;  // first approval of the plan
  std::string approved_plan_hash;
  Fen approved_total = 0;
  std::vector<std::string> approved_scenes;  // sorted
  std::string contract_id;
  std::optional<Date> contract_signed_on;
  Fen contract_amount = 0;
  std::vector<PaymentEntry> payments;
  std::vector<std::string> progress_reports;
  std::optional<PendingChange> pending_change;
  std::vector<std::string> changes_recorded;  // change filings taken into the plan
  std::vector<AcceptanceAttempt> acceptance;
  std::optional<Satisfaction> satisfaction;
  std::string satisfaction_id;
  std::vector<ProjectFlag> flags;
  std::vector<Transition> history;
};

// ---- Events: the facts each document carries -----------------------------------------------
// `document_id` is the form's id attribute; `date` the date the document states (signing,
// report, filing or decision date). Money in fen (ParseYuan), dates via ParseDate.

struct ProviderApplication {  // 服务商申报书 (application)
  std::string document_id{};
  Date date{};
  std::string provider_code{};
  std::string provider_name{};
  std::string address{};
  std::string legal_representative{};
  std::string business_scope{};
  std::string registered_capital{};
  std::vector<std::string> sub_industries{};
  std::vector<std::string> case_sub_industries{};  // <case subIndustry=…>, one entry per case
  bool declarations_affirmed = false;              // all four <declarations> are true
};
struct CountyRecommendation {  // 县（市、区）审查推荐
  std::string document_id{};
  Date date{};
  std::string provider_code{};
  bool recommended = false;
};
struct ApplicationExpertReview {  // 专家评审
  std::string document_id{};
  Date date{};
  std::string provider_code{};
  bool passed = false;
};
struct MeetingDecision {  // 专题会议研究
  std::string document_id{};
  Date date{};
  std::string provider_code{};
  bool approved = false;
  std::vector<std::string> sub_industries{};  // approved sub-industries; empty: all applied for
};
struct ListingNotice {  // notice: 公示 of a batch
  std::string document_id{};
  Date date{};
  std::vector<std::string> provider_codes{};
  std::optional<Date> objection_period_end;  // default: date + EngineOptions::objection_days
};
struct ListingObjectionDecision {  // bureau's decision on an objection during the 公示
  std::string document_id{};
  Date date{};
  std::string provider_code{};
  bool upheld = false;
};
enum class ProviderDetail { kName, kAddress, kLegalRepresentative, kBusinessScope, kCapital };
struct ProviderDetailsChange {  // a major change of provider details (Art. 15(1))
  std::string document_id{};
  Date date{};
  std::string provider_code{};
  ProviderDetail detail = ProviderDetail::kName;
  std::string new_value{};
  Date changed_on{};                  // when the change took effect (e.g. registration date)
  bool reported_by_provider = false;  // false: found by the bureau, never reported
};
struct MaterialsSubmission {  // materials the bureau asked for (Art. 15(3))
  std::string document_id{};
  Date date{};
  std::string provider_code{};
  Date due_on{};
  bool complete = true;  // complete and in the required form
};
struct WarningNotice {  // notice: 警告并限期整改
  std::string document_id{};
  Date date{};
  std::string provider_code{};
  int ground = 0;  // Art. 15 item 1..6
  std::string source_document{};
  std::optional<Date> rectification_deadline;  // default: date + rectification_days
};
struct RectificationReport {  // the provider's rectification of a warning
  std::string document_id{};
  Date date{};
  std::string provider_code{};
  std::string warning_id{};
};
struct AppealFiling {  // 申诉书 (appeal)
  std::string document_id{};
  Date date{};
  std::string provider_code{};
  AppealGround ground = AppealGround::kForceMajeure;
  std::string contested_warning_id{};
  bool states_matter_reason_purpose = true;  // 写明申诉的事项、理由和目的
  bool has_evidence = true;                  // 佐证材料
};
struct AppealDecision {  // the bureau decides an appeal
  std::string document_id{};
  Date date{};
  std::string provider_code{};
  std::string appeal_id{};
  bool upheld = false;  // upheld: the warning is withdrawn
};
struct DisqualificationDecision {  // notice: 取消服务商资格
  std::string document_id{};
  Date date{};
  std::string provider_code{};
  int ground = 0;  // Art. 16 item 1..5; items 1, 2 and 4 need an open case
};
struct RealNameReport {  // 举报 (report)
  std::string document_id{};
  Date date{};
  std::string provider_code{};
  std::string reporter_name{};
  std::string reporter_id_number{};
  std::string reporter_contact{};
  bool has_evidence = false;
};
struct ReportResponse {  // the provider's answer to a report
  std::string document_id{};
  Date date{};
  std::string provider_code{};
  std::string report_id{};
};
struct ReportVerification {  // the bureau's finding on a report
  std::string document_id{};
  Date date{};
  std::string provider_code{};
  std::string report_id{};
  bool fraud_confirmed = false;
};
struct RatingNotice {  // notice: 评星评级 for a period
  std::string document_id{};
  Date date{};
  std::string period{};  // e.g. "2026-Q2"
};

struct Enrollment {  // pilot enterprise enrolled
  std::string document_id{};
  Date date{};
  std::string enterprise_code{};
  std::string enterprise_name{};
  std::string sub_industry{};
  Scale scale = Scale::kAboveDesignatedSize;
};
struct DiagnosticReport {  // 诊断报告 (diagnostic-report)
  std::string document_id{};
  Date date{};
  std::string enterprise_code{};
  std::string provider_code{};
  bool enterprise_confirmed = false;  // the enterprise's countersignature verified
};
struct PlanFiling {  // 改造方案 (transformation-plan)
  std::string document_id{};
  Date date{};
  std::string enterprise_code{};
  std::string provider_code{};
  std::string plan_hash{};  // SHA-256 of the signed plan (hex)
  Fen total = 0;
  std::vector<std::string> scenes{};
  Fen enterprise_share = 0;     // 企业出一点
  Fen provider_concession = 0;  // 服务商让一点
  Fen government_subsidy = 0;   // 政府补一点
};
struct PlanExpertReview {
  std::string document_id{};
  Date date{};
  std::string enterprise_code{};
  std::string plan_hash{};
  bool passed = false;
};
struct PlanDecision {  // bureau's 备案审核 decision
  std::string document_id{};
  Date date{};
  std::string enterprise_code{};
  std::string plan_hash{};
  bool approved = false;
};
struct ContractSigning {  // 改造合同 (contract)
  std::string document_id{};
  Date date{};  // signedOn
  std::string enterprise_code{};
  std::string provider_code{};
  std::string plan_hash{};  // <follows formType="transformation-plan" sha256=…>
  Fen amount = 0;
  std::vector<std::string> scenes{};
  bool no_subcontracting_affirmed = false;
  bool declares_subcontracting = false;  // the contract itself provides for 转包
};
struct ProgressReport {  // 进度报告 (progress-report)
  std::string document_id{};
  Date date{};  // reportDate
  std::string enterprise_code{};
  std::string provider_code{};
  Date period_start{};
  std::optional<Date> earliest_work_date;  // earliest dated evidence of work (milestones)
};
struct PaymentRecord {  // a payment the enterprise made (from a progress report or invoice)
  std::string document_id{};
  Date date{};  // paid on
  std::string enterprise_code{};
  Fen amount = 0;
};
struct ChangeFiling {  // 变更备案 (change-filing)
  std::string document_id{};
  Date date{};
  std::string enterprise_code{};
  Fen previous_total = 0;
  Fen new_total = 0;
  std::vector<std::string> scenes_added{};
  std::vector<std::string> scenes_removed{};
  bool declared_requires_review = false;  // <requiresReview>; the engine decides by the rule
  std::string new_plan_hash{};            // hash of the changed plan ("" keeps the old one)
};
struct ChangeDecision {  // bureau's re-approval of a change
  std::string document_id{};
  Date date{};
  std::string enterprise_code{};
  std::string change_id{};
  bool approved = false;
};
struct AcceptanceApplication {  // 验收申请 (acceptance-application)
  std::string document_id{};
  Date date{};
  std::string enterprise_code{};
  int batch_year = 0;
  int batch_number = 0;
};
struct AcceptanceConclusion {  // 验收结论 (acceptance-conclusion)
  std::string document_id{};
  Date date{};
  std::string enterprise_code{};
  bool passed = false;
  std::optional<Date> rectification_deadline;  // failed: default date + rectification_days
};
struct ProjectRectification {  // rectification after a failed acceptance
  std::string document_id{};
  Date date{};
  std::string enterprise_code{};
};
struct SatisfactionEvaluation {  // 满意度评价表 (satisfaction)
  std::string document_id{};
  Date date{};
  std::string enterprise_code{};
  std::string provider_code{};
  Satisfaction overall = Satisfaction::kSatisfied;
};
struct ProjectClosure {
  std::string document_id{};
  Date date{};
  std::string enterprise_code{};
};

enum class DeadlineKind {
  kObjectionPeriodEnd,       // 公示 over → listed
  kAppealWindow,             // appeal window of a warning closed → warning final
  kWarningRectification,     // → Art. 16(2) disqualification opened
  kReportResponse,           // → Art. 18 removed from pool
  kAcceptanceRectification,  // → Art. 16(4) disqualification opened, project flagged
  kFirstRatingDue,           // → rating due (Art. 14)
};
const char* DeadlineKindName(DeadlineKind kind);

// A deadline: `due` is the last day on which it can still be met; it passes on due + 1.
struct Deadline {
  DeadlineKind kind = DeadlineKind::kObjectionPeriodEnd;
  Date due{};
  std::string subject;  // provider or enterprise code ("" for kFirstRatingDue)
  std::string ref;      // warning / report id, acceptance application id, notice id
};
struct DeadlinePassed {
  Deadline deadline;
};

using Event =
    std::variant<ProviderApplication, CountyRecommendation, ApplicationExpertReview,
                 MeetingDecision, ListingNotice, ListingObjectionDecision, ProviderDetailsChange,
                 MaterialsSubmission, WarningNotice, RectificationReport, AppealFiling,
                 AppealDecision, DisqualificationDecision, RealNameReport, ReportResponse,
                 ReportVerification, RatingNotice, Enrollment, DiagnosticReport, PlanFiling,
                 PlanExpertReview, PlanDecision, ContractSigning, ProgressReport, PaymentRecord,
                 ChangeFiling, ChangeDecision, AcceptanceApplication, AcceptanceConclusion,
                 ProjectRectification, SatisfactionEvaluation, ProjectClosure, DeadlinePassed>;

// The document id of an event ("deadline:<kind>:<subject>:<ref>" for DeadlinePassed).
std::string EventDocumentId(const Event& event);

// ---- Decisions ---------------------------------------------------------------------------

enum class RaisedKind {
  kWarningProposal,         // Art. 15: propose a warning to the bureau
  kDisqualificationOpened,  // Art. 16: the bureau must decide on disqualification
  kIssueNotice,             // a notice the bureau is to issue (通告 after disqualification …)
  kProjectFlagged,          // an enterprise project needs attention
  kFeesWithheld,            // 不予支付或扣除部分服务费用
  kRemovedFromPool,         // 退出服务商库
  kRatingDue,               // Art. 14: the first star rating falls due
};
const char* RaisedKindName(RaisedKind kind);

struct Raised {
  RaisedKind kind = RaisedKind::kWarningProposal;
  std::string article_zh;
  std::string article_en;
  std::string provider_code;
  std::string enterprise_code;
  std::string message_zh;
  std::string message_en;
};

struct Decision {
  bool accepted = false;
  std::string article_zh;  // accepted: the article applied; refused: the article that forbids
  std::string article_en;
  std::string message_zh;
  std::string message_en;
  std::string document_id;  // the causing document (EventDocumentId)
  std::string subject;      // provider or enterprise code (a 公示: its first provider)
  std::string new_state;    // the subject's state after the decision (unchanged if refused)
  std::vector<Raised> raised;
};

// ---- Engine ------------------------------------------------------------------------------

// Periods are calendar days; each default is a starting point for the bureau to set (the
// measures name no figures).
struct EngineOptions {
  int objection_days = 5;         // 公示 length when the notice states no end date
  int rectification_days = 30;    // warning / failed acceptance without a stated deadline
  int appeal_window_days = 15;    // Art. 17: days after a warning's issue date to appeal
  int report_response_days = 10;  // Art. 18: days after a report for the provider's answer
  int change_report_days = 30;    // Art. 15(1): "及时" = reported within this many days
  RatingThresholds rating;        // Art. 14
};

// Internal: the engine's state (defined in engine.cc).
struct EngineState;

struct LoggedEvent {
  Event event;
  Date received_on;
};

class Engine {
 public:
  explicit Engine(EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Applies one event received on `now`. Refused: nothing changes and nothing is logged.
  Decision Apply(const Event& event, Date now);
  Decision Apply(const Event& event, std::chrono::system_clock::time_point now) {
    return Apply(event, ChinaDate(now));
  }

  // Fires every deadline that has passed by `now` (due < now), earliest first (ties: the order
  // of DeadlineKind, then subject, then ref), each as a logged DeadlinePassed, and returns the
  // decisions. Deadlines that became moot (rectified, suspended, answered) do not fire.
  std::vector<Decision> Tick(Date now);
  std::vector<Decision> Tick(std::chrono::system_clock::time_point now) {
    return Tick(ChinaDate(now));
  }

  // Deadlines still open, in firing order. Derived from the state.
  std::vector<Deadline> PendingDeadlines() const;

  // The star ratings the engine would publish on `on` for every listed provider (Art. 14).
  std::map<std::string, Rating> ProposeRatings(Date on) const;

  // Rebuilds state from a log written by log(). Returns the index of the first entry that was
  // refused (the log does not belong to these options or was altered), or nullopt if all
  // entries applied.
  std::optional<std::size_t> Replay(const std::vector<LoggedEvent>& log);

  const std::map<std::string, Provider>& providers() const;
  const std::map<std::string, Project>& projects() const;  // keyed by enterprise code
  const Provider* FindProvider(const std::string& code) const;
  const Project* FindProject(const std::string& enterprise_code) const;
  std::optional<Date> first_listing_notice() const;
  const std::vector<LoggedEvent>& log() const;
  const EngineOptions& options() const;

 private:
  EngineOptions options_;
  std::unique_ptr<EngineState> state_;
  std::vector<LoggedEvent> log_;
};

}  // namespace sealflow::workflow
