// Copyright sealflow authors.
// 申诉书 — a provider's appeal against a warning, a disqualification or a 不满意 rating (Art. 17).
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

struct Ground {
  const char* code;
  const char* item;       // 第十七条（N）
  const char* chinese;    // the article's words
  const char* follows;    // the form type the contested document must be
  const char* contested;  // what that is, in Chinese
};
constexpr Ground kGrounds[] = {
    {"enterprise-delay", "第十七条（一）",
     "试点企业恶意拖延、阻滞转型服务工作开展，造成时限要求内未能完成工作任务", "notice",
     "警告或取消资格通知"},
    {"unsatisfied-rating", "第十七条（二）", "对试点企业满意度评价表中评价结果为“不满意”提出异议",
     "satisfaction", "满意度评价表"},
    {"force-majeure", "第十七条（三）", "因不可抗力未按要求完成服务受到警告或者取消资格", "notice",
     "警告或取消资格通知"},
};

const Ground* FindGround(const std::string& code) {
  for (const Ground& ground : kGrounds) {
    if (code == ground.code) return &ground;
  }
  return nullptr;
}

// Each line of the text as an indented paragraph (a reason is often numbered 一、二、 ...).
void Paragraphs(Composer& page, const std::string& text) {
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = xml::Trim(std::string_view(text).substr(start, end - start));
    if (!line.empty()) page.Paragraph(line);
    start = end + 1;
  }
}

void ComposeAppeal(const xmlNode* root, Composer& page) {
  page.Title("新乡市中小企业数字化转型试点", 19);
  page.Title("数字化服务商申诉书", 19);
  page.CenteredLine("编号：" + xml::Attribute(root, "id") + "　　申诉日期：" +
                        ChineseDate(TextAt(root, {"date"})),
                    kSong, 10.5);
  page.Space(2);

  const std::vector<compose::Column> key_value = {{0.26, kSans, false}, {0.74, kSong, false}};
  const Ground* ground = FindGround(TextAt(root, {"ground"}));
  const xmlNode* follows = xml::Child(root, "follows");
  std::vector<std::vector<std::string>> facts = {
      {"申诉人", TextAt(root, {"provider", "name"})},
      {"统一社会信用代码", TextAt(root, {"provider", "creditCode"})},
      {"联系人", TextAt(root, {"contact", "name"}) + "　" + TextAt(root, {"contact", "phone"})},
      {"申诉情形", ground == nullptr ? "" : std::string(ground->item) + " " + ground->chinese},
      {"被申诉文件", xml::Attribute(follows, "documentId") + "（" +
                         (ground == nullptr ? "" : ground->contested) + "，SHA-256 " +
                         xml::Attribute(follows, "sha256").substr(0, 16) + "…）"},
  };
  if (const xmlNode* enterprise = xml::Child(root, "enterprise")) {
    facts.push_back({"涉及试点企业", TextAt(enterprise, {"name"}) + "（" +
                                         TextAt(enterprise, {"creditCode"}) + "）"});
  }
  page.Heading("一、申诉人及申诉情形");
  page.Table(key_value, {}, facts);

  page.Heading("二、申诉事项");
  Paragraphs(page, TextAt(root, {"matter"}));
  page.Heading("三、申诉理由");
  Paragraphs(page, TextAt(root, {"reason"}));
  page.Heading("四、申诉目的");
  Paragraphs(page, TextAt(root, {"purpose"}));

  page.Heading("五、佐证材料");
  std::vector<std::vector<std::string>> rows;
  int number = 0;
  for (const xmlNode* item : xml::Children(xml::Child(root, "evidence"), "item")) {
    rows.push_back(
        {std::to_string(++number), TextAt(item, {"description"}), TextAt(item, {"reference"})});
  }
  page.Table({{0.08, kSong, true}, {0.57, kSong, false}, {0.35, kSong, false}},
             {"序号", "材料名称及证明内容", "出处 / 编号"}, rows);

  page.Heading("六、申诉人承诺", 150);
  page.Paragraph(
      "本单位依据《新乡市中小企业数字化转型城市试点数字化服务商管理办法（试行）》第十七条提出"
      "申诉，承诺所述事项和所附佐证材料真实、完整，如有虚假，愿承担相应责任。");
  page.SignatureBlocks({{"provider", "申诉单位（盖章）", 0, 0, 0, 0, 0}},
                       {{"法定代表人（签字）：", "日期：　　　　年　　月　　日"}}, 110);
}

// 第十七条: the contested document must be of the kind the ground is about, and grounds (一)
// and (二) concern a named pilot enterprise.
void CheckAppeal(const xmlNode* root, std::vector<Finding>& findings) {
  const xmlNode* ground_node = xml::Child(root, "ground");
  const Ground* ground = FindGround(xml::Trim(xml::Text(ground_node)));
  if (ground == nullptr) return;  // the schema reports it
  const xmlNode* follows = xml::Child(root, "follows");
  std::string type = xml::Attribute(follows, "formType");
  if (follows != nullptr && !type.empty() && type != ground->follows) {
    AddFinding(findings, follows,
               std::string("依") + ground->item + "申诉，被申诉文件须为" + ground->contested +
                   "（formType=\"" + ground->follows + "\"），而非 " + type +
                   " / an appeal on Art. 17 ground " + ground->code + " must follow a " +
                   ground->follows + " document, not " + type);
  }
  bool names_enterprise = std::string(ground->code) != "force-majeure";
  if (names_enterprise && xml::Child(root, "enterprise") == nullptr) {
    AddFinding(findings, ground_node,
               std::string("依") + ground->item +
                   "申诉须写明涉及的试点企业 <enterprise> / an appeal on Art. 17 ground " +
                   ground->code + " must name the pilot enterprise concerned");
  }
}

}  // namespace

extern const DocumentType kAppeal;
const DocumentType kAppeal = {
    "appeal",
    "申诉书",
    "appeal",
    "provider",
    {"provider", "creditCode"},
    {"provider", "name"},
    CheckAppeal,
    ComposeAppeal,
};

}  // namespace sealflow::forms::documents
