// Copyright sealflow authors.
// The parser's stand-ins for non-ASCII character data (forms/src/xml_util.cc): libxml2 is handed
// a copy of the input whose non-ASCII text is replaced by ASCII letters, and the original text is
// put back as the tree is built. These tests pin down that nobody can tell: for every input —
// the example forms, inputs made to trip the scheme up, malformed ones and a deterministic
// random corpus — the tree (every node's type, name, line, namespace, attributes and content)
// or the findings equal those of a parse of the input as given.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "forms/validator.h"
#include "support/test_support.h"
#include "xml_dump.h"

namespace sealflow::forms::xml {
namespace {

using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;

const std::size_t kMaxBytes = ValidatorOptions().max_document_bytes;

// The parse with stand-ins equals the parse as given; returns whether the stand-ins were kept.
bool ExpectSameParse(const std::string& xml, const std::string& label) {
  ParseDump reference = DumpParse(xml, kMaxBytes, false);
  ParseDump fast = DumpParse(xml, kMaxBytes, true);
  EXPECT_FALSE(reference.stand_ins) << label;
  EXPECT_EQ(fast.text, reference.text) << label << "\n--- input ---\n" << xml;
  return fast.stand_ins;
}

std::vector<std::filesystem::path> XmlFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".xml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(XmlStandInTest, ExampleFormsParseAlikeAndTakeTheStandIns) {
  std::vector<std::filesystem::path> files = XmlFiles(SourcePath("xml-schemas/examples"));
  ASSERT_GE(files.size(), 13u);
  for (const auto& file : files) {
    std::string xml = ReadFile(file);
    // Every example has Chinese text on one line somewhere: the stand-ins must be used.
    EXPECT_TRUE(ExpectSameParse(xml, file.string())) << file;
  }
}

TEST(XmlStandInTest, InvalidExamplesAndFuzzSeedsParseAlike) {
  std::vector<std::filesystem::path> files = XmlFiles(SourcePath("xml-schemas/examples/invalid"));
  ASSERT_FALSE(files.empty());
  for (const auto& file : XmlFiles(SourcePath("tests/data/fuzz/xml"))) files.push_back(file);
  for (const auto& file : files) ExpectSameParse(ReadFile(file), file.string());
}

TEST(XmlStandInTest, TextOnOneLineIsStoodIn) {
  EXPECT_TRUE(ExpectSameParse("<a>中文</a>", "plain"));
  EXPECT_TRUE(ExpectSameParse("<a>  前后有空格  </a>", "blanks around"));
  EXPECT_TRUE(ExpectSameParse("<a>ASCII 然后 中文 and back</a>", "mixed"));
  EXPECT_TRUE(ExpectSameParse("<a>中<b>内</b>文<c/>尾</a>", "mixed content"));
  EXPECT_TRUE(ExpectSameParse("<a>é ß Ω ‰ € ﬁ 𝄞 😀 \xC2\x85</a>", "2-, 3- and 4-byte characters"));
  EXPECT_TRUE(ExpectSameParse("<a>\xEF\xBF\xBD\xEE\x80\x80\xED\x9F\xBF</a>", "edge code points"));
  EXPECT_TRUE(
      ExpectSameParse("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<!-- 注释 -->\n<?pi 处理指令?>\n<a x=\"属性\">文本</a>\n<!-- 尾 -->",
                      "prolog and epilog"));
}

TEST(XmlStandInTest, ReferencesSplitARunAndStillParseAlike) {
  EXPECT_TRUE(ExpectSameParse("<a>中&amp;文&lt;字&#x4E2D;&#20013;尾</a>", "references"));
  EXPECT_TRUE(ExpectSameParse("<a>甲]乙]]丙</a>", "brackets"));
}

TEST(XmlStandInTest, TextWithLineBreaksKeepsItsLines) {
  // Not stood in (a text node's line depends on where libxml2 reports its first piece), but
  // the lines must still match.
  ExpectSameParse("<a>\n  中文\n  第二行</a>", "line breaks");
  ExpectSameParse("<a>中文\r\n第二行</a>", "CRLF");
  ExpectSameParse("<a>中文\r第二行</a>", "CR");
  EXPECT_TRUE(
      ExpectSameParse("<a>\n<b>一行</b>\n<c>\n多行\n</c>\n<d>又一行</d>\n</a>", "some runs"));
}

TEST(XmlStandInTest, NonAsciiOutsideCharacterDataIsLeftAlone) {
  // A '>' in an attribute value, a comment or a CDATA section makes a run that is not character
  // data; the stand-ins there do not come back through the characters callback, and the
  // document is parsed again as given.
  ExpectSameParse("<a b=\"x>中\">文</a>", "'>' in an attribute value");
  ExpectSameParse("<a b='x>中'>文</a>", "'>' in a single-quoted attribute value");
  ExpectSameParse("<a><!-- a > 中 --></a>", "'>' in a comment");
  ExpectSameParse("<a><![CDATA[x>中]]>文</a>", "'>' in CDATA");
  ExpectSameParse("<a><?pi x>中?>文</a>", "'>' in a processing instruction");
  ExpectSameParse("<名字 属性=\"值\">中文</名字>", "Chinese names");
  ExpectSameParse("<a>文<名/>字</a>", "Chinese empty element");
}

TEST(XmlStandInTest, MalformedInputsGiveTheSameFindings) {
  const char* inputs[] = {
      "<a>\xE4\xB8</a>",                                // truncated sequence
      "<a>中\xE4\xB8</a>",                              // truncated after a good character
      "<a>\xC0\x80</a>",                                // overlong NUL
      "<a>\xE0\x80\x80</a>",                            // overlong
      "<a>\xED\xA0\x80</a>",                            // a surrogate
      "<a>\xEF\xBF\xBE</a>",                            // U+FFFE
      "<a>\xEF\xBF\xBF</a>",                            // U+FFFF
      "<a>\xF4\x90\x80\x80</a>",                        // past U+10FFFF
      "<a>\xF8\x88\x80\x80\x80</a>",                    // five bytes
      "<a>\x80</a>",                                    // a lone continuation byte
      "<a>中]]>文</a>",                                 // ']]>' in content
      "<a>中&名;</a>",                                  // undeclared entity with a Chinese name
      "<a>中&amp</a>",                                  // unterminated reference
      "<a>中文",                                        // unclosed root
      "<a>中文<",                                       // ends with '<'
      "<a>中文</b>",                                    // mismatched end tag
      "<a/>中文",                                       // text after the root
      "中文<a/>",                                       // text before the root
      "<a>中\x01文</a>",                                // a control character
      "<!DOCTYPE a [<!ENTITY e \"中\">]><a>&e;中</a>",  // refused DOCTYPE
      "<a>中</a><b>文</b>",                             // two roots
      "<a b=\"中>文</a>",                               // unclosed attribute value
      "<a>一</a  >二<",                                 // junk after the root
  };
  for (const char* input : inputs) {
    ParseDump reference = DumpParse(input, kMaxBytes, false);
    EXPECT_NE(reference.text.find("finding "), std::string::npos) << input;
    ExpectSameParse(input, input);
  }
}

// Bytes that read as Chinese in UTF-8 are other characters in another declared encoding: libxml2
// transcodes its input, and the stand-ins must not put the raw bytes back.
TEST(XmlStandInTest, OtherEncodingsParseAlike) {
  EXPECT_FALSE(
      ExpectSameParse("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>中文</a>", "Latin-1"));
  ExpectSameParse("<?xml version=\"1.0\" encoding=\"GB18030\"?><a>\xD6\xD0\xCE\xC4</a>", "GB18030");
  ExpectSameParse("<?xml version=\"1.0\" encoding=\"GB18030\"?><a>中文</a>",
                  "GB18030, UTF-8 bytes");
  ExpectSameParse("<?xml version=\"1.0\" encoding=\"Windows-1252\"?><a>é中</a>", "Windows-1252");
  EXPECT_TRUE(ExpectSameParse("\xEF\xBB\xBF<a>中文</a>", "UTF-8 byte order mark"));
  EXPECT_TRUE(ExpectSameParse("<?xml version=\"1.0\" encoding=\"utf-8\"?><a>中文</a>", "utf-8"));
  std::string utf16 = std::string("\xFF\xFE") + std::string("<\0a\0>\0\x2D\x4E<\0/\0a\0>\0", 16);
  ExpectSameParse(utf16, "UTF-16LE");
}

// Long enough that libxml2 shrinks and refills its buffer several times while reading.
TEST(XmlStandInTest, LargeDocumentParsesAlike) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<list>\n";
  for (int i = 0; i < 3000; ++i) {
    xml += "  <item n=\"" + std::to_string(i) + "\">第" + std::to_string(i) +
           "项：数字化转型&amp;诊断</item>\n";
    if (i % 7 == 0) xml += "  <note>多行\n文本 " + std::to_string(i) + "</note>\n";
    if (i % 11 == 0) xml += "  <!-- 注释 > 内 -->\n";
  }
  xml += "</list>\n";
  EXPECT_TRUE(ExpectSameParse(xml, "large"));
}

// Past the bound on runs with stand-ins, the rest of the document is parsed as it is.
TEST(XmlStandInTest, ManyRunsStopAtTheBoundAndStillParseAlike) {
  std::string xml = "<list>";
  for (int i = 0; i < 70000; ++i) xml += i % 2 == 0 ? "<i>中</i>" : "<i>文字</i>";
  xml += "</list>";
  EXPECT_TRUE(ExpectSameParse(xml, "many runs"));
}

// Random documents from pieces chosen to meet at every boundary the scheme cares about, and
// random byte damage to the example forms. Deterministic: a fixed seed.
TEST(XmlStandInTest, RandomDocumentsParseAlike) {
  // Mostly pieces of well-formed content, so that many documents are well-formed; now and then
  // one that breaks it.
  const std::vector<std::string> pieces = {"中",
                                           "  ",
                                           "<e> </e>",
                                           "<p xml:space=\"preserve\"> 中 <q> </q></p>",
                                           "<f>\n</f>",
                                           "文字",
                                           "a",
                                           " ",
                                           "\n",
                                           "\r\n",
                                           "\t",
                                           "&amp;",
                                           "&#x4E2D;",
                                           "]",
                                           ">",
                                           "é",
                                           "😀",
                                           "<c/>",
                                           "<b>中 文</b>",
                                           "<d x=\"值>\">中</d>",
                                           "<!--注>释-->",
                                           "<![CDATA[块>中]]>",
                                           "<?p 指>令?>",
                                           "&lt;",
                                           "\"",
                                           "'",
                                           "\xC2\x85"};
  const std::vector<std::string> trouble = {"]]>",  "\xE4\xB8", "\x80",         "<",    "&",
                                            "</b>", "<b>",      "\xEF\xBF\xBE", "&名;", "\x01"};
  std::mt19937 random(20260311);
  int stood_in = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string xml = "<r>";
    auto count = std::uniform_int_distribution<int>(0, 12)(random);
    for (int i = 0; i < count; ++i) {
      const std::vector<std::string>& from =
          std::uniform_int_distribution<int>(0, 19)(random) == 0 ? trouble : pieces;
      xml += from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(random)];
    }
    xml += "</r>";
    stood_in += DumpParse(xml, kMaxBytes, true).stand_ins ? 1 : 0;
    ExpectSameParse(xml, "random " + std::to_string(round));
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_GT(stood_in, 500);  // the random corpus exercises the stand-ins, not just the fallback

  std::string example = ReadFile(SourcePath("xml-schemas/examples/diagnostic-report.xml"));
  for (int round = 0; round < 200; ++round) {
    std::string xml = example;
    auto damage = std::uniform_int_distribution<int>(1, 3)(random);
    for (int i = 0; i < damage; ++i) {
      auto at = std::uniform_int_distribution<std::size_t>(0, xml.size() - 1)(random);
      xml[at] = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(random));
    }
    ExpectSameParse(xml, "damaged example " + std::to_string(round));
    if (::testing::Test::HasFailure()) break;
  }
}

}  // namespace
}  // namespace sealflow::forms::xml
