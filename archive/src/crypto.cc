// Copyright sealflow authors.
#include "crypto.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "archive/error.h"

namespace sealflow::archive::internal {
namespace {

using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

// Turns OpenSSL's error queue into the component's exception (and empties the queue).
[[noreturn]] void ThrowOpenSsl(const std::string& what) {
  std::string message = what;
  unsigned long code;
  while ((code = ERR_get_error()) != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    message += "; ";
    message += buffer;
  }
  throw ArchiveError(ArchiveErrorCode::kIo, message);
}

void CheckOpenSsl(int result, const char* what) {
  if (result != 1) ThrowOpenSsl(what);
}

std::string ToHex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    hex.push_back(kDigits[data[i] >> 4]);
    hex.push_back(kDigits[data[i] & 0x0f]);
  }
  return hex;
}

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  MdCtxPtr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx) ThrowOpenSsl("EVP_MD_CTX_new failed");
  CheckOpenSsl(EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr), "EVP_DigestInit_ex failed");
  CheckOpenSsl(EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()), "EVP_DigestUpdate failed");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  CheckOpenSsl(EVP_DigestFinal_ex(ctx.get(), digest, &length), "EVP_DigestFinal_ex failed");
  return ToHex(digest, length);
}

std::string RandomHex(std::size_t byte_count) {
  std::vector<unsigned char> bytes(byte_count);
  CheckOpenSsl(RAND_bytes(bytes.data(), static_cast<int>(bytes.size())), "RAND_bytes failed");
  return ToHex(bytes.data(), bytes.size());
}

bool IsSha256Hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    bool digit = c >= '0' && c <= '9';
    bool lower_hex = c >= 'a' && c <= 'f';
    if (!digit && !lower_hex) return false;
  }
  return true;
}

struct Sha256Hasher::Impl {
  MdCtxPtr ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
};

Sha256Hasher::Sha256Hasher() : impl_(std::make_unique<Impl>()) {
  if (!impl_->ctx) ThrowOpenSsl("EVP_MD_CTX_new failed");
  CheckOpenSsl(EVP_DigestInit_ex(impl_->ctx.get(), EVP_sha256(), nullptr),
               "EVP_DigestInit_ex failed");
}

Sha256Hasher::~Sha256Hasher() = default;

void Sha256Hasher::Update(std::string_view bytes) {
  CheckOpenSsl(EVP_DigestUpdate(impl_->ctx.get(), bytes.data(), bytes.size()),
               "EVP_DigestUpdate failed");
}

std::string Sha256Hasher::FinalHex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  CheckOpenSsl(EVP_DigestFinal_ex(impl_->ctx.get(), digest, &length), "EVP_DigestFinal_ex failed");
  CheckOpenSsl(EVP_DigestInit_ex(impl_->ctx.get(), EVP_sha256(), nullptr),
               "EVP_DigestInit_ex failed");
  return ToHex(digest, length);
}

std::string Sha256File(const std::string& path, std::uint64_t* size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int error = errno;
    throw ArchiveError(error == ENOENT ? ArchiveErrorCode::kNotFound : ArchiveErrorCode::kIo,
                       "open " + path + ": " + std::strerror(error));
  }
  std::unique_ptr<int, void (*)(int*)> guard(&fd, [](int* f) { ::close(*f); });
  Sha256Hasher hasher;
  std::vector<char> buffer(64 * 1024);
  std::uint64_t total = 0;
  for (;;) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw ArchiveError(ArchiveErrorCode::kIo, "read " + path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    hasher.Update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    total += static_cast<std::uint64_t>(n);
  }
  if (size != nullptr) *size = total;
  return hasher.FinalHex();
}

}  // namespace sealflow::archive::internal
