// Copyright sealflow authors.
// Signing and verification figures for issue 4, on the rendered 2-page provider application
// (xml-schemas/examples/application.xml, ~255 KB with its embedded font subset), RSA-2048:
//   BM_SigningSignBB            PAdES B-B signature (target <= 0.6 ms)
//   BM_SigningSignBT            B-T with the in-process TSA; BM_SigningTsaToken is the TSA's share
//   BM_SigningCountersign       a second signature on the signed document
//   BM_SigningVerify1 / 3       verification with 1 and 3 signatures; `per_signature` is the
//                               time per signature (target <= 0.3 ms)
//   .../alone                   the same with SignerOptions/VerifierOptions::digest_ahead off:
//                               everything on the calling thread.
//
// Sign and verify hash the document on a helper thread while the caller parses it (see
// signing/src/digest_ahead.h). So these report wall time ("Time") and the CPU time of the whole
// process, helper included ("CPU"); `per_signature` is wall time per signature.
//
//   BM_SigningBatchVsPdfsig     `sealflow verify --brief DIR` over N signed files in one process
//                               against `pdfsig FILE` run once per file, in the same run; N is
//                               $SEALFLOW_BENCH_BATCH_FILES (default 1000). Target >= 20x.
//                               Wall time and the children's CPU time are both reported.
//
//   build/bin/sealflow_bench --benchmark_filter=Signing
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "forms/renderer.h"
#include "signing/credentials.h"
#include "signing/signer.h"
#include "signing/timestamp.h"
#include "signing/verifier.h"
#include "support/test_support.h"

extern char** environ;

namespace {

using sealflow::testing::FixedNow;
using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;
using sealflow::testing::TestDataPath;
namespace signing = sealflow::signing;

std::string Pki(const std::string& name) { return TestDataPath("pki/" + name); }

struct SigningWorld {
  std::string unsigned_pdf;
  std::string signed_pdf;        // one signature (field provider)
  std::string three_signed_pdf;  // provider, county and an invisible bureau signature
  std::unique_ptr<signing::Signer> signer;
  std::unique_ptr<signing::TimestampAuthority> authority;
  std::shared_ptr<const signing::TimestampClient> tsa_client;
  std::unique_ptr<signing::Signer> bt_signer;
  std::unique_ptr<signing::Verifier> verifier;
  std::unique_ptr<signing::Signer> signer_alone;      // digest_ahead off
  std::unique_ptr<signing::Verifier> verifier_alone;  // digest_ahead off

  SigningWorld() {
    sealflow::forms::RendererOptions render_options;
    render_options.clock = [] { return FixedNow(); };
    unsigned_pdf = sealflow::forms::Renderer::Create(render_options)
                       ->Render(ReadFile(SourcePath("xml-schemas/examples/application.xml")))
                       .form.pdf;
    signing::SignerOptions options;
    options.clock = [] { return FixedNow(); };
    signer = signing::Signer::Create(
        signing::Credentials::FromPem(Pki("provider.key"), Pki("provider.pem"), Pki("chain.pem")),
        options);
    signing::TimestampAuthorityOptions tsa_options;
    tsa_options.clock = [] { return FixedNow(); };
    authority = signing::TimestampAuthority::FromPem(Pki("tsa.key"), Pki("tsa.pem"),
                                                     Pki("root-ca.pem"), tsa_options);
    tsa_client = signing::TimestampClient::InProcess(*authority);
    signing::SignerOptions bt_options = options;
    bt_options.timestamp = tsa_client;
    bt_signer = signing::Signer::Create(
        signing::Credentials::FromPem(Pki("provider.key"), Pki("provider.pem"), Pki("chain.pem")),
        bt_options);
    signed_pdf = signer->Sign(unsigned_pdf, Request("provider"));
    three_signed_pdf = signer->Sign(signer->Sign(signed_pdf, Request("county")), Request("bureau"));
    signing::VerifierOptions verify_options;
    verify_options.trust_anchor_files = {Pki("root-ca.pem")};
    verify_options.clock = [] { return FixedNow(); };
    verifier = signing::Verifier::Create(verify_options);
    verify_options.digest_ahead = false;
    verifier_alone = signing::Verifier::Create(verify_options);
    options.digest_ahead = false;
    signer_alone = signing::Signer::Create(
        signing::Credentials::FromPem(Pki("provider.key"), Pki("provider.pem"), Pki("chain.pem")),
        options);
  }

  static signing::SignRequest Request(const std::string& field) {
    signing::SignRequest request;
    request.field_name = field;
    return request;
  }
};

SigningWorld& World() {
  static SigningWorld world;
  return world;
}

// Sign and verify report wall time and the CPU time of the whole process, the digest helper
// included.
void WallAndProcessCpu(benchmark::internal::Benchmark* benchmark) {
  benchmark->MeasureProcessCPUTime()->UseRealTime()->Unit(benchmark::kMicrosecond);
}

void SignBBLoop(benchmark::State& state, const signing::Signer& signer) {
  SigningWorld& w = World();
  const signing::SignRequest request = SigningWorld::Request("provider");
  for (auto _ : state) {
    std::string out = signer.Sign(w.unsigned_pdf, request);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["pdf_bytes"] = static_cast<double>(w.unsigned_pdf.size());
}
void BM_SigningSignBB(benchmark::State& state) { SignBBLoop(state, *World().signer); }
BENCHMARK(BM_SigningSignBB)->Apply(WallAndProcessCpu);
void BM_SigningSignBBAlone(benchmark::State& state) { SignBBLoop(state, *World().signer_alone); }
BENCHMARK(BM_SigningSignBBAlone)->Name("BM_SigningSignBB/alone")->Apply(WallAndProcessCpu);

// B-T including the in-process TSA round trip (request, response, token checks).
void BM_SigningSignBT(benchmark::State& state) {
  SigningWorld& w = World();
  const signing::SignRequest request = SigningWorld::Request("provider");
  for (auto _ : state) {
    std::string out = w.bt_signer->Sign(w.unsigned_pdf, request);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_SigningSignBT)->Apply(WallAndProcessCpu);

// The TSA's share of B-T: one token for a SHA-256 imprint, through the same client.
void BM_SigningTsaToken(benchmark::State& state) {
  SigningWorld& w = World();
  const std::string imprint = signing::Sha256("signature value");
  for (auto _ : state) {
    std::string token = w.tsa_client->Timestamp(imprint);
    benchmark::DoNotOptimize(token.data());
  }
}
BENCHMARK(BM_SigningTsaToken)->Unit(benchmark::kMicrosecond);

void BM_SigningCountersign(benchmark::State& state) {
  SigningWorld& w = World();
  const signing::SignRequest request = SigningWorld::Request("county");
  for (auto _ : state) {
    std::string out = w.signer->Sign(w.signed_pdf, request);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_SigningCountersign)->Apply(WallAndProcessCpu);

void VerifyLoop(benchmark::State& state, const std::string& pdf, std::size_t signatures,
                bool alone = false) {
  SigningWorld& w = World();
  const signing::Verifier& verifier = alone ? *w.verifier_alone : *w.verifier;
  for (auto _ : state) {
    auto report = verifier.Verify(pdf);
    if (report.verdict != signing::Verdict::kValid || report.signatures.size() != signatures) {
      state.SkipWithError("not VALID");
    }
    benchmark::DoNotOptimize(report);
  }
  state.counters["per_signature"] =
      benchmark::Counter(static_cast<double>(state.iterations() * signatures),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["pdf_bytes"] = static_cast<double>(pdf.size());
}

void BM_SigningVerify1(benchmark::State& state) { VerifyLoop(state, World().signed_pdf, 1); }
BENCHMARK(BM_SigningVerify1)->Apply(WallAndProcessCpu);
void BM_SigningVerify1Alone(benchmark::State& state) {
  VerifyLoop(state, World().signed_pdf, 1, true);
}
BENCHMARK(BM_SigningVerify1Alone)->Name("BM_SigningVerify1/alone")->Apply(WallAndProcessCpu);

void BM_SigningVerify3(benchmark::State& state) { VerifyLoop(state, World().three_signed_pdf, 3); }
BENCHMARK(BM_SigningVerify3)->Apply(WallAndProcessCpu);
void BM_SigningVerify3Alone(benchmark::State& state) {
  VerifyLoop(state, World().three_signed_pdf, 3, true);
}
BENCHMARK(BM_SigningVerify3Alone)->Name("BM_SigningVerify3/alone")->Apply(WallAndProcessCpu);

// Runs argv with stdout/stderr to /dev/null; returns the exit code (-1 if it did not start) and
// adds the child's user+system CPU seconds to `cpu_seconds`.
int Spawn(const std::vector<std::string>& args, double& cpu_seconds) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  struct rusage usage {};
  if (wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status)) return -1;
  cpu_seconds += static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                 static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  return WEXITSTATUS(status);
}

void BM_SigningBatchVsPdfsig(benchmark::State& state) {
  SigningWorld& w = World();
  const char* env = std::getenv("SEALFLOW_BENCH_BATCH_FILES");
  const int files = env != nullptr && std::atoi(env) > 0 ? std::atoi(env) : 1000;
  sealflow::testing::TempDir dir;
  // Distinct signed files (the /Reason differs), as a day's uploads would be.
  for (int i = 0; i < files; ++i) {
    signing::SignRequest request = SigningWorld::Request("provider");
    request.reason = "batch " + std::to_string(i);
    char name[32];
    std::snprintf(name, sizeof name, "f%05d.pdf", i);
    sealflow::testing::WriteFile(dir.File(name), w.signer->Sign(w.unsigned_pdf, request));
  }
  const std::string sealflow = sealflow::testing::BinPath("sealflow");
  using Clock = std::chrono::steady_clock;
  double sealflow_seconds = 0, pdfsig_seconds = 0, sealflow_cpu = 0, pdfsig_cpu = 0;
  for (auto _ : state) {
    auto start = Clock::now();
    const int rc = Spawn({sealflow, "verify", "--brief", dir.path(), "--trust", Pki("root-ca.pem")},
                         sealflow_cpu);
    sealflow_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (rc != 0) state.SkipWithError("sealflow verify did not find every file VALID");
    start = Clock::now();
    for (int i = 0; i < files; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "f%05d.pdf", i);
      if (Spawn({"pdfsig", dir.File(name)}, pdfsig_cpu) != 0) {
        state.SkipWithError("pdfsig failed (poppler-utils installed?)");
        break;
      }
    }
    pdfsig_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    state.SetIterationTime(sealflow_seconds);
  }
  state.counters["files"] = files;
  state.counters["sealflow_ms_per_file"] = 1000 * sealflow_seconds / files;
  state.counters["pdfsig_ms_per_file"] = 1000 * pdfsig_seconds / files;
  state.counters["speedup"] = sealflow_seconds > 0 ? pdfsig_seconds / sealflow_seconds : 0;
  // CPU time (user + system of the child processes): the same comparison, less at the mercy of
  // other load on the machine.
  state.counters["sealflow_cpu_ms_per_file"] = 1000 * sealflow_cpu / files;
  state.counters["pdfsig_cpu_ms_per_file"] = 1000 * pdfsig_cpu / files;
  state.counters["speedup_cpu"] = sealflow_cpu > 0 ? pdfsig_cpu / sealflow_cpu : 0;
}
BENCHMARK(BM_SigningBatchVsPdfsig)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
