// Copyright sealflow authors.
#include "workflow/service.h"

#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <mutex>
#include <utility>

#include "api_handler.h"

namespace sealflow::workflow {
namespace {

constexpr int kListenBacklog = 64;
constexpr long kSocketTimeoutSeconds = 30;

class ServiceImpl final : public Service {
 public:
  explicit ServiceImpl(std::shared_ptr<const ServiceContext> context) {
    const ServiceOptions& options = context->options;
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
  }

  ~ServiceImpl() override { Stop(); }

  std::uint16_t port() const override { return port_; }

  void Stop() override {
    std::lock_guard<std::mutex> lock(stop_mutex_);
    if (stopped_) return;
    stopped_ = true;
    // Stop accepting, abort open connections, then wait for handlers still running.
    server_->stopAll(/*abortCurrent=*/true);
    pool_->joinAll();
  }

 private:
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

  return std::make_unique<ServiceImpl>(std::move(context));
}

}  // namespace sealflow::workflow
