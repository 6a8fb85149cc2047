// Copyright sealflow authors.
// The rules of each form that its XML schema cannot express, checked in code after the schema.
#pragma once

#include <libxml/tree.h>

#include <string_view>
#include <vector>

#include "forms/validator.h"

namespace sealflow::forms {

// Appends a finding for every code-level rule of form_type that root breaks. Robust against
// documents that failed their schema: missing or malformed elements are skipped (the schema has
// already reported them), so each problem is reported once.
void CheckFormRules(std::string_view form_type, const xmlNode* root,
                    std::vector<Finding>& findings);

}  // namespace sealflow::forms
