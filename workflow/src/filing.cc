// Copyright sealflow authors.
#include "filing.h"

#include <cstddef>
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

// A decision (意见书/决定书) is filed by the step it decides; its kind is the one element after
// <subject>. Provider matters (recommendation, reviews, appeal decisions …) go to the provider's
// file through the party-kind fallback.
constexpr FormPhase kDecisionPhaseTable[] = {
    {"enrolment", archive::Phase::kBefore},      {"planExpertReview", archive::Phase::kBefore},
    {"planDecision", archive::Phase::kBefore},   {"payment", archive::Phase::kDuring},
    {"changeDecision", archive::Phase::kDuring}, {"projectRectification", archive::Phase::kAfter},
    {"closure", archive::Phase::kAfter},
};

// Whether `xml` has a start tag named `name` (text cannot contain '<': it is escaped as &lt;).
bool HasStartTag(std::string_view xml, std::string_view name) {
  for (std::size_t at = xml.find('<'); at != std::string_view::npos; at = xml.find('<', at + 1)) {
    std::string_view rest = xml.substr(at + 1);
    if (rest.substr(0, name.size()) != name || rest.size() == name.size()) continue;
    char next = rest[name.size()];
    if (next == '>' || next == '/' || next == ' ' || next == '\t' || next == '\n' || next == '\r') {
      return true;
    }
  }
  return false;
}

}  // namespace

archive::Phase PhaseFor(const forms::FormInfo& info) {
  if (info.form_type == "decision") {
    for (const FormPhase& row : kDecisionPhaseTable) {
      if (HasStartTag(info.source_xml, row.form_type)) return row.phase;
    }
  }
  for (const FormPhase& row : kPhaseTable) {
    if (row.form_type == info.form_type) return row.phase;
  }
  return info.party_kind == "enterprise" ? archive::Phase::kBefore : archive::Phase::kProvider;
}

}  // namespace sealflow::workflow
