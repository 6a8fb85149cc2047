// Copyright sealflow authors.
#include "filing.h"

#include <string_view>

namespace sealflow::workflow {
namespace {

struct FormPhase {
  std::string_view form_type;
  archive::Phase phase;
};

// One row per form type the pilot has a schema for. DOMAIN.md maps the forms still to come:
// diagnostic report and plan → before; contract, progress report → during; acceptance,
// satisfaction → after; notices, appeals, reports → provider file.
constexpr FormPhase kPhaseTable[] = {
    {"application", archive::Phase::kProvider},  // 服务商申报书: the provider file
};

}  // namespace

archive::Phase PhaseFor(const forms::FormInfo& info) {
  for (const FormPhase& row : kPhaseTable) {
    if (row.form_type == info.form_type) return row.phase;
  }
  return info.party_kind == "enterprise" ? archive::Phase::kBefore : archive::Phase::kProvider;
}

}  // namespace sealflow::workflow
