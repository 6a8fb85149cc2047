// Copyright sealflow authors.
// The code rules read values as views into the parsed tree when a value is one text node, and
// assemble it otherwise (forms/src/xml_util.h TextView/AttributeView). A value written in pieces
// — CDATA, a comment in the middle, a character reference — must give the same findings as the
// plain spelling.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "forms/validator.h"
#include "support/test_support.h"

namespace sealflow::forms {
namespace {

using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;

using sealflow::testing::Replace;

// Findings as line, element and message (the spelling changes no line).
std::string Summary(const ValidationReport& report) {
  std::string out;
  for (const Finding& finding : report.findings) {
    out += std::to_string(finding.line) + " " + finding.element + ": " + finding.message + "\n";
  }
  return out;
}

class RuleValuesTest : public ::testing::Test {
 protected:
  void SetUp() override { validator_ = Validator::Create(); }
  std::string Read(const std::string& path) { return ReadFile(SourcePath("xml-schemas/" + path)); }
  std::unique_ptr<Validator> validator_;
};

TEST_F(RuleValuesTest, DiagnosticLevelInPiecesIsStillCompared) {
  std::string xml = Read("examples/invalid/diagnostic-report-level-mismatch.xml");
  ValidationReport plain = validator_->Validate(xml);
  ASSERT_FALSE(plain.ok());
  for (const std::string& spelling : {std::string("<currentLevel><![CDATA[3]]></currentLevel>"),
                                      std::string("<currentLevel><!-- 声明 -->3</currentLevel>"),
                                      std::string("<currentLevel>&#51;</currentLevel>")}) {
    SCOPED_TRACE(spelling);
    std::string pieces = Replace(xml, "<currentLevel>3</currentLevel>", spelling);
    EXPECT_EQ(Summary(validator_->Validate(pieces)), Summary(plain));
  }
}

TEST_F(RuleValuesTest, DiagnosticCodesAndDatesInPiecesReadTheSame) {
  std::string xml = Read("examples/diagnostic-report.xml");
  ASSERT_TRUE(validator_->Validate(xml).ok());
  // A character reference in an item code and a scene code; a date around a comment.
  std::string pieces = Replace(xml, "code=\"planning\"", "code=\"plan&#110;ing\"");
  pieces = Replace(pieces, "code=\"marketing\"", "code=\"mar&#x6B;eting\"");
  pieces = Replace(pieces, "<end>2026-03-13</end>", "<end>2026-03<!-- x -->-13</end>");
  ValidationReport report = validator_->Validate(pieces);
  EXPECT_TRUE(report.ok()) << FormatFindings(report);
  // And a date in pieces that ends before the start is still found.
  std::string early = Replace(xml, "<end>2026-03-13</end>", "<end>2026-03<!-- x -->-01</end>");
  report = validator_->Validate(early);
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, "end");
  EXPECT_NE(report.findings[0].message.find("2026-03-01"), std::string::npos);
}

TEST_F(RuleValuesTest, PlanAmountsInPiecesAreStillAdded) {
  std::string xml = Read("examples/invalid/transformation-plan-costs-do-not-add-up.xml");
  ValidationReport plain = validator_->Validate(xml);
  ASSERT_FALSE(plain.ok());
  std::string pieces = Replace(xml, "<amount>", "<amount><![CDATA[");
  auto end = pieces.find("</amount>");
  ASSERT_NE(end, std::string::npos);
  pieces.insert(end, "]]>");
  EXPECT_EQ(Summary(validator_->Validate(pieces)), Summary(plain));

  std::string valid = Read("examples/transformation-plan.xml");
  pieces = Replace(valid, "<amount>168000.00</amount>", "<amount>168<!-- 万 -->000.00</amount>");
  ValidationReport report = validator_->Validate(pieces);
  EXPECT_TRUE(report.ok()) << FormatFindings(report);
}

}  // namespace
}  // namespace sealflow::forms
