// Copyright sealflow authors.
// 改造方案变更备案 — a change filing amending an approved transformation plan (Art. 12(3)).
//
// 第十二条（三）: “改造方案如有投资金额增加、覆盖应用场景减少等较大变动需及时重新提交至新乡市工业
// 和信息化局备案审核”. Whether a change needs re-review is therefore a function of the numbers
// (investment up, or any scene removed); the filing also declares it, and the declaration must
// agree, so a filing cannot claim "no review needed" for a change the measures say needs one.
#include <set>
#include <string>
#include <vector>

#include "../document_type.h"
#include "../xml_util.h"
#include "document_util.h"

namespace sealflow::forms::documents {

// Defined in transformation_plan.cc.
namespace {

using compose::Column;
using compose::Composer;
using compose::kSans;
using compose::kSong;

struct SceneChange {
  std::string scene, text;
};

std::vector<SceneChange> SceneChanges(const xmlNode* root, const char* kind) {
  std::vector<SceneChange> out;
  for (const xmlNode* node : xml::Children(xml::Child(root, "sceneChanges"), kind)) {
    out.push_back({xml::Trim(xml::Attribute(node, "scene")), xml::Trim(xml::Text(node))});
  }
  return out;
}

// Why re-review is (or is not) required, in Chinese and English.
struct ReviewVerdict {
  bool required = false;
  std::string zh, en;
};

ReviewVerdict Review(long long previous, long long next, const std::vector<SceneChange>& removed) {
  ReviewVerdict verdict;
  std::vector<std::string> zh, en;
  if (next > previous) {
    zh.push_back("投资金额由 " + Yuan(CentsText(previous)) + " 增加至 " + Yuan(CentsText(next)));
    en.push_back("the investment increases from " + CentsText(previous) + " to " + CentsText(next));
  }
  if (!removed.empty()) {
    std::vector<std::string> names, codes;
    for (const SceneChange& change : removed) {
      names.push_back(SceneName(change.scene));
      codes.push_back(change.scene);
    }
    zh.push_back("覆盖应用场景减少 " + std::to_string(removed.size()) + " 个（" +
                 Join(names, "、") + "）");
    en.push_back(std::to_string(removed.size()) + " scene(s) removed (" + Join(codes, ", ") + ")");
  }
  verdict.required = !zh.empty();
  if (verdict.required) {
    verdict.zh = Join(zh, "，");
    verdict.en = Join(en, "; ");
  } else {
    verdict.zh = "投资金额未增加（" + Yuan(CentsText(previous)) + " → " + Yuan(CentsText(next)) +
                 "）且覆盖应用场景未减少";
    verdict.en = "the investment does not increase (" + CentsText(previous) + " -> " +
                 CentsText(next) + ") and no scene is removed";
  }
  return verdict;
}

// ---------------------------------------------------------------------------------------------
// Rules

void CheckScenes(const xmlNode* root, std::vector<Finding>& findings) {
  std::set<std::string> added;
  for (const SceneChange& change : SceneChanges(root, "added")) added.insert(change.scene);
  for (const xmlNode* node : xml::Children(xml::Child(root, "sceneChanges"), "removed")) {
    std::string scene = xml::Trim(xml::Attribute(node, "scene"));
    if (added.count(scene) == 0) continue;
    AddFinding(findings, node,
               "场景“" + SceneName(scene) + "”同时列为新增和减少 / scene " + scene +
                   " is both added and removed");
  }
}

void CheckChangeFiling(const xmlNode* root, std::vector<Finding>& findings) {
  CheckScenes(root, findings);
  long long previous = 0, next = 0;
  const xmlNode* investment = xml::Child(root, "investment");
  if (!ParseCents(TextAt(investment, {"previousTotal"}), previous) ||
      !ParseCents(TextAt(investment, {"newTotal"}), next)) {
    return;  // the schema reports the amounts; the rules below need both
  }
  ReviewVerdict verdict = Review(previous, next, SceneChanges(root, "removed"));
  const xmlNode* declared_node = xml::Child(root, "requiresReview");
  std::string declared = xml::Trim(xml::Text(declared_node));
  bool is_boolean = declared == "true" || declared == "1" || declared == "false" || declared == "0";
  if (declared_node != nullptr && is_boolean) {
    bool declared_required = declared == "true" || declared == "1";
    if (declared_required != verdict.required) {
      AddFinding(findings, declared_node,
                 std::string("是否需重新备案审核声明为“") + (declared_required ? "是" : "否") +
                     "”，与变更内容不符：" + verdict.zh +
                     "，按第十二条（三）（投资金额增加、覆盖应用场景" +
                     "减少等较大变动需重新提交备案审核）" + (verdict.required ? "须" : "无须") +
                     "重新备案审核 / requiresReview is declared " +
                     (declared_required ? "true" : "false") + " but " + verdict.en +
                     ", so under Art. 12(3) re-review is " +
                     (verdict.required ? "required" : "not required"));
    }
  }
  CheckArticle7Split(xml::Child(root, "funding"), next, "变更后改造总投资", "new total investment",
                     findings);
}

// ---------------------------------------------------------------------------------------------
// Composition

void ComposeChangeFiling(const xmlNode* root, Composer& page) {
  page.Title("新乡市中小企业数字化转型试点", 19);
  page.Title("数字化改造方案变更备案表", 19);
  page.CenteredLine("备案编号：" + xml::Attribute(root, "id") + "　　备案日期：" +
                        ChineseDate(TextAt(root, {"filingDate"})),
                    kSong, 10.5);
  page.Space(2);

  const xmlNode* follows = xml::Child(root, "follows");
  const std::vector<Column> key_value = {{0.26, kSans, false}, {0.74, kSong, false}};
  page.Heading("一、基本情况");
  page.Table(key_value, {},
             {{"试点企业", TextAt(root, {"enterprise", "name"})},
              {"统一社会信用代码", TextAt(root, {"enterprise", "creditCode"})},
              {"细分行业 / 规模", TextAt(root, {"enterprise", "subIndustry"}) + " / " +
                                      TextAt(root, {"enterprise", "scale"})},
              {"服务商", TextAt(root, {"provider", "name"})},
              {"服务商信用代码", TextAt(root, {"provider", "creditCode"})},
              {"原改造方案", xml::Attribute(follows, "documentId")},
              {"原方案 SHA-256", xml::Attribute(follows, "sha256")}});

  long long previous = 0, next = 0;
  ParseCents(TextAt(root, {"investment", "previousTotal"}), previous);
  ParseCents(TextAt(root, {"investment", "newTotal"}), next);
  page.Heading("二、投资金额变更", 80);
  std::string delta = next >= previous ? "增加 " + Yuan(CentsText(next - previous))
                                       : "减少 " + Yuan(CentsText(previous - next));
  page.Table({{0.25, kSans, false}, {0.25, kSong, true}, {0.25, kSong, true}, {0.25, kSong, true}},
             {"项目", "变更前", "变更后", "变化"},
             {{"改造总投资", Yuan(CentsText(previous)), Yuan(CentsText(next)), delta}});

  page.Heading("三、覆盖应用场景变更", 80);
  std::vector<SceneChange> added = SceneChanges(root, "added");
  std::vector<SceneChange> removed = SceneChanges(root, "removed");
  std::vector<std::vector<std::string>> rows;
  for (const SceneChange& change : added) {
    rows.push_back({"新增", SceneName(change.scene), change.text});
  }
  for (const SceneChange& change : removed) {
    rows.push_back({"减少", SceneName(change.scene), change.text});
  }
  if (rows.empty()) rows.push_back({"—", "—", "覆盖应用场景无变化"});
  page.Table({{0.12, kSong, true}, {0.16, kSong, true}, {0.72, kSong, false}},
             {"变更", "场景", "说明"}, rows);

  page.Heading("四、其他变更内容", 60);
  int number = 0;
  for (const xmlNode* change : xml::Children(xml::Child(root, "changes"), "change")) {
    page.Paragraph(std::to_string(++number) + ". " + xml::Trim(xml::Text(change)));
  }
  page.Heading("五、变更原因", 60);
  page.Paragraph(TextAt(root, {"reason"}));

  page.Heading("六、变更后费用分担（第七条）", 110);
  const xmlNode* funding = xml::Child(root, "funding");
  long long enterprise = 0, provider = 0, government = 0;
  ParseCents(TextAt(funding, {"enterpriseShare"}), enterprise);
  ParseCents(TextAt(funding, {"providerConcession"}), provider);
  ParseCents(TextAt(funding, {"governmentSubsidy"}), government);
  page.Table({{0.5, kSans, false}, {0.5, kSong, true}}, {"分担方式", "金额"},
             {{"企业出一点（企业自筹）", Yuan(CentsText(enterprise))},
              {"服务商让一点（服务商让利）", Yuan(CentsText(provider))},
              {"政府补一点（政府补助）", Yuan(CentsText(government))},
              {"合计（变更后改造总投资）", Yuan(CentsText(next))}});

  page.Heading("七、备案审核判定（第十二条（三））", 90);
  ReviewVerdict verdict = Review(previous, next, removed);
  page.Table(key_value, {},
             {{"判定依据",
               "改造方案如有投资金额增加、覆盖应用场景减少等较大变动，需及时重新提交市工信局备案"
               "审核"},
              {"本次变更", verdict.zh},
              {"是否需重新备案审核", verdict.required ? "是（方案变更部分经备案审核后方可实施）"
                                                      : "否（报市工信局备案）"}});

  page.Heading("八、签章与备案审核", 170);
  page.Paragraph("服务商与试点企业已就上述变更达成一致，现报新乡市工业和信息化局备案审核。");
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

extern const DocumentType kChangeFiling;
const DocumentType kChangeFiling = {
    "change-filing",   "数字化改造方案变更备案表",   "change filing",
    "enterprise",      {"enterprise", "creditCode"}, {"enterprise", "name"},
    CheckChangeFiling, ComposeChangeFiling,
};

}  // namespace sealflow::forms::documents
