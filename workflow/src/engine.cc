// Copyright sealflow authors.
// The workflow engine: one handler per event kind. A handler works on the state directly, but
// every provider or project it may write is journaled (its value before the first write access)
// and a refusal rolls the journal back, so a refusal can never leave a half-applied change
// behind, whatever order a handler checks and mutates in. Journaling instead of copying the
// whole state keeps an event's cost independent of how many providers and projects the pilot
// has (a whole copy is taken only by the few handlers that walk every entry for writing).
#include <algorithm>
#include <iterator>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "workflow/lifecycle.h"

namespace sealflow::workflow {

// A map whose entries remember their value before the first write access (non-const find, at,
// operator[], non-const iteration) since Begin(), so that Rollback() restores exactly the state
// at Begin(). Const access journals nothing.
template <typename T>
class JournaledMap {
 public:
  using Map = std::map<std::string, T>;
  using iterator = typename Map::iterator;
  using const_iterator = typename Map::const_iterator;

  const_iterator find(const std::string& key) const { return map_.find(key); }
  const_iterator begin() const { return map_.begin(); }
  const_iterator end() const { return map_.end(); }
  std::size_t count(const std::string& key) const { return map_.count(key); }
  const T& at(const std::string& key) const { return map_.at(key); }
  const Map& map() const { return map_; }

  iterator find(const std::string& key) {
    auto it = map_.find(key);
    if (it != map_.end()) Keep(key, &it->second);
    return it;
  }
  iterator begin() {
    KeepAll();
    return map_.begin();
  }
  iterator end() { return map_.end(); }
  T& at(const std::string& key) {
    T& value = map_.at(key);
    Keep(key, &value);
    return value;
  }
  T& operator[](const std::string& key) {
    auto it = map_.find(key);
    Keep(key, it == map_.end() ? nullptr : &it->second);
    return map_[key];
  }

  void Begin() {
    Commit();
    recording_ = true;
  }
  void Commit() {
    journal_.clear();
    whole_.reset();
    recording_ = false;
  }
  void Rollback() {
    if (whole_) {
      map_ = std::move(*whole_);
    } else {
      for (auto& [key, before] : journal_) {
        if (before) {
          map_.insert_or_assign(key, std::move(*before));
        } else {
          map_.erase(key);
        }
      }
    }
    Commit();
  }

 private:
  void Keep(const std::string& key, const T* current) {
    if (!recording_ || whole_ || journal_.count(key)) return;
    journal_.emplace(key, current ? std::optional<T>(*current) : std::nullopt);
  }
  void KeepAll() {
    if (!recording_ || whole_) return;
    whole_.emplace(map_);
    for (auto& [key, before] : journal_) {
      if (before) {
        whole_->insert_or_assign(key, *before);
      } else {
        whole_->erase(key);
      }
    }
    journal_.clear();
  }

  Map map_;
  std::map<std::string, std::optional<T>> journal_;
  std::optional<Map> whole_;  // after a write walk: the whole map as it was at Begin()
  bool recording_ = false;
};

struct EngineState {
  JournaledMap<Provider> providers;
  JournaledMap<Project> projects;
  std::optional<Date> first_listing_notice;
  bool first_rating_due_raised = false;
  std::vector<std::string> rating_periods;  // periods already published
};

namespace {

using std::chrono::days;

struct Ctx {
  EngineState& s;
  const EngineOptions& o;
  Date now;
};

Decision Refuse(Article a, std::string zh, std::string en) {
  Decision d;
  d.accepted = false;
  d.article_zh = std::string(a.zh);
  d.article_en = std::string(a.en);
  d.message_zh = std::move(zh);
  d.message_en = std::move(en);
  return d;
}

Decision Accept(Article a, std::string zh, std::string en) {
  Decision d = Refuse(a, std::move(zh), std::move(en));
  d.accepted = true;
  return d;
}

Raised Raise(RaisedKind kind, Article a, std::string provider, std::string enterprise,
             std::string zh, std::string en) {
  return Raised{kind,
                std::string(a.zh),
                std::string(a.en),
                std::move(provider),
                std::move(enterprise),
                std::move(zh),
                std::move(en)};
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += "、";
    out += item;
  }
  return out;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

std::vector<std::string> Minus(const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
  std::vector<std::string> out;
  const auto sa = Sorted(a);
  const auto sb = Sorted(b);
  std::set_difference(sa.begin(), sa.end(), sb.begin(), sb.end(), std::back_inserter(out));
  return out;
}

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// ---- Providers ------------------------------------------------------------------------------

bool InPool(const Provider& p) {
  return p.state == ProviderState::kListed || p.state == ProviderState::kWarned;
}

void SetState(Provider& p, ProviderState to, Date on, const std::string& doc, Article a) {
  if (p.state == to) return;
  p.history.push_back(
      {on, doc, ProviderStateName(p.state), ProviderStateName(to), std::string(a.zh)});
  p.state = to;
}

void SetState(Project& p, ProjectState to, Date on, const std::string& doc, Article a) {
  if (p.state == to) return;
  p.history.push_back(
      {on, doc, ProjectStateName(p.state), ProjectStateName(to), std::string(a.zh)});
  p.state = to;
}

bool OpenWarning(const Warning& w) { return w.Effective() && !w.rectified_on; }

// Listed <-> warned follows whether any warning in force awaits rectification.
void RefreshWarned(Provider& p, Date on, const std::string& doc) {
  if (!InPool(p)) return;
  const bool open = std::any_of(p.warnings.begin(), p.warnings.end(), OpenWarning);
  SetState(p, open ? ProviderState::kWarned : ProviderState::kListed, on, doc, article::kArt15);
}

int EffectiveWarnings(const Provider& p) {
  return static_cast<int>(std::count_if(p.warnings.begin(), p.warnings.end(),
                                        [](const Warning& w) { return w.Effective(); }));
}

Warning* FindWarning(Provider& p, const std::string& id) {
  for (auto& w : p.warnings)
    if (w.id == id) return &w;
  return nullptr;
}

// Looks a provider up for an event about it; refuses unknown providers under Art. 2 (a
// provider is an organisation on the list) and, when `pool` is set, providers outside the pool
// under the article that put them out.
std::optional<Decision> CheckProvider(Ctx& c, const std::string& code, bool pool, Provider** out) {
  auto it = c.s.providers.find(code);
  if (it == c.s.providers.end())
    return Refuse(article::kArt2, "服务商" + code + "未申报或不在服务商名单中",
                  "provider " + code + " has not applied and is not on the list");
  *out = &it->second;
  if (!pool || InPool(it->second)) return std::nullopt;
  switch (it->second.state) {
    case ProviderState::kDisqualified:
      return Refuse(article::kArt16, "服务商" + code + "已被取消服务商资格",
                    "provider " + code + " has been disqualified");
    case ProviderState::kRemovedFromPool:
      return Refuse(article::kArt18, "服务商" + code + "已退出服务商库",
                    "provider " + code + " has been removed from the pool");
    default:
      return Refuse(article::kArt2,
                    "服务商" + code + "尚未纳入服务商名单（当前状态：" +
                        ProviderStateName(it->second.state) + "）",
                    "provider " + code +
                        " is not listed (state: " + ProviderStateName(it->second.state) + ")");
  }
}

// Opens a disqualification case unless one is open; always returns the item to raise.
Raised OpenDisqualification(Provider& p, Article a, std::string cause, Date on,
                            std::string reason_zh, std::string reason_en) {
  if (!p.disqualification_open)
    p.disqualification_open = DisqualificationCase{std::string(a.zh), std::string(a.en), reason_zh,
                                                   reason_en,         std::move(cause),  on};
  return Raise(RaisedKind::kDisqualificationOpened, a, p.code, "",
               "启动取消服务商资格程序：" + reason_zh,
               "disqualification proceedings opened: " + reason_en);
}

// Flags every open project of the provider; returns the raised items.
std::vector<Raised> FlagProjects(EngineState& s, const std::string& provider, const char* code,
                                 const std::string& cause, Date on, Article a,
                                 const std::string& why_zh, const std::string& why_en) {
  std::vector<Raised> raised;
  for (auto& [enterprise, project] : s.projects) {
    if (project.provider_code != provider || project.state == ProjectState::kClosed) continue;
    project.flags.push_back({code, cause, on});
    raised.push_back(
        Raise(RaisedKind::kProjectFlagged, a, provider, enterprise,
              "试点企业" + enterprise + "的改造项目需另行安排服务：" + why_zh,
              "project of enterprise " + enterprise + " needs another arrangement: " + why_en));
  }
  return raised;
}

Decision RemoveFromPool(Ctx& c, Provider& p, const std::string& cause, std::string why_zh,
                        std::string why_en) {
  SetState(p, ProviderState::kRemovedFromPool, c.now, cause, article::kArt18);
  p.sub_industries_listed.clear();
  p.disqualification_open.reset();
  Decision d = Accept(article::kArt18, "服务商" + p.code + "退出服务商库：" + why_zh,
                      "provider " + p.code + " is removed from the pool: " + why_en);
  d.raised.push_back(
      Raise(RaisedKind::kRemovedFromPool, article::kArt18, p.code, "", why_zh, why_en));
  for (auto& r :
       FlagProjects(c.s, p.code, "provider-removed", cause, c.now, article::kArt18, why_zh, why_en))
    d.raised.push_back(std::move(r));
  return d;
}

Decision On(Ctx& c, const ProviderApplication& e) {
  if (auto it = c.s.providers.find(e.provider_code); it != c.s.providers.end()) {
    if (it->second.state == ProviderState::kDisqualified)
      return Refuse(article::kArt16, "该服务商已被取消服务商资格，不能重新申报",
                    "the provider was disqualified and cannot apply again");
    if (it->second.state == ProviderState::kRemovedFromPool)
      return Refuse(article::kArt18, "该服务商已退出服务商库，不能重新申报",
                    "the provider was removed from the pool and cannot apply again");
    if (it->second.state != ProviderState::kRejected)
      return Refuse(article::kArt9, "该服务商的申报已在办理中或已纳入名单",
                    "the provider already has an application in progress or is listed");
  }
  if (e.sub_industries.empty())
    return Refuse(article::kArt3, "申报书未写明申报的细分行业（分类管理）",
                  "the application names no sub-industry (managed by category)");
  if (!e.declarations_affirmed)
    return Refuse(article::kArt10_2,
                  "申报书未声明未被列入经营异常名录或严重失信主体名单、无重大安全事故、无偷税漏税",
                  "the application does not affirm the Art. 10(2) declarations");
  const auto missing = Minus(e.sub_industries, e.case_sub_industries);
  if (!missing.empty())
    return Refuse(article::kArt10_3, "以下细分行业没有企业数字化改造案例：" + Join(missing),
                  "no transformation case in the sub-industries: " + Join(missing));
  Provider p;
  p.code = e.provider_code;
  p.name = e.provider_name;
  p.address = e.address;
  p.legal_representative = e.legal_representative;
  p.business_scope = e.business_scope;
  p.registered_capital = e.registered_capital;
  p.sub_industries_applied = Sorted(e.sub_industries);
  p.state = ProviderState::kApplied;
  p.history.push_back(
      {c.now, e.document_id, "", ProviderStateName(p.state), std::string(article::kArt9.zh)});
  c.s.providers[p.code] = std::move(p);
  return Accept(article::kArt9, "服务商申报已受理", "application received");
}

// One step of the selection procedure (Art. 9): `from` -> `to` or rejected.
Decision SelectionStep(Ctx& c, const std::string& code, const std::string& doc, ProviderState from,
                       ProviderState to, bool ok, const char* step_zh, const char* step_en) {
  Provider* p = nullptr;
  if (auto r = CheckProvider(c, code, false, &p)) return *r;
  if (p->state != from)
    return Refuse(article::kArt9,
                  std::string(step_zh) + "须在" + ProviderStateName(from) + "之后进行，当前状态为" +
                      ProviderStateName(p->state),
                  std::string(step_en) + " must follow " + ProviderStateName(from) +
                      "; the provider is " + ProviderStateName(p->state));
  SetState(*p, ok ? to : ProviderState::kRejected, c.now, doc, article::kArt9);
  return ok ? Accept(article::kArt9, std::string(step_zh) + "：通过",
                     std::string(step_en) + ": passed")
            : Accept(article::kArt9, std::string(step_zh) + "：未通过，申报终止",
                     std::string(step_en) + ": not passed; the application ends");
}

Decision On(Ctx& c, const CountyRecommendation& e) {
  return SelectionStep(c, e.provider_code, e.document_id, ProviderState::kApplied,
                       ProviderState::kRecommended, e.recommended, "县（市、区）审查推荐",
                       "county recommendation");
}

Decision On(Ctx& c, const ApplicationExpertReview& e) {
  return SelectionStep(c, e.provider_code, e.document_id, ProviderState::kRecommended,
                       ProviderState::kExpertReviewed, e.passed, "专家评审", "expert review");
}

Decision On(Ctx& c, const MeetingDecision& e) {
  Provider* p = nullptr;
  if (auto r = CheckProvider(c, e.provider_code, false, &p)) return *r;
  if (e.approved && p->state == ProviderState::kExpertReviewed) {
    const auto extra = Minus(e.sub_industries, p->sub_industries_applied);
    if (!extra.empty())
      return Refuse(article::kArt3, "专题会议确定的细分行业未经申报：" + Join(extra),
                    "sub-industries not applied for: " + Join(extra));
    p->sub_industries_listed =
        e.sub_industries.empty() ? p->sub_industries_applied : Sorted(e.sub_industries);
  }
  return SelectionStep(c, e.provider_code, e.document_id, ProviderState::kExpertReviewed,
                       ProviderState::kDecided, e.approved, "专题会议研究", "special meeting");
}

Decision On(Ctx& c, const ListingNotice& e) {
  if (e.provider_codes.empty())
    return Refuse(article::kArt9, "公示未列出服务商", "the public notice lists no provider");
  const Date end = e.objection_period_end.value_or(e.date + days{c.o.objection_days});
  if (end < e.date)
    return Refuse(article::kArt9, "公示期截止日早于公示日期",
                  "the objection period ends before the notice date");
  for (const auto& code : e.provider_codes) {
    Provider* p = nullptr;
    if (auto r = CheckProvider(c, code, false, &p)) return *r;
    if (p->state != ProviderState::kDecided)
      return Refuse(article::kArt9, "服务商" + code + "未经专题会议研究通过，不能公示",
                    "provider " + code + " was not approved by the special meeting");
    p->listing_notice_id = e.document_id;
    p->noticed_on = e.date;
    p->objection_period_end = end;
    SetState(*p, ProviderState::kNoticed, c.now, e.document_id, article::kArt9);
  }
  if (!c.s.first_listing_notice || e.date < *c.s.first_listing_notice)
    c.s.first_listing_notice = e.date;
  return Accept(article::kArt9, "社会公示开始，公示期至" + FormatDate(end),
                "public notice issued; objections until " + FormatDate(end));
}

Decision On(Ctx& c, const ListingObjectionDecision& e) {
  Provider* p = nullptr;
  if (auto r = CheckProvider(c, e.provider_code, false, &p)) return *r;
  if (p->state != ProviderState::kNoticed)
    return Refuse(article::kArt9, "该服务商不在公示期内",
                  "the provider is not under public notice");
  if (!e.upheld) return Accept(article::kArt9, "异议不成立", "objection dismissed");
  SetState(*p, ProviderState::kRejected, c.now, e.document_id, article::kArt9);
  p->sub_industries_listed.clear();
  return Accept(article::kArt9, "公示期异议成立，不纳入服务商名单",
                "objection upheld; the provider is not listed");
}

const char* DetailName(ProviderDetail d) {
  switch (d) {
    case ProviderDetail::kName:
      return "名称 / name";
    case ProviderDetail::kAddress:
      return "住所 / address";
    case ProviderDetail::kLegalRepresentative:
      return "法定代表人 / legal representative";
    case ProviderDetail::kBusinessScope:
      return "经营范围 / business scope";
    case ProviderDetail::kCapital:
      return "注册资本 / registered capital";
  }
  return "?";
}

Decision On(Ctx& c, const ProviderDetailsChange& e) {
  Provider* p = nullptr;
  if (auto r = CheckProvider(c, e.provider_code, true, &p)) return *r;
  switch (e.detail) {
    case ProviderDetail::kName:
      p->name = e.new_value;
      break;
    case ProviderDetail::kAddress:
      p->address = e.new_value;
      break;
    case ProviderDetail::kLegalRepresentative:
      p->legal_representative = e.new_value;
      break;
    case ProviderDetail::kBusinessScope:
      p->business_scope = e.new_value;
      break;
    case ProviderDetail::kCapital:
      p->registered_capital = e.new_value;
      break;
  }
  const auto elapsed = (c.now - e.changed_on).count();
  const bool timely = e.reported_by_provider && elapsed <= c.o.change_report_days;
  if (timely)
    return Accept(article::kArt15_1, std::string("变更已报告并记录：") + DetailName(e.detail),
                  std::string("change reported and recorded: ") + DetailName(e.detail));
  Decision d = Accept(article::kArt15_1, std::string("变更已记录：") + DetailName(e.detail),
                      std::string("change recorded: ") + DetailName(e.detail));
  const std::string why_zh = std::string("服务商") + DetailName(e.detail) + "发生较大变更（" +
                             FormatDate(e.changed_on) + "），未及时向市工信局报告说明";
  const std::string why_en = std::string("major change of ") + DetailName(e.detail) + " on " +
                             FormatDate(e.changed_on) + " not reported to the bureau in time";
  d.raised.push_back(Raise(RaisedKind::kWarningProposal, article::kArt15_1, p->code, "",
                           "建议予以警告并限期整改：" + why_zh, "warning proposed: " + why_en));
  return d;
}

Decision On(Ctx& c, const MaterialsSubmission& e) {
  Provider* p = nullptr;
  if (auto r = CheckProvider(c, e.provider_code, true, &p)) return *r;
  const bool late = c.now > e.due_on;
  Decision d = Accept(article::kArt15_3, "资料已收到", "materials received");
  if (late || !e.complete) {
    std::string zh =
        std::string("资料报送") +
        (late ? "不及时（应于" + FormatDate(e.due_on) + "前报送，" + FormatDate(c.now) + "收到）"
              : "") +
        (late && !e.complete ? "且" : "") + (e.complete ? "" : "不完整、不规范");
    std::string en =
        std::string("materials ") +
        (late ? "late (due " + FormatDate(e.due_on) + ", received " + FormatDate(c.now) + ")"
              : "") +
        (late && !e.complete ? " and " : "") + (e.complete ? "" : "incomplete");
    d.raised.push_back(Raise(RaisedKind::kWarningProposal, article::kArt15_3, p->code, "",
                             "建议予以警告并限期整改：" + zh, "warning proposed: " + en));
  }
  return d;
}

Decision On(Ctx& c, const WarningNotice& e) {
  Provider* p = nullptr;
  if (auto r = CheckProvider(c, e.provider_code, true, &p)) return *r;
  if (e.ground < 1 || e.ground > 6)
    return Refuse(article::kArt15, "警告须依据第十五条第（一）至（六）项之一",
                  "a warning must rest on one of the items (1)–(6) of Art. 15");
  if (FindWarning(*p, e.document_id))
    return Refuse(article::kArt15, "该警告已记录", "this warning is already recorded");
  const Date deadline = e.rectification_deadline.value_or(e.date + days{c.o.rectification_days});
  if (deadline < e.date)
    return Refuse(article::kArt15, "整改期限早于警告日期（警告须限期整改）",
                  "the rectification deadline precedes the warning (a warning sets a deadline)");
  Warning w;
  w.id = e.document_id;
  w.ground = e.ground;
  w.source_document = e.source_document;
  w.issued_on = e.date;
  w.rectification_deadline = deadline;
  w.appeal_window_end = e.date + days{c.o.appeal_window_days};
  p->warnings.push_back(w);
  RefreshWarned(*p, c.now, e.document_id);
  const Article a = article::Art15Item(e.ground);
  Decision d = Accept(a, "予以警告并限期整改，整改期限" + FormatDate(deadline),
                      "warned; rectify by " + FormatDate(deadline));
  if (EffectiveWarnings(*p) >= 2)
    d.raised.push_back(
        OpenDisqualification(*p, article::kArt16_1, e.document_id, c.now,
                             "受到警告" + std::to_string(EffectiveWarnings(*p)) + "次",
                             "warned " + std::to_string(EffectiveWarnings(*p)) + " times"));
  return d;
}

Decision On(Ctx& c, const RectificationReport& e) {
  Provider* p = nullptr;
  if (auto r = CheckProvider(c, e.provider_code, true, &p)) return *r;
  Warning* w = FindWarning(*p, e.warning_id);
  if (!w || w->withdrawn)
    return Refuse(article::kArt15, "没有需要整改的警告" + e.warning_id,
                  "no warning " + e.warning_id + " to rectify");
  if (w->rectified_on)
    return Refuse(article::kArt15, "该警告已整改", "the warning has already been rectified");
  w->rectified_on = c.now;
  w->rectification_document = e.document_id;
  RefreshWarned(*p, c.now, e.document_id);
  if (c.now > w->rectification_deadline)
    return Accept(
        article::kArt16_2, "整改报告已记录，但晚于整改期限" + FormatDate(w->rectification_deadline),
        "rectification recorded, but after the deadline " + FormatDate(w->rectification_deadline));
  return Accept(article::kArt15, "已按期整改", "rectified within the deadline");
}

Decision On(Ctx& c, const AppealFiling& e) {
  Provider* p = nullptr;
  if (auto r = CheckProvider(c, e.provider_code, true, &p)) return *r;
  Warning* w = FindWarning(*p, e.contested_warning_id);
  if (!w || w->withdrawn)
    return Refuse(article::kArt17, "申诉所针对的警告不存在或已撤销",
                  "the contested warning does not exist or was withdrawn");
  if (w->appeal_window_closed || c.now > w->appeal_window_end)
    return Refuse(article::kArt17, "申诉期已过（截至" + FormatDate(w->appeal_window_end) + "）",
                  "the appeal window closed on " + FormatDate(w->appeal_window_end));
  if (!e.states_matter_reason_purpose || !e.has_evidence)
    return Refuse(article::kArt17, "申诉材料应写明申诉的事项、理由和目的，并提供佐证材料",
                  "an appeal states matter, reason and purpose, with evidence");
  if (e.ground == AppealGround::kUnsatisfiedRating) {
    const auto& projects = std::as_const(c.s.projects);
    const bool from_rating = std::any_of(projects.begin(), projects.end(), [&](const auto& kv) {
      return kv.second.satisfaction_id == w->source_document &&
             kv.second.satisfaction == Satisfaction::kDissatisfied;
    });
    if (!from_rating)
      return Refuse(article::kArt17, "第十七条（二）仅适用于因“不满意”评价受到的警告",
                    "ground (2) applies only to a warning for a \"不满意\" rating");
  }
  w->suspended = true;
  w->suspended_on = c.now;
  w->appeal_window_closed = true;
  p->appeals.push_back({e.document_id, w->id, e.ground, c.now, AppealOutcome::kPending});
  RefreshWarned(*p, c.now, e.document_id);
  return Accept(article::kArt17, "申诉已受理，警告" + w->id + "在市工信局作出决定前暂停执行",
                "appeal received; warning " + w->id + " is suspended until the bureau decides");
}

Decision On(Ctx& c, const AppealDecision& e) {
  Provider* p = nullptr;
  if (auto r = CheckProvider(c, e.provider_code, false, &p)) return *r;
  auto it = std::find_if(p->appeals.begin(), p->appeals.end(),
                         [&](const Appeal& a) { return a.id == e.appeal_id; });
  if (it == p->appeals.end() || it->outcome != AppealOutcome::kPending)
    return Refuse(article::kArt17, "没有待决定的申诉" + e.appeal_id,
                  "no pending appeal " + e.appeal_id);
  Warning* w = FindWarning(*p, it->warning_id);
  Decision d;
  if (e.upheld) {
    it->outcome = AppealOutcome::kUpheld;
    w->withdrawn = true;
    w->suspended = false;
    d = Accept(article::kArt17, "申诉成立，撤销警告" + w->id,
               "appeal upheld; warning " + w->id + " withdrawn");
    // A case the withdrawn warning opened falls with it.
    if (p->disqualification_open) {
      const auto& open = *p->disqualification_open;
      const bool by_count = open.article_en == article::kArt16_1.en && EffectiveWarnings(*p) < 2;
      const bool by_this = open.cause == w->id;
      if (by_count || by_this) p->disqualification_open.reset();
    }
  } else {
    it->outcome = AppealOutcome::kRejected;
    w->suspended = false;
    // The rectification clock stood still while the warning was suspended.
    const auto stood = c.now - w->suspended_on.value_or(c.now);
    w->rectification_deadline += stood;
    d = Accept(article::kArt17,
               "申诉不成立，警告" + w->id + "恢复执行，整改期限顺延至" +
                   FormatDate(w->rectification_deadline),
               "appeal rejected; warning " + w->id + " in force again, rectify by " +
                   FormatDate(w->rectification_deadline));
    if (EffectiveWarnings(*p) >= 2)
      d.raised.push_back(
          OpenDisqualification(*p, article::kArt16_1, w->id, c.now,
                               "受到警告" + std::to_string(EffectiveWarnings(*p)) + "次",
                               "warned " + std::to_string(EffectiveWarnings(*p)) + " times"));
  }
  RefreshWarned(*p, c.now, e.document_id);
  return d;
}

Decision On(Ctx& c, const DisqualificationDecision& e) {
  Provider* p = nullptr;
  if (auto r = CheckProvider(c, e.provider_code, true, &p)) return *r;
  if (e.ground < 1 || e.ground > 5)
    return Refuse(article::kArt16, "取消资格须依据第十六条第（一）至（五）项之一",
                  "disqualification must rest on one of the items (1)–(5) of Art. 16");
  const Article a = article::Art16Item(e.ground);
  // Items (1), (2) and (4) follow from the record (warnings, missed deadlines), so they need the
  // case the engine opened; (3) and (5) are findings only the bureau can make.
  if ((e.ground == 1 || e.ground == 2 || e.ground == 4) &&
      (!p->disqualification_open || p->disqualification_open->article_en != a.en))
    return Refuse(a, "记录中没有依据" + std::string(a.zh) + "启动的取消资格程序",
                  "no disqualification case opened under " + std::string(a.en));
  SetState(*p, ProviderState::kDisqualified, c.now, e.document_id, a);
  p->sub_industries_listed.clear();
  p->disqualification_open.reset();
  p->fees_withheld = true;
  Decision d = Accept(a, "取消服务商资格", "provider disqualified");
  d.raised.push_back(Raise(RaisedKind::kFeesWithheld, a, p->code, "",
                           "视情况不予支付或扣除部分服务费用",
                           "service fees withheld or partly deducted"));
  d.raised.push_back(Raise(RaisedKind::kIssueNotice, a, p->code, "",
                           "发布通告，建议其他城市不选择" + p->name + "参与数字化转型相关工作",
                           "issue a notice recommending other cities not to engage " + p->code));
  for (auto& r : FlagProjects(c.s, p->code, "provider-disqualified", e.document_id, c.now, a,
                              "服务商已被取消资格", "the provider was disqualified"))
    d.raised.push_back(std::move(r));
  return d;
}

bool InReportablePool(const Provider& p) { return InPool(p) || p.state == ProviderState::kNoticed; }

Decision On(Ctx& c, const RealNameReport& e) {
  Provider* p = nullptr;
  if (auto r = CheckProvider(c, e.provider_code, false, &p)) return *r;
  if (!InReportablePool(*p))
    return Refuse(article::kArt18, "被举报单位不在服务商库中",
                  "the reported provider is not in the pool");
  if (e.reporter_name.empty() || e.reporter_id_number.empty() || e.reporter_contact.empty())
    return Refuse(article::kArt18, "举报须实名并提供联系方式",
                  "a report must be made under a real name with contact details");
  if (!e.has_evidence)
    return Refuse(article::kArt18, "举报须提供佐证材料", "a report must come with evidence");
  for (const auto& existing : p->reports)
    if (existing.id == e.document_id)
      return Refuse(article::kArt18, "该举报已受理", "this report is already recorded");
  Report r;
  r.id = e.document_id;
  r.reporter_name = e.reporter_name;
  r.filed_on = c.now;
  r.response_deadline = c.now + days{c.o.report_response_days};
  p->reports.push_back(r);
  return Accept(article::kArt18,
                "举报已受理，服务商须于" + FormatDate(r.response_deadline) + "前回复",
                "report received; the provider must respond by " + FormatDate(r.response_deadline));
}

Report* FindReport(Provider& p, const std::string& id) {
  for (auto& r : p.reports)
    if (r.id == id) return &r;
  return nullptr;
}

Decision On(Ctx& c, const ReportResponse& e) {
  Provider* p = nullptr;
  if (auto r = CheckProvider(c, e.provider_code, false, &p)) return *r;
  Report* r = FindReport(*p, e.report_id);
  if (!r || r->outcome != ReportOutcome::kAwaitingResponse)
    return Refuse(article::kArt18, "没有待回复的举报" + e.report_id,
                  "no report " + e.report_id + " awaiting a response");
  if (c.now > r->response_deadline)
    return Refuse(article::kArt18, "回复晚于期限" + FormatDate(r->response_deadline),
                  "the response is later than the deadline " + FormatDate(r->response_deadline));
  r->responded_on = c.now;
  r->outcome = ReportOutcome::kResponded;
  return Accept(article::kArt18, "服务商已按期回复举报", "the provider responded in time");
}

Decision On(Ctx& c, const ReportVerification& e) {
  Provider* p = nullptr;
  if (auto r = CheckProvider(c, e.provider_code, false, &p)) return *r;
  Report* r = FindReport(*p, e.report_id);
  if (!r ||
      (r->outcome != ReportOutcome::kAwaitingResponse && r->outcome != ReportOutcome::kResponded))
    return Refuse(article::kArt18, "没有待核实的举报" + e.report_id,
                  "no open report " + e.report_id);
  if (!e.fraud_confirmed) {
    r->outcome = ReportOutcome::kCleared;
    return Accept(article::kArt18, "经核实举报不成立", "report not substantiated");
  }
  r->outcome = ReportOutcome::kFraudConfirmed;
  if (!InReportablePool(*p))
    return Accept(article::kArt18, "经核实存在弄虚作假行为（服务商已不在库中）",
                  "fraud confirmed (the provider is no longer in the pool)");
  return RemoveFromPool(c, *p, e.document_id, "经核实存在弄虚作假行为", "fraud confirmed");
}

RatingInputs InputsFor(const EngineState& s, const std::string& provider) {
  RatingInputs in;
  std::set<std::string> served;
  for (const auto& [code, project] : s.projects) {
    if (project.provider_code != provider) continue;
    if (!project.contract_id.empty()) served.insert(code);
    if (!project.satisfaction) continue;
    switch (*project.satisfaction) {
      case Satisfaction::kSatisfied:
        ++in.satisfied;
        break;
      case Satisfaction::kBasicallySatisfied:
        ++in.basically_satisfied;
        break;
      case Satisfaction::kDissatisfied:
        ++in.dissatisfied;
        break;
    }
  }
  in.enterprises_served = static_cast<int>(served.size());
  return in;
}

std::map<std::string, Rating> Ratings(const EngineState& s, const RatingThresholds& t, Date on,
                                      const std::string& period, const std::string& doc) {
  std::map<std::string, Rating> out;
  for (const auto& [code, p] : s.providers) {
    if (!InPool(p)) continue;
    Rating r;
    r.period = period;
    r.document_id = doc;
    r.published_on = on;
    r.inputs = InputsFor(s, code);
    r.result = ComputeRating(r.inputs, t);
    out[code] = r;
  }
  return out;
}

Decision On(Ctx& c, const RatingNotice& e) {
  if (!c.s.first_listing_notice)
    return Refuse(article::kArt14, "尚无服务商公示，不能评星评级",
                  "no provider has been publicly noticed yet");
  const DateRange window = FirstRatingWindow(*c.s.first_listing_notice);
  if (e.date < window.first)
    return Refuse(
        article::kArt14,
        "第一次评级应在第一批服务商公示后的第3个月（" + FormatDate(window.first) + "起）进行",
        "the first rating is due in the third month after the first listing notice "
        "(from " +
            FormatDate(window.first) + ")");
  if (Contains(c.s.rating_periods, e.period))
    return Refuse(article::kArt14, "该评级期已发布", "this rating period is already published");
  const auto ratings = Ratings(c.s, c.o.rating, e.date, e.period, e.document_id);
  for (const auto& [code, r] : ratings) c.s.providers[code].ratings.push_back(r);
  c.s.rating_periods.push_back(e.period);
  return Accept(article::kArt14, "评星评级已发布：" + std::to_string(ratings.size()) + "家服务商",
                "star ratings published for " + std::to_string(ratings.size()) + " providers");
}

// ---- Projects -------------------------------------------------------------------------------

std::optional<Decision> CheckProject(Ctx& c, const std::string& code, Project** out, Article a) {
  auto it = c.s.projects.find(code);
  if (it == c.s.projects.end())
    return Refuse(a, "试点企业" + code + "未纳入试点", "enterprise " + code + " is not enrolled");
  *out = &it->second;
  return std::nullopt;
}

bool Before(ProjectState s, ProjectState than) {
  return static_cast<int>(s) < static_cast<int>(than);
}

Decision On(Ctx& c, const Enrollment& e) {
  if (c.s.projects.count(e.enterprise_code))
    return Refuse(article::kArt12_1, "该企业已纳入试点（一企一策）",
                  "the enterprise is already enrolled (one plan per enterprise)");
  Project p;
  p.enterprise_code = e.enterprise_code;
  p.enterprise_name = e.enterprise_name;
  p.sub_industry = e.sub_industry;
  p.scale = e.scale;
  p.history.push_back(
      {c.now, e.document_id, "", ProjectStateName(p.state), std::string(article::kArt12_1.zh)});
  c.s.projects[p.enterprise_code] = std::move(p);
  return Accept(article::kArt12_1, "试点企业已纳入", "enterprise enrolled");
}

Decision On(Ctx& c, const DiagnosticReport& e) {
  Project* p = nullptr;
  if (auto r = CheckProject(c, e.enterprise_code, &p, article::kArt12_1)) return *r;
  if (p->state != ProjectState::kEnrolled)
    return Refuse(article::kArt12_1, "该企业已有诊断报告（一企一策）",
                  "the enterprise already has a diagnostic report");
  Provider* v = nullptr;
  if (auto r = CheckProvider(c, e.provider_code, true, &v)) return *r;
  if (!Contains(v->sub_industries_listed, p->sub_industry))
    return Refuse(article::kArt3,
                  "服务商未纳入“" + p->sub_industry + "”细分行业的服务商名单（分类管理）",
                  "the provider is not listed for the sub-industry " + p->sub_industry);
  if (!e.enterprise_confirmed)
    return Refuse(article::kArt12_1, "诊断报告须经试点企业确认",
                  "the diagnostic report must be confirmed by the enterprise");
  p->provider_code = e.provider_code;
  p->diagnostic_report_id = e.document_id;
  SetState(*p, ProjectState::kDiagnosed, c.now, e.document_id, article::kArt12_1);
  return Accept(article::kArt12_1, "诊断报告已确认", "diagnostic report confirmed");
}

Decision On(Ctx& c, const PlanFiling& e) {
  Project* p = nullptr;
  if (auto r = CheckProject(c, e.enterprise_code, &p, article::kArt12_2)) return *r;
  if (p->state != ProjectState::kDiagnosed && p->state != ProjectState::kReturned)
    return Refuse(article::kArt12_2,
                  std::string("当前阶段不能备案改造方案（") + ProjectStateName(p->state) + "）",
                  std::string("a plan cannot be filed now (") + ProjectStateName(p->state) + ")");
  if (e.provider_code != p->provider_code)
    return Refuse(article::kArt12_2, "改造方案的服务商与诊断服务商不一致",
                  "the plan's provider is not the one that diagnosed the enterprise");
  Provider* v = nullptr;
  if (auto r = CheckProvider(c, e.provider_code, true, &v)) return *r;
  if (e.plan_hash.empty() || e.total <= 0 || e.scenes.empty())
    return Refuse(article::kArt12_2, "改造方案须明确改造内容（场景）、预算金额并可追溯（哈希）",
                  "a plan needs scenarios, a budget and its hash");
  if (e.enterprise_share <= 0 || e.provider_concession <= 0 || e.government_subsidy <= 0 ||
      e.enterprise_share + e.provider_concession + e.government_subsidy != e.total)
    return Refuse(article::kArt7,
                  "费用应按“企业出一点、服务商让一点、政府补一点”分担且合计等于投资总额" +
                      FormatYuan(e.total) + "元",
                  "costs must be shared by enterprise, provider and government and add up to "
                  "the total " +
                      FormatYuan(e.total));
  p->plan_id = e.document_id;
  p->plan_hash = e.plan_hash;
  p->plan_total = e.total;
  p->plan_scenes = Sorted(e.scenes);
  SetState(*p, ProjectState::kPlanFiled, c.now, e.document_id, article::kArt12_2);
  return Accept(article::kArt12_2, "改造方案已提交备案审核", "plan filed for review");
}

Decision On(Ctx& c, const PlanExpertReview& e) {
  Project* p = nullptr;
  if (auto r = CheckProject(c, e.enterprise_code, &p, article::kArt12_2)) return *r;
  if (p->state != ProjectState::kPlanFiled || e.plan_hash != p->plan_hash)
    return Refuse(article::kArt12_2, "没有待专家审核的该改造方案",
                  "no such plan awaits expert review");
  SetState(*p, e.passed ? ProjectState::kPlanExpertReviewed : ProjectState::kReturned, c.now,
           e.document_id, article::kArt12_2);
  return e.passed ? Accept(article::kArt12_2, "专家审核通过", "experts passed the plan")
                  : Accept(article::kArt12_2, "专家审核未通过，方案退回",
                           "experts did not pass the plan; returned");
}

Decision On(Ctx& c, const PlanDecision& e) {
  Project* p = nullptr;
  if (auto r = CheckProject(c, e.enterprise_code, &p, article::kArt12_2)) return *r;
  if (p->state != ProjectState::kPlanExpertReviewed || e.plan_hash != p->plan_hash)
    return Refuse(article::kArt12_2, "改造方案须经专家审核后方可作出备案审核决定",
                  "the plan must pass expert review before the bureau decides");
  if (!e.approved) {
    SetState(*p, ProjectState::kReturned, c.now, e.document_id, article::kArt12_2);
    return Accept(article::kArt12_2, "备案审核未通过，方案退回", "plan returned");
  }
  p->approved_on = e.date;
  p->approved_plan_hash = p->plan_hash;
  p->approved_total = p->plan_total;
  p->approved_scenes = p->plan_scenes;
  SetState(*p, ProjectState::kApproved, c.now, e.document_id, article::kArt12_2);
  return Accept(article::kArt12_2, "改造方案通过备案审核", "plan approved");
}

Decision On(Ctx& c, const ContractSigning& e) {
  Project* p = nullptr;
  if (auto r = CheckProject(c, e.enterprise_code, &p, article::kArt12_3)) return *r;
  if (Before(p->state, ProjectState::kApproved) || p->state == ProjectState::kReturned)
    return Refuse(article::kArt12_3, "改造方案未通过备案审核，不得签订改造合同",
                  "no contract before the plan is approved");
  if (p->state != ProjectState::kApproved)
    return Refuse(article::kArt12_3, "该项目已签订改造合同", "the project already has a contract");
  if (e.plan_hash != p->approved_plan_hash)
    return Refuse(article::kArt12_3, "合同所依据的方案不是通过备案审核的方案",
                  "the contract names a plan other than the approved one");
  if (e.provider_code != p->provider_code)
    return Refuse(article::kArt12_3, "合同的服务商与备案方案的服务商不一致",
                  "the contract's provider is not the plan's provider");
  Provider* v = nullptr;
  if (auto r = CheckProvider(c, e.provider_code, true, &v)) return *r;
  if (p->approved_on && e.date < *p->approved_on)
    return Refuse(article::kArt12_3, "合同签订日期早于备案审核通过日期",
                  "the contract is dated before the plan's approval");
  if (e.amount <= 0 || e.amount > p->approved_total)
    return Refuse(article::kArt12_3,
                  "合同金额" + FormatYuan(e.amount) + "元超出备案投资额" +
                      FormatYuan(p->approved_total) + "元",
                  "the contract amount " + FormatYuan(e.amount) +
                      " is not within the approved investment " + FormatYuan(p->approved_total));
  if (!e.scenes.empty()) {
    const auto missing = Minus(p->approved_scenes, e.scenes);
    const auto extra = Minus(e.scenes, p->approved_scenes);
    if (!missing.empty() || !extra.empty())
      return Refuse(
          article::kArt12_3,
          "合同改造场景与备案方案不一致（缺少：" + Join(missing) + "；新增：" + Join(extra) + "）",
          "the contract's scenarios differ from the approved plan (missing: " + Join(missing) +
              "; added: " + Join(extra) + ")");
  }
  if (e.declares_subcontracting || !e.no_subcontracting_affirmed)
    return Refuse(article::kArt11, "合同约定或未排除转包：服务商不得擅自转包",
                  "the contract provides for or does not exclude subcontracting (转包)");
  p->contract_id = e.document_id;
  p->contract_signed_on = e.date;
  p->contract_amount = e.amount;
  SetState(*p, ProjectState::kContracted, c.now, e.document_id, article::kArt12_3);
  return Accept(article::kArt12_3, "改造合同已签订", "contract signed");
}

Decision On(Ctx& c, const ProgressReport& e) {
  Project* p = nullptr;
  if (auto r = CheckProject(c, e.enterprise_code, &p, article::kArt12_3)) return *r;
  if (p->state == ProjectState::kChangeUnderReview)
    return Refuse(article::kArt12_3, "方案变更正在重新备案审核，审核通过前不得继续实施",
                  "a change is under review; implementation waits for re-approval");
  if (Before(p->state, ProjectState::kContracted))
    return Refuse(article::kArt12_3, "改造方案通过备案审核并签订合同前不得实施改造",
                  "no implementation before plan approval and contract");
  if (p->state != ProjectState::kContracted && p->state != ProjectState::kImplementing)
    return Refuse(article::kArt12_3,
                  std::string("项目已不在实施阶段（") + ProjectStateName(p->state) + "）",
                  std::string("the project is no longer being implemented (") +
                      ProjectStateName(p->state) + ")");
  if (e.provider_code != p->provider_code)
    return Refuse(article::kArt12_3, "进度报告的服务商与合同不一致",
                  "the report's provider is not the contract's");
  Provider* v = nullptr;
  if (auto r = CheckProvider(c, e.provider_code, true, &v)) return *r;
  p->progress_reports.push_back(e.document_id);
  SetState(*p, ProjectState::kImplementing, c.now, e.document_id, article::kArt12_3);
  Decision d = Accept(article::kArt12_3, "进度报告已记录", "progress report recorded");
  Date earliest = e.period_start;
  if (e.earliest_work_date && *e.earliest_work_date < earliest) earliest = *e.earliest_work_date;
  const bool flagged = std::any_of(p->flags.begin(), p->flags.end(), [](const ProjectFlag& f) {
    return f.code == "implemented-before-filing";
  });
  if (p->approved_on && earliest < *p->approved_on && !flagged) {
    p->flags.push_back({"implemented-before-filing", e.document_id, c.now});
    d.raised.push_back(Raise(
        RaisedKind::kWarningProposal, article::kArt15_4, p->provider_code, p->enterprise_code,
        "建议予以警告并限期整改：服务商未经报备即开展改造实施（实施记录" + FormatDate(earliest) +
            "早于备案审核通过日期" + FormatDate(*p->approved_on) + "）",
        "warning proposed: implementation began before the filing was approved (work dated " +
            FormatDate(earliest) + ", approved " + FormatDate(*p->approved_on) + ")"));
  }
  return d;
}

Decision On(Ctx& c, const PaymentRecord& e) {
  Project* p = nullptr;
  if (auto r = CheckProject(c, e.enterprise_code, &p, article::kArt11)) return *r;
  if (p->contract_id.empty())
    return Refuse(article::kArt11, "不得在合同签订之前提前向企业收费",
                  "no charge before the contract is signed");
  if (e.date < *p->contract_signed_on)
    return Refuse(article::kArt11,
                  "付款日期" + FormatDate(e.date) + "早于合同签订日期" +
                      FormatDate(*p->contract_signed_on) + "：不得在合同签订之前提前收费",
                  "payment dated " + FormatDate(e.date) + " before the contract signed " +
                      FormatDate(*p->contract_signed_on));
  Fen paid = 0;
  for (const auto& payment : p->payments) paid += payment.amount;
  if (e.amount <= 0 || paid + e.amount > p->contract_amount)
    return Refuse(article::kArt11, "累计收费将超出合同金额" + FormatYuan(p->contract_amount) + "元",
                  "payments would exceed the contract amount " + FormatYuan(p->contract_amount));
  p->payments.push_back({e.document_id, e.date, e.amount});
  return Accept(article::kArt11, "付款已记录：" + FormatYuan(e.amount) + "元",
                "payment recorded: " + FormatYuan(e.amount));
}

void TakeChange(Project& p, const PendingChange& change) {
  std::vector<std::string> scenes = Minus(p.approved_scenes, change.scenes_removed);
  scenes.insert(scenes.end(), change.scenes_added.begin(), change.scenes_added.end());
  p.approved_scenes = Sorted(scenes);
  p.approved_total = change.new_total;
  // The contract follows the changed plan (a supplementary agreement under the same contract).
  p.contract_amount = change.new_total;
  if (!change.new_plan_hash.empty()) p.approved_plan_hash = change.new_plan_hash;
  p.changes_recorded.push_back(change.document_id);
}

Decision On(Ctx& c, const ChangeFiling& e) {
  Project* p = nullptr;
  if (auto r = CheckProject(c, e.enterprise_code, &p, article::kArt12_3)) return *r;
  if (p->state == ProjectState::kChangeUnderReview)
    return Refuse(article::kArt12_3, "已有方案变更正在审核", "a change is already under review");
  if (p->state != ProjectState::kContracted && p->state != ProjectState::kImplementing)
    return Refuse(article::kArt12_3, "方案变更备案仅适用于已签订合同、正在实施的项目",
                  "a change filing applies to a contracted project under implementation");
  if (e.previous_total != p->approved_total)
    return Refuse(article::kArt12_3,
                  "变更前投资额" + FormatYuan(e.previous_total) + "元与备案投资额" +
                      FormatYuan(p->approved_total) + "元不符",
                  "the previous total " + FormatYuan(e.previous_total) +
                      " is not the approved total " + FormatYuan(p->approved_total));
  const auto unknown = Minus(e.scenes_removed, p->approved_scenes);
  std::vector<std::string> already;
  for (const auto& s : e.scenes_added)
    if (Contains(p->approved_scenes, s)) already.push_back(s);
  if (!unknown.empty() || !already.empty() || e.new_total <= 0)
    return Refuse(
        article::kArt12_3, "变更内容与备案方案不符（" + Join(unknown) + Join(already) + "）",
        "the change does not fit the approved plan (" + Join(unknown) + Join(already) + ")");
  const ChangeAssessment a = AssessChange(p->approved_total, e.new_total, e.scenes_removed.size());
  PendingChange change{
      e.document_id, e.new_total,    Sorted(e.scenes_added), Sorted(e.scenes_removed),
      p->state,      e.new_plan_hash};
  const std::string note_zh = e.declared_requires_review != a.requires_review
                                  ? "（与申报的是否需审核不一致，按规则认定）"
                                  : "";
  const std::string note_en = e.declared_requires_review != a.requires_review
                                  ? " (the filing's requiresReview is overridden by the rule)"
                                  : "";
  if (!a.requires_review) {
    TakeChange(*p, change);
    return Accept(article::kArt12_3, a.reason_zh + note_zh, a.reason_en + note_en);
  }
  p->pending_change = change;
  SetState(*p, ProjectState::kChangeUnderReview, c.now, e.document_id, article::kArt12_3);
  return Accept(article::kArt12_3, a.reason_zh + note_zh, a.reason_en + note_en);
}

Decision On(Ctx& c, const ChangeDecision& e) {
  Project* p = nullptr;
  if (auto r = CheckProject(c, e.enterprise_code, &p, article::kArt12_3)) return *r;
  if (p->state != ProjectState::kChangeUnderReview || !p->pending_change ||
      p->pending_change->document_id != e.change_id)
    return Refuse(article::kArt12_3, "没有待审核的方案变更" + e.change_id,
                  "no change " + e.change_id + " under review");
  const PendingChange change = *p->pending_change;
  p->pending_change.reset();
  if (e.approved) TakeChange(*p, change);
  SetState(*p, change.resume_state, c.now, e.document_id, article::kArt12_3);
  return e.approved ? Accept(article::kArt12_3, "方案变更重新备案审核通过", "change re-approved")
                    : Accept(article::kArt12_3, "方案变更未通过，按原备案方案实施",
                             "change not approved; the approved plan stands");
}

Decision On(Ctx& c, const AcceptanceApplication& e) {
  Project* p = nullptr;
  if (auto r = CheckProject(c, e.enterprise_code, &p, article::kArt12_4)) return *r;
  if (p->state == ProjectState::kChangeUnderReview)
    return Refuse(article::kArt12_3, "方案变更审核通过前不能申请验收",
                  "no acceptance while a change is under review");
  const bool fresh =
      p->state == ProjectState::kContracted || p->state == ProjectState::kImplementing;
  if (!fresh && p->state != ProjectState::kRectified)
    return Refuse(
        article::kArt12_4,
        std::string("当前阶段不能申请竣工验收（") + ProjectStateName(p->state) + "）",
        std::string("acceptance cannot be applied for now (") + ProjectStateName(p->state) + ")");
  if (!p->acceptance.empty()) {
    const auto& last = p->acceptance.back();
    if (std::tie(e.batch_year, e.batch_number) <= std::tie(last.batch_year, last.batch_number))
      return Refuse(article::kArt12_4, "未通过验收的项目整改后顺延至下一批次验收",
                    "after a failed acceptance the project moves to a later batch");
  }
  AcceptanceAttempt attempt;
  attempt.application_id = e.document_id;
  attempt.batch_year = e.batch_year;
  attempt.batch_number = e.batch_number;
  attempt.applied_on = c.now;
  p->acceptance.push_back(attempt);
  SetState(*p, ProjectState::kAcceptanceApplied, c.now, e.document_id, article::kArt12_4);
  return Accept(article::kArt12_4, "竣工验收申请已提交", "acceptance applied for");
}

Decision On(Ctx& c, const AcceptanceConclusion& e) {
  Project* p = nullptr;
  if (auto r = CheckProject(c, e.enterprise_code, &p, article::kArt12_4)) return *r;
  if (p->state != ProjectState::kAcceptanceApplied)
    return Refuse(article::kArt12_4, "没有待验收的申请", "no acceptance application pending");
  AcceptanceAttempt& attempt = p->acceptance.back();
  attempt.conclusion_id = e.document_id;
  attempt.passed = e.passed;
  if (e.passed) {
    SetState(*p, ProjectState::kAccepted, c.now, e.document_id, article::kArt12_4);
    return Accept(article::kArt12_4, "通过竣工验收", "acceptance passed");
  }
  const Date deadline = e.rectification_deadline.value_or(e.date + days{c.o.rectification_days});
  if (deadline < e.date)
    return Refuse(article::kArt12_4, "整改期限早于验收结论日期",
                  "the rectification deadline precedes the conclusion");
  attempt.rectification_deadline = deadline;
  SetState(*p, ProjectState::kRectifying, c.now, e.document_id, article::kArt12_4);
  return Accept(article::kArt12_4, "未通过验收，限期整改至" + FormatDate(deadline),
                "acceptance failed; rectify by " + FormatDate(deadline));
}

Decision On(Ctx& c, const ProjectRectification& e) {
  Project* p = nullptr;
  if (auto r = CheckProject(c, e.enterprise_code, &p, article::kArt12_4)) return *r;
  if (p->state != ProjectState::kRectifying)
    return Refuse(article::kArt12_4, "没有需要整改的验收", "no failed acceptance to rectify");
  AcceptanceAttempt& attempt = p->acceptance.back();
  attempt.rectified_on = c.now;
  SetState(*p, ProjectState::kRectified, c.now, e.document_id, article::kArt12_4);
  if (c.now > *attempt.rectification_deadline)
    return Accept(article::kArt16_4,
                  "整改已记录，但晚于整改期限" + FormatDate(*attempt.rectification_deadline),
                  "rectification recorded, but after the deadline " +
                      FormatDate(*attempt.rectification_deadline));
  return Accept(article::kArt12_4, "已按期整改，可顺延至下一批次验收",
                "rectified in time; may join the next acceptance batch");
}

Decision On(Ctx& c, const SatisfactionEvaluation& e) {
  Project* p = nullptr;
  if (auto r = CheckProject(c, e.enterprise_code, &p, article::kArt12_4)) return *r;
  if (p->state != ProjectState::kAccepted)
    return Refuse(article::kArt12_4, "满意度评价在通过竣工验收后进行",
                  "satisfaction is rated after the project passes acceptance");
  if (e.provider_code != p->provider_code)
    return Refuse(article::kArt12_4, "被评价的服务商不是该项目的服务商",
                  "the rated provider is not the project's provider");
  p->satisfaction = e.overall;
  p->satisfaction_id = e.document_id;
  SetState(*p, ProjectState::kRated, c.now, e.document_id, article::kArt14);
  Decision d = Accept(article::kArt14, std::string("满意度评价：") + SatisfactionName(e.overall),
                      std::string("satisfaction: ") + SatisfactionName(e.overall));
  if (e.overall == Satisfaction::kDissatisfied)
    d.raised.push_back(
        Raise(RaisedKind::kWarningProposal, article::kArt15_4, p->provider_code, p->enterprise_code,
              "建议予以警告并限期整改：服务通过验收，但试点企业满意度评价为“不满意”（" +
                  e.document_id + "）",
              "warning proposed: acceptance passed but the enterprise rated the "
              "service \"不满意\" (" +
                  e.document_id + ")"));
  return d;
}

Decision On(Ctx& c, const ProjectClosure& e) {
  Project* p = nullptr;
  if (auto r = CheckProject(c, e.enterprise_code, &p, article::kArt12_4)) return *r;
  if (p->state != ProjectState::kRated)
    return Refuse(article::kArt12_4, "项目须通过验收并完成满意度评价后方可结项",
                  "a project closes after acceptance and the satisfaction rating");
  SetState(*p, ProjectState::kClosed, c.now, e.document_id, article::kArt12_4);
  return Accept(article::kArt12_4, "项目结项", "project closed");
}

// ---- Deadlines ------------------------------------------------------------------------------

std::vector<Deadline> Pending(const EngineState& s) {
  std::vector<Deadline> out;
  for (const auto& [code, p] : s.providers) {
    if (p.state == ProviderState::kNoticed && p.objection_period_end)
      out.push_back(
          {DeadlineKind::kObjectionPeriodEnd, *p.objection_period_end, code, p.listing_notice_id});
    if (InPool(p)) {
      for (const auto& w : p.warnings) {
        if (!w.appeal_window_closed && !w.withdrawn)
          out.push_back({DeadlineKind::kAppealWindow, w.appeal_window_end, code, w.id});
        if (w.Effective() && !w.deadline_missed &&
            (!w.rectified_on || *w.rectified_on > w.rectification_deadline))
          out.push_back(
              {DeadlineKind::kWarningRectification, w.rectification_deadline, code, w.id});
      }
    }
    if (InReportablePool(p))
      for (const auto& r : p.reports)
        if (r.outcome == ReportOutcome::kAwaitingResponse)
          out.push_back({DeadlineKind::kReportResponse, r.response_deadline, code, r.id});
  }
  for (const auto& [code, p] : s.projects) {
    if (p.acceptance.empty()) continue;
    const auto& a = p.acceptance.back();
    if (a.passed == false && a.rectification_deadline && !a.deadline_missed &&
        (!a.rectified_on || *a.rectified_on > *a.rectification_deadline))
      out.push_back({DeadlineKind::kAcceptanceRectification, *a.rectification_deadline, code,
                     a.application_id});
  }
  if (s.first_listing_notice && !s.first_rating_due_raised && s.rating_periods.empty())
    out.push_back({DeadlineKind::kFirstRatingDue,
                   FirstRatingWindow(*s.first_listing_notice).first - days{1}, "", ""});
  std::sort(out.begin(), out.end(), [](const Deadline& a, const Deadline& b) {
    return std::tie(a.due, a.kind, a.subject, a.ref) < std::tie(b.due, b.kind, b.subject, b.ref);
  });
  return out;
}

// The article under which a deadline runs.
Article DeadlineArticle(DeadlineKind kind) {
  switch (kind) {
    case DeadlineKind::kObjectionPeriodEnd:
      return article::kArt9;
    case DeadlineKind::kAppealWindow:
      return article::kArt17;
    case DeadlineKind::kWarningRectification:
      return article::kArt16_2;
    case DeadlineKind::kReportResponse:
      return article::kArt18;
    case DeadlineKind::kAcceptanceRectification:
      return article::kArt16_4;
    case DeadlineKind::kFirstRatingDue:
      return article::kArt14;
  }
  return article::kArt12_4;
}

bool SameDeadline(const Deadline& a, const Deadline& b) {
  return a.kind == b.kind && a.due == b.due && a.subject == b.subject && a.ref == b.ref;
}

Decision On(Ctx& c, const DeadlinePassed& e) {
  const Deadline& dl = e.deadline;
  const auto pending = Pending(c.s);
  const bool known = std::any_of(pending.begin(), pending.end(),
                                 [&](const Deadline& d) { return SameDeadline(d, dl); });
  if (!known || !(dl.due < c.now))
    return Refuse(DeadlineArticle(dl.kind), "没有已届满的该期限", "no such deadline has passed");
  const std::string doc = EventDocumentId(Event{e});
  switch (dl.kind) {
    case DeadlineKind::kObjectionPeriodEnd: {
      Provider& p = c.s.providers.at(dl.subject);
      p.listed_on = dl.due + days{1};
      SetState(p, ProviderState::kListed, c.now, doc, article::kArt9);
      return Accept(article::kArt9,
                    "公示期满无异议，纳入服务商名单（" + Join(p.sub_industries_listed) + "）",
                    "objection period over; listed for " + Join(p.sub_industries_listed));
    }
    case DeadlineKind::kAppealWindow: {
      Provider& p = c.s.providers.at(dl.subject);
      FindWarning(p, dl.ref)->appeal_window_closed = true;
      return Accept(article::kArt17, "警告" + dl.ref + "申诉期届满",
                    "appeal window of warning " + dl.ref + " closed");
    }
    case DeadlineKind::kWarningRectification: {
      Provider& p = c.s.providers.at(dl.subject);
      Warning* w = FindWarning(p, dl.ref);
      w->deadline_missed = true;
      Decision d = Accept(article::kArt16_2,
                          "警告" + dl.ref + "整改期限" + FormatDate(dl.due) + "届满，未整改",
                          "warning " + dl.ref + ": rectification deadline " + FormatDate(dl.due) +
                              " passed without rectification");
      d.raised.push_back(OpenDisqualification(
          p, article::kArt16_2, dl.ref, c.now, "受到警告后未在期限内整改（" + dl.ref + "）",
          "no rectification by the deadline after warning " + dl.ref));
      return d;
    }
    case DeadlineKind::kReportResponse: {
      Provider& p = c.s.providers.at(dl.subject);
      FindReport(p, dl.ref)->outcome = ReportOutcome::kNoResponse;
      return RemoveFromPool(c, p, doc, "被举报服务商未按要求回复（" + dl.ref + "）",
                            "no response to report " + dl.ref + " by the deadline");
    }
    case DeadlineKind::kAcceptanceRectification: {
      Project& p = c.s.projects.at(dl.subject);
      p.acceptance.back().deadline_missed = true;
      p.flags.push_back({"rectification-overdue", doc, c.now});
      Decision d =
          Accept(article::kArt16_4, "验收整改期限" + FormatDate(dl.due) + "届满，未完成整改",
                 "acceptance rectification deadline " + FormatDate(dl.due) +
                     " passed without rectification");
      auto it = c.s.providers.find(p.provider_code);
      if (it != c.s.providers.end() && InPool(it->second))
        d.raised.push_back(OpenDisqualification(
            it->second, article::kArt16_4, doc, c.now,
            "未按合同约定完成服务事项，在规定期限内未完成整改（" + p.enterprise_code + "）",
            "contracted services not completed and not rectified in time (" + p.enterprise_code +
                ")"));
      return d;
    }
    case DeadlineKind::kFirstRatingDue: {
      c.s.first_rating_due_raised = true;
      const DateRange w = FirstRatingWindow(*c.s.first_listing_notice);
      Decision d = Accept(article::kArt14, "第一次评星评级到期", "the first star rating is due");
      d.raised.push_back(
          Raise(RaisedKind::kRatingDue, article::kArt14, "", "",
                "第一批服务商公示后的第3个月（" + FormatDate(w.first) + "至" + FormatDate(w.last) +
                    "）进行第一次评级",
                "first rating due between " + FormatDate(w.first) + " and " + FormatDate(w.last)));
      return d;
    }
  }
  return Refuse(DeadlineArticle(dl.kind), "未知期限", "unknown deadline");
}

// The code the event is about, for Decision::subject.
std::string SubjectOf(const Event& event) {
  return std::visit(
      [](const auto& e) -> std::string {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, DeadlinePassed>) {
          return e.deadline.subject;
        } else if constexpr (std::is_same_v<T, ListingNotice>) {
          return e.provider_codes.empty() ? std::string() : e.provider_codes.front();
        } else if constexpr (std::is_same_v<T, RatingNotice>) {
          return std::string();
        } else if constexpr (requires { e.enterprise_code; }) {
          return e.enterprise_code;
        } else {
          return e.provider_code;
        }
      },
      event);
}

}  // namespace

const char* DeadlineKindName(DeadlineKind kind) {
  switch (kind) {
    case DeadlineKind::kObjectionPeriodEnd:
      return "objection-period-end";
    case DeadlineKind::kAppealWindow:
      return "appeal-window";
    case DeadlineKind::kWarningRectification:
      return "warning-rectification";
    case DeadlineKind::kReportResponse:
      return "report-response";
    case DeadlineKind::kAcceptanceRectification:
      return "acceptance-rectification";
    case DeadlineKind::kFirstRatingDue:
      return "first-rating-due";
  }
  return "?";
}

std::string EventDocumentId(const Event& event) {
  if (const auto* d = std::get_if<DeadlinePassed>(&event))
    return std::string("deadline:") + DeadlineKindName(d->deadline.kind) + ":" +
           d->deadline.subject + ":" + d->deadline.ref;
  return std::visit(
      [](const auto& e) -> std::string {
        if constexpr (requires { e.document_id; }) {
          return e.document_id;
        } else {
          return std::string();
        }
      },
      event);
}

Engine::Engine(EngineOptions options)
    : options_(std::move(options)), state_(std::make_unique<EngineState>()) {}
Engine::~Engine() = default;

Decision Engine::Apply(const Event& event, Date now) {
  EngineState& s = *state_;
  const std::optional<Date> first_listing_notice = s.first_listing_notice;
  const bool first_rating_due_raised = s.first_rating_due_raised;
  const std::vector<std::string> rating_periods = s.rating_periods;
  auto rollback = [&] {
    s.providers.Rollback();
    s.projects.Rollback();
    s.first_listing_notice = first_listing_notice;
    s.first_rating_due_raised = first_rating_due_raised;
    s.rating_periods = rating_periods;
  };
  s.providers.Begin();
  s.projects.Begin();
  Ctx ctx{s, options_, now};
  Decision d;
  try {
    d = std::visit([&](const auto& e) { return On(ctx, e); }, event);
  } catch (...) {
    rollback();
    throw;
  }
  d.document_id = EventDocumentId(event);
  d.subject = SubjectOf(event);
  if (d.accepted) {
    s.providers.Commit();
    s.projects.Commit();
    log_.push_back({event, now});
  } else {
    rollback();
  }
  // Subject's state after the decision; a project if the code names one, else a provider.
  const bool project_event = std::visit(
      [](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, DeadlinePassed>)
          return e.deadline.kind == DeadlineKind::kAcceptanceRectification;
        else
          return requires { e.enterprise_code; };
      },
      event);
  if (project_event) {
    if (const Project* p = FindProject(d.subject)) d.new_state = ProjectStateName(p->state);
  } else if (const Provider* p = FindProvider(d.subject)) {
    d.new_state = ProviderStateName(p->state);
  }
  return d;
}

std::vector<Decision> Engine::Tick(Date now) {
  std::vector<Decision> fired;
  for (;;) {
    const auto pending = Pending(*state_);
    if (pending.empty() || !(pending.front().due < now)) break;
    Decision d = Apply(DeadlinePassed{pending.front()}, now);
    const bool accepted = d.accepted;
    fired.push_back(std::move(d));
    if (!accepted) break;  // cannot happen for a deadline taken from Pending(); never loop
  }
  return fired;
}

std::vector<Deadline> Engine::PendingDeadlines() const { return Pending(*state_); }

std::map<std::string, Rating> Engine::ProposeRatings(Date on) const {
  return Ratings(*state_, options_.rating, on, "", "");
}

std::optional<std::size_t> Engine::Replay(const std::vector<LoggedEvent>& log) {
  for (std::size_t i = 0; i < log.size(); ++i)
    if (!Apply(log[i].event, log[i].received_on).accepted) return i;
  return std::nullopt;
}

const std::map<std::string, Provider>& Engine::providers() const { return state_->providers.map(); }
const std::map<std::string, Project>& Engine::projects() const { return state_->projects.map(); }

const Provider* Engine::FindProvider(const std::string& code) const {
  const auto& providers = state_->providers.map();
  auto it = providers.find(code);
  return it == providers.end() ? nullptr : &it->second;
}

const Project* Engine::FindProject(const std::string& enterprise_code) const {
  const auto& projects = state_->projects.map();
  auto it = projects.find(enterprise_code);
  return it == projects.end() ? nullptr : &it->second;
}

std::optional<Date> Engine::first_listing_notice() const { return state_->first_listing_notice; }
const std::vector<LoggedEvent>& Engine::log() const { return log_; }
const EngineOptions& Engine::options() const { return options_; }

}  // namespace sealflow::workflow
