// Copyright sealflow authors.
// Page composition for rendered forms: a device-independent list of pages (text runs, rules,
// fills) built from headings, paragraphs, bordered tables and signature blocks, with page breaks
// and "第 x 页 共 y 页" footers. The PoDoFo writer (renderer.cc) only paints what is composed here.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "forms/renderer.h"
#include "layout.h"

namespace sealflow::forms::compose {

enum FontId { kSans = 0, kSong = 1 };

// A DeviceRGB colour, each component 0..1. Black (the default) is painted as before colour
// existed (gray for text, "0 G" for rules), so documents that use no colour are unchanged.
struct Rgb {
  double r = 0, g = 0, b = 0;
  bool IsBlack() const { return r == 0 && g == 0 && b == 0; }
  bool operator==(const Rgb&) const = default;
};
// The red of a Chinese official document's masthead and separator (GB/T 9704-2012 7.2.1, 7.2.5).
inline constexpr Rgb kOfficialRed{1, 0, 0};

struct TextRun {
  FontId font = kSong;
  double size = 10.5;
  double x = 0, y = 0;  // baseline start, points
  double gray = 0;      // 0 black .. 1 white; used when color is black
  std::string text;
  Rgb color{};  // not black: painted in this colour instead of gray
};
struct Rule {
  double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
  double width = 0.6;
  Rgb color{};
};

enum class Align { kLeft, kCenter, kRight };
struct Fill {
  double x = 0, y = 0, width = 0, height = 0;
  double gray = 0.9;
};
struct Page {
  std::vector<Fill> fills;
  std::vector<Rule> rules;
  std::vector<TextRun> texts;
};

// A4 portrait, points.
inline constexpr double kPageWidth = 595.276;
inline constexpr double kPageHeight = 841.89;

struct Column {
  double fraction = 1;  // of the content width
  FontId font = kSong;
  bool center = false;
};

class Composer {
 public:
  explicit Composer(const std::array<const layout::FontWidths*, 2>& widths);

  // A centred title line in the sans face.
  void Title(std::string_view text, double size);
  // A centred or right-aligned single line.
  void CenteredLine(std::string_view text, FontId font, double size);
  // A section heading; kept on the same page as at least `keep_with_next` points that follow.
  void Heading(std::string_view text, double keep_with_next = 60);
  void Paragraph(std::string_view text, FontId font = kSong, double size = 10.5,
                 double first_indent_em = 2);
  // A bordered table; header (if not empty) is shaded, set in the sans face and repeated on
  // each page the table continues on. A row moves whole to the next page if it fits there.
  void Table(const std::vector<Column>& columns, const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows, double size = 10);
  // Two boxes side by side where the parties sign or stamp; returns where.
  void SignatureBlocks(const std::vector<SignatureBlock>& blocks,
                       const std::vector<std::vector<std::string>>& notes, double height);
  void Space(double points) { y_ -= points; }

  // Wrapped text, each line aligned within the content width; indent_em is kept free on the
  // aligned side (left for kLeft, right for kRight, both for kCenter), in ems of size.
  // line_height_em is the line pitch. Used for mastheads, titles and flush-left/right lines.
  void AlignedText(std::string_view text, FontId font, double size, Align align, Rgb color = {},
                   double indent_em = 0, double line_height_em = 1.5);
  // One line with left text flush left and right text flush right (each indented indent_em).
  void SplitLine(std::string_view left, std::string_view right, FontId font, double size,
                 double indent_em = 0, double line_height_em = 1.5);
  // A rule of the given stroke width across the content width, space_above points below the
  // cursor; the cursor ends space_below points under it.
  void FullWidthRule(double width, Rgb color = {}, double space_above = 0, double space_below = 0);
  // Records a signature block at an explicit rectangle (points, origin bottom-left) on the
  // current page, drawing nothing: for a seal pressed over printed text (印章下压署名和日期).
  void PlaceSignatureBlock(SignatureBlock block, double x, double y, double width, double height);
  // Starts a new page unless `height` points fit below the cursor; true if it did.
  bool KeepTogether(double height) { return EnsureSpace(height); }
  // Where the cursor is (points from the page bottom), and how much room is left above the
  // bottom margin on the current page.
  double cursor() const { return y_; }
  double Remaining() const { return y_ - Bottom(); }

  // Adds running headers and "第 x 页 共 y 页" footers and returns the pages.
  std::vector<Page> Finish(std::string_view running_header_left,
                           std::string_view running_header_right);
  const std::vector<SignatureBlock>& signature_blocks() const { return signature_blocks_; }

  double Measure(std::string_view text, FontId font, double size) const;

  static constexpr double kMarginLeft = 60;
  static constexpr double kMarginRight = 60;
  static constexpr double kMarginTop = 60;
  static constexpr double kMarginBottom = 62;
  static constexpr double kContentWidth = kPageWidth - kMarginLeft - kMarginRight;

 private:
  void NewPage();
  // Starts a new page unless `height` points fit below the cursor.
  bool EnsureSpace(double height);
  double Bottom() const { return kMarginBottom; }
  void AddText(FontId font, double size, double x, double y, std::string text, double gray = 0);
  void AddColoredText(FontId font, double size, double x, double y, std::string text, Rgb color);
  void DrawTableRow(const std::vector<Column>& columns,
                    const std::vector<std::vector<std::string>>& cell_lines, std::size_t first,
                    std::size_t count, double size, bool header);

  std::array<const layout::FontWidths*, 2> widths_;
  std::vector<Page> pages_;
  std::vector<SignatureBlock> signature_blocks_;
  double y_ = 0;
};

}  // namespace sealflow::forms::compose
