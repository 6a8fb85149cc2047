// Copyright sealflow authors.
// Private: difference analysis between the revision a signature signs and the whole document.
//
// Every object that differs (by object number: added, changed, removed; dictionaries and arrays
// compared by their serialised values, streams also by their raw bytes) must be explained by the
// whitelist below, else it is a modification after signing:
//   * a new signature: its signature dictionary, its field and widget(s), the appearance
//     XObjects and resources reached only from the new widget's /AP; or an existing empty
//     signature field filled (/V set, /AP and /M on the widget);
//   * the containers that list them growing and nothing else: the AcroForm (/Fields additions,
//     /SigFlags), the /Fields and page /Annots arrays (old entries kept), a page dictionary (its
//     /Annots only), the catalog (/AcroForm, /DSS, /Extensions; /Perms never);
//   * the DSS and everything only it reaches (certificates, CRLs, OCSP responses, VRI);
//   * the document information dictionary, if only the trailer names it (metadata that is never
//     drawn; one the catalog reaches is content like any other object);
//   * unless the document is certified with DocMDP P1: filling an existing form field (/V, /AS,
//     the widget's /AP and /M) that is neither read-only nor locked by a FieldMDP transform
//     (/Reference or /Lock) of a signature in the signed revision;
//   * cross-reference and object streams (their contents are compared object by object).
// Stricter than ISO 32000 on purpose: new annotations other than signature widgets are never
// allowed (the evil annotation attack uses annotations permitted under P3), and on a certified
// document a new signature field must be invisible — a visible signature fills a field the
// certifier prepared (the sneaky signature attack draws content with a new signature's
// appearance). A reference in the signed revision to an object that did not exist then and exists
// now counts as a change to that object (hide-and-replace through dangling references). An object
// the whole document reads from the same bytes as the signed revision (same offset, a text that
// ends inside the signed revision) is unchanged; one whose text runs on past the signed revision's
// end (completed by a later revision) is compared like any other.
#pragma once

#include <podofo/podofo.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pdf_util.h"

namespace sealflow::signing::pdf {

struct ObjectChange {
  std::uint32_t object = 0;  // object number (0: the trailer)
  std::string change;        // "中文 / English"
};

struct DiffOutcome {
  int docmdp = 0;  // DocMDP /P of the signed revision's certification (0: not certified)
  std::vector<ObjectChange> disallowed;
};

// The whole document, for comparing each of its signed revisions with it: what does not depend
// on the revision (its field tree, what its catalog and /DSS reach, its pages' /Annots arrays,
// the references in each object) is worked out once, on first use, and kept for the next
// comparison. `document` and `bytes` must outlive it and stay unchanged. `bytes` are the file
// `document` was parsed from, or empty; with them, objects the analysis only needs the
// references, /Type, /Length or /Annots of are read from the file by a small strict reader
// instead of being parsed by PoDoFo (anything that reader is not sure of is left to PoDoFo).
// Not thread-safe: one verification at a time.
class DocumentIndex {
 public:
  DocumentIndex(ParsedDocument& document, std::string_view bytes);
  ~DocumentIndex();
  DocumentIndex(const DocumentIndex&) = delete;
  DocumentIndex& operator=(const DocumentIndex&) = delete;

  struct Impl;

 private:
  friend DiffOutcome CompareRevisions(ParsedDocument&, const DocumentIndex&);
  std::unique_ptr<Impl> impl_;
};

// Compares `signed_revision` with the whole document. Both are only read. Throws
// PoDoFo::PdfError on broken structure.
DiffOutcome CompareRevisions(ParsedDocument& signed_revision, const DocumentIndex& document);

// The same for a single comparison, without the file's bytes.
DiffOutcome CompareRevisions(PoDoFo::PdfMemDocument& signed_revision,
                             PoDoFo::PdfMemDocument& document);

}  // namespace sealflow::signing::pdf
