// Copyright sealflow authors.
// Verification of the signatures in a PDF, after ETSI EN 319 102-1 and the checks of pyHanko and
// EU DSS: ByteRange structure, message digest, CMS signature, certificate chain to the
// configured trust anchors, key usage, revocation, signer identity, and difference analysis of
// every revision after the one a signature signs. The outcome is a report (a value), never an
// exception, whatever the input bytes are.
//
// Policy (what each outcome means):
// * Per signature an ETSI indication: TOTAL_PASSED (verdict VALID), TOTAL_FAILED (INVALID) or
//   INDETERMINATE, with a sub-indication naming the first reason:
//     TOTAL_FAILED:  FORMAT_FAILURE (ByteRange/Contents/CMS structure: four integers from 0, the
//                    gap exactly this dictionary's /Contents, no overlap with another signature,
//                    the signed prefix ending exactly at one revision's %%EOF), HASH_FAILURE,
//                    SIG_CRYPTO_FAILURE, REVOKED (the signer certificate was revoked before the
//                    signature's proof of existence — or, without one, before the time the
//                    signature itself claims in /M), EXPIRED / NOT_YET_VALID (a certificate of
//                    the chain was outside its validity at the proof of existence),
//                    MODIFIED_AFTER_SIGNING (a later revision changes something the whitelist
//                    does not allow, see signing/src/difference.h; or bytes other than
//                    white-space follow the last %%EOF; `modifications` names the objects).
//     INDETERMINATE: NO_CERTIFICATE_CHAIN_FOUND, OUT_OF_BOUNDS_NO_POE (a certificate of the
//                    chain has expired at the validation time and nothing proves the signature
//                    existed earlier), NOT_YET_VALID (without a proof of existence),
//                    CHAIN_CONSTRAINTS_FAILURE (key usage allows neither digitalSignature nor
//                    nonRepudiation; other chain errors), REVOKED_NO_POE / REVOKED_CA_NO_POE
//                    (revoked, but no proof of existence of the signature before the revocation),
//                    NO_SIGNING_CERTIFICATE_FOUND, FORMAT_FAILURE (unsupported /SubFilter,
//                    missing CAdES attributes), SIG_CONSTRAINTS_FAILURE.
// * Proof of existence (POE): the genTime of a verified timestamp — the signature's own
//   signature-time-stamp token (unsigned attribute id-aa-signatureTimeStampToken, whose imprint
//   is the hash of the SignerInfo's signature value), or a document timestamp (/Type
//   /DocTimeStamp, /SubFilter /ETSI.RFC3161, imprint = the hash of its byte ranges) in a later
//   revision; the earliest counts, and never later than now. A timestamp is verified when its
//   imprint matches, its CMS signature and ESS signing-certificate(-v2) match the TSA
//   certificate, and that certificate has the critical extendedKeyUsage timeStamping and chains
//   to the trust anchors now (VerifierOptions::clock). /M is only what the signer claims.
// * Certificates (validity of the whole chain) are checked at the POE when there is one, else at
//   the validation time (now). So a signer certificate that has expired since is VALID with a
//   timestamp from its validity period, and OUT_OF_BOUNDS_NO_POE (INDETERMINATE) without one.
// * Revocation: CRLs from VerifierOptions::crl_files and from the document's /DSS /CRLs, each
//   used only if it verifies with the certificate's issuer from the validated chain and is not
//   dated after now; then OCSP responses from the document's /DSS /OCSPs, each used only if it is
//   successful, its thisUpdate is not after now, and OCSP_basic_verify accepts it (signed by the
//   issuer or a responder it delegated with id-kp-OCSPSigning, chaining to the trust anchors;
//   OpenSSL checks that chain at the real current time, not VerifierOptions::clock); then, for a
//   certificate none of these covers, the online responder if one is configured
//   (VerifierOptions::ocsp_url / ocsp_use_aia). No CRL for an issuer is not a failure (the
//   pilot's CAs publish none); `revocation` says what was found. A certificate revoked after the
//   POE leaves the signature VALID (`revocation` is "REVOKED" and a finding dates it); revoked at
//   or before the POE is TOTAL_FAILED REVOKED (a CA certificate: INDETERMINATE REVOKED_CA_NO_POE);
//   revoked without a POE is INDETERMINATE REVOKED_NO_POE (TOTAL_FAILED REVOKED if /M is after the
//   revocation).
// * A timestamp that is present but does not verify is reported (`timestamp.status` INVALID and a
//   finding) and gives no POE; it does not by itself change the signature's verdict.
// * A document timestamp is reported like a signature (is_document_timestamp = true): VALID when
//   its token verifies (signer_* then describe the TSA, signing_time is its genTime); INVALID
//   for HASH_FAILURE / SIG_CRYPTO_FAILURE / FORMAT_FAILURE and a later disallowed modification;
//   INDETERMINATE NO_CERTIFICATE_CHAIN_FOUND when the TSA certificate does not chain.
// * The document verdict is the worst signature verdict; no signature is INDETERMINATE.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "signing/ocsp.h"

namespace sealflow::signing {

enum class Verdict { kValid, kInvalid, kIndeterminate };

// ETSI EN 319 102-1 main indication; kTotalPassed <=> kValid, kTotalFailed <=> kInvalid.
enum class Indication { kTotalPassed, kTotalFailed, kIndeterminate };

// "TOTAL_PASSED" / "TOTAL_FAILED" / "INDETERMINATE".
const char* IndicationName(Indication indication);
// "中文 / English" description of a sub-indication ("" for "", the name itself if unknown).
std::string DescribeSubIndication(const std::string& sub_indication);

// An object a later revision changed in a way the difference analysis does not allow.
struct Modification {
  std::uint32_t object = 0;  // object number; 0 for the trailer or the bytes after %%EOF
  std::string change;  // "中文 / English", e.g. "已修改 / changed: /Type /Page /Contents"
};

// "VALID" / "INVALID" / "INDETERMINATE".
const char* VerdictName(Verdict verdict);
// CLI exit code for a verdict: 0 / 1 / 2.
int VerdictExitCode(Verdict verdict);

// A timestamp token as the verifier found it.
struct TimestampReport {
  std::string status = "NONE";  // "VALID" / "INVALID" / "NONE" (no token)
  std::string gen_time;         // TSTInfo genTime, ISO 8601 UTC ("" if unreadable)
  std::string tsa;              // RFC 2253 subject of the TSA certificate ("" if unknown)
  std::string sub_indication;   // why INVALID (see TimestampVerification), "" otherwise
};

struct SignatureReport {
  std::string field_name;
  std::string sub_filter;      // e.g. "ETSI.CAdES.detached"
  std::string signer_subject;  // RFC 2253 subject of the signer certificate ("" if unknown)
  std::string signer_name;     // its commonName
  std::string signer_organization;
  std::string signer_serial_number;  // subject serialNumber (e.g. credit code), if any
  std::string signing_time;          // from /M, ISO 8601 UTC ("" if absent)
  std::vector<std::int64_t> byte_range;
  bool covers_whole_document = false;
  bool digest_ok = false;     // messageDigest attribute equals SHA-256 of the byte ranges
  bool signature_ok = false;  // the CMS signature verifies with the signer certificate
  bool chain_ok = false;      // chain to a trust anchor at the signing time
  Verdict verdict = Verdict::kIndeterminate;
  std::vector<std::string> findings;  // each "中文 / English"
  // Consistent with `verdict` (see the policy at the top).
  Indication indication = Indication::kIndeterminate;
  std::string sub_indication;               // "" when TOTAL_PASSED
  int revision = 0;                         // 1-based revision the signature signs (0: not found)
  std::vector<Modification> modifications;  // disallowed changes after that revision
  int docmdp = 0;                          // DocMDP /P of a certification in force for it (0: none)
  std::string revocation = "NOT_CHECKED";  // "GOOD" / "REVOKED" / "NOT_CHECKED"
  // Where the signer certificate's `revocation` comes from: "crl", "dss-ocsp", "ocsp URL" (asked
  // online), "" when NOT_CHECKED.
  std::string revocation_source;
  // A document timestamp (/Type /DocTimeStamp, /SubFilter /ETSI.RFC3161) rather than a signature.
  bool is_document_timestamp = false;
  // A signature's signature timestamp; for a document timestamp, its own token.
  TimestampReport timestamp;
  // The proof of existence the certificates were judged at (ISO 8601 UTC; "" = none) and where
  // it comes from: "signature-timestamp" or "document-timestamp FIELD".
  std::string poe_time;
  std::string poe_source;
  std::string validation_time;  // when the chain was checked: poe_time, else now (ISO 8601 UTC)
};

struct VerificationReport {
  Verdict verdict = Verdict::kIndeterminate;  // the worst over all signatures
  std::vector<SignatureReport> signatures;
  std::vector<std::string> findings;  // document-level (e.g. "not a PDF", "no signature")
  bool is_pdf = false;                // false: the bytes are not a parsable PDF
  int revisions = 0;                  // revisions found (each "startxref N %%EOF")
  // JSON text of the whole report (stable key order).
  std::string ToJson() const;
};

struct VerifierOptions {
  // PEM files of trusted root (or intermediate) certificates. None: every chain is
  // INDETERMINATE (NO_CERTIFICATE_CHAIN_FOUND).
  std::vector<std::string> trust_anchor_files;
  std::vector<std::string> trust_anchor_pems;  // PEM text, same meaning
  // CRL files (PEM or DER) for revocation checking, besides those in the document's DSS.
  // Create() throws SigningError(kCredentials) if one cannot be read or parsed.
  std::vector<std::string> crl_files;
  // Online OCSP: when neither the CRLs nor the document's DSS say anything about a certificate of
  // the chain, ask the responder at `ocsp_url`, or (when empty and `ocsp_use_aia`) the URL in the
  // certificate's authorityInfoAccess. The request carries a nonce; the response counts only if
  // it echoes it, answers for the certificate, is signed by its issuer or a responder the issuer
  // delegated with id-kp-OCSPSigning (chaining to the trust anchors), and the validation time
  // (`clock`) lies within its thisUpdate (5 minutes' skew allowed) and nextUpdate. A responder
  // that cannot be reached, refuses or answers "unknown" is not a failure (as "no CRL"): the
  // revocation stays NOT_CHECKED and a finding says why.
  std::string ocsp_url;
  bool ocsp_use_aia = false;
  // How requests travel; empty: HttpOcspTransport() (10 s timeout, 1 MiB answers).
  OcspTransport ocsp_transport;
  // "Now" for certificate validity when the signature carries no trusted time.
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
  // Hash a large document's signed bytes (SHA-256) on an idle helper thread while the PDF is
  // parsed and the CMS checked. The verdict is the same either way; false keeps every
  // verification on the calling thread.
  bool digest_ahead = true;
};

// Thread safety: a Verifier is immutable after Create() and may be used from many threads. It
// keeps two bounded internal caches behind a mutex: parsed certificates by their DER, and chains
// that verified, by the certificates' SHA-1 fingerprints, reused only at times inside the chain's
// validity period (revocation is checked on every call; an online
// OCSP responder is asked on every call too).
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
