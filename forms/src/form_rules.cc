// Copyright sealflow authors.
#include "form_rules.h"

#include <set>
#include <string>

#include "forms/credit_code.h"
#include "xml_util.h"

namespace sealflow::forms {
namespace {

void Add(std::vector<Finding>& findings, const xmlNode* node, std::string message) {
  Finding finding;
  finding.line = xml::Line(node);
  finding.element = xml::LocalName(node);
  finding.message = std::move(message);
  findings.push_back(std::move(finding));
}

// 统一社会信用代码: the schema checks length and alphabet; the check character is ours.
void CheckCreditCode(const xmlNode* node, std::vector<Finding>& findings) {
  if (node == nullptr) return;
  std::string code = xml::Trim(xml::Text(node));
  if (code.size() != 18) return;  // the schema's pattern reports it
  char expected = CreditCodeCheckCharacter(code);
  if (expected == '\0' || IsValidCreditCode(code)) return;
  Add(findings, node,
      "统一社会信用代码校验位错误（GB 32100）：第 18 位应为 " + std::string(1, expected) +
          "，实为 " + std::string(1, code[17]) +
          " / credit code check character is wrong (GB 32100): expected " +
          std::string(1, expected) + ", found " + std::string(1, code[17]));
}

// 第十条: "在该细分行业至少有一个数字化改造案例" — one case per sub-industry applied for.
void CheckCasePerSubIndustry(const xmlNode* root, std::vector<Finding>& findings) {
  std::set<std::string> with_case;
  for (const xmlNode* item : xml::Children(xml::Child(root, "cases"), "case")) {
    with_case.insert(xml::Trim(xml::Attribute(item, "subIndustry")));
  }
  for (const xmlNode* item : xml::Children(xml::Child(root, "subIndustries"), "subIndustry")) {
    std::string sub_industry = xml::Trim(xml::Text(item));
    if (sub_industry.empty() || with_case.count(sub_industry) != 0) continue;
    Add(findings, item,
        "申报的细分行业“" + sub_industry +
            "”没有数字化改造案例（第十条：在该细分行业至少有一个数字化改造案例） / no "
            "transformation case for the sub-industry applied for (Art. 10 requires at least "
            "one case in each)");
  }
}

// 第十条 basic requirements: each declaration must be true.
void CheckDeclarations(const xmlNode* root, std::vector<Finding>& findings) {
  struct Declaration {
    const char* element;
    const char* chinese;
    const char* english;
  };
  static constexpr Declaration kDeclarations[] = {
      {"notOnAbnormalOperationList", "未被列入经营异常名录", "not on the abnormal-operation list"},
      {"notOnSeriousDishonestyList", "未被列入严重失信主体名单",
       "not on the serious-dishonesty list"},
      {"noMajorSafetyAccident", "未发生重大安全事故", "no major safety accident"},
      {"noTaxViolation", "无偷税漏税等税收违法行为", "no tax evasion or other tax violation"},
  };
  const xmlNode* declarations = xml::Child(root, "declarations");
  for (const Declaration& declaration : kDeclarations) {
    const xmlNode* node = xml::Child(declarations, declaration.element);
    if (node == nullptr) continue;  // the schema reports a missing declaration
    std::string value = xml::Trim(xml::Text(node));
    if (value != "false" && value != "0") continue;  // true, or not a boolean (schema reports)
    Add(findings, node,
        std::string("不符合第十条基本条件：须声明“") + declaration.chinese +
            "” / Art. 10 basic requirement not met: the declaration \"" + declaration.english +
            "\" must be true");
  }
}

void CheckApplication(const xmlNode* root, std::vector<Finding>& findings) {
  CheckCreditCode(xml::Path(root, {"provider", "creditCode"}), findings);
  CheckCasePerSubIndustry(root, findings);
  CheckDeclarations(root, findings);
}

}  // namespace

void CheckFormRules(std::string_view form_type, const xmlNode* root,
                    std::vector<Finding>& findings) {
  if (form_type == "application") CheckApplication(root, findings);
}

}  // namespace sealflow::forms
