// Copyright sealflow authors.
// The city dashboard (JSON): per sub-industry — enterprises enrolled, in progress and
// transformed (passed acceptance), cloud adoption (上云用云), the share of above-size enterprises
// at digital level 2 or higher against the national 90 % target, 小快轻准 products, model
// enterprises (样板企业) — and each provider's numbers.
//
// Contract:
// * The engine's state holds the lifecycles, not the documents' figures (levels, cloud cost
//   lines, products). Those come from the accepted documents through DashboardFigures, which
//   the caller keeps by calling AddFormFigures for every accepted form (and again for every
//   archived form when it reopens). Without figures the JSON still has every count the engine
//   knows; the figures it cannot know are null, and "missing" names them.
// * Deterministic: the same engine state, date and figures give byte-identical JSON (keys in a
//   fixed order, sub-industries in the measures' order, providers by credit code).
// * Pure; thread-safe as long as the engine is not written meanwhile (call under Pilot::Read).
//
// Definitions:
// * transformed: the project passed acceptance (accepted, rated or closed).
// * level: an enterprise's level is the acceptance conclusion's <level> once it passed; before
//   that the diagnostic report's <currentLevel>. Level ≥ 2 share = above-size enterprises with
//   a known level ≥ 2 / above-size enterprises enrolled (target 90 %).
// * cloud adoption: the approved plan has a "cloud" cost line, or a product deployed in the cloud.
// * 小快轻准 products: distinct product names marked smallFastLightPrecise in approved plans.
// * model enterprise (样板企业): named so by the bureau's closure decision (<modelEnterprise>).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "workflow/facts.h"
#include "workflow/lifecycle.h"

namespace sealflow::workflow {

struct EnterpriseFigures {
  std::optional<int> level_before;                 // diagnostic report's currentLevel
  std::optional<int> level_after;                  // passed acceptance conclusion's level
  bool cloud = false;                              // the plan uses the cloud (上云用云)
  std::set<std::string> small_fast_light_precise;  // 小快轻准 products in the plan
  bool model_enterprise = false;                   // 样板企业
};

struct DashboardFigures {
  std::map<std::string, EnterpriseFigures> enterprises;  // by enterprise credit code
};

// Reads the figures a form carries into `figures` (diagnostic-report, transformation-plan,
// passed acceptance-conclusion, decision closure; other types add nothing; a later plan replaces
// an earlier plan's figures). Call only
// for forms the engine accepted. Throws FactsError for XML that is not well-formed.
void AddFormFigures(DashboardFigures& figures, const std::string& form_type,
                    const std::string& xml);

// The dashboard as of `on`.
std::string DashboardJson(const Engine& engine, Date on, const DashboardFigures& figures = {});

}  // namespace sealflow::workflow
