// Copyright sealflow authors.
#include "form_rules.h"

#include <string>

#include "document_type.h"
#include "documents/document_util.h"
#include "forms/credit_code.h"
#include "xml_util.h"

namespace sealflow::forms {
namespace {

// 统一社会信用代码: the schema checks length and alphabet; the check character is ours. Every
// <creditCode> of every form is checked, wherever it stands.
void CheckCreditCode(const xmlNode* node, std::vector<Finding>& findings) {
  std::string code = xml::Trim(xml::Text(node));
  if (code.size() != 18) return;  // the schema's pattern reports it
  char expected = CreditCodeCheckCharacter(code);
  if (expected == '\0' || IsValidCreditCode(code)) return;
  documents::AddFinding(findings, node,
                        "统一社会信用代码校验位错误（GB 32100）：第 18 位应为 " +
                            std::string(1, expected) + "，实为 " + std::string(1, code[17]) +
                            " / credit code check character is wrong (GB 32100): expected " +
                            std::string(1, expected) + ", found " + std::string(1, code[17]));
}

void CheckCreditCodes(const xmlNode* node, std::vector<Finding>& findings) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type != XML_ELEMENT_NODE) continue;
    if (xml::IsElement(child, "creditCode")) {
      CheckCreditCode(child, findings);
    } else {
      CheckCreditCodes(child, findings);
    }
  }
}

// What the <follows> of each form may name: the workflow of Art. 12 read as document order.
struct FollowsRule {
  std::string_view form_type;
  std::string_view follows;  // the one form type its <follows> may name
  std::string_view zh, en;   // the rule, cited in the finding
};
constexpr FollowsRule kFollowsRules[] = {
    {"transformation-plan", "diagnostic-report", "改造方案依据诊断报告提出（第十二条（二））",
     "a plan follows the diagnostic report (Art. 12(2))"},
    {"change-filing", "transformation-plan", "变更备案针对其变更的改造方案（第十二条（三））",
     "a change filing amends a transformation plan (Art. 12(3))"},
    {"contract", "transformation-plan", "按照通过备案审核的改造方案签订合同（第十二条（三））",
     "the contract implements the approved transformation plan (Art. 12(3))"},
    {"progress-report", "contract", "进度报告针对改造合同（第五条）",
     "a progress report reports on a contract (Art. 5)"},
    {"acceptance-application", "contract", "验收申请针对改造合同（第十二条（四））",
     "an acceptance application is for a contract (Art. 12(4))"},
    {"acceptance-conclusion", "acceptance-application", "验收结论针对验收申请（第十二条（四））",
     "an acceptance conclusion answers an acceptance application (Art. 12(4))"},
};

void CheckFollows(std::string_view form_type, const xmlNode* root, std::vector<Finding>& findings) {
  const xmlNode* follows = xml::Child(root, "follows");
  std::string named = xml::Trim(xml::Attribute(follows, "formType"));
  if (follows == nullptr || named.empty()) return;  // the schema reports a missing one
  for (const FollowsRule& rule : kFollowsRules) {
    if (rule.form_type != form_type || rule.follows == named) continue;
    documents::AddFinding(findings, follows,
                          "<follows> 应指向 " + std::string(rule.follows) + "，实为 " + named +
                              "：" + std::string(rule.zh) + " / <follows> must name a " +
                              std::string(rule.follows) + ", not a " + named + ": " +
                              std::string(rule.en));
  }
}

}  // namespace

void CheckFormRules(std::string_view form_type, const xmlNode* root,
                    std::vector<Finding>& findings) {
  CheckCreditCodes(root, findings);
  CheckFollows(form_type, root, findings);
  const DocumentType* type = FindDocumentType(form_type);
  if (type != nullptr && type->check_rules != nullptr) type->check_rules(root, findings);
}

}  // namespace sealflow::forms
