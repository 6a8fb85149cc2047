// Copyright sealflow authors.
// The validator's identity-constraint fast path (forms/src/validator.cc): the xs:key, xs:unique
// and xs:keyref of diagnostic-report (and the xs:unique of application, contract, progress-report
// and acceptance-application) are left out of the fast schema copy and checked in code,
// and any doubt sends the document through the schema as written. These tests pin down that a
// user never sees a difference: every report equals the one from a reference validator whose
// schemas name the constraints differently, so it never leaves them out.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "forms/validator.h"
#include "reference_validator.h"
#include "support/test_support.h"

namespace sealflow::forms {
namespace {

using sealflow::testing::ReplaceAll;

using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;

// The constraints the validator checks in code, and the suffix that hides them from it.
constexpr const char* kConstraints[] = {"evidenceId",     "evidenceRefExists", "uniqueDemandScene",
                                        "uniqueItemCode", "uniqueSceneCode",   "uniqueSubIndustry",
                                        "uniqueArea",     "uniqueScene",       "uniqueMaterial"};
constexpr const char* kHidden = "InSchema";

// Findings as one comparable string, with the reference schemas' constraint names put back
// (libxml2 names the constraint in its message).
std::string Canonical(const ValidationReport& report) {
  std::string out = report.form_type + "|" + report.schema_version + "\n";
  for (const Finding& finding : report.findings) {
    std::string message = finding.message;
    for (const char* name : kConstraints) {
      message = ReplaceAll(message, std::string(name) + kHidden, name);
    }
    out += std::to_string(finding.line) + ":" + std::to_string(finding.column) + " " +
           finding.element + ": " + message + "\n";
  }
  return out;
}

struct Occurrence {
  std::size_t begin, end;  // the value's bytes
};

// Every value between `open` and `close` (e.g. `code="` and `"`) after a `context` marker that
// starts the same line's element (e.g. "<scene ").
std::vector<Occurrence> Occurrences(const std::string& xml, const std::string& element,
                                    const std::string& open, const std::string& close) {
  std::vector<Occurrence> out;
  for (auto pos = xml.find(element); pos != std::string::npos; pos = xml.find(element, pos + 1)) {
    auto tag_end = xml.find('>', pos);
    auto begin = xml.find(open, pos);
    if (begin == std::string::npos) break;
    // An attribute must be inside the start tag; element text follows it directly.
    if (open.front() != '>' && begin > tag_end) continue;
    begin += open.size();
    auto end = xml.find(close, begin);
    if (end == std::string::npos) break;
    out.push_back({begin, end});
  }
  return out;
}

std::string Replace(const std::string& xml, const Occurrence& at, const std::string& value) {
  return xml.substr(0, at.begin) + value + xml.substr(at.end);
}

// One kind of constrained value in a form: where it stands, and a well-formed value no other
// element of the form has.
struct Kind {
  std::string element, open, close, unknown;
};

// For each constrained value: set to every other value of its kind (duplicates, or for a
// reference another existing key), to an unknown but well-formed value, to one with a blank,
// emptied; the attribute renamed away; and each element of a kind repeated whole.
std::vector<std::string> Mutations(const std::string& xml, const std::vector<Kind>& kinds) {
  std::vector<std::string> out;
  for (const Kind& kind : kinds) {
    std::vector<Occurrence> all = Occurrences(xml, kind.element, kind.open, kind.close);
    EXPECT_GE(all.size(), 2u) << kind.element;
    for (std::size_t i = 0; i < all.size(); ++i) {
      for (std::size_t j = 0; j < all.size(); ++j) {
        if (i == j) continue;
        out.push_back(Replace(xml, all[i], xml.substr(all[j].begin, all[j].end - all[j].begin)));
      }
      std::string value = xml.substr(all[i].begin, all[i].end - all[i].begin);
      out.push_back(Replace(xml, all[i], kind.unknown));
      out.push_back(Replace(xml, all[i], value + " "));
      out.push_back(Replace(xml, all[i], value.substr(0, 3) + " " + value.substr(3)));
      out.push_back(Replace(xml, all[i], ""));
      if (kind.open != ">") {
        std::size_t attr = all[i].begin - kind.open.size();
        out.push_back(xml.substr(0, attr) + "x-" + xml.substr(attr));  // renamed away
      }
    }
    // The first element of the kind repeated on the next line.
    auto begin = xml.find(kind.element);
    auto end = xml.find('\n', begin);
    std::string line = xml.substr(begin, end - begin);
    out.push_back(xml.substr(0, end + 1) + "    " + line + xml.substr(end));
  }
  return out;
}

// The forms whose identity constraints the validator checks in code, with their constrained
// values.
struct FormKinds {
  std::string form_type;
  std::vector<Kind> kinds;
};
const std::vector<FormKinds>& CheckedForms() {
  static const std::vector<FormKinds> forms = {
      {"diagnostic-report",
       {{"<item ", "code=\"", "\"", "unknown-item"},
        {"<scene ", "code=\"", "\"", "unknown-scene"},
        {"<demand ", "scene=\"", "\"", "marketing"},
        {"<document ", "id=\"", "\"", "EV-99"},
        {"<evidenceRef", ">", "<", "EV-99"}}},
      {"application",
       {{"<subIndustry>", ">", "<", "农副食品加工"}, {"<capability ", "area=\"", "\"", "其他"}}},
      {"contract", {{"<scene ", "code=\"", "\"", "marketing"}}},
      {"progress-report", {{"<scene ", "code=\"", "\"", "marketing"}}},
      {"acceptance-application", {{"<material ", "kind=\"", "\"", "other"}}},
  };
  return forms;
}

// The project's schemas with the code-checked constraints renamed.
std::string ReferenceSpelling(const std::string& xsd) {
  std::string text = xsd;
  for (const char* name : kConstraints) {
    for (const char* attribute : {"name=\"", "refer=\""}) {
      text = ReplaceAll(text, attribute + std::string(name) + "\"",
                        attribute + std::string(name) + kHidden + "\"");
    }
  }
  return text;
}

class ValidatorIdentityTest : public testutil::ReferencePairTest<ReferenceSpelling, Canonical> {
 protected:
  static std::string Example(const std::string& type = "diagnostic-report") {
    return ReadFile(SourcePath("xml-schemas/examples/" + type + ".xml"));
  }
};

TEST_F(ValidatorIdentityTest, ReferenceSchemaReallyRenamesEveryConstraint) {
  std::string schemas;
  for (const FormKinds& form : CheckedForms()) {
    std::string schema = ReadFile(pair_->dir.File(form.form_type + ".xsd"));
    schemas += schema;
  }
  for (const char* name : kConstraints) {
    EXPECT_NE(schemas.find("name=\"" + std::string(name) + kHidden + "\""), std::string::npos)
        << name;
    EXPECT_EQ(schemas.find("name=\"" + std::string(name) + "\""), std::string::npos) << name;
  }
}

TEST_F(ValidatorIdentityTest, ExampleAndInvalidExamplesGetTheSameReport) {
  std::vector<std::string> documents;
  for (const FormKinds& form : CheckedForms()) documents.push_back(Example(form.form_type));
  for (std::string& invalid : testutil::InvalidExamples()) documents.push_back(std::move(invalid));
  pair_->ExpectSameReports(documents);
}

TEST_F(ValidatorIdentityTest, EveryConstrainedValueMutationGetsTheSameReport) {
  for (const FormKinds& form : CheckedForms()) {
    SCOPED_TRACE(form.form_type);
    std::vector<std::string> documents = Mutations(Example(form.form_type), form.kinds);
    EXPECT_GT(documents.size(), 15u);
    pair_->ExpectSameReports(documents);
  }
}

TEST_F(ValidatorIdentityTest, DuplicatesAreStillReportedWithTheirElement) {
  std::string xml = Example();
  xml = ReplaceAll(xml, "<scene code=\"marketing\"", "<scene code=\"product-design\"");
  ValidationReport report = pair_->validator->Validate(xml);
  bool duplicate = false;
  for (const Finding& finding : report.findings) {
    if (finding.message.find("uniqueSceneCode") != std::string::npos) {
      duplicate = true;
      EXPECT_EQ(finding.element, "scene");
      EXPECT_GT(finding.line, 0);
    }
  }
  EXPECT_TRUE(duplicate) << FormatFindings(report);

  xml =
      ReplaceAll(Example(), "<evidenceRef>EV-03</evidenceRef>", "<evidenceRef>EV-31</evidenceRef>");
  report = pair_->validator->Validate(xml);
  bool dangling = false;
  for (const Finding& finding : report.findings) {
    if (finding.message.find("evidenceRefExists") == std::string::npos) continue;
    dangling = true;
    // libxml2 gives no node for a failed keyref; the element is taken from its message.
    EXPECT_EQ(finding.element, "evidenceRef");
    EXPECT_GT(finding.line, 0);
  }
  EXPECT_TRUE(dangling) << FormatFindings(report);
}

}  // namespace
}  // namespace sealflow::forms
