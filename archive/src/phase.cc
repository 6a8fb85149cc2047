// Copyright sealflow authors.
#include <optional>
#include <string_view>

#include "archive/store.h"

namespace sealflow::archive {

const char* PhaseName(Phase phase) {
  switch (phase) {
    case Phase::kProvider:
      return "provider";
    case Phase::kBefore:
      return "before";
    case Phase::kDuring:
      return "during";
    case Phase::kAfter:
      return "after";
  }
  return "provider";
}

std::optional<Phase> ParsePhase(std::string_view name) {
  for (Phase phase : {Phase::kProvider, Phase::kBefore, Phase::kDuring, Phase::kAfter}) {
    if (name == PhaseName(phase)) return phase;
  }
  return std::nullopt;
}

}  // namespace sealflow::archive
