// Copyright sealflow authors.
// Reading an uploaded document with bounded memory. The body is either the raw PDF
// (application/pdf, application/octet-stream) or multipart/form-data whose first file part is
// the PDF. At most `limit` bytes of the body are ever read and held: a declared Content-Length
// over the limit is refused before reading anything, and a body that turns out longer (chunked,
// or a lying client) is refused as soon as byte limit+1 is seen.
#pragma once

#include <cstddef>
#include <streambuf>
#include <string>

namespace Poco::Net {
class HTTPServerRequest;
}

namespace sealflow::workflow {

// A read-only view of at most `limit` bytes of `source`. Reading on at the limit peeks one byte
// to tell "exactly limit bytes" from "more": the peeked byte is never handed out.
class LimitedStreamBuf : public std::streambuf {
 public:
  LimitedStreamBuf(std::istream& source, std::size_t limit);

  bool exceeded() const { return exceeded_; }     // the source had more than `limit` bytes
  bool at_end() const { return at_end_; }         // the source ended within the limit
  bool source_failed() const { return failed_; }  // the source broke (e.g. bad chunking)
  std::size_t consumed() const { return consumed_; }

 protected:
  int_type underflow() override;

 private:
  std::istream& source_;
  std::size_t limit_;
  std::size_t consumed_ = 0;
  bool exceeded_ = false;
  bool at_end_ = false;
  bool failed_ = false;
  char buffer_[64 * 1024];
};

struct UploadState {
  // True once the whole request body has been read, so the connection can be kept alive.
  bool body_drained = false;
};

// Returns the uploaded document's bytes (not yet checked to be a PDF). Throws Problem:
// kTooLarge (413), kUnsupportedMedia (415), kBadRequest (400: unreadable body, multipart without
// a file part).
std::string ReadUpload(Poco::Net::HTTPServerRequest& request, std::size_t limit,
                       UploadState& state);

}  // namespace sealflow::workflow
