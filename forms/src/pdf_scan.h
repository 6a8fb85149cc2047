// Copyright sealflow authors.
// A small, strict reader for the one thing the archive needs from every upload: the embedded
// form XML. PoDoFo's full load of a 2-page form costs ~0.15 ms (it parses the cross-reference
// table into objects, builds the Info and catalog wrappers and copies the buffer); this reads
// the classic cross-reference sections, follows /Root → /Names → /EmbeddedFiles → /EF → /F and
// inflates one stream, in place.
//
// It only ever answers when it is sure: anything it does not handle exactly as PoDoFo would
// (cross-reference streams, encryption, filters other than FlateDecode without parameters, a
// name tree key that is not plain ASCII, an offset that does not point at its object, a stream
// whose /Length does not end at "endstream", ...) makes it return nullopt, and the caller falls
// back to PoDoFo. tests/forms/pdf_scan_test.cc checks both give the same bytes. It reads only
// the objects on that path, so it can read a file PoDoFo refuses for damage elsewhere (say, in
// the Info dictionary or a signature's /Contents); every caller of InspectPdf has such files
// refused by the PoDoFo-based signature verifier first.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sealflow::forms::pdfscan {

// The embedded form XML, chosen as InspectPdf's PoDoFo path chooses it (among the embedded files
// named "*.xml", in name order, the first with /AFRelationship /Source, else the first), or
// nullopt when this reader cannot be sure (never "there is none": the fallback decides that).
// `max_bytes` bounds the inflated size (larger: nullopt).
std::optional<std::string> EmbeddedFormXml(std::string_view pdf, std::size_t max_bytes);

}  // namespace sealflow::forms::pdfscan

namespace sealflow::forms::internal {

// InspectPdf's fallback: the same choice made on PoDoFo's full parse. Throws FormsError (kNoSource,
// kTooLarge, kRender). Exposed for the equivalence tests.
std::string EmbeddedFormXmlViaPodofo(std::string_view pdf);

}  // namespace sealflow::forms::internal
