// Copyright sealflow authors.
// Fuzz target: uploaded PDFs from untrusted hands.
// Contract: Verifier::Verify never throws (any bytes give a report); InspectPdf throws only
// forms::FormsError.
#include <cstdint>
#include <memory>
#include <string_view>

#include "forms/error.h"
#include "forms/inspect.h"
#include "signing/verifier.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::unique_ptr<sealflow::signing::Verifier> verifier =
      sealflow::signing::Verifier::Create();
  std::string_view pdf(reinterpret_cast<const char*>(data), size);
  sealflow::signing::VerificationReport report = verifier->Verify(pdf);
  (void)report.ToJson();
  try {
    (void)sealflow::forms::InspectPdf(pdf);
  } catch (const sealflow::forms::FormsError&) {
  }
  return 0;
}
