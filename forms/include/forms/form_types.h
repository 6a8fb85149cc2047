// Copyright sealflow authors.
// The form types this release knows: one per document of the pilot.
#pragma once

#include <string>
#include <vector>

namespace sealflow::forms {

struct FormTypeInfo {
  std::string form_type;   // root element and schema stem, e.g. "contract"
  std::string title;       // Chinese title, e.g. "数字化改造合同"
  std::string english;     // English name
  std::string party_kind;  // whose file it is archived in: "provider" or "enterprise"
  std::vector<std::string> schema_versions;  // the schemaVersion values accepted
};

// In the order of the pilot's workflow. Never throws.
std::vector<FormTypeInfo> ListFormTypes();

}  // namespace sealflow::forms
