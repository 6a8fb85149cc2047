// Copyright sealflow authors.
// The pilot: the workflow engine (lifecycle.h) joined to signed documents, the archive and a
// persistent event log. Every state change enters as a signed PDF whose embedded form carries
// the engine event (facts.h), or as a deadline the scheduler fires (Tick).
//
// Contract:
// * Submit() accepts a signed PDF only if its signatures verify VALID, its embedded XML passes
//   its schema, it maps to an engine event, the actor's role may submit that form type for that
//   subject, and the form's parties signed it (each party's credit code appears in a signer's
//   certificate). Any of these failing is a PilotError (400/413/422/403) and nothing changes.
// * Deadlines first: Submit() runs Tick(now) before Apply(event, now) (lifecycle.h), each fired
//   deadline logged as its own event.
// * Accepted → the document is archived (archive::DocumentStore::Put) and then the event is
//   appended to the event log with the record id, fsynced. Refused (the measures forbid it) →
//   nothing is stored and SubmitResult::decision.accepted == false; that is a value, not an error.
// * Persistence: the signed documents are the events. DATA/workflow/events.log holds one JSON
//   line per accepted event, in order: the China calendar day it was received and either the
//   archive record id of its document (replay re-reads the archived PDF's form XML and maps it
//   again; signatures are not re-verified — the record's signers stand) or a fired deadline.
//   Each line is written and fsynced before Submit/Tick return. Open() replays the log into a
//   fresh Engine; an entry the engine refuses on replay is an error (PilotError 500), never
//   silently diverging state. A torn last line (crash mid-write) is dropped.
// * Crash safety: the document is archived (with audit actor "workflow <role> <org>") before
//   its line is logged. A crash between the two leaves an archived transition without a line:
//   Open() finds such records in the audit log after the last logged record and re-applies them
//   (on the day the audit entry records), so the state never lacks an archived, accepted
//   document and never holds an event whose document is not archived. If archiving fails, the
//   engine is rebuilt from its log without the event, and the error propagates.
// * Thread safety: all methods may be called from many threads; one mutex serialises the engine
//   and the log. Read() runs the reader under that mutex (keep it short; do not call back into
//   the Pilot from the reader).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "workflow/lifecycle.h"

namespace sealflow::archive {
class DocumentStore;
}

namespace sealflow::workflow {

struct NoticeRequest;  // workflow/notices.h

enum class Role {
  kBureau,            // 市工信局: decides, issues notices, sees everything
  kCounty,            // 县（市、区）工信部门: recommends applicants
  kExpert,            // 专家: reviews applications and plans
  kProvider,          // 数字化服务商
  kEnterprise,        // 试点企业
  kAcceptanceAgency,  // 验收机构: acceptance conclusions
  kArchivist,         // reads the whole archive, changes nothing in the workflow
  kPublic,            // no token: listed providers, ratings, notices
};
// "bureau", "county", "expert", "provider", "enterprise", "acceptance-agency", "archivist",
// "public".
const char* RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

// Who is calling: from a bearer token (tokens.h), or kPublic without one.
struct Actor {
  Role role = Role::kPublic;
  std::string org_code;  // the organisation's unified social credit code ("" for public)
  std::string name;
};

struct PilotOptions {
  std::string data_dir;  // the archive's data folder; the event log is kept there too
  EngineOptions engine;
  // "Now" for deadlines and the day an event is received. Default: the system clock.
  std::function<std::chrono::system_clock::time_point()> clock;
  std::vector<std::string> trust_anchor_files;  // PEM roots for verifying submissions
  std::string schema_dir;                       // "" = forms' default
  std::string bureau_p12, bureau_p12_password;  // the bureau's key for notices it issues itself
  // Test hook: called after a document is archived and before its event is logged (to simulate
  // a crash there, throw from it).
  std::function<void()> after_archive;
};

struct SubmitResult {
  Decision decision;
  std::string record_id;                       // the archived document ("" if refused)
  std::vector<std::string> notice_record_ids;  // notices issued as a consequence (if any)
  std::vector<Decision> deadlines;             // deadlines fired by the Tick before Apply
};

// Bad input or a forbidden caller. status: 400 (not a PDF, unsigned, malformed request), 403
// (role may not submit this form, or a party did not sign), 413 (too large), 422 (signature
// not VALID, not a valid form, no engine event), 500 (event log unreadable at Open).
class PilotError : public std::runtime_error {
 public:
  PilotError(int status_code, std::string type, std::string title_zh_text,
             std::string title_en_text, std::string detail_zh_text, std::string detail_en_text,
             std::string report = "")
      : std::runtime_error(detail_zh_text + " / " + detail_en_text),
        status(status_code),
        problem_type(std::move(type)),
        title_zh(std::move(title_zh_text)),
        title_en(std::move(title_en_text)),
        detail_zh(std::move(detail_zh_text)),
        detail_en(std::move(detail_en_text)),
        report_json(std::move(report)) {}
  int status;
  std::string problem_type;  // a short slug, e.g. "forbidden-form", see problem.cc
  std::string title_zh, title_en;
  std::string detail_zh, detail_en;
  std::string report_json;  // optional pre-serialised JSON (e.g. the verification report)
};

class Pilot {
 public:
  // Opens the event log under options.data_dir and replays it (reconciling with the store, see
  // the contract above). `store` must outlive the Pilot. Throws PilotError(500) or
  // archive/signing/forms errors if the log, the trust anchors or the schemas cannot be loaded.
  static std::unique_ptr<Pilot> Open(const PilotOptions& options, archive::DocumentStore& store);

  Pilot(const Pilot&) = delete;
  Pilot& operator=(const Pilot&) = delete;
  virtual ~Pilot() = default;

  // Verifies the signed PDF (must be VALID), extracts and validates its source XML, maps it
  // (EventFromForm), checks the actor may submit it and that the form's parties signed it, runs
  // Tick(now) then Apply(event, now); accepted → the document is archived and the event
  // persisted with the record id; refused → nothing stored, decision.accepted == false.
  virtual SubmitResult Submit(std::string_view signed_pdf, const Actor& actor) = 0;

  // The bureau issues a notice: NoticeXml → render → sign with the bureau key → Submit.
  // Throws PilotError(403) for any role but the bureau, PilotError(500) without a bureau key.
  virtual SubmitResult IssueNotice(const NoticeRequest& request, const Actor& actor) = 0;

  // Fires due deadlines at clock(); each firing is logged.
  virtual std::vector<Decision> Tick() = 0;

  // Runs `reader` with the engine, under the lock.
  virtual void Read(const std::function<void(const Engine&)>& reader) const = 0;

  // The city dashboard (dashboard.h) as of `on`, with the figures of every accepted document.
  virtual std::string Dashboard(Date on) const = 0;

  // The record id each logged document event came from (document id → archive record id).
  virtual std::optional<std::string> RecordFor(const std::string& document_id) const = 0;

  // Number of events in the log (documents and fired deadlines).
  virtual std::size_t LoggedEvents() const = 0;

  // The day the pilot considers "now" (China calendar day of clock()).
  virtual Date Today() const = 0;

 protected:
  Pilot() = default;
};

// Whether `role` may submit a form of `form_type` at all (the subject check comes after mapping:
// a provider or enterprise may only submit forms whose party is itself). Used by Submit and by
// the service to document the rules in OpenAPI.
bool RoleMaySubmit(Role role, std::string_view form_type);

}  // namespace sealflow::workflow
