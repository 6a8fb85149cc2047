// Copyright sealflow authors.
// The validator's "fast short" schema copy also lacks the long maxLength facets (ShortTextType's
// 100 characters, LongTextType's 2000, EmailType's 254, ...), and a document takes that copy only
// when none of its values is that long; else the fast copy, which has them (forms/src/
// validator.cc, ShapeOfValues). These tests pin down that a
// user never sees a difference: every report equals the one from a reference validator whose
// schemas spell those facet values with a leading zero ("0100"), which the validator does not
// take out of its fast copy, so the reference always checks them in libxml2.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "forms/form_types.h"
#include "forms/validator.h"
#include "reference_validator.h"
#include "support/test_support.h"

namespace sealflow::forms {
namespace {

using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;

// maxLength="N" with N of three digits or more becomes maxLength="0N".
std::string SpellWithLeadingZero(const std::string& xsd) {
  static const std::regex kMaxLength(R"(<xs:maxLength value="([1-9][0-9]{2,})\")");
  return std::regex_replace(xsd, kMaxLength, R"(<xs:maxLength value="0$1")");
}

// Findings as one comparable string, with the reference's spelling of the bounds put back.
std::string Canonical(const ValidationReport& report) {
  static const std::regex kZeroBound(R"(length of '0([1-9][0-9]{2,})')");
  std::string out = report.form_type + "|" + report.schema_version + "\n";
  for (const Finding& finding : report.findings) {
    out += std::to_string(finding.line) + ":" + std::to_string(finding.column) + " " +
           finding.element + ": " +
           std::regex_replace(finding.message, kZeroBound, "length of '$1'") + "\n";
  }
  return out;
}

std::string Repeat(const std::string& unit, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += unit;
  return out;
}

// Each value replaced by values just inside and just past the bounds, in Chinese and in ASCII,
// and (for element text) by a value in two pieces around a comment, long only together.
std::vector<std::string> Mutations(const std::string& xml) {
  std::vector<std::string> out;
  for (const testutil::Span& span : testutil::Values(xml)) {
    std::string head = xml.substr(0, span.begin), tail = xml.substr(span.end);
    for (int length : {100, 101, 255, 2001}) {
      out.push_back(head + Repeat("字", length) + tail);
    }
    out.push_back(head + Repeat("a", 101) + tail);
    out.push_back(head + "一" + Repeat("é", 98) + "二" + tail);  // 100 characters, 198 bytes
    if (span.element_text) {
      out.push_back(head + Repeat("字", 60) + "<!-- 注释 -->" + Repeat("字", 41) + tail);
      out.push_back(head + Repeat("字", 50) + "<!-- 注释 -->" + Repeat("字", 50) + tail);
      out.push_back(head + Repeat("字", 60) + "<![CDATA[" + Repeat("b", 41) + "]]>" + tail);
    }
  }
  return out;
}

class ValidatorMaxLengthTest : public testutil::ReferencePairTest<SpellWithLeadingZero, Canonical> {
};

TEST_F(ValidatorMaxLengthTest, ReferenceSchemasSpellTheBoundsDifferently) {
  std::string common = ReadFile(pair_->dir.File("common.xsd"));
  EXPECT_NE(common.find(R"(<xs:maxLength value="0100"/>)"), std::string::npos);
  EXPECT_NE(common.find(R"(<xs:maxLength value="02000"/>)"), std::string::npos);
  EXPECT_EQ(common.find(R"(<xs:maxLength value="100"/>)"), std::string::npos);
}

TEST_F(ValidatorMaxLengthTest, ALongValueIsReportedAsLibxml2ReportsIt) {
  std::string xml = ReadFile(SourcePath("xml-schemas/examples/diagnostic-report.xml"));
  const std::string name = "<name>新乡市豫飞起重设备有限公司</name>";
  std::size_t at = xml.find(name);
  ASSERT_NE(at, std::string::npos);
  std::string at_bound = xml, past_bound = xml;
  at_bound.replace(at, name.size(), "<name>" + Repeat("字", 100) + "</name>");
  past_bound.replace(at, name.size(), "<name>" + Repeat("字", 101) + "</name>");
  EXPECT_TRUE(pair_->validator->Validate(at_bound).ok())
      << FormatFindings(pair_->validator->Validate(at_bound));
  ValidationReport report = pair_->validator->Validate(past_bound);
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, "name");
  EXPECT_NE(report.findings[0].message.find("maxLength"), std::string::npos);
  EXPECT_NE(report.findings[0].message.find("'101'"), std::string::npos);
  EXPECT_EQ(Canonical(report), Canonical(pair_->reference->Validate(past_bound)));
}

TEST_F(ValidatorMaxLengthTest, EveryLengthMutationOfEveryFormGetsTheSameReport) {
  for (const FormTypeInfo& type : ListFormTypes()) {
    SCOPED_TRACE(type.form_type);
    std::vector<std::string> documents =
        Mutations(ReadFile(SourcePath("xml-schemas/examples/" + type.form_type + ".xml")));
    EXPECT_GT(documents.size(), 50u);
    pair_->ExpectSameReports(documents);
  }
}

}  // namespace
}  // namespace sealflow::forms
