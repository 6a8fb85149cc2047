// Copyright sealflow authors.
// 满意度评价表 — the pilot enterprise rates its provider after acceptance (Art. 14, Art. 15(4)).
#include <algorithm>
#include <string>
#include <vector>

#include "../document_type.h"
#include "../xml_util.h"
#include "document_util.h"

namespace sealflow::forms::documents {
namespace {

using compose::Composer;
using compose::kSans;
using compose::kSong;

struct Dimension {
  const char* element;
  const char* chinese;
};
constexpr Dimension kDimensions[] = {
    {"serviceQuality", "服务质量"},
    {"responsiveness", "响应速度"},
    {"effectiveness", "改造成效"},
    {"cooperation", "沟通配合"},
};

const char* ScoreWord(int score) {
  switch (score) {
    case 5:
      return "很好";
    case 4:
      return "较好";
    case 3:
      return "一般";
    case 2:
      return "较差";
    case 1:
      return "很差";
    default:
      return "";
  }
}

// The score attribute as 1..5, or 0 if it is not one (the schema reports it).
int Score(const xmlNode* node) {
  std::string text = xml::Trim(xml::Attribute(node, "score"));
  return text.size() == 1 && text[0] >= '1' && text[0] <= '5' ? text[0] - '0' : 0;
}

// ■ / □: the bundled faces have no ballot-box glyphs (U+2610-2612).
std::string Box(bool checked) { return checked ? "■" : "□"; }

void ComposeSatisfaction(const xmlNode* root, Composer& page) {
  page.Title("新乡市中小企业数字化转型试点", 19);
  page.Title("试点企业满意度评价表", 19);
  page.CenteredLine("编号：" + xml::Attribute(root, "id") + "　　评价日期：" +
                        ChineseDate(TextAt(root, {"date"})),
                    kSong, 10.5);
  page.Space(2);

  const std::vector<compose::Column> key_value = {{0.26, kSans, false}, {0.74, kSong, false}};
  page.Heading("一、评价对象");
  const xmlNode* follows = xml::Child(root, "follows");
  page.Table(key_value, {},
             {{"试点企业", TextAt(root, {"enterprise", "name"})},
              {"统一社会信用代码", TextAt(root, {"enterprise", "creditCode"})},
              {"细分行业 / 规模", TextAt(root, {"enterprise", "subIndustry"}) + " / " +
                                      TextAt(root, {"enterprise", "scale"})},
              {"数字化服务商", TextAt(root, {"provider", "name"})},
              {"服务商信用代码", TextAt(root, {"provider", "creditCode"})},
              {"改造项目", TextAt(root, {"project"})},
              {"验收结论", xml::Attribute(follows, "documentId") + "（SHA-256 " +
                               xml::Attribute(follows, "sha256").substr(0, 16) + "…）"}});

  page.Heading("二、分项评价（5分最高）");
  std::vector<std::vector<std::string>> rows;
  int total = 0;
  for (const Dimension& dimension : kDimensions) {
    const xmlNode* node = xml::Path(root, {"scores", dimension.element});
    int score = Score(node);
    total += score;
    std::string comment = xml::Trim(xml::Text(node));
    rows.push_back({dimension.chinese, std::to_string(score) + " 分（" + ScoreWord(score) + "）",
                    comment.empty() ? "—" : comment});
  }
  rows.push_back({"合计", std::to_string(total) + " / 20 分", ""});
  page.Table({{0.18, kSans, true}, {0.2, kSong, true}, {0.62, kSong, false}},
             {"评价维度", "评分", "说明"}, rows);

  page.Heading("三、总体评价");
  std::string overall = TextAt(root, {"overall"});
  page.Paragraph(Box(overall == "满意") + " 满意　　　" + Box(overall == "基本满意") +
                     " 基本满意　　　" + Box(overall == "不满意") + " 不满意",
                 kSong, 12, 2);
  page.Paragraph("总体评价结果：" + overall, kSans, 12, 2);
  if (std::string reason = TextAt(root, {"reason"}); !reason.empty()) {
    page.Paragraph("不满意的理由：" + reason);
  }
  if (std::string comments = TextAt(root, {"comments"}); !comments.empty()) {
    page.Paragraph("意见和建议：" + comments);
  }
  page.Paragraph("评价人：" + TextAt(root, {"evaluator", "name"}) + "（" +
                 TextAt(root, {"evaluator", "position"}) + "），联系电话：" +
                 TextAt(root, {"evaluator", "phone"}));

  page.Heading("四、企业声明", 160);
  page.Paragraph(
      "本企业依据《新乡市中小企业数字化转型城市试点数字化服务商管理办法（试行）》第十四条，"
      "在竣工验收后对服务商的服务如实作出评价。评价结果将作为服务商评星评级的依据；评价为"
      "“不满意”的，服务商将依第十五条（四）予以警告并限期整改，服务商有异议的可依第十七条（二）"
      "提出申诉。");
  page.SignatureBlocks({{"enterprise", "试点企业（盖章）", 0, 0, 0, 0, 0}},
                       {{"负责人（签字）：", "日期：　　　　年　　月　　日"}}, 110);
}

// 第十五条（四）: a 不满意 rating leads to a warning, so its reason must be stated.
void CheckSatisfaction(const xmlNode* root, std::vector<Finding>& findings) {
  const xmlNode* overall = xml::Child(root, "overall");
  std::string result = xml::Trim(xml::Text(overall));
  if (result == "不满意" && xml::Child(root, "reason") == nullptr) {
    AddFinding(findings, overall,
               "评价为“不满意”的须写明理由 <reason>（第十五条（四）：服务通过验收但满意度评价为"
               "“不满意”的，予以警告并限期整改） / a \"不满意\" rating must state its <reason> "
               "(Art. 15(4): it leads to a warning)");
  }
  const xmlNode* follows = xml::Child(root, "follows");
  std::string type = xml::Attribute(follows, "formType");
  if (follows != nullptr && !type.empty() && type != "acceptance-conclusion") {
    AddFinding(findings, follows,
               "满意度评价在竣工验收之后作出，须引用验收结论（formType=\"acceptance-conclusion\"，"
               "第十二条（四）、第十五条（四）），而非 " +
                   type + " / a satisfaction rating follows the acceptance conclusion, not " +
                   type);
  }
  // The overall result must agree with the scores: 满意 with a dimension at 1-2, or 不满意 with
  // every dimension at 3 or more, is a contradiction that would mislead the star rating.
  int lowest = 6;
  for (const Dimension& dimension : kDimensions) {
    int score = Score(xml::Path(root, {"scores", dimension.element}));
    if (score == 0) return;  // the schema reports it
    lowest = std::min(lowest, score);
  }
  if (result == "满意" && lowest <= 2) {
    AddFinding(findings, overall,
               "总体评价“满意”与分项评分矛盾：有分项评为 " + std::to_string(lowest) +
                   " 分（第十四条 评星评级依据满意度） / overall \"满意\" contradicts a "
                   "dimension scored " +
                   std::to_string(lowest));
  }
  if (result == "不满意" && lowest >= 3) {
    AddFinding(findings, overall,
               "总体评价“不满意”与分项评分矛盾：各分项均不低于 3 分（第十五条（四）） / overall "
               "\"不满意\" contradicts every dimension scoring 3 or more");
  }
}

}  // namespace

extern const DocumentType kSatisfaction;
const DocumentType kSatisfaction = {
    "satisfaction",
    "满意度评价表",
    "satisfaction evaluation",
    "enterprise",
    {"enterprise", "creditCode"},
    {"enterprise", "name"},
    CheckSatisfaction,
    ComposeSatisfaction,
};

}  // namespace sealflow::forms::documents
