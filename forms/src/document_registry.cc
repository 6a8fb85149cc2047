// Copyright sealflow authors.
#include "document_type.h"
#include "forms/form_types.h"

namespace sealflow::forms {

namespace documents {
extern const DocumentType kApplication;
// Diagnosis and plan (诊断、方案、变更备案):
extern const DocumentType kDiagnosticReport;
extern const DocumentType kTransformationPlan;
extern const DocumentType kChangeFiling;
// Contract, implementation and acceptance (合同、进度、验收):
extern const DocumentType kContract;
extern const DocumentType kProgressReport;
extern const DocumentType kAcceptanceApplication;
extern const DocumentType kAcceptanceConclusion;
// Notices and provider matters (通知公告、满意度、申诉、举报):
extern const DocumentType kNotice;
extern const DocumentType kSatisfaction;
extern const DocumentType kAppeal;
extern const DocumentType kReport;
// Decisions and records no other form carries (意见书、决定书、登记表):
extern const DocumentType kDecision;
}  // namespace documents

const std::vector<const DocumentType*>& DocumentTypes() {
  static const std::vector<const DocumentType*> types = {
      &documents::kApplication,
      // Diagnosis and plan:
      &documents::kDiagnosticReport,
      &documents::kTransformationPlan,
      &documents::kChangeFiling,
      // Contract, implementation and acceptance:
      &documents::kContract,
      &documents::kProgressReport,
      &documents::kAcceptanceApplication,
      &documents::kAcceptanceConclusion,
      // Notices and provider matters:
      &documents::kNotice,
      &documents::kSatisfaction,
      &documents::kAppeal,
      &documents::kReport,
      // Decisions and records:
      &documents::kDecision,
  };
  return types;
}

namespace {
// Must list the enumeration of SchemaVersionType in xml-schemas/common.xsd (a test checks it).
const std::vector<std::string> kSchemaVersions = {"1.0"};
}  // namespace

std::vector<FormTypeInfo> ListFormTypes() {
  std::vector<FormTypeInfo> out;
  for (const DocumentType* type : DocumentTypes()) {
    out.push_back({type->form_type, type->title, type->english, type->party_kind, kSchemaVersions});
  }
  return out;
}

const DocumentType* FindDocumentType(std::string_view form_type) {
  for (const DocumentType* type : DocumentTypes()) {
    if (form_type == type->form_type) return type;
  }
  return nullptr;
}

}  // namespace sealflow::forms
