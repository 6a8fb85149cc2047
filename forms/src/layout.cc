// Copyright sealflow authors.
#include "layout.h"

#include <utility>

namespace sealflow::forms::layout {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool IsSpace(char32_t c) { return c == U' ' || c == U'\t' || c == U'\r'; }

// A piece of text the line breaker never splits (unless it alone exceeds a line).
struct Token {
  std::u32string text;
  bool space = false;
  bool newline = false;
};

// Latin letters, digits and ASCII punctuation (and any other non-CJK character) form words
// that are kept together: "98.2%", "PROFINET", "lixiaomei@muye-tech.example.cn".
bool IsWordCharacter(char32_t c) {
  if (c == U'\n' || IsSpace(c)) return false;
  if (c < 0x80) return true;
  return !IsBreakableEverywhere(c) && !IsClosingPunctuation(c) && !IsOpeningPunctuation(c);
}

std::vector<Token> Tokenize(const std::u32string& text) {
  std::vector<Token> tokens;
  for (char32_t c : text) {
    if (c == U'\n') {
      tokens.push_back({U"", false, true});
    } else if (IsSpace(c)) {
      tokens.push_back({U" ", true, false});
    } else if (IsWordCharacter(c) && !tokens.empty() && !tokens.back().space &&
               !tokens.back().newline && IsWordCharacter(tokens.back().text.back())) {
      tokens.back().text.push_back(c);  // continue a Latin word or number
    } else {
      tokens.push_back({std::u32string(1, c), false, false});
    }
  }
  // Glue closing punctuation to what precedes it and opening punctuation to what follows, so
  // the greedy filler below cannot put either on the wrong side of a break.
  std::vector<Token> glued;
  std::u32string pending_open;
  for (Token& token : tokens) {
    bool single = !token.space && !token.newline && token.text.size() == 1;
    if (single && IsClosingPunctuation(token.text[0]) && pending_open.empty() && !glued.empty() &&
        !glued.back().space && !glued.back().newline) {
      glued.back().text += token.text;
      continue;
    }
    if (single && IsOpeningPunctuation(token.text[0])) {
      pending_open += token.text;
      continue;
    }
    if (!pending_open.empty()) {
      if (token.space || token.newline) {
        glued.push_back({pending_open, false, false});
      } else {
        token.text = pending_open + token.text;
      }
      pending_open.clear();
    }
    glued.push_back(std::move(token));
  }
  if (!pending_open.empty()) glued.push_back({pending_open, false, false});
  return glued;
}

}  // namespace

double FontWidths::Measure(std::u32string_view text, double size) const {
  double total = 0;
  for (char32_t c : text) total += Width(c);
  return total * size / 1000.0;
}

std::u32string ToUtf32(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  std::size_t i = 0;
  while (i < utf8.size()) {
    auto byte = static_cast<unsigned char>(utf8[i]);
    std::size_t extra = 0;
    char32_t c = 0;
    if (byte < 0x80) {
      c = byte;
    } else if ((byte & 0xE0u) == 0xC0u) {
      extra = 1;
      c = byte & 0x1Fu;
    } else if ((byte & 0xF0u) == 0xE0u) {
      extra = 2;
      c = byte & 0x0Fu;
    } else if ((byte & 0xF8u) == 0xF0u) {
      extra = 3;
      c = byte & 0x07u;
    } else {
      out.push_back(kReplacement);
      ++i;
      continue;
    }
    bool ok = i + extra < utf8.size();
    for (std::size_t k = 1; ok && k <= extra; ++k) {
      auto next = static_cast<unsigned char>(utf8[i + k]);
      ok = (next & 0xC0u) == 0x80u;
      c = (c << 6) | (next & 0x3Fu);
    }
    if (!ok) {
      out.push_back(kReplacement);
      ++i;
      continue;
    }
    out.push_back(c);
    i += extra + 1;
  }
  return out;
}

std::string ToUtf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size() * 3);
  for (char32_t c : text) {
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) c = kReplacement;
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

bool IsClosingPunctuation(char32_t c) {
  static constexpr std::u32string_view kClosing =
      U"。，、．）」』】》〉〕］｝”’；：！？…‥・〗〙〛々ー"
      U",.;:!?)]}%";
  return kClosing.find(c) != std::u32string_view::npos;
}

bool IsOpeningPunctuation(char32_t c) {
  static constexpr std::u32string_view kOpening = U"（「『【《〈〔［｛“‘〖〘〚([{";
  return kOpening.find(c) != std::u32string_view::npos;
}

bool IsBreakableEverywhere(char32_t c) {
  return (c >= 0x2E80 && c <= 0x9FFF) ||  // CJK radicals, symbols, kana, ideographs
         (c >= 0xF900 && c <= 0xFAFF) ||  // compatibility ideographs
         (c >= 0xFF00 && c <= 0xFFEF) ||  // full-width forms
         (c >= 0x20000 && c <= 0x3FFFF);  // supplementary ideographs
}

std::vector<std::string> WrapText(std::string_view utf8, double max_width, double size,
                                  const FontWidths& widths) {
  std::vector<std::string> lines;
  std::u32string line;
  double line_width = 0;
  auto flush = [&] {
    while (!line.empty() && IsSpace(line.back())) line.pop_back();
    lines.push_back(ToUtf8(line));
    line.clear();
    line_width = 0;
  };
  for (const Token& token : Tokenize(ToUtf32(utf8))) {
    if (token.newline) {
      flush();
      continue;
    }
    if (token.space) {
      if (line.empty()) continue;  // no leading spaces
      line += token.text;
      line_width += widths.Measure(token.text, size);
      continue;
    }
    double width = widths.Measure(token.text, size);
    if (!line.empty() && line_width + width > max_width) flush();
    if (width <= max_width) {
      line += token.text;
      line_width += width;
      continue;
    }
    // A word wider than a whole line: split it by characters (the only way it fits).
    for (char32_t c : token.text) {
      double w = widths.Width(c) * size / 1000.0;
      if (!line.empty() && line_width + w > max_width) flush();
      line.push_back(c);
      line_width += w;
    }
  }
  if (!line.empty() || lines.empty()) flush();
  return lines;
}

}  // namespace sealflow::forms::layout
