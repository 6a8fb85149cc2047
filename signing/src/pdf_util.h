// Copyright sealflow authors.
// Private: small PoDoFo helpers shared by the signer and the verifier.
#pragma once

#include <podofo/podofo.h>

#include <functional>
#include <string>

namespace sealflow::signing::pdf {

// Follows an indirect reference (nullptr for a dangling one or a nullptr input).
PoDoFo::PdfObject* Resolve(PoDoFo::PdfVecObjects& objects, PoDoFo::PdfObject* object);

// The value of `key` in `dict` (resolved), or nullptr if absent or `dict` is not a dictionary.
PoDoFo::PdfObject* Get(PoDoFo::PdfVecObjects& objects, PoDoFo::PdfObject* dict, const char* key);

// Calls `visit(fully_qualified_name, field)` for every terminal field under the AcroForm's
// /Fields, descending /Kids. Cycles and absurd depths are cut off.
void ForEachField(PoDoFo::PdfMemDocument& doc,
                  const std::function<void(const std::string&, PoDoFo::PdfObject*)>& visit);

// "what (PoDoFo error name: detail)" for a PdfError.
std::string Describe(const PoDoFo::PdfError& error);

// Silences PoDoFo's logging to stderr (once per process).
void QuietPodofo();

}  // namespace sealflow::signing::pdf
