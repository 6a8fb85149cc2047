// Copyright sealflow authors.
// A checker for the XML Schema subset the form schemas are written in, compiled from the schema
// documents themselves, for trees from the plain parser (plain_xml.h).
//
// Why: libxml2 parses a diagnostic report to a tree in about 40 µs and validates it in about 30
// more, even with the fast schema copies (validator.cc); the target for a whole validation is
// 50 µs. The plain parser and this checker do both in a fraction of that for the documents they
// can judge.
//
// Like the parser it is one-sided. Conforms() returns true only when the document certainly
// satisfies the schema; any doubt — a construct or value it does not read, as much as a real
// error — returns false, and the validator then runs libxml2 on the schema as written, so every
// finding a user sees is still libxml2's. The subset:
//   - global element declarations, and named or anonymous complex and simple types, in schemas
//     without a target namespace, joined by xs:include;
//   - complex types with empty content, a single xs:sequence of local element declarations
//     (minOccurs, maxOccurs), or xs:simpleContent extending a simple type; with attributes
//     (use="required" or optional, default values allowed);
//   - simple types restricting xs:string, xs:decimal, xs:integer, xs:nonNegativeInteger,
//     xs:positiveInteger, xs:date, xs:gYear or xs:boolean (or each other) by enumeration (on
//     strings), pattern, length, minLength, maxLength, min/maxInclusive, min/maxExclusive,
//     totalDigits and fractionDigits;
//   - no identity constraints (the validator checks the ones it knows in code: ConstraintsHold).
// A schema with anything else (xs:choice, xs:complexContent, a fixed value, ...) compiles to no
// model, and its documents always take libxml2's path.
#pragma once

#include <libxml/tree.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace sealflow::forms::plain {

class FormModel;

struct FormModelDeleter {
  void operator()(FormModel* model) const;
};
using FormModelPtr = std::unique_ptr<FormModel, FormModelDeleter>;

// Compiles schema (the parsed schema document found at path; its xs:include locations resolve
// against path's folder) for documents whose root is the global element root_name. Null, with
// the reason in *why, when the schema uses anything outside the subset.
FormModelPtr CompileFormModel(const xmlDoc* schema, const std::filesystem::path& path,
                              std::string_view root_name, std::string* why);

// True when the tree rooted at root certainly satisfies the schema model was compiled from.
bool Conforms(const FormModel& model, const xmlNode* root);

}  // namespace sealflow::forms::plain
