// Copyright sealflow authors.
// Verification of the signatures in a PDF: ByteRange structure, message digest, CMS signature,
// certificate chain to the configured trust anchors, signer identity. The outcome is a report
// (a value), never an exception, whatever the input bytes are.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sealflow::signing {

enum class Verdict { kValid, kInvalid, kIndeterminate };

// "VALID" / "INVALID" / "INDETERMINATE".
const char* VerdictName(Verdict verdict);
// CLI exit code for a verdict: 0 / 1 / 2.
int VerdictExitCode(Verdict verdict);

struct SignatureReport {
  std::string field_name;
  std::string sub_filter;       // e.g. "ETSI.CAdES.detached"
  std::string signer_subject;   // RFC 2253 subject of the signer certificate ("" if unknown)
  std::string signer_name;      // its commonName
  std::string signer_organization;
  std::string signer_serial_number;  // subject serialNumber (e.g. credit code), if any
  std::string signing_time;     // from /M, ISO 8601 UTC ("" if absent)
  std::vector<std::int64_t> byte_range;
  bool covers_whole_document = false;
  bool digest_ok = false;       // messageDigest attribute equals SHA-256 of the byte ranges
  bool signature_ok = false;    // the CMS signature verifies with the signer certificate
  bool chain_ok = false;        // chain to a trust anchor at the signing time
  Verdict verdict = Verdict::kIndeterminate;
  std::vector<std::string> findings;  // each "中文 / English"
};

struct VerificationReport {
  Verdict verdict = Verdict::kIndeterminate;  // the worst over all signatures
  std::vector<SignatureReport> signatures;
  std::vector<std::string> findings;  // document-level (e.g. "not a PDF", "no signature")
  bool is_pdf = false;                // false: the bytes are not a parsable PDF
  // JSON text of the whole report (stable key order).
  std::string ToJson() const;
};

struct VerifierOptions {
  // PEM files of trusted root (or intermediate) certificates. None: every chain is
  // INDETERMINATE (NO_CERTIFICATE_CHAIN_FOUND).
  std::vector<std::string> trust_anchor_files;
  std::vector<std::string> trust_anchor_pems;  // PEM text, same meaning
  // "Now" for certificate validity when the signature carries no trusted time.
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
};

// Thread safety: a Verifier is immutable after Create() and may be used from many threads.
class Verifier {
 public:
  // Loads the trust anchors. Throws SigningError(kCredentials) if one cannot be read.
  static std::unique_ptr<Verifier> Create(const VerifierOptions& options = {});

  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;
  virtual ~Verifier() = default;

  virtual VerificationReport Verify(std::string_view pdf) const = 0;

 protected:
  Verifier() = default;
};

}  // namespace sealflow::signing
