// Copyright sealflow authors.
#include "document_type.h"

namespace sealflow::forms {

namespace documents {
extern const DocumentType kApplication;
}  // namespace documents

const std::vector<const DocumentType*>& DocumentTypes() {
  static const std::vector<const DocumentType*> types = {
      &documents::kApplication,
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
