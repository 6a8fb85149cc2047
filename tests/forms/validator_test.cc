// Copyright sealflow authors.
#include "forms/validator.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "form_test_util.h"
#include "forms/error.h"
#include "support/test_support.h"

namespace sealflow::forms {
namespace {

using testutil::Replace;

using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;

std::string ExamplePath(const std::string& name) {
  return SourcePath("xml-schemas/examples/" + name);
}

std::string Valid() { return ReadFile(ExamplePath("application.xml")); }

std::set<int> Lines(const ValidationReport& report) {
  std::set<int> lines;
  for (const Finding& finding : report.findings) lines.insert(finding.line);
  return lines;
}

// xml-schemas/examples/invalid/EXPECTED.txt: file<TAB>line[,line...]
std::map<std::string, std::set<int>> ExpectedLines() {
  std::map<std::string, std::set<int>> expected;
  std::istringstream in(ReadFile(ExamplePath("invalid/EXPECTED.txt")));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto tab = line.find('\t');
    EXPECT_NE(tab, std::string::npos) << line;
    if (tab == std::string::npos) continue;
    std::set<int>& lines = expected[line.substr(0, tab)];
    std::istringstream numbers(line.substr(tab + 1));
    std::string number;
    while (std::getline(numbers, number, ',')) lines.insert(std::stoi(number));
  }
  return expected;
}

class ValidatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { validator_ = Validator::Create().release(); }
  static void TearDownTestSuite() {
    delete validator_;
    validator_ = nullptr;
  }
  static Validator* validator_;
};
Validator* ValidatorTest::validator_ = nullptr;

TEST_F(ValidatorTest, KnowsTheApplicationForm) {
  auto types = validator_->FormTypes();
  EXPECT_NE(std::find(types.begin(), types.end(), "application"), types.end());
  EXPECT_TRUE(std::is_sorted(types.begin(), types.end()));
}

TEST_F(ValidatorTest, ExampleValidates) {
  ValidationReport report = validator_->Validate(Valid());
  EXPECT_TRUE(report.ok()) << FormatFindings(report);
  EXPECT_EQ(report.form_type, "application");
  EXPECT_EQ(report.schema_version, "1.0");
}

TEST_F(ValidatorTest, EachInvalidExampleFailsOnExactlyTheExpectedLines) {
  auto expected = ExpectedLines();
  ASSERT_GE(expected.size(), 10u);
  // Every file in the folder is listed, so a new example cannot go unchecked.
  for (const auto& entry : std::filesystem::directory_iterator(ExamplePath("invalid"))) {
    if (entry.path().extension() != ".xml") continue;
    EXPECT_EQ(expected.count(entry.path().filename().string()), 1u) << entry.path();
  }
  for (const auto& [file, lines] : expected) {
    SCOPED_TRACE(file);
    ValidationReport report = validator_->Validate(ReadFile(ExamplePath("invalid/" + file)));
    EXPECT_FALSE(report.ok());
    EXPECT_EQ(Lines(report), lines) << FormatFindings(report);
    for (const Finding& finding : report.findings) EXPECT_FALSE(finding.message.empty());
  }
}

TEST_F(ValidatorTest, BadCreditCodeCitesGb32100) {
  ValidationReport report =
      validator_->Validate(ReadFile(ExamplePath("invalid/application-bad-credit-code.xml")));
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].element, "creditCode");
  EXPECT_NE(report.findings[0].message.find("统一社会信用代码校验位错误（GB 32100）"),
            std::string::npos);
  EXPECT_NE(report.findings[0].message.find("credit code check character is wrong"),
            std::string::npos);
}

TEST_F(ValidatorTest, MissingCaseAndFalseDeclarationCiteArticleTen) {
  for (const char* file :
       {"application-no-case-for-subindustry.xml", "application-false-declaration.xml"}) {
    ValidationReport report = validator_->Validate(ReadFile(ExamplePath("invalid/") + file));
    ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
    EXPECT_NE(report.findings[0].message.find("第十条"), std::string::npos);
    EXPECT_NE(report.findings[0].message.find("Art. 10"), std::string::npos);
  }
}

TEST_F(ValidatorTest, ReportsAllErrorsInOnePass) {
  ValidationReport report =
      validator_->Validate(ReadFile(ExamplePath("invalid/application-multiple-errors.xml")));
  std::set<std::string> elements;
  for (const Finding& finding : report.findings) elements.insert(finding.element);
  EXPECT_EQ(elements, (std::set<std::string>{"creditCode", "registeredCapital", "subIndustry",
                                             "noMajorSafetyAccident", "phone"}))
      << FormatFindings(report);
  // Sorted by line.
  for (std::size_t i = 1; i < report.findings.size(); ++i) {
    EXPECT_LE(report.findings[i - 1].line, report.findings[i].line);
  }
}

TEST_F(ValidatorTest, XxeIsRefusedAndNeverReadsTheFile) {
  std::string xxe = ReadFile(ExamplePath("invalid/application-xxe.xml"));
  ValidationReport report = validator_->Validate(xxe);
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_NE(report.findings[0].message.find("DOCTYPE"), std::string::npos);
  EXPECT_EQ(FormatFindings(report).find("root:"), std::string::npos);
  // A parameter-entity variant with an external DTD, and one fetching over the network.
  for (const std::string& attack :
       {std::string("<?xml version=\"1.0\"?>\n<!DOCTYPE application SYSTEM "
                    "\"file:///etc/passwd\">\n<application/>"),
        std::string("<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY % p SYSTEM "
                    "\"http://127.0.0.1:9/x.dtd\"> %p;]>\n<application/>")}) {
    ValidationReport refused = validator_->Validate(attack);
    ASSERT_EQ(refused.findings.size(), 1u) << FormatFindings(refused);
    EXPECT_EQ(refused.findings[0].line, 2);
    EXPECT_EQ(FormatFindings(refused).find("root:"), std::string::npos);
  }
}

TEST_F(ValidatorTest, BillionLaughsIsRefusedBeforeAnyExpansion) {
  // One finding at the DOCTYPE: the entities were never declared, so never expanded.
  std::string bomb = ReadFile(ExamplePath("invalid/application-billion-laughs.xml"));
  ValidationReport report = validator_->Validate(bomb);
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.findings[0].line, 3);
  EXPECT_NE(report.findings[0].message.find("DOCTYPE"), std::string::npos)
      << report.findings[0].message;
}

TEST_F(ValidatorTest, OversizeInputIsRefusedWithOneFinding) {
  ValidatorOptions options;
  options.max_document_bytes = 1024;
  auto small = Validator::Create(options);
  ValidationReport report = small->Validate(Valid());
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].line, 0);
  EXPECT_NE(report.findings[0].message.find("too large"), std::string::npos);
  EXPECT_EQ(report.form_type, "");
  // Exactly at the limit is parsed.
  std::string exact = Valid();
  options.max_document_bytes = exact.size();
  EXPECT_TRUE(Validator::Create(options)->Validate(exact).ok());
}

// Resident set size of this process in KiB, from /proc/self/status.
long ResidentKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

TEST_F(ValidatorTest, HundredMegabyteDocumentIsRefusedWithoutGrowingMemory) {
  // A well-formed-looking 100 MB application: refused at the default 16 MiB limit before the
  // parser sees a byte, so memory does not grow with the input (the input itself is ours).
  std::string huge = "<application id=\"APP-2026-0001\" schemaVersion=\"1.0\"><provider><name>";
  huge.append(100u << 20, 'x');
  huge += "</name></provider></application>";
  long before = ResidentKib();
  ValidationReport report = validator_->Validate(huge);
  long after = ResidentKib();
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_NE(report.findings[0].message.find("too large"), std::string::npos);
  ASSERT_GT(before, 0);
  EXPECT_LT(after - before, 4 * 1024) << "validation grew RSS by " << (after - before) << " KiB";
}

TEST_F(ValidatorTest, EmptyInputIsAFinding) {
  ValidationReport report = validator_->Validate("");
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].line, 0);
}

TEST_F(ValidatorTest, InvalidUtf8IsAFinding) {
  ValidationReport report =
      validator_->Validate(ReadFile(ExamplePath("invalid/application-invalid-utf8.xml")));
  ASSERT_FALSE(report.ok());
  EXPECT_NE(FormatFindings(report).find("UTF-8"), std::string::npos) << FormatFindings(report);
}

TEST_F(ValidatorTest, WrongRootIsAFinding) {
  ValidationReport report =
      validator_->Validate(ReadFile(ExamplePath("invalid/application-wrong-root.xml")));
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.form_type, "serviceApplication");
  EXPECT_EQ(report.findings[0].element, "serviceApplication");
  EXPECT_NE(report.findings[0].message.find("unknown form type"), std::string::npos);
  // A known root in a namespace is not the form either.
  ValidationReport namespaced = validator_->Validate(
      Replace(Valid(), "<application id=", "<application xmlns=\"urn:x\" id="));
  ASSERT_EQ(namespaced.findings.size(), 1u) << FormatFindings(namespaced);
}

TEST_F(ValidatorTest, UnknownSchemaVersionIsAFinding) {
  ValidationReport report =
      validator_->Validate(Replace(Valid(), "schemaVersion=\"1.0\"", "schemaVersion=\"9.9\""));
  ASSERT_EQ(report.findings.size(), 1u) << FormatFindings(report);
  EXPECT_EQ(report.schema_version, "9.9");
  EXPECT_EQ(report.findings[0].line, 3);
  EXPECT_NE(report.findings[0].message.find("schemaVersion"), std::string::npos);
}

TEST_F(ValidatorTest, MalformedXmlHasLineAndColumn) {
  ValidationReport report = validator_->Validate("<application>\n  <provider>\n</application>");
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.findings[0].line, 3);
  EXPECT_GT(report.findings[0].column, 0);
}

TEST_F(ValidatorTest, FormatFindings) {
  ValidationReport report;
  report.findings.push_back({6, 5, "creditCode", "bad"});
  report.findings.push_back({0, 0, "", "empty"});
  EXPECT_EQ(FormatFindings(report), "6:5 creditCode: bad\n0:0: empty\n");
}

TEST_F(ValidatorTest, UsableFromManyThreads) {
  std::string valid = Valid();
  std::string bad = ReadFile(ExamplePath("invalid/application-multiple-errors.xml"));
  std::size_t bad_findings = validator_->Validate(bad).findings.size();
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        if (!validator_->Validate(valid).ok()) ++failures[static_cast<std::size_t>(t)];
        if (validator_->Validate(bad).findings.size() != bad_findings) {
          ++failures[static_cast<std::size_t>(t)];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int count : failures) EXPECT_EQ(count, 0);
}

TEST(ValidatorCreateTest, MissingSchemaFolderThrows) {
  ValidatorOptions options;
  options.schema_dir = "/nonexistent/sealflow-schemas";
  try {
    Validator::Create(options);
    FAIL() << "expected FormsError";
  } catch (const FormsError& error) {
    EXPECT_EQ(error.code(), FormsErrorCode::kSchemaLoad);
  }
}

TEST(ValidatorCreateTest, BrokenSchemaThrows) {
  sealflow::testing::TempDir dir;
  sealflow::testing::WriteFile(dir.File("broken.xsd"), "<xs:schema xmlns:xs=\"nope\"/>");
  ValidatorOptions options;
  options.schema_dir = dir.path();
  EXPECT_THROW(Validator::Create(options), FormsError);
}

}  // namespace
}  // namespace sealflow::forms
