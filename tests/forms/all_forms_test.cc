// Copyright sealflow authors.
// Every registered form type, held to the same bar: an example that validates and renders to a
// PDF whose fonts are embedded subsets with Unicode maps, whose text reads back, which qpdf finds
// clean, which carries its source XML byte for byte, which says whose file it belongs to, and
// which has named signature blocks; named invalid examples beside it; deterministic bytes.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "forms/credit_code.h"
#include "forms/form_types.h"
#include "forms/inspect.h"
#include "forms/renderer.h"
#include "support/test_support.h"

namespace sealflow::forms {
namespace {

namespace fs = std::filesystem;
using sealflow::testing::FixedNow;
using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;
using sealflow::testing::TempDir;
using sealflow::testing::WriteFile;

const Renderer& SharedRenderer() {
  static const std::unique_ptr<Renderer> renderer = [] {
    RendererOptions options;
    options.clock = [] { return FixedNow(); };
    return Renderer::Create(options);
  }();
  return *renderer;
}

std::vector<std::string> TypeNames() {
  std::vector<std::string> names;
  for (const auto& type : ListFormTypes()) names.push_back(type.form_type);
  return names;
}

FormTypeInfo InfoFor(const std::string& name) {
  for (const auto& type : ListFormTypes()) {
    if (type.form_type == name) return type;
  }
  return {};
}

class EveryForm : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryForm, ExampleRendersToACompleteSelfDescribingPdf) {
  const std::string type = GetParam();
  const FormTypeInfo info = InfoFor(type);
  const std::string xml = ReadFile(SourcePath("xml-schemas/examples/" + type + ".xml"));
  RenderResult result = SharedRenderer().Render(xml);
  ASSERT_TRUE(result.report.ok()) << FormatFindings(result.report);
  EXPECT_EQ(result.form.form_type, type);
  EXPECT_GE(result.form.page_count, 1);

  // Deterministic: the same input and clock give the same bytes.
  EXPECT_EQ(SharedRenderer().Render(xml).form.pdf, result.form.pdf);

  // Signature blocks: at least one, uniquely named, inside the page.
  ASSERT_FALSE(result.form.signature_blocks.empty());
  std::set<std::string> names;
  for (const auto& block : result.form.signature_blocks) {
    EXPECT_TRUE(names.insert(block.field_name).second) << "duplicate block " << block.field_name;
    EXPECT_GT(block.width, 0);
    EXPECT_GT(block.height, 0);
    EXPECT_GE(block.x, 0);
    EXPECT_LE(block.x + block.width, 595.3);
    EXPECT_GE(block.page, 0);
    EXPECT_LT(block.page, result.form.page_count);
  }

  // Whose file it belongs to, read back from the PDF alone.
  FormInfo inspected = InspectPdf(result.form.pdf);
  EXPECT_EQ(inspected.form_type, type);
  EXPECT_EQ(inspected.party_kind, info.party_kind);
  EXPECT_TRUE(IsValidCreditCode(inspected.party_code)) << inspected.party_code;
  EXPECT_FALSE(inspected.party_name.empty());
  EXPECT_EQ(inspected.source_xml, xml);

  TempDir dir;
  const std::string pdf = dir.File(type + ".pdf");
  WriteFile(pdf, result.form.pdf);

  auto fonts = sealflow::testing::Run("pdffonts " + pdf);
  ASSERT_EQ(fonts.exit_code, 0) << fonts.output;
  int font_rows = 0;
  std::regex row(R"((yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$)");
  std::istringstream lines(fonts.output);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    ++font_rows;
    EXPECT_EQ(m[1], "yes") << "not embedded: " << line;
    EXPECT_EQ(m[2], "yes") << "not a subset: " << line;
    EXPECT_EQ(m[3], "yes") << "no Unicode map: " << line;
  }
  EXPECT_GE(font_rows, 1) << fonts.output;

  auto text = sealflow::testing::Run("pdftotext -enc UTF-8 " + pdf + " -");
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.output.find(inspected.party_name), std::string::npos)
      << "party name not in the text layer";
  EXPECT_NE(text.output.find("第 1 页"), std::string::npos) << "no page number";

  auto check = sealflow::testing::Run("qpdf --check " + pdf);
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("No syntax or stream encoding errors"), std::string::npos);

  auto list = sealflow::testing::Run("pdfdetach -list " + pdf);
  EXPECT_NE(list.output.find(type + ".xml"), std::string::npos) << list.output;
  auto save = sealflow::testing::Run("pdfdetach -save 1 -o " + dir.File("source.xml") + " " + pdf);
  ASSERT_EQ(save.exit_code, 0) << save.output;
  EXPECT_EQ(ReadFile(dir.File("source.xml")), xml);

  auto info_dict = sealflow::testing::Run("pdfinfo -custom " + pdf);
  EXPECT_TRUE(std::regex_search(info_dict.output, std::regex("SealflowFormType: *" + type + "\n")))
      << info_dict.output;
}

TEST_P(EveryForm, HasNamedInvalidExamples) {
  const std::string prefix = GetParam() + "-";
  int count = 0;
  for (const auto& entry : fs::directory_iterator(SourcePath("xml-schemas/examples/invalid"))) {
    if (entry.path().filename().string().rfind(prefix, 0) == 0) ++count;
  }
  EXPECT_GE(count, 2) << "want at least two invalid examples named " << prefix << "*.xml";
}

INSTANTIATE_TEST_SUITE_P(Forms, EveryForm, ::testing::ValuesIn(TypeNames()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

TEST(FormTypes, SchemaVersionsMatchCommonXsd) {
  std::string common = ReadFile(SourcePath("xml-schemas/common.xsd"));
  auto start = common.find("<xs:simpleType name=\"SchemaVersionType\">");
  ASSERT_NE(start, std::string::npos);
  auto end = common.find("</xs:simpleType>", start);
  std::set<std::string> in_schema;
  std::regex enumeration(R"re(<xs:enumeration value="([^"]+)"/>)re");
  std::string block = common.substr(start, end - start);
  for (std::sregex_iterator it(block.begin(), block.end(), enumeration), stop; it != stop; ++it) {
    in_schema.insert((*it)[1]);
  }
  for (const auto& type : ListFormTypes()) {
    std::set<std::string> listed(type.schema_versions.begin(), type.schema_versions.end());
    EXPECT_EQ(listed, in_schema) << type.form_type;
  }
}

TEST(FormTypes, EveryExampleIsARegisteredType) {
  std::set<std::string> registered;
  for (const auto& type : ListFormTypes()) registered.insert(type.form_type);
  for (const auto& entry : fs::directory_iterator(SourcePath("xml-schemas/examples"))) {
    if (entry.path().extension() != ".xml") continue;
    EXPECT_EQ(registered.count(entry.path().stem().string()), 1u)
        << entry.path() << " has no registered form type";
  }
}

}  // namespace
}  // namespace sealflow::forms
