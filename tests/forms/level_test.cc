// Copyright sealflow authors.
// The digital level computation on its edges: exactly at each threshold, one gate short of it.
#include "forms/level.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "forms/error.h"
#include "support/test_support.h"

namespace sealflow::forms {
namespace {

const std::vector<std::string> kConstraint = {"process-design", "scheduling", "production-control",
                                              "quality",        "equipment",  "safety",
                                              "energy",         "warehousing"};
const std::vector<std::string> kOther = {"product-design", "marketing",       "after-sales",
                                         "procurement",    "finance",         "human-resources",
                                         "collaboration",  "decision-support"};

class LevelTest : public ::testing::Test {
 protected:
  void SetUp() override { model_ = LevelModel::LoadDefault(); }

  // A total score spread over the items in model order, and `constraint` + `other` scenes graded
  // `grade` (the rest graded 1 below it, or not assessed when grade is 1).
  LevelInput Input(double score, int grade, int constraint, int other) const {
    LevelInput input;
    double left = score;
    for (const auto& item : model_->items()) {
      double take = std::min(left, item.max_score);
      input.item_scores[item.code] = take;
      left -= take;
    }
    for (int i = 0; i < 8; ++i) {
      if (i < constraint)
        input.scene_grades[kConstraint[static_cast<std::size_t>(i)]] = grade;
      else if (grade > 1)
        input.scene_grades[kConstraint[static_cast<std::size_t>(i)]] = grade - 1;
      if (i < other)
        input.scene_grades[kOther[static_cast<std::size_t>(i)]] = grade;
      else if (grade > 1)
        input.scene_grades[kOther[static_cast<std::size_t>(i)]] = grade - 1;
    }
    return input;
  }

  std::unique_ptr<LevelModel> model_;
};

TEST_F(LevelTest, ModelIsThe2024Indicators) {
  EXPECT_EQ(model_->version(), "2024");
  EXPECT_EQ(model_->items().size(), 9u);
  EXPECT_EQ(model_->scenes().size(), 16u);
  double total = 0;
  for (const auto& item : model_->items()) total += item.max_score;
  EXPECT_DOUBLE_EQ(total, 100);
  ASSERT_EQ(model_->thresholds().size(), 4u);
  EXPECT_EQ(model_->thresholds()[3].min_scenes, 10);
}

TEST_F(LevelTest, ExactlyAtEachThreshold) {
  EXPECT_EQ(model_->Assess(Input(20, 1, 3, 3)).level, 1);
  EXPECT_EQ(model_->Assess(Input(40, 2, 3, 3)).level, 2);
  EXPECT_EQ(model_->Assess(Input(60, 3, 5, 3)).level, 3);
  LevelAssessment top = model_->Assess(Input(80, 4, 6, 4));
  EXPECT_EQ(top.level, 4) << top.Explanation();
  EXPECT_TRUE(top.ok());
  EXPECT_DOUBLE_EQ(top.total_score, 80);
}

TEST_F(LevelTest, JustBelowTheScoreThreshold) {
  LevelAssessment a = model_->Assess(Input(59.99, 3, 5, 3));
  EXPECT_EQ(a.level, 2);
  EXPECT_FALSE(a.gates[2].score_ok);
  EXPECT_NE(a.Explanation().find("score below 60"), std::string::npos) << a.Explanation();
  EXPECT_EQ(model_->Assess(Input(19.99, 1, 8, 8)).level, 0);
}

TEST_F(LevelTest, ScorePassesButTheSceneGateFails) {
  // 95 points, but only 7 scenes at level 3 (of which 5 constraint): level 2.
  LevelAssessment a = model_->Assess(Input(95, 3, 5, 2));
  EXPECT_EQ(a.level, 2);
  EXPECT_TRUE(a.gates[2].score_ok);
  EXPECT_FALSE(a.gates[2].scenes_ok);
  EXPECT_TRUE(a.gates[2].constraint_ok);
  EXPECT_NE(a.Explanation().find("7 scenes at level 3, fewer than 8"), std::string::npos)
      << a.Explanation();
}

TEST_F(LevelTest, ConstraintScenesMissing) {
  // 10 scenes at level 4 and 90 points, but only 5 constraint scenes among them: level 3.
  LevelAssessment a = model_->Assess(Input(90, 4, 5, 5));
  EXPECT_EQ(a.level, 3);
  EXPECT_TRUE(a.gates[3].scenes_ok);
  EXPECT_FALSE(a.gates[3].constraint_ok);
  EXPECT_NE(a.Explanation().find("5 constraint scenes at level 4, fewer than 6"), std::string::npos)
      << a.Explanation();
  // No constraint scene assessed at all: not even level 1, whatever the score.
  LevelInput none = Input(100, 4, 0, 8);
  for (const auto& code : kConstraint) none.scene_grades.erase(code);
  LevelAssessment zero = model_->Assess(none);
  EXPECT_EQ(zero.level, 0);
  EXPECT_FALSE(zero.gates[0].constraint_ok);
}

TEST_F(LevelTest, InputErrorsAreFindings) {
  LevelInput input = Input(50, 2, 4, 4);
  input.item_scores["equipment-systems"] = 21;  // maximum 20
  input.item_scores["no-such-item"] = 1;
  input.scene_grades["quality"] = 5;  // grades are 1..4
  input.scene_grades["no-such-scene"] = 2;
  LevelAssessment a = model_->Assess(input);
  EXPECT_EQ(a.findings.size(), 4u);
  EXPECT_FALSE(a.ok());
}

TEST(LevelModelLoad, InconsistentModelIsRefused) {
  sealflow::testing::TempDir dir;
  std::string model = sealflow::testing::ReadFile(
      sealflow::testing::SourcePath("xml-schemas/models/indicators-2024.xml"));
  sealflow::testing::WriteFile(dir.File("indicator-model.xsd"),
                               sealflow::testing::ReadFile(sealflow::testing::SourcePath(
                                   "xml-schemas/models/indicator-model.xsd")));
  std::string broken = model;
  broken.replace(broken.find("maxScore=\"20\""), 13, "maxScore=\"25\"");
  sealflow::testing::WriteFile(dir.File("broken.xml"), broken);
  EXPECT_THROW(LevelModel::Load(dir.File("broken.xml")), FormsError);
  sealflow::testing::WriteFile(dir.File("ok.xml"), model);
  EXPECT_NO_THROW(LevelModel::Load(dir.File("ok.xml")));
  EXPECT_THROW(LevelModel::Load(dir.File("missing.xml")), FormsError);
}

}  // namespace
}  // namespace sealflow::forms
