// Copyright sealflow authors.
// Rendering a validated form to an A4 Chinese PDF: subset-embedded CJK fonts (loaded once per
// Renderer), wrapped text, tables, page numbers, signature blocks, and the source XML embedded
// as an associated file (relationship /Source) so the signed PDF carries its own data.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "forms/validator.h"

namespace sealflow::forms {

// Where a party signs, in PDF user space (points, origin bottom-left). The signing layer is
// handed these by the caller; forms knows nothing of signing.
struct SignatureBlock {
  std::string field_name;  // e.g. "provider", "county"; the signing field's name
  std::string label;       // e.g. "申报单位（盖章）"
  int page = 0;            // 0-based page index
  double x = 0, y = 0, width = 0, height = 0;
};

struct RenderedForm {
  std::string form_type;
  std::string document_id;
  std::string pdf;  // the PDF bytes
  std::vector<SignatureBlock> signature_blocks;
  int page_count = 0;
};

struct RenderResult {
  ValidationReport report;  // if !report.ok(), nothing was rendered
  RenderedForm form;
};

struct RendererOptions {
  // Folder with wqy-microhei.ttf (sans, headings) and uming.ttf (Song/Ming, body). Default:
  // $SEALFLOW_FONT_DIR, else the build tree's share/fonts compiled into the binary.
  std::string font_dir;
  ValidatorOptions validator;
  // Flate-compress the embedded subset font programs. Off by default: the subsets renumber
  // glyphs and carry outlines only (~230 KB for a 2-page form, nearly all of it the Song face's
  // glyph outlines), and PoDoFo 0.9.8 deflates at zlib's default level, which costs ~13 ms per
  // document; off, a 2-page application renders in ~2 ms (CPU) at ~255 KB, on ~137 KB.
  bool compress_fonts = false;
  // The creation date written into the PDF; tests fix it for byte-identical output.
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
};

// Thread safety: Render() may be called from several threads; each call builds its own document.
class Renderer {
 public:
  // Loads the fonts and schemas once. Throws FormsError(kFont / kSchemaLoad).
  static std::unique_ptr<Renderer> Create(const RendererOptions& options = {});

  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;
  virtual ~Renderer() = default;

  // Validates, then renders. Bad input is reported in RenderResult::report; PoDoFo failures
  // throw FormsError(kRender).
  virtual RenderResult Render(std::string_view xml) const = 0;

 protected:
  Renderer() = default;
};

}  // namespace sealflow::forms
