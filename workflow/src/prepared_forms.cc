// Copyright sealflow authors.
#include "prepared_forms.h"

#include <fcntl.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <utility>

namespace sealflow::workflow {
namespace {

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char byte : digest) {
    hex.push_back(kHex[byte >> 4]);
    hex.push_back(kHex[byte & 0x0f]);
  }
  return hex;
}

bool IsSha256Hex(const std::string& id) {
  if (id.size() != 2 * SHA256_DIGEST_LENGTH) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

[[noreturn]] void Fail(const std::string& what) {
  throw std::runtime_error("准备文件写入失败 / cannot keep the prepared PDF: " + what + ": " +
                           std::strerror(errno));
}

void FsyncPath(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) Fail("open " + path);
  if (::fsync(fd) != 0) {
    ::close(fd);
    Fail("fsync " + path);
  }
  ::close(fd);
}

// tmp, fsync, rename, fsync the folder: the file is either whole or absent after a crash.
void WriteDurably(const std::string& folder, const std::string& name, std::string_view bytes) {
  const std::string final_path = folder + "/" + name;
  const std::string temp_path = folder + "/." + name + ".tmp";
  int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) Fail("open " + temp_path);
  std::size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      ::unlink(temp_path.c_str());
      Fail("write " + temp_path);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temp_path.c_str());
    Fail("fsync " + temp_path);
  }
  if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    ::unlink(temp_path.c_str());
    Fail("rename " + temp_path);
  }
  FsyncPath(folder, O_RDONLY | O_DIRECTORY);
}

}  // namespace

PreparedForms::PreparedForms(const std::string& data_dir, forms::RendererOptions options)
    : folder_(data_dir + "/prepared"), options_(std::move(options)) {
  if (::mkdir(folder_.c_str(), 0755) != 0 && errno != EEXIST) Fail("mkdir " + folder_);
}

PreparedForm PreparedForms::Prepare(std::string_view xml) {
  forms::RenderResult rendered;
  {
    // Render() is const and thread-safe; the lock only guards creating the renderer (fonts are
    // loaded once, on the first form prepared).
    std::unique_lock<std::mutex> lock(renderer_mutex_);
    if (!renderer_) renderer_ = forms::Renderer::Create(options_);
    lock.unlock();
    rendered = renderer_->Render(xml);
  }
  PreparedForm prepared;
  prepared.report = std::move(rendered.report);
  if (!prepared.report.ok()) return prepared;
  prepared.pdf = std::move(rendered.form.pdf);
  prepared.id = Sha256Hex(prepared.pdf);
  struct stat existing {};
  if (::stat((folder_ + "/" + prepared.id + ".pdf").c_str(), &existing) != 0) {
    WriteDurably(folder_, prepared.id + ".pdf", prepared.pdf);
  }
  return prepared;
}

std::optional<std::string> PreparedForms::Find(const std::string& id) const {
  if (!IsSha256Hex(id)) return std::nullopt;
  std::ifstream in(folder_ + "/" + id + ".pdf", std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (Sha256Hex(bytes) != id) return std::nullopt;  // damaged on disk: not the prepared bytes
  return bytes;
}

}  // namespace sealflow::workflow
