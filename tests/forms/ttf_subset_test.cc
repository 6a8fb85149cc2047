// Copyright sealflow authors.
#include "../../forms/src/ttf_subset.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "forms/error.h"
#include "forms/renderer.h"
#include "support/test_support.h"

namespace sealflow::forms::ttf {
namespace {

using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;

// The build tree's fonts, as the Renderer finds them by default.
std::string FontPath(const std::string& name) {
  const char* env = std::getenv("SEALFLOW_FONT_DIR");
  std::string dir = env != nullptr && *env != '\0' ? std::string(env)
                                                   : sealflow::testing::BinPath("../share/fonts");
  return dir + "/" + name;
}

std::uint32_t Be(std::string_view data, std::size_t at, int bytes) {
  std::uint32_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | static_cast<unsigned char>(data[at + i]);
  return value;
}

// Independent of the code under test: the table directory entry for tag.
std::string_view TableOf(std::string_view font, std::string_view tag,
                         std::uint32_t* checksum = nullptr) {
  std::uint32_t count = Be(font, 4, 2);
  for (std::uint32_t i = 0; i < count; ++i) {
    std::size_t record = 12 + 16 * i;
    if (font.substr(record, 4) == tag) {
      if (checksum != nullptr) *checksum = Be(font, record + 4, 4);
      return font.substr(Be(font, record + 8, 4), Be(font, record + 12, 4));
    }
  }
  return {};
}

// A minimal cmap (3,1) format 4 lookup, enough to find the glyphs of BMP characters.
std::uint16_t GlyphOf(std::string_view font, char32_t c) {
  std::string_view cmap = TableOf(font, "cmap");
  std::uint32_t count = Be(cmap, 2, 2);
  for (std::uint32_t i = 0; i < count; ++i) {
    std::size_t record = 4 + 8 * i;
    if (Be(cmap, record, 2) != 3 || Be(cmap, record + 2, 2) != 1) continue;
    std::string_view sub = cmap.substr(Be(cmap, record + 4, 4));
    if (Be(sub, 0, 2) != 4) continue;
    std::uint32_t segs = Be(sub, 6, 2) / 2;
    std::size_t ends = 14, starts = ends + 2 * segs + 2, deltas = starts + 2 * segs,
                offsets = deltas + 2 * segs;
    for (std::uint32_t s = 0; s < segs; ++s) {
      std::uint32_t end = Be(sub, ends + 2 * s, 2), start = Be(sub, starts + 2 * s, 2);
      if (c > end) continue;
      if (c < start) return 0;
      std::uint32_t delta = Be(sub, deltas + 2 * s, 2);
      std::uint32_t range = Be(sub, offsets + 2 * s, 2);
      if (range == 0) return static_cast<std::uint16_t>((c + delta) & 0xFFFF);
      std::uint32_t glyph = Be(sub, offsets + 2 * s + range + 2 * (c - start), 2);
      return glyph == 0 ? 0 : static_cast<std::uint16_t>((glyph + delta) & 0xFFFF);
    }
  }
  return 0;
}

// Checks the sfnt structure of a built font: directory sorted, binary-search fields, table
// checksums, 4-byte alignment, and the whole-font checksum (checkSumAdjustment).
void ExpectWellFormed(std::string_view font) {
  ASSERT_GE(font.size(), 12u);
  EXPECT_EQ(Be(font, 0, 4), 0x00010000u);
  std::uint32_t count = Be(font, 4, 2);
  std::uint32_t pow2 = 1, log2 = 0;
  while (pow2 * 2 <= count) pow2 *= 2, ++log2;
  EXPECT_EQ(Be(font, 6, 2), pow2 * 16);
  EXPECT_EQ(Be(font, 8, 2), log2);
  EXPECT_EQ(Be(font, 10, 2), count * 16 - pow2 * 16);
  std::string previous;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::size_t record = 12 + 16 * i;
    std::string tag(font.substr(record, 4));
    EXPECT_LT(previous, tag);
    previous = tag;
    std::uint32_t offset = Be(font, record + 8, 4), length = Be(font, record + 12, 4);
    EXPECT_EQ(offset % 4, 0u) << tag;
    ASSERT_LE(offset + length, font.size()) << tag;
    std::string padded(font.substr(offset, length));
    padded.resize((length + 3) / 4 * 4, '\0');
    if (tag == "head") padded.replace(8, 4, 4, '\0');
    std::uint32_t sum = 0;
    for (std::size_t k = 0; k < padded.size(); k += 4) sum += Be(padded, k, 4);
    EXPECT_EQ(Be(font, record + 4, 4), sum) << tag;
  }
  ASSERT_EQ(font.size() % 4, 0u);
  std::uint32_t total = 0;
  for (std::size_t k = 0; k < font.size(); k += 4) total += Be(font, k, 4);
  EXPECT_EQ(total, 0xB1B0AFBAu);
  EXPECT_EQ(Be(TableOf(font, "head"), 50, 2), 1u);  // long loca
}

// The closure of source glyphs under composite references, independent of Subset.
std::set<std::uint16_t> Closure(const Font& font, const std::vector<std::uint16_t>& glyphs) {
  std::set<std::uint16_t> seen;
  std::vector<std::uint16_t> todo(glyphs.begin(), glyphs.end());
  todo.push_back(0);
  while (!todo.empty()) {
    std::uint16_t glyph = todo.back();
    todo.pop_back();
    if (!seen.insert(glyph).second) continue;
    for (const Font::Component& c : Font::Components(font.GlyphData(glyph)))
      todo.push_back(c.glyph);
  }
  return seen;
}

class TtfSubsetTest : public ::testing::TestWithParam<const char*> {};

TEST_P(TtfSubsetTest, KnownCharactersGiveNotdefPlusUsedPlusComponents) {
  std::string bytes = ReadFile(FontPath(GetParam()));
  Font font(bytes);
  std::u32string text = U"申报书数字化服务商iAé";
  std::vector<std::uint16_t> used;
  Subset subset(font);
  for (char32_t c : text) {
    std::uint16_t glyph = GlyphOf(bytes, c);
    ASSERT_NE(glyph, 0) << static_cast<unsigned>(c);
    std::uint16_t id = subset.Add(glyph);
    EXPECT_EQ(id, used.size() + 1) << "new ids in order of first use";
    used.push_back(glyph);
    EXPECT_EQ(subset.Add(glyph), id) << "an id is fixed at first use";
  }
  std::set<std::uint16_t> closure = Closure(font, used);
  std::string program = subset.Build();
  ExpectWellFormed(program);
  Font out(program);
  EXPECT_EQ(out.glyph_count(), closure.size());
  EXPECT_EQ(out.glyph_count(), subset.source_glyphs().size());
  EXPECT_GT(closure.size(), 1 + used.size()) << "é at least is composite in both faces";
  EXPECT_EQ(Be(TableOf(program, "hhea"), 34, 2), out.glyph_count());
  // Each new glyph has its source's outline (component ids aside) and metrics.
  for (std::size_t id = 0; id < out.glyph_count(); ++id) {
    std::uint16_t source = subset.source_glyphs()[id];
    std::string_view original = font.GlyphData(source);
    std::string_view copy = out.GlyphData(static_cast<std::uint16_t>(id));
    ASSERT_GE(copy.size(), original.size());
    EXPECT_EQ(copy.size() - original.size(), (4 - original.size() % 4) % 4);
    EXPECT_EQ(out.Metric(static_cast<std::uint16_t>(id)).advance, font.Metric(source).advance);
    EXPECT_EQ(out.Metric(static_cast<std::uint16_t>(id)).lsb, font.Metric(source).lsb);
    std::vector<Font::Component> from = Font::Components(original);
    std::vector<Font::Component> to = Font::Components(copy);
    ASSERT_EQ(from.size(), to.size());
    if (from.empty()) {
      EXPECT_EQ(copy.substr(0, original.size()), original);
      continue;
    }
    for (std::size_t k = 0; k < from.size(); ++k) {
      EXPECT_EQ(subset.source_glyphs()[to[k].glyph], from[k].glyph);
      EXPECT_GT(to[k].glyph, 0);
    }
  }
}

TEST_P(TtfSubsetTest, CompositeComponentsAreIncludedAndRenumbered) {
  std::string bytes = ReadFile(FontPath(GetParam()));
  Font font(bytes);
  // The first composite glyph with a component of a higher id than itself, found by scanning.
  std::uint16_t composite = 0;
  for (std::uint32_t g = 1; g < font.glyph_count() && composite == 0; ++g) {
    for (const Font::Component& c :
         Font::Components(font.GlyphData(static_cast<std::uint16_t>(g)))) {
      if (c.glyph > g + 1) composite = static_cast<std::uint16_t>(g);
    }
  }
  ASSERT_NE(composite, 0) << GetParam() << " has no composite glyph";
  std::vector<Font::Component> source_components = Font::Components(font.GlyphData(composite));
  Subset subset(font);
  ASSERT_EQ(subset.Add(composite), 1);
  std::string program = subset.Build();
  Font out(program);
  std::vector<Font::Component> components = Font::Components(out.GlyphData(1));
  ASSERT_EQ(components.size(), source_components.size());
  for (std::size_t k = 0; k < components.size(); ++k) {
    EXPECT_LT(components[k].glyph, out.glyph_count());
    EXPECT_GE(components[k].glyph, 2);
    EXPECT_EQ(subset.source_glyphs()[components[k].glyph], source_components[k].glyph);
  }
}

INSTANTIATE_TEST_SUITE_P(Fonts, TtfSubsetTest, ::testing::Values("wqy-microhei.ttf", "uming.ttf"));

// The composite parser on a hand-built glyph using every argument / transform shape.
TEST(TtfComponentsTest, ParsesEveryArgumentAndTransformShape) {
  std::string glyph = {'\xFF', '\xFF', 0, 0, 0, 0, 0, 0, 0, 0};  // numberOfContours -1, bbox
  auto component = [&](std::uint16_t flags, std::uint16_t id, std::size_t tail) {
    glyph += static_cast<char>(flags >> 8);
    glyph += static_cast<char>(flags & 0xFF);
    glyph += static_cast<char>(id >> 8);
    glyph += static_cast<char>(id & 0xFF);
    glyph.append(tail, '\x01');
  };
  component(0x0001 | 0x0008 | 0x0020, 300, 4 + 2);     // word args, scale, more
  component(0x0040 | 0x0020, 7, 2 + 4);                // byte args, x and y scale, more
  component(0x0001 | 0x0080 | 0x0020, 0x1234, 4 + 8);  // word args, 2x2, more
  component(0x0000, 9, 2);                             // byte args, last
  std::vector<Font::Component> components = Font::Components(glyph);
  ASSERT_EQ(components.size(), 4u);
  EXPECT_EQ(components[0].glyph, 300);
  EXPECT_EQ(components[0].index_offset, 12u);
  EXPECT_EQ(components[1].glyph, 7);
  EXPECT_EQ(components[1].index_offset, 12u + 10);
  EXPECT_EQ(components[2].glyph, 0x1234);
  EXPECT_EQ(components[2].index_offset, 12u + 10 + 10);
  EXPECT_EQ(components[3].glyph, 9);
  EXPECT_EQ(components[3].index_offset, 12u + 10 + 10 + 16);
  // Cut inside the last record: malformed.
  EXPECT_THROW(Font::Components(std::string_view(glyph).substr(0, glyph.size() - 1)), FormsError);
  // MORE_COMPONENTS on the last record: runs past the data.
  glyph[glyph.size() - 5] = 0x20;
  EXPECT_THROW(Font::Components(glyph), FormsError);
}

TEST(TtfFontTest, MalformedFontsThrowFontError) {
  std::string bytes = ReadFile(FontPath("wqy-microhei.ttf"));
  std::string_view glyf = TableOf(bytes, "glyf");
  std::size_t glyf_end = static_cast<std::size_t>(glyf.data() - bytes.data()) + glyf.size();
  // Truncated: in the header, in the table directory, and one byte short of glyf's end.
  for (std::size_t size : {std::size_t{0}, std::size_t{11}, std::size_t{200}, glyf_end - 1}) {
    try {
      Font font(std::string_view(bytes).substr(0, size));
      ADD_FAILURE() << "no error for a font cut to " << size << " bytes";
    } catch (const FormsError& error) {
      EXPECT_EQ(error.code(), FormsErrorCode::kFont) << size;
    }
  }
  // A loca entry pointing past glyf: found when the glyph is copied.
  std::string bad = bytes;
  std::string_view loca = TableOf(bad, "loca");
  std::size_t loca_at = static_cast<std::size_t>(loca.data() - bad.data());
  ASSERT_EQ(Be(TableOf(bad, "head"), 50, 2), 1u);  // wqy has a long loca
  bad.replace(loca_at + 4 * 101, 4, "\x7F\xFF\xFF\xFF");
  {
    Font font(bad);
    Subset subset(font);
    subset.Add(100);
    EXPECT_THROW(subset.Build(), FormsError);
  }
  try {
    Font font("not a font at all, just words");
    ADD_FAILURE() << "expected FormsError";
  } catch (const FormsError& error) {
    EXPECT_EQ(error.code(), FormsErrorCode::kFont);
  }
  Font font(bytes);
  Subset subset(font);
  EXPECT_THROW(subset.Add(font.glyph_count()), FormsError);
}

TEST(TtfSubsetRenderTest, RenderedExampleIsSmall) {
  RendererOptions options;
  options.clock = sealflow::testing::FixedNow;
  options.compress_fonts = true;
  RenderResult result = Renderer::Create(options)->Render(
      ReadFile(SourcePath("xml-schemas/examples/application.xml")));
  ASSERT_TRUE(result.report.ok());
  std::printf("application.xml: %zu bytes with compressed fonts\n", result.form.pdf.size());
  EXPECT_LT(result.form.pdf.size(), 150u * 1024);
  options.compress_fonts = false;
  result = Renderer::Create(options)->Render(
      ReadFile(SourcePath("xml-schemas/examples/application.xml")));
  std::printf("application.xml: %zu bytes with uncompressed fonts\n", result.form.pdf.size());
  // The outlines of ~750 CJK glyphs alone are ~230 KB (uming's carry no hinting to drop).
  EXPECT_LT(result.form.pdf.size(), 300u * 1024);
}

}  // namespace
}  // namespace sealflow::forms::ttf
