// Copyright sealflow authors.
#pragma once

#include <string>

namespace sealflow::workflow {

// The service's OpenAPI 3.0 document (JSON).
const std::string& OpenApiJson();

}  // namespace sealflow::workflow
