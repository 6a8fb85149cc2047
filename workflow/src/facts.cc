// Copyright sealflow authors.
#include "workflow/facts.h"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NamedNodeMap.h>
#include <Poco/DOM/Node.h>
#include <Poco/Exception.h>
#include <Poco/SAX/XMLReader.h>

#include <algorithm>
#include <initializer_list>
#include <utility>

#include "facts_xml.h"
#include "forms/error.h"
#include "forms/inspect.h"

namespace sealflow::workflow {

FactsError::FactsError(FactsErrorCode error_code, std::string at, std::string zh, std::string en)
    : std::runtime_error(zh + " / " + en + (at.empty() ? "" : " (" + at + ")")),
      code(error_code),
      element(std::move(at)),
      message_zh(std::move(zh)),
      message_en(std::move(en)) {}

namespace facts_xml {

namespace {
// Forms are at most 16 MiB (forms::ValidatorOptions); the same bound keeps memory bounded here.
constexpr std::size_t kMaxXmlBytes = 16u << 20;
}  // namespace

Form::Form(const std::string& form_type, const std::string& xml) : form_(form_type) {
  if (xml.size() > kMaxXmlBytes) {
    throw FactsError(FactsErrorCode::kMalformed, form_type, "表单超过 16 MiB",
                     "the form is larger than 16 MiB");
  }
  // Forms never carry a DOCTYPE (forms' parser refuses one); refusing it here too keeps entity
  // expansion and external entities out of this second parse.
  if (xml.find("<!DOCTYPE") != std::string::npos || xml.find("<!ENTITY") != std::string::npos) {
    throw FactsError(FactsErrorCode::kMalformed, form_type, "表单不得包含 DOCTYPE",
                     "a form must not contain a DOCTYPE");
  }
  Poco::XML::DOMParser parser;
  parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
  parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
  parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, true);
  try {
    doc_ = parser.parseMemory(xml.data(), xml.size());
  } catch (const Poco::Exception& error) {
    throw FactsError(FactsErrorCode::kMalformed, form_type, "表单 XML 格式错误：" + error.message(),
                     "the form XML is not well-formed: " + error.message());
  }
  root_ = doc_ ? doc_->documentElement() : nullptr;
  if (root_ == nullptr || root_->localName() != form_type || !root_->namespaceURI().empty()) {
    throw FactsError(FactsErrorCode::kMalformed, form_type, "根元素不是 <" + form_type + ">",
                     "the root element is not <" + form_type + ">");
  }
}

Form::~Form() = default;

std::string Form::PathOf(const Poco::XML::Element* element, std::string_view tail) const {
  std::vector<std::string> names;
  for (const Poco::XML::Node* node = element; node != nullptr && node != doc_.get();
       node = node->parentNode()) {
    names.push_back(node->localName());
  }
  std::string path;
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    if (!path.empty()) path += "/";
    path += *it;
  }
  if (!tail.empty()) {
    if (!path.empty()) path += "/";
    path += tail;
  }
  return path;
}

const Poco::XML::Element* Form::Child(const Poco::XML::Element* parent, std::string_view name) {
  if (parent == nullptr) return nullptr;
  for (Poco::XML::Node* node = parent->firstChild(); node != nullptr; node = node->nextSibling()) {
    if (node->nodeType() == Poco::XML::Node::ELEMENT_NODE && node->localName() == name) {
      return static_cast<const Poco::XML::Element*>(node);
    }
  }
  return nullptr;
}

std::vector<const Poco::XML::Element*> Form::Children(const Poco::XML::Element* parent,
                                                      std::string_view name) {
  std::vector<const Poco::XML::Element*> out;
  if (parent == nullptr) return out;
  for (Poco::XML::Node* node = parent->firstChild(); node != nullptr; node = node->nextSibling()) {
    if (node->nodeType() == Poco::XML::Node::ELEMENT_NODE && node->localName() == name) {
      out.push_back(static_cast<const Poco::XML::Element*>(node));
    }
  }
  return out;
}

const Poco::XML::Element* Form::Find(const Poco::XML::Element* from,
                                     std::initializer_list<std::string_view> path) const {
  const Poco::XML::Element* node = from;
  for (std::string_view name : path) {
    node = Child(node, name);
    if (node == nullptr) return nullptr;
  }
  return node;
}

const Poco::XML::Element* Form::Need(const Poco::XML::Element* from,
                                     std::initializer_list<std::string_view> path) const {
  const Poco::XML::Element* node = from;
  for (std::string_view name : path) {
    const Poco::XML::Element* next = Child(node, name);
    if (next == nullptr) {
      std::string at = PathOf(node, name);
      throw FactsError(FactsErrorCode::kMissingField, at, "缺少元素 <" + std::string(name) + ">",
                       "missing element <" + std::string(name) + ">");
    }
    node = next;
  }
  return node;
}

std::string Form::Trim(const std::string& text) {
  const char* blanks = " \t\r\n";
  std::size_t first = text.find_first_not_of(blanks);
  if (first == std::string::npos) return "";
  std::size_t last = text.find_last_not_of(blanks);
  return text.substr(first, last - first + 1);
}

std::string Form::TextOf(const Poco::XML::Element* element) {
  return element == nullptr ? "" : Trim(element->innerText());
}

std::string Form::Text(const Poco::XML::Element* from,
                       std::initializer_list<std::string_view> path) const {
  const Poco::XML::Element* node = Need(from, path);
  std::string text = TextOf(node);
  if (text.empty()) {
    throw FactsError(FactsErrorCode::kMissingField, PathOf(node), "元素为空",
                     "the element is empty");
  }
  return text;
}

std::string Form::OptionalText(const Poco::XML::Element* from,
                               std::initializer_list<std::string_view> path) const {
  return TextOf(Find(from, path));
}

std::string Form::Attribute(const Poco::XML::Element* element, const std::string& name) const {
  if (element == nullptr || !element->hasAttribute(name) ||
      Trim(element->getAttribute(name)).empty()) {
    std::string at = element == nullptr ? form_ : PathOf(element, "@" + name);
    throw FactsError(FactsErrorCode::kMissingField, at, "缺少属性 " + name,
                     "missing attribute " + name);
  }
  return Trim(element->getAttribute(name));
}

std::string Form::OptionalAttribute(const Poco::XML::Element* element,
                                    const std::string& name) const {
  if (element == nullptr || !element->hasAttribute(name)) return "";
  return Trim(element->getAttribute(name));
}

Date Form::DateOf(const Poco::XML::Element* element) const {
  std::string text = TextOf(element);
  // xs:date may carry a time zone; the day is what counts.
  std::string day = text.size() > 10 ? text.substr(0, 10) : text;
  std::optional<Date> date = ParseDate(day);
  if (!date || (text.size() > 10 && text[10] != 'Z' && text[10] != '+' && text[10] != '-')) {
    throw FactsError(FactsErrorCode::kBadField, PathOf(element), "日期无效：" + text,
                     "not a date: " + text);
  }
  return *date;
}

Date Form::DateAt(const Poco::XML::Element* from,
                  std::initializer_list<std::string_view> path) const {
  const Poco::XML::Element* node = Need(from, path);
  if (TextOf(node).empty()) {
    throw FactsError(FactsErrorCode::kMissingField, PathOf(node), "日期为空", "the date is empty");
  }
  return DateOf(node);
}

std::optional<Date> Form::OptionalDateAt(const Poco::XML::Element* from,
                                         std::initializer_list<std::string_view> path) const {
  const Poco::XML::Element* node = Find(from, path);
  if (node == nullptr) return std::nullopt;
  return DateOf(node);
}

Fen Form::YuanAt(const Poco::XML::Element* from,
                 std::initializer_list<std::string_view> path) const {
  const Poco::XML::Element* node = Need(from, path);
  std::string text = TextOf(node);
  std::optional<Fen> fen = ParseYuan(text);
  if (!fen) {
    throw FactsError(FactsErrorCode::kBadField, PathOf(node), "金额无效：" + text,
                     "not an amount in yuan: " + text);
  }
  return *fen;
}

bool Form::BoolOf(const Poco::XML::Element* node) const {
  std::string text = TextOf(node);
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  throw FactsError(FactsErrorCode::kBadField, PathOf(node), "不是布尔值：" + text,
                   "not a boolean: " + text);
}

bool Form::BoolAt(const Poco::XML::Element* from,
                  std::initializer_list<std::string_view> path) const {
  return BoolOf(Need(from, path));
}

int Form::IntOf(const Poco::XML::Element* node, int min, int max) const {
  std::string text = TextOf(node);
  int value = 0;
  bool ok = !text.empty() && text.size() <= 9;
  for (char c : text) {
    if (c < '0' || c > '9') ok = false;
  }
  if (ok) value = std::stoi(text);
  if (!ok || value < min || value > max) {
    throw FactsError(
        FactsErrorCode::kBadField, PathOf(node),
        "须为 " + std::to_string(min) + "–" + std::to_string(max) + " 的整数：" + text,
        "not an integer in " + std::to_string(min) + "–" + std::to_string(max) + ": " + text);
  }
  return value;
}

int Form::IntAt(const Poco::XML::Element* from, std::initializer_list<std::string_view> path,
                int min, int max) const {
  return IntOf(Need(from, path), min, max);
}

}  // namespace facts_xml

namespace {

using facts_xml::Form;
using Poco::XML::Element;

std::string CodeOf(const Form& f, const Element* party) { return f.Text(party, {"creditCode"}); }

Scale ScaleOf(const Form& f, const Element* enterprise) {
  const Element* node = f.Need(enterprise, {"scale"});
  std::string text = Form::TextOf(node);
  if (text == "规上") return Scale::kAboveDesignatedSize;
  if (text == "规下") return Scale::kBelowDesignatedSize;
  throw FactsError(FactsErrorCode::kBadField, f.PathOf(node), "规模须为 规上 或 规下：" + text,
                   "scale must be 规上 or 规下: " + text);
}

Satisfaction SatisfactionOf(const Form& f, const Element* node) {
  std::optional<Satisfaction> value = ParseSatisfaction(Form::TextOf(node));
  if (!value) {
    throw FactsError(FactsErrorCode::kBadField, f.PathOf(node),
                     "总体评价须为 满意、基本满意 或 不满意",
                     "overall must be 满意, 基本满意 or 不满意");
  }
  return *value;
}

// The distinct values of attribute `name` of parent's children `child`, in document order.
std::vector<std::string> AttributeList(const Form& f, const Element* parent, std::string_view child,
                                       const std::string& name) {
  std::vector<std::string> out;
  for (const Element* node : Form::Children(parent, child)) {
    std::string value = f.Attribute(node, name);
    if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(value);
  }
  return out;
}

std::vector<std::string> TextList(const Element* parent, std::string_view child) {
  std::vector<std::string> out;
  for (const Element* node : Form::Children(parent, child)) {
    std::string text = Form::TextOf(node);
    if (!text.empty()) out.push_back(text);
  }
  return out;
}

const Element* FirstFollows(const Form& f, const char* form_type) {
  for (const Element* follows : Form::Children(f.root(), "follows")) {
    if (f.OptionalAttribute(follows, "formType") == form_type) return follows;
  }
  return nullptr;
}

// ---- per form type ----

Event FromApplication(const Form& f) {
  const Element* root = f.root();
  const Element* provider = f.Need(root, {"provider"});
  ProviderApplication e;
  e.document_id = f.Attribute(root, "id");
  e.date = f.DateAt(root, {"applicationDate"});
  e.provider_code = CodeOf(f, provider);
  e.provider_name = f.Text(provider, {"name"});
  e.address = f.Text(provider, {"address"});
  e.legal_representative = f.Text(provider, {"legalRepresentative"});
  e.business_scope = f.Text(provider, {"businessScope"});
  e.registered_capital = f.Text(provider, {"registeredCapital"});
  e.sub_industries = TextList(f.Need(root, {"subIndustries"}), "subIndustry");
  if (e.sub_industries.empty()) {
    throw FactsError(FactsErrorCode::kMissingField, "application/subIndustries/subIndustry",
                     "未填报服务细分行业", "no sub-industry applied for");
  }
  for (const Element* c : Form::Children(f.Find(root, {"cases"}), "case")) {
    e.case_sub_industries.push_back(f.Attribute(c, "subIndustry"));
  }
  const Element* declarations = f.Need(root, {"declarations"});
  e.declarations_affirmed = true;
  for (const char* name : {"notOnAbnormalOperationList", "notOnSeriousDishonestyList",
                           "noMajorSafetyAccident", "noTaxViolation"}) {
    e.declarations_affirmed = f.BoolAt(declarations, {name}) && e.declarations_affirmed;
  }
  return e;
}

Event FromDiagnosticReport(const Form& f) {
  const Element* root = f.root();
  DiagnosticReport e;
  e.document_id = f.Attribute(root, "id");
  e.date = f.DateAt(root, {"reportDate"});
  e.enterprise_code = CodeOf(f, f.Need(root, {"enterprise"}));
  e.provider_code = CodeOf(f, f.Need(root, {"provider"}));
  e.enterprise_confirmed = true;  // its "enterprise" signature is required (RequiredSignature)
  return e;
}

void ReadFunding(const Form& f, const Element* funding, Fen& enterprise, Fen& provider,
                 Fen& government) {
  enterprise = f.YuanAt(funding, {"enterpriseShare"});
  provider = f.YuanAt(funding, {"providerConcession"});
  government = f.YuanAt(funding, {"governmentSubsidy"});
}

Event FromPlan(const Form& f, std::string_view sha256) {
  const Element* root = f.root();
  PlanFiling e;
  e.document_id = f.Attribute(root, "id");
  e.date = f.DateAt(root, {"planDate"});
  e.enterprise_code = CodeOf(f, f.Need(root, {"enterprise"}));
  e.provider_code = CodeOf(f, f.Need(root, {"provider"}));
  if (sha256.size() != 64 || !std::all_of(sha256.begin(), sha256.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      })) {
    throw FactsError(FactsErrorCode::kMissingField, "transformation-plan",
                     "改造方案的事实需要已签名 PDF 的 SHA-256（合同和备案审核以此指认方案）",
                     "a plan's facts need the SHA-256 of its signed PDF (contracts and plan "
                     "decisions name the plan by it)");
  }
  e.plan_hash = std::string(sha256);
  e.total = f.YuanAt(root, {"costs", "total"});
  e.scenes = AttributeList(f, f.Need(root, {"items"}), "item", "scene");
  ReadFunding(f, f.Need(root, {"funding"}), e.enterprise_share, e.provider_concession,
              e.government_subsidy);
  return e;
}

Event FromChangeFiling(const Form& f) {
  const Element* root = f.root();
  ChangeFiling e;
  e.document_id = f.Attribute(root, "id");
  e.date = f.DateAt(root, {"filingDate"});
  e.enterprise_code = CodeOf(f, f.Need(root, {"enterprise"}));
  e.previous_total = f.YuanAt(root, {"investment", "previousTotal"});
  e.new_total = f.YuanAt(root, {"investment", "newTotal"});
  const Element* changes = f.Find(root, {"sceneChanges"});
  e.scenes_added = AttributeList(f, changes, "added", "scene");
  e.scenes_removed = AttributeList(f, changes, "removed", "scene");
  e.declared_requires_review = f.BoolAt(root, {"requiresReview"});
  return e;
}

Event FromContract(const Form& f) {
  const Element* root = f.root();
  ContractSigning e;
  e.document_id = f.Attribute(root, "id");
  e.date = f.DateAt(root, {"signedOn"});
  e.enterprise_code = CodeOf(f, f.Need(root, {"enterprise"}));
  e.provider_code = CodeOf(f, f.Need(root, {"provider"}));
  const Element* plan = FirstFollows(f, "transformation-plan");
  if (plan == nullptr) {
    throw FactsError(
        FactsErrorCode::kMissingField, "contract/follows",
        "合同须引用通过备案审核的改造方案（<follows formType=\"transformation-plan\">）",
        "a contract must follow its transformation plan");
  }
  e.plan_hash = f.Attribute(plan, "sha256");
  e.amount = f.YuanAt(root, {"amount"});
  e.scenes = AttributeList(f, f.Need(root, {"scope"}), "scene", "code");
  const Element* no_sub = f.Need(root, {"noSubcontracting"});
  e.no_subcontracting_affirmed = f.BoolAt(no_sub, {"affirmed"});
  e.declares_subcontracting = !Form::Children(no_sub, "subcontractor").empty();
  return e;
}

Event FromProgressReport(const Form& f) {
  const Element* root = f.root();
  ProgressReport e;
  e.document_id = f.Attribute(root, "id");
  e.date = f.DateAt(root, {"reportDate"});
  e.enterprise_code = CodeOf(f, f.Need(root, {"enterprise"}));
  e.provider_code = CodeOf(f, f.Need(root, {"provider"}));
  e.period_start = f.DateAt(root, {"period", "start"});
  for (const Element* milestone : Form::Children(f.Find(root, {"milestones"}), "milestone")) {
    Date day = f.DateAt(milestone, {"date"});
    if (!e.earliest_work_date || day < *e.earliest_work_date) e.earliest_work_date = day;
  }
  return e;
}

Event FromAcceptanceApplication(const Form& f) {
  const Element* root = f.root();
  AcceptanceApplication e;
  e.document_id = f.Attribute(root, "id");
  e.date = f.DateAt(root, {"applicationDate"});
  e.enterprise_code = CodeOf(f, f.Need(root, {"enterprise"}));
  e.batch_year = f.IntAt(root, {"batch", "year"}, 2000, 2100);
  e.batch_number = f.IntAt(root, {"batch", "number"}, 1, 999);
  return e;
}

Event FromAcceptanceConclusion(const Form& f) {
  const Element* root = f.root();
  AcceptanceConclusion e;
  e.document_id = f.Attribute(root, "id");
  e.date = f.DateAt(root, {"concludedOn"});
  e.enterprise_code = CodeOf(f, f.Need(root, {"enterprise"}));
  const Element* result = f.Need(root, {"result"});
  std::string text = Form::TextOf(result);
  if (text != "通过" && text != "不通过") {
    throw FactsError(FactsErrorCode::kBadField, f.PathOf(result), "验收结果须为 通过 或 不通过",
                     "the result must be 通过 or 不通过");
  }
  e.passed = text == "通过";
  if (!e.passed) e.rectification_deadline = f.OptionalDateAt(root, {"rectification", "deadline"});
  return e;
}

Event FromSatisfaction(const Form& f) {
  const Element* root = f.root();
  SatisfactionEvaluation e;
  e.document_id = f.Attribute(root, "id");
  e.date = f.DateAt(root, {"date"});
  e.enterprise_code = CodeOf(f, f.Need(root, {"enterprise"}));
  e.provider_code = CodeOf(f, f.Need(root, {"provider"}));
  e.overall = SatisfactionOf(f, f.Need(root, {"overall"}));
  return e;
}

Event FromAppeal(const Form& f) {
  const Element* root = f.root();
  AppealFiling e;
  e.document_id = f.Attribute(root, "id");
  e.date = f.DateAt(root, {"date"});
  e.provider_code = CodeOf(f, f.Need(root, {"provider"}));
  const Element* ground = f.Need(root, {"ground"});
  std::string text = Form::TextOf(ground);
  if (text == "enterprise-delay") {
    e.ground = AppealGround::kEnterpriseDelay;
  } else if (text == "unsatisfied-rating") {
    e.ground = AppealGround::kUnsatisfiedRating;
  } else if (text == "force-majeure") {
    e.ground = AppealGround::kForceMajeure;
  } else {
    throw FactsError(FactsErrorCode::kBadField, f.PathOf(ground), "申诉情形无效：" + text,
                     "unknown appeal ground: " + text);
  }
  e.contested_warning_id = f.Attribute(f.Need(root, {"follows"}), "documentId");
  e.states_matter_reason_purpose = !f.OptionalText(root, {"matter"}).empty() &&
                                   !f.OptionalText(root, {"reason"}).empty() &&
                                   !f.OptionalText(root, {"purpose"}).empty();
  e.has_evidence = !Form::Children(f.Find(root, {"evidence"}), "item").empty();
  return e;
}

Event FromReport(const Form& f) {
  const Element* root = f.root();
  RealNameReport e;
  e.document_id = f.Attribute(root, "id");
  e.date = f.DateAt(root, {"date"});
  e.provider_code = CodeOf(f, f.Need(root, {"provider"}));
  const Element* reporter = f.Need(root, {"reporter"});
  if (const Element* person = Form::Child(reporter, "person")) {
    e.reporter_name = f.Text(person, {"name"});
    e.reporter_id_number = f.Text(person, {"idNumber"});
    e.reporter_contact = f.Text(person, {"phone"});
  } else {
    const Element* organisation = f.Need(reporter, {"organisation"});
    e.reporter_name = f.Text(organisation, {"name"});
    e.reporter_id_number = f.Text(organisation, {"creditCode"});
    e.reporter_contact =
        f.Text(organisation, {"contactPerson"}) + " " + f.Text(organisation, {"phone"});
  }
  e.has_evidence = !Form::Children(f.Find(root, {"evidence"}), "item").empty();
  return e;
}

// "2026-Q2" for a day in April–June 2026.
std::string QuarterOf(Date day) {
  std::chrono::year_month_day ymd{day};
  unsigned quarter = (static_cast<unsigned>(ymd.month()) - 1) / 3 + 1;
  return std::to_string(static_cast<int>(ymd.year())) + "-Q" + std::to_string(quarter);
}

Event FromNotice(const Form& f) {
  const Element* root = f.root();
  const std::string id = f.Attribute(root, "id");
  const Date date = f.DateAt(root, {"issueDate"});
  std::vector<std::string> codes;
  for (const Element* provider : Form::Children(f.Need(root, {"providers"}), "provider")) {
    codes.push_back(CodeOf(f, provider));
  }
  if (codes.empty()) {
    throw FactsError(FactsErrorCode::kMissingField, "notice/providers/provider", "通知未列出服务商",
                     "the notice names no provider");
  }
  if (const Element* listing = Form::Child(root, "listing")) {
    ListingNotice e;
    e.document_id = id;
    e.date = date;
    e.provider_codes = codes;
    e.objection_period_end = f.DateAt(listing, {"objectionPeriod", "end"});
    return e;
  }
  if (const Element* rating = Form::Child(root, "rating")) {
    RatingNotice e;
    e.document_id = id;
    e.date = date;
    e.period = QuarterOf(f.DateAt(rating, {"ratingDate"}));
    return e;
  }
  if (const Element* warning = Form::Child(root, "warning")) {
    WarningNotice e;
    e.document_id = id;
    e.date = date;
    e.provider_code = codes.front();
    e.ground = f.IntAt(warning, {"ground"}, 1, 6);
    if (const Element* follows = Form::Child(root, "follows")) {
      e.source_document = f.Attribute(follows, "documentId");
    }
    e.rectification_deadline = f.DateAt(warning, {"rectificationDeadline"});
    return e;
  }
  if (const Element* disqualification = Form::Child(root, "disqualification")) {
    DisqualificationDecision e;
    e.document_id = id;
    e.date = date;
    e.provider_code = codes.front();
    e.ground = f.IntAt(disqualification, {"ground"}, 1, 5);
    return e;
  }
  for (const char* kind : {"acceptanceBatch", "reportResponse"}) {
    if (Form::Child(root, kind) != nullptr) {
      throw FactsError(FactsErrorCode::kNoEvent, std::string("notice/") + kind,
                       std::string(kind) == "acceptanceBatch"
                           ? "验收批次通知不改变任何服务商或项目的状态"
                           : "举报核查通知不改变状态：回复期限自举报之日起算（第十八条）",
                       std::string(kind) == "acceptanceBatch"
                           ? "an acceptance-batch notice changes no provider's or project's state"
                           : "a report-response notice changes no state: the response deadline "
                             "runs from the report (Art. 18)");
    }
  }
  throw FactsError(FactsErrorCode::kMissingField, "notice", "通知缺少种类元素",
                   "the notice has no kind element");
}

// ---- decision ----

struct DecisionKind {
  std::string_view element;
  std::string_view subject;  // "provider" / "enterprise"
};
constexpr DecisionKind kDecisionKinds[] = {
    {"countyRecommendation", "provider"},
    {"expertReview", "provider"},
    {"meetingDecision", "provider"},
    {"objectionDecision", "provider"},
    {"detailsChange", "provider"},
    {"materialsSubmission", "provider"},
    {"rectification", "provider"},
    {"appealDecision", "provider"},
    {"reportResponse", "provider"},
    {"reportFinding", "provider"},
    {"enrolment", "enterprise"},
    {"planExpertReview", "enterprise"},
    {"planDecision", "enterprise"},
    {"payment", "enterprise"},
    {"changeDecision", "enterprise"},
    {"projectRectification", "enterprise"},
    {"closure", "enterprise"},
};

ProviderDetail DetailOf(const Form& f, const Element* node) {
  std::string text = Form::TextOf(node);
  if (text == "name") return ProviderDetail::kName;
  if (text == "address") return ProviderDetail::kAddress;
  if (text == "legal-representative") return ProviderDetail::kLegalRepresentative;
  if (text == "business-scope") return ProviderDetail::kBusinessScope;
  if (text == "registered-capital") return ProviderDetail::kCapital;
  throw FactsError(FactsErrorCode::kBadField, f.PathOf(node), "变更事项无效：" + text,
                   "unknown provider detail: " + text);
}

Event FromDecision(const Form& f) {
  const Element* root = f.root();
  const std::string id = f.Attribute(root, "id");
  const Date date = f.DateAt(root, {"date"});
  const Element* subject = f.Need(root, {"subject"});
  const std::string code = CodeOf(f, subject);
  const std::string subject_kind = f.Attribute(subject, "kind");
  const std::string role = f.Attribute(f.Need(root, {"issuer"}), "role");
  const Element* kind = nullptr;
  std::string_view name;
  for (const DecisionKind& k : kDecisionKinds) {
    if ((kind = Form::Child(root, k.element)) != nullptr) {
      name = k.element;
      if (subject_kind != k.subject) {
        throw FactsError(FactsErrorCode::kBadField, f.PathOf(subject, "@kind"),
                         "该决定的对象须为 " + std::string(k.subject),
                         "<" + std::string(k.element) + "> concerns a " + std::string(k.subject));
      }
      break;
    }
  }
  if (kind == nullptr) {
    throw FactsError(FactsErrorCode::kMissingField, "decision", "决定书缺少事项元素",
                     "the decision has no kind element");
  }
  if (name == "countyRecommendation") {
    return CountyRecommendation{id, date, code, f.BoolAt(kind, {"recommended"})};
  }
  if (name == "expertReview")
    return ApplicationExpertReview{id, date, code, f.BoolAt(kind, {"passed"})};
  if (name == "meetingDecision") {
    return MeetingDecision{id, date, code, f.BoolAt(kind, {"approved"}),
                           TextList(kind, "subIndustry")};
  }
  if (name == "objectionDecision") {
    return ListingObjectionDecision{id, date, code, f.BoolAt(kind, {"upheld"})};
  }
  if (name == "detailsChange") {
    ProviderDetailsChange e;
    e.document_id = id;
    e.date = date;
    e.provider_code = code;
    e.detail = DetailOf(f, f.Need(kind, {"detail"}));
    e.new_value = f.Text(kind, {"newValue"});
    e.changed_on = f.DateAt(kind, {"changedOn"});
    e.reported_by_provider = role == "provider";
    return e;
  }
  if (name == "materialsSubmission") {
    return MaterialsSubmission{id, date, code, f.DateAt(kind, {"dueOn"}),
                               f.BoolAt(kind, {"complete"})};
  }
  if (name == "rectification")
    return RectificationReport{id, date, code, f.Text(kind, {"warning"})};
  if (name == "appealDecision") {
    return AppealDecision{id, date, code, f.Text(kind, {"appeal"}), f.BoolAt(kind, {"upheld"})};
  }
  if (name == "reportResponse") return ReportResponse{id, date, code, f.Text(kind, {"report"})};
  if (name == "reportFinding") {
    return ReportVerification{id, date, code, f.Text(kind, {"report"}),
                              f.BoolAt(kind, {"fraudConfirmed"})};
  }
  if (name == "enrolment") {
    return Enrollment{id,
                      date,
                      code,
                      f.Text(subject, {"name"}),
                      f.Text(subject, {"subIndustry"}),
                      ScaleOf(f, subject)};
  }
  if (name == "planExpertReview") {
    return PlanExpertReview{id, date, code, f.Text(kind, {"planHash"}), f.BoolAt(kind, {"passed"})};
  }
  if (name == "planDecision") {
    return PlanDecision{id, date, code, f.Text(kind, {"planHash"}), f.BoolAt(kind, {"approved"})};
  }
  if (name == "payment") {
    return PaymentRecord{id, f.DateAt(kind, {"paidOn"}), code, f.YuanAt(kind, {"amount"})};
  }
  if (name == "changeDecision") {
    return ChangeDecision{id, date, code, f.Text(kind, {"change"}), f.BoolAt(kind, {"approved"})};
  }
  if (name == "projectRectification") return ProjectRectification{id, date, code};
  return ProjectClosure{id, date, code};  // closure
}

struct TypeEntry {
  std::string_view form_type;
  Event (*map)(const Form&, std::string_view sha256);
};

template <Event (*F)(const Form&)>
Event Plain(const Form& f, std::string_view) {
  return F(f);
}

constexpr TypeEntry kTypes[] = {
    {"application", Plain<FromApplication>},
    {"diagnostic-report", Plain<FromDiagnosticReport>},
    {"transformation-plan", FromPlan},
    {"change-filing", Plain<FromChangeFiling>},
    {"contract", Plain<FromContract>},
    {"progress-report", Plain<FromProgressReport>},
    {"acceptance-application", Plain<FromAcceptanceApplication>},
    {"acceptance-conclusion", Plain<FromAcceptanceConclusion>},
    {"notice", Plain<FromNotice>},
    {"satisfaction", Plain<FromSatisfaction>},
    {"appeal", Plain<FromAppeal>},
    {"report", Plain<FromReport>},
    {"decision", Plain<FromDecision>},
};

const TypeEntry& EntryFor(const std::string& form_type) {
  for (const TypeEntry& entry : kTypes) {
    if (entry.form_type == form_type) return entry;
  }
  throw FactsError(FactsErrorCode::kUnknownForm, form_type, "未知的表单类型：" + form_type,
                   "unknown form type: " + form_type);
}

// ---- signatures ----

void AddSignature(std::vector<RequiredSignature>& out, std::string field, std::string role,
                  std::string code) {
  out.push_back({std::move(field), std::move(role), std::move(code)});
}

std::vector<RequiredSignature> SignaturesOf(const Form& f, const std::string& form_type) {
  const Element* root = f.root();
  std::vector<RequiredSignature> out;
  auto code_at = [&](std::initializer_list<std::string_view> path) { return f.Text(root, path); };
  if (form_type == "application" || form_type == "progress-report" || form_type == "appeal") {
    AddSignature(out, "provider", "provider", code_at({"provider", "creditCode"}));
  } else if (form_type == "diagnostic-report" || form_type == "transformation-plan" ||
             form_type == "change-filing") {
    AddSignature(out, "provider", "provider", code_at({"provider", "creditCode"}));
    AddSignature(out, "enterprise", "enterprise", code_at({"enterprise", "creditCode"}));
  } else if (form_type == "contract" || form_type == "acceptance-application") {
    AddSignature(out, "enterprise", "enterprise", code_at({"enterprise", "creditCode"}));
    AddSignature(out, "provider", "provider", code_at({"provider", "creditCode"}));
  } else if (form_type == "acceptance-conclusion") {
    AddSignature(out, "agency", "acceptance-agency", code_at({"agency", "creditCode"}));
    AddSignature(out, "bureau", "bureau", "");
  } else if (form_type == "notice") {
    AddSignature(out, "bureau", "bureau", code_at({"issuer", "creditCode"}));
  } else if (form_type == "satisfaction") {
    AddSignature(out, "enterprise", "enterprise", code_at({"enterprise", "creditCode"}));
  } else if (form_type == "report") {
    const Element* reporter = f.Need(root, {"reporter"});
    const Element* person = Form::Child(reporter, "person");
    AddSignature(out, "reporter", "public",
                 person != nullptr ? f.Text(person, {"idNumber"})
                                   : f.Text(reporter, {"organisation", "creditCode"}));
  } else if (form_type == "decision") {
    const Element* issuer = f.Need(root, {"issuer"});
    std::string role = f.Attribute(issuer, "role");
    AddSignature(out, role == "acceptance-agency" ? "agency" : role, role,
                 f.Text(issuer, {"creditCode"}));
  }
  return out;
}

}  // namespace

Event EventFromForm(const std::string& form_type, const std::string& xml,
                    std::string_view document_sha256) {
  const TypeEntry& entry = EntryFor(form_type);
  Form form(form_type, xml);
  return entry.map(form, document_sha256);
}

FormFacts ReadFormFacts(const std::string& form_type, const std::string& xml,
                        std::string_view document_sha256) {
  const TypeEntry& entry = EntryFor(form_type);
  Form form(form_type, xml);
  FormFacts facts{form_type, form.Attribute(form.root(), "id"), "", "",
                  "",        entry.map(form, document_sha256),  {}, {}};
  facts.signatures = SignaturesOf(form, form_type);
  for (const RequiredSignature& signature : facts.signatures) {
    if (std::find(facts.submitter_roles.begin(), facts.submitter_roles.end(), signature.role) ==
        facts.submitter_roles.end()) {
      facts.submitter_roles.push_back(signature.role);
    }
  }
  if (form_type == "decision") {
    const Element* subject = form.Need(form.root(), {"subject"});
    facts.party_kind = form.Attribute(subject, "kind");
    facts.party_code = form.Text(subject, {"creditCode"});
    facts.party_name = form.Text(subject, {"name"});
  } else {
    try {
      forms::FormInfo info = forms::InspectXml(xml);
      facts.party_kind = info.party_kind;
      facts.party_code = info.party_code;
      facts.party_name = info.party_name;
    } catch (const forms::FormsError& error) {
      throw FactsError(FactsErrorCode::kMalformed, form_type, "无法读取表单的当事方",
                       std::string("cannot read the form's party: ") + error.what());
    }
  }
  return facts;
}

void ResolveReferences(const Engine& engine, Event& event) {
  auto* appeal = std::get_if<AppealFiling>(&event);
  if (appeal == nullptr) return;
  const Provider* provider = engine.FindProvider(appeal->provider_code);
  if (provider == nullptr) return;
  for (const Warning& warning : provider->warnings) {
    if (warning.id == appeal->contested_warning_id) return;
  }
  for (auto it = provider->warnings.rbegin(); it != provider->warnings.rend(); ++it) {
    if (!it->source_document.empty() && it->source_document == appeal->contested_warning_id) {
      appeal->contested_warning_id = it->id;
      return;
    }
  }
}

const std::vector<std::string_view>& DecisionKinds() {
  static const std::vector<std::string_view> kinds = [] {
    std::vector<std::string_view> out;
    for (const DecisionKind& kind : kDecisionKinds) out.push_back(kind.element);
    return out;
  }();
  return kinds;
}

}  // namespace sealflow::workflow
