// Copyright sealflow authors.
// The enterprise digital level (数字化水平等级) under the SME Digital Level Evaluation Indicators,
// computed from a diagnostic assessment by a rule that lives in an indicator model file
// (xml-schemas/models/indicators-2024.xml), not in code. The computation explains itself: for
// each level, which gate (score, scenes, constraint scenes) passed or failed.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sealflow::forms {

struct IndicatorItem {
  std::string code, name, dimension;
  double max_score = 0;
};
struct Scene {
  std::string code, name;
  bool constraint = false;  // 约束性场景
};
struct LevelThreshold {
  int level = 0;
  double min_score = 0;
  int min_scenes = 0;             // scenes graded at or above the level
  int min_constraint_scenes = 0;  // of which constraint scenes
};

// What a diagnostic report states: a score per item and a grade (1..maxGrade) per scene.
struct LevelInput {
  std::map<std::string, double> item_scores;  // item code -> score
  std::map<std::string, int> scene_grades;    // scene code -> grade; missing = not assessed
};

struct LevelGate {
  LevelThreshold threshold;
  int scenes_at_level = 0;
  int constraint_scenes_at_level = 0;
  bool score_ok = false, scenes_ok = false, constraint_ok = false;
  bool passed() const { return score_ok && scenes_ok && constraint_ok; }
};

struct LevelAssessment {
  int level = 0;  // 0: below level 1
  double total_score = 0;
  std::vector<LevelGate> gates;       // one per level of the rule, ascending
  std::vector<std::string> findings;  // input errors (unknown code, score over maximum, ...)
  bool ok() const { return findings.empty(); }
  // One line in Chinese and English saying which gate decided the level.
  std::string Explanation() const;
};

// Thread safety: immutable after Load(); Assess() may run concurrently.
class LevelModel {
 public:
  // Loads and validates a model file against indicator-model.xsd in the same folder.
  // Throws FormsError(kSchemaLoad) if the file is unreadable, invalid, or inconsistent (item
  // maxima not adding up to their dimension, levels not ascending).
  static std::unique_ptr<LevelModel> Load(const std::string& path);
  // The shipped 2024 model: <schema dir>/models/indicators-2024.xml.
  static std::unique_ptr<LevelModel> LoadDefault();

  LevelModel(const LevelModel&) = delete;
  LevelModel& operator=(const LevelModel&) = delete;
  ~LevelModel();

  const std::string& version() const;
  const std::vector<IndicatorItem>& items() const;
  const std::vector<Scene>& scenes() const;
  const std::vector<LevelThreshold>& thresholds() const;
  int max_grade() const;

  // Findings for unknown item/scene codes, scores outside 0..max, grades outside 1..maxGrade; the
  // level is still computed from the valid part so the explanation is useful.
  LevelAssessment Assess(const LevelInput& input) const;

 private:
  struct Data;
  explicit LevelModel(std::unique_ptr<Data> data);
  std::unique_ptr<Data> data_;
};

}  // namespace sealflow::forms
