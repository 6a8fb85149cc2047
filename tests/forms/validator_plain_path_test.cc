// Copyright sealflow authors.
// The validator's plain path (forms/src/plain_xml.h, plain_schema.h): sealflow's own parser and
// schema checker decide the documents they can, and everything else goes to libxml2. Both are
// one-sided — they may only ever say "certainly valid" — so these tests compare every report with
// the one from a validator that uses libxml2 alone (ValidatorOptions::plain_fast_path = false)
// on the same schemas, over the examples and thousands of mutations of them: bytes the plain
// parser must refuse or read exactly as libxml2 does, and values of every type near their edges.
// They also pin down that the path is taken at all: the forms it covers parse and conform.
#include <gtest/gtest.h>
#include <libxml/parser.h>

#include <filesystem>
#include <string>
#include <vector>

#include "forms/form_types.h"
#include "forms/validator.h"
#include "plain_schema.h"
#include "plain_xml.h"
#include "reference_validator.h"
#include "support/test_support.h"
#include "validator_internal.h"
#include "xml_util.h"

namespace sealflow::forms {
namespace {

using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;

// The forms whose schemas are in the plain subset; the others use xs:choice, xs:complexContent or
// identity constraints the validator does not check in code, and always take libxml2's path.
const std::vector<std::string> kPlainForms = {
    "application",     "diagnostic-report",      "transformation-plan", "contract",
    "progress-report", "acceptance-application", "satisfaction",        "appeal"};

std::string Example(const std::string& type) {
  return ReadFile(SourcePath("xml-schemas/examples/" + type + ".xml"));
}

std::string Same(const std::string& text) { return text; }

std::string Canonical(const ValidationReport& report) {
  std::string out = report.form_type + "|" + report.schema_version + "\n";
  for (const Finding& finding : report.findings) {
    out += std::to_string(finding.line) + ":" + std::to_string(finding.column) + " " +
           finding.element + ": " + finding.message + "\n";
  }
  return out;
}

class ValidatorPlainPathTest : public testutil::ReferencePairTest<Same, Canonical> {};

TEST_F(ValidatorPlainPathTest, TheLargeFormsHaveModelsAndTheReferenceHasNone) {
  std::map<std::string, std::string> refusals = PlainModelRefusals(*pair_->validator);
  for (const std::string& type : kPlainForms) EXPECT_EQ(refusals[type], "") << type;
  // A refused schema says what it uses that the subset lacks.
  EXPECT_NE(refusals["report"].find("xs:choice"), std::string::npos) << refusals["report"];
  EXPECT_NE(refusals["decision"].find("xs:complexContent"), std::string::npos);
  for (const auto& [type, why] : PlainModelRefusals(*pair_->reference)) EXPECT_EQ(why, "off");
}

// Parses a schema as the validator does for its plain model: the identity constraints it checks
// in code taken out (here: all of them).
plain::FormModelPtr CompileWithoutConstraints(const std::string& type, std::string* why) {
  std::filesystem::path path = SourcePath("xml-schemas/" + type + ".xsd");
  xml::DocPtr doc(xmlReadFile(path.c_str(), nullptr, XML_PARSE_NONET));
  std::vector<xmlNode*> constraints;
  std::vector<xmlNode*> stack = {xmlDocGetRootElement(doc.get())};
  while (!stack.empty()) {
    xmlNode* node = stack.back();
    stack.pop_back();
    for (xmlNode* child = node->children; child != nullptr; child = child->next) {
      if (child->type != XML_ELEMENT_NODE) continue;
      std::string name = reinterpret_cast<const char*>(child->name);
      if (name == "key" || name == "keyref" || name == "unique") {
        constraints.push_back(child);
      } else {
        stack.push_back(child);
      }
    }
  }
  for (xmlNode* node : constraints) {
    xmlUnlinkNode(node);
    xmlFreeNode(node);
  }
  return plain::CompileFormModel(doc.get(), path, type, why);
}

TEST(PlainPathTest, EveryCoveredExampleParsesAndConforms) {
  plain::Arena arena;
  for (const std::string& type : kPlainForms) {
    SCOPED_TRACE(type);
    std::string why;
    plain::FormModelPtr model = CompileWithoutConstraints(type, &why);
    ASSERT_NE(model, nullptr) << why;
    arena.Reset();
    std::string xml = Example(type);
    const xmlNode* root = plain::Parse(xml, arena);
    ASSERT_NE(root, nullptr);
    EXPECT_EQ(xml::LocalName(root), type);
    EXPECT_TRUE(plain::Conforms(*model, root));
    // The tree reads as libxml2's does through the helpers the form rules use.
    xml::ParseResult parsed = xml::ParseUntrusted(xml, 1u << 20);
    ASSERT_NE(parsed.doc, nullptr);
    const xmlNode* reference = xmlDocGetRootElement(parsed.doc.get());
    EXPECT_EQ(xml::Text(root), xml::Text(reference));
    EXPECT_EQ(xml::Attribute(root, "id"), xml::Attribute(reference, "id"));
    EXPECT_EQ(xml::Line(xml::Child(root, "enterprise")),
              xml::Line(xml::Child(reference, "enterprise")));
  }
}

TEST(PlainPathTest, ASchemaOutsideTheSubsetCompilesToNoModel) {
  std::string why;
  EXPECT_EQ(CompileWithoutConstraints("report", &why), nullptr);
  EXPECT_NE(why.find("xs:choice"), std::string::npos) << why;
  EXPECT_EQ(CompileWithoutConstraints("decision", &why), nullptr);
  EXPECT_NE(why.find("xs:complexContent"), std::string::npos) << why;
  // The constraints left in are refused too: they are checked in code or by libxml2, never
  // ignored.
  std::filesystem::path path = SourcePath("xml-schemas/diagnostic-report.xsd");
  xml::DocPtr doc(xmlReadFile(path.c_str(), nullptr, XML_PARSE_NONET));
  EXPECT_EQ(plain::CompileFormModel(doc.get(), path, "diagnostic-report", &why), nullptr);
  EXPECT_NE(why.find("diagnostic-report"), std::string::npos) << why;
}

TEST(PlainPathTest, TheParserRefusesWhatItDoesNotRead) {
  plain::Arena arena;
  auto parses = [&](const std::string& xml) {
    arena.Reset();
    return plain::Parse(xml, arena) != nullptr;
  };
  EXPECT_TRUE(parses("<a/>"));
  EXPECT_TRUE(
      parses("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- c -->\n<a b='&lt;'>x&amp;y</a>\n"));
  const char* refused[] = {
      "",                             // no root
      "<a>",                          // unclosed
      "<a></b>",                      // mismatched
      "\xEF\xBB\xBF<a/>",             // byte order mark
      "<!DOCTYPE a><a/>",             // DTD
      "<?xml version=\"1.1\"?><a/>",  // another version
      "<?xml version=\"1.0\" encoding=\"GBK\"?><a/>",
      "<?xml version=\"1.0\" standalone=\"yes\"?><a/>",
      "<a><![CDATA[x]]></a>",  // CDATA
      "<a><?pi?></a>",         // processing instruction
      "<a><!-- c --></a>",     // comment inside an element
      "<a>&#65;</a>",          // character reference
      "<a>&e;</a>",            // undeclared entity
      "<a xmlns=\"urn:x\"/>",  // namespaces
      "<x:a xmlns:x=\"urn:x\"/>",
      "<a b=\"1\" b=\"2\"/>",  // duplicate attribute
      "<a b=\"x\ty\"/>",       // an attribute value XML would normalise
      "<a>x\r\ny</a>",         // a line end XML would normalise
      "<a>]]></a>",
      "<a>\x01</a>",          // not an XML Char
      "<a>\xC3\x28</a>",      // invalid UTF-8
      "<a>\xED\xA0\x80</a>",  // a surrogate
      "<a>\xEF\xBF\xBE</a>",  // U+FFFE
      "<a/><b/>",             // two roots
      "<a/>x",
      "<\xE4\xB8\xAD/>",  // a name the subset does not read
  };
  for (const char* xml : refused) EXPECT_FALSE(parses(xml)) << xml;
  std::string deep;
  for (int i = 0; i <= plain::kMaxDepth; ++i) deep += "<a>";
  for (int i = 0; i <= plain::kMaxDepth; ++i) deep += "</a>";
  EXPECT_FALSE(parses(deep));
  std::string attributes = "<a";
  for (int i = 0; i < plain::kMaxAttributes; ++i) attributes += " a" + std::to_string(i) + "=''";
  EXPECT_TRUE(parses(attributes + "/>"));
  EXPECT_FALSE(parses(attributes + " b=''/>"));
}

TEST(PlainPathTest, ATreeOfManyTinyElementsIsBoundedNotBuilt) {
  // 1 MiB of <a/>: 262,144 nodes of 120 bytes would be 30 MiB.
  std::string xml = "<r>";
  while (xml.size() < (1u << 20)) xml += "<a/>";
  xml += "</r>";
  plain::Arena arena;
  EXPECT_EQ(plain::Parse(xml, arena), nullptr);
  EXPECT_LE(arena.allocated(), plain::kMaxTreeBytes + sizeof(xmlNode));
  arena.Reset();
  EXPECT_EQ(arena.allocated(), 0u);
  // The same document is still judged, by libxml2.
  ValidationReport report = Validator::Create()->Validate(xml);
  EXPECT_FALSE(report.ok());
}

// Bytes inserted at every boundary between markup and text: each either leaves the subset, breaks
// well-formedness, or changes the content; none may change a verdict.
std::vector<std::string> ByteMutations(const std::string& xml) {
  // clang-format off
  static const std::vector<std::string> kInserts = {
      "<!-- c -->", "<![CDATA[x]]>", "<?pi x?>", "&amp;", "&#x41;", "&nbsp;", "\r\n", " ", "\t",
      "x", "<extra/>", "]]>", "\x01", "\xC3\x28", "\xEF\xBF\xBE", "\xED\xA0\x80",
      "\xF4\x90\x80\x80", "<", ">", "&", "\"", "\xE4\xB8\xAD",
  };
  // clang-format on
  std::vector<std::string> out;
  std::size_t start = xml.find("?>") + 2;
  for (std::size_t i = start; i < xml.size(); ++i) {
    if (xml[i] != '>' && xml[i] != '<') continue;
    std::size_t at = xml[i] == '>' ? i + 1 : i;
    for (const std::string& insert : kInserts)
      out.push_back(xml.substr(0, at) + insert + xml.substr(at));
  }
  // Truncated, and the prolog varied.
  for (std::size_t size = 0; size < xml.size(); size += 211) out.push_back(xml.substr(0, size));
  std::string body = xml.substr(start);
  for (const char* prolog :
       {"", "<?xml version='1.0'?>", "<?xml version=\"1.0\" encoding=\"utf-8\" ?>",
        "<?xml version=\"1.0\" encoding=\"UTF-16\"?>", "<?xml version=\"1.0\" standalone=\"no\"?>",
        "\xEF\xBB\xBF<?xml version=\"1.0\"?>", "<!-- before -->", "<!DOCTYPE x>", "<!-- a -- b -->",
        "<?pi?>"}) {
    out.push_back(prolog + body);
    out.push_back(xml + prolog);
  }
  return out;
}

// Every value (element text and attribute) replaced by each candidate: numbers, dates, booleans,
// codes and text near the edges of the types the forms use.
std::vector<std::string> ValueMutations(const std::string& xml) {
  // clang-format off
  static const std::vector<std::string> kValues = {
      "", " ", "0", "00", "007", "-1", "+1", "1.5", "1.", ".5", "1.234", "20", "20.00", "20.001",
      "100.0", "100.05", "4", "5", "999999999999999999999999", "0.000000000000000000001",
      "2026-02-29", "2024-02-29", "2026-13-01", "0000-01-01", "2026-1-01", "2026-01-01Z",
      " 2026-01-01", "1999", "2101", "true", "false", "yes", "abc", "abc ", " abc", "a\nb",
      "a\tb", "a&amp;b", "&lt;", "EV-01", "EV-0001", "中文", "1.0", "规上", "product-design",
      "DIA-2026-0001", "13800138000", "a@b.cn", std::string(101, 'x'), std::string(2001, 'y'),
  };
  // clang-format on
  std::vector<std::string> out;
  for (const testutil::Span& span : testutil::Values(xml)) {
    for (const std::string& value : kValues) {
      if (!span.element_text && value.find('"') != std::string::npos) continue;
      out.push_back(xml.substr(0, span.begin) + value + xml.substr(span.end));
    }
  }
  return out;
}

TEST_F(ValidatorPlainPathTest, EveryExampleAndInvalidExampleGetsTheSameReport) {
  std::vector<std::string> documents;
  for (const FormTypeInfo& type : ListFormTypes()) documents.push_back(Example(type.form_type));
  for (std::string& invalid : testutil::InvalidExamples()) documents.push_back(std::move(invalid));
  pair_->ExpectSameReports(documents);
  for (const FormTypeInfo& type : ListFormTypes())
    EXPECT_TRUE(pair_->validator->Validate(Example(type.form_type)).ok()) << type.form_type;
}

// For each form with a plain model, the reports of mutations(document(type)) agree.
void ExpectSameReportsOnEachForm(const testutil::ReferencePair& pair,
                                 std::string (*document)(const std::string& type),
                                 std::vector<std::string> (*mutations)(const std::string&)) {
  for (const std::string& type : kPlainForms) {
    SCOPED_TRACE(type);
    std::string xml = document(type);
    ASSERT_TRUE(pair.validator->Validate(xml).ok());
    std::vector<std::string> documents = mutations(xml);
    EXPECT_GT(documents.size(), 1000u);
    pair.ExpectSameReports(documents);
  }
}

TEST_F(ValidatorPlainPathTest, ByteMutationsGetTheSameReport) {
  ExpectSameReportsOnEachForm(*pair_, Example, ByteMutations);
}

TEST_F(ValidatorPlainPathTest, ValueMutationsGetTheSameReport) {
  ExpectSameReportsOnEachForm(*pair_, Example, ValueMutations);
}

// The example with a line break in a free text, still valid: the reference then skips the fast
// schema copies (which lack the free-text patterns) and validates against the schema as written.
std::string MultilineExample(const std::string& type) {
  return sealflow::testing::WithLineBreakInLongestText(Example(type));
}

TEST_F(ValidatorPlainPathTest, ValueMutationsAgainstTheSchemaAsWrittenGetTheSameReport) {
  ExpectSameReportsOnEachForm(*pair_, MultilineExample, ValueMutations);
}

}  // namespace
}  // namespace sealflow::forms
