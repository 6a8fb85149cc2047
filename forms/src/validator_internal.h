// Copyright sealflow authors.
// What the Renderer needs of the Validator beyond its public face: the validated document itself,
// so a render parses its input once, not twice. Private to the forms component.
#pragma once

#include <libxml/tree.h>

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "forms/validator.h"

namespace sealflow::forms {

using ValidDocumentUse = std::function<void(const xmlNode* root)>;

// validator.Validate(xml); when the report is ok, also calls use(root) with the root element of
// the document that was validated, which lives until use returns (keep no pointer into it).
// Exceptions from use propagate.
ValidationReport ValidateThen(const Validator& validator, std::string_view xml,
                              const ValidDocumentUse& use);

// For each form type of validator, why its schema has no plain model (plain_schema.h): "" when it
// has one, "off" when ValidatorOptions::plain_fast_path is false, else the construct refused.
std::map<std::string, std::string> PlainModelRefusals(const Validator& validator);

}  // namespace sealflow::forms
