// Copyright sealflow authors.
// Workflow transitions per second through HTTP: POST /api/v1/transitions, each request carrying
// a distinct signed document (the bureau's enrolment decision for one more pilot enterprise,
// ECDSA P-256), verified, validated, mapped, applied, archived and logged before the 201. The
// documents are rendered and signed before timing starts. Target: >= 500 transitions/s on two
// cores.
//
//   build/bin/sealflow_bench --benchmark_filter=Workflow
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "archive/store.h"
#include "support/test_support.h"
#include "workflow/pilot.h"
#include "workflow/pilot_fixture.h"
#include "workflow/service.h"
#include "workflow/tokens.h"

namespace sealflow::workflow {
namespace {

using testing::PilotPki;

constexpr int kBatch = 256;     // transitions per benchmark iteration
constexpr int kIterations = 8;  // batches (the documents are made up front)
constexpr int kClients = 8;     // concurrent keep-alive connections

// The enrolment of enterprise number `n` (a distinct credit code and document id).
std::string EnrolmentOf(int n) {
  char serial[16];
  std::snprintf(serial, sizeof serial, "%07d", n);
  const std::string code = testing::WithCheck(std::string("91410700MA") + serial);
  char id[32];
  std::snprintf(id, sizeof id, "DEC-2026-%06d", 100000 + n);
  std::string xml = testing::EnterpriseDecisionXml(
      id, "<enrolment><batch>第一批</batch></enrolment>", PilotPki::Get().bureau(), "2026-03-12");
  xml = testing::Swap(xml, "<creditCode>91410700MA46B7HW2D</creditCode>",
                      "<creditCode>" + code + "</creditCode>");
  xml = testing::Swap(xml, "<name>新乡市豫飞起重设备有限公司</name>",
                      "<name>新乡市试点企业" + std::string(serial) + "有限公司</name>");
  return PilotPki::Get().RenderAndSign(xml, {{"bureau", &PilotPki::Get().bureau()}});
}

// Signed documents made on all cores before any timing.
std::vector<std::string> MakeDocuments(int count) {
  std::vector<std::string> documents(static_cast<std::size_t>(count));
  std::atomic<int> next{0};
  std::vector<std::thread> workers;
  const unsigned threads = std::max(2u, std::thread::hardware_concurrency());
  for (unsigned t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int i = next++; i < count; i = next++) {
        documents[static_cast<std::size_t>(i)] = EnrolmentOf(i);
      }
    });
  }
  for (auto& worker : workers) worker.join();
  return documents;
}

void BM_WorkflowTransitionsHttp(benchmark::State& state) {
  sealflow::testing::TempDir dir;
  PilotPki& pki = PilotPki::Get();
  const std::vector<std::string> documents = MakeDocuments(kBatch * kIterations);
  ServiceOptions options;
  options.data_dir = dir.File("data");
  options.port = 0;
  options.trust_anchor_files = {pki.root_pem_path()};
  options.max_threads = kClients;
  options.tick_interval = std::chrono::milliseconds(0);
  const auto now = std::chrono::sys_days(std::chrono::year{2026} / 3 / 12) + std::chrono::hours(2);
  options.clock = [now] { return now; };
  auto service = Service::Start(options);
  const std::string token =
      service->tokens().Issue(Role::kBureau, pki.bureau().code, "bench").token;

  // Process CPU time over the timed part (server and client threads together): with the load
  // of a shared machine the wall-clock rate varies, CPU per transition much less.
  auto cpu_seconds = [] {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  };
  const double cpu_before = cpu_seconds();
  std::size_t offset = 0;
  std::atomic<int> failures{0};
  std::string first_failure;
  std::mutex failure_mutex;
  for (auto _ : state) {
    std::atomic<int> next{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&] {
        Poco::Net::HTTPClientSession session("127.0.0.1", service->port());
        session.setKeepAlive(true);
        session.setTimeout(Poco::Timespan(60, 0));
        for (int i = next++; i < kBatch; i = next++) {
          const std::string& pdf = documents[offset + static_cast<std::size_t>(i)];
          Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/api/v1/transitions",
                                         Poco::Net::HTTPRequest::HTTP_1_1);
          request.setKeepAlive(true);
          request.set("Authorization", "Bearer " + token);
          request.setContentType("application/pdf");
          request.setContentLength64(static_cast<Poco::Int64>(pdf.size()));
          session.sendRequest(request).write(pdf.data(), static_cast<std::streamsize>(pdf.size()));
          Poco::Net::HTTPResponse response;
          std::string body;
          Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
          if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_CREATED) {
            if (failures++ == 0) {
              std::lock_guard<std::mutex> lock(failure_mutex);
              first_failure = std::to_string(response.getStatus()) + " " + body;
            }
          }
        }
      });
    }
    for (auto& client : clients) client.join();
    offset += kBatch;
  }
  const double cpu_used = cpu_seconds() - cpu_before;
  state.counters["cpu_ms_per_transition"] =
      cpu_used * 1000.0 / (static_cast<double>(state.iterations()) * kBatch);
  if (failures > 0) state.SkipWithError(("transitions refused: " + first_failure).c_str());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * kBatch);
  state.counters["transitions/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kBatch, benchmark::Counter::kIsRate);
  std::size_t logged = service->pilot().LoggedEvents();
  state.counters["logged"] = static_cast<double>(logged);
}
BENCHMARK(BM_WorkflowTransitionsHttp)
    ->Iterations(kIterations)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sealflow::workflow
