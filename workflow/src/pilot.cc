// Copyright sealflow authors.
// The Pilot: verification and mapping outside the lock, then Tick + Apply + archive + log under
// it. The event log holds record ids, not events: the archived signed documents are the events
// (see pilot.h), so the log cannot disagree with the archive about what a document said.
#include "workflow/pilot.h"

#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <fcntl.h>
#include <podofo/base/PdfError.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <mutex>
#include <set>
#include <sstream>
#include <type_traits>

#include "archive/error.h"
#include "archive/store.h"
#include "filing.h"
#include "forms/error.h"
#include "forms/inspect.h"
#include "forms/renderer.h"
#include "forms/validator.h"
#include "signing/credentials.h"
#include "signing/signer.h"
#include "signing/timestamp.h"
#include "signing/verifier.h"
#include "workflow/dashboard.h"
#include "workflow/facts.h"
#include "workflow/notices.h"

namespace sealflow::workflow {
namespace {

constexpr std::size_t kMaxLogLine = 64 * 1024;
constexpr const char* kActorPrefix = "workflow ";

Poco::Logger& Log() { return Poco::Logger::get("sealflow.workflow.pilot"); }

// OpenSSL's SHA-256 (signing::Sha256): several times faster than Poco's on a 250 KB PDF.
std::string Sha256Hex(std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string digest = signing::Sha256(data);
  std::string hex;
  hex.reserve(digest.size() * 2);
  for (unsigned char c : digest) {
    hex += kHex[c >> 4];
    hex += kHex[c & 0x0f];
  }
  return hex;
}

PilotError Forbidden(const std::string& zh, const std::string& en) {
  return PilotError(403, "forbidden", "无权提交", "not allowed", zh, en);
}

PilotError Internal(const std::string& zh, const std::string& en) {
  return PilotError(500, "internal", "服务器内部错误", "internal error", zh, en);
}

std::optional<DeadlineKind> ParseDeadlineKind(const std::string& name) {
  for (DeadlineKind kind :
       {DeadlineKind::kObjectionPeriodEnd, DeadlineKind::kAppealWindow,
        DeadlineKind::kWarningRectification, DeadlineKind::kReportResponse,
        DeadlineKind::kAcceptanceRectification, DeadlineKind::kFirstRatingDue}) {
    if (name == DeadlineKindName(kind)) return kind;
  }
  return std::nullopt;
}

// The archive phase of a decision form, by the event it carries: a decision is filed with
// the subject's file at the stage it belongs to (Art. 5(7)).
archive::Phase DecisionPhase(const Event& event) {
  return std::visit(
      [](const auto& e) -> archive::Phase {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, Enrollment> || std::is_same_v<T, PlanExpertReview> ||
                      std::is_same_v<T, PlanDecision>) {
          return archive::Phase::kBefore;
        } else if constexpr (std::is_same_v<T, PaymentRecord> ||
                             std::is_same_v<T, ChangeDecision>) {
          return archive::Phase::kDuring;
        } else if constexpr (std::is_same_v<T, ProjectRectification> ||
                             std::is_same_v<T, ProjectClosure>) {
          return archive::Phase::kAfter;
        } else {
          return archive::Phase::kProvider;
        }
      },
      event);
}

std::string DeadlineLine(std::size_t seq, Date on, const Deadline& deadline) {
  Poco::JSON::Object line(Poco::JSON_PRESERVE_KEY_ORDER);
  line.set("seq", static_cast<Poco::UInt64>(seq));
  line.set("on", FormatDate(on));
  Poco::JSON::Object::Ptr d = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  d->set("kind", std::string(DeadlineKindName(deadline.kind)));
  d->set("due", FormatDate(deadline.due));
  d->set("subject", deadline.subject);
  d->set("ref", deadline.ref);
  line.set("deadline", d);
  std::ostringstream out;
  line.stringify(out);
  return out.str();
}

std::string RecordLine(std::size_t seq, Date on, const std::string& record_id, bool has_event) {
  Poco::JSON::Object line(Poco::JSON_PRESERVE_KEY_ORDER);
  line.set("seq", static_cast<Poco::UInt64>(seq));
  line.set("on", FormatDate(on));
  line.set("record", record_id);
  if (!has_event) line.set("event", false);
  std::ostringstream out;
  line.stringify(out);
  return out.str();
}

// One applied submission (or tick) on its way to the log: its deadlines and its document.
enum class SlotState { kPending, kReady, kFailed };
struct Slot {
  SlotState state = SlotState::kPending;
  std::vector<std::pair<Deadline, Date>> deadlines;  // fired before the document, in order
  bool has_document = false;
  bool has_event = false;
  Date on{};
  std::string record_id;
  std::string document_id;
  std::string form_type;
  std::string xml;             // for the dashboard's figures
  std::size_t events_end = 0;  // engine log size once this slot's events are in
};
struct SlotOutcome {
  bool voided = false;
  std::uint64_t offset = 0;  // log bytes to be durable before answering
};

// A document made ready for the engine: everything checked that can be checked without the
// engine's state.
struct Prepared {
  std::string pdf_sha256;
  forms::FormInfo info;
  FormFacts facts;
  bool has_event = true;  // false: a notice that carries no engine event (archived only)
  std::vector<std::string> signers;
};

class PilotImpl final : public Pilot {
 public:
  PilotImpl(const PilotOptions& options, archive::DocumentStore& store)
      : options_(options), store_(store), engine_(std::make_unique<Engine>(options.engine)) {
    if (!options_.clock) options_.clock = [] { return std::chrono::system_clock::now(); };
    signing::VerifierOptions verifier;
    verifier.trust_anchor_files = options_.trust_anchor_files;
    verifier.clock = options_.clock;
    verifier_ = signing::Verifier::Create(verifier);
    forms::ValidatorOptions validator;
    validator.schema_dir = options_.schema_dir;
    validator_ = forms::Validator::Create(validator);
    // Replay reads every archived PDF (forms::InspectPdf); PoDoFo would log each incremental
    // update's trailer to stderr. The verifier silences it too, but only once it first runs.
    PoDoFo::PdfError::EnableLogging(false);
    PoDoFo::PdfError::EnableDebug(false);
    std::filesystem::create_directories(options_.data_dir + "/workflow");
    log_path_ = options_.data_dir + "/workflow/events.log";
    Load();
  }

  ~PilotImpl() override {
    if (log_fd_ >= 0) ::close(log_fd_);
  }

  SubmitResult Submit(std::string_view signed_pdf, const Actor& actor) override {
    Prepared prepared = Prepare(signed_pdf, actor);
    return Commit(signed_pdf, prepared, actor);
  }

  SubmitResult IssueNotice(const NoticeRequest& request, const Actor& actor) override {
    if (actor.role != Role::kBureau) {
      throw Forbidden("只有市工信局可以发布通知公告", "only the bureau issues notices");
    }
    std::lock_guard<std::mutex> notice_lock(notice_mutex_);
    const Date today = Today();
    std::string document_id;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      document_id = NextNoticeIdLocked(today);
    }
    std::string xml;
    try {
      xml = NoticeXml(request, document_id, today, options_.engine);
    } catch (const FactsError& e) {
      throw PilotError(422, "invalid-notice", "通知内容无效", "the notice is invalid", e.message_zh,
                       e.message_en + (e.element.empty() ? "" : " (" + e.element + ")"));
    }
    std::string pdf = RenderAndSignNotice(xml);
    return Submit(pdf, actor);
  }

  std::vector<Decision> Tick() override {
    std::vector<Decision> fired;
    std::uint64_t slot = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      CheckUsableLocked();
      fired = engine_->Tick(Today());
      if (fired.empty()) return fired;
      slot = OpenSlotLocked();
      slots_.at(slot).state = SlotState::kReady;
      DrainLocked();
    }
    FinishSlot(slot);
    return fired;
  }

  void Read(const std::function<void(const Engine&)>& reader) const override {
    std::lock_guard<std::mutex> lock(mutex_);
    reader(*engine_);
  }

  std::string Dashboard(Date on) const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return DashboardJson(*engine_, on, figures_);
  }

  std::optional<std::string> RecordFor(const std::string& document_id) const override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = record_for_.find(document_id);
    if (it == record_for_.end()) return std::nullopt;
    return it->second;
  }

  std::size_t LoggedEvents() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_logged_;
  }

  Date Today() const override { return ChinaDate(options_.clock()); }

 private:
  // ---- Checks that need no engine state ---------------------------------------------------

  Prepared Prepare(std::string_view pdf, const Actor& actor) {
    if (actor.role == Role::kArchivist) {
      throw Forbidden("档案员不能提交流程文件", "the archivist cannot submit workflow documents");
    }
    if (pdf.substr(0, 5) != "%PDF-") {
      throw PilotError(400, "not-pdf", "不是 PDF", "not a PDF", "正文不以 %PDF- 开头",
                       "the body does not start with %PDF-");
    }
    signing::VerificationReport report = verifier_->Verify(pdf);
    if (!report.is_pdf) {
      throw PilotError(400, "not-pdf", "不是 PDF", "not a PDF", "无法解析 PDF",
                       "the PDF cannot be parsed", report.ToJson());
    }
    if (report.signatures.empty()) {
      throw PilotError(400, "unsigned", "未签名", "unsigned", "PDF 中没有签名",
                       "the PDF has no signature", report.ToJson());
    }
    if (report.verdict != signing::Verdict::kValid) {
      const char* verdict = signing::VerdictName(report.verdict);
      throw PilotError(422, "signature-not-valid", "签名无效", "signature not valid",
                       std::string("签名验证结果为 ") + verdict,
                       std::string("signature verification gave ") + verdict, report.ToJson());
    }
    Prepared prepared;
    try {
      prepared.info = forms::InspectPdf(pdf);
    } catch (const forms::FormsError& e) {
      throw PilotError(422, "not-a-form", "不是表单", "not a form", "PDF 中没有可用的表单数据",
                       std::string("no usable form data: ") + e.what());
    }
    forms::ValidationReport validation = validator_->Validate(prepared.info.source_xml);
    if (!validation.ok()) {
      throw PilotError(422, "not-a-form", "表单无效", "invalid form", "内嵌表单未通过校验",
                       "the embedded form does not validate: " + forms::FormatFindings(validation));
    }
    if (!RoleMaySubmit(actor.role, prepared.info.form_type)) {
      throw Forbidden(
          std::string("角色 ") + RoleName(actor.role) + " 不能提交 " + prepared.info.form_type,
          std::string("the role ") + RoleName(actor.role) + " cannot submit a " +
              prepared.info.form_type);
    }
    prepared.pdf_sha256 = Sha256Hex(pdf);
    try {
      prepared.facts =
          ReadFormFacts(prepared.info.form_type, prepared.info.source_xml, prepared.pdf_sha256);
    } catch (const FactsError& e) {
      if (e.code != FactsErrorCode::kNoEvent || prepared.info.form_type != "notice") {
        throw PilotError(422, "no-event", "表单无法映射为流程事件",
                         "the form maps to no workflow event", e.message_zh,
                         e.message_en + (e.element.empty() ? "" : " (" + e.element + ")"));
      }
      // A notice without an event (an acceptance batch, a demand for a report's response) is
      // still the bureau's act: archived and listed, with no state change.
      prepared.has_event = false;
      forms::FormInfo& info = prepared.info;
      prepared.facts.form_type = info.form_type;
      prepared.facts.document_id = info.document_id;
      prepared.facts.party_kind = info.party_kind;
      prepared.facts.party_code = info.party_code;
      prepared.facts.party_name = info.party_name;
      prepared.facts.submitter_roles = {"bureau"};
      prepared.facts.signatures = {{"bureau", "bureau", ""}};
    }
    CheckSigners(report, prepared.facts, actor);
    for (const signing::SignatureReport& signature : report.signatures) {
      prepared.signers.push_back(signature.signer_subject);
    }
    return prepared;
  }

  // The actor's role must be one that submits this form, every required signature block must
  // be signed by the party the form names, and the actor must be one of the signing parties.
  static void CheckSigners(const signing::VerificationReport& report, const FormFacts& facts,
                           const Actor& actor) {
    const std::string role = RoleName(actor.role);
    bool role_ok = false;
    for (const std::string& r : facts.submitter_roles) role_ok = role_ok || r == role;
    if (!role_ok) {
      throw Forbidden(
          "角色 " + role + " 不能提交此文件（" + facts.form_type + "）",
          "the role " + role + " cannot submit this document (" + facts.form_type + ")");
    }
    bool actor_signed = false;
    for (const RequiredSignature& required : facts.signatures) {
      const signing::SignatureReport* found = nullptr;
      for (const signing::SignatureReport& s : report.signatures) {
        if (s.field_name == required.field_name) found = &s;
      }
      if (found == nullptr) {
        throw Forbidden(
            "缺少“" + required.field_name + "”的签名（" + required.role + "）",
            "the signature \"" + required.field_name + "\" (" + required.role + ") is missing");
      }
      // Whose code the block must carry: the one the form states, else (an authority's own
      // block) the submitting authority's.
      std::string expected = required.org_code;
      if (expected.empty() && required.role == role) expected = actor.org_code;
      if (!expected.empty() && found->signer_serial_number != expected) {
        throw Forbidden("“" + required.field_name + "”应由 " + expected + " 签署，实为 " +
                            (found->signer_serial_number.empty() ? std::string("（无代码）")
                                                                 : found->signer_serial_number),
                        "\"" + required.field_name + "\" must be signed by " + expected +
                            ", not by " +
                            (found->signer_serial_number.empty() ? std::string("a certificate "
                                                                               "without a code")
                                                                 : found->signer_serial_number));
      }
      if (required.role == role && found->signer_serial_number == actor.org_code) {
        actor_signed = true;
      }
    }
    // The public (a reporter without a token) is identified by the signature alone.
    if (!actor_signed && actor.role != Role::kPublic) {
      throw Forbidden("提交者 " + actor.org_code + " 不是此文件的签署方",
                      "the submitter " + actor.org_code +
                          " is not a signing party of this "
                          "document");
    }
  }

  // ---- Under the lock -----------------------------------------------------------------------

  // ---- The commit pipeline ------------------------------------------------------------------
  //
  // Under the lock a submission runs Tick + Apply and takes the next slot; it archives outside
  // the lock (concurrent Puts share the store's group commits); back under the lock the slots
  // that are ready are written to the log in slot order, so the log's order is the order the
  // engine applied them; then one fdatasync covers every line written so far (a group commit
  // of the event log). A submission is answered only once its own line and all before it are
  // durable. If archiving fails, the slots after it are voided (their records, if archived, get
  // a "void" line so Open() does not re-apply them), and once they have drained the engine is
  // rebuilt from the events the log holds.

  SubmitResult Commit(std::string_view pdf, Prepared& prepared, const Actor& actor) {
    const Date today = Today();
    SubmitResult result;
    std::uint64_t slot = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      CheckUsableLocked();
      result.deadlines = engine_->Tick(today);
      if (prepared.has_event) {
        ResolveReferences(*engine_, prepared.facts.event);
        result.decision = engine_->Apply(prepared.facts.event, today);
      } else {
        result.decision.accepted = true;
        result.decision.document_id = prepared.facts.document_id;
        result.decision.subject = prepared.facts.party_code;
        result.decision.message_zh = "已归档；此通知不改变流程状态";
        result.decision.message_en = "archived; this notice changes no workflow state";
      }
      if (!result.decision.accepted && result.deadlines.empty()) return result;
      slot = OpenSlotLocked();
      Slot& s = slots_.at(slot);
      if (!result.decision.accepted) {
        s.state = SlotState::kReady;  // only the deadlines to log
        DrainLocked();
      } else {
        s.has_document = true;
        s.has_event = prepared.has_event;
        s.on = today;
        s.document_id = prepared.facts.document_id;
        s.form_type = prepared.facts.form_type;
        s.xml = prepared.info.source_xml;
      }
    }
    if (!result.decision.accepted) {
      FinishSlot(slot);
      return result;
    }

    archive::NewDocument meta;
    meta.form_type = prepared.facts.form_type;
    meta.document_id = prepared.facts.document_id;
    meta.party_kind = prepared.facts.party_kind;
    meta.party_code = prepared.facts.party_code;
    meta.party_name = prepared.facts.party_name;
    if (meta.form_type == "decision") {
      meta.phase = DecisionPhase(prepared.facts.event);
    } else {
      forms::FormInfo info = prepared.info;
      info.party_kind = meta.party_kind;
      meta.phase = PhaseFor(info);
    }
    meta.signers = prepared.signers;
    meta.verdict = "VALID";
    meta.actor = std::string(kActorPrefix) + RoleName(actor.role) + " " + actor.org_code;
    archive::DocumentRecord record;
    bool archived = false;
    std::exception_ptr error;
    try {
      record = store_.Put(pdf, meta);
      archived = true;
      if (options_.after_archive) options_.after_archive();
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      Slot& s = slots_.at(slot);
      if (archived) s.record_id = record.id;
      if (error && archived) {
        // Archived but not to be logged (the test hook's simulated crash): stop writing, as a
        // crash would; Open() reconciles the record.
        broken_ = true;
        written_cv_.notify_all();
      } else {
        s.state = error ? SlotState::kFailed : SlotState::kReady;
        DrainLocked();
      }
    }
    if (error) std::rethrow_exception(error);
    FinishSlot(slot);
    result.record_id = record.id;
    return result;
  }

  // A slot for the engine log entries not yet in one (deadlines fired, then the document).
  std::uint64_t OpenSlotLocked() {
    const std::vector<LoggedEvent>& log = engine_->log();
    Slot s;
    for (std::size_t i = assigned_events_; i < log.size(); ++i) {
      if (const auto* passed = std::get_if<DeadlinePassed>(&log[i].event)) {
        s.deadlines.emplace_back(passed->deadline, log[i].received_on);
      }
    }
    s.events_end = log.size();
    assigned_events_ = log.size();
    slots_.emplace(next_slot_, std::move(s));
    return next_slot_++;
  }

  // Writes every slot that is ready, in order, up to the first still archiving.
  void DrainLocked() {
    std::string bytes;
    std::vector<std::pair<std::uint64_t, bool>> finished;  // slot, voided
    while (!broken_) {
      auto it = slots_.find(next_to_write_);
      if (it == slots_.end() || it->second.state == SlotState::kPending) break;
      Slot& s = it->second;
      bool voided = recovering_ || s.state == SlotState::kFailed;
      if (s.state == SlotState::kFailed) recovering_ = true;
      if (voided) {
        if (!s.record_id.empty()) {
          Poco::JSON::Object line(Poco::JSON_PRESERVE_KEY_ORDER);
          line.set("seq", static_cast<Poco::UInt64>(++lines_));
          line.set("void", s.record_id);
          std::ostringstream out;
          line.stringify(out);
          bytes += out.str() + "\n";
          record_ids_.insert(s.record_id);
        }
      } else {
        for (const auto& [deadline, on] : s.deadlines) {
          bytes += DeadlineLine(++lines_, on, deadline) + "\n";
          ++events_logged_;
        }
        if (s.has_document) {
          bytes += RecordLine(++lines_, s.on, s.record_id, s.has_event) + "\n";
          ++events_logged_;
          record_for_[s.document_id] = s.record_id;
          record_ids_.insert(s.record_id);
          document_ids_.insert(s.document_id);
          AddFigures(s.form_type, s.xml);
        }
        persisted_events_ = s.events_end;
      }
      finished.emplace_back(next_to_write_, voided);
      slots_.erase(it);
      ++next_to_write_;
    }
    if (!bytes.empty()) {
      const char* p = bytes.data();
      std::size_t left = bytes.size();
      while (left > 0) {
        ssize_t n = ::write(log_fd_, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
          Log().error("cannot write the event log: %s", std::string(std::strerror(errno)));
          broken_ = true;
          written_cv_.notify_all();
          return;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
      }
      written_offset_ += bytes.size();
    }
    for (const auto& [slot, voided] : finished) {
      done_[slot] = SlotOutcome{voided, written_offset_.load()};
    }
    if (recovering_ && slots_.empty()) RebuildLocked();
    if (!finished.empty()) written_cv_.notify_all();
  }

  // After an archive failure: the engine again holds exactly the events the log holds.
  void RebuildLocked() {
    const std::vector<LoggedEvent>& log = engine_->log();
    std::vector<LoggedEvent> kept(log.begin(),
                                  log.begin() + static_cast<std::ptrdiff_t>(persisted_events_));
    auto rebuilt = std::make_unique<Engine>(options_.engine);
    if (rebuilt->Replay(kept)) {
      broken_ = true;  // cannot happen: the same events in the same order
      return;
    }
    engine_ = std::move(rebuilt);
    assigned_events_ = persisted_events_ = engine_->log().size();
    recovering_ = false;
  }

  // Waits until the slot's line is written, then until it is durable.
  void FinishSlot(std::uint64_t slot) {
    SlotOutcome outcome;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      written_cv_.wait(lock, [&] { return done_.count(slot) > 0 || broken_; });
      auto it = done_.find(slot);
      if (it == done_.end()) {
        throw Internal("事件日志写入失败，需重新启动服务",
                       "the event log could not be written; restart the service");
      }
      outcome = it->second;
      done_.erase(it);
    }
    if (outcome.voided) {
      throw Internal("此前的一份流程文件未能存档，本次提交未生效，请重新提交",
                     "an earlier transition could not be archived; this one did not take "
                     "effect, please submit it again");
    }
    SyncTo(outcome.offset);
  }

  // Group commit: one fdatasync makes every line written before it durable.
  void SyncTo(std::uint64_t offset) {
    std::lock_guard<std::mutex> sync(sync_mutex_);
    if (synced_offset_.load() >= offset) return;
    const std::uint64_t target = written_offset_.load();
    if (::fdatasync(log_fd_) != 0) {
      std::lock_guard<std::mutex> lock(mutex_);
      broken_ = true;
      written_cv_.notify_all();
      throw Internal("无法同步事件日志", "cannot fsync the event log");
    }
    synced_offset_ = target;
  }

  void CheckUsableLocked() const {
    if (broken_) {
      throw Internal("事件日志写入失败，需重新启动服务",
                     "the event log could not be written; restart the service");
    }
    if (recovering_) {
      throw Internal("存档失败后正在恢复，请稍后重试",
                     "recovering from an archive failure; try again shortly");
    }
  }

  void AddFigures(const std::string& form_type, const std::string& xml) {
    try {
      AddFormFigures(figures_, form_type, xml);
    } catch (const FactsError& e) {
      Log().warning("dashboard figures of a %s: %s", form_type, std::string(e.what()));
    }
  }

  void AppendLocked(const std::vector<std::string>& lines) {
    std::string bytes;
    for (const std::string& line : lines) bytes += line + "\n";
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
      ssize_t n = ::write(log_fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw Internal("无法写入事件日志",
                       std::string("cannot write the event log: ") + std::strerror(errno));
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    if (::fdatasync(log_fd_) != 0) {
      throw Internal("无法同步事件日志", "cannot fsync the event log");
    }
    lines_ += lines.size();
    written_offset_ += bytes.size();
    synced_offset_ = written_offset_.load();
  }

  std::string NextNoticeIdLocked(Date today) const {
    const std::string year = FormatDate(today).substr(0, 4);
    const std::string prefix = "NTC-" + year + "-";
    long serial = 0;
    for (auto it = document_ids_.lower_bound(prefix);
         it != document_ids_.end() && it->compare(0, prefix.size(), prefix) == 0; ++it) {
      const std::string digits = it->substr(prefix.size());
      if (digits.empty() || digits.size() > 6 ||
          digits.find_first_not_of("0123456789") != std::string::npos) {
        continue;
      }
      serial = std::max(serial, std::stol(digits));
    }
    char id[32];
    std::snprintf(id, sizeof id, "NTC-%s-%04ld", year.c_str(), serial + 1);
    return id;
  }

  std::string RenderAndSignNotice(const std::string& xml) {
    std::lock_guard<std::mutex> lock(tools_mutex_);
    if (!renderer_) {
      forms::RendererOptions options;
      options.validator.schema_dir = options_.schema_dir;
      options.clock = options_.clock;
      renderer_ = forms::Renderer::Create(options);
    }
    if (!bureau_signer_) {
      if (options_.bureau_p12.empty()) {
        throw Internal("未配置市工信局的签名密钥", "no bureau signing key is configured");
      }
      signing::SignerOptions options;
      options.clock = options_.clock;
      bureau_signer_ = signing::Signer::Create(
          signing::Credentials::FromPkcs12(options_.bureau_p12, options_.bureau_p12_password),
          options);
    }
    forms::RenderResult rendered = renderer_->Render(xml);
    if (!rendered.report.ok()) {
      throw Internal("生成的通知未通过校验", "the generated notice does not validate: " +
                                                 forms::FormatFindings(rendered.report));
    }
    std::string pdf = std::move(rendered.form.pdf);
    for (const forms::SignatureBlock& block : rendered.form.signature_blocks) {
      signing::SignRequest request;
      request.field_name = block.field_name;
      request.reason = "市工信局发布 / issued by the bureau";
      pdf = bureau_signer_->Sign(pdf, request);
    }
    return pdf;
  }

  // ---- Open: replay and reconcile --------------------------------------------------------

  void Load() {
    std::string content;
    {
      int fd = ::open(log_path_.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd >= 0) {
        char buffer[65536];
        for (;;) {
          ssize_t n = ::read(fd, buffer, sizeof buffer);
          if (n < 0 && errno == EINTR) continue;
          if (n <= 0) break;
          content.append(buffer, static_cast<std::size_t>(n));
        }
        ::close(fd);
      }
    }
    // A torn last line (crash mid-write) never reached fdatasync's return: drop it.
    std::size_t good = content.rfind('\n');
    good = good == std::string::npos ? 0 : good + 1;
    log_fd_ = ::open(log_path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (log_fd_ < 0) {
      throw Internal("无法打开事件日志",
                     "cannot open the event log " + log_path_ + ": " + std::strerror(errno));
    }
    if (good != content.size()) {
      Log().warning("dropping a torn last line of %s", log_path_);
      if (::ftruncate(log_fd_, static_cast<off_t>(good)) != 0) {
        throw Internal("无法截断事件日志", "cannot truncate the event log");
      }
      content.resize(good);
    }

    std::string last_record;
    std::size_t start = 0;
    while (start < content.size()) {
      std::size_t end = content.find('\n', start);
      std::string line = content.substr(start, end - start);
      start = end + 1;
      if (line.empty()) continue;
      ++lines_;
      ReplayLine(line, last_record);
    }
    written_offset_ = content.size();
    synced_offset_ = content.size();
    persisted_events_ = engine_->log().size();
    Reconcile(last_record);
    assigned_events_ = persisted_events_ = engine_->log().size();
  }

  [[noreturn]] void Corrupt(std::size_t line, const std::string& why) const {
    throw Internal("事件日志第 " + std::to_string(line) + " 行无法重放：" + why,
                   "line " + std::to_string(line) + " of the event log cannot be replayed: " + why);
  }

  void ReplayLine(const std::string& line, std::string& last_record) {
    if (line.size() > kMaxLogLine) Corrupt(lines_, "too long");
    Poco::JSON::Object::Ptr object;
    try {
      Poco::JSON::Parser parser;
      object = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
      Corrupt(lines_, e.displayText());
    }
    if (object->has("void")) {
      // Archived, but its transition never took effect (an earlier one failed to archive).
      record_ids_.insert(object->optValue<std::string>("void", ""));
      return;
    }
    std::optional<Date> on = ParseDate(object->optValue<std::string>("on", ""));
    if (!on) Corrupt(lines_, "bad date");
    if (object->has("deadline")) {
      Poco::JSON::Object::Ptr d = object->getObject("deadline");
      std::optional<DeadlineKind> kind =
          d ? ParseDeadlineKind(d->optValue<std::string>("kind", "")) : std::nullopt;
      std::optional<Date> due = d ? ParseDate(d->optValue<std::string>("due", "")) : std::nullopt;
      if (!kind || !due) Corrupt(lines_, "bad deadline");
      Deadline deadline{*kind, *due, d->optValue<std::string>("subject", ""),
                        d->optValue<std::string>("ref", "")};
      Decision decision = engine_->Apply(DeadlinePassed{deadline}, *on);
      if (!decision.accepted) Corrupt(lines_, "deadline refused: " + decision.message_en);
      ++events_logged_;
      return;
    }
    const std::string record_id = object->optValue<std::string>("record", "");
    const bool has_event = object->optValue<bool>("event", true);
    std::optional<archive::DocumentRecord> record = store_.Get(record_id);
    if (!record) Corrupt(lines_, "record " + record_id + " is not in the archive");
    ApplyRecord(*record, *on, has_event, [&](const std::string& why) { Corrupt(lines_, why); });
    ++events_logged_;
    last_record = record_id;
  }

  // Re-derives the event of an archived document and applies it (no signature re-check: the
  // record was VALID when it was accepted, and certificates may have expired since).
  void ApplyRecord(const archive::DocumentRecord& record, Date on, bool has_event,
                   const std::function<void(const std::string&)>& fail) {
    std::string xml;
    try {
      xml = forms::InspectPdf(store_.ReadBytes(record)).source_xml;
    } catch (const std::exception& e) {
      fail(std::string("record ") + record.id + ": " + e.what());
      return;
    }
    if (has_event) {
      Event event;
      try {
        event = ReadFormFacts(record.form_type, xml, record.sha256).event;
      } catch (const FactsError& e) {
        fail(std::string("record ") + record.id + ": " + e.what());
        return;
      }
      ResolveReferences(*engine_, event);
      Decision decision = engine_->Apply(event, on);
      if (!decision.accepted) {
        fail("record " + record.id + " refused: " + decision.article_en + " " +
             decision.message_en);
        return;
      }
    }
    record_for_[record.document_id] = record.id;
    record_ids_.insert(record.id);
    document_ids_.insert(record.document_id);
    AddFigures(record.form_type, xml);
  }

  // Transitions archived after the last logged record but never logged (a crash between Put
  // and the log line): apply and log them now, in archive order.
  void Reconcile(const std::string& last_record) {
    std::uint64_t from = 1;
    if (!last_record.empty()) {
      std::vector<archive::AuditEntry> entries = store_.AuditEntriesFor({last_record});
      if (!entries.empty()) from = entries.back().seq + 1;
    }
    std::vector<archive::AuditEntry> missing;
    store_.ForEachAuditEntry(from, 0, [&](const archive::AuditEntry& entry) {
      if (entry.action == "ingest" && entry.actor.rfind(kActorPrefix, 0) == 0 &&
          !record_ids_.count(entry.record_id)) {
        missing.push_back(entry);
      }
    });
    for (const archive::AuditEntry& entry : missing) {
      std::optional<archive::DocumentRecord> record = store_.Get(entry.record_id);
      if (!record || record_for_.count(record->document_id)) continue;
      Date on = Today();
      try {
        int tz = 0;
        Poco::DateTime time = Poco::DateTimeParser::parse(entry.time, tz);
        on = ChinaDate(std::chrono::system_clock::time_point(
            std::chrono::microseconds(time.timestamp().epochMicroseconds())));
      } catch (const Poco::Exception&) {
        // Keep today.
      }
      const bool has_event = record->form_type != "notice" || HasEvent(*record);
      bool ok = true;
      ApplyRecord(*record, on, has_event, [&](const std::string& why) {
        ok = false;
        Log().warning("archived transition %s not re-applied: %s", record->id, why);
      });
      if (!ok) continue;
      Log().information("reconciled archived transition %s", record->id);
      AppendLocked({RecordLine(lines_ + 1, on, record->id, has_event)});
      ++events_logged_;
      persisted_events_ = engine_->log().size();
    }
  }

  bool HasEvent(const archive::DocumentRecord& record) const {
    try {
      std::string xml = forms::InspectPdf(store_.ReadBytes(record)).source_xml;
      ReadFormFacts(record.form_type, xml, record.sha256);
      return true;
    } catch (const FactsError& e) {
      return e.code != FactsErrorCode::kNoEvent;
    } catch (const std::exception&) {
      return true;
    }
  }

  PilotOptions options_;
  archive::DocumentStore& store_;
  std::unique_ptr<signing::Verifier> verifier_;
  std::unique_ptr<forms::Validator> validator_;

  std::mutex tools_mutex_;  // the lazily created renderer and bureau signer
  std::unique_ptr<forms::Renderer> renderer_;
  std::unique_ptr<signing::Signer> bureau_signer_;
  std::mutex notice_mutex_;  // one notice at a time: its number is the next free one

  mutable std::mutex mutex_;  // everything below
  std::unique_ptr<Engine> engine_;
  DashboardFigures figures_;
  std::map<std::string, std::string> record_for_;  // document id -> record id
  std::set<std::string> document_ids_;
  std::set<std::string> record_ids_;
  std::string log_path_;
  int log_fd_ = -1;
  std::size_t lines_ = 0;             // lines in the event log
  std::size_t events_logged_ = 0;     // of which events (documents and deadlines)
  std::size_t persisted_events_ = 0;  // engine log entries that are in the event log
  std::size_t assigned_events_ = 0;   // engine log entries that belong to a slot or the log
  bool broken_ = false;               // cannot go on: reopen (a crash, as far as the log knows)
  bool recovering_ = false;           // an archive failure: rebuilding once the slots drain
  // The commit pipeline (see Commit): slots in the order their events were applied.
  std::map<std::uint64_t, Slot> slots_;
  std::uint64_t next_slot_ = 0;
  std::uint64_t next_to_write_ = 0;
  std::map<std::uint64_t, SlotOutcome> done_;
  std::condition_variable written_cv_;
  std::atomic<std::uint64_t> written_offset_{0};  // bytes of the log written
  std::mutex sync_mutex_;                         // one fdatasync at a time
  std::atomic<std::uint64_t> synced_offset_{0};   // bytes of the log known durable
};

}  // namespace

std::unique_ptr<Pilot> Pilot::Open(const PilotOptions& options, archive::DocumentStore& store) {
  if (options.data_dir.empty()) {
    throw Internal("数据目录为空", "the data directory is empty");
  }
  return std::make_unique<PilotImpl>(options, store);
}

}  // namespace sealflow::workflow
