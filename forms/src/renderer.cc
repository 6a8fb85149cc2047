// Copyright sealflow authors.
#include "forms/renderer.h"

#include <openssl/evp.h>
#include <podofo/podofo.h>

#include <array>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

#include "composer.h"
#include "document_type.h"
#include "forms/error.h"
#include "pdf_writer.h"
#include "ttf_subset.h"
#include "validator_internal.h"
#include "xml_util.h"

namespace sealflow::forms {
namespace {

using compose::Column;
using compose::Composer;
using compose::kSans;
using compose::kSong;

constexpr const char* kFontFiles[2] = {"wqy-microhei.ttf", "uming.ttf"};
// Fixed subset tags (six capitals + '+', ISO 32000 9.6.4) so output is deterministic.
constexpr const char* kSubsetPrefixes[2] = {"SFLWSA+", "SFLWSB+"};

std::string DefaultFontDir() {
  const char* env = std::getenv("SEALFLOW_FONT_DIR");
  if (env != nullptr && *env != '\0') return env;
  return SEALFLOW_DEFAULT_FONT_DIR;
}

std::string ReadFontFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FormsError(FormsErrorCode::kFont, "cannot read font " + path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in.good() && !in.eof()) throw FormsError(FormsErrorCode::kFont, "cannot read font " + path);
  return bytes.str();
}

PoDoFo::PdfString Utf8(const std::string& text) {
  return PoDoFo::PdfString(reinterpret_cast<const PoDoFo::pdf_utf8*>(text.c_str()));
}

// A PoDoFo buffer over font bytes the Renderer owns: no copy, never freed by PoDoFo. Each
// render makes its own (PdfRefCountedBuffer's count is not atomic); the bytes are only read.
PoDoFo::PdfRefCountedBuffer BorrowBuffer(const std::string& bytes) {
  PoDoFo::PdfRefCountedBuffer buffer(const_cast<char*>(bytes.data()), bytes.size());
  buffer.SetTakePossesion(false);
  return buffer;
}

std::string PdfDate(std::chrono::system_clock::time_point when) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "D:%Y%m%d%H%M%SZ", &utc);
  return text;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw FormsError(FormsErrorCode::kRender, "SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

// What the PDF's metadata says about the form.
struct Meta {
  const DocumentType* type;
  std::string id, schema_version, party_name;
};

class RendererImpl final : public Renderer {
 public:
  RendererImpl(const RendererOptions& options, std::unique_ptr<Validator> validator,
               std::array<pdf::FontSource, 2> fonts)
      : options_(options), validator_(std::move(validator)), fonts_(std::move(fonts)) {}

  RenderResult Render(std::string_view xml_text) const override {
    RenderResult result;
    // Composed from the very tree that was validated: one parse per render.
    result.report = ValidateThen(*validator_, xml_text, [&](const xmlNode* root) {
      // The root's name is the report's form type (result.report is set when this returns).
      result.form = Compose(root, xml::LocalName(root), xml_text);
    });
    return result;
  }

 private:
  RenderedForm Compose(const xmlNode* root, const std::string& form_type,
                       std::string_view xml_text) const {
    const DocumentType* type = FindDocumentType(form_type);
    if (type == nullptr) {
      throw FormsError(FormsErrorCode::kUnknownFormType, "no renderer for form type " + form_type);
    }
    Meta meta{type, xml::Attribute(root, "id"), xml::Attribute(root, "schemaVersion"),
              xml::Trim(xml::Text(xml::Path(root, type->party_name_path)))};

    Composer composer({&fonts_[0].widths, &fonts_[1].widths});
    type->compose(root, composer);
    std::vector<compose::Page> pages = composer.Finish(
        std::string("新乡市中小企业数字化转型试点 · ") + type->title, "编号 " + meta.id);

    RenderedForm form;
    form.form_type = form_type;
    form.document_id = meta.id;
    form.signature_blocks = composer.signature_blocks();
    form.page_count = static_cast<int>(pages.size());
    try {
      form.pdf = Write(pages, meta, xml_text, form.signature_blocks);
    } catch (const PoDoFo::PdfError& error) {
      throw FormsError(FormsErrorCode::kRender,
                       std::string("PoDoFo: ") + PoDoFo::PdfError::ErrorName(error.GetError()));
    }
    return form;
  }

  std::string Write(const std::vector<compose::Page>& pages, const Meta& meta,
                    std::string_view source, const std::vector<SignatureBlock>& blocks) const {
    using namespace PoDoFo;
    PdfMemDocument doc;
    doc.SetPdfVersion(ePdfVersion_1_7);
    pdf::WritePages(doc, pages, {&fonts_[0], &fonts_[1]}, options_.compress_fonts);
    pdf::WriteEmptySignatureFields(doc, blocks);

    // The source XML as an associated file (PDF 2.0 / PDF/A-3 style): /EmbeddedFiles name tree
    // entry, /AF on the catalog, /AFRelationship /Source, MIME subtype on the stream.
    const std::string file_name = std::string(meta.type->form_type) + ".xml";
    PdfFileSpec spec(file_name.c_str(), reinterpret_cast<const unsigned char*>(source.data()),
                     static_cast<ptrdiff_t>(source.size()), &doc);
    PdfDictionary& spec_dict = spec.GetObject()->GetDictionary();
    spec_dict.AddKey("AFRelationship", PdfName("Source"));
    spec_dict.AddKey("UF", Utf8(file_name));
    spec_dict.AddKey("Desc", Utf8(std::string(meta.type->title) + "源数据 / " + meta.type->english +
                                  " source XML"));
    PdfObject* ef = spec_dict.GetKey("EF");
    if (ef != nullptr && ef->IsDictionary()) {
      PdfObject* stream = ef->GetDictionary().GetKey("F");
      if (stream != nullptr && stream->IsReference()) {
        stream = doc.GetObjects().GetObject(stream->GetReference());
      }
      if (stream != nullptr) stream->GetDictionary().AddKey("Subtype", PdfName("text/xml"));
    }
    doc.GetNamesTree()->AddValue(PdfName("EmbeddedFiles"), PdfString(file_name),
                                 spec.GetObject()->Reference());
    PdfArray associated;
    associated.push_back(spec.GetObject()->Reference());
    doc.GetCatalog()->GetDictionary().AddKey("AF", associated);

    // Info: fixed dates from the clock and a content hash, so /ID (PoDoFo derives it from the
    // Info dictionary) is deterministic and differs between documents.
    std::string date = PdfDate(options_.clock());
    PdfDictionary& info = doc.GetInfo()->GetObject()->GetDictionary();
    info.AddKey("Title", Utf8(std::string("新乡市中小企业数字化转型试点 ") + meta.type->title +
                              " " + meta.id));
    info.AddKey("Subject", Utf8(meta.party_name));
    info.AddKey("Creator", PdfString("sealflow"));
    info.AddKey("Producer", PdfString("sealflow (PoDoFo 0.9.8)"));
    info.AddKey("CreationDate", PdfString(date));
    info.AddKey("ModDate", PdfString(date));
    info.AddKey("SealflowFormType", PdfString(meta.type->form_type));
    info.AddKey("SealflowDocumentId", Utf8(meta.id));
    info.AddKey("SealflowSchemaVersion", Utf8(meta.schema_version));
    info.AddKey("SealflowSourceSha256", PdfString(Sha256Hex(source)));

    PdfRefCountedBuffer buffer;
    PdfOutputDevice device(&buffer);
    doc.Write(&device);
    return std::string(buffer.GetBuffer(), device.GetLength());
  }

  RendererOptions options_;
  std::unique_ptr<Validator> validator_;
  std::array<pdf::FontSource, 2> fonts_;  // read and measured once; borrowed per render
};

// Reads a font once and measures the advance widths of the whole BMP with PoDoFo's FreeType
// metrics (the numbers a PDF viewer sees in /W), so line breaking matches what is drawn.
pdf::FontSource LoadFont(const std::string& dir, std::size_t index) {
  using namespace PoDoFo;
  pdf::FontSource font;
  font.file_name = dir + "/" + kFontFiles[index];
  font.bytes = ReadFontFile(font.file_name);
  font.subset_tag = kSubsetPrefixes[index];
  try {
    PdfMemDocument scratch;
    FT_Library library = scratch.GetFontLibrary();
    PdfFontMetricsFreetype metrics(&library, BorrowBuffer(font.bytes), false, nullptr);
    metrics.SetFontSize(1000.0f);
    for (const char* c = metrics.GetFontname(); c != nullptr && *c != '\0'; ++c) {
      // A PDF name token: keep the PostScript name's printable, non-delimiter characters.
      if (*c > ' ' && *c < 127 &&
          std::string_view("()<>[]{}/%#").find(*c) == std::string_view::npos) {
        font.base_name += *c;
      }
    }
    if (font.base_name.empty()) font.base_name = "Font" + std::to_string(index);
    // The descriptor's metrics (face-wide, independent of the size set above).
    PdfArray bbox;
    metrics.GetBoundingBox(bbox);
    if (bbox.size() != font.bounding_box.size()) {
      throw FormsError(FormsErrorCode::kFont, "no bounding box in font " + font.file_name);
    }
    for (std::size_t i = 0; i < bbox.size(); ++i) font.bounding_box[i] = bbox[i].GetReal();
    font.ascent = metrics.GetPdfAscent();
    font.descent = metrics.GetPdfDescent();
    // The cmap, resolved once for the whole BMP: each document then looks glyph ids up in a
    // table instead of opening a FreeType face of its own. Advance widths come from hmtx (what
    // a viewer uses for /W) through the same glyph ids: the same numbers as loading each
    // glyph, without decoding 2 x 65k outlines.
    ttf::Font parsed(font.bytes);
    const double scale = 1000.0 / parsed.units_per_em();
    font.glyph_ids.assign(0x10000, 0);
    std::vector<float> widths(0x10000, 0.0f);
    for (char32_t c = 0; c < 0x10000; ++c) {
      long gid = metrics.GetGlyphId(static_cast<long>(c));
      if (gid > 0 && gid <= 0xFFFF) font.glyph_ids[c] = static_cast<std::uint16_t>(gid);
      if (c < 0x20 || (c >= 0xD800 && c <= 0xDFFF)) continue;
      if (gid < 0 || gid >= parsed.glyph_count()) gid = 0;
      widths[c] =
          static_cast<float>(parsed.Metric(static_cast<std::uint16_t>(gid)).advance * scale);
    }
    font.widths = layout::FontWidths(std::move(widths), 1000.0f);
  } catch (const PdfError& error) {
    throw FormsError(FormsErrorCode::kFont, "cannot load font " + font.file_name + ": " +
                                                PdfError::ErrorName(error.GetError()));
  }
  return font;
}

}  // namespace

std::unique_ptr<Renderer> Renderer::Create(const RendererOptions& options) {
  auto validator = Validator::Create(options.validator);
  std::string dir = options.font_dir.empty() ? DefaultFontDir() : options.font_dir;
  std::array<pdf::FontSource, 2> fonts = {LoadFont(dir, 0), LoadFont(dir, 1)};
  return std::make_unique<RendererImpl>(options, std::move(validator), std::move(fonts));
}

}  // namespace sealflow::forms
