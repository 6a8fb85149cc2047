// Copyright sealflow authors.
// The registry of form types. Each document of the pilot is one DocumentType, defined in
// src/documents/<type>.cc: its schema is xml-schemas/<form_type>.xsd, its code-level rules and
// its composition (what the rendered PDF says) live beside it. Validator, Renderer and
// InspectXml all look a form up here, so adding a form is adding one file and one list entry.
#pragma once

#include <libxml/tree.h>

#include <string>
#include <string_view>
#include <vector>

#include "composer.h"
#include "forms/validator.h"

namespace sealflow::forms {

struct DocumentType {
  const char* form_type;  // root element and schema stem, e.g. "application"
  const char* title;      // Chinese title, e.g. "数字化服务商申报书"
  const char* english;    // English name, e.g. "provider application"
  // Whose file the document belongs to ("provider" or "enterprise"), and where that party's
  // credit code and name are, as paths of child element names from the root.
  const char* party_kind;
  std::vector<std::string_view> party_code_path;
  std::vector<std::string_view> party_name_path;
  // Rules the schema cannot express; findings appended. May be null. Must tolerate documents that
  // failed their schema (missing elements are skipped: the schema reported them).
  void (*check_rules)(const xmlNode* root, std::vector<Finding>& findings);
  // Composes the document onto pages. Only called for documents that validated.
  void (*compose)(const xmlNode* root, compose::Composer& page);
};

// The registered types, in the order of the pilot's workflow.
const std::vector<const DocumentType*>& DocumentTypes();
// Null when form_type is not registered.
const DocumentType* FindDocumentType(std::string_view form_type);

}  // namespace sealflow::forms
