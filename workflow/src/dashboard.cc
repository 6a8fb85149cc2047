// Copyright sealflow authors.
#include "workflow/dashboard.h"

#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <vector>

#include "facts_xml.h"

namespace sealflow::workflow {
namespace {

using facts_xml::Form;
using Poco::XML::Element;

// The national target: 90 % of above-size enterprises at level 2 or higher.
constexpr double kTargetShare = 90.0;

const char* const kSubIndustries[] = {"起重装备", "高端医疗器械及卫材", "汽车零部件", "新型化工"};

bool Transformed(ProjectState state) {
  return state == ProjectState::kAccepted || state == ProjectState::kRated ||
         state == ProjectState::kClosed;
}

bool InProgress(ProjectState state) {
  return state != ProjectState::kEnrolled && !Transformed(state);
}

std::string Quote(const std::string& text) {
  std::ostringstream out;
  Poco::JSON::Stringifier::formatString(text, out, Poco::JSON_WRAP_STRINGS);
  return out.str();
}

// A share in percent with one decimal, or null when there is nothing to divide by.
std::string Share(int part, int whole) {
  if (whole == 0) return "null";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", 100.0 * part / whole);
  return buffer;
}

std::string List(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + Quote(items[i]);
  return out + "]";
}

// The enterprise's level for the level-2 share: after acceptance if it passed, else before.
std::optional<int> LevelOf(const Project& project, const EnterpriseFigures* figures) {
  if (figures == nullptr) return std::nullopt;
  if (Transformed(project.state) && figures->level_after) return figures->level_after;
  return figures->level_before;
}

struct Tally {
  int enrolled = 0, above_size = 0, below_size = 0, in_progress = 0, transformed = 0;
  int cloud = 0, cloud_known = 0;
  int above_size_level2 = 0, above_size_level_unknown = 0;
  std::set<std::string> products;
  std::vector<std::string> models;                         // names
  std::map<std::string, std::pair<int, int>> by_provider;  // code → (projects, transformed)

  void Add(const Project& project, const EnterpriseFigures* figures) {
    ++enrolled;
    const bool above = project.scale == Scale::kAboveDesignatedSize;
    ++(above ? above_size : below_size);
    in_progress += InProgress(project.state) ? 1 : 0;
    transformed += Transformed(project.state) ? 1 : 0;
    if (figures != nullptr) {
      ++cloud_known;
      cloud += figures->cloud ? 1 : 0;
      products.insert(figures->small_fast_light_precise.begin(),
                      figures->small_fast_light_precise.end());
      if (figures->model_enterprise) models.push_back(project.enterprise_name);
    }
    if (above) {
      std::optional<int> level = LevelOf(project, figures);
      if (!level) {
        ++above_size_level_unknown;
      } else if (*level >= 2) {
        ++above_size_level2;
      }
    }
    if (!project.provider_code.empty()) {
      auto& counts = by_provider[project.provider_code];
      ++counts.first;
      counts.second += Transformed(project.state) ? 1 : 0;
    }
  }

  std::string Json(const Engine& engine) const {
    std::string j;
    j += "\"enterprises\":{\"enrolled\":" + std::to_string(enrolled) +
         ",\"aboveSize\":" + std::to_string(above_size) +
         ",\"belowSize\":" + std::to_string(below_size) +
         ",\"inProgress\":" + std::to_string(in_progress) +
         ",\"transformed\":" + std::to_string(transformed) + "}";
    j += ",\"cloudAdoption\":{\"enterprises\":" + std::to_string(cloud) +
         ",\"known\":" + std::to_string(cloud_known) + ",\"share\":" + Share(cloud, enrolled) + "}";
    const std::string share = Share(above_size_level2, above_size);
    j += ",\"level2OrAbove\":{\"aboveSizeEnterprises\":" + std::to_string(above_size) +
         ",\"atLevel2OrAbove\":" + std::to_string(above_size_level2) +
         ",\"levelUnknown\":" + std::to_string(above_size_level_unknown) + ",\"share\":" + share +
         ",\"target\":90.0,\"meetsTarget\":" +
         (above_size > 0 && 100.0 * above_size_level2 >= kTargetShare * above_size ? "true"
                                                                                   : "false") +
         "}";
    j += ",\"smallFastLightPrecise\":{\"products\":" + std::to_string(products.size()) +
         ",\"names\":" + List({products.begin(), products.end()}) + "}";
    std::vector<std::string> sorted_models = models;
    std::sort(sorted_models.begin(), sorted_models.end());
    j += ",\"modelEnterprises\":{\"count\":" + std::to_string(models.size()) +
         ",\"names\":" + List(sorted_models) + "}";
    j += ",\"providers\":[";
    bool first = true;
    for (const auto& [code, counts] : by_provider) {
      const Provider* provider = engine.FindProvider(code);
      j += std::string(first ? "" : ",") + "{\"creditCode\":" + Quote(code) +
           ",\"name\":" + Quote(provider != nullptr ? provider->name : "") +
           ",\"enterprises\":" + std::to_string(counts.first) +
           ",\"transformed\":" + std::to_string(counts.second) + "}";
      first = false;
    }
    return j + "]";
  }
};

std::string ProviderJson(const Engine& engine, const Provider& provider) {
  int enterprises = 0, contracted = 0, transformed = 0;
  int satisfied = 0, basically = 0, dissatisfied = 0;
  for (const auto& [code, project] : engine.projects()) {
    if (project.provider_code != provider.code) continue;
    ++enterprises;
    contracted += project.contract_signed_on ? 1 : 0;
    transformed += Transformed(project.state) ? 1 : 0;
    if (project.satisfaction) {
      switch (*project.satisfaction) {
        case Satisfaction::kSatisfied:
          ++satisfied;
          break;
        case Satisfaction::kBasicallySatisfied:
          ++basically;
          break;
        case Satisfaction::kDissatisfied:
          ++dissatisfied;
          break;
      }
    }
  }
  int warnings = 0;
  for (const Warning& warning : provider.warnings) warnings += warning.Effective() ? 1 : 0;
  std::string stars = "null";
  std::string period = "null";
  if (!provider.ratings.empty()) {
    stars = std::to_string(static_cast<int>(provider.ratings.back().result.stars));
    period = Quote(provider.ratings.back().period);
  }
  return "{\"creditCode\":" + Quote(provider.code) + ",\"name\":" + Quote(provider.name) +
         ",\"state\":" + Quote(ProviderStateName(provider.state)) +
         ",\"subIndustries\":" + List(provider.sub_industries_listed) +
         ",\"enterprises\":" + std::to_string(enterprises) +
         ",\"contracted\":" + std::to_string(contracted) +
         ",\"transformed\":" + std::to_string(transformed) +
         ",\"satisfaction\":{\"satisfied\":" + std::to_string(satisfied) +
         ",\"basicallySatisfied\":" + std::to_string(basically) +
         ",\"dissatisfied\":" + std::to_string(dissatisfied) + "}" +
         ",\"warnings\":" + std::to_string(warnings) + ",\"stars\":" + stars +
         ",\"ratingPeriod\":" + period +
         ",\"feesWithheld\":" + (provider.fees_withheld ? "true" : "false") + "}";
}

}  // namespace

void AddFormFigures(DashboardFigures& figures, const std::string& form_type,
                    const std::string& xml) {
  if (form_type != "diagnostic-report" && form_type != "transformation-plan" &&
      form_type != "acceptance-conclusion" && form_type != "decision") {
    return;
  }
  Form f(form_type, xml);
  const Element* root = f.root();
  if (form_type == "decision") {
    const Element* closure = Form::Child(root, "closure");
    if (closure == nullptr) return;
    const std::string code = f.Text(root, {"subject", "creditCode"});
    figures.enterprises[code].model_enterprise = f.BoolAt(closure, {"modelEnterprise"});
    return;
  }
  const std::string code = f.Text(root, {"enterprise", "creditCode"});
  EnterpriseFigures& e = figures.enterprises[code];
  if (form_type == "diagnostic-report") {
    e.level_before = f.IntAt(root, {"currentLevel"}, 0, 4);
  } else if (form_type == "transformation-plan") {
    // A later plan (a returned one filed again) replaces the earlier one's figures.
    e.cloud = false;
    e.small_fast_light_precise.clear();
    for (const Element* line : Form::Children(f.Find(root, {"costs"}), "line")) {
      e.cloud = e.cloud || f.OptionalAttribute(line, "category") == "cloud";
    }
    for (const Element* item : Form::Children(f.Find(root, {"items"}), "item")) {
      for (const Element* product : Form::Children(item, "product")) {
        const std::string flag = f.OptionalAttribute(product, "smallFastLightPrecise");
        if (flag == "true" || flag == "1") {
          e.small_fast_light_precise.insert(Form::TextOf(product));
        }
      }
    }
  } else if (form_type == "acceptance-conclusion") {
    if (Form::TextOf(Form::Child(root, "result")) == "通过") {
      e.level_after = f.IntAt(root, {"level"}, 0, 4);
    }
  }
}

std::string DashboardJson(const Engine& engine, Date on, const DashboardFigures& figures) {
  Tally total;
  std::map<std::string, Tally> by_industry;
  std::vector<std::string> missing;
  for (const auto& [code, project] : engine.projects()) {
    auto it = figures.enterprises.find(code);
    const EnterpriseFigures* f = it == figures.enterprises.end() ? nullptr : &it->second;
    total.Add(project, f);
    by_industry[project.sub_industry].Add(project, f);
    if (project.scale == Scale::kAboveDesignatedSize && !LevelOf(project, f)) {
      missing.push_back("level:" + code);
    }
    if (f == nullptr) missing.push_back("figures:" + code);
  }
  std::string j = "{\"asOf\":" + Quote(FormatDate(on)) + ",\"targetLevel2Share\":90.0";
  j += ",\"totals\":{" + total.Json(engine) + "}";
  j += ",\"subIndustries\":[";
  bool first = true;
  for (const char* name : kSubIndustries) {
    j += std::string(first ? "" : ",") + "{\"name\":" + Quote(name) + "," +
         by_industry[name].Json(engine) + "}";
    first = false;
  }
  j += "],\"providers\":[";
  first = true;
  for (const auto& [code, provider] : engine.providers()) {
    j += (first ? "" : ",") + ProviderJson(engine, provider);
    first = false;
  }
  j += "],\"missing\":" + List(missing) + "}";
  return j;
}

}  // namespace sealflow::workflow
