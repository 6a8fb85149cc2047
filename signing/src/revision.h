// Copyright sealflow authors.
// Private: the revisions of a PDF file. PoDoFo gives the merged document only; a signature
// signs a prefix of the file that must end exactly where one revision ends, and the difference
// analysis loads that prefix on its own. So the revision ends are found here, from the bytes.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace sealflow::signing::pdf {

struct Revision {
  std::size_t eof_end = 0;    // just after this revision's "%%EOF"
  std::size_t end = 0;        // eof_end plus the end-of-line after it ("\r\n", "\n", "\r"), if any
  std::size_t startxref = 0;  // the offset its startxref names (a classic "xref" or an xref stream)
};

// At most this many revisions are looked at; a file with more is refused by the verifier.
inline constexpr std::size_t kMaxRevisions = 512;

struct RevisionScan {
  std::vector<Revision> revisions;  // in file order, each ending after the previous one
  bool too_many = false;            // more than kMaxRevisions: `revisions` is incomplete
  // Bytes after the last revision's end other than PDF white-space ("" if none).
  bool trailing_garbage = false;
};

// Each "startxref N %%EOF" whose N points before it, at the keyword "xref" or at an indirect
// object header "n g obj" (an xref stream), ends a revision. Anything else that merely contains
// "%%EOF" (a comment, stream data that does not look like a trailer) does not. Linear in the
// size of the input; never throws.
RevisionScan FindRevisions(std::string_view pdf);

// The 0-based index of the revision whose end is `offset` (the end after "%%EOF" with or without
// its end-of-line), or -1.
int RevisionEndingAt(const RevisionScan& scan, std::size_t offset);

}  // namespace sealflow::signing::pdf
