// Copyright sealflow authors.
// 数字化改造实施方案 — the transformation plan the provider and the enterprise agree and file with
// 市工信局 for review (Art. 12(2) 备案审核), under the cost principle of Art. 7 (企业出一点、服务商
// 让一点、政府补一点). Amounts are compared in exact cents (ParseCents), never as doubles.
#include <string>
#include <string_view>
#include <vector>

#include "../document_type.h"
#include "../xml_util.h"
#include "document_util.h"

namespace sealflow::forms::documents {

// The Art. 7 helpers are shared with change_filing.cc, which declares them (they would belong in
// document_util.h, which this change does not own).
namespace {

using compose::Column;
using compose::Composer;
using compose::kSans;
using compose::kSong;

constexpr const char* kCategories[] = {"software", "cloud", "hardware", "services"};

std::string CategoryName(const std::string& category) {
  if (category == "software") return "软件";
  if (category == "cloud") return "云服务";
  if (category == "hardware") return "硬件";
  if (category == "services") return "实施服务";
  return category;
}

// share / total as "50.0%" (one decimal, rounded half up).
std::string Percent(long long share, long long total) {
  if (total <= 0) return "—";
  long long tenths = (share * 1000 + total / 2) / total;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + "%";
}

// ---------------------------------------------------------------------------------------------
// Rules

// The cost lines add up to the stated total; returns the total (false if it cannot be read).
bool CheckCosts(const xmlNode* costs, std::vector<Finding>& findings, long long& total) {
  // Runs on every validation: values are read as views into the tree (see xml::TextView).
  std::string scratch;
  const xmlNode* total_node = xml::Child(costs, "total");
  if (total_node == nullptr || !ParseCents(std::string(xml::TextView(total_node, scratch)), total))
    return false;
  long long sum = 0;
  for (const xmlNode* line = costs->children; line != nullptr; line = line->next) {
    if (!xml::IsElement(line, "line")) continue;
    long long amount = 0;
    std::string_view text = xml::TrimView(xml::TextView(xml::Child(line, "amount"), scratch));
    if (!ParseCents(std::string(text), amount)) return true;  // the schema reports it
    sum += amount;
  }
  if (sum != total) {
    AddFinding(findings, total_node,
               "费用明细合计 " + Yuan(CentsText(sum)) + " 与改造总投资 " + Yuan(CentsText(total)) +
                   " 不符（第七条：改造费用须列明并据以分担） / the cost lines add up to " +
                   CentsText(sum) + ", not the total " + CentsText(total) + " (Art. 7)");
  }
  return true;
}

// xs:date strings of the same shape (YYYY-MM-DD) compare in date order; anything else was
// reported by the schema and is skipped.
bool IsDate(const std::string& text) { return text.size() == 10 && text[4] == '-'; }

void CheckSchedule(const xmlNode* root, std::vector<Finding>& findings) {
  const xmlNode* schedule = xml::Child(root, "schedule");
  if (schedule == nullptr) return;
  std::string scratch;
  std::string start(xml::TrimView(xml::TextView(xml::Child(schedule, "start"), scratch)));
  std::string end(xml::TrimView(xml::TextView(xml::Child(schedule, "end"), scratch)));
  std::string plan_date(xml::TrimView(xml::TextView(xml::Child(root, "planDate"), scratch)));
  if (IsDate(start) && IsDate(end) && end <= start) {
    AddFinding(findings, xml::Child(schedule, "end"),
               "实施结束日期 " + end + " 须晚于开始日期 " + start +
                   " / the schedule must end after it starts (" + start + " .. " + end + ")");
  }
  if (IsDate(start) && IsDate(plan_date) && start < plan_date) {
    AddFinding(findings, xml::Child(schedule, "start"),
               "实施开始日期 " + start + " 早于方案日期 " + plan_date +
                   "（第十二条（二）：方案通过备案审核后方可实施） / implementation cannot start "
                   "before the plan is dated and filed (Art. 12(2))");
  }
  std::string previous;
  for (const xmlNode* milestone = schedule->children; milestone != nullptr;
       milestone = milestone->next) {
    if (!xml::IsElement(milestone, "milestone")) continue;
    std::string date(xml::TrimView(xml::AttributeView(milestone, "date", scratch)));
    if (!IsDate(date)) continue;
    if (!previous.empty() && date < previous) {
      AddFinding(findings, milestone,
                 "里程碑日期 " + date + " 早于前一里程碑 " + previous +
                     "，须按时间先后排列 / milestones must be in date order: " + date +
                     " is listed after " + previous);
    } else if (IsDate(start) && IsDate(end) && (date < start || date > end)) {
      AddFinding(findings, milestone,
                 "里程碑日期 " + date + " 不在实施期间 " + start + " 至 " + end +
                     " 内 / milestone " + date + " is outside the schedule " + start + " .. " +
                     end);
    }
    if (previous.empty() || date > previous) previous = date;
  }
}

void CheckPlan(const xmlNode* root, std::vector<Finding>& findings) {
  long long total = 0;
  if (CheckCosts(xml::Child(root, "costs"), findings, total)) {
    CheckArticle7Split(xml::Child(root, "funding"), total, "改造总投资", "total investment",
                       findings);
  }
  CheckSchedule(root, findings);
}

// ---------------------------------------------------------------------------------------------
// Composition

void ComposeItems(const xmlNode* root, Composer& page) {
  std::vector<std::vector<std::string>> rows;
  int number = 0, products = 0, small_fast = 0;
  for (const xmlNode* item : xml::Children(xml::Child(root, "items"), "item")) {
    std::vector<std::string> names;
    for (const xmlNode* product : xml::Children(item, "product")) {
      std::string flag = xml::Trim(xml::Attribute(product, "smallFastLightPrecise"));
      bool marked = flag == "true" || flag == "1";
      ++products;
      small_fast += marked ? 1 : 0;
      names.push_back((marked ? "☆ " : "○ ") + xml::Trim(xml::Text(product)));
    }
    rows.push_back({std::to_string(++number), SceneName(xml::Trim(xml::Attribute(item, "scene"))),
                    TextAt(item, {"content"}), Join(names, "\n")});
  }
  page.Paragraph("本方案覆盖 " + std::to_string(number) + " 个应用场景，使用产品及服务 " +
                 std::to_string(products) + " 项，其中“小快轻准”产品 " +
                 std::to_string(small_fast) + " 项（标 ☆，其他产品标 ○）。");
  page.Table({{0.07, kSong, true}, {0.13, kSong, true}, {0.52, kSong, false}, {0.28, kSong, false}},
             {"序号", "场景", "改造内容", "产品及服务"}, rows, 9.5);
}

void ComposeCosts(const xmlNode* root, Composer& page) {
  const xmlNode* costs = xml::Child(root, "costs");
  std::vector<std::vector<std::string>> rows;
  int number = 0;
  for (const char* category : kCategories) {
    long long subtotal = 0;
    bool any = false;
    for (const xmlNode* line : xml::Children(costs, "line")) {
      if (xml::Trim(xml::Attribute(line, "category")) != category) continue;
      long long amount = 0;
      ParseCents(TextAt(line, {"amount"}), amount);
      subtotal += amount;
      any = true;
      rows.push_back({std::to_string(++number), CategoryName(category),
                      TextAt(line, {"description"}), Yuan(CentsText(amount))});
    }
    if (any) rows.push_back({"", "", CategoryName(category) + "小计", Yuan(CentsText(subtotal))});
  }
  rows.push_back({"", "", "合计（改造总投资）", Yuan(TextAt(costs, {"total"}))});
  page.Table({{0.08, kSong, true}, {0.14, kSong, true}, {0.52, kSong, false}, {0.26, kSong, true}},
             {"序号", "类别", "费用项目", "金额"}, rows, 9.5);
}

void ComposeFunding(const xmlNode* root, Composer& page) {
  const xmlNode* funding = xml::Child(root, "funding");
  long long total = 0, enterprise = 0, provider = 0, government = 0;
  ParseCents(TextAt(root, {"costs", "total"}), total);
  ParseCents(TextAt(funding, {"enterpriseShare"}), enterprise);
  ParseCents(TextAt(funding, {"providerConcession"}), provider);
  ParseCents(TextAt(funding, {"governmentSubsidy"}), government);
  page.Paragraph(
      "按照第七条“企业出一点、服务商让一点、政府补一点”的原则，改造总投资分担如下（三项之和"
      "等于改造总投资）：");
  page.Table({{0.34, kSans, false}, {0.4, kSong, true}, {0.26, kSong, true}},
             {"分担方式", "金额", "占总投资"},
             {{"企业出一点（企业自筹）", Yuan(CentsText(enterprise)), Percent(enterprise, total)},
              {"服务商让一点（服务商让利）", Yuan(CentsText(provider)), Percent(provider, total)},
              {"政府补一点（政府补助）", Yuan(CentsText(government)), Percent(government, total)},
              {"合计", Yuan(CentsText(total)), Percent(total, total)}});
}

void ComposeEffect(const xmlNode* root, Composer& page) {
  const xmlNode* effect = xml::Child(root, "expectedEffect");
  std::string level = TextAt(effect, {"targetLevel"});
  page.Paragraph("改造完成后，企业数字化水平达到 " + level +
                 " 级（按《中小企业数字化水平评测指标（2024年版）》评测），主要指标如下：");
  std::vector<std::vector<std::string>> rows;
  int number = 0;
  for (const xmlNode* kpi : xml::Children(effect, "kpi")) {
    rows.push_back({std::to_string(++number), TextAt(kpi, {"name"}), TextAt(kpi, {"unit"}),
                    TextAt(kpi, {"baseline"}), TextAt(kpi, {"target"})});
  }
  page.Table({{0.08, kSong, true},
              {0.4, kSong, false},
              {0.16, kSong, true},
              {0.18, kSong, true},
              {0.18, kSong, true}},
             {"序号", "指标", "单位", "改造前", "改造后目标"}, rows);
}

void ComposeSchedule(const xmlNode* root, Composer& page) {
  const xmlNode* schedule = xml::Child(root, "schedule");
  page.Paragraph("实施期间：" + ChineseDate(TextAt(schedule, {"start"})) + " 至 " +
                 ChineseDate(TextAt(schedule, {"end"})) + "。");
  std::vector<std::vector<std::string>> rows;
  int number = 0;
  for (const xmlNode* milestone : xml::Children(schedule, "milestone")) {
    rows.push_back({std::to_string(++number),
                    ChineseDate(xml::Trim(xml::Attribute(milestone, "date"))),
                    xml::Trim(xml::Text(milestone))});
  }
  page.Table({{0.08, kSong, true}, {0.22, kSong, true}, {0.7, kSong, false}},
             {"序号", "完成日期", "里程碑"}, rows);
}

void ComposeClauses(const xmlNode* clauses, Composer& page) {
  int number = 0;
  for (const xmlNode* clause : xml::Children(clauses, "clause")) {
    page.Paragraph(std::to_string(++number) + ". " + xml::Trim(xml::Text(clause)));
  }
}

void ComposePlan(const xmlNode* root, Composer& page) {
  page.Title("新乡市中小企业数字化转型试点", 19);
  page.Title("数字化改造实施方案", 19);
  page.CenteredLine("方案编号：" + xml::Attribute(root, "id") + "　　方案日期：" +
                        ChineseDate(TextAt(root, {"planDate"})),
                    kSong, 10.5);
  page.Space(2);

  const xmlNode* follows = xml::Child(root, "follows");
  const std::vector<Column> key_value = {{0.26, kSans, false}, {0.74, kSong, false}};
  page.Heading("一、项目基本情况");
  page.Table(key_value, {},
             {{"项目名称", TextAt(root, {"projectName"})},
              {"试点企业", TextAt(root, {"enterprise", "name"})},
              {"统一社会信用代码", TextAt(root, {"enterprise", "creditCode"})},
              {"细分行业 / 规模", TextAt(root, {"enterprise", "subIndustry"}) + " / " +
                                      TextAt(root, {"enterprise", "scale"})},
              {"服务商", TextAt(root, {"provider", "name"})},
              {"服务商信用代码", TextAt(root, {"provider", "creditCode"})},
              {"依据诊断报告", xml::Attribute(follows, "documentId")},
              {"诊断报告 SHA-256", xml::Attribute(follows, "sha256")},
              {"改造总投资", Yuan(TextAt(root, {"costs", "total"}))}});

  page.Heading("二、改造内容", 90);
  ComposeItems(root, page);
  page.Heading("三、改造费用", 90);
  ComposeCosts(root, page);
  page.Heading("四、费用分担（第七条）", 110);
  ComposeFunding(root, page);
  page.Heading("五、预期效果", 90);
  ComposeEffect(root, page);
  page.Heading("六、改造实施时间", 90);
  ComposeSchedule(root, page);
  page.Heading("七、双方权利义务", 60);
  page.Paragraph("（一）服务商", kSans, 10.5, 0);
  ComposeClauses(xml::Path(root, {"obligations", "provider"}), page);
  page.Paragraph("（二）试点企业", kSans, 10.5, 0);
  ComposeClauses(xml::Path(root, {"obligations", "enterprise"}), page);

  page.Heading("八、签章与备案审核", 170);
  page.Paragraph(
      "服务商与试点企业已就本方案的改造内容及费用、预期效果、实施时间和双方权利义务达成一致，"
      "现提交新乡市工业和信息化局备案审核；方案通过备案审核前不得开展改造实施。");
  page.Space(4);
  page.SignatureBlocks({{"provider", "服务商（盖章）", 0, 0, 0, 0, 0},
                        {"enterprise", "试点企业（盖章）", 0, 0, 0, 0, 0},
                        {"bureau", "市工信局备案审核意见", 0, 0, 0, 0, 0}},
                       {{"法定代表人（签字）：", "日期：　　年　　月　　日"},
                        {"法定代表人（签字）：", "日期：　　年　　月　　日"},
                        {"经办人：", "日期：　　年　　月　　日"}},
                       118);
}

}  // namespace

extern const DocumentType kTransformationPlan;
const DocumentType kTransformationPlan = {
    "transformation-plan",
    "数字化改造实施方案",
    "transformation plan",
    "enterprise",
    {"enterprise", "creditCode"},
    {"enterprise", "name"},
    CheckPlan,
    ComposePlan,
};

}  // namespace sealflow::forms::documents
