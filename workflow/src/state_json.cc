// Copyright sealflow authors.
#include "state_json.h"

#include <Poco/JSON/Array.h>

#include <sstream>

namespace sealflow::workflow {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr NewObject() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Poco::Dynamic::Var OptDate(const std::optional<Date>& date) {
  if (!date) return Poco::Dynamic::Var();
  return FormatDate(*date);
}

Array::Ptr Strings(const std::vector<std::string>& values) {
  Array::Ptr array = new Array();
  for (const std::string& value : values) array->add(value);
  return array;
}

Array::Ptr History(const std::vector<Transition>& history) {
  Array::Ptr array = new Array();
  for (const Transition& t : history) {
    Object::Ptr o = NewObject();
    o->set("on", FormatDate(t.on));
    o->set("documentId", t.document_id);
    o->set("from", t.from);
    o->set("to", t.to);
    o->set("article", t.article_zh);
    array->add(o);
  }
  return array;
}

const char* AppealGroundName(AppealGround ground) {
  switch (ground) {
    case AppealGround::kEnterpriseDelay:
      return "enterprise-delay";
    case AppealGround::kUnsatisfiedRating:
      return "unsatisfied-rating";
    case AppealGround::kForceMajeure:
      return "force-majeure";
  }
  return "force-majeure";
}

const char* AppealOutcomeName(AppealOutcome outcome) {
  switch (outcome) {
    case AppealOutcome::kPending:
      return "pending";
    case AppealOutcome::kUpheld:
      return "upheld";
    case AppealOutcome::kRejected:
      return "rejected";
  }
  return "pending";
}

const char* ReportOutcomeName(ReportOutcome outcome) {
  switch (outcome) {
    case ReportOutcome::kAwaitingResponse:
      return "awaiting-response";
    case ReportOutcome::kResponded:
      return "responded";
    case ReportOutcome::kCleared:
      return "cleared";
    case ReportOutcome::kFraudConfirmed:
      return "fraud-confirmed";
    case ReportOutcome::kNoResponse:
      return "no-response";
  }
  return "awaiting-response";
}

Object::Ptr RatingBody(const Rating& rating) {
  Object::Ptr o = NewObject();
  o->set("period", rating.period);
  o->set("documentId", rating.document_id);
  o->set("publishedOn", FormatDate(rating.published_on));
  o->set("stars", StarsNumber(rating.result.stars));
  o->set("enterprisesServed", rating.inputs.enterprises_served);
  o->set("evaluations", rating.result.evaluations);
  o->set("satisfied", rating.inputs.satisfied);
  o->set("basicallySatisfied", rating.inputs.basically_satisfied);
  o->set("dissatisfied", rating.inputs.dissatisfied);
  o->set("score",
         rating.result.score ? Poco::Dynamic::Var(*rating.result.score) : Poco::Dynamic::Var());
  o->set("explanation", rating.result.explanation);
  return o;
}

}  // namespace

int StarsNumber(Stars stars) { return static_cast<int>(stars); }

std::string ToJson(const Object::Ptr& object) {
  std::ostringstream out;
  object->stringify(out);
  return out.str();
}

Object::Ptr ProviderJson(const Provider& p) {
  Object::Ptr o = NewObject();
  o->set("creditCode", p.code);
  o->set("name", p.name);
  o->set("state", std::string(ProviderStateName(p.state)));
  o->set("address", p.address);
  o->set("legalRepresentative", p.legal_representative);
  o->set("subIndustriesApplied", Strings(p.sub_industries_applied));
  o->set("subIndustriesListed", Strings(p.sub_industries_listed));
  o->set("listingNoticeId", p.listing_notice_id);
  o->set("noticedOn", OptDate(p.noticed_on));
  o->set("objectionPeriodEnd", OptDate(p.objection_period_end));
  o->set("listedOn", OptDate(p.listed_on));
  Array::Ptr warnings = new Array();
  for (const Warning& w : p.warnings) {
    Object::Ptr wo = NewObject();
    wo->set("id", w.id);
    wo->set("ground", w.ground);
    wo->set("sourceDocument", w.source_document);
    wo->set("issuedOn", FormatDate(w.issued_on));
    wo->set("rectificationDeadline", FormatDate(w.rectification_deadline));
    wo->set("rectifiedOn", OptDate(w.rectified_on));
    wo->set("appealWindowEnd", FormatDate(w.appeal_window_end));
    wo->set("suspended", w.suspended);
    wo->set("withdrawn", w.withdrawn);
    wo->set("deadlineMissed", w.deadline_missed);
    wo->set("effective", w.Effective());
    warnings->add(wo);
  }
  o->set("warnings", warnings);
  Array::Ptr appeals = new Array();
  for (const Appeal& a : p.appeals) {
    Object::Ptr ao = NewObject();
    ao->set("id", a.id);
    ao->set("warningId", a.warning_id);
    ao->set("ground", std::string(AppealGroundName(a.ground)));
    ao->set("filedOn", FormatDate(a.filed_on));
    ao->set("outcome", std::string(AppealOutcomeName(a.outcome)));
    appeals->add(ao);
  }
  o->set("appeals", appeals);
  Array::Ptr reports = new Array();
  for (const Report& r : p.reports) {
    Object::Ptr ro = NewObject();
    ro->set("id", r.id);
    ro->set("filedOn", FormatDate(r.filed_on));
    ro->set("responseDeadline", FormatDate(r.response_deadline));
    ro->set("respondedOn", OptDate(r.responded_on));
    ro->set("outcome", std::string(ReportOutcomeName(r.outcome)));
    reports->add(ro);
  }
  o->set("reports", reports);
  if (p.disqualification_open) {
    Object::Ptr d = NewObject();
    d->set("article",
           p.disqualification_open->article_zh + " / " + p.disqualification_open->article_en);
    d->set("reason",
           p.disqualification_open->reason_zh + " / " + p.disqualification_open->reason_en);
    d->set("cause", p.disqualification_open->cause);
    d->set("openedOn", FormatDate(p.disqualification_open->opened_on));
    o->set("disqualificationOpen", d);
  } else {
    o->set("disqualificationOpen", Poco::Dynamic::Var());
  }
  o->set("feesWithheld", p.fees_withheld);
  Array::Ptr ratings = new Array();
  for (const Rating& r : p.ratings) ratings->add(RatingBody(r));
  o->set("ratings", ratings);
  o->set("history", History(p.history));
  return o;
}

Object::Ptr PublicProviderJson(const Provider& p) {
  Object::Ptr o = NewObject();
  o->set("creditCode", p.code);
  o->set("name", p.name);
  o->set("subIndustries", Strings(p.sub_industries_listed));
  o->set("listedOn", OptDate(p.listed_on));
  o->set("listingNoticeId", p.listing_notice_id);
  if (p.ratings.empty()) {
    o->set("stars", Poco::Dynamic::Var());
    o->set("ratingPeriod", Poco::Dynamic::Var());
  } else {
    o->set("stars", StarsNumber(p.ratings.back().result.stars));
    o->set("ratingPeriod", p.ratings.back().period);
  }
  return o;
}

Object::Ptr ProjectJson(const Project& p) {
  Object::Ptr o = NewObject();
  o->set("enterpriseCode", p.enterprise_code);
  o->set("enterpriseName", p.enterprise_name);
  o->set("subIndustry", p.sub_industry);
  o->set("scale", std::string(p.scale == Scale::kAboveDesignatedSize ? "规上" : "规下"));
  o->set("providerCode", p.provider_code);
  o->set("state", std::string(ProjectStateName(p.state)));
  o->set("diagnosticReportId", p.diagnostic_report_id);
  o->set("planId", p.plan_id);
  o->set("planHash", p.plan_hash);
  o->set("planTotal", FormatYuan(p.plan_total));
  o->set("approvedOn", OptDate(p.approved_on));
  o->set("approvedTotal", FormatYuan(p.approved_total));
  o->set("approvedScenes", Strings(p.approved_scenes));
  o->set("contractId", p.contract_id);
  o->set("contractSignedOn", OptDate(p.contract_signed_on));
  o->set("contractAmount", FormatYuan(p.contract_amount));
  Array::Ptr payments = new Array();
  for (const PaymentEntry& pay : p.payments) {
    Object::Ptr po = NewObject();
    po->set("documentId", pay.document_id);
    po->set("paidOn", FormatDate(pay.paid_on));
    po->set("amount", FormatYuan(pay.amount));
    payments->add(po);
  }
  o->set("payments", payments);
  o->set("progressReports", Strings(p.progress_reports));
  o->set("changesRecorded", Strings(p.changes_recorded));
  o->set("pendingChange", p.pending_change ? Poco::Dynamic::Var(p.pending_change->document_id)
                                           : Poco::Dynamic::Var());
  Array::Ptr acceptance = new Array();
  for (const AcceptanceAttempt& a : p.acceptance) {
    Object::Ptr ao = NewObject();
    ao->set("applicationId", a.application_id);
    ao->set("batch", std::to_string(a.batch_year) + "-" + std::to_string(a.batch_number));
    ao->set("appliedOn", FormatDate(a.applied_on));
    ao->set("conclusionId", a.conclusion_id);
    ao->set("passed", a.passed ? Poco::Dynamic::Var(*a.passed) : Poco::Dynamic::Var());
    ao->set("rectificationDeadline", OptDate(a.rectification_deadline));
    ao->set("rectifiedOn", OptDate(a.rectified_on));
    acceptance->add(ao);
  }
  o->set("acceptance", acceptance);
  o->set("satisfaction", p.satisfaction ? Poco::Dynamic::Var(SatisfactionName(*p.satisfaction))
                                        : Poco::Dynamic::Var());
  Array::Ptr flags = new Array();
  for (const ProjectFlag& f : p.flags) {
    Object::Ptr fo = NewObject();
    fo->set("code", f.code);
    fo->set("cause", f.cause);
    fo->set("on", FormatDate(f.on));
    flags->add(fo);
  }
  o->set("flags", flags);
  o->set("history", History(p.history));
  return o;
}

Object::Ptr DeadlineJson(const Deadline& d) {
  Object::Ptr o = NewObject();
  o->set("kind", std::string(DeadlineKindName(d.kind)));
  o->set("due", FormatDate(d.due));
  o->set("subject", d.subject);
  o->set("ref", d.ref);
  return o;
}

Object::Ptr RatingJson(const std::string& provider_code, const Rating& rating) {
  Object::Ptr o = RatingBody(rating);
  o->set("providerCode", provider_code);
  return o;
}

Object::Ptr DecisionJson(const Decision& d) {
  Object::Ptr o = NewObject();
  o->set("accepted", d.accepted);
  o->set("documentId", d.document_id);
  o->set("subject", d.subject);
  o->set("newState", d.new_state);
  o->set("articleZh", d.article_zh);
  o->set("articleEn", d.article_en);
  o->set("messageZh", d.message_zh);
  o->set("messageEn", d.message_en);
  Array::Ptr raised = new Array();
  for (const Raised& r : d.raised) {
    Object::Ptr ro = NewObject();
    ro->set("kind", std::string(RaisedKindName(r.kind)));
    ro->set("articleZh", r.article_zh);
    ro->set("articleEn", r.article_en);
    ro->set("providerCode", r.provider_code);
    ro->set("enterpriseCode", r.enterprise_code);
    ro->set("messageZh", r.message_zh);
    ro->set("messageEn", r.message_en);
    raised->add(ro);
  }
  o->set("raised", raised);
  return o;
}

Object::Ptr SubmitResultJson(const SubmitResult& result) {
  Object::Ptr o = NewObject();
  o->set("decision", DecisionJson(result.decision));
  o->set("recordId", result.record_id);
  Array::Ptr deadlines = new Array();
  for (const Decision& d : result.deadlines) deadlines->add(DecisionJson(d));
  o->set("deadlinesFired", deadlines);
  return o;
}

}  // namespace sealflow::workflow
