// Copyright sealflow authors.
// 举报: the example renders; real-name reporting under Art. 18.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "form_test_util.h"
#include "forms/inspect.h"
#include "forms/renderer.h"
#include "support/test_support.h"

namespace sealflow::forms {
namespace {

using namespace sealflow::forms::testutil;  // NOLINT(build/namespaces)

using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;
using sealflow::testing::TempDir;
using sealflow::testing::WriteFile;

std::string Example() { return ReadFile(SourcePath("xml-schemas/examples/report.xml")); }

TEST(ReportTest, ExampleRendersWithTheReporterAndTheProvider) {
  TempDir dir;
  RenderResult result;
  const std::string xml = Example();
  std::string text = RenderAndCheck(xml, result, dir, "report");
  ASSERT_TRUE(result.report.ok());
  for (const char* expected :
       {"数字化服务商实名举报表", "陈国栋", "13782561479", "新乡卫辉数智工业服务有限公司",
        "91410781MA9GRT1U3D", "不真实", "不准确", "附件3 社保缴纳证明.pdf", "第十八条"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected;
  }
  // The printed copy masks the ID number; the signed XML keeps it.
  EXPECT_EQ(text.find("41070219850312451X"), std::string::npos);
  EXPECT_NE(text.find("4107**********451X"), std::string::npos);
  EXPECT_TRUE(HasField(result, "reporter"));
  FormInfo info = InspectPdf(result.form.pdf);
  EXPECT_EQ(info.party_kind, "provider");
  EXPECT_EQ(info.party_code, "91410781MA9GRT1U3D");
  EXPECT_EQ(info.party_name, "新乡卫辉数智工业服务有限公司");
}

TEST(ReportTest, AnOrganisationMayReport) {
  std::string xml = Replace(Example(), R"(    <person>
      <name>陈国栋</name>
      <idType>居民身份证</idType>
      <idNumber>41070219850312451X</idNumber>
      <phone>13782561479</phone>
      <address>河南省新乡市红旗区向阳路126号</address>
    </person>)",
                            R"(    <organisation>
      <name>新乡市牧野区宏达机电设备有限公司</name>
      <creditCode>91410711MA9KX3QJ1L</creditCode>
      <contactPerson>刘红</contactPerson>
      <phone>0373-5096621</phone>
    </organisation>)");
  TempDir dir;
  RenderResult result;
  std::string text = RenderAndCheck(xml, result, dir, "organisation");
  EXPECT_NE(text.find("新乡市牧野区宏达机电设备有限公司"), std::string::npos);
}

TEST(ReportRulesTest, ReportsAreRealName) {
  ExpectOneFinding(Invalid("report-anonymous.xml"), "phone", {"name"});
  ExpectOneFinding(Invalid("report-without-phone.xml"), "address", {"phone"});
  ExpectOneFinding(Invalid("report-without-evidence.xml"), "date", {"evidence"});
}

TEST(ReportRulesTest, ResidentIdNumbersAreChecked) {
  ExpectOneFinding(Invalid("report-bad-id-check.xml"), "idNumber",
                   {"GB 11643", "应为 X", "第十八条"});
  ExpectOneFinding(Invalid("report-impossible-birth-date.xml"), "idNumber", {"出生日期"});
  ExpectOneFinding(Replace(Example(), "41070219850312451X", "4107021985031245"), "idNumber",
                   {"18位"});
  // Other documents (a passport) are not held to GB 11643.
  std::string passport = Replace(Example(), "<idType>居民身份证</idType>", "<idType>护照</idType>");
  EXPECT_TRUE(
      SharedRenderer().Render(Replace(passport, "41070219850312451X", "E12345678")).report.ok());
}

TEST(ReportRulesTest, AProviderCannotReportItself) {
  ExpectOneFinding(Invalid("report-self-report.xml"), "creditCode", {"第十八条"});
}

}  // namespace
}  // namespace sealflow::forms
