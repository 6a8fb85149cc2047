// Copyright sealflow authors.
#include "document_type.h"

namespace sealflow::forms {

namespace documents {
extern const DocumentType kApplication;
// Diagnosis and plan (诊断、方案、变更备案):
// Contract, implementation and acceptance (合同、进度、验收):
// Notices and provider matters (通知公告、满意度、申诉、举报):
}  // namespace documents

const std::vector<const DocumentType*>& DocumentTypes() {
  static const std::vector<const DocumentType*> types = {
      &documents::kApplication,
      // Diagnosis and plan:
      // Contract, implementation and acceptance:
      // Notices and provider matters:
  };
  return types;
}

const DocumentType* FindDocumentType(std::string_view form_type) {
  for (const DocumentType* type : DocumentTypes()) {
    if (form_type == type->form_type) return type;
  }
  return nullptr;
}

}  // namespace sealflow::forms
