// Copyright sealflow authors.
#include "filing.h"

#include <string_view>

namespace sealflow::workflow {
namespace {

struct FormPhase {
  std::string_view form_type;
  archive::Phase phase;
};

// One row per form type, after DOMAIN.md "Documents" and the three phases of Art. 5(7): before
// (diagnostic report, plan, filing decision), during (contract, change filings, progress
// reports), after (acceptance application and conclusion, satisfaction); the provider's own
// file for applications, notices, appeals and reports.
constexpr FormPhase kPhaseTable[] = {
    {"application", archive::Phase::kProvider},          // 服务商申报书
    {"diagnostic-report", archive::Phase::kBefore},      // 诊断报告
    {"transformation-plan", archive::Phase::kBefore},    // 改造方案
    {"change-filing", archive::Phase::kDuring},          // 变更备案
    {"contract", archive::Phase::kDuring},               // 改造合同
    {"progress-report", archive::Phase::kDuring},        // 进度报告
    {"acceptance-application", archive::Phase::kAfter},  // 验收申请
    {"acceptance-conclusion", archive::Phase::kAfter},   // 验收结论
    {"satisfaction", archive::Phase::kAfter},            // 满意度评价表
    {"notice", archive::Phase::kProvider},               // 通知 / 公示 / 通告
    {"appeal", archive::Phase::kProvider},               // 申诉书
    {"report", archive::Phase::kProvider},               // 举报
};

}  // namespace

archive::Phase PhaseFor(const forms::FormInfo& info) {
  for (const FormPhase& row : kPhaseTable) {
    if (row.form_type == info.form_type) return row.phase;
  }
  return info.party_kind == "enterprise" ? archive::Phase::kBefore : archive::Phase::kProvider;
}

}  // namespace sealflow::workflow
