// Copyright sealflow authors.
// 意见书 / 决定书 / 登记表 — one signed decision or record per step of the pilot that no other
// form carries (Art. 9, 12, 15, 17, 18): a county's recommendation, the experts' reviews, the
// bureau's decisions, a provider's rectification or report response, an enterprise's payment
// record. The issuer seals it in the signature block named after its role.
#include <string>
#include <string_view>
#include <vector>

#include "../document_type.h"
#include "../xml_util.h"
#include "document_util.h"

namespace sealflow::forms::documents {
namespace {

using compose::Composer;
using compose::kSans;
using compose::kSong;

struct Kind {
  const char* element;
  const char* subject;  // "provider" or "enterprise"
  // The issuer roles that may make it (space-separated).
  const char* roles;
  const char* chinese;  // what the document is
  const char* article;  // the article it rests on
};

constexpr Kind kKinds[] = {
    {"countyRecommendation", "provider", "county", "县（市、区）审查推荐意见", "第九条"},
    {"expertReview", "provider", "expert", "服务商申报专家评审意见", "第九条"},
    {"meetingDecision", "provider", "bureau", "专题会议研究决定", "第九条"},
    {"objectionDecision", "provider", "bureau", "公示异议处理决定", "第九条"},
    {"detailsChange", "provider", "provider bureau", "服务商重大事项变更", "第十五条（一）"},
    {"materialsSubmission", "provider", "bureau", "资料报送登记", "第十五条（三）"},
    {"rectification", "provider", "provider", "警告整改报告", "第十五条"},
    {"appealDecision", "provider", "bureau", "申诉处理决定", "第十七条"},
    {"reportResponse", "provider", "provider", "举报事项回复", "第十八条"},
    {"reportFinding", "provider", "bureau", "举报核查结论", "第十八条"},
    {"enrolment", "enterprise", "bureau", "试点企业入选登记", "第十二条"},
    {"planExpertReview", "enterprise", "expert", "改造方案专家评审意见", "第十二条（二）"},
    {"planDecision", "enterprise", "bureau", "改造方案备案审核意见", "第十二条（二）"},
    {"payment", "enterprise", "enterprise", "付款记录", "第十一条"},
    {"changeDecision", "enterprise", "bureau", "变更备案审核意见", "第十二条（三）"},
    {"projectRectification", "enterprise", "enterprise", "验收整改报告", "第十二条（四）"},
    {"closure", "enterprise", "bureau", "项目结项决定", "第十二条"},
};

// The trimmed texts of parent's children named `name`.
std::vector<std::string> Texts(const xmlNode* parent, std::string_view name) {
  std::vector<std::string> out;
  for (const xmlNode* node : xml::Children(parent, name)) out.push_back(xml::Trim(xml::Text(node)));
  return out;
}

const Kind* FindKind(const xmlNode* root, const xmlNode** element) {
  for (const Kind& kind : kKinds) {
    if (const xmlNode* node = xml::Child(root, kind.element)) {
      *element = node;
      return &kind;
    }
  }
  *element = nullptr;
  return nullptr;
}

bool RoleAllowed(const Kind& kind, const std::string& role) {
  std::string_view roles = kind.roles;
  while (!roles.empty()) {
    std::size_t space = roles.find(' ');
    if (roles.substr(0, space) == role) return true;
    if (space == std::string_view::npos) break;
    roles.remove_prefix(space + 1);
  }
  return false;
}

const char* RoleName(const std::string& role) {
  if (role == "bureau") return "市工业和信息化局";
  if (role == "county") return "县（市、区）工信部门";
  if (role == "expert") return "专家组";
  if (role == "provider") return "数字化服务商";
  if (role == "enterprise") return "试点企业";
  if (role == "acceptance-agency") return "验收机构";
  return "";
}

// The signature block's field name for an issuer role (as the other forms name them).
std::string FieldName(const std::string& role) {
  return role == "acceptance-agency" ? "agency" : role;
}

std::string YesNo(const xmlNode* node, const char* yes, const char* no) {
  std::string text = xml::Trim(xml::Text(node));
  return text == "true" || text == "1" ? yes : no;
}

const char* DetailName(const std::string& detail) {
  if (detail == "name") return "名称";
  if (detail == "address") return "住所";
  if (detail == "legal-representative") return "法定代表人";
  if (detail == "business-scope") return "经营范围";
  if (detail == "registered-capital") return "注册资本";
  return "";
}

// The rows of the kind's own facts.
std::vector<std::vector<std::string>> KindRows(const std::string& name, const xmlNode* kind) {
  auto text = [&](std::initializer_list<std::string_view> path) { return TextAt(kind, path); };
  if (name == "countyRecommendation")
    return {{"审查意见", YesNo(xml::Child(kind, "recommended"), "同意推荐", "不予推荐")}};
  if (name == "expertReview") {
    std::vector<std::vector<std::string>> rows;
    if (xml::Child(kind, "score") != nullptr) rows.push_back({"评审得分", text({"score"})});
    rows.push_back({"评审结论", YesNo(xml::Child(kind, "passed"), "通过", "未通过")});
    return rows;
  }
  if (name == "meetingDecision") {
    std::vector<std::string> industries = Texts(kind, "subIndustry");
    return {{"会议", text({"meeting"})},
            {"研究结论", YesNo(xml::Child(kind, "approved"), "同意纳入", "不同意纳入")},
            {"服务细分行业", industries.empty() ? "按申报的全部细分行业" : Join(industries, "、")}};
  }
  if (name == "objectionDecision")
    return {{"异议内容", text({"objection"})},
            {"处理结论", YesNo(xml::Child(kind, "upheld"), "异议成立", "异议不成立")}};
  if (name == "detailsChange")
    return {{"变更事项", DetailName(text({"detail"}))},
            {"变更后", text({"newValue"})},
            {"变更生效日期", ChineseDate(text({"changedOn"}))}};
  if (name == "materialsSubmission")
    return {{"报送材料", text({"requested"})},
            {"报送期限", ChineseDate(text({"dueOn"}))},
            {"完整规范", YesNo(xml::Child(kind, "complete"), "是", "否")}};
  if (name == "rectification" || name == "projectRectification") {
    std::vector<std::vector<std::string>> rows = {
        {name == "rectification" ? "整改所针对的警告" : "所针对的验收结论",
         text({name == "rectification" ? "warning" : "conclusion"})}};
    int item = 0;
    for (const std::string& measure : Texts(kind, "measure")) {
      rows.push_back({"整改措施" + std::to_string(++item), measure});
    }
    return rows;
  }
  if (name == "appealDecision")
    return {
        {"申诉", text({"appeal"})},
        {"决定", YesNo(xml::Child(kind, "upheld"), "申诉成立，撤销警告", "申诉不成立，维持警告")}};
  if (name == "reportResponse") return {{"所回复的举报", text({"report"})}};
  if (name == "reportFinding")
    return {{"举报", text({"report"})},
            {"核查结论",
             YesNo(xml::Child(kind, "fraudConfirmed"), "查实存在弄虚作假", "未发现弄虚作假")}};
  if (name == "enrolment") return {{"批次", text({"batch"})}};
  if (name == "planExpertReview" || name == "planDecision") {
    return {{"改造方案", text({"plan"})},
            {"方案 SHA-256", text({"planHash"})},
            {"结论", name == "planExpertReview"
                         ? YesNo(xml::Child(kind, "passed"), "评审通过", "评审未通过")
                         : YesNo(xml::Child(kind, "approved"), "同意备案", "退回修改")}};
  }
  if (name == "payment")
    return {{"收款服务商", text({"provider", "name"})},
            {"服务商信用代码", text({"provider", "creditCode"})},
            {"付款日期", ChineseDate(text({"paidOn"}))},
            {"金额", Yuan(text({"amount"}))},
            {"付款凭证", text({"voucher"})}};
  if (name == "changeDecision")
    return {{"变更备案", text({"change"})},
            {"结论", YesNo(xml::Child(kind, "approved"), "同意变更", "不同意变更")}};
  if (name == "closure")
    return {{"样板企业", YesNo(xml::Child(kind, "modelEnterprise"), "列为样板企业", "否")}};
  return {};
}

void ComposeDecision(const xmlNode* root, Composer& page) {
  const xmlNode* kind_node = nullptr;
  const Kind* kind = FindKind(root, &kind_node);
  const std::string role = xml::Attribute(xml::Child(root, "issuer"), "role");
  page.Title("新乡市中小企业数字化转型城市试点", 16);
  // A title may run to 100 characters: wrapped and centred, never wider than the page.
  page.AlignedText(TextAt(root, {"title"}), kSans, 18, compose::Align::kCenter, {}, 1, 1.4);
  std::string number = TextAt(root, {"documentNumber"});
  page.CenteredLine((number.empty() ? "" : number + "　　") + "编号：" +
                        xml::Attribute(root, "id") + "　　" + ChineseDate(TextAt(root, {"date"})),
                    kSong, 10.5);
  page.Space(2);

  const std::vector<compose::Column> key_value = {{0.26, kSans, false}, {0.74, kSong, false}};
  page.Heading("一、出具单位与事项");
  const xmlNode* subject = xml::Child(root, "subject");
  const bool enterprise = xml::Attribute(subject, "kind") == "enterprise";
  std::vector<std::vector<std::string>> rows = {
      {"出具单位", TextAt(root, {"issuer", "name"}) + "（" + RoleName(role) + "）"},
      {"统一社会信用代码", TextAt(root, {"issuer", "creditCode"})},
      {"事项",
       kind != nullptr ? std::string(kind->chinese) + "（依据《办法》" + kind->article + "）" : ""},
      {enterprise ? "试点企业" : "数字化服务商", TextAt(subject, {"name"})},
      {enterprise ? "企业信用代码" : "服务商信用代码", TextAt(subject, {"creditCode"})}};
  if (xml::Child(subject, "subIndustry") != nullptr || xml::Child(subject, "scale") != nullptr) {
    rows.push_back(
        {"细分行业 / 规模", TextAt(subject, {"subIndustry"}) + " / " + TextAt(subject, {"scale"})});
  }
  for (const xmlNode* follows : xml::Children(root, "follows")) {
    rows.push_back({"依据文件", xml::Attribute(follows, "formType") + " " +
                                    xml::Attribute(follows, "documentId") + "（SHA-256 " +
                                    xml::Attribute(follows, "sha256").substr(0, 16) + "…）"});
  }
  page.Table(key_value, {}, rows);

  page.Heading("二、结论");
  if (kind != nullptr) page.Table(key_value, {}, KindRows(kind->element, kind_node));

  page.Heading("三、意见", 160);
  page.Paragraph(TextAt(root, {"opinion"}));
  page.Space(8);
  const std::string label = std::string(RoleName(role)) + "（盖章）";
  page.SignatureBlocks({{FieldName(role), label, 0, 0, 0, 0, 0}},
                       {{"负责人（签字）：", "日期：　　　　年　　月　　日"}}, 110);
}

// ---- rules ----

void CheckDecision(const xmlNode* root, std::vector<Finding>& findings) {
  const xmlNode* kind_node = nullptr;
  const Kind* kind = FindKind(root, &kind_node);
  if (kind == nullptr) return;  // the schema reports the missing choice
  const xmlNode* subject = xml::Child(root, "subject");
  const std::string subject_kind = xml::Attribute(subject, "kind");
  if (subject != nullptr && !subject_kind.empty() && subject_kind != kind->subject) {
    AddFinding(findings, kind_node,
               std::string(kind->chinese) + "的对象须为" +
                   (std::string(kind->subject) == "provider" ? "数字化服务商" : "试点企业") +
                   "（<subject kind=\"" + kind->subject + "\">） / <" + kind->element +
                   "> concerns a " + kind->subject + ", not a " + subject_kind);
  }
  const xmlNode* issuer = xml::Child(root, "issuer");
  const std::string role = xml::Attribute(issuer, "role");
  if (issuer != nullptr && !role.empty() && !RoleAllowed(*kind, role)) {
    AddFinding(findings, issuer,
               std::string(kind->chinese) + "不能由" + RoleName(role) + "出具（依据《办法》" +
                   kind->article + "） / a " + role + " cannot issue <" + kind->element +
                   "> (allowed: " + kind->roles + ")");
  }
  const std::string name = kind->element;
  if (name == "enrolment" && subject != nullptr &&
      (xml::Child(subject, "subIndustry") == nullptr || xml::Child(subject, "scale") == nullptr)) {
    AddFinding(findings, subject,
               "试点企业入选须写明细分行业和规模（<subIndustry>、<scale>；第三条 分类管理） / an "
               "enrolment states the enterprise's <subIndustry> and <scale>");
  }
  const std::string date = IsoDay(TextAt(root, {"date"}));
  auto not_after_date = [&](const char* element, const char* chinese, const char* english) {
    const xmlNode* node = xml::Child(kind_node, element);
    std::string day = IsoDay(xml::Trim(xml::Text(node)));
    if (!day.empty() && !date.empty() && day > date) {
      AddFinding(findings, node,
                 std::string(chinese) + "不得晚于本文件日期 / " + english +
                     " cannot be after the document's date");
    }
  };
  if (name == "payment") not_after_date("paidOn", "付款日期", "the payment date");
  if (name == "detailsChange") not_after_date("changedOn", "变更生效日期", "the change's date");
}

}  // namespace

// The archive files a decision under its <subject> — as a provider document here, since a form
// type has one party kind in this registry; the workflow (workflow/facts.h, FormFacts) files a
// decision about an enterprise under the enterprise.
extern const DocumentType kDecision;
const DocumentType kDecision = {
    "decision",          "意见书 / 决定书", "decision",      "provider", {"subject", "creditCode"},
    {"subject", "name"}, CheckDecision,     ComposeDecision,
};

}  // namespace sealflow::forms::documents
