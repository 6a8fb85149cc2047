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
  documents::AddFinding(
      findings, node,
      "统一社会信用代码校验位错误（GB 32100）：第 18 位应为 " + std::string(1, expected) +
          "，实为 " + std::string(1, code[17]) +
          " / credit code check character is wrong (GB 32100): expected " +
          std::string(1, expected) + ", found " + std::string(1, code[17]));
}

void CheckCreditCodes(const xmlNode* node, std::vector<Finding>& findings) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type != XML_ELEMENT_NODE) continue;
    if (xml::LocalName(child) == "creditCode") {
      CheckCreditCode(child, findings);
    } else {
      CheckCreditCodes(child, findings);
    }
  }
}

}  // namespace

void CheckFormRules(std::string_view form_type, const xmlNode* root,
                    std::vector<Finding>& findings) {
  CheckCreditCodes(root, findings);
  const DocumentType* type = FindDocumentType(form_type);
  if (type != nullptr && type->check_rules != nullptr) type->check_rules(root, findings);
}

}  // namespace sealflow::forms
