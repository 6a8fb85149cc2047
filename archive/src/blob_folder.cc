// Copyright sealflow authors.
#include "blob_folder.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "archive/error.h"

namespace sealflow::archive::internal {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void ThrowErrno(const std::string& what, int error) {
  throw ArchiveError(ArchiveErrorCode::kIo, what + ": " + std::strerror(error));
}

// Owns a POSIX file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now and reports the error: close() can be where a delayed write error surfaces.
  void Close(const std::string& what) {
    int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) ThrowErrno(what, errno);
  }

 private:
  int fd_;
};

void FsyncDirectory(const std::string& path) {
  Fd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) ThrowErrno("open directory " + path, errno);
  if (::fsync(dir.get()) != 0) ThrowErrno("fsync directory " + path, errno);
}

bool IsBlobSubfolderName(const std::string& name) {
  if (name.size() != 2) return false;
  for (char c : name) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Removes a temporary file unless disarmed (the rename took it over).
class TempFileGuard {
 public:
  explicit TempFileGuard(std::string path) : path_(std::move(path)) {}
  ~TempFileGuard() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempFileGuard(const TempFileGuard&) = delete;
  TempFileGuard& operator=(const TempFileGuard&) = delete;
  void Disarm() { path_.clear(); }

 private:
  std::string path_;
};

template <typename Fn>
void ForEachBlobFile(const std::string& root, Fn&& fn) {
  std::error_code ec;
  for (const fs::directory_entry& sub : fs::directory_iterator(root, ec)) {
    if (!sub.is_directory() || !IsBlobSubfolderName(sub.path().filename().string())) continue;
    for (const fs::directory_entry& file : fs::directory_iterator(sub.path(), ec)) {
      // ".tmp-*": a blob being written (see BlobFolder::Write), not a blob.
      if (file.is_regular_file() && file.path().filename().string()[0] != '.') fn(file);
    }
    if (ec) ThrowErrno("list " + sub.path().string(), ec.value());
  }
  if (ec) ThrowErrno("list " + root, ec.value());
}

// The byte value of two lowercase hex digits, or -1.
int HexByte(char high, char low) {
  auto digit = [](char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  };
  const int h = digit(high);
  const int l = digit(low);
  return h < 0 || l < 0 ? -1 : h * 16 + l;
}

}  // namespace

BlobFolder::BlobFolder(std::string root) : root_(std::move(root)) {
  std::error_code ec;
  fs::create_directories(root_ + "/tmp", ec);
  if (ec) ThrowErrno("create " + root_ + "/tmp", ec.value());
}

std::string BlobFolder::PathFor(const std::string& sha256) const {
  return root_ + "/" + sha256.substr(0, 2) + "/" + sha256;
}

bool BlobFolder::Has(const std::string& sha256, std::uint64_t size) const {
  struct stat st {};
  if (::stat(PathFor(sha256).c_str(), &st) != 0) return false;
  return S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) == size;
}

void BlobFolder::CreateSubfolders() {
  static constexpr char kHex[] = "0123456789abcdef";
  bool created = false;
  for (std::size_t i = 0; i < subfolder_exists_.size(); ++i) {
    const std::string subfolder = root_ + "/" + kHex[i / 16] + kHex[i % 16];
    if (::mkdir(subfolder.c_str(), 0755) == 0) {
      created = true;
    } else if (errno != EEXIST) {
      ThrowErrno("mkdir " + subfolder, errno);
    }
    subfolder_exists_[i].store(true);
  }
  if (created) FsyncDirectory(root_);
}

void BlobFolder::SyncFilesystem() const {
  Fd dir(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) ThrowErrno("open " + root_, errno);
  if (::syncfs(dir.get()) != 0) ThrowErrno("syncfs " + root_, errno);
}

void BlobFolder::Place(const std::string& sha256, std::string_view bytes,
                       const std::string& tmp_name, bool fsync) const {
  const std::string subfolder = root_ + "/" + sha256.substr(0, 2);
  const int index = sha256.size() >= 2 ? HexByte(sha256[0], sha256[1]) : -1;
  if (index < 0 || !subfolder_exists_[static_cast<std::size_t>(index)].load()) {
    if (::mkdir(subfolder.c_str(), 0755) == 0) {
      if (fsync) FsyncDirectory(root_);  // the new subfolder's entry must survive a crash too
    } else if (errno != EEXIST) {
      ThrowErrno("mkdir " + subfolder, errno);
    }
    if (index >= 0) subfolder_exists_[static_cast<std::size_t>(index)].store(true);
  }

  // Read-only from birth: archived bytes are never rewritten (the fd itself stays writable).
  // Written beside its final name, so the rename stays in one folder and concurrent Puts create
  // files in 256 folders rather than all in tmp/ (whose directory lock they would queue on).
  const std::string tmp_path = subfolder + "/.tmp-" + tmp_name;
  Fd file(::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
  if (file.get() < 0) ThrowErrno("create " + tmp_path, errno);
  TempFileGuard guard(tmp_path);

  const char* data = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(file.get(), data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      ThrowErrno("write " + tmp_path, errno);
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }

  // Rename first, fsync after: on ext4 (and XFS) the one fsync then commits the data and the
  // rename in the same journal transaction, where fsync-then-rename-then-fsync-folder needs two.
  // A crash before the fsync can leave a partial file under the final name, but no catalog row
  // ever points at it (rows are committed only after this returns and the folder is synced),
  // so the next Open() sweeps it like any orphan.
  const std::string final_path = PathFor(sha256);
  if (::rename(tmp_path.c_str(), final_path.c_str()) != 0) {
    ThrowErrno("rename " + tmp_path + " to " + final_path, errno);
  }
  guard.Disarm();
  if (fsync && ::fsync(file.get()) != 0) ThrowErrno("fsync " + final_path, errno);
  file.Close("close " + final_path);
}

void BlobFolder::SyncExisting(const std::string& sha256) const {
  const std::string path = PathFor(sha256);
  Fd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) ThrowErrno("open " + path, errno);
  if (::fsync(file.get()) != 0) ThrowErrno("fsync " + path, errno);
}

void BlobFolder::SyncFolderOf(const std::string& sha256) const {
  FsyncDirectory(root_ + "/" + sha256.substr(0, 2));
}

std::string BlobFolder::Read(const std::string& sha256) const {
  const std::string path = PathFor(sha256);
  Fd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) {
    if (errno == ENOENT) throw ArchiveError(ArchiveErrorCode::kNotFound, "no blob " + sha256);
    ThrowErrno("open " + path, errno);
  }
  struct stat st {};
  if (::fstat(file.get(), &st) != 0) ThrowErrno("stat " + path, errno);
  std::string bytes;
  bytes.reserve(static_cast<std::size_t>(st.st_size));
  char buffer[64 * 1024];
  for (;;) {
    ssize_t n = ::read(file.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      ThrowErrno("read " + path, errno);
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  return bytes;
}

void BlobFolder::Remove(const std::string& sha256) const {
  const std::string path = PathFor(sha256);
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return;
    ThrowErrno("unlink " + path, errno);
  }
  FsyncDirectory(root_ + "/" + sha256.substr(0, 2));
}

std::uint64_t BlobFolder::ClearTemporary() const {
  std::uint64_t removed = 0;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(root_ + "/tmp", ec)) {
    std::error_code remove_ec;
    fs::remove_all(entry.path(), remove_ec);
    if (remove_ec) ThrowErrno("remove " + entry.path().string(), remove_ec.value());
    ++removed;
  }
  if (ec) ThrowErrno("list " + root_ + "/tmp", ec.value());
  for (const fs::directory_entry& sub : fs::directory_iterator(root_, ec)) {
    if (!sub.is_directory() || !IsBlobSubfolderName(sub.path().filename().string())) continue;
    for (const fs::directory_entry& file : fs::directory_iterator(sub.path(), ec)) {
      if (file.path().filename().string().rfind(".tmp-", 0) != 0) continue;
      std::error_code remove_ec;
      fs::remove(file.path(), remove_ec);
      if (remove_ec) ThrowErrno("remove " + file.path().string(), remove_ec.value());
      ++removed;
    }
    if (ec) ThrowErrno("list " + sub.path().string(), ec.value());
  }
  if (ec) ThrowErrno("list " + root_, ec.value());
  return removed;
}

std::uint64_t BlobFolder::Sweep(const std::set<std::string>& keep) const {
  std::uint64_t removed = 0;
  ForEachBlobFile(root_, [&](const fs::directory_entry& file) {
    const std::string name = file.path().filename().string();
    if (keep.count(name) != 0 && file.path().parent_path().filename() == name.substr(0, 2)) {
      return;
    }
    std::error_code ec;
    fs::remove(file.path(), ec);
    if (ec) ThrowErrno("remove orphan " + file.path().string(), ec.value());
    ++removed;
  });
  return removed;
}

std::uint64_t BlobFolder::Count() const {
  std::uint64_t count = 0;
  ForEachBlobFile(root_, [&](const fs::directory_entry&) { ++count; });
  return count;
}

}  // namespace sealflow::archive::internal
