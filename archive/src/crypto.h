// Copyright sealflow authors.
// The OpenSSL pieces the archive needs: SHA-256 of the stored bytes and random hex for ids and
// temporary file names. Failures become ArchiveError(kIo) carrying OpenSSL's error queue.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sealflow::archive::internal {

// Lowercase hex SHA-256 of bytes.
std::string Sha256Hex(std::string_view bytes);

// `byte_count` bytes from RAND_bytes as lowercase hex (2 * byte_count characters).
std::string RandomHex(std::size_t byte_count);

// True iff s is exactly 64 lowercase hex characters (a blob name).
bool IsSha256Hex(std::string_view s);

}  // namespace sealflow::archive::internal
