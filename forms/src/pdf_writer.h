// Copyright sealflow authors.
// Writes composed pages (composer.h) into a PoDoFo document with subset-embedded CID TrueType
// fonts (Identity-H, ToUnicode, FontFile2).
//
// Why not PdfFontCID: PoDoFo 0.9.8's own subset embedding copies the whole font file twice per
// document (PdfInputDevice(const char*, size) builds a std::string and an istringstream from
// it), which for the 20 MB Ming face costs tens of milliseconds. And its subsetter
// (PdfFontTTFSubset) keeps the source glyph ids, so the program still holds loca/hmtx entries
// for every glyph up to the highest used (~400 KB per CJK face). Here ttf::Subset
// (ttf_subset.h) copies just the used glyphs from the Renderer's bytes and renumbers them in
// order of first use; the CIDs in the content streams are those new glyph ids.
#pragma once

#include <podofo/podofo.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "composer.h"
#include "forms/renderer.h"
#include "layout.h"

namespace sealflow::forms::pdf {

// One font as loaded by the Renderer: bytes read, cmap resolved, widths and the descriptor's
// metrics measured once (with PoDoFo's FreeType metrics), so a document needs no FreeType face
// of its own. Immutable after loading, so documents on many threads may share it.
struct FontSource {
  std::string file_name;   // for messages
  std::string bytes;       // the .ttf file
  std::string base_name;   // PostScript name without subset tag
  std::string subset_tag;  // e.g. "SFLWSA+" (fixed: output must be deterministic)
  layout::FontWidths widths;
  // BMP code point -> glyph id of the font's cmap (0 = no glyph), 65536 entries.
  std::vector<std::uint16_t> glyph_ids;
  // /FontBBox, /Ascent and /Descent (/CapHeight repeats the ascent) of the FontDescriptor.
  // Plain numbers, not PoDoFo objects: documents on several threads read them at once.
  std::array<double, 4> bounding_box{};
  double ascent = 0;
  double descent = 0;

  unsigned GlyphId(char32_t c) const { return c < glyph_ids.size() ? glyph_ids[c] : 0u; }
};

// Paints pages into doc (one PdfPage each, A4) using the two faces in compose::FontId order.
// Throws PoDoFo::PdfError on PoDoFo failures.
// compress_fonts: Flate-compress the font programs (see RendererOptions::compress_fonts).
void WritePages(PoDoFo::PdfMemDocument& doc, const std::vector<compose::Page>& pages,
                const std::array<const FontSource*, 2>& fonts, bool compress_fonts);

// An empty signature field for every block (AcroForm /Fields, /FT /Sig, /T = field name, no
// /V), merged with its widget annotation (/Rect = the block, /F Print, on the block's page), and
// /SigFlags 1 (the document has signature fields). A signer fills the prepared field in an
// incremental update, so what each party signs shows where it signs before anyone has signed.
// Throws PoDoFo::PdfError on PoDoFo failures (e.g. a block on a page that does not exist).
void WriteEmptySignatureFields(PoDoFo::PdfMemDocument& doc,
                               const std::vector<SignatureBlock>& blocks);

}  // namespace sealflow::forms::pdf
