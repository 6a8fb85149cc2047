// Copyright sealflow authors.
// JSON for the catalog's signers column (an array of strings).
#pragma once

#include <string>
#include <vector>

namespace sealflow::archive::internal {

std::string SignersToJson(const std::vector<std::string>& signers);
// Throws ArchiveError(kCatalog) if text is not a JSON array of strings.
std::vector<std::string> SignersFromJson(const std::string& text);

}  // namespace sealflow::archive::internal
