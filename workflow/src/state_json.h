// Copyright sealflow authors.
// JSON views of the engine's state and decisions for the HTTP routes (keys in camelCase, in a
// fixed order; dates "YYYY-MM-DD"; money as yuan strings "870000.00").
#pragma once

#include <Poco/JSON/Object.h>

#include <map>
#include <string>

#include "workflow/lifecycle.h"
#include "workflow/pilot.h"

namespace sealflow::workflow {

// Everything the engine holds about a provider (bureau's view).
Poco::JSON::Object::Ptr ProviderJson(const Provider& provider);
// What the public sees of a listed provider: name, code, sub-industries, listing date, stars.
Poco::JSON::Object::Ptr PublicProviderJson(const Provider& provider);
Poco::JSON::Object::Ptr ProjectJson(const Project& project);
Poco::JSON::Object::Ptr DeadlineJson(const Deadline& deadline);
Poco::JSON::Object::Ptr RatingJson(const std::string& provider_code, const Rating& rating);
Poco::JSON::Object::Ptr DecisionJson(const Decision& decision);
// The answer to a transition or notice: the decision, the record, fired deadlines.
Poco::JSON::Object::Ptr SubmitResultJson(const SubmitResult& result);

// Stars as a number 0..3.
int StarsNumber(Stars stars);

std::string ToJson(const Poco::JSON::Object::Ptr& object);

}  // namespace sealflow::workflow
