// Copyright sealflow authors.
#include "forms/inspect.h"

#include <podofo/podofo.h>

#include <climits>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>

#include "document_type.h"
#include "forms/error.h"
#include "pdf_scan.h"
#include "xml_util.h"

namespace sealflow::forms {
namespace {

constexpr std::size_t kMaxXmlBytes = 16u << 20;  // as ValidatorOptions::max_document_bytes

struct PodofoFree {
  void operator()(char* buffer) const { PoDoFo::podofo_free(buffer); }
};

PoDoFo::PdfObject* Resolve(PoDoFo::PdfMemDocument& doc, PoDoFo::PdfObject* object) {
  if (object != nullptr && object->IsReference()) {
    return doc.GetObjects().GetObject(object->GetReference());
  }
  return object;
}

bool EndsWith(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The bytes of the embedded form XML: the /EmbeddedFiles entry named "*.xml", preferring one
// whose file specification says /AFRelationship /Source (what the renderer writes).
std::string ExtractSource(PoDoFo::PdfMemDocument& doc) {
  using namespace PoDoFo;
  PdfNamesTree* names = doc.GetNamesTree(ePdfDontCreateObject);
  if (names == nullptr) throw FormsError(FormsErrorCode::kNoSource, "the PDF has no name tree");
  PdfDictionary files;
  names->ToDictionary(PdfName("EmbeddedFiles"), files);
  PdfObject* chosen = nullptr;
  for (const auto& [key, value] : files.GetKeys()) {
    if (!EndsWith(key.GetName(), ".xml")) continue;
    PdfObject* spec = Resolve(doc, value);
    if (spec == nullptr || !spec->IsDictionary()) continue;
    PdfObject* ef = Resolve(doc, spec->GetDictionary().GetKey("EF"));
    if (ef == nullptr || !ef->IsDictionary()) continue;
    PdfObject* stream = Resolve(doc, ef->GetDictionary().GetKey("F"));
    if (stream == nullptr || !stream->HasStream()) continue;
    const PdfObject* relationship = spec->GetDictionary().GetKey("AFRelationship");
    bool is_source = relationship != nullptr && relationship->IsName() &&
                     relationship->GetName() == PdfName("Source");
    if (chosen == nullptr || is_source) chosen = stream;
    if (is_source) break;
  }
  if (chosen == nullptr) {
    throw FormsError(FormsErrorCode::kNoSource, "the PDF embeds no form XML");
  }
  char* raw = nullptr;
  pdf_long length = 0;
  chosen->GetStream()->GetFilteredCopy(&raw, &length);
  std::unique_ptr<char, PodofoFree> owned(raw);
  if (length < 0 || static_cast<std::size_t>(length) > kMaxXmlBytes) {
    throw FormsError(FormsErrorCode::kTooLarge, "the embedded form XML is too large");
  }
  return std::string(raw == nullptr ? "" : raw, static_cast<std::size_t>(length));
}

}  // namespace

namespace internal {

std::string EmbeddedFormXmlViaPodofo(std::string_view pdf) {
  if (pdf.size() > static_cast<std::size_t>(LONG_MAX)) {
    throw FormsError(FormsErrorCode::kTooLarge, "PDF too large");
  }
  // PoDoFo writes parser diagnostics to stderr by default; a service reading thousands of
  // documents (the pilot's replay at start) must not.
  static std::once_flag quiet;
  std::call_once(quiet, [] {
    PoDoFo::PdfError::EnableLogging(false);
    PoDoFo::PdfError::EnableDebug(false);
  });
  try {
    PoDoFo::PdfMemDocument doc;
    doc.LoadFromBuffer(pdf.data(), static_cast<long>(pdf.size()));
    return ExtractSource(doc);
  } catch (const PoDoFo::PdfError& error) {
    throw FormsError(FormsErrorCode::kRender, std::string("cannot read the PDF: ") +
                                                  PoDoFo::PdfError::ErrorName(error.GetError()));
  }
}

}  // namespace internal

FormInfo InspectPdf(std::string_view pdf) {
  if (pdf.size() > static_cast<std::size_t>(LONG_MAX)) {
    throw FormsError(FormsErrorCode::kTooLarge, "PDF too large");
  }
  // The small reader first (what we render and sign, ~5x faster); PoDoFo for anything else.
  std::optional<std::string> fast = pdfscan::EmbeddedFormXml(pdf, kMaxXmlBytes);
  std::string source = fast ? std::move(*fast) : internal::EmbeddedFormXmlViaPodofo(pdf);
  FormInfo info = InspectXml(source);
  info.source_xml = std::move(source);
  return info;
}

FormInfo InspectXml(std::string_view xml_text) {
  xml::ParseResult parsed = xml::ParseUntrusted(xml_text, kMaxXmlBytes);
  if (parsed.doc == nullptr) {
    std::string message = "the form XML cannot be parsed";
    if (!parsed.findings.empty()) message += ": " + parsed.findings.front().message;
    throw FormsError(FormsErrorCode::kInvalidForm, message);
  }
  const xmlNode* root = xmlDocGetRootElement(parsed.doc.get());
  FormInfo info;
  info.form_type = xml::LocalName(root);
  info.schema_version = xml::Attribute(root, "schemaVersion");
  info.document_id = xml::Attribute(root, "id");
  const DocumentType* type = root->ns == nullptr ? FindDocumentType(info.form_type) : nullptr;
  if (type != nullptr) {
    info.party_kind = type->party_kind;
    info.party_code = xml::Trim(xml::Text(xml::Path(root, type->party_code_path)));
    info.party_name = xml::Trim(xml::Text(xml::Path(root, type->party_name_path)));
  } else {
    throw FormsError(FormsErrorCode::kUnknownFormType,
                     "not a known form: root element <" + info.form_type + ">");
  }
  info.source_xml = std::string(xml_text);
  return info;
}

}  // namespace sealflow::forms
