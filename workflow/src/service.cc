// Copyright sealflow authors.
#include "workflow/service.h"

#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>

#include <Poco/Logger.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

#include "api_handler.h"
#include "workflow/pilot.h"
#include "workflow/tokens.h"

namespace sealflow::workflow {
namespace {

constexpr int kListenBacklog = 64;
constexpr long kSocketTimeoutSeconds = 30;

class ServiceImpl final : public Service {
 public:
  explicit ServiceImpl(std::shared_ptr<ServiceContext> context) : context_(context) {
    const ServiceOptions& options = context->options;
    // Deadlines that passed while the service was down fire before the first request.
    context->pilot->Tick();
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress(options.host, options.port), /*reuseAddress=*/true);
    socket.listen(kListenBacklog);

    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams();
    params->setMaxThreads(std::max(1, options.max_threads));
    params->setMaxQueued(std::max(1, options.max_queued));
    // Bounds how long a slow client can hold a connection thread per read/write.
    params->setTimeout(Poco::Timespan(kSocketTimeoutSeconds, 0));
    params->setKeepAlive(true);
    params->setServerName("sealflow");

    // An own pool so max_threads is honoured beyond the default pool's 16.
    pool_ = std::make_unique<Poco::ThreadPool>(1, std::max(1, options.max_threads));
    server_ = std::make_unique<Poco::Net::HTTPServer>(new ApiHandlerFactory(std::move(context)),
                                                      *pool_, socket, params);
    server_->start();
    port_ = server_->port();
    if (options.tick_interval.count() > 0) {
      scheduler_ = std::thread([this] { Schedule(); });
    }
  }

  ~ServiceImpl() override { Stop(); }

  std::uint16_t port() const override { return port_; }
  Pilot& pilot() override { return *context_->pilot; }
  TokenStore& tokens() override { return *context_->tokens; }

  void Stop() override {
    std::lock_guard<std::mutex> lock(stop_mutex_);
    if (stopped_) return;
    stopped_ = true;
    {
      std::lock_guard<std::mutex> wake(scheduler_mutex_);
      scheduler_stop_ = true;
    }
    scheduler_wake_.notify_all();
    if (scheduler_.joinable()) scheduler_.join();
    // Stop accepting, abort open connections, then wait for handlers still running.
    server_->stopAll(/*abortCurrent=*/true);
    pool_->joinAll();
  }

 private:
  // The scheduler: ticks the pilot every tick_interval (wall time; the pilot's "now" is the
  // injected clock) until Stop().
  void Schedule() {
    const ServiceOptions& options = context_->options;
    std::unique_lock<std::mutex> lock(scheduler_mutex_);
    for (;;) {
      if (scheduler_wake_.wait_for(lock, options.tick_interval, [this] { return scheduler_stop_; }))
        return;
      lock.unlock();
      std::size_t fired = 0;
      try {
        fired = context_->pilot->Tick().size();
      } catch (const std::exception& e) {
        Poco::Logger::get("sealflow.workflow")
            .error("scheduler tick failed: %s", std::string(e.what()));
      }
      if (options.on_tick) options.on_tick(fired);
      lock.lock();
    }
  }

  std::shared_ptr<ServiceContext> context_;
  std::thread scheduler_;
  std::mutex scheduler_mutex_;
  std::condition_variable scheduler_wake_;
  bool scheduler_stop_ = false;
  std::unique_ptr<Poco::ThreadPool> pool_;  // declared first: outlives the server
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;
  std::mutex stop_mutex_;
  bool stopped_ = false;
};

}  // namespace

std::unique_ptr<Service> Service::Start(const ServiceOptions& options) {
  auto context = std::make_shared<ServiceContext>();
  context->options = options;

  archive::StoreOptions store;
  store.data_dir = options.data_dir;
  store.catalog = options.catalog;
  store.blob_sync = options.blob_sync;
  store.clock = options.clock;
  store.id_source = options.id_source;
  context->store = archive::DocumentStore::Open(store);

  signing::VerifierOptions verifier;
  verifier.trust_anchor_files = options.trust_anchor_files;
  verifier.clock = options.clock;
  context->verifier = signing::Verifier::Create(verifier);

  forms::ValidatorOptions validator;
  validator.schema_dir = options.schema_dir;
  context->validator = forms::Validator::Create(validator);

  if (!options.tsa_key_file.empty() || !options.tsa_cert_file.empty()) {
    signing::TimestampAuthorityOptions tsa;
    tsa.clock = options.clock;
    tsa.policy_oid = options.tsa_policy_oid;
    context->tsa = signing::TimestampAuthority::FromPem(options.tsa_key_file, options.tsa_cert_file,
                                                        options.tsa_chain_file, tsa);
  }

  context->tokens = TokenStore::Open(options.data_dir, options.clock);
  PilotOptions pilot;
  pilot.data_dir = options.data_dir;
  pilot.engine = options.engine;
  pilot.clock = options.clock;
  pilot.trust_anchor_files = options.trust_anchor_files;
  pilot.schema_dir = options.schema_dir;
  pilot.bureau_p12 = options.bureau_p12;
  pilot.bureau_p12_password = options.bureau_p12_password;
  context->pilot = Pilot::Open(pilot, *context->store);

  forms::RendererOptions renderer;
  renderer.validator.schema_dir = options.schema_dir;
  renderer.clock = options.clock;
  context->prepared = std::make_unique<PreparedForms>(options.data_dir, renderer);

  if (context->tsa) {
    // The audit chain's head, timestamped by the service's own TSA (issue #6): proof that the
    // archive's history existed at that time.
    context->audit_tsa_client = signing::TimestampClient::InProcess(*context->tsa);
    archive::HeadTimestamperOptions head;
    const signing::TimestampClient* client = context->audit_tsa_client.get();
    head.timestamp = [client](const std::string& head_hash) {
      return client->Timestamp(signing::Sha256(head_hash));
    };
    head.interval = options.audit_timestamp_interval;
    head.clock = options.clock;
    context->audit_timestamper =
        std::make_unique<archive::HeadTimestamper>(*context->store, std::move(head));
  }

  return std::make_unique<ServiceImpl>(std::move(context));
}

}  // namespace sealflow::workflow
