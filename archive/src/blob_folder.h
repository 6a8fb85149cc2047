// Copyright sealflow authors.
// The content-addressed blob folder: DATA/blobs/ab/abcdef... (the SHA-256 of the content) and
// DATA/blobs/<first2>/.tmp-* for files being written (tmp/ in archives written before). Only the
// durability mechanics live here; which blobs are wanted is the catalog's business. Throws
// ArchiveError(kIo).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace sealflow::archive::internal {

class BlobFolder {
 public:
  // Creates root/, root/tmp/ if missing.
  explicit BlobFolder(std::string root);
  BlobFolder(BlobFolder&& other) noexcept : root_(std::move(other.root_)) {
    for (std::size_t i = 0; i < subfolder_exists_.size(); ++i) {
      subfolder_exists_[i].store(other.subfolder_exists_[i].load());
    }
  }
  BlobFolder& operator=(BlobFolder&&) = delete;

  const std::string& root() const { return root_; }
  std::string PathFor(const std::string& sha256) const;

  // True iff the blob exists as a regular file of exactly `size` bytes.
  bool Has(const std::string& sha256, std::uint64_t size) const;

  // Writes bytes to <first2>/.tmp-<tmp_name> (mode 0444) and renames it to <first2>/<sha256>.
  // With `fsync`, fsyncs the file (and root/ when <first2> had to be created); without, the file
  // and its folder entries are durable only once a later SyncFilesystem() returns (the group
  // commit syncs once per group). A crash before the blob is durable may leave a partial file
  // under the final name or a .tmp- file: callers catalogue a blob only once it is durable, so
  // such a file has no row and Open() sweeps it.
  void Place(const std::string& sha256, std::string_view bytes, const std::string& tmp_name,
             bool fsync) const;

  // syncfs(2) on the filesystem holding root/: every file, folder entry and inode written to it
  // before the call is durable when it returns (one device cache flush for all of them, where a
  // fsync per file and folder costs a flush each). Errors are reported (Linux >= 5.8).
  void SyncFilesystem() const;

  // Fsyncs an existing blob file (one that another Put may have placed and not yet synced).
  void SyncExisting(const std::string& sha256) const;

  // Fsyncs the <first2> folder of this blob (sha256, or just its first two characters), making
  // the directory entries in it durable.
  void SyncFolderOf(const std::string& sha256) const;

  // Reads a whole blob. Throws ArchiveError(kNotFound) if it does not exist.
  std::string Read(const std::string& sha256) const;

  // Removes a blob (no error if it is already gone) and fsyncs its folder.
  void Remove(const std::string& sha256) const;

  // Creates the 256 <first2>/ folders that are missing (and fsyncs root/ if any was), so no Put
  // pays for a mkdir: a new archive creates them once.
  void CreateSubfolders();

  // Removes every entry of tmp/ and every <first2>/.tmp-* file (blobs being written when a
  // process stopped). Returns how many were removed.
  std::uint64_t ClearTemporary() const;

  // Removes every file in the <xx>/ folders whose name is not in `keep`. Returns the count.
  std::uint64_t Sweep(const std::set<std::string>& keep) const;

  // Number of files in the <xx>/ folders.
  std::uint64_t Count() const;

 private:
  std::string root_;
  // <first2>/ folders known to exist (indexed by their byte value), so a Put does not pay a
  // mkdir system call each time. Folders are never removed.
  mutable std::array<std::atomic<bool>, 256> subfolder_exists_{};
};

}  // namespace sealflow::archive::internal
