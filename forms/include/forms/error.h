// Copyright sealflow authors.
// The forms component's one exception type. Expected negative answers (a form that fails its
// schema) are returned as a ValidationReport, never thrown; FormsError is for failures: a schema
// that cannot be loaded, a font that is missing, a PDF that carries no source XML.
#pragma once

#include <stdexcept>
#include <string>

namespace sealflow::forms {

enum class FormsErrorCode {
  kSchemaLoad,       // an .xsd file could not be read or compiled
  kUnknownFormType,  // the root element names no form we know
  kFont,             // a font could not be loaded or subset
  kRender,           // PoDoFo failed while producing the PDF
  kInvalidForm,      // Render() was given a form that does not validate
  kTooLarge,         // input over the configured size limit
  kNoSource,         // a PDF without an embedded source XML
  kIo,               // reading or writing a file failed
};

class FormsError : public std::runtime_error {
 public:
  FormsError(FormsErrorCode code, const std::string& what)
      : std::runtime_error(what), code_(code) {}
  FormsErrorCode code() const noexcept { return code_; }

 private:
  FormsErrorCode code_;
};

}  // namespace sealflow::forms
