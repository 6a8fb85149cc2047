// Copyright sealflow authors.
// The validator's fast path (forms/src/validator.cc): a form whose values are all trimmed and on
// one line is checked against a copy of its schema without the ShortTextType/LongTextType
// patterns, and only a clean verdict from that copy is kept. These tests pin down that a user
// never sees a difference: every report equals the one from a reference validator whose schemas
// spell the same two patterns differently and name the code-checked identity constraints
// differently, so it never takes the fast path.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "forms/form_types.h"
#include "forms/validator.h"
#include "reference_validator.h"
#include "support/test_support.h"

namespace sealflow::forms {
namespace {

using sealflow::testing::ReplaceAll;

using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;
using sealflow::testing::Utf8CharLength;

constexpr const char* kShortPattern = R"(\S(.*\S)?)";
constexpr const char* kLongPattern = R"(\S(.|\s)*)";
// The same languages, spelt so the validator does not recognise them.
constexpr const char* kShortPatternReference = R"((\S(.*\S)?))";
constexpr const char* kLongPatternReference = R"((\S(.|\s)*))";
// The identity constraints the validator checks in code (and leaves out of its fast copy), renamed
// in the reference schemas so that the reference validator keeps them (see
// validator_identity_test.cc).
constexpr const char* kCodeCheckedConstraints[] = {
    "evidenceId",     "evidenceRefExists", "uniqueDemandScene",
    "uniqueItemCode", "uniqueSceneCode",   "uniqueSubIndustry",
    "uniqueArea",     "uniqueScene",       "uniqueMaterial"};
constexpr const char* kConstraintSuffix = "InSchema";

std::string Example(const std::string& type) {
  return ReadFile(SourcePath("xml-schemas/examples/" + type + ".xml"));
}

// Findings as one comparable string, with the reference schemas' spelling of the patterns put
// back (libxml2 quotes the pattern in its message).
std::string Canonical(const ValidationReport& report) {
  std::string out = report.form_type + "|" + report.schema_version + "\n";
  for (const Finding& finding : report.findings) {
    std::string message = ReplaceAll(finding.message, kShortPatternReference, kShortPattern);
    message = ReplaceAll(message, kLongPatternReference, kLongPattern);
    for (const char* name : kCodeCheckedConstraints) {
      message = ReplaceAll(message, std::string(name) + kConstraintSuffix, name);
    }
    out += std::to_string(finding.line) + ":" + std::to_string(finding.column) + " " +
           finding.element + ": " + message + "\n";
  }
  return out;
}

// Each value emptied, with a blank before or after it, broken over two lines, and made longer
// than any ShortTextType allows: the ways a value can fail an edge pattern, or pass it and fail
// something else.
std::vector<std::string> Mutations(const std::string& xml) {
  std::vector<std::string> out;
  for (const testutil::Span& span : testutil::Values(xml)) {
    std::string value = xml.substr(span.begin, span.end - span.begin);
    std::string head = xml.substr(0, span.begin), tail = xml.substr(span.end);
    out.push_back(head + tail);
    out.push_back(head + " " + value + tail);
    out.push_back(head + value + "\t" + tail);
    std::size_t first = Utf8CharLength(value[0]);
    if (value.size() > first) {
      out.push_back(head + value.substr(0, first) + "\n" + value.substr(first) + tail);
    }
    std::string longer;
    while (longer.size() < 400) longer += value;
    out.push_back(head + longer + tail);
  }
  return out;
}

// The project's schemas in the reference's spelling.
std::string ReferenceSpelling(const std::string& xsd) {
  std::string text = xsd;
  text = ReplaceAll(text, std::string("\"") + kShortPattern + "\"",
                    std::string("\"") + kShortPatternReference + "\"");
  text = ReplaceAll(text, std::string("\"") + kLongPattern + "\"",
                    std::string("\"") + kLongPatternReference + "\"");
  for (const char* name : kCodeCheckedConstraints) {
    for (const char* attribute : {"name=\"", "refer=\""}) {
      text = ReplaceAll(text, attribute + std::string(name) + "\"",
                        attribute + std::string(name) + kConstraintSuffix + "\"");
    }
  }
  return text;
}

class ValidatorFastPathTest : public testutil::ReferencePairTest<ReferenceSpelling, Canonical> {};

TEST_F(ValidatorFastPathTest, ReferenceSchemasReallyDifferInSpellingOnly) {
  std::string common = ReadFile(pair_->dir.File("common.xsd"));
  EXPECT_NE(common.find(kShortPatternReference), std::string::npos);
  EXPECT_NE(common.find(kLongPatternReference), std::string::npos);
  EXPECT_EQ(common.find(std::string("\"") + kShortPattern + "\""), std::string::npos);
}

TEST_F(ValidatorFastPathTest, EveryExampleGetsTheSameReport) {
  std::vector<std::string> documents;
  for (const FormTypeInfo& type : ListFormTypes()) documents.push_back(Example(type.form_type));
  for (std::string& invalid : testutil::InvalidExamples()) documents.push_back(std::move(invalid));
  pair_->ExpectSameReports(documents);
}

TEST_F(ValidatorFastPathTest, EveryValueMutationOfEveryFormGetsTheSameReport) {
  for (const FormTypeInfo& type : ListFormTypes()) {
    SCOPED_TRACE(type.form_type);
    std::vector<std::string> documents = Mutations(Example(type.form_type));
    EXPECT_GT(documents.size(), 20u);
    pair_->ExpectSameReports(documents);
  }
}

TEST_F(ValidatorFastPathTest, EmptyShortTextStillReportsItsPattern) {
  // A clean document (no value with a blank edge) whose one empty value fails minLength on the
  // fast copy as well, so the pattern finding of the schema as written is not lost.
  std::string xml = Example("application");
  auto begin = xml.find("<legalRepresentative>");
  ASSERT_NE(begin, std::string::npos);
  auto end = xml.find("</legalRepresentative>", begin);
  xml.replace(begin, end - begin, "<legalRepresentative>");
  ValidationReport report = pair_->validator->Validate(xml);
  bool pattern = false, min_length = false;
  for (const Finding& finding : report.findings) {
    pattern |= finding.message.find("'pattern'") != std::string::npos;
    min_length |= finding.message.find("'minLength'") != std::string::npos;
  }
  EXPECT_TRUE(pattern) << FormatFindings(report);
  EXPECT_TRUE(min_length) << FormatFindings(report);
}

TEST_F(ValidatorFastPathTest, LineBreakInShortTextIsAPatternFinding) {
  std::string xml = Example("application");
  auto pos = xml.find("<legalRepresentative>");
  ASSERT_NE(pos, std::string::npos);
  pos += std::string("<legalRepresentative>").size();
  xml.insert(pos + Utf8CharLength(xml[pos]), "\n");
  ValidationReport report = pair_->validator->Validate(xml);
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, "legalRepresentative");
  EXPECT_NE(report.findings[0].message.find(kShortPattern), std::string::npos);
}

// More threads than the validator keeps idle workspaces for, each mixing valid documents (fast
// path), clean invalid ones (fast path, then the schema as written) and ones with blank edges.
TEST_F(ValidatorFastPathTest, ManyThreadsGetTheSingleThreadedReports) {
  std::vector<std::string> documents = {Example("application"), Example("diagnostic-report"),
                                        Example("appeal")};
  std::vector<std::string> mutations = Mutations(Example("application"));
  for (std::size_t i = 0; i < mutations.size(); i += 7) documents.push_back(mutations[i]);
  std::vector<std::string> expected;
  for (const std::string& xml : documents)
    expected.push_back(Canonical(pair_->validator->Validate(xml)));

  std::vector<std::thread> threads;
  std::vector<int> failures(24, 0);
  for (std::size_t t = 0; t < failures.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round) {
        for (std::size_t i = 0; i < documents.size(); ++i) {
          std::size_t k = (i + t) % documents.size();
          if (Canonical(pair_->validator->Validate(documents[k])) != expected[k]) ++failures[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int count : failures) EXPECT_EQ(count, 0);
}

}  // namespace
}  // namespace sealflow::forms
