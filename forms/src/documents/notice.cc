// Copyright sealflow authors.
// 通知 / 公示 / 通告 — the bureau's notices (Art. 9, 12(4), 14, 15, 16, 18), laid out as an
// official document after GB/T 9704-2012: red masthead (发文机关标志), document number, red
// separator (版头分隔线), title, addressees, body, attachments, the issuing body and date at the
// seal position, and the 版记 (抄送, 印发机关和印发日期) at the foot of the last page.
#include <algorithm>
#include <string>
#include <vector>

#include "../document_type.h"
#include "../xml_util.h"
#include "document_util.h"

namespace sealflow::forms::documents {
namespace {

using compose::Align;
using compose::Column;
using compose::Composer;
using compose::kOfficialRed;
using compose::kSans;
using compose::kSong;

// 《办法》 as the notices cite it (its full name, from 第二十条 of the source).
constexpr const char* kMeasures =
    "《新乡市中小企业数字化转型城市试点数字化服务商管理办法（试行）》";

// Type sizes after GB/T 9704-2012: body 3号 (16 pt), title 2号 (22 pt), 版记 4号 (14 pt).
constexpr double kBodySize = 16;
constexpr double kTitleSize = 22;
constexpr double kNoteSize = 14;

// 1..99 in Chinese numerals (一, 十, 十一, 二十 ...), for 第（N）项 and list items.
std::string ChineseNumeral(int n) {
  static const char* const kDigits[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  if (n <= 0 || n > 99) return std::to_string(n);
  if (n < 10) return kDigits[n];
  return std::string(n >= 20 ? kDigits[n / 10] : "") + "十" + kDigits[n % 10];
}

// 第十五条 grounds (1)-(6), as a notice restates them.
const char* WarningGround(int ground) {
  switch (ground) {
    case 1:
      return "名称、住所、法定代表人、经营范围以及注册资本等发生较大变更，未及时报告说明";
    case 2:
      return "人员能力不足或团队配置不合理，服务不能满足企业需求，造成试点企业投诉";
    case 3:
      return "工作配合度不高，资料报送不及时、不完整、不规范";
    case 4:
      return "未严格按照改造合同实施改造，未经报备即开展改造实施，或服务通过验收但试点企业满意度"
             "评价为“不满意”";
    case 5:
      return "解决方案和软件采购清单不完整、不准确，私自绑定专属产品，或随意调整、故意抬高标准化"
             "产品（服务）价格";
    case 6:
      return "存在不符合市场公平竞争条件事项或其他原因";
    default:
      return "";
  }
}

// 第十六条 grounds (1)-(5).
const char* DisqualificationGround(int ground) {
  switch (ground) {
    case 1:
      return "受到警告2次及以上";
    case 2:
      return "受到警告拒不进行整改";
    case 3:
      return "恶意诽谤、污蔑市中小企业数字化转型工作及相关工作人员，造成严重不良社会影响";
    case 4:
      return "未按合同约定完成服务事项，提出整改要求后，在规定期限内仍未按照要求完成整改";
    case 5:
      return "违法违纪行为经查实";
    default:
      return "";
  }
}

std::string StarsText(const std::string& stars) {
  if (stars == "3") return "★★★ 三星级（优秀）";
  if (stars == "2") return "★★ 二星级（良好）";
  if (stars == "1") return "★ 一星级（一般）";
  return "无星级（较差）";
}

// The kinds, by the element that carries each one's own content.
constexpr const char* kKinds[] = {"listing",          "rating",          "warning",
                                  "disqualification", "acceptanceBatch", "reportResponse"};

const xmlNode* KindElement(const xmlNode* root) {
  for (const char* kind : kKinds) {
    if (const xmlNode* node = xml::Child(root, kind)) return node;
  }
  return nullptr;
}

// YYYY-MM-DD of an xs:date (a time zone suffix is ignored), or "" if it is not one.
std::string Day(const xmlNode* node) {
  std::string text = xml::Trim(xml::Text(node));
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return "";
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (text[i] < '0' || text[i] > '9') return "";
  }
  if (text.size() > 10 && text[10] != 'Z' && text[10] != '+' && text[10] != '-') return "";
  return text.substr(0, 10);
}

int IntAt(const xmlNode* node) {
  std::string text = xml::Trim(xml::Text(node));
  if (text.empty() || text.size() > 3) return 0;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + (c - '0');
  }
  return value;
}

struct Provider {
  std::string name, credit_code, enterprises_served, satisfaction, stars;
  std::vector<std::string> sub_industries, enterprises;
};

std::vector<Provider> ReadProviders(const xmlNode* root) {
  std::vector<Provider> providers;
  for (const xmlNode* node : xml::Children(xml::Child(root, "providers"), "provider")) {
    Provider p;
    p.name = TextAt(node, {"name"});
    p.credit_code = TextAt(node, {"creditCode"});
    p.enterprises_served = TextAt(node, {"enterprisesServed"});
    p.satisfaction = TextAt(node, {"satisfactionRate"});
    p.stars = TextAt(node, {"stars"});
    for (const xmlNode* s : xml::Children(node, "subIndustry")) {
      p.sub_industries.push_back(xml::Trim(xml::Text(s)));
    }
    for (const xmlNode* e : xml::Children(node, "enterprise")) {
      p.enterprises.push_back(xml::Trim(xml::Text(e)));
    }
    providers.push_back(std::move(p));
  }
  return providers;
}

std::vector<std::string> Texts(const xmlNode* parent, std::string_view name) {
  std::vector<std::string> out;
  for (const xmlNode* node : xml::Children(parent, name)) out.push_back(xml::Trim(xml::Text(node)));
  return out;
}

void Body(Composer& page, const std::string& text) { page.Paragraph(text, kSong, kBodySize, 2); }

// ---- the kinds' own parts ----

void ComposeListing(const xmlNode* kind, const std::vector<Provider>& providers, Composer& page) {
  std::vector<std::vector<std::string>> rows;
  int number = 0;
  for (const Provider& p : providers) {
    rows.push_back({std::to_string(++number), p.name, p.credit_code, Join(p.sub_industries, "、")});
  }
  Body(page, "拟纳入" + TextAt(kind, {"batch"}) + "数字化服务商名单的单位如下（共" +
                 std::to_string(providers.size()) + "家）：");
  page.Table({{0.08, kSong, true}, {0.38, kSong, false}, {0.27, kSong, true}, {0.27, kSong, false}},
             {"序号", "服务商名称", "统一社会信用代码", "服务细分行业"}, rows, 11);
  Body(page, "公示期为" + ChineseDate(TextAt(kind, {"objectionPeriod", "start"})) + "至" +
                 ChineseDate(TextAt(kind, {"objectionPeriod", "end"})) +
                 "。公示期间，任何单位和个人对公示对象有异议的，可以书面形式向新乡市工业和信息化局"
                 "实名反映，并提供必要的证明材料和联系方式。异议受理联系人：" +
                 TextAt(kind, {"objectionContact", "name"}) + "，联系电话：" +
                 TextAt(kind, {"objectionContact", "phone"}) + "。");
}

void ComposeRating(const xmlNode* kind, const std::vector<Provider>& providers, Composer& page) {
  Body(page, std::string("根据") + kMeasures + "第十四条，按照服务商服务企业的数量和满意度，" +
                 TextAt(kind, {"round"}) + "评星评级结果如下（评级日期：" +
                 ChineseDate(TextAt(kind, {"ratingDate"})) + "）：");
  std::vector<std::vector<std::string>> rows;
  int number = 0;
  for (const Provider& p : providers) {
    rows.push_back({std::to_string(++number), p.name, p.enterprises_served + " 家",
                    p.satisfaction + "%", StarsText(p.stars)});
  }
  page.Table({{0.07, kSong, true},
              {0.37, kSong, false},
              {0.14, kSong, true},
              {0.12, kSong, true},
              {0.3, kSong, false}},
             {"序号", "服务商名称", "服务企业数", "满意度", "评级结果"}, rows, 11);
  Body(page, "评级方法：" + TextAt(kind, {"method"}));
}

void ComposeWarning(const xmlNode* kind, Composer& page) {
  int ground = IntAt(xml::Child(kind, "ground"));
  Body(page, "经查，" + TextAt(kind, {"facts"}) + "根据" + kMeasures + "第十五条第（" +
                 ChineseNumeral(ground) + "）项（" + WarningGround(ground) +
                 "）之规定，决定对你单位予以警告，并限于" +
                 ChineseDate(TextAt(kind, {"rectificationDeadline"})) + "前完成整改。");
  Body(page, "整改要求：" + TextAt(kind, {"requirements"}) +
                 "整改情况请书面报送我局。拒不整改或受到警告2次及以上的，依第十六条取消服务商资格；"
                 "对本警告有异议的，可依第十七条提出申诉。");
}

void ComposeDisqualification(const xmlNode* root, const xmlNode* kind,
                             const std::vector<Provider>& providers, Composer& page) {
  int ground = IntAt(xml::Child(kind, "ground"));
  std::string name = providers.empty() ? std::string() : providers.front().name;
  std::vector<std::string> warnings;
  for (const xmlNode* ref : xml::Children(root, "follows")) {
    if (xml::Attribute(ref, "formType") == "notice") {
      warnings.push_back(xml::Attribute(ref, "documentId"));
    }
  }
  Body(page, "经查：" + TextAt(kind, {"facts"}) +
                 (warnings.empty() ? "" : "（前次警告：" + Join(warnings, "、") + "）"));
  Body(page, std::string("根据") + kMeasures + "第十六条第（" + ChineseNumeral(ground) + "）项（" +
                 DisqualificationGround(ground) + "）之规定，经研究，决定取消" + name +
                 "新乡市中小企业数字化转型城市试点数字化服务商资格。");
  std::string fees = TextAt(kind, {"fees"});
  std::string consequence;
  if (fees == "withheld") consequence = "对其尚未支付的服务费用不予支付";
  if (fees == "partly-deducted") {
    consequence = "扣除其部分服务费用，计" + Yuan(TextAt(kind, {"deductedAmount"}));
  }
  if (fees == "paid") consequence = "其已完成服务事项的费用按合同约定结算";
  Body(page, consequence + "。特此通告，建议其他城市不选择该单位参与数字化转型相关工作。");
}

void ComposeAcceptanceBatch(const xmlNode* kind, const std::vector<Provider>& providers,
                            Composer& page) {
  std::string batch = TextAt(kind, {"batch"});
  int number = 0;
  std::vector<std::vector<std::string>> rows;
  for (const Provider& p : providers) {
    for (const std::string& enterprise : p.enterprises) {
      rows.push_back({std::to_string(++number), enterprise, p.name});
    }
  }
  Body(page, "一、验收对象。第" + batch + "批申请竣工验收的试点企业及其服务商如下（共" +
                 std::to_string(number) + "家企业）：");
  page.Table({{0.08, kSong, true}, {0.46, kSong, false}, {0.46, kSong, false}},
             {"序号", "试点企业", "数字化服务商"}, rows, 11);
  Body(page, "二、材料报送。请试点企业于" + ChineseDate(TextAt(kind, {"submissionDeadline"})) +
                 "前将以下申报材料报送至" + TextAt(kind, {"place"}) + "，服务商配合做好材料准备：");
  int item = 0;
  for (const std::string& material : Texts(xml::Child(kind, "materials"), "material")) {
    Body(page, "（" + ChineseNumeral(++item) + "）" + material);
  }
  Body(page,
       "三、验收时间。" + ChineseDate(TextAt(kind, {"acceptancePeriod", "start"})) + "至" +
           ChineseDate(TextAt(kind, {"acceptancePeriod", "end"})) +
           "，由验收机构组织竣工验收。未通过验收的试点企业应限期整改，可顺延至下一批次验收。");
}

void ComposeReportResponse(const xmlNode* kind, Composer& page) {
  Body(page, "我局收到关于你单位的实名举报，反映：" + TextAt(kind, {"allegation"}));
  Body(page, std::string("根据") + kMeasures + "第十八条，请你单位于" +
                 ChineseDate(TextAt(kind, {"responseDeadline"})) +
                 "前就举报反映的问题向我局作出书面说明，并提供以下材料：");
  int item = 0;
  for (const std::string& material : Texts(xml::Child(kind, "requiredMaterials"), "material")) {
    Body(page, "（" + ChineseNumeral(++item) + "）" + material);
  }
  Body(page, "逾期未按要求回复，或经核实确认存在弄虚作假行为的，将退出服务商库。");
}

// ---- the document ----

void ComposeNotice(const xmlNode* root, Composer& page) {
  const std::string issuer = TextAt(root, {"issuer", "name"});
  const std::string issue_date = ChineseDate(TextAt(root, {"issueDate"}));
  const std::vector<Provider> providers = ReadProviders(root);

  // 版头: the masthead in red, as large as fits (at most 36 pt), the document number, and the
  // red separator across the text width.
  std::string masthead = issuer + "文件";
  double size = 36;
  double width = page.Measure(masthead, kSans, size);
  if (width > Composer::kContentWidth * 0.96) size *= Composer::kContentWidth * 0.96 / width;
  page.Space(12);
  page.AlignedText(masthead, kSans, size, Align::kCenter, kOfficialRed, 0, 1.3);
  page.Space(kBodySize * 1.5);
  page.AlignedText(TextAt(root, {"documentNumber"}), kSong, kBodySize, Align::kCenter);
  page.FullWidthRule(2, kOfficialRed, 8, kBodySize * 2);

  // 主体
  page.AlignedText(TextAt(root, {"title"}), kSans, kTitleSize, Align::kCenter, {}, 1, 1.45);
  page.Space(kBodySize * 0.75);
  page.AlignedText(Join(Texts(xml::Child(root, "addressees"), "addressee"), "、") + "：", kSong,
                   kBodySize, Align::kLeft);
  for (const std::string& paragraph : Texts(xml::Child(root, "body"), "paragraph")) {
    Body(page, paragraph);
  }
  const xmlNode* kind = KindElement(root);
  std::string kind_name = kind != nullptr ? xml::LocalName(kind) : "";
  if (kind_name == "listing") ComposeListing(kind, providers, page);
  if (kind_name == "rating") ComposeRating(kind, providers, page);
  if (kind_name == "warning") ComposeWarning(kind, page);
  if (kind_name == "disqualification") ComposeDisqualification(root, kind, providers, page);
  if (kind_name == "acceptanceBatch") ComposeAcceptanceBatch(kind, providers, page);
  if (kind_name == "reportResponse") ComposeReportResponse(kind, page);

  // 附件说明: 正文下空一行左空二字 "附件："; further items aligned under the first.
  std::vector<std::string> attachments = Texts(xml::Child(root, "attachments"), "attachment");
  if (!attachments.empty()) page.Space(kBodySize * 1.5);
  for (std::size_t i = 0; i < attachments.size(); ++i) {
    std::string item = std::to_string(i + 1) + "．" + attachments[i];
    if (i == 0) {
      page.AlignedText("附件：" + item, kSong, kBodySize, Align::kLeft, {}, 2);
    } else {
      page.AlignedText(item, kSong, kBodySize, Align::kLeft, {}, 5);
    }
  }

  // 发文机关署名和成文日期 at the seal position: the date 右空四字, the issuing body centred over
  // it; the bureau's seal (signature block "bureau") pressed over both, they sitting a little
  // below its centre (GB/T 9704-2012 7.3.5.1).
  constexpr double kSeal = 120;  // a 42 mm seal
  const double line = kBodySize * 1.5;
  page.KeepTogether(kSeal + line);
  page.Space(line * 1.5);
  double date_width = page.Measure(issue_date, kSong, kBodySize);
  double date_right = Composer::kMarginLeft + Composer::kContentWidth - 4 * kBodySize;
  double center_x = date_right - date_width / 2;
  double issuer_width = page.Measure(issuer, kSong, kBodySize);
  double issuer_right =
      std::min(center_x + issuer_width / 2, Composer::kMarginLeft + Composer::kContentWidth);
  double top = page.cursor();
  page.AlignedText(issuer, kSong, kBodySize, Align::kRight, {},
                   (Composer::kMarginLeft + Composer::kContentWidth - issuer_right) / kBodySize);
  page.AlignedText(issue_date, kSong, kBodySize, Align::kRight, {}, 4);
  double center_y = (top + page.cursor()) / 2 + 12;
  page.PlaceSignatureBlock({"bureau", "发文机关印章（" + issuer + "）", 0, 0, 0, 0, 0},
                           center_x - kSeal / 2, center_y - kSeal / 2, kSeal, kSeal);

  // 附注 (联系人), 成文日期下一行居左空二字加圆括号.
  if (const xmlNode* contact = xml::Child(root, "contact")) {
    page.AlignedText("（联系人：" + TextAt(contact, {"name"}) + "；联系电话：" +
                         TextAt(contact, {"phone"}) + "）",
                     kSong, kBodySize, Align::kLeft, {}, 2);
  }

  // 版记 at the foot of the last page: a thick rule, 抄送, a thin rule, 印发机关和印发日期, a
  // thick rule.
  std::vector<std::string> copy_to = Texts(xml::Child(root, "copyTo"), "organisation");
  const double note_line = kNoteSize * 1.9;
  double height = 1 + 0.7 + 1 + note_line * (copy_to.empty() ? 1 : 2) + 8;
  page.KeepTogether(height + line);
  page.Space(page.Remaining() - height);
  page.FullWidthRule(1, {}, 0, 2);
  if (!copy_to.empty()) {
    page.AlignedText("抄送：" + Join(copy_to, "，") + "。", kSong, kNoteSize, Align::kLeft, {}, 1,
                     1.9);
    page.FullWidthRule(0.7, {}, 0, 2);
  }
  page.SplitLine(TextAt(root, {"printedBy"}), ChineseDate(TextAt(root, {"printDate"})) + "印发",
                 kSong, kNoteSize, 1, 1.9);
  page.FullWidthRule(1, {}, 0, 0);
}

// ---- rules ----

void AddRule(std::vector<Finding>& findings, const xmlNode* node, const std::string& chinese,
             const std::string& english) {
  AddFinding(findings, node, chinese + " / " + english);
}

void CheckDates(const xmlNode* root, std::vector<Finding>& findings) {
  std::string issue = Day(xml::Child(root, "issueDate"));
  const xmlNode* number = xml::Child(root, "documentNumber");
  std::string number_text = xml::Trim(xml::Text(number));
  // "新工信〔" is 12 bytes of UTF-8; the schema fixed the shape, so the year follows it.
  const std::string prefix = "新工信〔";
  if (!issue.empty() && number_text.rfind(prefix, 0) == 0 &&
      number_text.size() >= prefix.size() + 4 &&
      number_text.compare(prefix.size(), 4, issue, 0, 4) != 0) {
    AddRule(findings, number,
            "发文字号的年份（" + number_text.substr(prefix.size(), 4) + "）须为成文日期的年份（" +
                issue.substr(0, 4) + "）（GB/T 9704-2012 7.2.4）",
            "the year of the document number must be the year of the issue date");
  }
  const xmlNode* print = xml::Child(root, "printDate");
  std::string printed = Day(print);
  if (!issue.empty() && !printed.empty() && printed < issue) {
    AddRule(findings, print, "印发日期不得早于成文日期（GB/T 9704-2012 7.4.3）",
            "the printing date cannot be before the issue date");
  }
}

// Per-provider parts each kind requires, and the ones it has no place for.
void CheckProviders(const xmlNode* root, const std::string& kind, std::vector<Finding>& findings) {
  struct Part {
    const char* element;
    const char* owner;  // the kind it belongs to
    const char* chinese;
  };
  static constexpr Part kParts[] = {
      {"subIndustry", "listing", "服务细分行业（第三条 分类管理；第九条 社会公示）"},
      {"enterprisesServed", "rating", "服务企业数量（第十四条）"},
      {"satisfactionRate", "rating", "满意度（第十四条）"},
      {"stars", "rating", "评级结果（第十四条）"},
      {"enterprise", "acceptanceBatch", "本批验收的试点企业（第十二条（四））"},
  };
  std::vector<const xmlNode*> providers = xml::Children(xml::Child(root, "providers"), "provider");
  for (const xmlNode* provider : providers) {
    for (const Part& part : kParts) {
      const xmlNode* node = xml::Child(provider, part.element);
      if (kind == part.owner && node == nullptr) {
        AddRule(findings, provider,
                std::string("该通知须写明每家服务商的") + part.chinese + "：缺少 <" + part.element +
                    ">",
                std::string("a ") + kind + " notice must give <" + part.element +
                    "> for every provider");
      } else if (kind != part.owner && node != nullptr) {
        AddRule(findings, node,
                std::string("<") + part.element + "> 只用于" +
                    (std::string(part.owner) == "listing"  ? "名单公示"
                     : std::string(part.owner) == "rating" ? "评星评级结果"
                                                           : "验收批次") +
                    "通知",
                std::string("<") + part.element + "> belongs to a " + part.owner + " notice only");
      }
    }
  }
  bool single = kind == "warning" || kind == "disqualification" || kind == "reportResponse";
  if (single && providers.size() > 1) {
    AddRule(findings, providers[1],
            "警告、取消资格和举报核查通知只针对一家服务商（第十五条、第十六条、第十八条）",
            "a warning, disqualification or report-response notice concerns exactly one provider");
  }
}

int CountFollows(const xmlNode* root, const char* form_type) {
  int count = 0;
  for (const xmlNode* ref : xml::Children(root, "follows")) {
    count += xml::Attribute(ref, "formType") == form_type ? 1 : 0;
  }
  return count;
}

void CheckAfterIssue(const xmlNode* root, const xmlNode* node, const char* chinese,
                     const char* english, std::vector<Finding>& findings) {
  std::string issue = Day(xml::Child(root, "issueDate"));
  std::string day = Day(node);
  if (!issue.empty() && !day.empty() && day <= issue) {
    AddRule(findings, node, chinese, english);
  }
}

void CheckKind(const xmlNode* root, const xmlNode* kind, std::vector<Finding>& findings) {
  std::string name = xml::LocalName(kind);
  std::string issue = Day(xml::Child(root, "issueDate"));
  if (name == "listing") {
    const xmlNode* period = xml::Child(kind, "objectionPeriod");
    const xmlNode* start = xml::Child(period, "start");
    const xmlNode* end = xml::Child(period, "end");
    std::string from = Day(start), to = Day(end);
    if (!from.empty() && !to.empty() && to <= from) {
      AddRule(findings, end, "公示期的截止日期须晚于开始日期（第九条 社会公示）",
              "the objection period must end after it starts (Art. 9 public notice)");
    }
    if (!from.empty() && !issue.empty() && from < issue) {
      AddRule(findings, start, "公示期不得早于成文日期开始（第九条 社会公示）",
              "the objection period cannot start before the notice is issued (Art. 9)");
    }
  } else if (name == "warning") {
    CheckAfterIssue(root, xml::Child(kind, "rectificationDeadline"),
                    "整改期限须晚于成文日期（第十五条 警告并限期整改）",
                    "the rectification deadline must be after the issue date (Art. 15)", findings);
  } else if (name == "disqualification") {
    const xmlNode* ground = xml::Child(kind, "ground");
    int number = IntAt(ground);
    int warnings = CountFollows(root, "notice");
    if (number == 1 && warnings < 2) {
      AddRule(findings, ground,
              "以第十六条第（一）项（受到警告2次及以上）取消资格，须引用至少两份警告通知"
              "（<follows formType=\"notice\">），现有 " +
                  std::to_string(warnings) + " 份",
              "Art. 16(1) (warned twice or more) needs at least two warning notices in <follows>");
    }
    if (number == 2 && warnings < 1) {
      AddRule(findings, ground,
              "以第十六条第（二）项（受到警告拒不进行整改）取消资格，须引用该警告通知"
              "（<follows formType=\"notice\">）",
              "Art. 16(2) (refusing to rectify after a warning) needs the warning in <follows>");
    }
    const xmlNode* fees = xml::Child(kind, "fees");
    const xmlNode* amount = xml::Child(kind, "deductedAmount");
    std::string decision = xml::Trim(xml::Text(fees));
    if (decision == "partly-deducted" && amount == nullptr) {
      AddRule(findings, fees, "扣除部分服务费用须写明扣除金额 <deductedAmount>（第十六条）",
              "a partial deduction of fees must state <deductedAmount> (Art. 16)");
    }
    if (decision != "partly-deducted" && !decision.empty() && amount != nullptr) {
      AddRule(findings, amount, "只有扣除部分服务费用时才写扣除金额（第十六条）",
              "<deductedAmount> belongs only to a partial deduction of fees (Art. 16)");
    }
  } else if (name == "acceptanceBatch") {
    const xmlNode* period = xml::Child(kind, "acceptancePeriod");
    const xmlNode* start = xml::Child(period, "start");
    const xmlNode* end = xml::Child(period, "end");
    std::string from = Day(start), to = Day(end);
    if (!from.empty() && !to.empty() && to < from) {
      AddRule(findings, end, "验收结束日期不得早于开始日期（第十二条（四））",
              "the acceptance period cannot end before it starts (Art. 12(4))");
    }
    const xmlNode* deadline = xml::Child(kind, "submissionDeadline");
    std::string due = Day(deadline);
    if (!due.empty() && !from.empty() && due > from) {
      AddRule(findings, deadline, "申报材料须在验收开始前报送（第十二条（四））",
              "the materials must be due by the start of acceptance (Art. 12(4))");
    }
    CheckAfterIssue(root, deadline, "材料报送截止日期须晚于成文日期（第十二条（四））",
                    "the submission deadline must be after the issue date (Art. 12(4))", findings);
  } else if (name == "reportResponse") {
    if (CountFollows(root, "report") == 0) {
      AddRule(findings, kind,
              "举报核查通知须引用所核查的举报（<follows formType=\"report\">，第十八条）",
              "a report-response notice must follow the report it asks about (Art. 18)");
    }
    CheckAfterIssue(root, xml::Child(kind, "responseDeadline"),
                    "回复期限须晚于成文日期（第十八条 按要求回复）",
                    "the response deadline must be after the issue date (Art. 18)", findings);
  }
}

void CheckNotice(const xmlNode* root, std::vector<Finding>& findings) {
  CheckDates(root, findings);
  const xmlNode* kind = KindElement(root);
  if (kind == nullptr) return;  // the schema reports the missing choice
  CheckProviders(root, xml::LocalName(kind), findings);
  CheckKind(root, kind, findings);
}

}  // namespace

// The archive files a notice under the first provider in <providers>: for a warning,
// disqualification or report-response notice the one provider it concerns (a rule keeps it to
// one); for a listing, rating or acceptance-batch notice about several providers, the first
// listed — the notice is also found through the other providers' codes in its XML, but one
// party per document is what the archive's index holds. The bureau's own code is not used: the
// bureau is not a party with a file of its own.
extern const DocumentType kNotice;
const DocumentType kNotice = {
    "notice",
    "通知公告",
    "notice",
    "provider",
    {"providers", "provider", "creditCode"},
    {"providers", "provider", "name"},
    CheckNotice,
    ComposeNotice,
};

}  // namespace sealflow::forms::documents
