// Copyright sealflow authors.
#include "composer.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace sealflow::forms::compose {
namespace {

// CJK faces put most of a glyph above the baseline: the baseline sits this far (in em) below
// the top of a line box of height `size`.
constexpr double kAscent = 0.86;
constexpr double kLeading = 1.5;       // paragraph line height, in em
constexpr double kCellLeading = 1.35;  // table line height, in em
constexpr double kCellPadX = 5;
constexpr double kCellPadY = 3;
constexpr double kBorder = 0.6;

}  // namespace

Composer::Composer(const std::array<const layout::FontWidths*, 2>& widths) : widths_(widths) {
  NewPage();
}

double Composer::Measure(std::string_view text, FontId font, double size) const {
  return widths_[font]->Measure(layout::ToUtf32(text), size);
}

void Composer::NewPage() {
  pages_.emplace_back();
  y_ = kPageHeight - kMarginTop;
}

bool Composer::EnsureSpace(double height) {
  if (y_ - height >= Bottom()) return false;
  NewPage();
  return true;
}

void Composer::AddText(FontId font, double size, double x, double y, std::string text,
                       double gray) {
  if (text.empty()) return;
  pages_.back().texts.push_back({font, size, x, y, gray, std::move(text)});
}

void Composer::Title(std::string_view text, double size) {
  EnsureSpace(size * 1.6);
  double width = Measure(text, kSans, size);
  AddText(kSans, size, kMarginLeft + (kContentWidth - width) / 2, y_ - size * kAscent,
          std::string(text));
  y_ -= size * 1.6;
}

void Composer::CenteredLine(std::string_view text, FontId font, double size) {
  EnsureSpace(size * kLeading);
  double width = Measure(text, font, size);
  AddText(font, size, kMarginLeft + (kContentWidth - width) / 2, y_ - size * kAscent,
          std::string(text));
  y_ -= size * kLeading;
}

void Composer::Heading(std::string_view text, double keep_with_next) {
  constexpr double kSize = 13;
  constexpr double kHeight = kSize * 1.7;
  y_ -= 6;  // space above
  EnsureSpace(kHeight + keep_with_next);
  for (const std::string& line : layout::WrapText(text, kContentWidth, kSize, *widths_[kSans])) {
    AddText(kSans, kSize, kMarginLeft, y_ - kSize * kAscent, line);
    y_ -= kHeight;
  }
}

void Composer::Paragraph(std::string_view text, FontId font, double size, double first_indent_em) {
  // The first-line indent is two ideographic spaces, so wrapping measures it like text.
  std::string indented;
  for (int i = 0; i < static_cast<int>(first_indent_em); ++i) indented += "\u3000";
  indented += text;
  double line_height = size * kLeading;
  for (const std::string& line : layout::WrapText(indented, kContentWidth, size, *widths_[font])) {
    EnsureSpace(line_height);
    AddText(font, size, kMarginLeft, y_ - size * kAscent - (line_height - size) / 2, line);
    y_ -= line_height;
  }
}

void Composer::DrawTableRow(const std::vector<Column>& columns,
                            const std::vector<std::vector<std::string>>& cell_lines,
                            std::size_t first, std::size_t count, double size, bool header) {
  double line_height = size * kCellLeading;
  double height = 2 * kCellPadY + static_cast<double>(count) * line_height;
  double top = y_;
  double bottom = y_ - height;
  Page& page = pages_.back();
  if (header) page.fills.push_back({kMarginLeft, bottom, kContentWidth, height, 0.9});
  double x = kMarginLeft;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    double width = columns[c].fraction * kContentWidth;
    FontId font = header ? kSans : columns[c].font;
    const std::vector<std::string>& lines = cell_lines[c];
    double baseline = top - kCellPadY - (line_height - size) / 2 - size * kAscent;
    for (std::size_t i = first; i < std::min(lines.size(), first + count); ++i) {
      double text_x = x + kCellPadX;
      if (header || columns[c].center) {
        text_x = x + (width - Measure(lines[i], font, size)) / 2;
      }
      AddText(font, size, text_x, baseline, lines[i]);
      baseline -= line_height;
    }
    x += width;
  }
  // Borders: top, bottom, and every vertical.
  page.rules.push_back({kMarginLeft, top, kMarginLeft + kContentWidth, top, kBorder});
  page.rules.push_back({kMarginLeft, bottom, kMarginLeft + kContentWidth, bottom, kBorder});
  x = kMarginLeft;
  page.rules.push_back({x, top, x, bottom, kBorder});
  for (const Column& column : columns) {
    x += column.fraction * kContentWidth;
    page.rules.push_back({x, top, x, bottom, kBorder});
  }
  y_ = bottom;
}

void Composer::Table(const std::vector<Column>& columns, const std::vector<std::string>& header,
                     const std::vector<std::vector<std::string>>& rows, double size) {
  auto wrap = [&](const std::vector<std::string>& cells, bool is_header) {
    std::vector<std::vector<std::string>> lines(columns.size());
    for (std::size_t c = 0; c < columns.size(); ++c) {
      FontId font = is_header ? kSans : columns[c].font;
      double width = columns[c].fraction * kContentWidth - 2 * kCellPadX;
      lines[c] = layout::WrapText(c < cells.size() ? cells[c] : std::string(), width, size,
                                  *widths_[font]);
    }
    return lines;
  };
  auto line_count = [](const std::vector<std::vector<std::string>>& lines) {
    std::size_t count = 1;
    for (const auto& cell : lines) count = std::max(count, cell.size());
    return count;
  };
  double line_height = size * kCellLeading;
  auto row_height = [&](std::size_t lines) {
    return 2 * kCellPadY + static_cast<double>(lines) * line_height;
  };
  std::vector<std::vector<std::string>> header_lines;
  if (!header.empty()) header_lines = wrap(header, true);
  auto draw_header = [&] {
    if (!header.empty()) {
      DrawTableRow(columns, header_lines, 0, line_count(header_lines), size, true);
    }
  };
  double header_height = header.empty() ? 0 : row_height(line_count(header_lines));
  double page_room = kPageHeight - kMarginTop - Bottom() - header_height;

  bool first_row = true;
  for (const auto& row : rows) {
    auto lines = wrap(row, false);
    std::size_t total = line_count(lines);
    double needed = row_height(total) + (first_row ? header_height : 0);
    if (y_ - needed < Bottom() && row_height(total) <= page_room) {
      NewPage();
      draw_header();
    } else if (first_row) {
      if (y_ - header_height - row_height(1) < Bottom()) NewPage();
      draw_header();
    }
    first_row = false;
    // Rows taller than the room left are split line by line across pages.
    std::size_t done = 0;
    while (done < total) {
      auto fit =
          static_cast<std::size_t>(std::floor((y_ - Bottom() - 2 * kCellPadY) / line_height));
      if (fit == 0) {
        NewPage();
        draw_header();
        continue;
      }
      std::size_t count = std::min(fit, total - done);
      DrawTableRow(columns, lines, done, count, size, false);
      done += count;
    }
  }
  y_ -= 6;
}

void Composer::SignatureBlocks(const std::vector<SignatureBlock>& blocks,
                               const std::vector<std::vector<std::string>>& notes, double height) {
  constexpr double kGap = 16;
  constexpr double kLabelSize = 11;
  constexpr double kNoteSize = 10;
  EnsureSpace(height + 10);
  y_ -= 10;
  double top = y_;
  double bottom = top - height;
  double width = (kContentWidth - kGap * static_cast<double>(blocks.size() - 1)) /
                 static_cast<double>(blocks.size());
  Page& page = pages_.back();
  int page_index = static_cast<int>(pages_.size()) - 1;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    double x = kMarginLeft + static_cast<double>(i) * (width + kGap);
    page.rules.push_back({x, top, x + width, top, kBorder});
    page.rules.push_back({x, bottom, x + width, bottom, kBorder});
    page.rules.push_back({x, top, x, bottom, kBorder});
    page.rules.push_back({x + width, top, x + width, bottom, kBorder});
    double label_band = kLabelSize * 2.2;
    page.fills.push_back({x, top - label_band, width, label_band, 0.93});
    page.rules.push_back({x, top - label_band, x + width, top - label_band, kBorder});
    AddText(kSans, kLabelSize, x + (width - Measure(blocks[i].label, kSans, kLabelSize)) / 2,
            top - label_band / 2 - kLabelSize * 0.36, blocks[i].label);
    // Notes (e.g. "法定代表人（签字）：", "年 月 日") sit at the bottom of the box.
    const std::vector<std::string>& lines =
        i < notes.size() ? notes[i] : std::vector<std::string>{};
    double baseline = bottom + 10 + static_cast<double>(lines.size()) * kNoteSize * kLeading -
                      kNoteSize * kLeading + 2;
    for (const std::string& line : lines) {
      AddText(kSong, kNoteSize, x + 10, baseline, line);
      baseline -= kNoteSize * kLeading;
    }
    SignatureBlock block = blocks[i];
    block.page = page_index;
    block.x = x + 1;
    block.y = bottom + 1;
    block.width = width - 2;
    block.height = height - label_band - 2;
    signature_blocks_.push_back(std::move(block));
  }
  y_ = bottom;
}

void Composer::AddColoredText(FontId font, double size, double x, double y, std::string text,
                              Rgb color) {
  if (text.empty()) return;
  pages_.back().texts.push_back({font, size, x, y, 0, std::move(text), color});
}

void Composer::AlignedText(std::string_view text, FontId font, double size, Align align, Rgb color,
                           double indent_em, double line_height_em) {
  double indent = indent_em * size;
  double room = kContentWidth - (align == Align::kCenter ? 2 * indent : indent);
  double line_height = size * line_height_em;
  for (const std::string& line : layout::WrapText(text, room, size, *widths_[font])) {
    EnsureSpace(line_height);
    double width = Measure(line, font, size);
    double x = kMarginLeft + indent;
    if (align == Align::kCenter) x = kMarginLeft + (kContentWidth - width) / 2;
    if (align == Align::kRight) x = kMarginLeft + kContentWidth - indent - width;
    AddColoredText(font, size, x, y_ - size * kAscent - (line_height - size) / 2, line, color);
    y_ -= line_height;
  }
}

void Composer::SplitLine(std::string_view left, std::string_view right, FontId font, double size,
                         double indent_em, double line_height_em) {
  double line_height = size * line_height_em;
  EnsureSpace(line_height);
  double baseline = y_ - size * kAscent - (line_height - size) / 2;
  double indent = indent_em * size;
  AddText(font, size, kMarginLeft + indent, baseline, std::string(left));
  AddText(font, size, kMarginLeft + kContentWidth - indent - Measure(right, font, size), baseline,
          std::string(right));
  y_ -= line_height;
}

void Composer::FullWidthRule(double width, Rgb color, double space_above, double space_below) {
  EnsureSpace(space_above + width);
  y_ -= space_above;
  pages_.back().rules.push_back({kMarginLeft, y_, kMarginLeft + kContentWidth, y_, width, color});
  y_ -= space_below;
}

void Composer::PlaceSignatureBlock(SignatureBlock block, double x, double y, double width,
                                   double height) {
  block.page = static_cast<int>(pages_.size()) - 1;
  block.x = x;
  block.y = y;
  block.width = width;
  block.height = height;
  signature_blocks_.push_back(std::move(block));
}

std::vector<Page> Composer::Finish(std::string_view running_header_left,
                                   std::string_view running_header_right) {
  constexpr double kHeaderSize = 8.5;
  constexpr double kFooterSize = 9;
  const std::size_t count = pages_.size();
  for (std::size_t i = 0; i < count; ++i) {
    Page& page = pages_[i];
    double header_y = kPageHeight - kMarginTop + 22;
    std::string left(running_header_left);
    std::string right(running_header_right);
    page.texts.push_back({kSans, kHeaderSize, kMarginLeft, header_y, 0.35, left});
    page.texts.push_back({kSans, kHeaderSize,
                          kMarginLeft + kContentWidth - Measure(right, kSans, kHeaderSize),
                          header_y, 0.35, right});
    page.rules.push_back(
        {kMarginLeft, header_y - 5, kMarginLeft + kContentWidth, header_y - 5, 0.4});
    std::string footer = "第 " + std::to_string(i + 1) + " 页 共 " + std::to_string(count) + " 页";
    page.texts.push_back({kSong, kFooterSize,
                          kMarginLeft + (kContentWidth - Measure(footer, kSong, kFooterSize)) / 2,
                          kMarginBottom - 30, 0, footer});
  }
  return std::move(pages_);
}

}  // namespace sealflow::forms::compose
