// Copyright sealflow authors.
// Private: the vector appearance of a visible electronic seal (电子印章) for a signature widget.
#pragma once

#include <podofo/podofo.h>

#include <string>

namespace sealflow::signing::seal {

// What the appearance shows. All text is UTF-8.
struct SealText {
  std::string organization;  // along the upper arc of the seal, one rotated glyph per character
  std::string purpose;       // straight along the bottom inside the ring, e.g. 合同专用章
  std::string signer_name;   // beside the seal (first line)
  std::string date;          // beside the seal (second line)
  std::string font_path;     // TrueType font with every character drawn
};

// Creates a Form XObject of `width` x `height` points in `doc`: a red ring, a red five-pointed
// star in its centre, the organisation along the upper arc and the purpose along the bottom,
// and the signer and date in black beside it (under it when the box is too narrow). The font is
// embedded as a subset (Identity-H, CIDFontType2) when the document is written; the caller must
// call doc.EmbedSubsetFonts() first. Returns the XObject's stream object. Throws PoDoFo::PdfError
// (font unreadable, ...).
PoDoFo::PdfObject* CreateAppearance(PoDoFo::PdfMemDocument& doc, double width, double height,
                                    const SealText& text);

}  // namespace sealflow::signing::seal
