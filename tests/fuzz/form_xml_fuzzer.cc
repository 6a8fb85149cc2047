// Copyright sealflow authors.
// Fuzz target: form XML from untrusted hands.
// Contract: Validator::Validate never throws and never reads outside its input (no network, no
// external entities); its plain path (forms/src/plain_schema.h) never changes a report, so a
// validator without it gives the same one; InspectXml throws only forms::FormsError.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "forms/error.h"
#include "forms/inspect.h"
#include "forms/validator.h"

namespace {

std::string Describe(const sealflow::forms::ValidationReport& report) {
  return report.form_type + "|" + report.schema_version + "\n" +
         sealflow::forms::FormatFindings(report);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::unique_ptr<sealflow::forms::Validator> validator =
      sealflow::forms::Validator::Create();
  static const std::unique_ptr<sealflow::forms::Validator> libxml_only = [] {
    sealflow::forms::ValidatorOptions options;
    options.plain_fast_path = false;
    return sealflow::forms::Validator::Create(options);
  }();
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  sealflow::forms::ValidationReport report = validator->Validate(xml);
  std::string expected = Describe(libxml_only->Validate(xml));
  if (Describe(report) != expected) {
    std::fprintf(stderr, "the plain path changed a report\ninput:\n%.*s\nexpected:\n%sactual:\n%s",
                 static_cast<int>(size), reinterpret_cast<const char*>(data), expected.c_str(),
                 Describe(report).c_str());
    std::abort();
  }
  try {
    (void)sealflow::forms::InspectXml(xml);
  } catch (const sealflow::forms::FormsError&) {
  }
  return 0;
}
