// Copyright sealflow authors.
// White-box tests of the private line breaker (forms/src/layout.h).
#include "../../forms/src/layout.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sealflow::forms::layout {
namespace {

// A synthetic font: CJK and full-width characters 1 em, everything else half an em. At size
// 10 a CJK character is 10 pt wide.
FontWidths TestWidths() {
  std::vector<float> widths(0x10000, 500.0f);
  for (char32_t c = 0; c < 0x10000; ++c) {
    if (IsBreakableEverywhere(c) || c == U'（' || c == U'）' || c == U'“' || c == U'”') {
      widths[c] = 1000.0f;
    }
  }
  return FontWidths(std::move(widths));
}

std::u32string First(const std::string& line) {
  auto text = ToUtf32(line);
  return text.substr(0, 1);
}
std::u32string Last(const std::string& line) {
  auto text = ToUtf32(line);
  return text.substr(text.size() - 1);
}

TEST(LayoutTest, Utf8RoundTrip) {
  std::string text = "新乡 Xinxiang 𠀀 ①";
  EXPECT_EQ(ToUtf8(ToUtf32(text)), text);
  EXPECT_EQ(ToUtf32("a\xff"
                    "b"),
            U"a\uFFFDb");
  EXPECT_EQ(ToUtf32("\xe6\x96"), U"\uFFFD\uFFFD");
}

TEST(LayoutTest, BreaksBetweenCjkCharacters) {
  FontWidths widths = TestWidths();
  auto lines = WrapText("一二三四五六七八九十", 40, 10, widths);
  EXPECT_EQ(lines, (std::vector<std::string>{"一二三四", "五六七八", "九十"}));
}

TEST(LayoutTest, NoLineStartsWithClosingPunctuation) {
  FontWidths widths = TestWidths();
  // "四" fills the line exactly; the comma must not start the next line, so "四，" moves down.
  auto lines = WrapText("一二三四，五六七八。九十、十一）", 40, 10, widths);
  for (const std::string& line : lines) {
    ASSERT_FALSE(line.empty());
    EXPECT_FALSE(IsClosingPunctuation(First(line)[0])) << line;
    EXPECT_FALSE(IsOpeningPunctuation(Last(line)[0])) << line;
  }
  EXPECT_EQ(lines[0], "一二三");
  EXPECT_EQ(lines[1], "四，五六");
}

TEST(LayoutTest, ClosingPunctuationAtEveryPosition) {
  FontWidths widths = TestWidths();
  const std::u32string closing = U"。，、）」；：！？";
  const std::u32string opening = U"（「";
  std::string base = "新乡市中小企业数字化转型试点工作";
  for (std::size_t width = 30; width <= 80; width += 10) {
    for (char32_t punct : closing + opening) {
      for (std::size_t pos = 1; pos < 12; ++pos) {
        std::u32string text = ToUtf32(base);
        text.insert(pos, 1, punct);
        for (const std::string& line :
             WrapText(ToUtf8(text), static_cast<double>(width), 10, widths)) {
          EXPECT_FALSE(IsClosingPunctuation(First(line)[0])) << line;
          EXPECT_FALSE(IsOpeningPunctuation(Last(line)[0])) << line;
        }
      }
    }
  }
}

TEST(LayoutTest, OpeningPunctuationStaysWithWhatFollows) {
  FontWidths widths = TestWidths();
  auto lines = WrapText("一二三（四五）六", 40, 10, widths);
  EXPECT_EQ(lines, (std::vector<std::string>{"一二三", "（四五）", "六"}));
}

TEST(LayoutTest, LatinWordsAndNumbersAreNotSplit) {
  FontWidths widths = TestWidths();
  // "98.2%" is 5 half-em characters = 25 pt at size 10.
  auto lines = WrapText("合格率提升至98.2%，MES系统", 60, 10, widths);
  bool found = false;
  for (const std::string& line : lines) found |= line.find("98.2%") != std::string::npos;
  EXPECT_TRUE(found) << ::testing::PrintToString(lines);
  auto words = WrapText("OPC UA Modbus PROFINET", 50, 10, widths);
  EXPECT_EQ(words, (std::vector<std::string>{"OPC UA", "Modbus", "PROFINET"}));
}

TEST(LayoutTest, OverlongWordIsSplitByCharacters) {
  FontWidths widths = TestWidths();
  auto lines = WrapText("abcdefghij", 20, 10, widths);
  EXPECT_EQ(lines, (std::vector<std::string>{"abcd", "efgh", "ij"}));
}

TEST(LayoutTest, NewlinesForceBreaks) {
  FontWidths widths = TestWidths();
  EXPECT_EQ(WrapText("一\n二", 100, 10, widths), (std::vector<std::string>{"一", "二"}));
  EXPECT_EQ(WrapText("", 100, 10, widths), (std::vector<std::string>{""}));
}

TEST(LayoutTest, EveryLineFits) {
  FontWidths widths = TestWidths();
  std::string text =
      "为企业主梁焊接车间部署12台焊机数据采集终端和MES系统，打通ERP与生产计划排程，实现工单下达、"
      "焊接参数追溯和质量检验记录的全流程在线化。";
  for (double width = 40; width < 300; width += 7) {
    for (const std::string& line : WrapText(text, width, 10, widths)) {
      // Kinsoku may push a line at most one character over... it must not: we move, not squeeze.
      EXPECT_LE(widths.Measure(ToUtf32(line), 10), width + 1e-9) << line;
    }
  }
}

}  // namespace
}  // namespace sealflow::forms::layout
