// Copyright sealflow authors.
// Reading a rendered (and possibly signed) PDF back: the embedded source XML and the few facts
// the archive files a document under.
#pragma once

#include <string>
#include <string_view>

namespace sealflow::forms {

struct FormInfo {
  std::string form_type;       // root element, e.g. "application"
  std::string schema_version;  // root's schemaVersion
  std::string document_id;     // root's id attribute
  std::string party_kind;      // "provider" or "enterprise": whose file the document belongs to
  std::string party_code;      // that party's unified social credit code
  std::string party_name;      // that party's name
  std::string source_xml;      // the embedded XML, byte-identical to what was rendered
};

// Extracts the embedded source XML (the associated file named "<type>.xml") and reads the facts
// above from it. Throws FormsError(kNoSource) if the PDF has no embedded form XML, and
// FormsError(kRender) if the PDF cannot be parsed.
FormInfo InspectPdf(std::string_view pdf);

// Reads the facts above from form XML (no PDF). Throws FormsError(kUnknownFormType) if the root
// is not a form we know.
FormInfo InspectXml(std::string_view xml);

}  // namespace sealflow::forms
