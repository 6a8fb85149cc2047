// Copyright sealflow authors.
// The archive component's one exception type.
#pragma once

#include <stdexcept>
#include <string>

namespace sealflow::archive {

enum class ArchiveErrorCode {
  kIo,          // blob write/fsync/rename failure
  kCatalog,     // SQLite / Poco Data failure
  kNotFound,    // no such record or blob
  kArgument,    // bad metadata (e.g. unknown phase), bad search limit or cursor
  kSupersedes,  // `supersedes` names no record, or one of another party or form type
  kConflict,    // the record named by `supersedes` is already superseded
};

class ArchiveError : public std::runtime_error {
 public:
  ArchiveError(ArchiveErrorCode code, const std::string& what)
      : std::runtime_error(what), code_(code) {}
  ArchiveErrorCode code() const noexcept { return code_; }

 private:
  ArchiveErrorCode code_;
};

}  // namespace sealflow::archive
