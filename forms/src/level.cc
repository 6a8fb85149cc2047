// Copyright sealflow authors.
#include "forms/level.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "forms/error.h"

namespace sealflow::forms {
namespace {

struct XmlDocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
struct SchemaParserFree {
  void operator()(xmlSchemaParserCtxt* c) const { xmlSchemaFreeParserCtxt(c); }
};
struct SchemaFree {
  void operator()(xmlSchema* s) const { xmlSchemaFree(s); }
};
struct ValidFree {
  void operator()(xmlSchemaValidCtxt* c) const { xmlSchemaFreeValidCtxt(c); }
};
using XmlDocPtr = std::unique_ptr<xmlDoc, XmlDocFree>;

std::string Attr(xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  std::string out = value ? reinterpret_cast<const char*>(value) : "";
  xmlFree(value);
  return out;
}

bool Is(xmlNode* node, const char* name) {
  return node->type == XML_ELEMENT_NODE &&
         xmlStrcmp(node->name, reinterpret_cast<const xmlChar*>(name)) == 0;
}

// Collects schema errors of the model file into one message.
void CollectError(void* ctx, xmlError* error) {
  auto* out = static_cast<std::string*>(ctx);
  *out += "line " + std::to_string(error->line) + ": " + (error->message ? error->message : "?");
}

std::string FormatScore(double score) {
  std::ostringstream out;
  out << score;
  return out.str();
}

}  // namespace

struct LevelModel::Data {
  std::string version;
  std::vector<IndicatorItem> items;
  std::vector<Scene> scenes;
  std::vector<LevelThreshold> thresholds;
  int max_grade = 4;
};

LevelModel::LevelModel(std::unique_ptr<Data> data) : data_(std::move(data)) {}
LevelModel::~LevelModel() = default;

std::unique_ptr<LevelModel> LevelModel::LoadDefault() {
  const char* env = std::getenv("SEALFLOW_SCHEMA_DIR");
  std::string dir = env && *env ? env : SEALFLOW_DEFAULT_SCHEMA_DIR;
  return Load(dir + "/models/indicators-2024.xml");
}

std::unique_ptr<LevelModel> LevelModel::Load(const std::string& path) {
  const std::string xsd =
      (std::filesystem::path(path).parent_path() / "indicator-model.xsd").string();
  std::string errors;
  std::unique_ptr<xmlSchemaParserCtxt, SchemaParserFree> parser(
      xmlSchemaNewParserCtxt(xsd.c_str()));
  if (!parser) throw FormsError(FormsErrorCode::kSchemaLoad, "cannot open " + xsd);
  xmlSchemaSetParserStructuredErrors(parser.get(), CollectError, &errors);
  std::unique_ptr<xmlSchema, SchemaFree> schema(xmlSchemaParse(parser.get()));
  if (!schema) throw FormsError(FormsErrorCode::kSchemaLoad, xsd + ": " + errors);

  // A trusted file from our own tree, but parsed as strictly as any input: no network, no DTD
  // entity expansion.
  XmlDocPtr doc(xmlReadFile(path.c_str(), nullptr,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!doc)
    throw FormsError(FormsErrorCode::kSchemaLoad, "指标模型无法解析 / cannot parse " + path);
  std::unique_ptr<xmlSchemaValidCtxt, ValidFree> valid(xmlSchemaNewValidCtxt(schema.get()));
  xmlSchemaSetValidStructuredErrors(valid.get(), CollectError, &errors);
  if (xmlSchemaValidateDoc(valid.get(), doc.get()) != 0) {
    throw FormsError(FormsErrorCode::kSchemaLoad,
                     "指标模型无效 / invalid model " + path + ": " + errors);
  }

  auto data = std::make_unique<Data>();
  xmlNode* root = xmlDocGetRootElement(doc.get());
  data->version = Attr(root, "version");
  for (xmlNode* child = root->children; child; child = child->next) {
    if (Is(child, "dimension")) {
      double dimension_max = std::strtod(Attr(child, "maxScore").c_str(), nullptr), sum = 0;
      for (xmlNode* item = child->children; item; item = item->next) {
        if (!Is(item, "item")) continue;
        IndicatorItem entry{Attr(item, "code"), Attr(item, "name"), Attr(child, "name"),
                            std::strtod(Attr(item, "maxScore").c_str(), nullptr)};
        sum += entry.max_score;
        data->items.push_back(std::move(entry));
      }
      if (std::fabs(sum - dimension_max) > 1e-9) {
        throw FormsError(FormsErrorCode::kSchemaLoad, path + ": items of " + Attr(child, "name") +
                                                          " add up to " + FormatScore(sum) +
                                                          ", not " + FormatScore(dimension_max));
      }
    } else if (Is(child, "scenes")) {
      data->max_grade = std::atoi(Attr(child, "maxGrade").c_str());
      for (xmlNode* scene = child->children; scene; scene = scene->next) {
        if (!Is(scene, "scene")) continue;
        std::string constraint = Attr(scene, "constraint");
        data->scenes.push_back(
            {Attr(scene, "code"), Attr(scene, "name"), constraint == "true" || constraint == "1"});
      }
    } else if (Is(child, "levelRule")) {
      for (xmlNode* level = child->children; level; level = level->next) {
        if (!Is(level, "level")) continue;
        data->thresholds.push_back({std::atoi(Attr(level, "value").c_str()),
                                    std::strtod(Attr(level, "minScore").c_str(), nullptr),
                                    std::atoi(Attr(level, "minScenes").c_str()),
                                    std::atoi(Attr(level, "minConstraintScenes").c_str())});
      }
    }
  }
  for (std::size_t i = 0; i < data->thresholds.size(); ++i) {
    if (data->thresholds[i].level != static_cast<int>(i) + 1) {
      throw FormsError(FormsErrorCode::kSchemaLoad,
                       path + ": levels must be 1, 2, 3 … in ascending order");
    }
  }
  return std::unique_ptr<LevelModel>(new LevelModel(std::move(data)));
}

const std::string& LevelModel::version() const { return data_->version; }
const std::vector<IndicatorItem>& LevelModel::items() const { return data_->items; }
const std::vector<Scene>& LevelModel::scenes() const { return data_->scenes; }
const std::vector<LevelThreshold>& LevelModel::thresholds() const { return data_->thresholds; }
int LevelModel::max_grade() const { return data_->max_grade; }

LevelAssessment LevelModel::Assess(const LevelInput& input) const {
  LevelAssessment out;
  for (const auto& [code, score] : input.item_scores) {
    const IndicatorItem* item = nullptr;
    for (const auto& candidate : data_->items) {
      if (candidate.code == code) item = &candidate;
    }
    if (item == nullptr) {
      out.findings.push_back("未知的评测指标 / unknown indicator item '" + code + "'");
    } else if (!(score >= 0 && score <= item->max_score)) {
      out.findings.push_back(item->name + " 得分 " + FormatScore(score) + " 超出 0–" +
                             FormatScore(item->max_score) + " / score of " + code + " outside 0.." +
                             FormatScore(item->max_score));
    } else {
      out.total_score += score;
    }
  }
  // The valid grade of each scene of the model, by the model's scene index (0: none); looked up
  // once here rather than per level.
  std::vector<int> grades(data_->scenes.size(), 0);
  for (const auto& [code, grade] : input.scene_grades) {
    bool known = false;
    for (const auto& scene : data_->scenes) known |= scene.code == code;
    if (!known) {
      out.findings.push_back("未知的场景 / unknown scene '" + code + "'");
    } else if (grade < 1 || grade > data_->max_grade) {
      out.findings.push_back("场景等级 " + std::to_string(grade) + " 超出 1–" +
                             std::to_string(data_->max_grade) + " / grade of scene " + code +
                             " out of range");
    } else {
      for (std::size_t i = 0; i < data_->scenes.size(); ++i) {
        if (data_->scenes[i].code == code) grades[i] = grade;
      }
    }
  }
  out.gates.reserve(data_->thresholds.size());
  for (const auto& threshold : data_->thresholds) {
    LevelGate gate;
    gate.threshold = threshold;
    for (std::size_t i = 0; i < data_->scenes.size(); ++i) {
      const Scene& scene = data_->scenes[i];
      if (grades[i] == 0 || grades[i] < threshold.level) continue;
      ++gate.scenes_at_level;
      if (scene.constraint) ++gate.constraint_scenes_at_level;
    }
    // Scores are sums of decimals with two places at most; compare with a little tolerance.
    gate.score_ok = out.total_score + 1e-9 >= threshold.min_score;
    gate.scenes_ok = gate.scenes_at_level >= threshold.min_scenes;
    gate.constraint_ok = gate.constraint_scenes_at_level >= threshold.min_constraint_scenes;
    // A level needs every level below it: the first failed gate decides.
    if (gate.passed() && out.level == threshold.level - 1) out.level = threshold.level;
    out.gates.push_back(gate);
  }
  return out;
}

std::string LevelAssessment::Explanation() const {
  std::ostringstream out;
  out << "总分 " << FormatScore(total_score) << "，评定为" << (level == 0 ? "未达一级" : "");
  if (level > 0) out << level << "级";
  const LevelGate* next = nullptr;
  for (const auto& gate : gates) {
    if (gate.threshold.level == level + 1) next = &gate;
  }
  if (next == nullptr) {
    out << "（已达最高等级）/ total " << FormatScore(total_score) << ", level " << level
        << " (the highest)";
    return out.str();
  }
  const LevelThreshold& t = next->threshold;
  std::string zh, en;
  if (!next->score_ok) {
    zh = "总分未达 " + FormatScore(t.min_score);
    en = "score below " + FormatScore(t.min_score);
  } else if (!next->scenes_ok) {
    zh = "达到" + std::to_string(t.level) + "级的场景 " + std::to_string(next->scenes_at_level) +
         " 个，少于 " + std::to_string(t.min_scenes) + " 个";
    en = std::to_string(next->scenes_at_level) + " scenes at level " + std::to_string(t.level) +
         ", fewer than " + std::to_string(t.min_scenes);
  } else {
    zh = "达到" + std::to_string(t.level) + "级的约束性场景 " +
         std::to_string(next->constraint_scenes_at_level) + " 个，少于 " +
         std::to_string(t.min_constraint_scenes) + " 个";
    en = std::to_string(next->constraint_scenes_at_level) + " constraint scenes at level " +
         std::to_string(t.level) + ", fewer than " + std::to_string(t.min_constraint_scenes);
  }
  out << "；未达" << t.level << "级：" << zh << " / total " << FormatScore(total_score)
      << ", level " << level << "; not level " << t.level << ": " << en;
  return out.str();
}

}  // namespace sealflow::forms
