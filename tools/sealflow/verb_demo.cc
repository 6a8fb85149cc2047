// Copyright sealflow authors.
// sealflow demo: a whole pilot, played in-process through the workflow Pilot — Xinxiang's four
// sub-industries, 6 providers and 30 pilot enterprises through every stage of the management
// measures, every document rendered from form XML, signed by its parties with keys of a demo CA
// (one PKCS#12 per organisation), submitted, archived — including a refused transition, a
// warning, an appeal, a real-name report, a disqualification and an acceptance that fails and
// then passes. The state it leaves in DIR is what `sealflow serve --data DIR` shows afterwards.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "archive/store.h"
#include "args.h"
#include "forms/credit_code.h"
#include "forms/renderer.h"
#include "signing/ca.h"
#include "signing/credentials.h"
#include "signing/signer.h"
#include "signing/verifier.h"
#include "verbs.h"
#include "workflow/dashboard.h"
#include "workflow/facts.h"
#include "workflow/lifecycle.h"
#include "workflow/notices.h"
#include "workflow/pilot.h"

namespace sealflow::cli {
namespace {

namespace fs = std::filesystem;
using namespace sealflow::workflow;  // NOLINT(build/namespaces)

constexpr const char* kDemoHelp =
    "用法 / usage: sealflow demo [--data DIR]\n"
    "\n"
    "Plays a whole pilot of the Xinxiang management measures in-process and leaves its state in\n"
    "DIR: a demo CA with one PKCS#12 per organisation (DIR/pki, password in DIR/pki/password),\n"
    "6 providers (申报 → 县推荐 → 专家评审 → 专题会议 → 公示 → 入库) and 30 pilot enterprises in "
    "the\n"
    "four sub-industries (起重装备, 高端医疗器械及卫材, 汽车零部件, 新型化工) through every stage\n"
    "(入选 → 诊断 → 方案 → 评审 → 备案 → 合同 → 付款 → 进度 → 验收 → 满意度 → 结项), with a "
    "refused\n"
    "transition, a warning and an appeal, a real-name report, a disqualification and an\n"
    "acceptance that fails and then passes; star ratings in April and November. Every document\n"
    "is rendered, signed by its parties, verified, archived and applied by the workflow engine.\n"
    "Prints a summary. Run on a DIR that already holds a pilot, it only prints the summary.\n"
    "\n"
    "options:\n"
    "  --data DIR    data directory (default ./sealflow-data)\n"
    "\n"
    "example:\n"
    "  sealflow demo --data /tmp/sf && sealflow serve --data /tmp/sf\n";

constexpr const char* kPassword = "sealflow-demo";

std::string DefaultSchemaDir() {
  const char* env = std::getenv("SEALFLOW_SCHEMA_DIR");
  return env && *env ? env : SEALFLOW_DEFAULT_SCHEMA_DIR;
}

// ---- organisations ------------------------------------------------------------------------

struct Org {
  std::string code;  // unified social credit code (a person: the citizen id number)
  std::string name;
  Role role = Role::kPublic;
};

// A valid credit code from a 17-character prefix (GB 32100 check character appended).
std::string CreditCode(const std::string& prefix17) {
  return prefix17 + forms::CreditCodeCheckCharacter(prefix17);
}

std::string Pad(int n, int width) {
  std::string text = std::to_string(n);
  return std::string(static_cast<std::size_t>(std::max(0, width - static_cast<int>(text.size()))),
                     '0') +
         text;
}

struct ProviderPlan {
  Org org;
  std::vector<std::string> sub_industries;
};

struct EnterprisePlan {
  Org org;
  std::string sub_industry;
  bool above_size = true;
  std::size_t provider = 0;  // index into providers
  bool model = false;
};

// ---- small XML edits on the example forms ---------------------------------------------------

// The position of the first `<tag>` or `<tag ` at or after `from`.
std::size_t FindOpen(const std::string& xml, const std::string& tag, std::size_t from = 0) {
  for (std::size_t pos = xml.find("<" + tag, from); pos != std::string::npos;
       pos = xml.find("<" + tag, pos + 1)) {
    char next = xml[pos + 1 + tag.size()];
    if (next == '>' || next == ' ' || next == '/') return pos;
  }
  throw std::runtime_error("demo template has no <" + tag + ">");
}

// Replaces the first element <tag …>…</tag> (or <tag …/>) with `replacement`.
std::string ReplaceElement(std::string xml, const std::string& tag,
                           const std::string& replacement) {
  std::size_t start = FindOpen(xml, tag);
  std::size_t open_end = xml.find('>', start);
  std::size_t end;
  if (xml[open_end - 1] == '/') {
    end = open_end + 1;
  } else {
    end = xml.find("</" + tag + ">", open_end);
    if (end == std::string::npos) throw std::runtime_error("demo template: unclosed " + tag);
    end += tag.size() + 3;
  }
  xml.replace(start, end - start, replacement);
  return xml;
}

// Sets the text of the first <tag>…</tag>.
std::string SetText(const std::string& xml, const std::string& tag, const std::string& text) {
  return ReplaceElement(xml, tag, "<" + tag + ">" + text + "</" + tag + ">");
}

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
  return text;
}

std::string SetId(const std::string& xml, const std::string& id) {
  std::size_t pos = xml.find(" id=\"");
  std::size_t end = xml.find('"', pos + 5);
  return xml.substr(0, pos + 5) + id + xml.substr(end);
}

std::string Follows(const std::string& form_type, const std::string& id, const std::string& sha) {
  return "<follows formType=\"" + form_type + "\" documentId=\"" + id + "\" sha256=\"" + sha +
         "\"/>";
}

std::string EnterpriseBlock(const EnterprisePlan& e, const std::string& tag = "enterprise") {
  return "<" + tag + ">\n    <name>" + e.org.name + "</name>\n    <creditCode>" + e.org.code +
         "</creditCode>\n    <subIndustry>" + e.sub_industry + "</subIndustry>\n    <scale>" +
         (e.above_size ? "规上" : "规下") + "</scale>\n  </" + tag + ">";
}

std::string PartyBlock(const Org& org, const std::string& tag) {
  return "<" + tag + ">\n    <name>" + org.name + "</name>\n    <creditCode>" + org.code +
         "</creditCode>\n  </" + tag + ">";
}

std::string ProviderSubject(const Org& org) {
  return "<subject kind=\"provider\">\n    <name>" + org.name + "</name>\n    <creditCode>" +
         org.code + "</creditCode>\n  </subject>";
}

std::string EnterpriseSubject(const EnterprisePlan& e) {
  return "<subject kind=\"enterprise\">\n    <name>" + e.org.name + "</name>\n    <creditCode>" +
         e.org.code + "</creditCode>\n    <subIndustry>" + e.sub_industry +
         "</subIndustry>\n    <scale>" + (e.above_size ? "规上" : "规下") +
         "</scale>\n  </subject>";
}

// ---- the demo -------------------------------------------------------------------------------

class Demo {
 public:
  explicit Demo(std::string data) : data_(std::move(data)), pki_(fs::path(data_) / "pki") {}

  int Run();

 private:
  using Clock = std::chrono::system_clock;

  void PlanCast();
  void MakePki();
  void OpenPilot();
  void PlayProviders();
  void PlayEnterprises();
  void Rating(const std::string& period);
  void PrintSummary();
  // Verifies DIR/demo/application-signed.pdf (if there) against the demo root and says so.
  void VerifySample() const;

  // Sets "now" to noon in Xinxiang on the day.
  void Day(int y, unsigned m, unsigned d) {
    now_ = Clock::time_point(MakeDate(y, m, d).time_since_epoch()) + std::chrono::hours(4);
  }
  std::string Today() const { return FormatDate(ChinaDate(now_)); }

  const Org& OrgFor(const RequiredSignature& signature) const;
  const signing::Signer& SignerFor(const Org& org);
  // Renders, signs in every required block and submits as `submitter` (default: the first
  // signing party). Throws if the form does not render; returns the pilot's result.
  SubmitResult Submit(const std::string& xml, const Org* submitter = nullptr);
  // Submit that must be accepted; remembers the document's archive sha256 by document id.
  std::string Must(const std::string& xml, const Org* submitter = nullptr);
  SubmitResult Notice(const NoticeRequest& request);
  std::string Sha(const std::string& document_id) const { return sha_.at(document_id); }
  std::string Template(const std::string& type) const;
  std::string DecisionXml(const std::string& id, const Org& issuer, const std::string& title,
                          const std::string& subject, const std::string& kind,
                          const std::string& opinion, const std::string& follows = "") const;
  std::string NextDecisionId() { return "DEC-2026-" + Pad(++decision_serial_, 4); }

  // Per enterprise documents.
  std::string Diagnostic(const EnterprisePlan& e, int n);
  std::string Plan(const EnterprisePlan& e, int n);
  std::string Contract(const EnterprisePlan& e, int n);
  std::string Progress(const EnterprisePlan& e, int n);
  std::string AcceptanceApplication(const EnterprisePlan& e, int n, const std::string& id,
                                    int batch, const std::string& applied_on);
  std::string Conclusion(const EnterprisePlan& e, const std::string& id,
                         const std::string& application_id, int batch, bool passed,
                         const std::string& concluded_on);
  std::string Satisfaction(const EnterprisePlan& e, int n, bool satisfied,
                           const std::string& conclusion_id);

  std::string data_;
  fs::path pki_;
  Clock::time_point now_{};
  Org bureau_, county_, experts_, agency_, reporter_;
  std::vector<ProviderPlan> providers_;
  std::vector<EnterprisePlan> enterprises_;
  std::map<std::string, std::unique_ptr<signing::Signer>> signers_;
  std::unique_ptr<forms::Renderer> renderer_;
  std::unique_ptr<archive::DocumentStore> store_;
  std::unique_ptr<Pilot> pilot_;
  std::map<std::string, std::string> sha_;  // document id → archive sha256
  std::map<std::string, std::string> templates_;
  int decision_serial_ = 0;
  int submitted_ = 0, accepted_ = 0, refused_ = 0, notices_ = 0;
  std::vector<std::string> highlights_;
};

void Demo::PlanCast() {
  bureau_ = {"11410700005264830Y", "新乡市工业和信息化局", Role::kBureau};
  county_ = {CreditCode("11410702MB0000001"), "新乡市红旗区工业和信息化局", Role::kCounty};
  experts_ = {CreditCode("12410700MB0000002"), "新乡市数字化转型专家委员会", Role::kExpert};
  agency_ = {"12410700MA40JXK24Y", "新乡市工业和信息化发展研究中心", Role::kAcceptanceAgency};
  reporter_ = {"41070219850312451X", "陈国栋", Role::kPublic};
  const std::vector<std::pair<std::string, std::vector<std::string>>> providers = {
      {"新乡市牧野智造数字科技有限公司", {"起重装备", "汽车零部件"}},
      {"河南平原云联信息技术有限公司", {"汽车零部件", "高端医疗器械及卫材"}},
      {"河南中原云链信息技术有限公司", {"高端医疗器械及卫材", "新型化工"}},
      {"新乡市太行工业互联网有限公司", {"新型化工", "起重装备"}},
      {"河南卫水数智科技有限公司", {"起重装备", "高端医疗器械及卫材", "汽车零部件", "新型化工"}},
      {"新乡卫辉数智工业服务有限公司", {"起重装备", "新型化工"}},
  };
  for (std::size_t i = 0; i < providers.size(); ++i) {
    providers_.push_back({{CreditCode("91410700MAP" + Pad(static_cast<int>(i) + 1, 6)),
                           providers[i].first, Role::kProvider},
                          providers[i].second});
  }
  // 30 enterprises: 8 + 7 + 8 + 7 by sub-industry, about two thirds above designated size.
  const std::vector<std::pair<std::string, std::vector<std::string>>> names = {
      {"起重装备",
       {"长垣市恒达起重机械", "新乡市豫飞起重设备", "河南卫华起重配件", "长垣市华信起重电器",
        "新乡市矿山起重机", "长垣市中联吊装设备", "新乡市天力起重部件", "长垣市宏远起重设备"}},
      {"高端医疗器械及卫材",
       {"新乡市华康医用卫材", "长垣市驼人医疗器械", "新乡市亚都卫生材料", "长垣市康达医疗用品",
        "新乡市华西卫材", "长垣市博大医疗器械", "新乡市健宇医疗科技"}},
      {"汽车零部件",
       {"新乡市豫北转向配件", "封丘县金鼎汽车配件", "新乡市恒泰制动系统", "新乡市新航滤清器",
        "新乡市平原汽车电器", "原阳县宏达汽车零部件", "新乡市巨力传动部件", "获嘉县华通汽配"}},
      {"新型化工",
       {"新乡市永丰化工", "新乡市瑞丰新材料", "新乡市蓝星精细化工", "新乡市新亚高分子",
        "获嘉县豫源化工", "延津县联盛新材料", "新乡市中原绿色化工"}},
  };
  int n = 0;
  for (const auto& [industry, list] : names) {
    std::vector<std::size_t> serving;
    // Provider 6 serves no enterprise until late; it is the one disqualified.
    for (std::size_t p = 0; p + 1 < providers_.size(); ++p) {
      const auto& subs = providers_[p].sub_industries;
      if (std::find(subs.begin(), subs.end(), industry) != subs.end()) serving.push_back(p);
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      ++n;
      EnterprisePlan e;
      e.org = {CreditCode("91410700MAE" + Pad(n, 6)), list[i] + "有限公司", Role::kEnterprise};
      e.sub_industry = industry;
      e.above_size = n % 3 != 0;
      e.provider = serving[i % serving.size()];
      e.model = n % 7 == 1;
      enterprises_.push_back(e);
    }
  }
  // The disqualified provider served two crane enterprises before it was found out.
  enterprises_[6].provider = 5;
  enterprises_[7].provider = 5;
}

void Demo::MakePki() {
  fs::create_directories(pki_);
  const fs::path root_pem = pki_ / "root-ca.pem";
  std::vector<Org> all = {bureau_, county_, experts_, agency_, reporter_};
  for (const auto& p : providers_) all.push_back(p.org);
  for (const auto& e : enterprises_) all.push_back(e.org);
  bool complete = fs::exists(root_pem);
  for (const Org& org : all) complete = complete && fs::exists(pki_ / (org.code + ".p12"));
  if (complete) return;
  const auto not_before = Clock::time_point(MakeDate(2025, 12, 1).time_since_epoch());
  signing::CertificateSubject root_subject;
  root_subject.common_name = "新乡市中小企业数字化转型试点 演示根证书 (demo root)";
  root_subject.organization = "新乡市工业和信息化局";
  signing::IssuedIdentity root = signing::CreateRootCa(root_subject, not_before, 3650);
  WriteFileAtomically((pki_ / "root-ca.key").string(), root.key_pem);
  fs::permissions(pki_ / "root-ca.key", fs::perms::owner_read | fs::perms::owner_write);
  long serial = 100;
  for (const Org& org : all) {
    signing::CertificateSubject subject;
    subject.common_name = org.name;
    subject.organization = org.role == Role::kPublic ? "" : org.name;
    subject.serial_number = org.code;
    signing::IssueOptions options;
    options.organizational_unit = RoleName(org.role);
    signing::IssuedIdentity identity =
        signing::IssueCertificate(root, subject, not_before, 1825, ++serial, options);
    WriteFileAtomically((pki_ / (org.code + ".p12")).string(),
                        signing::ExportPkcs12(identity, root.cert_pem, kPassword, org.name));
  }
  WriteFileAtomically((pki_ / "password").string(), std::string(kPassword) + "\n");
  fs::copy_file(pki_ / (bureau_.code + ".p12"), pki_ / "bureau.p12",
                fs::copy_options::overwrite_existing);
  WriteFileAtomically(root_pem.string(), root.cert_pem);  // last: marks the PKI complete
  std::printf("演示证书 / demo CA and %zu PKCS#12 files in %s\n", all.size(), pki_.c_str());
}

void Demo::OpenPilot() {
  archive::StoreOptions store_options;
  store_options.data_dir = data_;
  store_options.clock = [this] { return now_; };
  store_ = archive::DocumentStore::Open(store_options);
  PilotOptions options;
  options.data_dir = data_;
  options.clock = [this] { return now_; };
  options.trust_anchor_files = {(pki_ / "root-ca.pem").string()};
  options.bureau_p12 = (pki_ / "bureau.p12").string();
  options.bureau_p12_password = kPassword;
  pilot_ = Pilot::Open(options, *store_);
  forms::RendererOptions render_options;
  render_options.clock = [this] { return now_; };
  renderer_ = forms::Renderer::Create(render_options);
}

const Org& Demo::OrgFor(const RequiredSignature& signature) const {
  auto match = [&](const Org& org) {
    return signature.org_code.empty() ? RoleName(org.role) == signature.role
                                      : org.code == signature.org_code;
  };
  for (const Org* org : {&bureau_, &county_, &experts_, &agency_, &reporter_}) {
    if (match(*org)) return *org;
  }
  for (const auto& p : providers_) {
    if (match(p.org)) return p.org;
  }
  for (const auto& e : enterprises_) {
    if (match(e.org)) return e.org;
  }
  throw std::runtime_error("demo: no key for " + signature.role + " " + signature.org_code);
}

const signing::Signer& Demo::SignerFor(const Org& org) {
  auto& signer = signers_[org.code];
  if (!signer) {
    signing::SignerOptions options;
    options.clock = [this] { return now_; };
    signer = signing::Signer::Create(
        signing::Credentials::FromPkcs12((pki_ / (org.code + ".p12")).string(), kPassword),
        options);
  }
  return *signer;
}

SubmitResult Demo::Submit(const std::string& xml, const Org* submitter) {
  forms::RenderResult rendered = renderer_->Render(xml);
  if (!rendered.report.ok()) {
    throw std::runtime_error("demo document does not validate:\n" +
                             forms::FormatFindings(rendered.report) + "\n" + xml);
  }
  FormFacts facts = ReadFormFacts(rendered.form.form_type, xml, std::string(64, '0'));
  std::string pdf = rendered.form.pdf;
  const Org* first = nullptr;
  for (const RequiredSignature& signature : facts.signatures) {
    const Org& org = OrgFor(signature);
    if (first == nullptr) first = &org;
    signing::SignRequest request;
    request.field_name = signature.field_name;
    request.reason = rendered.form.form_type + " " + rendered.form.document_id;
    request.location = "新乡市";
    pdf = SignerFor(org).Sign(pdf, request);
  }
  if (facts.document_id == "APP-2026-0001") {
    // One signed document outside the archive, to try `sealflow verify` on.
    fs::create_directories(fs::path(data_) / "demo");
    WriteFileAtomically((fs::path(data_) / "demo" / "application-signed.pdf").string(), pdf);
  }
  const Org& who = submitter != nullptr ? *submitter : *first;
  ++submitted_;
  SubmitResult result = pilot_->Submit(pdf, Actor{who.role, who.code, who.name});
  if (result.decision.accepted) {
    ++accepted_;
    if (auto record = store_->Get(result.record_id)) sha_[facts.document_id] = record->sha256;
  } else {
    ++refused_;
  }
  return result;
}

std::string Demo::Must(const std::string& xml, const Org* submitter) {
  SubmitResult result = Submit(xml, submitter);
  if (!result.decision.accepted) {
    throw std::runtime_error("demo: " + result.decision.document_id + " refused on " + Today() +
                             ": " + result.decision.article_zh + " " + result.decision.message_zh +
                             " / " + result.decision.message_en);
  }
  return result.decision.document_id;
}

SubmitResult Demo::Notice(const NoticeRequest& request) {
  SubmitResult result =
      pilot_->IssueNotice(request, Actor{Role::kBureau, bureau_.code, bureau_.name});
  if (!result.decision.accepted) {
    throw std::runtime_error("demo: notice refused on " + Today() + ": " +
                             result.decision.message_zh + " / " + result.decision.message_en);
  }
  ++notices_;
  if (auto record = store_->Get(result.record_id))
    sha_[result.decision.document_id] = record->sha256;
  return result;
}

std::string Demo::Template(const std::string& type) const {
  return ReadFileOrThrow(DefaultSchemaDir() + "/examples/" + type + ".xml");
}

std::string Demo::DecisionXml(const std::string& id, const Org& issuer, const std::string& title,
                              const std::string& subject, const std::string& kind,
                              const std::string& opinion, const std::string& follows) const {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<decision id=\"" + id +
         "\" schemaVersion=\"1.0\">\n  <issuer role=\"" + RoleName(issuer.role) +
         "\">\n    <name>" + issuer.name + "</name>\n    <creditCode>" + issuer.code +
         "</creditCode>\n  </issuer>\n  <title>" + title + "</title>\n" +
         (follows.empty() ? "" : "  " + follows + "\n") + "  " + subject + "\n  " + kind +
         "\n  <opinion>" + opinion + "</opinion>\n  <date>" + Today() + "</date>\n</decision>\n";
}

// ---- providers: Art. 9 selection, listing, the first rating ----------------------------------

void Demo::PlayProviders() {
  const std::string application = Template("application");
  for (std::size_t i = 0; i < providers_.size(); ++i) {
    const ProviderPlan& p = providers_[i];
    Day(2026, 1, 5);
    std::string xml = SetId(application, "APP-2026-" + Pad(static_cast<int>(i) + 1, 4));
    xml = SetText(xml, "name", p.org.name);
    xml = SetText(xml, "creditCode", p.org.code);
    std::string subs = "<subIndustries>";
    std::string cases = "<cases>";
    for (const std::string& s : p.sub_industries) {
      subs += "\n    <subIndustry>" + s + "</subIndustry>";
      cases += "\n    <case subIndustry=\"" + s + "\">\n      <title>" + s +
               "企业生产管控数字化改造</title>\n      <client>新乡市" + s +
               "示范企业</client>\n      <year>2025</year>\n      <summary>为企业部署设备联网、"
               "生产管控和质量追溯系统，实现工单、设备和质量数据在线管理。</summary>\n    </case>";
    }
    xml = ReplaceElement(xml, "subIndustries", subs + "\n  </subIndustries>");
    xml = ReplaceElement(xml, "cases", cases + "\n  </cases>");
    xml = SetText(xml, "applicationDate", Today());
    Must(xml);
    const std::string fixed_subject = ProviderSubject(p.org);
    Day(2026, 1, 8);
    Must(DecisionXml(NextDecisionId(), county_, "数字化服务商申报县级审查推荐意见", fixed_subject,
                     "<countyRecommendation><recommended>true</recommended></countyRecommendation>",
                     "经审查，申报材料真实完整，符合《办法》第十条基本条件，同意推荐。"));
    Day(2026, 1, 12);
    Must(DecisionXml(NextDecisionId(), experts_, "数字化服务商申报专家评审意见", fixed_subject,
                     "<expertReview><score>" + std::to_string(80 + static_cast<int>(i)) +
                         ".0</score><passed>true</passed></expertReview>",
                     "专家组评审认为该单位技术力量和服务案例满足试点要求，评审通过。"));
    Day(2026, 1, 15);
    Must(DecisionXml(NextDecisionId(), bureau_, "关于数字化服务商入库的专题会议研究决定",
                     fixed_subject,
                     "<meetingDecision><meeting>2026年第1次数字化转型专题会议</meeting>"
                     "<approved>true</approved></meetingDecision>",
                     "会议研究同意纳入数字化服务商名单，按申报的细分行业分类管理。"));
  }
  Day(2026, 1, 16);
  NoticeRequest listing;
  listing.kind = NoticeKind::kListing;
  listing.batch = "第一批";
  for (const ProviderPlan& p : providers_) {
    NoticeProvider n;
    n.credit_code = p.org.code;
    n.name = p.org.name;
    n.sub_industries = p.sub_industries;
    listing.providers.push_back(n);
  }
  Notice(listing);
  highlights_.push_back("2026-01-16 第一批服务商名单公示 / first listing notice (6 providers)");
  Day(2026, 1, 22);
  pilot_->Tick();  // the objection period is over: listed
}

// ---- enterprises: Art. 11–12, every stage ---------------------------------------------------

std::string Demo::Diagnostic(const EnterprisePlan& e, int n) {
  std::string xml = SetId(Template("diagnostic-report"), "DIA-2026-" + Pad(n, 4));
  xml = ReplaceElement(xml, "enterprise", EnterpriseBlock(e));
  xml = ReplaceElement(xml, "provider", PartyBlock(providers_[e.provider].org, "provider"));
  return SetText(xml, "reportDate", Today());
}

std::string Demo::Plan(const EnterprisePlan& e, int n) {
  // Each provider brings its own 小快轻准 products; every fourth plan deploys on premises only.
  static const char* const kBrands[] = {"牧野", "平原", "中原", "太行", "卫水", "卫辉"};
  std::string xml = ReplaceAll(Template("transformation-plan"), "牧野", kBrands[e.provider % 6]);
  if (n % 4 == 0) xml = ReplaceAll(xml, "category=\"cloud\"", "category=\"software\"");
  xml = SetId(xml, "PLN-2026-" + Pad(n, 4));
  xml = ReplaceElement(
      xml, "follows",
      Follows("diagnostic-report", "DIA-2026-" + Pad(n, 4), Sha("DIA-2026-" + Pad(n, 4))));
  xml = ReplaceElement(xml, "enterprise", EnterpriseBlock(e));
  xml = ReplaceElement(xml, "provider", PartyBlock(providers_[e.provider].org, "provider"));
  xml = SetText(xml, "projectName", e.org.name + "数字化改造项目");
  return SetText(xml, "planDate", Today());
}

std::string Demo::Contract(const EnterprisePlan& e, int n) {
  const std::string plan = "PLN-2026-" + Pad(n, 4);
  std::string xml = SetId(Template("contract"), "CON-2026-" + Pad(n, 4));
  xml = ReplaceElement(xml, "follows", Follows("transformation-plan", plan, Sha(plan)));
  xml = SetText(xml, "title", "数字化改造合同（" + plan + "）");
  xml = ReplaceElement(xml, "enterprise", EnterpriseBlock(e));
  xml = ReplaceElement(xml, "provider", PartyBlock(providers_[e.provider].org, "provider"));
  xml = SetText(xml, "signedOn", "2026-04-15");
  xml = SetText(xml, "amount", "870000.00");
  std::string scope = "<scope>";
  for (const char* scene :
       {"scheduling", "quality", "warehousing", "energy", "production-control"}) {
    scope += std::string("\n    <scene code=\"") + scene +
             "\">按通过备案审核的改造方案实施该场景的建设内容。</scene>";
  }
  xml = ReplaceElement(xml, "scope", scope + "\n  </scope>");
  xml = ReplaceElement(
      xml, "payments",
      "<payments>\n"
      "    <milestone><date>2026-04-15</date><amount>261000.00</amount><condition>合同签订当日支付"
      "30%</condition></milestone>\n"
      "    <milestone><date>2026-07-31</date><amount>348000.00</amount><condition>系统上线试运行后"
      "支付40%</condition></milestone>\n"
      "    "
      "<milestone><date>2026-11-30</date><amount>174000.00</amount><condition>通过竣工验收后支付"
      "20%</condition></milestone>\n"
      "    <milestone><date>2027-11-30</date><amount>87000.00</amount><condition>质保期满支付10%"
      "</condition></milestone>\n  </payments>");
  return xml;
}

std::string Demo::Progress(const EnterprisePlan& e, int n) {
  const std::string contract = "CON-2026-" + Pad(n, 4);
  std::string xml = SetId(Template("progress-report"), "PRG-2026-" + Pad(n, 4));
  xml = ReplaceElement(xml, "follows", Follows("contract", contract, Sha(contract)));
  xml = ReplaceElement(xml, "enterprise", EnterpriseBlock(e));
  xml = ReplaceElement(xml, "provider", PartyBlock(providers_[e.provider].org, "provider"));
  xml = ReplaceElement(xml, "payments",
                       "<payments>\n    <payment>\n      <date>2026-04-15</date>\n      <amount>"
                       "261000.00</amount>\n      <note>合同首付款（30%）</note>\n    </payment>\n"
                       "  </payments>");
  return SetText(xml, "reportDate", Today());
}

std::string Demo::AcceptanceApplication(const EnterprisePlan& e, int n, const std::string& id,
                                        int batch, const std::string& applied_on) {
  const std::string contract = "CON-2026-" + Pad(n, 4);
  std::string xml = Template("acceptance-application");
  const std::string old_contract = "CON-2025-0012";
  const std::size_t sha_at = xml.find("sha256=\"") + 8;
  const std::string old_sha = xml.substr(sha_at, 64);
  xml = ReplaceAll(ReplaceAll(xml, old_contract, contract), old_sha, Sha(contract));
  xml = SetId(xml, id);
  xml = ReplaceElement(xml, "enterprise", EnterpriseBlock(e));
  xml = ReplaceElement(xml, "provider", PartyBlock(providers_[e.provider].org, "provider"));
  xml = ReplaceElement(xml, "batch",
                       "<batch>\n    <year>2026</year>\n    <number>" + std::to_string(batch) +
                           "</number>\n  </batch>");
  xml = SetText(xml, "contractAmount", "870000.00");
  xml = SetText(xml, "completedOn", "2026-10-09");
  xml = SetText(xml, "applicationDate", applied_on);
  xml = SetText(xml, "levelBefore", "2");
  return SetText(xml, "selfAssessedLevel", "3");
}

std::string Demo::Conclusion(const EnterprisePlan& e, const std::string& id,
                             const std::string& application_id, int batch, bool passed,
                             const std::string& concluded_on) {
  std::string xml = SetId(Template("acceptance-conclusion"), id);
  xml = ReplaceElement(xml, "follows",
                       Follows("acceptance-application", application_id, Sha(application_id)));
  xml = ReplaceElement(xml, "enterprise", EnterpriseBlock(e));
  xml = ReplaceElement(xml, "provider", PartyBlock(providers_[e.provider].org, "provider"));
  xml = ReplaceElement(xml, "batch",
                       "<batch>\n    <year>2026</year>\n    <number>" + std::to_string(batch) +
                           "</number>\n  </batch>");
  xml = SetText(xml, "concludedOn", concluded_on);
  xml = SetText(xml, "level", e.model ? "3" : (e.above_size ? "2" : "3"));
  if (!passed) {
    xml = SetText(xml, "result", "不通过");
    xml = SetText(xml, "level", "2");
    const std::size_t at = xml.find("</opinion>") + 10;
    xml.insert(at,
               "\n  <rectification>\n    <item>质量追溯模块未覆盖探伤工序，需补齐并试运行两周。"
               "</item>\n    <deadline>2026-11-10</deadline>\n  </rectification>");
  }
  return xml;
}

std::string Demo::Satisfaction(const EnterprisePlan& e, int n, bool satisfied,
                               const std::string& conclusion_id) {
  std::string xml = SetId(Template("satisfaction"), "SAT-2026-" + Pad(n, 4));
  xml = ReplaceElement(xml, "enterprise", EnterpriseBlock(e));
  xml = ReplaceElement(xml, "provider", PartyBlock(providers_[e.provider].org, "provider"));
  xml = ReplaceElement(xml, "follows",
                       Follows("acceptance-conclusion", conclusion_id, Sha(conclusion_id)));
  if (satisfied) {
    xml = ReplaceElement(xml, "scores",
                         "<scores>\n    <serviceQuality score=\"5\"/>\n    <responsiveness "
                         "score=\"5\"/>\n    <effectiveness score=\"4\"/>\n    <cooperation "
                         "score=\"5\"/>\n  </scores>");
    xml = SetText(xml, "overall", n % 5 == 0 ? "基本满意" : "满意");
    xml = ReplaceElement(xml, "reason", "");
  }
  return SetText(xml, "date", Today());
}

// The pilot in the order of the calendar: the engine receives every document on its day.
void Demo::PlayEnterprises() {
  const std::size_t kFails = 1;     // acceptance fails, rectified, passes in batch 2
  const std::size_t kUnhappy = 10;  // "不满意" → warning → appeal → rectification
  auto id = [](const char* prefix, std::size_t i) {
    return std::string(prefix) + "-2026-" + Pad(static_cast<int>(i) + 1, 4);
  };
  auto for_each = [&](const std::function<void(std::size_t, const EnterprisePlan&)>& step) {
    for (std::size_t i = 0; i < enterprises_.size(); ++i) step(i, enterprises_[i]);
  };
  auto closure = [&](const EnterprisePlan& e, const std::string& opinion) {
    Must(DecisionXml(NextDecisionId(), bureau_, "试点项目结项决定", EnterpriseSubject(e),
                     std::string("<closure><modelEnterprise>") + (e.model ? "true" : "false") +
                         "</modelEnterprise></closure>",
                     e.model ? "项目成效显著，列为数字化转型样板企业。" : opinion));
  };

  Day(2026, 2, 2);
  for_each([&](std::size_t, const EnterprisePlan& e) {
    Must(DecisionXml(NextDecisionId(), bureau_, "新乡市中小企业数字化转型试点企业入选登记",
                     EnterpriseSubject(e), "<enrolment><batch>第一批试点企业</batch></enrolment>",
                     "经企业申请、县（市、区）推荐，纳入第一批数字化转型试点企业。"));
  });
  Day(2026, 3, 20);
  for_each([&](std::size_t i, const EnterprisePlan& e) {
    Must(Diagnostic(e, static_cast<int>(i) + 1));
  });
  Day(2026, 4, 8);
  for_each([&](std::size_t i, const EnterprisePlan& e) { Must(Plan(e, static_cast<int>(i) + 1)); });
  {
    // 第十二条（三）: no contract before the plan passes its review — refused, nothing stored.
    SubmitResult refused = Submit(Contract(enterprises_[0], 1));
    highlights_.push_back("2026-04-08 拒绝 / refused " + refused.decision.document_id + " (" +
                          enterprises_[0].org.name + "): " + refused.decision.article_zh + " " +
                          refused.decision.message_zh + " / " + refused.decision.article_en + " " +
                          refused.decision.message_en);
  }
  auto plan_kind = [&](std::size_t i, const char* element, const char* flag) {
    const std::string plan = id("PLN", i);
    return std::string("<") + element + "><plan>" + plan + "</plan><planHash>" + Sha(plan) +
           "</planHash><" + flag + ">true</" + flag + "></" + element + ">";
  };
  Day(2026, 4, 9);
  for_each([&](std::size_t i, const EnterprisePlan& e) {
    Must(DecisionXml(NextDecisionId(), experts_, "改造方案专家评审意见", EnterpriseSubject(e),
                     plan_kind(i, "planExpertReview", "passed"),
                     "方案场景选择合理，投资测算依据充分，评审通过。",
                     Follows("transformation-plan", id("PLN", i), Sha(id("PLN", i)))));
  });
  Day(2026, 4, 10);
  for_each([&](std::size_t i, const EnterprisePlan& e) {
    Must(DecisionXml(NextDecisionId(), bureau_, "改造方案备案审核意见", EnterpriseSubject(e),
                     plan_kind(i, "planDecision", "approved"),
                     "同意备案。请按本方案签订改造合同，合同签订前不得收取任何费用。",
                     Follows("transformation-plan", id("PLN", i), Sha(id("PLN", i)))));
  });
  Day(2026, 4, 15);
  for_each(
      [&](std::size_t i, const EnterprisePlan& e) { Must(Contract(e, static_cast<int>(i) + 1)); });
  Day(2026, 4, 16);
  for_each([&](std::size_t i, const EnterprisePlan& e) {
    Must(DecisionXml(NextDecisionId(), e.org, "数字化改造项目付款记录", EnterpriseSubject(e),
                     "<payment>" + PartyBlock(providers_[e.provider].org, "provider") +
                         "<paidOn>2026-04-15</paidOn><amount>261000.00</amount><voucher>银行转账"
                         "回单 " +
                         Pad(static_cast<int>(i) + 1, 6) + "</voucher></payment>",
                     "按合同约定支付首付款（合同金额的30%）。"));
  });

  // The first star rating falls due in the third month after the first listing notice (Art. 14).
  Day(2026, 4, 20);
  Rating("2026-Q2");

  // A real-name report (Art. 18): the provider answers within the deadline; no fraud found.
  const Org& reported = providers_[2].org;
  Day(2026, 5, 6);
  std::string report = SetId(Template("report"), "RPT-2026-0001");
  report = ReplaceElement(report, "provider", PartyBlock(reported, "provider"));
  Must(SetText(report, "date", Today()));
  Day(2026, 5, 12);
  Must(DecisionXml(NextDecisionId(), reported, "关于举报事项的说明", ProviderSubject(reported),
                   "<reportResponse><report>RPT-2026-0001</report></reportResponse>",
                   "所涉案例合同、验收材料及社保缴纳记录附后，举报所称情况与事实不符。"));
  Day(2026, 5, 20);
  Must(DecisionXml(NextDecisionId(), bureau_, "举报核查结论", ProviderSubject(reported),
                   "<reportFinding><report>RPT-2026-0001</report><fraudConfirmed>false"
                   "</fraudConfirmed></reportFinding>",
                   "经核查，未发现该单位存在弄虚作假行为。"));
  highlights_.push_back("2026-05-06 实名举报 / real-name report on " + reported.name +
                        ": answered 05-12, no fraud found 05-20 (Art. 18)");

  Day(2026, 7, 3);
  for_each(
      [&](std::size_t i, const EnterprisePlan& e) { Must(Progress(e, static_cast<int>(i) + 1)); });
  Day(2026, 10, 12);
  for_each([&](std::size_t i, const EnterprisePlan& e) {
    Must(AcceptanceApplication(e, static_cast<int>(i) + 1, id("ACA", i), 1, Today()));
  });
  Day(2026, 10, 20);
  for_each([&](std::size_t i, const EnterprisePlan& e) {
    Must(Conclusion(e, id("ACC", i), id("ACA", i), 1, i != kFails, Today()), &agency_);
  });
  highlights_.push_back("2026-10-20 验收不通过 / acceptance failed: " +
                        enterprises_[kFails].org.name + " (rectify by 2026-11-10, Art. 12(4))");
  Day(2026, 10, 26);
  for_each([&](std::size_t i, const EnterprisePlan& e) {
    if (i != kFails) Must(Satisfaction(e, static_cast<int>(i) + 1, i != kUnhappy, id("ACC", i)));
  });

  // "不满意" after acceptance (Art. 15(4)): warning, appeal (Art. 17(2)), rejected, rectified.
  const EnterprisePlan& unhappy = enterprises_[kUnhappy];
  const Org& warned = providers_[unhappy.provider].org;
  const std::string satisfaction = id("SAT", kUnhappy);
  Day(2026, 10, 28);
  NoticeRequest warning;
  warning.kind = NoticeKind::kWarning;
  warning.providers = {NoticeProvider{warned.code, warned.name, {}, {}, {}, {}, {}}};
  warning.follows = {{"satisfaction", satisfaction, Sha(satisfaction)}};
  warning.ground = 4;
  warning.facts = "服务通过验收，但试点企业" + unhappy.org.name + "满意度评价为“不满意”（" +
                  satisfaction + "）。";
  warning.rectification_deadline = MakeDate(2026, 11, 27);
  const std::string warning_id = Notice(warning).decision.document_id;
  highlights_.push_back("2026-10-28 警告 / warning " + warning_id + " to " + warned.name +
                        " (Art. 15(4))");

  const EnterprisePlan& failed = enterprises_[kFails];
  Day(2026, 10, 30);
  Must(DecisionXml(NextDecisionId(), failed.org, "竣工验收整改报告", EnterpriseSubject(failed),
                   "<projectRectification><conclusion>" + id("ACC", kFails) +
                       "</conclusion><measure>质量追溯模块已覆盖探伤工序并试运行两周。</measure>"
                       "</projectRectification>",
                   "已按验收专家组意见完成整改，申请参加下一批次验收。"));
  Day(2026, 11, 2);
  const std::string second = "ACA-2026-" + Pad(101 + static_cast<int>(kFails), 4);
  Must(AcceptanceApplication(failed, static_cast<int>(kFails) + 1, second, 2, Today()));
  for_each([&](std::size_t i, const EnterprisePlan& e) {
    if (i != kFails && i != kUnhappy) closure(e, "项目已完成，予以结项。");
  });
  Day(2026, 11, 3);
  std::string appeal = SetId(Template("appeal"), "APL-2026-0001");
  appeal = ReplaceElement(appeal, "provider", PartyBlock(warned, "provider"));
  appeal =
      ReplaceElement(appeal, "follows", Follows("satisfaction", satisfaction, Sha(satisfaction)));
  appeal = ReplaceElement(appeal, "enterprise", PartyBlock(unhappy.org, "enterprise"));
  Must(SetText(appeal, "date", Today()));
  highlights_.push_back("2026-11-03 申诉 / appeal by " + warned.name +
                        " suspends the warning until the bureau decides (Art. 17); rejected 11-10");
  Day(2026, 11, 6);
  const std::string passed = "ACC-2026-" + Pad(101 + static_cast<int>(kFails), 4);
  Must(Conclusion(failed, passed, second, 2, true, Today()), &agency_);
  highlights_.push_back("2026-11-06 整改后通过 / passed in batch 2 after rectification: " +
                        failed.org.name);
  Day(2026, 11, 9);
  Must(Satisfaction(failed, static_cast<int>(kFails) + 1, true, passed));
  Day(2026, 11, 10);
  Must(DecisionXml(NextDecisionId(), bureau_, "申诉处理决定", ProviderSubject(warned),
                   "<appealDecision><appeal>APL-2026-0001</appeal><upheld>false</upheld>"
                   "</appealDecision>",
                   "经复核，企业评价所反映的响应迟缓问题属实，申诉不成立，警告恢复执行。"));
  Day(2026, 11, 12);
  closure(failed, "整改后通过验收，予以结项。");
  Day(2026, 11, 16);
  Must(DecisionXml(NextDecisionId(), warned, "警告整改报告", ProviderSubject(warned),
                   "<rectification><warning>" + warning_id +
                       "</warning><measure>增派驻场工程师两名，补齐分班组操作培训。</measure>"
                       "</rectification>",
                   "已按警告通知要求完成整改，并经试点企业书面确认。"));
  Day(2026, 11, 17);
  closure(unhappy, "服务商已完成整改，项目予以结项。");

  // Materials late and incomplete twice (Art. 15(3)) → two warnings → disqualified (Art. 16(1)).
  const Org& bad = providers_[5].org;
  std::vector<NoticeFollows> warnings;
  for (int round = 0; round < 2; ++round) {
    Day(2026, 11, round == 0 ? 18 : 20);
    Must(DecisionXml(NextDecisionId(), bureau_, "服务商资料报送登记", ProviderSubject(bad),
                     std::string("<materialsSubmission><requested>") +
                         (round == 0 ? "第三季度服务台账" : "项目档案补充材料") +
                         "</requested><dueOn>" + (round == 0 ? "2026-11-10" : "2026-11-15") +
                         "</dueOn><complete>false</complete></materialsSubmission>",
                     "资料逾期报送且不完整。"));
    NoticeRequest w;
    w.kind = NoticeKind::kWarning;
    w.providers = {NoticeProvider{bad.code, bad.name, {}, {}, {}, {}, {}}};
    w.ground = 3;
    w.facts = "资料报送不及时、不完整（第十五条（三））。";
    const std::string notice = Notice(w).decision.document_id;
    warnings.push_back({"notice", notice, Sha(notice)});
  }
  Day(2026, 11, 24);
  NoticeRequest disqualification;
  disqualification.kind = NoticeKind::kDisqualification;
  disqualification.providers = {NoticeProvider{bad.code, bad.name, {}, {}, {}, {}, {}}};
  disqualification.follows = warnings;
  disqualification.ground = 1;
  disqualification.facts = "该单位一个月内两次受到警告（" + warnings[0].document_id + "、" +
                           warnings[1].document_id + "）。";
  disqualification.fees = "withheld";
  const std::string disqualified = Notice(disqualification).decision.document_id;
  highlights_.push_back("2026-11-24 取消资格 / " + bad.name + " disqualified (" + disqualified +
                        ", Art. 16(1)) after warnings " + warnings[0].document_id + ", " +
                        warnings[1].document_id);
  Day(2026, 11, 25);
  Rating("2026-Q4");
}

void Demo::Rating(const std::string& period) {
  NoticeRequest request;
  pilot_->Read([&](const Engine& engine) {
    request = RatingNoticeRequest(engine, ChinaDate(now_), period);
  });
  Notice(request);
  highlights_.push_back(Today() + " 评星评级 / star rating " + period + " (Art. 14)");
}

void Demo::PrintSummary() {
  std::printf("\n== 试点概况 / pilot summary (%s) ==\n", Today().c_str());
  pilot_->Read([&](const Engine& engine) {
    std::printf("服务商 / providers:\n");
    for (const auto& [code, p] : engine.providers()) {
      std::string stars = p.ratings.empty()
                              ? "-"
                              : std::to_string(static_cast<int>(p.ratings.back().result.stars)) +
                                    "★ (" + p.ratings.back().period + ")";
      int served = 0;
      for (const auto& [e, project] : engine.projects()) served += project.provider_code == code;
      std::printf("  %s %-32s %-13s enterprises %2d  rating %s%s\n", code.c_str(), p.name.c_str(),
                  ProviderStateName(p.state), served, stars.c_str(),
                  p.fees_withheld ? "  fees withheld" : "");
    }
    std::map<std::string, int> by_state;
    for (const auto& [code, project] : engine.projects())
      ++by_state[ProjectStateName(project.state)];
    std::printf("试点企业 / enterprises: %zu —", engine.projects().size());
    for (const auto& [state, count] : by_state) std::printf(" %s %d", state.c_str(), count);
    std::printf("\n事件 / events logged: %zu\n", engine.log().size());
  });
  if (submitted_ > 0) {
    std::printf(
        "文档 / documents submitted %d (accepted %d, refused %d), notices issued %d; "
        "%zu records in the archive\n",
        submitted_, accepted_, refused_, notices_, static_cast<std::size_t>(store_->Count()));
  }
  for (const std::string& line : highlights_) std::printf("  · %s\n", line.c_str());
  std::printf(
      "\n下一步 / next: sealflow serve --data %s, then\n"
      "  curl http://127.0.0.1:8080/api/v1/dashboard   (token: sealflow token issue --data %s "
      "--role bureau --org %s)\n",
      data_.c_str(), data_.c_str(), bureau_.code.c_str());
}

void Demo::VerifySample() const {
  const fs::path sample = fs::path(data_) / "demo" / "application-signed.pdf";
  if (!fs::exists(sample)) return;
  signing::VerifierOptions options;
  options.trust_anchor_files = {(pki_ / "root-ca.pem").string()};
  signing::VerificationReport report =
      signing::Verifier::Create(options)->Verify(ReadFileOrThrow(sample.string()));
  std::printf("示例签名 / sample signature %s: %s\n", sample.c_str(),
              signing::VerdictName(report.verdict));
}

int Demo::Run() {
  const auto start = std::chrono::steady_clock::now();
  PlanCast();
  MakePki();
  Day(2026, 1, 5);
  VerifySample();  // before the pilot replays its archived PDFs (and quiets PoDoFo's debug output)
  OpenPilot();
  if (pilot_->LoggedEvents() > 0) {
    std::printf("演示试点已存在 / the demo pilot is already archived in %s (%zu records)\n",
                data_.c_str(), static_cast<std::size_t>(store_->Count()));
    now_ = Clock::now();
    PrintSummary();
    return kExitOk;
  }
  PlayProviders();
  PlayEnterprises();
  PrintSummary();
  VerifySample();
  std::printf("(%.1f s)\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return kExitOk;
}

}  // namespace

int RunDemo(int argc, char** argv) {
  Args args(argc, argv, {"data"}, {});
  if (int rc = HandleHelpAndErrors(args, "demo", kDemoHelp); rc >= 0) return rc;
  Demo demo(args.Get("data").value_or("sealflow-data"));
  return demo.Run();
}

}  // namespace sealflow::cli
