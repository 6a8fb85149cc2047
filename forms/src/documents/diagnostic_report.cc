// Copyright sealflow authors.
// 诊断报告 — the provider's diagnostic report on a pilot enterprise (Art. 12(1) 诊断评估).
//
// The report states the enterprise's level before transformation (改造前数字化等级). That level is
// not the provider's to choose: it follows from the scores and scene grades under
// 中小企业数字化水平评测指标（2024年版）, whose rule lives in
// xml-schemas/models/indicators-2024.xml. check_rules recomputes it with LevelModel and refuses a
// report whose stated level disagrees, so such a report can neither validate nor render.
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "../document_type.h"
#include "../xml_util.h"
#include "document_util.h"
#include "forms/level.h"

namespace sealflow::forms::documents {
namespace {

using compose::Column;
using compose::Composer;
using compose::kSans;
using compose::kSong;

// The shipped indicator model, loaded once per process on first use (thread-safe static
// initialisation). A missing or broken model file is a deployment error: LoadDefault throws
// FormsError(kSchemaLoad), which propagates out of Validate/Render rather than passing a report
// whose level nobody checked.
const LevelModel& Model() {
  static const std::unique_ptr<LevelModel> model = LevelModel::LoadDefault();
  return *model;
}

// Scores have at most two decimals: hundredths of a point, exactly (ParseCents does the parsing).
long long Hundredths(double points) { return std::llround(points * 100); }

// 1100 -> "11", 650 -> "6.5", 1125 -> "11.25".
std::string Points(long long hundredths) {
  std::string out = std::to_string(hundredths / 100);
  long long fraction = hundredths % 100;
  if (fraction != 0) {
    out += '.';
    out += static_cast<char>('0' + fraction / 10);
    if (fraction % 10 != 0) out += static_cast<char>('0' + fraction % 10);
  }
  return out;
}

std::string LevelName(int level) { return level == 0 ? "未达一级" : std::to_string(level) + "级"; }

// -1 when the text is not a small non-negative integer (the schema reports it).
int ParseSmallInt(const std::string& text) {
  if (text.empty() || text.size() > 3) return -1;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
  }
  return std::atoi(text.c_str());
}

bool IsTrue(std::string_view text) { return text == "true" || text == "1"; }

// ---------------------------------------------------------------------------------------------
// Reading

struct ItemScore {
  std::string code, note;
  long long hundredths = 0;
  std::vector<std::string> evidence;
};

struct DiagnosticReport {
  std::string id;
  std::string name, credit_code, sub_industry, scale;
  std::string address, employees, revenue, main_products;
  std::string provider_name, provider_code;
  std::string period_start, period_end;
  std::map<std::string, ItemScore> items;  // by code
  std::map<std::string, int> grades;       // scene code -> grade
  std::string current_level, target_level;
  std::vector<std::pair<std::string, std::string>> problems;  // (area, text)
  struct Demand {
    std::string scene, priority, text;
  };
  std::vector<Demand> demands;
  std::string proposal;
  std::vector<std::string> steps;
  std::vector<std::pair<std::string, std::string>> evidence;  // (id, title)
  std::string date;
};

DiagnosticReport ReadReport(const xmlNode* root) {
  using xml::Attribute;
  using xml::Child;
  using xml::Children;
  using xml::Text;
  using xml::Trim;
  DiagnosticReport r;
  r.id = Attribute(root, "id");
  r.name = TextAt(root, {"enterprise", "name"});
  r.credit_code = TextAt(root, {"enterprise", "creditCode"});
  r.sub_industry = TextAt(root, {"enterprise", "subIndustry"});
  r.scale = TextAt(root, {"enterprise", "scale"});
  r.address = TextAt(root, {"profile", "address"});
  r.employees = TextAt(root, {"profile", "employees"});
  r.revenue = TextAt(root, {"profile", "annualRevenue"});
  r.main_products = TextAt(root, {"profile", "mainProducts"});
  r.provider_name = TextAt(root, {"provider", "name"});
  r.provider_code = TextAt(root, {"provider", "creditCode"});
  r.period_start = TextAt(root, {"diagnosisPeriod", "start"});
  r.period_end = TextAt(root, {"diagnosisPeriod", "end"});
  const xmlNode* assessment = Child(root, "assessment");
  for (const xmlNode* node : Children(Child(assessment, "items"), "item")) {
    ItemScore item;
    item.code = Trim(Attribute(node, "code"));
    ParseCents(Attribute(node, "score"), item.hundredths);
    item.note = Trim(Text(Child(node, "note")));
    for (const xmlNode* ref : Children(node, "evidenceRef"))
      item.evidence.push_back(Trim(Text(ref)));
    r.items[item.code] = item;
  }
  for (const xmlNode* node : Children(Child(assessment, "scenes"), "scene")) {
    r.grades[Trim(Attribute(node, "code"))] = ParseSmallInt(Trim(Attribute(node, "grade")));
  }
  r.current_level = TextAt(root, {"currentLevel"});
  r.target_level = TextAt(root, {"targetLevel"});
  for (const xmlNode* node : Children(Child(root, "problems"), "problem")) {
    r.problems.emplace_back(Trim(Attribute(node, "area")), Trim(Text(node)));
  }
  for (const xmlNode* node : Children(Child(root, "demands"), "demand")) {
    r.demands.push_back(
        {Trim(Attribute(node, "scene")), Trim(Attribute(node, "priority")), Trim(Text(node))});
  }
  r.proposal = TextAt(root, {"proposal", "summary"});
  for (const xmlNode* node : Children(Child(root, "proposal"), "step")) {
    r.steps.push_back(Trim(Text(node)));
  }
  for (const xmlNode* node : Children(Child(root, "evidence"), "document")) {
    r.evidence.emplace_back(Trim(Attribute(node, "id")), Trim(Text(node)));
  }
  r.date = TextAt(root, {"reportDate"});
  return r;
}

LevelInput ToLevelInput(const DiagnosticReport& report) {
  LevelInput input;
  for (const auto& [code, item] : report.items) {
    input.item_scores[code] = static_cast<double>(item.hundredths) / 100.0;
  }
  input.scene_grades = report.grades;
  return input;
}

// ---------------------------------------------------------------------------------------------
// Rules

// Item codes and maxima come from the model, so they are checked here, one finding per element
// (LevelModel::Assess reports the same errors without positions). These checks run on every
// validation: values are read as views into the tree, and which model entries were seen is kept
// by index, so a clean report allocates only for the level computation's input.
bool CheckItems(const LevelModel& model, const xmlNode* items, std::vector<Finding>& findings,
                LevelInput& input) {
  bool ok = true;
  const std::vector<IndicatorItem>& known_items = model.items();
  std::vector<bool> seen(known_items.size(), false);
  std::string scratch, code_scratch;
  for (const xmlNode* node = items == nullptr ? nullptr : items->children; node != nullptr;
       node = node->next) {
    if (!xml::IsElement(node, "item")) continue;
    std::string_view code = xml::TrimView(xml::AttributeView(node, "code", code_scratch));
    const IndicatorItem* item = nullptr;
    for (std::size_t i = 0; i < known_items.size() && item == nullptr; ++i) {
      if (known_items[i].code != code) continue;
      item = &known_items[i];
      seen[i] = true;
    }
    if (item == nullptr) {
      std::vector<std::string> codes;
      for (const IndicatorItem& known : known_items) codes.push_back(known.code);
      std::string name(code);
      AddFinding(findings, node,
                 "未知的评测指标“" + name + "”（《中小企业数字化水平评测指标（" + model.version() +
                     "年版）》的指标为 " + Join(codes, "、") + "） / unknown indicator item '" +
                     name + "' (the " + model.version() + " indicators have " + Join(codes, ", ") +
                     ")");
      ok = false;
      continue;
    }
    long long hundredths = 0;
    if (!ParseCents(std::string(xml::AttributeView(node, "score", scratch)), hundredths)) {
      ok = false;  // the schema reports a score that is not a decimal
      continue;
    }
    long long max = Hundredths(item->max_score);
    if (hundredths < 0 || hundredths > max) {
      AddFinding(findings, node,
                 "评测指标“" + item->name + "”得分 " + Points(hundredths) + " 超过该项满分 " +
                     Points(max) + "（" + item->dimension + "） / score " + Points(hundredths) +
                     " of item " + item->code + " exceeds its maximum " + Points(max));
      ok = false;
      continue;
    }
    input.item_scores[item->code] = static_cast<double>(hundredths) / 100.0;
  }
  if (items == nullptr) return false;
  for (std::size_t i = 0; i < known_items.size(); ++i) {
    if (seen[i]) continue;
    const IndicatorItem& item = known_items[i];
    AddFinding(findings, items,
               "缺少评测指标“" + item.name + "”（" + item.code + "）的得分 / indicator item " +
                   item.code + " is not scored");
    ok = false;
  }
  return ok;
}

bool CheckScenes(const LevelModel& model, const xmlNode* scenes, std::vector<Finding>& findings,
                 LevelInput& input) {
  bool ok = true;
  const std::vector<Scene>& known_scenes = model.scenes();
  std::vector<bool> seen(known_scenes.size(), false);
  std::string scratch, code_scratch;
  for (const xmlNode* node = scenes == nullptr ? nullptr : scenes->children; node != nullptr;
       node = node->next) {
    if (!xml::IsElement(node, "scene")) continue;
    std::string_view code = xml::TrimView(xml::AttributeView(node, "code", code_scratch));
    const Scene* scene = nullptr;
    for (std::size_t i = 0; i < known_scenes.size() && scene == nullptr; ++i) {
      if (known_scenes[i].code != code) continue;
      scene = &known_scenes[i];
      seen[i] = true;
    }
    if (scene == nullptr) {
      std::string name(code);
      AddFinding(findings, node,
                 "未知的场景“" + name + "” / scene '" + name + "' is not in the " +
                     model.version() + " indicator model");
      ok = false;
      continue;
    }
    int grade =
        ParseSmallInt(std::string(xml::TrimView(xml::AttributeView(node, "grade", scratch))));
    if (grade < 1 || grade > model.max_grade()) {
      if (grade >= 0) {  // a number out of range; a non-number is the schema's finding
        AddFinding(findings, node,
                   "场景“" + scene->name + "”等级 " + std::to_string(grade) + " 超出 1–" +
                       std::to_string(model.max_grade()) + " / grade of scene " + scene->code +
                       " is outside 1.." + std::to_string(model.max_grade()));
      }
      ok = false;
      continue;
    }
    input.scene_grades[scene->code] = grade;
    std::string_view mark = xml::TrimView(xml::AttributeView(node, "constraint", scratch));
    bool marked = IsTrue(mark);
    if (!mark.empty() && marked != scene->constraint) {
      AddFinding(findings, node,
                 "场景“" + scene->name + "”标注为" + (marked ? "" : "非") +
                     "约束性场景，与评测指标不符（评测指标中该场景" +
                     (scene->constraint ? "是" : "不是") + "约束性场景） / scene " + scene->code +
                     " is marked constraint=\"" + std::string(mark) +
                     "\" but the indicator model says it is " + (scene->constraint ? "" : "not ") +
                     "a constraint scene");
    }
  }
  if (scenes == nullptr) return false;
  for (std::size_t i = 0; i < known_scenes.size(); ++i) {
    if (seen[i]) continue;
    const Scene& scene = known_scenes[i];
    AddFinding(findings, scenes,
               "缺少场景“" + scene.name + "”（" + scene.code + "）的等级 / scene " + scene.code +
                   " is not graded");
    ok = false;
  }
  return ok;
}

void CheckDiagnosticReport(const xmlNode* root, std::vector<Finding>& findings) {
  const LevelModel& model = Model();
  const xmlNode* assessment = xml::Child(root, "assessment");
  LevelInput input;
  bool items_ok = CheckItems(model, xml::Child(assessment, "items"), findings, input);
  bool scenes_ok = CheckScenes(model, xml::Child(assessment, "scenes"), findings, input);

  // 第十二条（一）“明确改造前数字化等级”: the stated level must be the computed one. Compared only
  // when every score and grade is valid — otherwise the computed level means nothing and the
  // findings above already refuse the report.
  std::string scratch;
  const xmlNode* current = xml::Child(root, "currentLevel");
  int stated = ParseSmallInt(std::string(xml::TrimView(xml::TextView(current, scratch))));
  if (items_ok && scenes_ok && current != nullptr && stated >= 0) {
    LevelAssessment computed = model.Assess(input);
    if (computed.ok() && computed.level != stated) {
      AddFinding(findings, current,
                 "改造前数字化水平等级声明为" + LevelName(stated) + "，按《中小企业数字化水平评测" +
                     "指标（" + model.version() + "年版）》计算为" + LevelName(computed.level) +
                     "（第十二条（一））：" + computed.Explanation() +
                     " / the stated current level " + std::to_string(stated) +
                     " disagrees with the level computed under the " + model.version() +
                     " indicators (Art. 12(1))");
    }
  }

  const xmlNode* target = xml::Child(root, "targetLevel");
  int target_level = ParseSmallInt(std::string(xml::TrimView(xml::TextView(target, scratch))));
  if (target != nullptr && stated >= 0 && target_level >= 0 && target_level <= stated) {
    AddFinding(findings, target,
               "改造后目标等级（" + LevelName(target_level) + "）须高于改造前等级（" +
                   LevelName(stated) + "） / the target level " + std::to_string(target_level) +
                   " must be above the current level " + std::to_string(stated));
  }

  // xs:date strings of the same shape compare in date order.
  const xmlNode* period = xml::Child(root, "diagnosisPeriod");
  const xmlNode* end = xml::Child(period, "end");
  std::string start_date(xml::TrimView(xml::TextView(xml::Child(period, "start"), scratch)));
  std::string end_date(xml::TrimView(xml::TextView(end, scratch)));
  if (start_date.size() == 10 && end_date.size() == 10 && end_date < start_date) {
    AddFinding(findings, end,
               "诊断结束日期 " + end_date + " 早于开始日期 " + start_date +
                   " / the diagnosis ends before it starts");
  }
}

// ---------------------------------------------------------------------------------------------
// Composition

std::string ScaleText(const std::string& scale) {
  if (scale == "规上") return "规上（规模以上工业企业）";
  if (scale == "规下") return "规下（规模以下工业企业）";
  return scale;
}

void ComposeScores(const LevelModel& model, const DiagnosticReport& r, Composer& page) {
  std::vector<std::vector<std::string>> rows;
  long long total = 0, total_max = 0;
  const std::vector<IndicatorItem>& items = model.items();
  for (std::size_t i = 0; i < items.size();) {
    const std::string& dimension = items[i].dimension;
    long long subtotal = 0, subtotal_max = 0;
    bool first = true;
    for (; i < items.size() && items[i].dimension == dimension; ++i) {
      const IndicatorItem& item = items[i];
      auto found = r.items.find(item.code);
      long long score = found == r.items.end() ? 0 : found->second.hundredths;
      std::string note = found == r.items.end() ? "" : found->second.note;
      if (found != r.items.end() && !found->second.evidence.empty()) {
        note += "（佐证：" + Join(found->second.evidence, "、") + "）";
      }
      subtotal += score;
      subtotal_max += Hundredths(item.max_score);
      rows.push_back({first ? dimension : "", item.name, Points(Hundredths(item.max_score)),
                      Points(score), note});
      first = false;
    }
    rows.push_back({"", "小计", Points(subtotal_max), Points(subtotal), ""});
    total += subtotal;
    total_max += subtotal_max;
  }
  rows.push_back({"合计", "", Points(total_max), Points(total), ""});
  page.Table({{0.14, kSans, true},
              {0.13, kSong, true},
              {0.08, kSong, true},
              {0.08, kSong, true},
              {0.57, kSong, false}},
             {"维度", "评测指标", "满分", "得分", "评测说明及佐证材料"}, rows, 9.5);
}

void ComposeScenes(const LevelModel& model, const DiagnosticReport& r, Composer& page) {
  std::vector<std::vector<std::string>> rows;
  const std::vector<Scene>& scenes = model.scenes();
  std::size_t half = (scenes.size() + 1) / 2;
  auto cells = [&](std::size_t i) -> std::vector<std::string> {
    if (i >= scenes.size()) return {"", ""};
    auto found = r.grades.find(scenes[i].code);
    std::string grade = found == r.grades.end() ? "—" : std::to_string(found->second) + "级";
    return {(scenes[i].constraint ? "★ " : "") + scenes[i].name, grade};
  };
  for (std::size_t i = 0; i < half; ++i) {
    std::vector<std::string> row = cells(i), right = cells(i + half);
    row.insert(row.end(), right.begin(), right.end());
    rows.push_back(row);
  }
  page.Table({{0.32, kSong, false}, {0.18, kSong, true}, {0.32, kSong, false}, {0.18, kSong, true}},
             {"场景", "等级", "场景", "等级"}, rows);
  page.Paragraph("注：★ 为约束性场景（依评测指标模型）；场景等级为 1–" +
                     std::to_string(model.max_grade()) + " 级。",
                 kSong, 9, 0);
}

void ComposeLevel(const LevelModel& model, const DiagnosticReport& r, Composer& page) {
  LevelAssessment computed = model.Assess(ToLevelInput(r));
  std::vector<std::vector<std::string>> gates;
  for (const LevelGate& gate : computed.gates) {
    const LevelThreshold& t = gate.threshold;
    gates.push_back(
        {std::to_string(t.level) + "级",
         "≥ " + Points(Hundredths(t.min_score)) + " / " + Points(Hundredths(computed.total_score)),
         "≥ " + std::to_string(t.min_scenes) + " / " + std::to_string(gate.scenes_at_level),
         "≥ " + std::to_string(t.min_constraint_scenes) + " / " +
             std::to_string(gate.constraint_scenes_at_level),
         gate.passed() ? "达到" : "未达到"});
  }
  page.Table(
      {{0.12, kSans, true},
       {0.22, kSong, true},
       {0.24, kSong, true},
       {0.26, kSong, true},
       {0.16, kSong, true}},
      {"等级", "总分（要求/实际）", "达级场景数（要求/实际）", "约束性场景数（要求/实际）", "结论"},
      gates, 9.5);
  const std::vector<Column> key_value = {{0.26, kSans, false}, {0.74, kSong, false}};
  page.Table(key_value, {},
             {{"计算等级", LevelName(computed.level)},
              {"评定说明", computed.Explanation()},
              {"报告声明", "改造前等级 " + LevelName(ParseSmallInt(r.current_level)) +
                               "；改造后目标等级 " + LevelName(ParseSmallInt(r.target_level))}});
}

void ComposeReport(const DiagnosticReport& r, Composer& page) {
  const LevelModel& model = Model();
  page.Title("新乡市中小企业数字化转型试点", 19);
  page.Title("企业数字化诊断报告", 19);
  page.CenteredLine("报告编号：" + r.id + "　　报告日期：" + ChineseDate(r.date), kSong, 10.5);
  page.Space(2);

  // Short facts two to a row, so the report keeps to three pages.
  const std::vector<Column> facts = {
      {0.2, kSans, false}, {0.34, kSong, false}, {0.16, kSans, false}, {0.3, kSong, false}};
  page.Heading("一、企业基本情况");
  page.Table(facts, {},
             {{"企业名称", r.name, "细分行业", r.sub_industry},
              {"统一社会信用代码", r.credit_code, "企业规模", ScaleText(r.scale)},
              {"员工人数", r.employees + " 人", "上年营业收入", r.revenue + " 万元"},
              {"企业地址", r.address, "主要产品", r.main_products}});

  page.Heading("二、诊断服务情况");
  page.Table(facts, {},
             {{"诊断服务商", r.provider_name, "诊断期间",
               ChineseDate(r.period_start) + " 至 " + ChineseDate(r.period_end)},
              {"统一社会信用代码", r.provider_code, "评测依据",
               "《中小企业数字化水平评测指标（" + model.version() + "年版）》"}});

  page.Heading("三、数字化水平评测", 120);
  page.Paragraph("（一）评测得分", kSans, 10.5, 0);
  ComposeScores(model, r, page);
  page.Heading("（二）场景等级", 120);
  ComposeScenes(model, r, page);
  page.Heading("（三）等级评定", 120);
  ComposeLevel(model, r, page);

  page.Heading("四、问题清单", 90);
  std::vector<std::vector<std::string>> problems;
  int number = 0;
  for (const auto& [area, text] : r.problems) {
    problems.push_back({std::to_string(++number), area, text});
  }
  page.Table({{0.08, kSong, true}, {0.16, kSong, true}, {0.76, kSong, false}},
             {"序号", "领域", "问题描述"}, problems);

  page.Heading("五、需求场景清单", 90);
  std::vector<std::vector<std::string>> demands;
  number = 0;
  for (const auto& demand : r.demands) {
    demands.push_back({std::to_string(++number), SceneName(demand.scene),
                       "第 " + demand.priority + " 优先", demand.text});
  }
  page.Table({{0.08, kSong, true}, {0.14, kSong, true}, {0.14, kSong, true}, {0.64, kSong, false}},
             {"序号", "场景", "优先级", "需求描述"}, demands);

  page.Heading("六、实施方案和改造路径", 90);
  page.Paragraph(r.proposal);
  std::vector<std::vector<std::string>> steps;
  number = 0;
  for (const std::string& step : r.steps) steps.push_back({std::to_string(++number), step});
  page.Table({{0.08, kSong, true}, {0.92, kSong, false}}, {"步骤", "改造路径"}, steps);

  page.Heading("七、佐证材料清单", 90);
  // Two documents a row: the list is long and each title short.
  std::vector<std::vector<std::string>> evidence;
  for (std::size_t i = 0; i < r.evidence.size(); i += 2) {
    std::vector<std::string> row = {r.evidence[i].first, r.evidence[i].second, "", ""};
    if (i + 1 < r.evidence.size()) {
      row[2] = r.evidence[i + 1].first;
      row[3] = r.evidence[i + 1].second;
    }
    evidence.push_back(row);
  }
  page.Table({{0.1, kSong, true}, {0.4, kSong, false}, {0.1, kSong, true}, {0.4, kSong, false}},
             {"编号", "材料名称", "编号", "材料名称"}, evidence, 9.5);

  page.Heading("八、确认", 170);
  page.Paragraph(
      "本报告由服务商依据《中小企业数字化水平评测指标（2024年版）》现场诊断形成，评测得分、"
      "场景等级及佐证材料真实、准确；试点企业已知悉诊断结论、问题清单和需求场景清单并予以确认。");
  page.Space(4);
  page.SignatureBlocks({{"provider", "服务商（盖章）", 0, 0, 0, 0, 0},
                        {"enterprise", "试点企业确认（盖章）", 0, 0, 0, 0, 0}},
                       {{"法定代表人（签字）：", "日期：　　　　年　　月　　日"},
                        {"法定代表人（签字）：", "日期：　　　　年　　月　　日"}},
                       118);
}

void Compose(const xmlNode* root, Composer& page) { ComposeReport(ReadReport(root), page); }

}  // namespace

extern const DocumentType kDiagnosticReport;
const DocumentType kDiagnosticReport = {
    "diagnostic-report",          "企业数字化诊断报告",   "diagnostic report",   "enterprise",
    {"enterprise", "creditCode"}, {"enterprise", "name"}, CheckDiagnosticReport, Compose,
};

}  // namespace sealflow::forms::documents
