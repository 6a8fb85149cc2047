// Copyright sealflow authors.
// Forms benchmarks beside the per-type BM_ValidateType/BM_RenderType of sealflow_bench.cc: the
// validator's slower paths, so its figures are not read as the cost of every input. A valid form
// of a type whose schema is in the plain subset (forms/src/plain_schema.h) is decided by the plain
// parser and checker; every other input goes to libxml2 (the fast schema copies first where they
// apply, then the schema as written for the findings).
//
//   BM_ValidateLibxmlPath/<type> the example with the plain path turned off
//                              (ValidatorOptions::plain_fast_path = false): what libxml2 with the
//                              fast schema copies costs on it, the path before the plain one.
//   BM_ValidateInvalid/<file>  an invalid example (xml-schemas/examples/invalid): the plain path
//                              gives up, then libxml2 with a fast schema copy, then as written to
//                              report its findings.
//   BM_ValidateMultiline/<type> the example with a line break put into its longest text
//                              value: valid, but for libxml2 it goes straight to the schema as
//                              written (on the plain path it is still plain).
//   BM_ValidateLongValue/<type> the example with its longest text value made longer than 100
//                              characters: on the libxml2 path too long for the fast short schema
//                              copy (no long maxLength facets), so it takes the fast copy.
//   BM_ValidateMalformed       a form that is not well-formed: the plain parser refuses it, the
//                              parse with stand-ins for its Chinese text fails, and the input is
//                              parsed again as given to report libxml2's findings on the original.
//   BM_ValidateParallel        the application example from several threads at once (the
//                              service shares one Validator; workspaces come from a pool).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "forms/validator.h"
#include "support/test_support.h"

namespace {

using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;

// xml-schemas/examples/<type>.xml.
std::string Example(const std::string& type) {
  return ReadFile(SourcePath("xml-schemas/examples/" + type + ".xml"));
}

const sealflow::forms::Validator& SharedValidator() {
  static const std::unique_ptr<sealflow::forms::Validator> validator =
      sealflow::forms::Validator::Create();
  return *validator;
}

const sealflow::forms::Validator& LibxmlOnlyValidator() {
  static const std::unique_ptr<sealflow::forms::Validator> validator = [] {
    sealflow::forms::ValidatorOptions options;
    options.plain_fast_path = false;
    return sealflow::forms::Validator::Create(options);
  }();
  return *validator;
}

void ValidateLoop(benchmark::State& state, const std::string& xml, bool expect_ok,
                  const sealflow::forms::Validator& validator = SharedValidator()) {
  for (auto _ : state) {
    auto report = validator.Validate(xml);
    if (report.ok() != expect_ok) state.SkipWithError("unexpected verdict");
    benchmark::DoNotOptimize(report);
  }
}

// Registers `name`: validating `xml`, a valid variant of an example, or an error saying
// `missing` when the example had nothing to make the variant from ("").
void RegisterVariant(const std::string& name, std::shared_ptr<std::string> xml,
                     const char* missing) {
  benchmark::RegisterBenchmark(name.c_str(), [xml, missing](benchmark::State& state) {
    if (xml->empty()) {
      state.SkipWithError(missing);
      return;
    }
    ValidateLoop(state, *xml, true);
  })->Unit(benchmark::kMicrosecond);
}

// The example of type with a line break in its longest text value, or "" if it has none.
std::string WithLineBreak(const std::string& type) {
  return sealflow::testing::WithLineBreakInLongestText(Example(type));
}

void RegisterFormsBenchmarks() {
  for (const char* type : {"application", "diagnostic-report", "transformation-plan"}) {
    auto xml = std::make_shared<std::string>(Example(type));
    benchmark::RegisterBenchmark(
        (std::string("BM_ValidateLibxmlPath/") + type).c_str(),
        [xml](benchmark::State& state) { ValidateLoop(state, *xml, true, LibxmlOnlyValidator()); })
        ->Unit(benchmark::kMicrosecond);
  }
  for (const char* file : {"application-multiple-errors.xml", "contract-subcontracting.xml",
                           "progress-report-period-reversed.xml"}) {
    auto xml = std::make_shared<std::string>(
        ReadFile(SourcePath(std::string("xml-schemas/examples/invalid/") + file)));
    benchmark::RegisterBenchmark(
        (std::string("BM_ValidateInvalid/") + file).c_str(),
        [xml](benchmark::State& state) { ValidateLoop(state, *xml, false); })
        ->Unit(benchmark::kMicrosecond);
  }
  for (const char* type : {"application", "contract", "diagnostic-report"}) {
    RegisterVariant(std::string("BM_ValidateMultiline/") + type,
                    std::make_shared<std::string>(WithLineBreak(type)), "no long text value found");
  }
}

// The example of type with its longest text value (a free text, which may be long) repeated to
// more than 100 characters, or "" if it has none.
std::string WithLongValue(const std::string& type) {
  std::string xml = Example(type);
  std::size_t best_length = 0;
  const std::size_t best = sealflow::testing::LongestTextValue(xml, best_length);
  if (best == std::string::npos) return "";
  std::string value = xml.substr(best, best_length), longer;
  auto characters = [](const std::string& text) {
    std::size_t count = 0;
    for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return count;
  };
  while (characters(longer) <= 100) longer += value;
  return xml.replace(best, best_length, longer);
}

void RegisterLengthAndMalformedBenchmarks() {
  for (const char* type : {"application", "diagnostic-report"}) {
    RegisterVariant(std::string("BM_ValidateLongValue/") + type,
                    std::make_shared<std::string>(WithLongValue(type)), "no text value found");
  }
  auto malformed = std::make_shared<std::string>(Example("diagnostic-report"));
  malformed->resize(malformed->rfind("</diagnostic-report>"));  // the root is never closed
  benchmark::RegisterBenchmark("BM_ValidateMalformed", [malformed](benchmark::State& state) {
    ValidateLoop(state, *malformed, false);
  })->Unit(benchmark::kMicrosecond);
}

// Registered at static initialisation, before sealflow_bench.cc's main() runs the benchmarks.
const bool kRegistered = (RegisterFormsBenchmarks(), RegisterLengthAndMalformedBenchmarks(), true);

void BM_ValidateParallel(benchmark::State& state) {
  static const std::string xml = Example("application");
  ValidateLoop(state, xml, true);
}
BENCHMARK(BM_ValidateParallel)->Threads(1)->Threads(4)->Unit(benchmark::kMicrosecond);

}  // namespace
