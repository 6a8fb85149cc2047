// Copyright sealflow authors.
#include "pdf_writer.h"

#include <algorithm>
#include <charconv>
#include <memory>
#include <string_view>
#include <utility>

#include "ttf_subset.h"

namespace sealflow::forms::pdf {
namespace {

using namespace PoDoFo;

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

// Per document: one subset font, collecting the glyphs drawn. Glyphs are renumbered in order of
// first use (ttf::Subset), and the code written into the content stream is the new glyph id
// (Identity-H: code = CID, /CIDToGIDMap /Identity: CID = glyph id in the embedded program).
class SubsetFont {
 public:
  SubsetFont(PdfMemDocument& doc, const FontSource& source)
      : source_(source),
        // Parsing the table directory is a few dozen bounds-checked reads: cheap enough per
        // document, and FontSource stays a plain struct the Renderer fills.
        font_(source.bytes),
        subset_(font_) {
    type0_ = doc.GetObjects().CreateObject("Font");
    unicode_.reserve(512);
  }

  bool HasGlyph(char32_t c) const { return c <= 0xFFFF && Gid(c) != 0; }

  // Hex-encoded CIDs for text: the subset's glyph ids, fixed at each glyph's first use.
  std::string Encode(std::u32string_view text) {
    std::string hex;
    hex.reserve(text.size() * 4);
    for (char32_t c : text) {
      if (c > 0xFFFF) c = 0xFFFD;  // the widths and the cmap lookup cover the BMP
      std::uint16_t cid = subset_.Add(static_cast<std::uint16_t>(Gid(c)));
      // The first character drawn with a glyph names it in /W and ToUnicode.
      if (cid >= unicode_.size()) unicode_.resize(cid + 1u, kNoUnicode);
      if (unicode_[cid] == kNoUnicode) unicode_[cid] = c;
      AppendHex4(hex, cid);
    }
    return hex;
  }

  PdfReference Reference() const { return type0_->Reference(); }

  // Writes the font dictionaries and the subset font program.
  void Finish(PdfMemDocument& doc, bool compress) {
    std::string name = source_.subset_tag + source_.base_name;
    PdfVecObjects& objects = doc.GetObjects();

    // The subset TrueType program: glyphs copied from the Renderer's bytes, renumbered.
    std::string program = subset_.Build();
    PdfObject* file = objects.CreateObject();
    file->GetDictionary().AddKey("Length1", Int(static_cast<pdf_int64>(program.size())));
    TVecFilters filters;
    if (compress) filters.push_back(ePdfFilter_FlateDecode);
    file->GetStream()->Set(program.data(), static_cast<pdf_long>(program.size()), filters);

    PdfObject* descriptor = objects.CreateObject("FontDescriptor");
    PdfDictionary& fd = descriptor->GetDictionary();
    fd.AddKey("FontName", PdfName(name));
    fd.AddKey("Flags", Int(4));  // symbolic: glyphs addressed by CID
    PdfArray bbox;
    for (double v : source_.bounding_box) bbox.push_back(PdfObject(v));
    fd.AddKey("FontBBox", bbox);
    fd.AddKey("ItalicAngle", Int(0));
    fd.AddKey("Ascent", source_.ascent);
    fd.AddKey("Descent", source_.descent);
    fd.AddKey("CapHeight", source_.ascent);
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
    // CIDs drawn are 0..n-1 with gaps only where a CID is just a composite's component (never
    // drawn, no width needed): one "first [w ...]" entry per run of consecutive drawn CIDs.
    PdfArray widths;
    for (std::size_t cid = 0; cid < unicode_.size();) {
      if (unicode_[cid] == kNoUnicode) {
        ++cid;
        continue;
      }
      widths.push_back(Int(static_cast<pdf_int64>(cid)));
      PdfArray run;
      for (; cid < unicode_.size() && unicode_[cid] != kNoUnicode; ++cid) {
        run.push_back(Int(static_cast<pdf_int64>(source_.widths.Width(unicode_[cid]) + 0.5)));
      }
      widths.push_back(run);
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
  // The cmap was resolved once per Renderer (FontSource::glyph_ids): a table lookup here, where
  // a FreeType face per document used to cost more than a third of a 2-page render.
  unsigned Gid(char32_t c) const { return source_.GlyphId(c); }

  std::string ToUnicodeCMap() const {
    std::string cmap =
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
    std::vector<std::pair<unsigned, char32_t>> entries;
    for (std::size_t cid = 1; cid < unicode_.size(); ++cid) {  // CID 0 is .notdef
      if (unicode_[cid] != kNoUnicode)
        entries.emplace_back(static_cast<unsigned>(cid), unicode_[cid]);
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

  static constexpr char32_t kNoUnicode = 0xFFFFFFFF;

  const FontSource& source_;
  ttf::Font font_;
  ttf::Subset subset_;
  PdfObject* type0_ = nullptr;
  std::vector<char32_t> unicode_;  // CID -> the first character drawn with it
};

}  // namespace

void WritePages(PdfMemDocument& doc, const std::vector<compose::Page>& pages,
                const std::array<const FontSource*, 2>& fonts, bool compress_fonts) {
  std::array<std::unique_ptr<SubsetFont>, 2> subsets;
  for (std::size_t i = 0; i < subsets.size(); ++i) {
    subsets[i] = std::make_unique<SubsetFont>(doc, *fonts[i]);
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
    compose::Rgb stroke_color;  // black, as set just above
    for (const compose::Rule& rule : page.rules) {
      if (rule.color != stroke_color) {
        AppendNumber(ops, rule.color.r);
        AppendNumber(ops, rule.color.g);
        AppendNumber(ops, rule.color.b);
        ops += "RG\n";
        stroke_color = rule.color;
      }
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
      if (run.color.IsBlack()) {
        AppendNumber(ops, run.gray);
        ops += "g BT\n";
      } else {
        AppendNumber(ops, run.color.r);
        AppendNumber(ops, run.color.g);
        AppendNumber(ops, run.color.b);
        ops += "rg BT\n";
      }
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

void WriteEmptySignatureFields(PdfMemDocument& doc, const std::vector<SignatureBlock>& blocks) {
  if (blocks.empty()) return;
  PdfVecObjects& objects = doc.GetObjects();
  PdfArray fields;
  for (const SignatureBlock& block : blocks) {
    if (block.page < 0 || block.page >= doc.GetPageCount()) {
      PODOFO_RAISE_ERROR_INFO(ePdfError_PageNotFound, "signature block on a missing page");
    }
    PdfPage* page = doc.GetPage(block.page);
    // One object is both the terminal field and its widget (ISO 32000-1 12.5.6.19 allows the
    // merge; every signer and viewer handles it).
    PdfObject* field = objects.CreateObject("Annot");
    PdfDictionary& dict = field->GetDictionary();
    dict.AddKey("Subtype", PdfName("Widget"));
    dict.AddKey("FT", PdfName("Sig"));
    // ASCII names (all of ours) stay PDFDocEncoding; anything else becomes UTF-16BE.
    const bool ascii = std::all_of(block.field_name.begin(), block.field_name.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    dict.AddKey("T", ascii
                         ? PdfString(block.field_name)
                         : PdfString(reinterpret_cast<const pdf_utf8*>(block.field_name.c_str())));
    PdfArray rect;
    for (double v : {block.x, block.y, block.x + block.width, block.y + block.height}) {
      rect.push_back(PdfObject(v));
    }
    dict.AddKey("Rect", rect);
    dict.AddKey("F", Int(4));  // Print
    dict.AddKey("P", page->GetObject()->Reference());
    PdfObject* annots = page->GetObject()->GetDictionary().GetKey("Annots");
    if (annots == nullptr || !annots->IsArray()) {
      page->GetObject()->GetDictionary().AddKey("Annots", PdfArray());
      annots = page->GetObject()->GetDictionary().GetKey("Annots");
    }
    annots->GetArray().push_back(field->Reference());
    fields.push_back(field->Reference());
  }
  PdfObject* acroform = objects.CreateObject();
  acroform->GetDictionary().AddKey("Fields", fields);
  acroform->GetDictionary().AddKey("SigFlags", Int(1));  // SignaturesExist
  doc.GetCatalog()->GetDictionary().AddKey("AcroForm", acroform->Reference());
}

}  // namespace sealflow::forms::pdf
