// Copyright sealflow authors.
#include "upload.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/MediaType.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/String.h>

#include <algorithm>
#include <cstdint>
#include <istream>

#include "problem.h"

namespace sealflow::workflow {
namespace {

std::string LimitText(std::size_t limit) {
  return "上传内容超过 " + std::to_string(limit) + " 字节 / the body exceeds " +
         std::to_string(limit) + " bytes";
}

// Appends everything the stream yields to `out` (or discards it if out is null). Stops at the
// first short read: Poco's multipart part buffers hand out stray lookahead bytes if asked again
// after signalling the end, and std::istream's eof state is what guards against that.
void ReadAll(std::istream& in, std::string* out) {
  char chunk[16 * 1024];
  while (in) {
    in.read(chunk, sizeof chunk);
    std::streamsize n = in.gcount();
    if (n <= 0) break;
    if (out != nullptr) out->append(chunk, static_cast<std::size_t>(n));
  }
}

void CheckAfterReading(const LimitedStreamBuf& body, std::size_t limit) {
  if (body.exceeded()) throw Problem(ProblemKind::kTooLarge, LimitText(limit));
  if (body.source_failed()) {
    throw Problem(ProblemKind::kBadRequest,
                  "请求正文不完整 / the request body could not be read completely");
  }
}

// Keeps the first file part of a multipart body; later parts are read and discarded (their
// bytes still count against the limit, which the underlying LimitedStreamBuf enforces).
class FirstFilePart : public Poco::Net::PartHandler {
 public:
  void handlePart(const Poco::Net::MessageHeader&, std::istream& stream) override {
    if (found_) {
      ReadAll(stream, nullptr);
      return;
    }
    found_ = true;
    ReadAll(stream, &bytes_);
  }
  bool found() const { return found_; }
  std::string& bytes() { return bytes_; }

 private:
  bool found_ = false;
  std::string bytes_;
};

// HTTPSession::read (protected) hands out what the session buffered while reading the header,
// then receives from the socket with the length asked for. Reached through a member pointer
// taken in a derived class, which the language allows for any HTTPSession.
struct SessionReader : Poco::Net::HTTPSession {
  static int Read(Poco::Net::HTTPSession& session, char* buffer, std::streamsize length) {
    return (session.*(&SessionReader::read))(buffer, length);
  }
};

// A raw body of declared length read straight from the connection in large reads (Poco's body
// stream receives 4 KB per system call: 21 calls for an 84 KB PDF). False (nothing read) if the
// request is not Poco's server request. Throws Problem if the peer stops early.
bool ReadDeclaredLength(Poco::Net::HTTPServerRequest& request, std::size_t length,
                        std::string& bytes) {
  auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
  if (impl == nullptr) return false;
  bytes.resize(length);
  std::size_t got = 0;
  while (got < length) {
    const std::size_t want = std::min<std::size_t>(length - got, 1u << 20);
    int n = 0;
    try {
      n = SessionReader::Read(impl->session(), bytes.data() + got,
                              static_cast<std::streamsize>(want));
    } catch (const Poco::Exception&) {
      n = 0;
    }
    if (n <= 0) {
      throw Problem(ProblemKind::kBadRequest,
                    "请求正文不完整 / the request body could not be read completely");
    }
    got += static_cast<std::size_t>(n);
  }
  return true;
}

enum class BodyShape { kRaw, kMultipart };

BodyShape ShapeOf(const Poco::Net::HTTPServerRequest& request) {
  const std::string& content_type = request.getContentType();
  if (content_type.empty()) {
    throw Problem(ProblemKind::kUnsupportedMedia,
                  "缺少 Content-Type / Content-Type is missing; use application/pdf or "
                  "multipart/form-data");
  }
  Poco::Net::MediaType media(content_type);
  if (media.matches("application", "pdf") || media.matches("application", "octet-stream")) {
    return BodyShape::kRaw;
  }
  if (media.matches("multipart", "form-data")) return BodyShape::kMultipart;
  throw Problem(ProblemKind::kUnsupportedMedia,
                "不支持的内容类型 " + media.getType() + "/" + media.getSubType() +
                    " / unsupported content type; use application/pdf, "
                    "application/octet-stream or multipart/form-data");
}

}  // namespace

LimitedStreamBuf::LimitedStreamBuf(std::istream& source, std::size_t limit)
    : source_(source), limit_(limit) {}

LimitedStreamBuf::int_type LimitedStreamBuf::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  if (exceeded_ || at_end_ || failed_) return traits_type::eof();
  if (consumed_ == limit_) {
    if (source_.peek() == std::istream::traits_type::eof()) {
      failed_ = source_.bad();
      at_end_ = !failed_;
    } else {
      exceeded_ = true;
    }
    return traits_type::eof();
  }
  std::size_t want = std::min(sizeof buffer_, limit_ - consumed_);
  source_.read(buffer_, static_cast<std::streamsize>(want));
  std::size_t got = static_cast<std::size_t>(source_.gcount());
  if (got == 0) {
    failed_ = source_.bad();
    at_end_ = !failed_;
    return traits_type::eof();
  }
  consumed_ += got;
  setg(buffer_, buffer_, buffer_ + got);
  return traits_type::to_int_type(*gptr());
}

std::string ReadUpload(Poco::Net::HTTPServerRequest& request, std::size_t limit,
                       UploadState& state) {
  // Refuse a declared oversize body before reading a byte of it.
  if (request.hasContentLength() && request.getContentLength64() >= 0 &&
      static_cast<std::uint64_t>(request.getContentLength64()) > limit) {
    throw Problem(ProblemKind::kTooLarge, LimitText(limit));
  }
  BodyShape shape = ShapeOf(request);
  if (!request.hasContentLength() && !request.getChunkedTransferEncoding()) {
    // RFC 9112 6.3: a request with neither has an empty body (Poco would otherwise read until
    // the client closes).
    state.body_drained = true;
    if (shape == BodyShape::kMultipart) {
      throw Problem(ProblemKind::kBadRequest, "multipart 请求没有文件 / no file part");
    }
    return std::string();
  }

  if (shape == BodyShape::kRaw && request.hasContentLength() &&
      !request.getChunkedTransferEncoding()) {
    // The length was checked against the limit above.
    std::string bytes;
    if (ReadDeclaredLength(request, static_cast<std::size_t>(request.getContentLength64()),
                           bytes)) {
      state.body_drained = true;
      return bytes;
    }
  }
  LimitedStreamBuf body(request.stream(), limit);
  std::istream in(&body);
  if (shape == BodyShape::kRaw) {
    std::string bytes;
    if (request.hasContentLength()) {
      bytes.reserve(static_cast<std::size_t>(request.getContentLength64()));
    }
    ReadAll(in, &bytes);
    CheckAfterReading(body, limit);
    state.body_drained = true;
    return bytes;
  }

  FirstFilePart part;
  Poco::Net::HTMLForm form;
  try {
    form.load(request, in, part);
  } catch (const Poco::Exception& e) {
    CheckAfterReading(body, limit);
    throw Problem(ProblemKind::kBadRequest,
                  "multipart 正文格式错误 / malformed multipart body: " + e.displayText());
  }
  // The epilogue after the closing boundary is still part of the body: read (and count) it so
  // the connection is left at the next request.
  in.clear();
  ReadAll(in, nullptr);
  CheckAfterReading(body, limit);
  state.body_drained = true;
  if (!part.found()) {
    throw Problem(ProblemKind::kBadRequest,
                  "multipart 请求没有文件部分 / the multipart body has no file part");
  }
  return std::move(part.bytes());
}

}  // namespace sealflow::workflow
