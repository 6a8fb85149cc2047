// Copyright sealflow authors.
// A TrueType (glyf) subsetter that renumbers glyphs, for embedding CJK faces as CIDFontType2
// with /CIDToGIDMap /Identity.
//
// PoDoFo's PdfFontTTFSubset keeps the source glyph ids, so its output still carries loca and
// hmtx entries for every glyph up to the highest one used: hundreds of KB for a CJK face even
// when a form uses a few hundred characters. Here new glyph 0 is .notdef, then the glyphs in
// order of first use (Subset::Add, so a content stream can be written before the subset is
// complete), then the components of composite glyphs (glyph ids inside the copied glyf data are
// rewritten to the new numbering).
//
// The output holds head, hhea, maxp, hmtx, loca (long), glyf, and cvt/fpgm/prep when the source
// has them: what ISO 32000 9.9 asks of an embedded TrueType program addressed by glyph id. No
// cmap, name, OS/2 or post: the PDF font dictionaries carry that information.
//
// Every read of the source is bounds-checked; a malformed font throws FormsError(kFont).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sealflow::forms::ttf {

// The table directory and the few header fields the subsetter needs, over bytes someone else
// owns (they must outlive the Font). Parsing is O(number of tables); nothing is copied.
class Font {
 public:
  // Throws FormsError(kFont) unless bytes is a TrueType font with glyf outlines whose head,
  // hhea, maxp, hmtx, loca and glyf tables are present and consistent in size.
  explicit Font(std::string_view bytes);

  std::uint16_t glyph_count() const { return num_glyphs_; }
  std::uint16_t units_per_em() const { return units_per_em_; }

  // Glyph gid's glyf data as stored (empty for a glyph without outline). Throws on a bad loca.
  std::string_view GlyphData(std::uint16_t gid) const;

  struct HorMetric {
    std::uint16_t advance = 0;
    std::int16_t lsb = 0;
  };
  // From hmtx, including the rule that glyphs past numberOfHMetrics repeat the last advance.
  HorMetric Metric(std::uint16_t gid) const;

  // A component reference inside a composite glyph: the glyph id and the byte offset of the
  // glyphIndex field within the glyph's data.
  struct Component {
    std::uint16_t glyph = 0;
    std::size_t index_offset = 0;
  };
  // The direct components of a glyph (empty for a simple or empty glyph). Throws FormsError(kFont)
  // when the component records run past the glyph's data.
  static std::vector<Component> Components(std::string_view glyph);

 private:
  friend class Subset;
  struct Table {
    std::size_t offset = 0;
    std::size_t length = 0;
    bool present = false;
  };
  std::string_view Bytes(const Table& table) const {
    return bytes_.substr(table.offset, table.length);
  }

  std::string_view bytes_;
  Table head_, hhea_, maxp_, hmtx_, loca_, glyf_, cvt_, fpgm_, prep_;
  std::uint16_t num_glyphs_ = 0;
  std::uint16_t num_hmetrics_ = 0;
  std::uint16_t units_per_em_ = 0;
  bool long_loca_ = false;
};

// One subset of a Font (which must outlive it). Not thread-safe; one per document and face.
class Subset {
 public:
  explicit Subset(const Font& font);  // holds .notdef as glyph 0

  // The new glyph id of source glyph gid, assigned at its first use. Source glyph 0 is new 0.
  // Throws FormsError(kFont) for a gid the font does not have, or past 65535 glyphs.
  std::uint16_t Add(std::uint16_t source_gid);

  // Adds the components of composite glyphs (recursively) and writes the font program.
  // Glyphs added afterwards are in the next Build's output only.
  std::string Build();

  // New glyph id -> source glyph id; after Build() this includes the components.
  const std::vector<std::uint16_t>& source_glyphs() const { return source_; }

 private:
  void AddComponents();

  const Font& font_;
  std::vector<std::uint16_t> source_;   // new id -> source id
  std::vector<std::uint16_t> new_ids_;  // source id -> new id, 0xFFFF = not in the subset
};

}  // namespace sealflow::forms::ttf
