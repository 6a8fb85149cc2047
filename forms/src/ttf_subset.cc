// Copyright sealflow authors.
#include "ttf_subset.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "forms/error.h"

namespace sealflow::forms::ttf {
namespace {

constexpr std::uint16_t kUnmapped = 0xFFFF;

[[noreturn]] void Malformed(const std::string& what) {
  throw FormsError(FormsErrorCode::kFont, "malformed TrueType font: " + what);
}

std::uint16_t U16(std::string_view data, std::size_t offset) {
  if (offset > data.size() || data.size() - offset < 2) Malformed("read past the end of a table");
  return static_cast<std::uint16_t>((static_cast<unsigned char>(data[offset]) << 8) |
                                    static_cast<unsigned char>(data[offset + 1]));
}

std::uint32_t U32(std::string_view data, std::size_t offset) {
  if (offset > data.size() || data.size() - offset < 4) Malformed("read past the end of a table");
  return (std::uint32_t{U16(data, offset)} << 16) | U16(data, offset + 2);
}

void PutU16(std::string& out, std::uint16_t value) {
  out += static_cast<char>(value >> 8);
  out += static_cast<char>(value & 0xFF);
}

void PutU32(std::string& out, std::uint32_t value) {
  PutU16(out, static_cast<std::uint16_t>(value >> 16));
  PutU16(out, static_cast<std::uint16_t>(value & 0xFFFF));
}

void SetU16(std::string& out, std::size_t offset, std::uint16_t value) {
  out[offset] = static_cast<char>(value >> 8);
  out[offset + 1] = static_cast<char>(value & 0xFF);
}

void SetU32(std::string& out, std::size_t offset, std::uint32_t value) {
  SetU16(out, offset, static_cast<std::uint16_t>(value >> 16));
  SetU16(out, offset + 2, static_cast<std::uint16_t>(value & 0xFFFF));
}

void Pad4(std::string& out) {
  while (out.size() % 4 != 0) out += '\0';
}

// The OpenType table checksum: the big-endian uint32 sum over the data padded with zeros.
std::uint32_t Checksum(std::string_view data) {
  std::uint32_t sum = 0;
  std::size_t i = 0;
  for (; i + 4 <= data.size(); i += 4) {
    sum += (std::uint32_t{static_cast<unsigned char>(data[i])} << 24) |
           (std::uint32_t{static_cast<unsigned char>(data[i + 1])} << 16) |
           (std::uint32_t{static_cast<unsigned char>(data[i + 2])} << 8) |
           std::uint32_t{static_cast<unsigned char>(data[i + 3])};
  }
  std::uint32_t last = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    last = (last << 8) | (i + k < data.size() ? static_cast<unsigned char>(data[i + k]) : 0u);
  }
  return sum + last;
}

// Composite glyph flags (OpenType glyf table).
constexpr std::uint16_t kArg1And2AreWords = 0x0001;
constexpr std::uint16_t kWeHaveAScale = 0x0008;
constexpr std::uint16_t kMoreComponents = 0x0020;
constexpr std::uint16_t kWeHaveAnXAndYScale = 0x0040;
constexpr std::uint16_t kWeHaveATwoByTwo = 0x0080;

constexpr std::size_t kGlyphHeaderSize = 10;  // numberOfContours, xMin, yMin, xMax, yMax

}  // namespace

Font::Font(std::string_view bytes) : bytes_(bytes) {
  std::uint32_t version = U32(bytes, 0);
  if (version == 0x4F54544F) Malformed("CFF outlines (OTTO) are not supported");
  if (version == 0x74746366) Malformed("a font collection (ttcf) is not supported");
  if (version != 0x00010000 && version != 0x74727565) Malformed("not a TrueType font");
  std::uint16_t num_tables = U16(bytes, 4);
  struct Wanted {
    const char* tag;
    Table* table;
  };
  const std::array<Wanted, 9> wanted = {{{"head", &head_},
                                         {"hhea", &hhea_},
                                         {"maxp", &maxp_},
                                         {"hmtx", &hmtx_},
                                         {"loca", &loca_},
                                         {"glyf", &glyf_},
                                         {"cvt ", &cvt_},
                                         {"fpgm", &fpgm_},
                                         {"prep", &prep_}}};
  for (std::size_t i = 0; i < num_tables; ++i) {
    std::size_t record = 12 + 16 * i;
    std::uint32_t offset = U32(bytes, record + 8);
    std::uint32_t length = U32(bytes, record + 12);
    std::string_view tag = bytes.substr(record, 4);  // U32 above proved the record is there
    for (const Wanted& w : wanted) {
      if (tag != w.tag) continue;
      if (offset > bytes.size() || bytes.size() - offset < length) {
        Malformed("table '" + std::string(tag) + "' lies outside the file");
      }
      *w.table = {offset, length, true};
    }
  }
  for (std::size_t i = 0; i < 6; ++i) {  // head .. glyf are required
    if (!wanted[i].table->present) Malformed(std::string("no '") + wanted[i].tag + "' table");
  }
  if (head_.length < 54) Malformed("short 'head' table");
  if (hhea_.length < 36) Malformed("short 'hhea' table");
  if (maxp_.length < 6) Malformed("short 'maxp' table");
  std::string_view head = Bytes(head_);
  if (U32(head, 12) != 0x5F0F3CF5) Malformed("bad 'head' magic number");
  std::uint16_t loca_format = U16(head, 50);
  if (loca_format > 1) Malformed("bad indexToLocFormat");
  long_loca_ = loca_format == 1;
  units_per_em_ = U16(head, 18);
  if (units_per_em_ < 16 || units_per_em_ > 16384) Malformed("bad unitsPerEm");
  num_glyphs_ = U16(Bytes(maxp_), 4);
  num_hmetrics_ = U16(Bytes(hhea_), 34);
  if (num_glyphs_ == 0) Malformed("no glyphs");
  if (num_hmetrics_ == 0 || num_hmetrics_ > num_glyphs_) Malformed("bad numberOfHMetrics");
  if (hmtx_.length < 4u * num_hmetrics_ + 2u * (num_glyphs_ - num_hmetrics_)) {
    Malformed("short 'hmtx' table");
  }
  if (loca_.length < (num_glyphs_ + 1u) * (long_loca_ ? 4u : 2u)) Malformed("short 'loca' table");
}

std::string_view Font::GlyphData(std::uint16_t gid) const {
  if (gid >= num_glyphs_) Malformed("glyph id out of range");
  std::string_view loca = Bytes(loca_);
  std::size_t start = long_loca_ ? U32(loca, 4u * gid) : 2u * std::size_t{U16(loca, 2u * gid)};
  std::size_t end =
      long_loca_ ? U32(loca, 4u * gid + 4) : 2u * std::size_t{U16(loca, 2u * gid + 2)};
  if (start > end || end > glyf_.length) Malformed("bad 'loca' entry");
  return Bytes(glyf_).substr(start, end - start);
}

Font::HorMetric Font::Metric(std::uint16_t gid) const {
  if (gid >= num_glyphs_) Malformed("glyph id out of range");
  std::string_view hmtx = Bytes(hmtx_);
  if (gid < num_hmetrics_) {
    return {U16(hmtx, 4u * gid), static_cast<std::int16_t>(U16(hmtx, 4u * gid + 2))};
  }
  // Past numberOfHMetrics: the last advance, and a left side bearing from the lsb array.
  return {U16(hmtx, 4u * (num_hmetrics_ - 1u)),
          static_cast<std::int16_t>(U16(hmtx, 4u * num_hmetrics_ + 2u * (gid - num_hmetrics_)))};
}

std::vector<Font::Component> Font::Components(std::string_view glyph) {
  std::vector<Component> components;
  if (glyph.empty()) return components;
  if (glyph.size() < kGlyphHeaderSize) Malformed("short glyph header");
  if (static_cast<std::int16_t>(U16(glyph, 0)) >= 0) return components;  // a simple glyph
  std::size_t at = kGlyphHeaderSize;
  for (;;) {
    std::uint16_t flags = U16(glyph, at);
    components.push_back({U16(glyph, at + 2), at + 2});
    at += 4;
    at += (flags & kArg1And2AreWords) != 0 ? 4 : 2;
    if ((flags & kWeHaveAScale) != 0) {
      at += 2;
    } else if ((flags & kWeHaveAnXAndYScale) != 0) {
      at += 4;
    } else if ((flags & kWeHaveATwoByTwo) != 0) {
      at += 8;
    }
    if (at > glyph.size()) Malformed("composite glyph runs past its data");
    if ((flags & kMoreComponents) == 0) break;
  }
  return components;
}

Subset::Subset(const Font& font) : font_(font), new_ids_(font.glyph_count(), kUnmapped) {
  source_.reserve(512);
  source_.push_back(0);
  new_ids_[0] = 0;
}

std::uint16_t Subset::Add(std::uint16_t source_gid) {
  if (source_gid >= new_ids_.size()) Malformed("glyph id out of range");
  std::uint16_t& id = new_ids_[source_gid];
  if (id == kUnmapped) {
    if (source_.size() >= 0xFFFF) Malformed("too many glyphs");
    id = static_cast<std::uint16_t>(source_.size());
    source_.push_back(source_gid);
  }
  return id;
}

void Subset::AddComponents() {
  // source_ grows while it is walked, so components of components are reached too; a glyph is
  // added once, so a (malformed) cycle ends.
  for (std::size_t i = 0; i < source_.size(); ++i) {
    for (const Font::Component& c : Font::Components(font_.GlyphData(source_[i]))) Add(c.glyph);
  }
}

std::string Subset::Build() {
  AddComponents();
  const std::size_t count = source_.size();

  // glyf and loca, rewriting component glyph ids to the new numbering.
  std::string glyf;
  std::size_t total = 0;
  for (std::uint16_t gid : source_) total += font_.GlyphData(gid).size() + 3;
  glyf.reserve(total);
  std::string loca;
  loca.reserve(4 * (count + 1));
  for (std::uint16_t gid : source_) {
    PutU32(loca, static_cast<std::uint32_t>(glyf.size()));
    std::string_view data = font_.GlyphData(gid);
    std::size_t start = glyf.size();
    glyf.append(data);
    for (const Font::Component& c : Font::Components(data)) {
      SetU16(glyf, start + c.index_offset, new_ids_[c.glyph]);
    }
    Pad4(glyf);
  }
  PutU32(loca, static_cast<std::uint32_t>(glyf.size()));

  std::string hmtx;
  hmtx.reserve(4 * count);
  for (std::uint16_t gid : source_) {
    Font::HorMetric metric = font_.Metric(gid);
    PutU16(hmtx, metric.advance);
    PutU16(hmtx, static_cast<std::uint16_t>(metric.lsb));
  }

  std::string head(font_.Bytes(font_.head_));
  SetU32(head, 8, 0);   // checkSumAdjustment, set below
  SetU16(head, 50, 1);  // indexToLocFormat: long
  std::string hhea(font_.Bytes(font_.hhea_));
  SetU16(hhea, 34, static_cast<std::uint16_t>(count));
  std::string maxp(font_.Bytes(font_.maxp_));
  SetU16(maxp, 4, static_cast<std::uint16_t>(count));

  struct Out {
    const char* tag;
    std::string_view data;
  };
  // Sorted by tag (byte order: upper case before lower case, "cvt " before "fpgm").
  std::vector<Out> tables;
  if (font_.cvt_.present) tables.push_back({"cvt ", font_.Bytes(font_.cvt_)});
  if (font_.fpgm_.present) tables.push_back({"fpgm", font_.Bytes(font_.fpgm_)});
  tables.push_back({"glyf", glyf});
  tables.push_back({"head", head});
  tables.push_back({"hhea", hhea});
  tables.push_back({"hmtx", hmtx});
  tables.push_back({"loca", loca});
  tables.push_back({"maxp", maxp});
  if (font_.prep_.present) tables.push_back({"prep", font_.Bytes(font_.prep_)});

  const auto num_tables = static_cast<std::uint16_t>(tables.size());
  std::uint16_t entry_selector = 0;
  while ((2u << entry_selector) <= num_tables) ++entry_selector;
  const auto search_range = static_cast<std::uint16_t>(16u << entry_selector);

  std::string out;
  std::size_t size = 12 + 16 * tables.size();
  for (const Out& table : tables) size += (table.data.size() + 3) / 4 * 4;
  out.reserve(size);
  PutU32(out, 0x00010000);
  PutU16(out, num_tables);
  PutU16(out, search_range);
  PutU16(out, entry_selector);
  PutU16(out, static_cast<std::uint16_t>(num_tables * 16 - search_range));
  std::size_t offset = 12 + 16 * tables.size();
  std::size_t head_offset = 0;
  // Every table starts on a 4-byte boundary and is padded with zeros, so the checksum of the
  // whole file is the sum of the directory's and the tables' checksums: each byte is summed
  // once, not twice (the glyf table is most of a CJK subset).
  std::uint32_t file_sum = 0;
  for (const Out& table : tables) {
    std::uint32_t sum = Checksum(table.data);
    file_sum += sum;
    out.append(table.tag, 4);
    PutU32(out, sum);
    PutU32(out, static_cast<std::uint32_t>(offset));
    PutU32(out, static_cast<std::uint32_t>(table.data.size()));
    if (std::strcmp(table.tag, "head") == 0) head_offset = offset;
    offset += (table.data.size() + 3) / 4 * 4;
  }
  file_sum += Checksum(out);  // the offset table and the directory, a multiple of 4 bytes
  for (const Out& table : tables) {
    out.append(table.data);
    Pad4(out);
  }
  SetU32(out, head_offset + 8, 0xB1B0AFBAu - file_sum);
  return out;
}

}  // namespace sealflow::forms::ttf
