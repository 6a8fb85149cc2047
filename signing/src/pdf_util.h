// Copyright sealflow authors.
// Private: small PoDoFo helpers shared by the signer and the verifier.
#pragma once

#include <podofo/podofo.h>

#include <cstddef>
#include <functional>
#include <ios>
#include <memory>
#include <string>
#include <string_view>

namespace sealflow::signing::pdf {

// A read-only PoDoFo input device over bytes owned by the caller (they must outlive every
// PdfRefCountedInputDevice / document using it). PoDoFo's own buffer device copies the input
// twice (std::string, then std::istringstream) and reads every byte through istream::get with a
// sentry; this one reads the caller's bytes in place. It reproduces std::istream's state rules
// (eof/fail bits, tellg() == -1 after a failure, seekg() blocked until Clear()) so that PoDoFo
// parses malformed input exactly as it does with its own device.
class MemoryInputDevice final : public PoDoFo::PdfInputDevice {
 public:
  explicit MemoryInputDevice(std::string_view bytes);

  void Close() override {}
  std::streamoff Tell() const override;
  int GetChar() const override;
  int Look() const override;
  void Seek(std::streamoff off, std::ios_base::seekdir dir = std::ios_base::beg) override;
  std::streamoff Read(char* buffer, std::streamsize length) override;
  bool Eof() const override { return (state_ & std::ios_base::eofbit) != 0; }
  bool Bad() const override { return (state_ & std::ios_base::badbit) != 0; }
  void Clear(std::ios_base::iostate state = std::ios_base::goodbit) const override {
    state_ = state;
  }

 private:
  // std::istream::sentry: false (and failbit set) unless the state is good.
  bool Sentry() const;

  const char* data_;
  std::size_t size_;
  mutable std::size_t pos_ = 0;
  mutable std::ios_base::iostate state_ = std::ios_base::goodbit;
};

// A reference-counted device over `bytes` (no copy), for PdfMemDocument::LoadFromDevice.
PoDoFo::PdfRefCountedInputDevice InputDeviceOver(std::string_view bytes);

// A PoDoFo output device that appends to a std::string the caller owns, positioned at its end.
// Bytes before the starting size (the original document of an incremental update) are
// read-only: a write or seek there throws, so the update cannot alter the signed original.
class StringOutputDevice final : public PoDoFo::PdfOutputDevice {
 public:
  explicit StringOutputDevice(std::string& out);

  std::size_t GetLength() const override { return out_.size(); }
  void PrintV(const char* format, long bytes, va_list args) override;
  void Write(const char* buffer, std::size_t length) override;
  std::size_t Read(char* buffer, std::size_t length) override;
  void Seek(std::size_t offset) override;
  std::size_t Tell() const override { return pos_; }
  void Flush() override {}

 private:
  std::string& out_;
  std::size_t floor_;  // first writable offset
  std::size_t pos_;
};

// A PDF parsed for reading: PoDoFo's parser over bytes the caller owns (they must outlive it),
// objects parsed on demand. Unlike PdfMemDocument::LoadFromDevice it sets up nothing else: no
// document information dictionary (PoDoFo writes its /Producer into the file's, or invents one
// for a file without) and no page tree object, which verification does not use. It fails where
// LoadFromDevice fails for a missing catalog or a page tree root that is not /Type /Pages.
// Throws PoDoFo::PdfError.
class ParsedDocument {
 public:
  explicit ParsedDocument(std::string_view bytes);
  ~ParsedDocument();
  ParsedDocument(const ParsedDocument&) = delete;
  ParsedDocument& operator=(const ParsedDocument&) = delete;

  PoDoFo::PdfVecObjects& GetObjects() { return objects_; }
  const PoDoFo::PdfObject* GetTrailer() const;
  PoDoFo::PdfObject* GetCatalog() const { return catalog_; }
  std::size_t size() const { return size_; }  // of the bytes it was parsed from

 private:
  std::size_t size_;
  PoDoFo::PdfVecObjects objects_;
  std::unique_ptr<PoDoFo::PdfParser> parser_;  // owns the trailer (and any decryption state)
  PoDoFo::PdfObject* catalog_ = nullptr;
};

// Follows an indirect reference (nullptr for a dangling one or a nullptr input).
PoDoFo::PdfObject* Resolve(PoDoFo::PdfVecObjects& objects, PoDoFo::PdfObject* object);

// The value of `key` in `dict` (resolved), or nullptr if absent or `dict` is not a dictionary.
PoDoFo::PdfObject* Get(PoDoFo::PdfVecObjects& objects, PoDoFo::PdfObject* dict, const char* key);

// Calls `visit(fully_qualified_name, field)` for every terminal field under the AcroForm's
// /Fields, descending /Kids. Cycles and absurd depths are cut off.
void ForEachField(PoDoFo::PdfMemDocument& doc,
                  const std::function<void(const std::string&, PoDoFo::PdfObject*)>& visit);
void ForEachField(ParsedDocument& doc,
                  const std::function<void(const std::string&, PoDoFo::PdfObject*)>& visit);

// "what (PoDoFo error name: detail)" for a PdfError.
std::string Describe(const PoDoFo::PdfError& error);

// Silences PoDoFo's logging to stderr (once per process).
void QuietPodofo();

}  // namespace sealflow::signing::pdf
