// Copyright sealflow authors.
// Helpers shared by the test binaries.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace sealflow::testing {

// A fresh empty folder under $TMPDIR, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& bytes);

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};
// Runs a shell command, capturing its output. Fails the current test (ADD_FAILURE) if the
// command could not be started at all.
CommandResult Run(const std::string& command);

// Paths into the source tree.
std::string SourcePath(const std::string& relative);    // SEALFLOW_SOURCE_DIR/relative
std::string TestDataPath(const std::string& relative);  // tests/data/relative
std::string BinPath(const std::string& name);           // build/bin/name

// `text` with every `from` replaced by `to`.
std::string ReplaceAll(std::string text, const std::string& from, const std::string& to);
// `text` with the first `from` replaced by `to`; a test failure if `from` is absent.
std::string Replace(std::string text, const std::string& from, const std::string& to);

// Bytes in the UTF-8 character that starts with `lead`.
std::size_t Utf8CharLength(char lead);

// Where the longest text value of a form's `xml` starts (npos if it has none) and its length in
// bytes: the longest run between '>' and '<' that does not start with white space (in the forms'
// examples, a free text, which may be long and span lines).
std::size_t LongestTextValue(const std::string& xml, std::size_t& length);
// `xml` with a line break after the first character of its longest text value, or "" if it has
// none.
std::string WithLineBreakInLongestText(std::string xml);

// A classic PDF from object bodies (object i+1 is objects[i]; object 1 is the catalog): header,
// the objects, one cross-reference section with computed offsets, and a trailer with /Size,
// /Root 1 0 R and `trailer_extra` (e.g. " /Info 6 0 R").
std::string AssemblePdf(const std::vector<std::string>& objects,
                        const std::string& trailer_extra = "");

// The fixed instant tests use as "now": 2026-03-01T08:00:00Z.
std::chrono::system_clock::time_point FixedNow();

}  // namespace sealflow::testing
