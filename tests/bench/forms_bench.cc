// Copyright sealflow authors.
// Forms benchmarks beside the per-type BM_ValidateType/BM_RenderType of sealflow_bench.cc: the
// validator's slower paths, so its figures are not read as the cost of every input.
//
//   BM_ValidateInvalid/<file>  an invalid example (xml-schemas/examples/invalid): a form whose
//                              values are trimmed one-liners is first checked against the fast
//                              schema copy, then again as written to report its findings.
//   BM_ValidateMultiline/<type> the example with a line break put into its longest text
//                              value: such a form goes straight to the schema as written.
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

const sealflow::forms::Validator& SharedValidator() {
  static const std::unique_ptr<sealflow::forms::Validator> validator =
      sealflow::forms::Validator::Create();
  return *validator;
}

void ValidateLoop(benchmark::State& state, const std::string& xml, bool expect_ok) {
  const sealflow::forms::Validator& validator = SharedValidator();
  for (auto _ : state) {
    auto report = validator.Validate(xml);
    if (report.ok() != expect_ok) state.SkipWithError("unexpected verdict");
    benchmark::DoNotOptimize(report);
  }
}

// The example of type with a line break after the first character of its longest text value (a
// free text, which may span lines), or "" if it has none.
std::string WithLineBreak(const std::string& type) {
  std::string xml = ReadFile(SourcePath("xml-schemas/examples/" + type + ".xml"));
  std::size_t best = std::string::npos, best_length = 0;
  for (std::size_t open = xml.find('>'); open != std::string::npos;
       open = xml.find('>', open + 1)) {
    std::size_t close = xml.find('<', open + 1);
    if (close == std::string::npos) break;
    if (close - open > best_length && xml[open + 1] != '\n' && xml[open + 1] != ' ') {
      best = open + 1;
      best_length = close - open;
    }
  }
  if (best == std::string::npos) return "";
  auto lead = static_cast<unsigned char>(xml[best]);
  std::size_t first = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  return xml.insert(best + first, "\n");
}

void RegisterFormsBenchmarks() {
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
    auto xml = std::make_shared<std::string>(WithLineBreak(type));
    benchmark::RegisterBenchmark((std::string("BM_ValidateMultiline/") + type).c_str(),
                                 [xml](benchmark::State& state) {
                                   if (xml->empty()) {
                                     state.SkipWithError("no long text value found");
                                     return;
                                   }
                                   ValidateLoop(state, *xml, true);
                                 })
        ->Unit(benchmark::kMicrosecond);
  }
}

// Registered at static initialisation, before sealflow_bench.cc's main() runs the benchmarks.
const bool kRegistered = (RegisterFormsBenchmarks(), true);

void BM_ValidateParallel(benchmark::State& state) {
  static const std::string xml = ReadFile(SourcePath("xml-schemas/examples/application.xml"));
  ValidateLoop(state, xml, true);
}
BENCHMARK(BM_ValidateParallel)->Threads(1)->Threads(4)->Unit(benchmark::kMicrosecond);

}  // namespace
