// Copyright sealflow authors.
// The city dashboard: counts per sub-industry from the engine, levels, cloud adoption, 小快轻准
// products and model enterprises from the documents' figures, each provider's numbers, and what
// is missing when a figure is unknown.
#include "workflow/dashboard.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <string>

#include "support/test_support.h"
#include "workflow_fixture.h"

namespace sealflow::workflow {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;
using testing::D;
using testing::kEnterprise;
using testing::kEnterprise2;
using testing::kProvider;

std::string Example(const std::string& type) {
  return ReadFile(SourcePath("xml-schemas/examples/" + type + ".xml"));
}

using sealflow::testing::ReplaceAll;

Object::Ptr Parse(const std::string& json) {
  Poco::JSON::Parser parser;
  return parser.parse(json).extract<Object::Ptr>();
}

Object::Ptr SubIndustry(const Object::Ptr& dashboard, const std::string& name) {
  Array::Ptr list = dashboard->getArray("subIndustries");
  for (std::size_t i = 0; i < list->size(); ++i) {
    Object::Ptr item = list->getObject(static_cast<unsigned>(i));
    if (item->getValue<std::string>("name") == name) return item;
  }
  ADD_FAILURE() << "no sub-industry " << name;
  return nullptr;
}

class DashboardTest : public testing::WorkflowFixture {};

TEST_F(DashboardTest, EmptyEngineHasEverySubIndustryWithZeros) {
  Object::Ptr d = Parse(DashboardJson(engine_, D(2026, 1, 1)));
  EXPECT_EQ(d->getValue<std::string>("asOf"), "2026-01-01");
  Array::Ptr list = d->getArray("subIndustries");
  ASSERT_EQ(list->size(), 4u);
  EXPECT_EQ(list->getObject(0)->getValue<std::string>("name"), "起重装备");
  EXPECT_EQ(list->getObject(3)->getValue<std::string>("name"), "新型化工");
  Object::Ptr crane = SubIndustry(d, "起重装备");
  EXPECT_EQ(crane->getObject("enterprises")->getValue<int>("enrolled"), 0);
  EXPECT_TRUE(crane->getObject("level2OrAbove")->isNull("share"));
  EXPECT_FALSE(crane->getObject("level2OrAbove")->getValue<bool>("meetsTarget"));
  EXPECT_EQ(d->getArray("missing")->size(), 0u);
}

TEST_F(DashboardTest, CountsFiguresAndProviders) {
  ListProvider();
  AcceptProject(kEnterprise);    // above size, transformed
  ApproveProject(kEnterprise2);  // above size, in progress
  Must(Enrollment{"ENR-BELOW", D(2026, 2, 1), "91410727MA45C8PQ2U", "封丘县金鼎汽车配件有限公司",
                  "汽车零部件", Scale::kBelowDesignatedSize},
       D(2026, 2, 1));

  DashboardFigures figures;
  // kEnterprise: diagnosed at level 2 (the example), a plan with cloud lines and six 小快轻准
  // products, level 3 at acceptance, named a model enterprise at closure.
  AddFormFigures(figures, "diagnostic-report", Example("diagnostic-report"));
  AddFormFigures(figures, "transformation-plan", Example("transformation-plan"));
  AddFormFigures(
      figures, "acceptance-conclusion",
      ReplaceAll(ReplaceAll(Example("acceptance-conclusion"), "91410700174312586E", kEnterprise),
                 "<level>2</level>", "<level>3</level>"));
  AddFormFigures(figures, "decision",
                 ReplaceAll(Example("decision"),
                            "  <planDecision>\n    <plan>PLN-2026-0001</plan>\n    <planHash>"
                            "9b1e7c04d2a35f86e0c4b71d93a2e58f6c0d14b7a9e3f25c8d6b0a17e4f9c2d1"
                            "</planHash>\n    <approved>true</approved>\n  </planDecision>",
                            "<closure><modelEnterprise>true</modelEnterprise></closure>"));
  // kEnterprise2: diagnosed at level 1, no plan figures yet.
  AddFormFigures(
      figures, "diagnostic-report",
      ReplaceAll(ReplaceAll(Example("diagnostic-report"), "91410700MA46B7HW2D", kEnterprise2),
                 "<currentLevel>2</currentLevel>", "<currentLevel>1</currentLevel>"));
  // Forms without figures add nothing.
  AddFormFigures(figures, "contract", Example("contract"));
  ASSERT_EQ(figures.enterprises.size(), 2u);
  EXPECT_EQ(figures.enterprises[kEnterprise].level_before, 2);
  EXPECT_EQ(figures.enterprises[kEnterprise].level_after, 3);
  EXPECT_TRUE(figures.enterprises[kEnterprise].cloud);
  EXPECT_EQ(figures.enterprises[kEnterprise].small_fast_light_precise.size(), 6u);
  EXPECT_TRUE(figures.enterprises[kEnterprise].model_enterprise);

  const std::string json = DashboardJson(engine_, D(2026, 12, 1), figures);
  EXPECT_EQ(json, DashboardJson(engine_, D(2026, 12, 1), figures));  // deterministic
  Object::Ptr d = Parse(json);
  Object::Ptr crane = SubIndustry(d, "起重装备");
  Object::Ptr enterprises = crane->getObject("enterprises");
  EXPECT_EQ(enterprises->getValue<int>("enrolled"), 2);
  EXPECT_EQ(enterprises->getValue<int>("aboveSize"), 2);
  EXPECT_EQ(enterprises->getValue<int>("inProgress"), 1);
  EXPECT_EQ(enterprises->getValue<int>("transformed"), 1);
  Object::Ptr level = crane->getObject("level2OrAbove");
  EXPECT_EQ(level->getValue<int>("atLevel2OrAbove"), 1);  // level 3 after; the other at 1
  EXPECT_DOUBLE_EQ(level->getValue<double>("share"), 50.0);
  EXPECT_FALSE(level->getValue<bool>("meetsTarget"));
  EXPECT_EQ(crane->getObject("cloudAdoption")->getValue<int>("enterprises"), 1);
  EXPECT_EQ(crane->getObject("smallFastLightPrecise")->getValue<int>("products"), 6);
  EXPECT_EQ(crane->getObject("modelEnterprises")->getValue<int>("count"), 1);
  Array::Ptr crane_providers = crane->getArray("providers");
  ASSERT_EQ(crane_providers->size(), 1u);
  EXPECT_EQ(crane_providers->getObject(0)->getValue<int>("enterprises"), 2);
  EXPECT_EQ(crane_providers->getObject(0)->getValue<int>("transformed"), 1);

  Object::Ptr parts = SubIndustry(d, "汽车零部件");
  EXPECT_EQ(parts->getObject("enterprises")->getValue<int>("belowSize"), 1);
  EXPECT_EQ(parts->getObject("level2OrAbove")->getValue<int>("aboveSizeEnterprises"), 0);

  Object::Ptr totals = d->getObject("totals");
  EXPECT_EQ(totals->getObject("enterprises")->getValue<int>("enrolled"), 3);

  Array::Ptr providers = d->getArray("providers");
  ASSERT_EQ(providers->size(), 1u);
  Object::Ptr p = providers->getObject(0);
  EXPECT_EQ(p->getValue<std::string>("creditCode"), kProvider);
  EXPECT_EQ(p->getValue<std::string>("state"), "listed");
  EXPECT_EQ(p->getValue<int>("enterprises"), 2);
  EXPECT_EQ(p->getValue<int>("contracted"), 1);
  EXPECT_EQ(p->getValue<int>("transformed"), 1);
  EXPECT_EQ(p->getValue<int>("warnings"), 0);
  EXPECT_TRUE(p->isNull("stars"));

  // The below-size enterprise has no documents' figures: named as missing.
  Array::Ptr missing = d->getArray("missing");
  ASSERT_EQ(missing->size(), 1u);
  EXPECT_EQ(missing->getElement<std::string>(0), "figures:91410727MA45C8PQ2U");
}

TEST_F(DashboardTest, AboveSizeWithoutLevelIsMissingAndTargetIsMetAt90Percent) {
  ListProvider();
  AcceptProject(kEnterprise);
  Object::Ptr d = Parse(DashboardJson(engine_, D(2026, 12, 1)));
  Array::Ptr missing = d->getArray("missing");
  ASSERT_EQ(missing->size(), 2u);
  EXPECT_EQ(missing->getElement<std::string>(0), std::string("level:") + kEnterprise);
  EXPECT_EQ(SubIndustry(d, "起重装备")->getObject("level2OrAbove")->getValue<int>("levelUnknown"),
            1);

  DashboardFigures figures;
  figures.enterprises[kEnterprise].level_after = 2;
  Object::Ptr met = Parse(DashboardJson(engine_, D(2026, 12, 1), figures));
  Object::Ptr level = SubIndustry(met, "起重装备")->getObject("level2OrAbove");
  EXPECT_DOUBLE_EQ(level->getValue<double>("share"), 100.0);
  EXPECT_TRUE(level->getValue<bool>("meetsTarget"));
}

TEST_F(DashboardTest, AReplacedPlanReplacesItsFigures) {
  DashboardFigures figures;
  AddFormFigures(figures, "transformation-plan", Example("transformation-plan"));
  std::string plan =
      ReplaceAll(Example("transformation-plan"), "category=\"cloud\"", "category=\"software\"");
  plan = ReplaceAll(plan, "smallFastLightPrecise=\"true\"", "smallFastLightPrecise=\"false\"");
  AddFormFigures(figures, "transformation-plan", plan);
  EXPECT_FALSE(figures.enterprises[kEnterprise].cloud);
  EXPECT_TRUE(figures.enterprises[kEnterprise].small_fast_light_precise.empty());
  EXPECT_THROW(AddFormFigures(figures, "transformation-plan", "<transformation-plan"), FactsError);
}

}  // namespace
}  // namespace sealflow::workflow
