// Copyright sealflow authors.
#include "seal.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace sealflow::signing::seal {
namespace {

using namespace PoDoFo;

constexpr double kPi = std::numbers::pi;

// The UTF-8 text split into one string per code point (no validation beyond lead bytes: the
// font maps anything it lacks to .notdef).
std::vector<std::string> SplitCharacters(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t n = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : 4;
    n = std::min(n, text.size() - i);
    out.push_back(text.substr(i, n));
    i += n;
  }
  return out;
}

PdfString Utf8(const std::string& text) {
  return PdfString(reinterpret_cast<const pdf_utf8*>(text.c_str()));
}

double TextWidth(PdfFont* font, const std::string& text) {
  return font->GetFontMetrics()->StringWidth(Utf8(text));
}

// A filled five-pointed star with one point up, outer radius `outer`, centred at (cx, cy).
void Star(PdfPainter& painter, double cx, double cy, double outer) {
  const double inner = outer * 0.382;  // the regular pentagram's ratio (1 / golden ratio^2)
  for (int k = 0; k < 10; ++k) {
    const double angle = kPi / 2 + k * kPi / 5;
    const double radius = k % 2 == 0 ? outer : inner;
    const double x = cx + radius * std::cos(angle), y = cy + radius * std::sin(angle);
    if (k == 0) {
      painter.MoveTo(x, y);
    } else {
      painter.LineTo(x, y);
    }
  }
  painter.ClosePath();
  painter.Fill();
}

// The seal of radius r centred at (cx, cy), everything in red.
void Seal(PdfPainter& painter, PdfFont* font, double cx, double cy, double r,
          const SealText& text) {
  painter.SetColor(1, 0, 0);
  painter.SetStrokingColor(1, 0, 0);
  const double line = r * 0.06;
  painter.SetStrokeWidth(line);
  painter.Circle(cx, cy, r - line / 2);
  painter.Stroke();
  Star(painter, cx, cy, r * 0.28);

  // The organisation along the upper arc, read clockwise from the left; each glyph stands on
  // the arc with its baseline tangent to it, its top pointing outwards.
  const std::vector<std::string> chars = SplitCharacters(text.organization);
  if (!chars.empty()) {
    // At most 220 degrees of arc (the bottom is the purpose's): a long name gets smaller glyphs.
    const double max_span = kPi * 220.0 / 180.0;
    const double gaps = static_cast<double>(std::max<std::size_t>(chars.size() - 1, 1));
    double size = r * 0.23;
    for (int i = 0; i < 3; ++i) {  // the baseline radius depends on the size: settle both
      const double radius = r - line * 1.8 - size * 0.88;
      size = std::min(r * 0.23, max_span * radius / (1.08 * gaps));
    }
    font->SetFontSize(static_cast<float>(size));
    painter.SetFont(font);
    const double baseline = r - line * 1.8 - size * 0.88;
    const double step = size * 1.08 / baseline;  // radians per glyph
    const double span = std::min(max_span, step * static_cast<double>(chars.size() - 1));
    for (std::size_t i = 0; i < chars.size(); ++i) {
      const double theta = chars.size() == 1 ? kPi / 2
                                             : kPi / 2 + span / 2 -
                                                   span * static_cast<double>(i) /
                                                       static_cast<double>(chars.size() - 1);
      const double phi = theta - kPi / 2;
      painter.Save();
      painter.SetTransformationMatrix(std::cos(phi), std::sin(phi), -std::sin(phi), std::cos(phi),
                                      cx + baseline * std::cos(theta),
                                      cy + baseline * std::sin(theta));
      painter.DrawText(-TextWidth(font, chars[i]) / 2, 0, Utf8(chars[i]));
      painter.Restore();
    }
  }
  // The purpose straight along the bottom, under the star.
  if (!text.purpose.empty()) {
    double size = r * 0.18;
    font->SetFontSize(static_cast<float>(size));
    const double width = TextWidth(font, text.purpose);
    if (width > r * 1.3) {  // keep it inside the ring
      size *= r * 1.3 / width;
      font->SetFontSize(static_cast<float>(size));
    }
    painter.SetFont(font);
    painter.DrawText(cx - TextWidth(font, text.purpose) / 2, cy - r * 0.6, Utf8(text.purpose));
  }
}

}  // namespace

PdfObject* CreateAppearance(PdfMemDocument& doc, double width, double height,
                            const SealText& text) {
  PdfFont* font = doc.CreateFontSubset("SealflowSeal", false, false, false,
                                       PdfEncodingFactory::GlobalIdentityEncodingInstance(),
                                       text.font_path.c_str());
  if (font == nullptr) {
    PODOFO_RAISE_ERROR_INFO(ePdfError_InvalidFontFile, "cannot load font " + text.font_path);
  }
  PdfXObject xobject(PdfRect(0, 0, width, height), &doc);
  PdfPainter painter;
  painter.SetPage(&xobject);

  const std::vector<std::string> lines = {text.signer_name, text.date};
  const double margin = 1;
  if (width >= height * 1.8) {
    // A wide box is a form's signature block: the pilot's forms print their labels (法定代表人
    // （签字）, 日期 年 月 日) along its bottom left, so the seal goes to the right end, a little
    // smaller than the box's height, and the signer and date to the top left, above the labels.
    const double r = std::max(1.0, std::min(height / 2 - margin, width * 0.13));
    const double cx = width - margin - r;
    Seal(painter, font, cx, height / 2, r, text);
    double size = std::min(10.0, height / 5);
    const double x = margin + 2;
    const double room = cx - r - x - size * 0.6;  // left of the seal
    for (const std::string& line : lines) {       // shrink to fit the longest line
      font->SetFontSize(static_cast<float>(size));
      const double needed = TextWidth(font, line);
      if (needed > room && needed > 0) size = std::max(4.0, size * room / needed);
    }
    font->SetFontSize(static_cast<float>(size));
    painter.SetFont(font);
    painter.SetColor(0, 0, 0);
    double y = height - margin - size * 1.2;
    for (const std::string& line : lines) {
      if (!line.empty()) painter.DrawText(x, y, Utf8(line));
      y -= size * 1.4;
    }
  } else {
    // A narrow box: the seal at the top, the signer and date centred under it.
    const double size = std::min(9.0, std::max(4.0, height / 9));
    const double text_height = 2 * size * 1.4;
    const double r = std::max(1.0, std::min(width, height - text_height) / 2 - margin);
    Seal(painter, font, width / 2, height - margin - r, r, text);
    font->SetFontSize(static_cast<float>(size));
    painter.SetFont(font);
    painter.SetColor(0, 0, 0);
    double y = height - 2 * (margin + r) - size * 1.2;
    for (const std::string& line : lines) {
      if (!line.empty()) painter.DrawText((width - TextWidth(font, line)) / 2, y, Utf8(line));
      y -= size * 1.4;
    }
  }
  painter.FinishPage();
  return xobject.GetObject();
}

}  // namespace sealflow::signing::seal
