// Copyright sealflow authors.
// 竣工验收结论 — the acceptance agency's conclusion on an acceptance application (Art. 8,
// Art. 12(4)): pass or fail, the level reached, and for a failed project the rectification items,
// deadline and the batch it moves to.
#include <stdexcept>
#include <string>
#include <vector>

#include "../document_type.h"
#include "../xml_util.h"
#include "document_util.h"

namespace sealflow::forms::documents {
namespace {

using compose::Column;
using compose::Composer;
using compose::kSans;
using compose::kSong;

constexpr const char* kPass = "通过";
constexpr const char* kFail = "不通过";

struct Batch {
  std::string year, number, notice;
  bool empty() const { return year.empty(); }
  std::string Text() const { return year + "年第" + number + "批"; }
};

Batch ReadBatch(const xmlNode* node) {
  return {TextAt(node, {"year"}), TextAt(node, {"number"}), TextAt(node, {"notice"})};
}

struct AcceptanceConclusion {
  struct Expert {
    std::string name, title, affiliation;
    bool leader = false;
  };
  std::string id, application_id, project;
  std::string enterprise_name, enterprise_code, sub_industry;
  std::string provider_name, provider_code, agency_name, agency_code;
  Batch batch, next_batch;
  std::string concluded_on, result, level, opinion;
  std::vector<std::string> rectification_items;
  std::string rectification_deadline;
  std::vector<Expert> experts;
};

AcceptanceConclusion ReadAcceptanceConclusion(const xmlNode* root) {
  AcceptanceConclusion c;
  c.id = xml::Attribute(root, "id");
  c.application_id = xml::Attribute(xml::Child(root, "follows"), "documentId");
  c.project = TextAt(root, {"project"});
  c.enterprise_name = TextAt(root, {"enterprise", "name"});
  c.enterprise_code = TextAt(root, {"enterprise", "creditCode"});
  c.sub_industry = TextAt(root, {"enterprise", "subIndustry"});
  c.provider_name = TextAt(root, {"provider", "name"});
  c.provider_code = TextAt(root, {"provider", "creditCode"});
  c.agency_name = TextAt(root, {"agency", "name"});
  c.agency_code = TextAt(root, {"agency", "creditCode"});
  c.batch = ReadBatch(xml::Child(root, "batch"));
  c.next_batch = ReadBatch(xml::Child(root, "nextBatch"));
  c.concluded_on = TextAt(root, {"concludedOn"});
  c.result = TextAt(root, {"result"});
  c.level = TextAt(root, {"level"});
  c.opinion = TextAt(root, {"opinion"});
  const xmlNode* rectification = xml::Child(root, "rectification");
  for (const xmlNode* item : xml::Children(rectification, "item")) {
    c.rectification_items.push_back(xml::Trim(xml::Text(item)));
  }
  c.rectification_deadline = TextAt(rectification, {"deadline"});
  for (const xmlNode* node : xml::Children(xml::Child(root, "experts"), "expert")) {
    std::string leader = xml::Trim(xml::Attribute(node, "leader"));
    c.experts.push_back({TextAt(node, {"name"}), TextAt(node, {"title"}),
                         TextAt(node, {"affiliation"}), leader == "true" || leader == "1"});
  }
  return c;
}

void ComposeAcceptanceConclusion(const AcceptanceConclusion& c, Composer& page) {
  page.Title("新乡市中小企业数字化转型试点", 19);
  page.Title("项目竣工验收结论", 19);
  page.CenteredLine("结论编号：" + c.id + "　　验收日期：" + ChineseDate(c.concluded_on), kSong,
                    10.5);
  page.Space(2);

  page.Heading("一、项目基本情况");
  const std::vector<Column> key_value = {{0.26, kSans, false}, {0.74, kSong, false}};
  page.Table(key_value, {},
             {{"项目名称", c.project},
              {"试点企业", c.enterprise_name},
              {"统一社会信用代码", c.enterprise_code},
              {"细分行业", c.sub_industry},
              {"服务商", c.provider_name + "（" + c.provider_code + "）"},
              {"验收机构", c.agency_name + "（" + c.agency_code + "）"},
              {"验收申请", c.application_id},
              {"验收批次",
               c.batch.Text() + (c.batch.notice.empty() ? "" : "（" + c.batch.notice + "）")}});

  page.Heading("二、验收结论", 80);
  page.Table({{0.26, kSans, false}, {0.74, kSans, false}}, {},
             {{"验收结论", c.result}, {"改造后数字化水平", LevelName(c.level)}}, 12);

  page.Heading("三、验收意见", 80);
  page.Paragraph(c.opinion);

  if (c.result == kFail) {
    page.Heading("四、整改要求（第十二条（四）：未通过验收的限期整改）", 80);
    int number = 0;
    for (const std::string& item : c.rectification_items) {
      page.Paragraph(std::to_string(++number) + ". " + item);
    }
    page.Paragraph("整改期限：" + ChineseDate(c.rectification_deadline) + "前完成整改。" +
                       (c.next_batch.empty() ? std::string()
                                             : "整改完成后顺延至" + c.next_batch.Text() + "验收。"),
                   kSans);
  }

  page.Heading(c.result == kFail ? "五、验收专家组" : "四、验收专家组", 90);
  std::vector<std::vector<std::string>> experts;
  int number = 0;
  for (const AcceptanceConclusion::Expert& expert : c.experts) {
    experts.push_back({std::to_string(++number), expert.name + (expert.leader ? "（组长）" : ""),
                       expert.title, expert.affiliation, ""});
  }
  page.Table({{0.08, kSong, true},
              {0.18, kSong, true},
              {0.16, kSong, true},
              {0.4, kSong, false},
              {0.18, kSong, true}},
             {"序号", "姓名", "职称", "工作单位", "签字"}, experts);

  page.Space(4);
  page.SignatureBlocks({{"agency", "验收机构（盖章）", 0, 0, 0, 0, 0},
                        {"bureau", "新乡市工业和信息化局（确认）", 0, 0, 0, 0, 0}},
                       {{"专家组组长（签字）：", "日期：　　　　年　　月　　日"},
                        {"经办人：", "日期：　　　　年　　月　　日"}},
                       118);
}

// 第十二条（四）: 如试点企业未通过改造验收，应限期整改，可顺延至下一批次验收.
void CheckRectification(const xmlNode* root, std::vector<Finding>& findings) {
  const xmlNode* result = xml::Child(root, "result");
  std::string value = xml::Trim(xml::Text(result));
  if (value != kPass && value != kFail) return;  // the schema reports it
  const xmlNode* rectification = xml::Child(root, "rectification");
  const xmlNode* next_batch = xml::Child(root, "nextBatch");
  if (value == kFail && rectification == nullptr) {
    AddFinding(findings, result,
               "验收不通过须列明整改事项和整改期限（第十二条（四）：未通过验收的，应限期整改） / "
               "a failed acceptance must set rectification items and a deadline (Art. 12(4))");
  }
  if (value == kPass && rectification != nullptr) {
    AddFinding(findings, rectification,
               "验收通过的项目不应有整改要求（第十二条（四）：整改仅适用于未通过验收的项目） / "
               "rectification is only for a failed acceptance (Art. 12(4)); this one passed");
  }
  if (value == kPass && next_batch != nullptr) {
    AddFinding(findings, next_batch,
               "验收通过的项目不顺延至下一批次（第十二条（四）） / a passed project does not move "
               "to a later acceptance batch (Art. 12(4))");
  }
  const xmlNode* deadline = xml::Child(rectification, "deadline");
  std::string deadline_day = IsoDay(xml::Trim(xml::Text(deadline)));
  std::string concluded = IsoDay(TextAt(root, {"concludedOn"}));
  if (!deadline_day.empty() && !concluded.empty() && deadline_day <= concluded) {
    AddFinding(findings, deadline,
               "整改期限 " + deadline_day + " 须晚于验收日期 " + concluded +
                   " / the rectification deadline " + deadline_day +
                   " must fall after the conclusion date " + concluded);
  }
  if (next_batch == nullptr) return;
  long long year = 0, number = 0, next_year = 0, next_number = 0;
  const xmlNode* batch = xml::Child(root, "batch");
  try {
    year = std::stoll(TextAt(batch, {"year"}));
    number = std::stoll(TextAt(batch, {"number"}));
    next_year = std::stoll(TextAt(next_batch, {"year"}));
    next_number = std::stoll(TextAt(next_batch, {"number"}));
  } catch (const std::exception&) {
    return;  // not numbers: the schema reports it
  }
  if (next_year > year || (next_year == year && next_number > number)) return;
  AddFinding(findings, next_batch,
             "顺延的验收批次须晚于本批次（" + std::to_string(year) + "年第" +
                 std::to_string(number) + "批） / the next batch must come after this batch (" +
                 std::to_string(year) + " no. " + std::to_string(number) + ")");
}

void CheckAcceptanceConclusion(const xmlNode* root, std::vector<Finding>& findings) {
  CheckRectification(root, findings);
}

void Compose(const xmlNode* root, Composer& page) {
  ComposeAcceptanceConclusion(ReadAcceptanceConclusion(root), page);
}

}  // namespace

extern const DocumentType kAcceptanceConclusion;
const DocumentType kAcceptanceConclusion = {
    "acceptance-conclusion",
    "项目竣工验收结论",
    "completion acceptance conclusion",
    "enterprise",
    {"enterprise", "creditCode"},
    {"enterprise", "name"},
    CheckAcceptanceConclusion,
    Compose,
};

}  // namespace sealflow::forms::documents
