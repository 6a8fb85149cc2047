// Copyright sealflow authors.
#include "pdf_util.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <set>

namespace sealflow::signing::pdf {

using PoDoFo::PdfObject;

MemoryInputDevice::MemoryInputDevice(std::string_view bytes)
    : data_(bytes.data()), size_(bytes.size()) {}

bool MemoryInputDevice::Sentry() const {
  if (state_ == std::ios_base::goodbit) return true;
  state_ |= std::ios_base::failbit;
  return false;
}

std::streamoff MemoryInputDevice::Tell() const {
  if (!Sentry()) return -1;
  return static_cast<std::streamoff>(pos_);
}

int MemoryInputDevice::GetChar() const {
  if (!Sentry()) return EOF;
  if (pos_ >= size_) {
    state_ |= std::ios_base::eofbit | std::ios_base::failbit;
    return EOF;
  }
  return static_cast<unsigned char>(data_[pos_++]);
}

int MemoryInputDevice::Look() const {
  if (!Sentry()) return EOF;
  if (pos_ >= size_) {
    state_ |= std::ios_base::eofbit;
    return EOF;
  }
  return static_cast<unsigned char>(data_[pos_]);
}

void MemoryInputDevice::Seek(std::streamoff off, std::ios_base::seekdir dir) {
  // As std::istream::seekg: eofbit is cleared first, a failed stream does not move.
  state_ &= ~std::ios_base::eofbit;
  if (!Sentry()) return;
  const std::streamoff base = dir == std::ios_base::beg   ? 0
                              : dir == std::ios_base::cur ? static_cast<std::streamoff>(pos_)
                                                          : static_cast<std::streamoff>(size_);
  std::streamoff target = 0;
  if (__builtin_add_overflow(base, off, &target) || target < 0 ||
      target > static_cast<std::streamoff>(size_)) {
    state_ |= std::ios_base::failbit;
    return;
  }
  pos_ = static_cast<std::size_t>(target);
}

std::streamoff MemoryInputDevice::Read(char* buffer, std::streamsize length) {
  if (!Sentry() || length <= 0) return 0;
  const std::size_t wanted = static_cast<std::size_t>(length);
  const std::size_t n = std::min(wanted, size_ - pos_);
  if (n > 0) std::memcpy(buffer, data_ + pos_, n);
  pos_ += n;
  if (n < wanted) state_ |= std::ios_base::eofbit | std::ios_base::failbit;
  return static_cast<std::streamoff>(n);
}

PoDoFo::PdfRefCountedInputDevice InputDeviceOver(std::string_view bytes) {
  return PoDoFo::PdfRefCountedInputDevice(new MemoryInputDevice(bytes));
}

StringOutputDevice::StringOutputDevice(std::string& out)
    : out_(out), floor_(out.size()), pos_(out.size()) {}

void StringOutputDevice::PrintV(const char* format, long bytes, va_list args) {
  if (format == nullptr || bytes < 0) PODOFO_RAISE_ERROR(PoDoFo::ePdfError_InvalidHandle);
  char small[256];
  const auto length = static_cast<std::size_t>(bytes);
  if (length < sizeof small) {
    std::vsnprintf(small, sizeof small, format, args);
    Write(small, length);
  } else {
    std::string large(length + 1, '\0');
    std::vsnprintf(large.data(), large.size(), format, args);
    Write(large.data(), length);
  }
}

void StringOutputDevice::Write(const char* buffer, std::size_t length) {
  if (pos_ < floor_) {
    PODOFO_RAISE_ERROR_INFO(PoDoFo::ePdfError_InternalLogic, "write into the original document");
  }
  if (pos_ == out_.size()) {
    out_.append(buffer, length);
  } else {
    const std::size_t overlap = std::min(length, out_.size() - pos_);
    out_.replace(pos_, overlap, buffer, length);
  }
  pos_ += length;
}

std::size_t StringOutputDevice::Read(char* buffer, std::size_t length) {
  const std::size_t n = pos_ < out_.size() ? std::min(length, out_.size() - pos_) : 0;
  if (n > 0) std::memcpy(buffer, out_.data() + pos_, n);
  pos_ += n;
  return n;
}

void StringOutputDevice::Seek(std::size_t offset) {
  if (offset > out_.size()) {
    PODOFO_RAISE_ERROR_INFO(PoDoFo::ePdfError_ValueOutOfRange, "seek past the end");
  }
  pos_ = offset;
}

ParsedDocument::ParsedDocument(std::string_view bytes)
    : size_(bytes.size()), parser_(std::make_unique<PoDoFo::PdfParser>(&objects_)) {
  // The objects the parser creates are ours to delete (PdfMemDocument sets the same).
  objects_.SetAutoDelete(true);
  parser_->ParseFile(InputDeviceOver(bytes), /*bLoadOnDemand=*/true);
  // What PdfMemDocument::InitFromParser and InitPagesTree would refuse.
  const PdfObject* trailer = parser_->GetTrailer();
  catalog_ = trailer != nullptr ? trailer->GetIndirectKey("Root") : nullptr;
  if (catalog_ == nullptr) {
    PODOFO_RAISE_ERROR_INFO(PoDoFo::ePdfError_NoObject, "Catalog object not found!");
  }
  if (const PdfObject* pages = catalog_->GetIndirectKey("Pages")) {
    const PdfObject* type = pages->GetDictionary().GetKey(PoDoFo::PdfName::KeyType);
    if (type == nullptr || !type->IsName() || type->GetName() != PoDoFo::PdfName("Pages")) {
      PODOFO_RAISE_ERROR(PoDoFo::ePdfError_InvalidDataType);
    }
  }
}

ParsedDocument::~ParsedDocument() = default;

const PdfObject* ParsedDocument::GetTrailer() const { return parser_->GetTrailer(); }

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

void ForEachFieldIn(PoDoFo::PdfVecObjects& objects, PdfObject* catalog,
                    const std::function<void(const std::string&, PdfObject*)>& visit) {
  PdfObject* acroform = Get(objects, catalog, "AcroForm");
  std::set<PoDoFo::PdfReference> seen;
  Walk(objects, Get(objects, acroform, "Fields"), "", 0, seen, visit);
}

}  // namespace

void ForEachField(PoDoFo::PdfMemDocument& doc,
                  const std::function<void(const std::string&, PdfObject*)>& visit) {
  ForEachFieldIn(doc.GetObjects(), doc.GetCatalog(), visit);
}

void ForEachField(ParsedDocument& doc,
                  const std::function<void(const std::string&, PdfObject*)>& visit) {
  ForEachFieldIn(doc.GetObjects(), doc.GetCatalog(), visit);
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
