// Copyright sealflow authors.
#include "pdf_util.h"

#include <mutex>
#include <set>

namespace sealflow::signing::pdf {

using PoDoFo::PdfObject;

PdfObject* Resolve(PoDoFo::PdfVecObjects& objects, PdfObject* object) {
  // A reference to a reference is not valid PDF; one level is all we follow.
  if (object != nullptr && object->IsReference()) return objects.GetObject(object->GetReference());
  return object;
}

PdfObject* Get(PoDoFo::PdfVecObjects& objects, PdfObject* dict, const char* key) {
  if (dict == nullptr || !dict->IsDictionary()) return nullptr;
  return Resolve(objects, dict->GetDictionary().GetKey(PoDoFo::PdfName(key)));
}

namespace {

constexpr int kMaxDepth = 32;

void Walk(PoDoFo::PdfVecObjects& objects, PdfObject* kids, const std::string& prefix, int depth,
          std::set<PoDoFo::PdfReference>& seen,
          const std::function<void(const std::string&, PdfObject*)>& visit) {
  if (kids == nullptr || !kids->IsArray() || depth > kMaxDepth) return;
  for (PdfObject& entry : kids->GetArray()) {
    if (entry.IsReference() && !seen.insert(entry.GetReference()).second) continue;  // cycle
    PdfObject* field = Resolve(objects, &entry);
    if (field == nullptr || !field->IsDictionary()) continue;
    std::string name = prefix;
    PdfObject* partial = Get(objects, field, "T");
    if (partial != nullptr && partial->IsString()) {
      if (!name.empty()) name += '.';
      name += partial->GetString().GetStringUtf8();
    }
    PdfObject* children = Get(objects, field, "Kids");
    // Kids that are fields (have /T) make this a non-terminal field; kids without /T are its
    // widget annotations.
    bool has_child_fields = false;
    if (children != nullptr && children->IsArray()) {
      for (PdfObject& kid : children->GetArray()) {
        PdfObject* resolved = Resolve(objects, &kid);
        if (resolved != nullptr && resolved->IsDictionary() &&
            resolved->GetDictionary().HasKey(PoDoFo::PdfName("T"))) {
          has_child_fields = true;
          break;
        }
      }
    }
    if (has_child_fields) {
      Walk(objects, children, name, depth + 1, seen, visit);
    } else {
      visit(name, field);
    }
  }
}

}  // namespace

void ForEachField(PoDoFo::PdfMemDocument& doc,
                  const std::function<void(const std::string&, PdfObject*)>& visit) {
  PoDoFo::PdfVecObjects& objects = doc.GetObjects();
  PdfObject* acroform = Get(objects, doc.GetCatalog(), "AcroForm");
  std::set<PoDoFo::PdfReference> seen;
  Walk(objects, Get(objects, acroform, "Fields"), "", 0, seen, visit);
}

std::string Describe(const PoDoFo::PdfError& error) {
  std::string out = PoDoFo::PdfError::ErrorName(error.GetError());
  for (const PoDoFo::PdfErrorInfo& info : error.GetCallstack()) {
    if (!info.GetInformation().empty()) {
      out += ": " + info.GetInformation();
      break;
    }
  }
  return out;
}

void QuietPodofo() {
  static std::once_flag once;
  std::call_once(once, [] {
    PoDoFo::PdfError::EnableLogging(false);
    PoDoFo::PdfError::EnableDebug(false);
  });
}

}  // namespace sealflow::signing::pdf
