// Copyright sealflow authors.
#include "archive/zip.h"

#include <zlib.h>

#include <ctime>
#include <limits>
#include <set>

#include "archive/error.h"

namespace sealflow::archive {
namespace {

constexpr std::uint32_t kLocalSig = 0x04034b50;
constexpr std::uint32_t kDescriptorSig = 0x08074b50;
constexpr std::uint32_t kCentralSig = 0x02014b50;
constexpr std::uint32_t kEndSig = 0x06054b50;
constexpr std::uint32_t kZip64EndSig = 0x06064b50;
constexpr std::uint32_t kZip64LocatorSig = 0x07064b50;
constexpr std::uint16_t kFlagDescriptor = 0x0008;
constexpr std::uint16_t kFlagUtf8 = 0x0800;
constexpr std::uint16_t kFlagEncrypted = 0x0001;
constexpr std::uint16_t kVersion20 = 20;
constexpr std::uint16_t kVersion45 = 45;  // ZIP64
constexpr std::uint16_t kMadeByUnix = 3 << 8;
constexpr std::uint32_t kMax32 = 0xffffffffu;
constexpr std::uint16_t kMax16 = 0xffffu;
constexpr std::size_t kChunk = 64 * 1024;

void Le16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>(v >> 8));
}
void Le32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void Le64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t ReadLe(const std::string& buf, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) {
    v = (v << 8) | static_cast<unsigned char>(buf[at + static_cast<std::size_t>(i)]);
  }
  return v;
}
std::uint16_t U16(const std::string& buf, std::size_t at) {
  return static_cast<std::uint16_t>(ReadLe(buf, at, 2));
}
std::uint32_t U32(const std::string& buf, std::size_t at) {
  return static_cast<std::uint32_t>(ReadLe(buf, at, 4));
}

ArchiveError NotZip(const std::string& why) {
  return ArchiveError(ArchiveErrorCode::kArgument, "不是有效的 ZIP / not a valid ZIP: " + why);
}

// Relative, '/'-separated, no "." or ".." segments, no backslashes or NULs: a name that cannot
// escape the folder it is extracted into.
bool SafeName(const std::string& name) {
  if (name.empty() || name.size() > 1024 || name.front() == '/') return false;
  if (name.find('\\') != std::string::npos || name.find('\0') != std::string::npos) return false;
  std::size_t start = 0;
  for (;;) {
    std::size_t slash = name.find('/', start);
    std::string segment = name.substr(start, slash == std::string::npos ? slash : slash - start);
    if (segment == "." || segment == "..") return false;
    if (segment.empty() && slash != std::string::npos) return false;
    if (slash == std::string::npos) return true;
    start = slash + 1;
  }
}

}  // namespace

ZipWriter::ZipWriter(std::ostream& out, std::chrono::system_clock::time_point modified)
    : out_(out) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(modified);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  int year = utc.tm_year + 1900;
  if (year < 1980) year = 1980;  // DOS dates start in 1980
  if (year > 2107) year = 2107;
  dos_date_ =
      static_cast<std::uint16_t>(((year - 1980) << 9) | ((utc.tm_mon + 1) << 5) | utc.tm_mday);
  dos_time_ =
      static_cast<std::uint16_t>((utc.tm_hour << 11) | (utc.tm_min << 5) | (utc.tm_sec / 2));
}

void ZipWriter::Put(std::string_view bytes) {
  out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out_) throw ArchiveError(ArchiveErrorCode::kIo, "ZIP 写入失败 / writing the ZIP failed");
  offset_ += bytes.size();
}

void ZipWriter::BeginEntry(const std::string& name) {
  if (in_entry_ || finished_) {
    throw ArchiveError(ArchiveErrorCode::kArgument, "ZipWriter: entry begun out of order");
  }
  if (!SafeName(name) || name.size() > kMax16) {
    throw ArchiveError(ArchiveErrorCode::kArgument, "ZipWriter: bad entry name " + name);
  }
  central_.push_back(Central{name, 0, 0, offset_});
  std::string header;
  Le32(header, kLocalSig);
  Le16(header, kVersion20);
  Le16(header, kFlagDescriptor | kFlagUtf8);
  Le16(header, 0);  // STORE
  Le16(header, dos_time_);
  Le16(header, dos_date_);
  Le32(header, 0);  // CRC-32, sizes: in the data descriptor
  Le32(header, 0);
  Le32(header, 0);
  Le16(header, static_cast<std::uint16_t>(name.size()));
  Le16(header, 0);
  header += name;
  Put(header);
  in_entry_ = true;
  entry_size_ = 0;
  entry_crc_ = 0;
}

void ZipWriter::Write(std::string_view bytes) {
  if (!in_entry_) throw ArchiveError(ArchiveErrorCode::kArgument, "ZipWriter: no open entry");
  if (entry_size_ + bytes.size() >= kMax32) {
    throw ArchiveError(ArchiveErrorCode::kArgument,
                       "ZipWriter: an entry of 4 GiB or more is not supported");
  }
  // zlib's crc32 chains: the running value goes in with each chunk.
  for (std::size_t at = 0; at < bytes.size(); at += kChunk) {
    std::string_view chunk = bytes.substr(at, kChunk);
    entry_crc_ = static_cast<std::uint32_t>(
        ::crc32(entry_crc_, reinterpret_cast<const unsigned char*>(chunk.data()),
                static_cast<unsigned int>(chunk.size())));
  }
  Put(bytes);
  entry_size_ += bytes.size();
}

void ZipWriter::EndEntry() {
  if (!in_entry_) throw ArchiveError(ArchiveErrorCode::kArgument, "ZipWriter: no open entry");
  std::string descriptor;
  Le32(descriptor, kDescriptorSig);
  Le32(descriptor, entry_crc_);
  Le32(descriptor, static_cast<std::uint32_t>(entry_size_));
  Le32(descriptor, static_cast<std::uint32_t>(entry_size_));
  Put(descriptor);
  central_.back().crc = entry_crc_;
  central_.back().size = entry_size_;
  in_entry_ = false;
}

void ZipWriter::AddEntry(const std::string& name, std::string_view bytes) {
  BeginEntry(name);
  Write(bytes);
  EndEntry();
}

void ZipWriter::Finish() {
  if (in_entry_ || finished_) {
    throw ArchiveError(ArchiveErrorCode::kArgument, "ZipWriter: Finish out of order");
  }
  finished_ = true;
  const std::uint64_t cd_offset = offset_;
  for (const Central& entry : central_) {
    bool zip64 = entry.offset >= kMax32;
    std::string header;
    Le32(header, kCentralSig);
    Le16(header, static_cast<std::uint16_t>(kMadeByUnix | kVersion45));
    Le16(header, zip64 ? kVersion45 : kVersion20);
    Le16(header, kFlagDescriptor | kFlagUtf8);
    Le16(header, 0);
    Le16(header, dos_time_);
    Le16(header, dos_date_);
    Le32(header, entry.crc);
    Le32(header, static_cast<std::uint32_t>(entry.size));
    Le32(header, static_cast<std::uint32_t>(entry.size));
    Le16(header, static_cast<std::uint16_t>(entry.name.size()));
    Le16(header, zip64 ? 12 : 0);
    Le16(header, 0);               // comment
    Le16(header, 0);               // disk
    Le16(header, 0);               // internal attributes
    Le32(header, 0100644u << 16);  // a regular file, rw-r--r--
    Le32(header, zip64 ? kMax32 : static_cast<std::uint32_t>(entry.offset));
    header += entry.name;
    if (zip64) {
      Le16(header, 0x0001);
      Le16(header, 8);
      Le64(header, entry.offset);
    }
    Put(header);
  }
  const std::uint64_t cd_size = offset_ - cd_offset;
  const std::uint64_t count = central_.size();
  bool zip64 = count >= kMax16 || cd_offset >= kMax32 || cd_size >= kMax32;
  std::string end;
  if (zip64) {
    const std::uint64_t zip64_end_offset = offset_;
    Le32(end, kZip64EndSig);
    Le64(end, 44);  // size of the rest of this record
    Le16(end, static_cast<std::uint16_t>(kMadeByUnix | kVersion45));
    Le16(end, kVersion45);
    Le32(end, 0);
    Le32(end, 0);
    Le64(end, count);
    Le64(end, count);
    Le64(end, cd_size);
    Le64(end, cd_offset);
    Le32(end, kZip64LocatorSig);
    Le32(end, 0);
    Le64(end, zip64_end_offset);
    Le32(end, 1);
  }
  Le32(end, kEndSig);
  Le16(end, 0);
  Le16(end, 0);
  Le16(end, zip64 ? kMax16 : static_cast<std::uint16_t>(count));
  Le16(end, zip64 ? kMax16 : static_cast<std::uint16_t>(count));
  Le32(end, zip64 ? kMax32 : static_cast<std::uint32_t>(cd_size));
  Le32(end, zip64 ? kMax32 : static_cast<std::uint32_t>(cd_offset));
  Le16(end, 0);
  Put(end);
  out_.flush();
  if (!out_) throw ArchiveError(ArchiveErrorCode::kIo, "ZIP 写入失败 / writing the ZIP failed");
}

ZipReader::ZipReader(const std::string& path) : in_(path, std::ios::binary) {
  if (!in_) throw ArchiveError(ArchiveErrorCode::kNotFound, "无法打开 / cannot open " + path);
  in_.seekg(0, std::ios::end);
  std::streamoff end = in_.tellg();
  if (end < 22) throw NotZip("too short");
  file_size_ = static_cast<std::uint64_t>(end);
  auto read_at = [&](std::uint64_t at, std::uint64_t n) {
    if (at > file_size_ || n > file_size_ - at) throw NotZip("a record lies past the end");
    std::string buf(static_cast<std::size_t>(n), '\0');
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(at));
    in_.read(buf.data(), static_cast<std::streamsize>(n));
    if (static_cast<std::uint64_t>(in_.gcount()) != n) {
      throw ArchiveError(ArchiveErrorCode::kIo, "read " + path + " failed");
    }
    return buf;
  };
  // The end record is within the last 22 + 65535 bytes (its comment is at most 65535).
  std::uint64_t tail = std::min<std::uint64_t>(file_size_, 22 + 65535);
  std::string buf = read_at(file_size_ - tail, tail);
  std::size_t eocd = std::string::npos;
  for (std::size_t i = buf.size() - 22 + 1; i-- > 0;) {
    if (U32(buf, i) == kEndSig && i + 22 + U16(buf, i + 20) == buf.size()) {
      eocd = i;
      break;
    }
  }
  if (eocd == std::string::npos) throw NotZip("no end of central directory");
  const std::uint64_t eocd_at = file_size_ - tail + eocd;
  if (U16(buf, eocd + 4) != 0 || U16(buf, eocd + 6) != 0) throw NotZip("multi-disk archive");
  std::uint64_t count = U16(buf, eocd + 10);
  std::uint64_t cd_size = U32(buf, eocd + 12);
  std::uint64_t cd_offset = U32(buf, eocd + 16);
  if (count == kMax16 || cd_size == kMax32 || cd_offset == kMax32) {
    if (eocd_at < 20) throw NotZip("ZIP64 locator missing");
    std::string locator = read_at(eocd_at - 20, 20);
    if (U32(locator, 0) != kZip64LocatorSig) throw NotZip("ZIP64 locator missing");
    std::string record = read_at(ReadLe(locator, 8, 8), 56);
    if (U32(record, 0) != kZip64EndSig) throw NotZip("bad ZIP64 end record");
    count = ReadLe(record, 32, 8);
    cd_size = ReadLe(record, 40, 8);
    cd_offset = ReadLe(record, 48, 8);
  }
  if (count > 10'000'000 || cd_size > (1ull << 31)) throw NotZip("central directory too large");
  std::string cd = read_at(cd_offset, cd_size);
  std::set<std::string> names;
  std::size_t at = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    if (at + 46 > cd.size() || U32(cd, at) != kCentralSig) {
      throw NotZip("bad central directory entry");
    }
    ZipEntry entry;
    std::uint16_t flags = U16(cd, at + 8);
    if ((flags & kFlagEncrypted) != 0) throw NotZip("encrypted entry");
    entry.method = U16(cd, at + 10);
    entry.crc32 = U32(cd, at + 16);
    entry.packed_size = U32(cd, at + 20);
    entry.size = U32(cd, at + 24);
    std::size_t name_len = U16(cd, at + 28);
    std::size_t extra_len = U16(cd, at + 30);
    std::size_t comment_len = U16(cd, at + 32);
    entry.header_offset = U32(cd, at + 42);
    if (at + 46 + name_len + extra_len + comment_len > cd.size()) {
      throw NotZip("central directory entry runs past its end");
    }
    entry.name = cd.substr(at + 46, name_len);
    // ZIP64 extra: the 8-byte values, in this order, for exactly the fields that are 0xffffffff.
    std::size_t x = at + 46 + name_len;
    const std::size_t x_end = x + extra_len;
    while (x + 4 <= x_end) {
      std::uint16_t tag = U16(cd, x);
      std::size_t len = U16(cd, x + 2);
      if (x + 4 + len > x_end) throw NotZip("bad extra field");
      if (tag == 0x0001) {
        std::size_t v = x + 4;
        auto take = [&](std::uint64_t& field) {
          if (field != kMax32) return;
          if (v + 8 > x + 4 + len) throw NotZip("short ZIP64 extra field");
          field = ReadLe(cd, v, 8);
          v += 8;
        };
        take(entry.size);
        take(entry.packed_size);
        take(entry.header_offset);
      }
      x += 4 + len;
    }
    if (!SafeName(entry.name)) throw NotZip("unsafe entry name " + entry.name);
    if (!names.insert(entry.name).second) throw NotZip("duplicate entry " + entry.name);
    entries_.push_back(std::move(entry));
    at += 46 + name_len + extra_len + comment_len;
  }
}

const ZipEntry* ZipReader::Find(const std::string& name) const {
  for (const ZipEntry& entry : entries_) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

bool ZipReader::Read(const ZipEntry& entry, const std::function<void(std::string_view)>& sink) {
  if (entry.method != 0) throw NotZip("entry " + entry.name + " is compressed (not STORE)");
  if (entry.packed_size != entry.size) throw NotZip("entry " + entry.name + " sizes disagree");
  if (entry.header_offset > file_size_ || file_size_ - entry.header_offset < 30) {
    throw NotZip("entry " + entry.name + " lies past the end");
  }
  std::string header(30, '\0');
  in_.clear();
  in_.seekg(static_cast<std::streamoff>(entry.header_offset));
  in_.read(header.data(), 30);
  if (in_.gcount() != 30 || U32(header, 0) != kLocalSig) {
    throw NotZip("entry " + entry.name + " has no local header");
  }
  if (U16(header, 8) != entry.method) throw NotZip("entry " + entry.name + " method disagrees");
  std::string name(U16(header, 26), '\0');
  in_.read(name.data(), static_cast<std::streamsize>(name.size()));
  if (name != entry.name) throw NotZip("entry " + entry.name + " local name disagrees");
  std::uint64_t data_at = entry.header_offset + 30 + U16(header, 26) + U16(header, 28);
  if (data_at > file_size_ || entry.size > file_size_ - data_at) {
    throw NotZip("entry " + entry.name + " runs past the end");
  }
  in_.seekg(static_cast<std::streamoff>(data_at));
  std::uint32_t crc = 0;
  std::uint64_t left = entry.size;
  std::string chunk;
  while (left > 0) {
    chunk.resize(static_cast<std::size_t>(std::min<std::uint64_t>(left, kChunk)));
    in_.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    if (static_cast<std::size_t>(in_.gcount()) != chunk.size()) {
      throw ArchiveError(ArchiveErrorCode::kIo, "read of " + entry.name + " failed");
    }
    crc = static_cast<std::uint32_t>(::crc32(crc,
                                             reinterpret_cast<const unsigned char*>(chunk.data()),
                                             static_cast<unsigned int>(chunk.size())));
    sink(chunk);
    left -= chunk.size();
  }
  return crc == entry.crc32;
}

std::string ZipReader::ReadAll(const ZipEntry& entry, std::uint64_t max_size, bool* crc_ok) {
  if (entry.size > max_size) {
    throw ArchiveError(ArchiveErrorCode::kArgument,
                       "entry " + entry.name + " is larger than " + std::to_string(max_size));
  }
  std::string bytes;
  bytes.reserve(static_cast<std::size_t>(entry.size));
  bool ok = Read(entry, [&](std::string_view chunk) { bytes.append(chunk); });
  if (crc_ok != nullptr) *crc_ok = ok;
  return bytes;
}

}  // namespace sealflow::archive
