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

struct TextRun {
  FontId font = kSong;
  double size = 10.5;
  double x = 0, y = 0;  // baseline start, points
  double gray = 0;      // 0 black .. 1 white
  std::string text;
};
struct Rule {
  double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
  double width = 0.6;
};
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
  void DrawTableRow(const std::vector<Column>& columns,
                    const std::vector<std::vector<std::string>>& cell_lines, std::size_t first,
                    std::size_t count, double size, bool header);

  std::array<const layout::FontWidths*, 2> widths_;
  std::vector<Page> pages_;
  std::vector<SignatureBlock> signature_blocks_;
  double y_ = 0;
};

}  // namespace sealflow::forms::compose
