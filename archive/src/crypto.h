// Copyright sealflow authors.
// The OpenSSL pieces the archive needs: SHA-256 of the stored bytes and random hex for ids and
// temporary file names. Failures become ArchiveError(kIo) carrying OpenSSL's error queue.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sealflow::archive::internal {

// Lowercase hex SHA-256 of bytes.
std::string Sha256Hex(std::string_view bytes);

// `byte_count` bytes from RAND_bytes as lowercase hex (2 * byte_count characters).
std::string RandomHex(std::size_t byte_count);

// True iff s is exactly 64 lowercase hex characters (a blob name).
bool IsSha256Hex(std::string_view s);

// Incremental SHA-256, for hashing a stream without holding it.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;
  void Update(std::string_view bytes);
  // Lowercase hex; the hasher is then reset for reuse.
  std::string FinalHex();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Hashes a file in 64 KiB reads. Throws ArchiveError(kNotFound) if it does not exist,
// kIo on read errors. *size gets the number of bytes read.
std::string Sha256File(const std::string& path, std::uint64_t* size);

}  // namespace sealflow::archive::internal
