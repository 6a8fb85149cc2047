// Copyright sealflow authors.
// Fuzz target: form XML from untrusted hands.
// Contract: Validator::Validate never throws and never reads outside its input (no network, no
// external entities); InspectXml throws only forms::FormsError.
#include <cstdint>
#include <memory>
#include <string_view>

#include "forms/error.h"
#include "forms/inspect.h"
#include "forms/validator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::unique_ptr<sealflow::forms::Validator> validator =
      sealflow::forms::Validator::Create();
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  sealflow::forms::ValidationReport report = validator->Validate(xml);
  (void)report;
  try {
    (void)sealflow::forms::InspectXml(xml);
  } catch (const sealflow::forms::FormsError&) {
  }
  return 0;
}
