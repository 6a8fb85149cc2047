// Copyright sealflow authors.
// What the Renderer needs of the Validator beyond its public face: the validated document itself,
// so a render parses its input once, not twice. Private to the forms component.
#pragma once

#include <libxml/tree.h>

#include <functional>
#include <string_view>

#include "forms/validator.h"

namespace sealflow::forms {

using ValidDocumentUse = std::function<void(const xmlNode* root)>;

// validator.Validate(xml); when the report is ok, also calls use(root) with the root element of
// the document that was validated, which lives until use returns (keep no pointer into it).
// Exceptions from use propagate.
ValidationReport ValidateThen(const Validator& validator, std::string_view xml,
                              const ValidDocumentUse& use);

}  // namespace sealflow::forms
