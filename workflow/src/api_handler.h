// Copyright sealflow authors.
// The service's request handling: the objects every request shares (created once at Start),
// the handler factory Poco's HTTPServer calls, and the one handler that routes a request and
// translates whatever it throws into problem+json.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <memory>

#include "archive/store.h"
#include "archive/timestamps.h"
#include "forms/validator.h"
#include "prepared_forms.h"
#include "signing/timestamp.h"
#include "signing/verifier.h"
#include "workflow/pilot.h"
#include "workflow/service.h"
#include "workflow/tokens.h"

namespace sealflow::workflow {

// Shared by all requests; every member is safe to use from many threads.
struct ServiceContext {
  ServiceOptions options;
  std::unique_ptr<archive::DocumentStore> store;
  std::unique_ptr<signing::Verifier> verifier;
  std::unique_ptr<forms::Validator> validator;
  std::unique_ptr<signing::TimestampAuthority> tsa;  // null: the service has no TSA
  std::unique_ptr<TokenStore> tokens;
  std::unique_ptr<Pilot> pilot;             // declared after store: destroyed before it
  std::unique_ptr<PreparedForms> prepared;  // forms issued for signing on the signer's machine
  // With a TSA: the head of the audit chain timestamped periodically (destroyed before store).
  std::unique_ptr<signing::TimestampClient> audit_tsa_client;
  std::unique_ptr<archive::HeadTimestamper> audit_timestamper;
};

class ApiHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit ApiHandlerFactory(std::shared_ptr<const ServiceContext> context)
      : context_(std::move(context)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override;

 private:
  // Shared ownership: a connection thread still finishing a request keeps it alive.
  std::shared_ptr<const ServiceContext> context_;
};

}  // namespace sealflow::workflow
