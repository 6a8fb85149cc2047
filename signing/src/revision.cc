// Copyright sealflow authors.
#include "revision.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sealflow::signing::pdf {
namespace {

// PDF white-space (ISO 32000-1 7.2.2).
bool IsSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// True if the header "n g obj" of an xref stream starts at `at`.
bool ObjectHeaderAt(std::string_view pdf, std::size_t at) {
  std::size_t i = at;
  auto digits = [&] {
    const std::size_t start = i;
    while (i < pdf.size() && i - start < 10 && IsDigit(pdf[i])) ++i;
    return i > start;
  };
  auto spaces = [&] {
    const std::size_t start = i;
    while (i < pdf.size() && i - start < 16 && IsSpace(pdf[i])) ++i;
    return i > start;
  };
  if (!digits() || !spaces() || !digits() || !spaces()) return false;
  if (pdf.substr(i, 3) != "obj") return false;
  // An xref stream: its dictionary (before "stream") says /Type /XRef.
  const std::string_view dict = pdf.substr(i, 1024);
  const std::size_t stream = dict.find("stream");
  const std::size_t xref = dict.find("/XRef");
  return xref != std::string_view::npos && (stream == std::string_view::npos || xref < stream);
}

// If "startxref <N> <ws>" ends right before `eof` (the position of "%%EOF"), the offset N.
bool StartXrefBefore(std::string_view pdf, std::size_t eof, std::size_t& offset) {
  std::size_t i = eof;
  std::size_t budget = 64;  // white-space is bounded: a trailer is not padded for kilobytes
  while (i > 0 && budget > 0 && IsSpace(pdf[i - 1])) {
    --i;
    --budget;
  }
  const std::size_t digits_end = i;
  while (i > 0 && digits_end - i < 20 && IsDigit(pdf[i - 1])) --i;
  if (i == digits_end || digits_end - i > 19) return false;
  const std::size_t digits_start = i;
  const std::size_t space_end = i;
  budget = 64;
  while (i > 0 && budget > 0 && IsSpace(pdf[i - 1])) {
    --i;
    --budget;
  }
  if (i == space_end) return false;
  constexpr std::string_view kKeyword = "startxref";
  if (i < kKeyword.size() || pdf.substr(i - kKeyword.size(), kKeyword.size()) != kKeyword) {
    return false;
  }
  const std::size_t keyword_at = i - kKeyword.size();
  std::size_t value = 0;
  for (std::size_t k = digits_start; k < digits_end; ++k) {
    value = value * 10 + static_cast<std::size_t>(pdf[k] - '0');
  }
  if (value >= keyword_at) return false;
  // Where it points: "xref" (classic table) or "n g obj" (xref stream), after optional EOLs
  // that some writers count in.
  std::size_t at = value;
  for (int k = 0; k < 4 && at < keyword_at && IsSpace(pdf[at]); ++k) ++at;
  if (pdf.substr(at, 4) != "xref" && !ObjectHeaderAt(pdf, at)) return false;
  offset = value;
  return true;
}

// The first "%%EOF" at or after `from`, or npos. Compressed streams hold a '%' every 256 bytes
// or so, and std::string_view::find restarts memchr at each one; this looks for two '%' in a
// row, 16 positions at a time.
std::size_t FindEof(std::string_view pdf, std::size_t from) {
  constexpr std::string_view kEof = "%%EOF";
  if (pdf.size() < kEof.size() || from > pdf.size() - kEof.size()) return std::string_view::npos;
  const char* data = pdf.data();
  const std::size_t last = pdf.size() - kEof.size();  // the last position "%%EOF" can start at
  std::size_t i = from;
#if defined(__SSE2__)
  const __m128i percent = _mm_set1_epi8('%');
  // Loads at i and i + 1 read bytes up to i + 16, inside the input while i + 16 < size.
  for (; i + 16 < pdf.size(); i += 16) {
    const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i + 1));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(
        _mm_and_si128(_mm_cmpeq_epi8(here, percent), _mm_cmpeq_epi8(next, percent))));
    while (mask != 0) {
      const std::size_t at = i + static_cast<std::size_t>(__builtin_ctz(mask));
      if (at > last) return std::string_view::npos;
      if (std::memcmp(data + at, kEof.data(), kEof.size()) == 0) return at;
      mask &= mask - 1;
    }
  }
#endif
  for (; i <= last; ++i) {
    if (data[i] == '%' && std::memcmp(data + i, kEof.data(), kEof.size()) == 0) return i;
  }
  return std::string_view::npos;
}

}  // namespace

RevisionScan FindRevisions(std::string_view pdf) {
  RevisionScan scan;
  constexpr std::string_view kEof = "%%EOF";
  std::size_t from = 0;
  while (true) {
    const std::size_t at = FindEof(pdf, from);
    if (at == std::string_view::npos) break;
    from = at + kEof.size();
    std::size_t startxref = 0;
    if (!StartXrefBefore(pdf, at, startxref)) continue;
    if (scan.revisions.size() == kMaxRevisions) {
      scan.too_many = true;
      break;
    }
    Revision revision;
    revision.eof_end = at + kEof.size();
    revision.end = revision.eof_end;
    if (pdf.substr(revision.end, 2) == "\r\n") {
      revision.end += 2;
    } else if (revision.end < pdf.size() &&
               (pdf[revision.end] == '\n' || pdf[revision.end] == '\r')) {
      revision.end += 1;
    }
    revision.startxref = startxref;
    scan.revisions.push_back(revision);
  }
  const std::size_t last = scan.revisions.empty() ? 0 : scan.revisions.back().end;
  for (std::size_t i = last; i < pdf.size(); ++i) {
    if (!IsSpace(pdf[i])) {
      scan.trailing_garbage = true;
      break;
    }
  }
  return scan;
}

int RevisionEndingAt(const RevisionScan& scan, std::size_t offset) {
  for (std::size_t i = 0; i < scan.revisions.size(); ++i) {
    if (scan.revisions[i].end == offset || scan.revisions[i].eof_end == offset) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace sealflow::signing::pdf
