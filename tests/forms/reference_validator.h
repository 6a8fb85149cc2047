// Copyright sealflow authors.
// The validator's fast paths are proved by comparison: the validator against a reference
// validator reading the project's schemas rewritten to say the same thing in another spelling
// (so the reference never recognises what the fast paths drop). Shared by the fast-path,
// identity-constraint and maxLength tests, which differ only in the rewrite and in how a report
// is put back into the project's spelling.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "forms/validator.h"
#include "support/test_support.h"

namespace sealflow::forms::testutil {

struct ReferencePair {
  // `rewrite` turns one .xsd text into the reference's spelling; `canonical` turns a report into
  // one comparable string in the project's spelling.
  ReferencePair(const std::function<std::string(const std::string&)>& rewrite,
                std::function<std::string(const ValidationReport&)> canonical_report)
      : canonical(std::move(canonical_report)) {
    for (const auto& entry :
         std::filesystem::directory_iterator(sealflow::testing::SourcePath("xml-schemas"))) {
      if (entry.path().extension() != ".xsd") continue;
      sealflow::testing::WriteFile(dir.File(entry.path().filename().string()),
                                   rewrite(sealflow::testing::ReadFile(entry.path().string())));
    }
    validator = Validator::Create();
    ValidatorOptions options;
    options.schema_dir = dir.path();
    options.plain_fast_path = false;  // libxml2 alone: nothing of the validator's fast paths
    reference = Validator::Create(options);
  }

  // Every document gets the same report from both (the first three differences are shown).
  void ExpectSameReports(const std::vector<std::string>& documents) const {
    int differences = 0;
    for (const std::string& xml : documents) {
      std::string expected = canonical(reference->Validate(xml));
      std::string actual = canonical(validator->Validate(xml));
      if (expected != actual && ++differences <= 3) {
        ADD_FAILURE() << "reports differ for\n"
                      << xml << "\nexpected:\n"
                      << expected << "actual:\n"
                      << actual;
      }
    }
    EXPECT_EQ(differences, 0);
  }

  sealflow::testing::TempDir dir;  // the reference's schemas
  std::function<std::string(const ValidationReport&)> canonical;
  std::unique_ptr<Validator> validator;
  std::unique_ptr<Validator> reference;
};

// The documents under xml-schemas/examples/invalid.
inline std::vector<std::string> InvalidExamples() {
  std::vector<std::string> documents;
  for (const auto& entry : std::filesystem::directory_iterator(
           sealflow::testing::SourcePath("xml-schemas/examples/invalid"))) {
    if (entry.path().extension() == ".xml")
      documents.push_back(sealflow::testing::ReadFile(entry.path().string()));
  }
  return documents;
}

// Where a value starts and ends in a document's text: [begin, end).
struct Span {
  std::size_t begin, end;
  bool element_text;  // between '>' and '<' (else an attribute value, between the quotes)
};

// Every non-blank text value between a '>' and the next '<', and every attribute value, outside
// the XML declaration: the places the suites put their mutations.
inline std::vector<Span> Values(const std::string& xml) {
  std::vector<Span> spans;
  std::size_t start = xml.find("?>");
  start = start == std::string::npos ? 0 : start + 2;
  for (std::size_t i = start; i < xml.size(); ++i) {
    if (xml[i] == '>') {
      std::size_t end = xml.find('<', i + 1);
      if (end == std::string::npos) break;
      std::string_view text(xml.data() + i + 1, end - i - 1);
      if (text.find_first_not_of(" \t\r\n") != std::string_view::npos)
        spans.push_back({i + 1, end, true});
    } else if (xml[i] == '=' && i + 1 < xml.size() && xml[i + 1] == '"') {
      std::size_t end = xml.find('"', i + 2);
      if (end == std::string::npos) break;
      spans.push_back({i + 2, end, false});
      i = end;
    }
  }
  return spans;
}

// A test suite sharing one ReferencePair, built once for the suite (it compiles every schema
// twice): `Rewrite` and `Canonical` as for ReferencePair.
template <std::string (*Rewrite)(const std::string&),
          std::string (*Canonical)(const ValidationReport&)>
class ReferencePairTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pair_ = new ReferencePair(Rewrite, Canonical); }
  static void TearDownTestSuite() {
    delete pair_;
    pair_ = nullptr;
  }

  static ReferencePair* pair_;
};

template <std::string (*Rewrite)(const std::string&),
          std::string (*Canonical)(const ValidationReport&)>
ReferencePair* ReferencePairTest<Rewrite, Canonical>::pair_ = nullptr;

}  // namespace sealflow::forms::testutil
