// Copyright sealflow authors.
// PAdES B-B signing: an incremental update adding a signature field with SubFilter
// ETSI.CAdES.detached, a CMS SignedData over the byte ranges with SHA-256,
// signing-certificate-v2 and no signingTime attribute (the time goes in the dictionary's /M).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signing/credentials.h"
#include "signing/timestamp.h"

namespace sealflow::signing {

// A visible electronic seal (电子印章) drawn as the signature widget's appearance: a red ring, a
// red five-pointed star, the organisation along the upper arc, the purpose along the bottom,
// and the signer and date beside it. Vector only; the text's font is subset-embedded.
struct SealAppearance {
  std::string organization;  // e.g. 新乡市示例软件服务有限公司; empty: the certificate's O
  std::string purpose;       // e.g. 合同专用章; optional
  std::string signer_name;  // empty: the certificate's commonName
  std::string date;         // empty: the signing date (UTC) from SignerOptions::clock, YYYY-MM-DD
  std::string font_path;    // a TrueType font with every character drawn (required)
};

// DocMDP permissions of a certification signature (ISO 32000-1 12.8.2.2).
enum class DocMdp {
  kNone = 0,                       // an ordinary (approval) signature
  kNoChanges = 1,                  // P1: no change at all, not even another signature
  kFormFilling = 2,                // P2: filling in forms and signing (prepared) fields
  kFormFillingAndAnnotations = 3,  // P3: P2 plus annotations
};

struct SignRequest {
  // The signature field's /T, no '.'. If the document has an empty signature field of this name
  // (as the forms renderer prepares one per signature block), that field is signed in place and
  // keeps its widget and rectangle (`page`/`x`/... are then ignored); a new field is created only
  // when there is none. A field that is signed already, or is no signature field, is refused.
  std::string field_name = "Signature1";
  std::string reason;    // /Reason (UTF-8), optional
  std::string location;  // /Location (UTF-8), optional
  // Widget rectangle of a new field in PDF user space on `page` (0-based); all zero = invisible.
  int page = 0;
  double x = 0, y = 0, width = 0, height = 0;
  // A visible seal as the widget's appearance; needs a widget with a non-empty rectangle.
  std::optional<SealAppearance> seal;
  // A certification (author) signature: /Reference DocMDP with these permissions and the
  // catalog's /Perms /DocMDP. Only as the document's first signature.
  DocMdp certify = DocMdp::kNone;
  // FieldMDP: the fields this signature locks (/Reference FieldMDP and the field's /Lock, action
  // Include), or exactly {"all"} to lock every field. Empty: locks nothing.
  std::vector<std::string> lock_fields;
};

struct SignerOptions {
  // The signing time written to /M. Tests fix it for deterministic output.
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
  // The most bytes reserved for the CMS in /Contents (hex doubles it). The signer reserves its
  // credentials' CMS size + 256 bytes when that is smaller, so /Contents stays ~2 KB for one
  // RSA-2048 certificate; raise this only for very long chains.
  std::size_t reserved_signature_bytes = 16384;
  // PAdES B-T: every signature gets a signature timestamp from this client (unsigned attribute
  // id-aa-signatureTimeStampToken over the signature value), and /Contents grows by the client's
  // TokenSizeEstimate(). Empty: B-B. Sign() may call it from several threads at once.
  std::shared_ptr<const TimestampClient> timestamp;
  // Hash a large input document on an idle helper thread while PoDoFo loads it and writes the
  // update. The output is byte-identical either way; false keeps signing on the calling thread.
  bool digest_ahead = true;
};

// Thread safety: Sign() may be called concurrently; the credentials are read-only.
class Signer {
 public:
  static std::unique_ptr<Signer> Create(Credentials credentials, const SignerOptions& options = {});

  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;
  virtual ~Signer() = default;

  // Returns the signed PDF: `pdf` unchanged byte for byte, followed by one incremental update;
  // earlier signatures stay valid. Throws SigningError(kPdf) for an unparsable PDF or an
  // unreadable seal font; kArgument if the field is signed already or is no signature field,
  // for a certification of a document that has a signature, for any signature on a document
  // certified with DocMdp::kNoChanges, and for a seal without a widget rectangle.
  virtual std::string Sign(std::string_view pdf, const SignRequest& request) const = 0;

 protected:
  Signer() = default;
};

}  // namespace sealflow::signing
