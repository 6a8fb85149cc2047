// Copyright sealflow authors.
// 数字化改造合同 (contract): the example validates and renders; the rules of Art. 11 and
// Art. 12(3) — no charge before signing, milestones adding up to the cent, no subcontracting,
// signed per the approved plan — each have a test at their edges.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "form_test_util.h"
#include "forms/inspect.h"
#include "forms/renderer.h"
#include "forms/validator.h"
#include "support/test_support.h"

namespace sealflow::forms {
namespace {

using testutil::Replace;

using sealflow::testing::CommandResult;
using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;
using sealflow::testing::TempDir;
using sealflow::testing::WriteFile;

const char kPlanHash[] = "fc437404a6b56972abee39cc6ded73c95d2de118769726a9ff0dcf6699bd91a6";

std::string Example() { return ReadFile(SourcePath("xml-schemas/examples/contract.xml")); }

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ContractTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    validator_ = Validator::Create().release();
    RendererOptions options;
    options.clock = sealflow::testing::FixedNow;
    renderer_ = Renderer::Create(options).release();
  }
  static void TearDownTestSuite() {
    delete renderer_;
    delete validator_;
    renderer_ = nullptr;
    validator_ = nullptr;
  }
  ValidationReport Validate(const std::string& xml) { return validator_->Validate(xml); }
  // Renders xml, which must be valid, and returns its text layer (pdftotext).
  std::string RenderText(const std::string& xml) {
    RenderResult result = renderer_->Render(xml);
    EXPECT_TRUE(result.report.ok()) << FormatFindings(result.report);
    WriteFile(dir_.File("c.pdf"), result.form.pdf);
    CommandResult text =
        sealflow::testing::Run("pdftotext -enc UTF-8 " + dir_.File("c.pdf") + " -");
    EXPECT_EQ(text.exit_code, 0) << text.output;
    return text.output;
  }
  // The example with its four milestones replaced by one of `amount`, and `amount` as the total.
  static std::string WithAmount(const std::string& amount) {
    std::string xml =
        Replace(Example(), "<amount>1286000.00</amount>", "<amount>" + amount + "</amount>");
    auto begin = xml.find("<payments>");
    auto end = xml.find("</payments>");
    xml.replace(begin, end - begin,
                "<payments>\n    <milestone><date>2026-04-20</date><amount>" + amount +
                    "</amount><condition>一次性支付</condition></milestone>\n  ");
    return xml;
  }
  static Validator* validator_;
  static Renderer* renderer_;
  TempDir dir_;
};
Validator* ContractTest::validator_ = nullptr;
Renderer* ContractTest::renderer_ = nullptr;

TEST_F(ContractTest, ExampleValidates) {
  ValidationReport report = Validate(Example());
  EXPECT_TRUE(report.ok()) << FormatFindings(report);
  EXPECT_EQ(report.form_type, "contract");
  EXPECT_EQ(report.schema_version, "1.0");
}

TEST_F(ContractTest, RendersAndReadsBack) {
  const std::string xml = Example();
  RenderResult result = renderer_->Render(xml);
  ASSERT_TRUE(result.report.ok()) << FormatFindings(result.report);
  EXPECT_EQ(result.form.form_type, "contract");
  EXPECT_EQ(result.form.document_id, "CON-2026-0001");
  EXPECT_GE(result.form.page_count, 2);
  EXPECT_LE(result.form.page_count, 3);
  const std::string pdf = dir_.File("contract.pdf");
  WriteFile(pdf, result.form.pdf);

  CommandResult text = sealflow::testing::Run("pdftotext -enc UTF-8 " + pdf + " -");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  for (const char* expected :
       {"数字化改造合同", "CON-2026-0001", "新乡市恒泰起重机械有限公司", "91410700MA9GQ3TX22",
        "新乡市牧野智造数字科技有限公司", "91410700MA45KJ2R7F", "PLN-2026-0003", kPlanHash,
        "1,286,000.00 元", "壹佰贰拾捌万陆仟元整", "385,800.00 元", "128,600.00 元",
        "2026年4月15日", "生产管控", "设备管理", "六、不得转包（第十一条）", "甲方（试点企业）盖章",
        "乙方（服务商）盖章"}) {
    EXPECT_TRUE(Contains(text.output, expected)) << expected;
  }

  CommandResult save =
      sealflow::testing::Run("pdfdetach -save 1 -o " + dir_.File("source.xml") + " " + pdf);
  ASSERT_EQ(save.exit_code, 0) << save.output;
  EXPECT_TRUE(ReadFile(dir_.File("source.xml")) == xml) << "embedded XML differs";

  CommandResult check = sealflow::testing::Run("qpdf --check " + pdf);
  EXPECT_EQ(check.exit_code, 0) << check.output;

  FormInfo info = InspectPdf(result.form.pdf);
  EXPECT_EQ(info.form_type, "contract");
  EXPECT_EQ(info.document_id, "CON-2026-0001");
  EXPECT_EQ(info.party_kind, "enterprise");
  EXPECT_EQ(info.party_code, "91410700MA9GQ3TX22");
  EXPECT_EQ(info.party_name, "新乡市恒泰起重机械有限公司");

  std::vector<std::string> names;
  for (const SignatureBlock& block : result.form.signature_blocks) {
    names.push_back(block.field_name);
    EXPECT_EQ(block.page, result.form.page_count - 1);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"enterprise", "provider"}));
  EXPECT_EQ(result.form.signature_blocks[0].label, "甲方（试点企业）盖章");
  EXPECT_EQ(result.form.signature_blocks[1].label, "乙方（服务商）盖章");
}

TEST_F(ContractTest, AmountInUppercaseChinese) {
  struct Case {
    const char* amount;
    const char* uppercase;
  };
  for (const Case& c : {Case{"1000000.05", "壹佰万元零伍分"},
                        Case{"100010.50", "壹拾万零壹拾元伍角"}, Case{"20300.00", "贰万零叁佰元整"},
                        Case{"0.30", "叁角"}, Case{"100000000.00", "壹亿元整"}}) {
    SCOPED_TRACE(c.amount);
    EXPECT_TRUE(
        Contains(RenderText(WithAmount(c.amount)), std::string("（大写：") + c.uppercase + "）"));
  }
}

TEST_F(ContractTest, PaymentOnTheSigningDateIsAllowed) {
  // The example's first milestone falls on the signing day itself.
  std::string xml = Example();
  ASSERT_TRUE(Contains(xml, "<signedOn>2026-04-15</signedOn>"));
  ASSERT_TRUE(Contains(xml, "<date>2026-04-15</date>"));
  EXPECT_TRUE(Validate(xml).ok());
}

TEST_F(ContractTest, PaymentBeforeSigningCitesArticleEleven) {
  ValidationReport report =
      Validate(Replace(Example(), "<date>2026-04-15</date>", "<date>2026-04-14</date>"));
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, "date");
  EXPECT_TRUE(Contains(report.findings[0].message, "第十一条"));
  EXPECT_TRUE(Contains(report.findings[0].message, "不得在合同签订之前提前向企业收费"));
  EXPECT_TRUE(Contains(report.findings[0].message, "Art. 11"));
}

TEST_F(ContractTest, MilestonesMustAddUpToTheCent) {
  for (const char* off : {"128600.01", "128599.99"}) {
    SCOPED_TRACE(off);
    ValidationReport report = Validate(Replace(Example(), "<amount>128600.00</amount>",
                                               std::string("<amount>") + off + "</amount>"));
    ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
    EXPECT_EQ(report.findings[0].element, "payments");
    EXPECT_TRUE(Contains(report.findings[0].message, "1,286,000.00 元"));
  }
  ValidationReport report =
      Validate(Replace(Example(), "<amount>128600.00</amount>", "<amount>128600.01</amount>"));
  EXPECT_TRUE(Contains(report.findings[0].message, "1,286,000.01 元")) << FormatFindings(report);
  // Trailing zeros and one decimal are the same amount.
  EXPECT_TRUE(
      Validate(Replace(Example(), "<amount>128600.00</amount>", "<amount>128600.0</amount>")).ok());
  EXPECT_TRUE(Validate(WithAmount("0.01")).ok());
}

TEST_F(ContractTest, FollowingANonPlanCitesArticleTwelveThree) {
  ValidationReport report = Validate(
      Replace(Example(), "formType=\"transformation-plan\"", "formType=\"diagnostic-report\""));
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, "follows");
  EXPECT_EQ(report.findings[0].line, 4);
  EXPECT_TRUE(Contains(report.findings[0].message, "第十二条（三）"));
  EXPECT_TRUE(Contains(report.findings[0].message, "按照通过备案审核的改造方案签订合同"));
}

TEST_F(ContractTest, MalformedPlanHashIsASchemaFinding) {
  for (const std::string& hash :
       {std::string(kPlanHash).substr(1),
        std::string("FC437404A6B56972ABEE39CC6DED73C95D2DE118769726A9FF0DCF6699BD91A6"),
        std::string(kPlanHash).substr(0, 63) + "g"}) {
    ValidationReport report = Validate(Replace(Example(), kPlanHash, hash));
    ASSERT_FALSE(report.ok()) << hash;
    EXPECT_EQ(report.findings[0].line, 4) << FormatFindings(report);
    EXPECT_TRUE(Contains(FormatFindings(report), "sha256")) << FormatFindings(report);
  }
}

TEST_F(ContractTest, SubcontractingCitesArticleEleven) {
  ValidationReport denied =
      Validate(Replace(Example(), "<affirmed>true</affirmed>", "<affirmed>false</affirmed>"));
  ASSERT_EQ(denied.findings.size(), 1u) << FormatFindings(denied);
  EXPECT_EQ(denied.findings[0].element, "affirmed");
  EXPECT_TRUE(Contains(denied.findings[0].message, "第十一条：不得擅自转包"));

  ValidationReport declared = Validate(
      Replace(Example(), "</clause>\n  </noSubcontracting>",
              "</clause>\n    <subcontractor><name>新乡市红旗区宏远自动化工程部</name>"
              "<creditCode>91410700706781234D</creditCode><work>设备数据采集终端安装</work>"
              "</subcontractor>\n  </noSubcontracting>"));
  ASSERT_EQ(declared.findings.size(), 1u) << FormatFindings(declared);
  EXPECT_EQ(declared.findings[0].element, "subcontractor");
  EXPECT_TRUE(Contains(declared.findings[0].message, "新乡市红旗区宏远自动化工程部"));
  EXPECT_TRUE(Contains(declared.findings[0].message, "Art. 11"));
}

TEST_F(ContractTest, NoSubcontractingClauseIsRequired) {
  std::string xml = Example();
  auto begin = xml.find("  <noSubcontracting>");
  auto end = xml.find("</noSubcontracting>\n") + std::string("</noSubcontracting>\n").size();
  xml.erase(begin, end - begin);
  ValidationReport report = Validate(xml);
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(Contains(FormatFindings(report), "noSubcontracting")) << FormatFindings(report);
}

TEST_F(ContractTest, TermStartsOnceSignedAndEndsAfterItStarts) {
  EXPECT_TRUE(
      Validate(Replace(Example(), "<start>2026-04-20</start>", "<start>2026-04-15</start>")).ok());
  ValidationReport early =
      Validate(Replace(Example(), "<start>2026-04-20</start>", "<start>2026-04-01</start>"));
  ASSERT_EQ(early.findings.size(), 1u) << FormatFindings(early);
  EXPECT_EQ(early.findings[0].element, "start");
  ValidationReport reversed =
      Validate(Replace(Example(), "<end>2026-10-31</end>", "<end>2026-04-19</end>"));
  ASSERT_EQ(reversed.findings.size(), 1u) << FormatFindings(reversed);
  EXPECT_EQ(reversed.findings[0].element, "end");
}

TEST_F(ContractTest, UnknownSceneAndDuplicateSceneAreSchemaFindings) {
  EXPECT_FALSE(Validate(Replace(Example(), "code=\"scheduling\"", "code=\"blockchain\"")).ok());
  EXPECT_FALSE(Validate(Replace(Example(), "code=\"scheduling\"", "code=\"quality\"")).ok());
}

}  // namespace
}  // namespace sealflow::forms
