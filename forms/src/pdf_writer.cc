// Copyright sealflow authors.
#include "pdf_writer.h"

#include <charconv>
#include <istream>
#include <map>
#include <memory>
#include <set>
#include <streambuf>

namespace sealflow::forms::pdf {
namespace {

using namespace PoDoFo;

// A read-only, seekable view of bytes someone else owns (std::ispanstream is C++23).
class ViewBuf : public std::streambuf {
 public:
  ViewBuf(const char* data, std::size_t size) {
    char* begin = const_cast<char*>(data);  // never written: only the get area is set
    setg(begin, begin, begin + size);
  }

 protected:
  pos_type seekoff(off_type offset, std::ios_base::seekdir dir,
                   std::ios_base::openmode which) override {
    if ((which & std::ios_base::in) == 0) return pos_type(off_type(-1));
    off_type base = dir == std::ios_base::beg   ? 0
                    : dir == std::ios_base::cur ? gptr() - eback()
                                                : egptr() - eback();
    off_type target = base + offset;
    if (target < 0 || target > egptr() - eback()) return pos_type(off_type(-1));
    setg(eback(), eback() + target, egptr());
    return pos_type(target);
  }
  pos_type seekpos(pos_type position, std::ios_base::openmode which) override {
    return seekoff(off_type(position), std::ios_base::beg, which);
  }
};

void AppendNumber(std::string& out, double value) {
  char buffer[32];
  // Two decimals are 1/7200 inch: plenty, and locale-independent through to_chars.
  auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, 2);
  if (ec != std::errc()) {
    out += '0';
    return;
  }
  std::string_view text(buffer, static_cast<std::size_t>(end - buffer));
  while (text.find('.') != std::string_view::npos && (text.back() == '0' || text.back() == '.')) {
    bool dot = text.back() == '.';
    text.remove_suffix(1);
    if (dot) break;
  }
  if (text == "-0") text = "0";
  out += text;
  out += ' ';
}

// An integer object. Taking the value as a parameter matters: GCC treats a constant 0 cast to
// pdf_int64 as a null pointer constant and picks PdfObject's pointer overload.
PdfObject Int(pdf_int64 value) { return PdfObject(value); }

void AppendHex4(std::string& out, unsigned value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(value >> shift) & 0xF];
}

// Per document: one subset font, collecting the glyphs drawn.
class SubsetFont {
 public:
  SubsetFont(PdfMemDocument& doc, FT_Library* library, const FontSource& source)
      : source_(source),
        buffer_(const_cast<char*>(source.bytes.data()), source.bytes.size()),
        metrics_(nullptr) {
    buffer_.SetTakePossesion(false);  // the Renderer owns the bytes
    metrics_ = std::make_unique<PdfFontMetricsFreetype>(library, buffer_, false, nullptr);
    type0_ = doc.GetObjects().CreateObject("Font");
  }

  bool HasGlyph(char32_t c) const { return c <= 0xFFFF && Gid(c) != 0; }

  // Hex-encoded glyph ids for text (Identity-H: code = CID = GID).
  std::string Encode(std::u32string_view text) {
    std::string hex;
    hex.reserve(text.size() * 4);
    for (char32_t c : text) {
      if (c > 0xFFFF) c = 0xFFFD;  // PdfFontTTFSubset works on UTF-16 code units
      unsigned gid = Gid(c);
      used_.insert(static_cast<pdf_utf16be>(c));
      auto [it, inserted] = gid_to_unicode_.emplace(gid, c);
      (void)it;
      (void)inserted;
      AppendHex4(hex, gid);
    }
    return hex;
  }

  PdfReference Reference() const { return type0_->Reference(); }

  // Writes the font dictionaries and the subset font program.
  void Finish(PdfMemDocument& doc, bool compress) {
    std::string name = source_.subset_tag + source_.base_name;
    PdfVecObjects& objects = doc.GetObjects();

    // The subset TrueType program, read in place from the Renderer's bytes.
    ViewBuf view(source_.bytes.data(), source_.bytes.size());
    std::istream stream(&view);
    PdfInputDevice input(&stream);
    PdfFontTTFSubset subsetter(&input, metrics_.get(), PdfFontTTFSubset::eFontFileType_TTF);
    PdfRefCountedBuffer program;
    std::vector<unsigned char> cid_set;
    if (used_.empty()) used_.insert(0x20);
    subsetter.BuildFont(program, used_, cid_set);
    PdfObject* file = objects.CreateObject();
    file->GetDictionary().AddKey("Length1", Int(static_cast<pdf_int64>(program.GetSize())));
    TVecFilters filters;
    if (compress) filters.push_back(ePdfFilter_FlateDecode);
    file->GetStream()->Set(program.GetBuffer(), static_cast<pdf_long>(program.GetSize()), filters);

    PdfObject* descriptor = objects.CreateObject("FontDescriptor");
    PdfDictionary& fd = descriptor->GetDictionary();
    fd.AddKey("FontName", PdfName(name));
    fd.AddKey("Flags", Int(4));  // symbolic: glyphs addressed by CID
    PdfArray bbox;
    metrics_->GetBoundingBox(bbox);
    fd.AddKey("FontBBox", bbox);
    fd.AddKey("ItalicAngle", Int(0));
    fd.AddKey("Ascent", metrics_->GetPdfAscent());
    fd.AddKey("Descent", metrics_->GetPdfDescent());
    fd.AddKey("CapHeight", metrics_->GetPdfAscent());
    fd.AddKey("StemV", Int(80));
    fd.AddKey("FontFile2", file->Reference());

    PdfObject* cid_font = objects.CreateObject("Font");
    PdfDictionary& cf = cid_font->GetDictionary();
    cf.AddKey("Subtype", PdfName("CIDFontType2"));
    cf.AddKey("BaseFont", PdfName(name));
    PdfDictionary system_info;
    system_info.AddKey("Registry", PdfString("Adobe"));
    system_info.AddKey("Ordering", PdfString("Identity"));
    system_info.AddKey("Supplement", Int(0));
    cf.AddKey("CIDSystemInfo", system_info);
    cf.AddKey("FontDescriptor", descriptor->Reference());
    cf.AddKey("CIDToGIDMap", PdfName("Identity"));
    cf.AddKey("DW", Int(1000));
    PdfArray widths;
    for (const auto& [gid, unicode] : gid_to_unicode_) {
      widths.push_back(Int(gid));
      PdfArray one;
      one.push_back(Int(static_cast<pdf_int64>(source_.widths.Width(unicode) + 0.5)));
      widths.push_back(one);
    }
    cf.AddKey("W", widths);

    PdfObject* to_unicode = objects.CreateObject();
    std::string cmap = ToUnicodeCMap();
    to_unicode->GetStream()->Set(cmap.data(), static_cast<pdf_long>(cmap.size()));

    PdfDictionary& t0 = type0_->GetDictionary();
    t0.AddKey("Subtype", PdfName("Type0"));
    t0.AddKey("BaseFont", PdfName(name));
    t0.AddKey("Encoding", PdfName("Identity-H"));
    PdfArray descendants;
    descendants.push_back(cid_font->Reference());
    t0.AddKey("DescendantFonts", descendants);
    t0.AddKey("ToUnicode", to_unicode->Reference());
  }

 private:
  unsigned Gid(char32_t c) const {
    long gid = metrics_->GetGlyphId(static_cast<long>(c));
    return gid < 0 || gid > 0xFFFF ? 0u : static_cast<unsigned>(gid);
  }

  std::string ToUnicodeCMap() const {
    std::string cmap =
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
    std::vector<std::pair<unsigned, char32_t>> entries;
    for (const auto& [gid, unicode] : gid_to_unicode_) {
      if (gid != 0) entries.emplace_back(gid, unicode);
    }
    for (std::size_t i = 0; i < entries.size(); i += 100) {  // at most 100 per block
      std::size_t end = std::min(entries.size(), i + 100);
      cmap += std::to_string(end - i) + " beginbfchar\n";
      for (std::size_t k = i; k < end; ++k) {
        cmap += '<';
        AppendHex4(cmap, entries[k].first);
        cmap += "> <";
        AppendHex4(cmap, static_cast<unsigned>(entries[k].second));
        cmap += ">\n";
      }
      cmap += "endbfchar\n";
    }
    cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    return cmap;
  }

  const FontSource& source_;
  PdfRefCountedBuffer buffer_;
  std::unique_ptr<PdfFontMetricsFreetype> metrics_;
  PdfObject* type0_ = nullptr;
  std::set<pdf_utf16be> used_;
  std::map<unsigned, char32_t> gid_to_unicode_;
};

}  // namespace

void WritePages(PdfMemDocument& doc, const std::vector<compose::Page>& pages,
                const std::array<const FontSource*, 2>& fonts, bool compress_fonts) {
  // The metrics keep a pointer to the library handle; this copy outlives them (the subset
  // fonts below are destroyed first). The library itself belongs to doc.
  FT_Library library = doc.GetFontLibrary();
  std::array<std::unique_ptr<SubsetFont>, 2> subsets;
  for (std::size_t i = 0; i < subsets.size(); ++i) {
    subsets[i] = std::make_unique<SubsetFont>(doc, &library, *fonts[i]);
  }
  static const char* const kResourceNames[2] = {"F1", "F2"};

  for (const compose::Page& page : pages) {
    PdfPage* pdf_page = doc.CreatePage(PdfRect(0, 0, compose::kPageWidth, compose::kPageHeight));
    std::string ops;
    ops.reserve(16384);
    for (const compose::Fill& fill : page.fills) {
      AppendNumber(ops, fill.gray);
      ops += "g ";
      AppendNumber(ops, fill.x);
      AppendNumber(ops, fill.y);
      AppendNumber(ops, fill.width);
      AppendNumber(ops, fill.height);
      ops += "re f\n";
    }
    ops += "0 G\n";
    double stroke_width = -1;
    for (const compose::Rule& rule : page.rules) {
      if (rule.width != stroke_width) {
        AppendNumber(ops, rule.width);
        ops += "w\n";
        stroke_width = rule.width;
      }
      AppendNumber(ops, rule.x1);
      AppendNumber(ops, rule.y1);
      ops += "m ";
      AppendNumber(ops, rule.x2);
      AppendNumber(ops, rule.y2);
      ops += "l S\n";
    }
    for (const compose::TextRun& run : page.texts) {
      std::u32string text = layout::ToUtf32(run.text);
      AppendNumber(ops, run.gray);
      ops += "g BT\n";
      // Split the run where the chosen face lacks a glyph the other face has.
      double x = run.x;
      std::size_t start = 0;
      while (start < text.size()) {
        auto face_for = [&](char32_t c) {
          std::size_t primary = static_cast<std::size_t>(run.font);
          if (subsets[primary]->HasGlyph(c) || !subsets[1 - primary]->HasGlyph(c)) return primary;
          return 1 - primary;
        };
        std::size_t face = face_for(text[start]);
        std::size_t end = start + 1;
        while (end < text.size() && face_for(text[end]) == face) ++end;
        std::u32string_view piece(text.data() + start, end - start);
        ops += '/';
        ops += kResourceNames[face];
        ops += ' ';
        AppendNumber(ops, run.size);
        ops += "Tf 1 0 0 1 ";
        AppendNumber(ops, x);
        AppendNumber(ops, run.y);
        ops += "Tm <" + subsets[face]->Encode(piece) + "> Tj\n";
        x += fonts[face]->widths.Measure(piece, run.size);
        start = end;
      }
      ops += "ET\n";
    }
    PdfObject* contents = pdf_page->GetContentsForAppending();
    contents->GetStream()->Set(ops.data(), static_cast<pdf_long>(ops.size()));
    PdfObject* resources = pdf_page->GetResources();
    PdfDictionary font_dict;
    for (std::size_t i = 0; i < subsets.size(); ++i) {
      font_dict.AddKey(kResourceNames[i], subsets[i]->Reference());
    }
    resources->GetDictionary().AddKey("Font", font_dict);
  }
  for (auto& subset : subsets) subset->Finish(doc, compress_fonts);
}

}  // namespace sealflow::forms::pdf
