// Copyright sealflow authors.
// Text measuring and line breaking for Chinese forms, independent of PoDoFo so it can be tested
// on its own. Widths are in 1/1000 em (PDF glyph space), so a run at size s is width * s / 1000
// points wide.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sealflow::forms::layout {

// Advance widths of one font for the Basic Multilingual Plane, looked up without locks (the
// table is filled once and then only read). Characters outside it measure `fallback`.
class FontWidths {
 public:
  FontWidths() = default;
  explicit FontWidths(std::vector<float> bmp, float fallback = 1000.0f)
      : bmp_(std::move(bmp)), fallback_(fallback) {}
  double Width(char32_t c) const {
    return c < bmp_.size() ? static_cast<double>(bmp_[c]) : static_cast<double>(fallback_);
  }
  // The width of text at size, in points.
  double Measure(std::u32string_view text, double size) const;

 private:
  std::vector<float> bmp_;
  float fallback_ = 1000.0f;
};

// UTF-8 <-> UTF-32. Invalid UTF-8 becomes U+FFFD (input is validated before it gets here).
std::u32string ToUtf32(std::string_view utf8);
std::string ToUtf8(std::u32string_view text);

// Chinese line-breaking classes (a practical subset of GB/T 15834 and the JIS X 4051 kinsoku
// rules): closing punctuation may not start a line, opening punctuation may not end one.
bool IsClosingPunctuation(char32_t c);
bool IsOpeningPunctuation(char32_t c);
// Ideographs, kana, CJK symbols and full-width forms: a line may break before or after each.
bool IsBreakableEverywhere(char32_t c);

// Breaks text into lines no wider than max_width points at size. Breaks anywhere between CJK
// characters, at spaces between Latin words, never inside a Latin word or number unless the word
// alone is wider than a line; never starts a line with closing punctuation nor ends one with
// opening punctuation; '\n' forces a break. Spaces at a break are dropped.
std::vector<std::string> WrapText(std::string_view utf8, double max_width, double size,
                                  const FontWidths& widths);

}  // namespace sealflow::forms::layout
