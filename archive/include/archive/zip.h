// Copyright sealflow authors.
// A minimal ZIP (APPNOTE 6.3) writer and reader for dossier packages: STORE method only (the
// payload is PDFs, which do not compress), UTF-8 names, ZIP64 offsets when a package passes
// 4 GiB. The writer streams to a std::ostream in one pass (no seeking): each local header has
// bit 3 set and the CRC-32 and sizes follow the data in a data descriptor, so nothing needs to
// be known up front and memory holds only the central directory (one small entry per file).
// The reader is strict: anything it does not understand is an error, never a guess.
#pragma once

#include <chrono>
#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace sealflow::archive {

// Not thread-safe. Throws ArchiveError(kIo) when the stream fails, kArgument for a bad name,
// an entry of 4 GiB or more, or a call out of order.
class ZipWriter {
 public:
  // `out` is not owned and must outlive the writer. `modified` is written as every entry's
  // DOS timestamp (local fields, taken as UTC), so output is deterministic for a fixed clock.
  ZipWriter(std::ostream& out, std::chrono::system_clock::time_point modified);
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  void BeginEntry(const std::string& name);
  void Write(std::string_view bytes);
  void EndEntry();
  void AddEntry(const std::string& name, std::string_view bytes);
  // Writes the central directory and the end records, then flushes. No entry may follow.
  void Finish();

  std::uint64_t bytes_written() const { return offset_; }

 private:
  struct Central {
    std::string name;
    std::uint32_t crc = 0;
    std::uint64_t size = 0;
    std::uint64_t offset = 0;
  };
  void Put(std::string_view bytes);

  std::ostream& out_;
  std::uint16_t dos_time_ = 0;
  std::uint16_t dos_date_ = 0;
  std::uint64_t offset_ = 0;
  std::vector<Central> central_;
  bool in_entry_ = false;
  bool finished_ = false;
  std::uint64_t entry_size_ = 0;
  std::uint32_t entry_crc_ = 0;
};

struct ZipEntry {
  std::string name;
  std::uint16_t method = 0;       // 0 = STORE
  std::uint32_t crc32 = 0;        // from the central directory
  std::uint64_t size = 0;         // uncompressed
  std::uint64_t packed_size = 0;  // compressed
  std::uint64_t header_offset = 0;
};

// Reads a ZIP file's central directory; entries are read one at a time, in chunks.
// Throws ArchiveError(kNotFound) if the file cannot be opened, kArgument if it is not a ZIP
// this reader accepts (multi-disk, encrypted, truncated, names with "..", absolute, or
// duplicated), kIo on read errors.
class ZipReader {
 public:
  explicit ZipReader(const std::string& path);
  ZipReader(const ZipReader&) = delete;
  ZipReader& operator=(const ZipReader&) = delete;

  const std::vector<ZipEntry>& entries() const { return entries_; }
  const ZipEntry* Find(const std::string& name) const;

  // Feeds the entry's stored bytes to sink in chunks of at most 64 KiB and returns true iff
  // their CRC-32 matches the central directory's. Throws ArchiveError(kArgument) for a
  // compressed entry (method != 0) or a local header that disagrees with the directory.
  bool Read(const ZipEntry& entry, const std::function<void(std::string_view)>& sink);
  // The whole entry (throws ArchiveError(kArgument) if larger than max_size); *crc_ok gets the
  // CRC check's result.
  std::string ReadAll(const ZipEntry& entry, std::uint64_t max_size, bool* crc_ok);

 private:
  std::ifstream in_;
  std::uint64_t file_size_ = 0;
  std::vector<ZipEntry> entries_;
};

}  // namespace sealflow::archive
