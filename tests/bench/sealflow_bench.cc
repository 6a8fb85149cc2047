// Copyright sealflow authors.
// The walking skeleton's benchmark: render, validate, sign and verify one 2-page provider
// application, and HTTP upload throughput against the real service on loopback. Prints
// `openssl speed rsa2048` from the same run beside ours, and the process's peak RSS (the service
// runs in-process, so this bounds the service's memory through the upload benchmark).
//
//   build/bin/sealflow_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "forms/form_types.h"
#include "forms/renderer.h"
#include "forms/validator.h"
#include "signing/credentials.h"
#include "signing/signer.h"
#include "signing/verifier.h"
#include "support/test_support.h"
#include "workflow/service.h"
#include "workflow/tokens.h"

namespace {

using sealflow::testing::FixedNow;
using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;
using sealflow::testing::TestDataPath;

struct World {
  std::string xml;
  std::unique_ptr<sealflow::forms::Validator> validator;
  std::unique_ptr<sealflow::forms::Renderer> renderer;
  std::unique_ptr<sealflow::signing::Signer> signer;
  std::unique_ptr<sealflow::signing::Verifier> verifier;
  std::string unsigned_pdf;
  std::string signed_pdf;
  // tests/data/signing/unsigned-two-pages.pdf: a minimal 2-page PDF (~1.4 KB).
  std::string fixture_unsigned_pdf;
  std::string fixture_signed_pdf;
  sealflow::signing::SignRequest request;

  World() {
    xml = ReadFile(SourcePath("xml-schemas/examples/application.xml"));
    validator = sealflow::forms::Validator::Create();
    sealflow::forms::RendererOptions render_options;
    render_options.clock = [] { return FixedNow(); };
    renderer = sealflow::forms::Renderer::Create(render_options);
    unsigned_pdf = renderer->Render(xml).form.pdf;
    sealflow::signing::SignerOptions sign_options;
    sign_options.clock = [] { return FixedNow(); };
    signer = sealflow::signing::Signer::Create(
        sealflow::signing::Credentials::FromPem(TestDataPath("pki/provider.key"),
                                                TestDataPath("pki/provider.pem")),
        sign_options);
    request.field_name = "provider";
    signed_pdf = signer->Sign(unsigned_pdf, request);
    fixture_unsigned_pdf = ReadFile(TestDataPath("signing/unsigned-two-pages.pdf"));
    fixture_signed_pdf = signer->Sign(fixture_unsigned_pdf, request);
    sealflow::signing::VerifierOptions verify_options;
    verify_options.trust_anchor_files = {TestDataPath("pki/root-ca.pem")};
    verify_options.clock = [] { return FixedNow(); };
    verifier = sealflow::signing::Verifier::Create(verify_options);
  }
};

World& TheWorld() {
  static World world;
  return world;
}

void BM_Validate(benchmark::State& state) {
  World& w = TheWorld();
  for (auto _ : state) {
    auto report = w.validator->Validate(w.xml);
    if (!report.ok()) state.SkipWithError("example does not validate");
    benchmark::DoNotOptimize(report);
  }
}
BENCHMARK(BM_Validate)->Unit(benchmark::kMicrosecond);

void BM_Render(benchmark::State& state) {
  World& w = TheWorld();
  for (auto _ : state) {
    auto result = w.renderer->Render(w.xml);
    benchmark::DoNotOptimize(result.form.pdf.data());
  }
  state.counters["pdf_bytes"] = static_cast<double>(w.unsigned_pdf.size());
}
BENCHMARK(BM_Render)->Unit(benchmark::kMillisecond);

void SignLoop(benchmark::State& state, const std::string& pdf) {
  World& w = TheWorld();
  for (auto _ : state) {
    std::string out = w.signer->Sign(pdf, w.request);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["pdf_bytes"] = static_cast<double>(pdf.size());
}

void VerifyLoop(benchmark::State& state, const std::string& pdf) {
  World& w = TheWorld();
  for (auto _ : state) {
    auto report = w.verifier->Verify(pdf);
    if (report.verdict != sealflow::signing::Verdict::kValid) state.SkipWithError("not VALID");
    benchmark::DoNotOptimize(report);
  }
  state.counters["pdf_bytes"] = static_cast<double>(pdf.size());
}

// The rendered example application.
void BM_Sign(benchmark::State& state) { SignLoop(state, TheWorld().unsigned_pdf); }
BENCHMARK(BM_Sign)->MeasureProcessCPUTime()->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_Verify(benchmark::State& state) { VerifyLoop(state, TheWorld().signed_pdf); }
BENCHMARK(BM_Verify)->MeasureProcessCPUTime()->UseRealTime()->Unit(benchmark::kMicrosecond);

// The small signing fixture (tests/data/signing/unsigned-two-pages.pdf).
void BM_SignFixture(benchmark::State& state) { SignLoop(state, TheWorld().fixture_unsigned_pdf); }
BENCHMARK(BM_SignFixture)->Unit(benchmark::kMicrosecond);

void BM_VerifyFixture(benchmark::State& state) { VerifyLoop(state, TheWorld().fixture_signed_pdf); }
BENCHMARK(BM_VerifyFixture)->Unit(benchmark::kMicrosecond);

// --- HTTP upload: the real service on an ephemeral loopback port, keep-alive clients. ---

struct Server {
  sealflow::testing::TempDir dir;
  std::unique_ptr<sealflow::workflow::Service> service;
  std::string token;  // uploads need a bearer token; an archivist may file any party's record
  Server() {
    sealflow::workflow::ServiceOptions options;
    options.data_dir = dir.path();
    options.port = 0;
    options.trust_anchor_files = {TestDataPath("pki/root-ca.pem")};
    options.max_threads = 8;
    service = sealflow::workflow::Service::Start(options);
    token = service->tokens()
                .Issue(sealflow::workflow::Role::kArchivist, "12410700MA40ARCH1X", "档案室")
                .token;
  }
};

Server& TheServer() {
  static Server server;
  return server;
}

void BM_HttpUpload(benchmark::State& state) {
  World& w = TheWorld();
  Poco::Net::HTTPClientSession session("127.0.0.1", TheServer().service->port());
  session.setKeepAlive(true);
  for (auto _ : state) {
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/api/v1/documents",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/pdf");
    request.set("Authorization", "Bearer " + TheServer().token);
    request.setContentLength(static_cast<std::streamsize>(w.signed_pdf.size()));
    request.setKeepAlive(true);
    session.sendRequest(request).write(w.signed_pdf.data(),
                                       static_cast<std::streamsize>(w.signed_pdf.size()));
    Poco::Net::HTTPResponse response;
    std::istream& body = session.receiveResponse(response);
    std::ostringstream sink;
    Poco::StreamCopier::copyStream(body, sink);
    if (response.getStatus() != 201) {
      state.SkipWithError(("upload answered " + std::to_string(response.getStatus())).c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(w.signed_pdf.size()));
}
BENCHMARK(BM_HttpUpload)
    ->Threads(1)
    ->Threads(4)
    ->Threads(8)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

std::string PeakRss() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return line.substr(6);
  }
  return "?";
}

void PrintOpensslSpeed() {
  std::printf("openssl speed rsa2048 (same machine, same run):\n");
  std::fflush(stdout);
  FILE* pipe = popen("openssl speed -seconds 2 rsa2048 2>/dev/null | tail -2", "r");
  if (pipe == nullptr) return;
  char line[512];
  while (std::fgets(line, sizeof line, pipe) != nullptr) std::printf("  %s", line);
  pclose(pipe);
}

}  // namespace

// Render and validate every registered form type's example (xml-schemas/examples/<type>.xml).
void RegisterPerTypeBenchmarks() {
  for (const auto& type : sealflow::forms::ListFormTypes()) {
    auto xml = std::make_shared<std::string>(
        ReadFile(SourcePath("xml-schemas/examples/" + type.form_type + ".xml")));
    benchmark::RegisterBenchmark(("BM_ValidateType/" + type.form_type).c_str(),
                                 [xml](benchmark::State& state) {
                                   World& w = TheWorld();
                                   for (auto _ : state) {
                                     auto report = w.validator->Validate(*xml);
                                     if (!report.ok()) state.SkipWithError("does not validate");
                                     benchmark::DoNotOptimize(report);
                                   }
                                 })
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_RenderType/" + type.form_type).c_str(),
                                 [xml](benchmark::State& state) {
                                   World& w = TheWorld();
                                   int pages = 0;
                                   for (auto _ : state) {
                                     auto result = w.renderer->Render(*xml);
                                     pages = result.form.page_count;
                                     benchmark::DoNotOptimize(result.form.pdf.data());
                                   }
                                   state.counters["pages"] = pages;
                                 })
        ->Unit(benchmark::kMillisecond);
  }
}

int main(int argc, char** argv) {
  PrintOpensslSpeed();
  RegisterPerTypeBenchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::printf("peak RSS of this process (service in-process): %s\n", PeakRss().c_str());
  return 0;
}
