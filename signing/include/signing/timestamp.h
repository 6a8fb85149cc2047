// Copyright sealflow authors.
// RFC 3161 time-stamping: an authority that answers TimeStampReq with TimeStampResp (OpenSSL's TS
// responder), and clients that obtain a TimeStampToken for a SHA-256 digest, either from an
// authority in the same process or from any TSA over a transport the caller supplies (HTTP lives
// outside this component, so signing stays free of a network library).
//
// PAdES levels built on these: B-T (SignerOptions::timestamp adds a signature timestamp to every
// signature), B-LTA document timestamps (AddDocumentTimestamp) and B-LT validation data
// (AddValidationData, signing/dss.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sealflow::signing {

// The policy OID of OpenSSL's sample TSA configuration (openssl.cnf, tsa_policy1). A placeholder
// until the bureau registers its own arc; deployments set TimestampAuthorityOptions::policy_oid.
inline constexpr const char* kDefaultTsaPolicyOid = "1.2.3.4.1";

struct TimestampAuthorityOptions {
  // The TSA policy written to every TSTInfo (dotted form). Requests naming another policy are
  // rejected (PKIStatus rejection, failInfo unacceptedPolicy).
  std::string policy_oid = kDefaultTsaPolicyOid;
  // genTime. Tests fix it; the responder writes whole seconds.
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
  // TSTInfo serial numbers; must never repeat for one TSA certificate. Default (empty): 63 random
  // bits per response.
  std::function<std::uint64_t()> serial_source;
  // TSTInfo accuracy, in seconds (0 = omit the field).
  int accuracy_seconds = 1;
};

// A time-stamping authority with its own key and certificate (which must carry the critical
// extendedKeyUsage timeStamping). Answers requests hashed with SHA-256, SHA-384 or SHA-512, signs
// with SHA-256 and ESS signing-certificate-v2, echoes the nonce, and includes its certificate
// and chain in the token when the request asks (certReq).
//
// Thread safety: Respond() may be called concurrently.
class TimestampAuthority {
 public:
  // PEM files: unencrypted private key, TSA certificate, optional chain above it. Throws
  // SigningError(kCredentials) if unreadable, if the key does not match the certificate or the
  // certificate lacks timeStamping; kArgument for a bad policy OID or empty clock.
  static std::unique_ptr<TimestampAuthority> FromPem(const std::string& key_path,
                                                     const std::string& cert_path,
                                                     const std::string& chain_path = "",
                                                     const TimestampAuthorityOptions& options = {});
  // PEM text instead of files (same contract).
  static std::unique_ptr<TimestampAuthority> FromPemText(
      const std::string& key_pem, const std::string& cert_pem, const std::string& chain_pem = "",
      const TimestampAuthorityOptions& options = {});

  TimestampAuthority(const TimestampAuthority&) = delete;
  TimestampAuthority& operator=(const TimestampAuthority&) = delete;
  virtual ~TimestampAuthority() = default;

  // DER TimeStampReq in, DER TimeStampResp out. A request the TSA refuses (unparsable, unknown
  // hash, other policy) still gets a response, with PKIStatus rejection and a failInfo, as RFC
  // 3161 wants; SigningError(kCrypto) is only for a failure to produce any response.
  virtual std::string Respond(std::string_view der_request) const = 0;

  // The TSA certificate's subject, RFC 2253 form.
  virtual std::string SubjectName() const = 0;

 protected:
  TimestampAuthority() = default;
};

// Sends a DER TimeStampReq to a TSA and returns its DER TimeStampResp (the body of an
// application/timestamp-reply). Throws whatever it likes for transport failures; TimestampClient
// wraps them into SigningError(kTimestamp).
using TimestampTransport = std::function<std::string(const std::string& der_request)>;

struct TimestampClientOptions {
  // Request nonces. Default (empty): 63 random bits per request. Tests fix it for
  // deterministic tokens.
  std::function<std::uint64_t()> nonce_source;
  // What a signer reserves in /Contents for one token (bytes of DER), for transports whose
  // tokens cannot be measured up front. (The in-process client measures one token at creation.)
  std::size_t token_size_estimate = 8192;
};

// Obtains TimeStampTokens. Thread safety: Timestamp() may be called concurrently if the
// transport (and nonce source) may.
class TimestampClient {
 public:
  // Asks `authority` directly, with real DER request and response. The authority must outlive
  // the client. Creation asks the authority for one token to measure its size.
  static std::unique_ptr<TimestampClient> InProcess(const TimestampAuthority& authority,
                                                    const TimestampClientOptions& options = {});
  // Asks a TSA over `transport` (e.g. HTTP POST application/timestamp-query).
  static std::unique_ptr<TimestampClient> OverTransport(TimestampTransport transport,
                                                        const TimestampClientOptions& options = {});

  TimestampClient(const TimestampClient&) = delete;
  TimestampClient& operator=(const TimestampClient&) = delete;
  virtual ~TimestampClient() = default;

  // The DER TimeStampToken (a CMS ContentInfo with SignedData over a TSTInfo) for the SHA-256
  // digest `sha256` (32 bytes). The request carries a fresh 64-bit nonce and certReq; the reply
  // must be granted and match the request (imprint, nonce), else SigningError(kTimestamp).
  // The token's signature is not checked against trust anchors here (that is verification's
  // job, VerifyTimestampToken in the verifier).
  virtual std::string Timestamp(std::string_view sha256) const = 0;

  // An upper bound for the size of one token, for reserving room in a PDF's /Contents.
  virtual std::size_t TokenSizeEstimate() const = 0;

 protected:
  TimestampClient() = default;
};

// SHA-256 of `data` (32 bytes), the imprint a signature or document timestamp covers.
std::string Sha256(std::string_view data);

struct DocumentTimestampRequest {
  std::string field_name = "DocTimeStamp1";  // the new signature field's /T; must not exist yet
  // Dates the update's Info /ModDate (the token's genTime is the TSA's). Tests fix it.
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
};

// PAdES B-LTA: appends an incremental update with an invisible signature field whose value has
// /Type /DocTimeStamp, /SubFilter /ETSI.RFC3161 and /Contents = a TimeStampToken over the byte
// ranges (every byte of the result but /Contents itself). `pdf` stays unchanged byte for byte.
// Throws SigningError(kPdf) for an unparsable PDF, kArgument if the field exists, kTimestamp if
// the TSA fails.
std::string AddDocumentTimestamp(std::string_view pdf, const TimestampClient& client,
                                 const DocumentTimestampRequest& request = {});

// The outcome of checking one timestamp token (a value, never an exception).
struct TimestampVerification {
  bool present = false;  // a token was there to check (false: e.g. no signature timestamp)
  bool valid = false;    // every check passed; gen_time can be relied on
  // The TSTInfo genTime (whole seconds) and its ISO 8601 UTC form ("2026-03-01T08:00:00Z"),
  // filled whenever the token parses, also when !valid.
  std::chrono::system_clock::time_point gen_time{};
  std::string gen_time_iso;
  std::string tsa_subject;            // RFC 2253 subject of the TSA certificate ("" if unknown)
  std::vector<std::string> findings;  // each "中文 / English"; empty when valid
  // Why it is not valid, as an ETSI sub-indication: FORMAT_FAILURE (unparsable token or
  // attribute, unsupported imprint algorithm), HASH_FAILURE (the imprint does not match the
  // data), SIG_CRYPTO_FAILURE (signature or ESS signing-certificate), NO_CERTIFICATE_CHAIN_FOUND
  // (the TSA certificate does not chain to an anchor at `at` or lacks timeStamping). "" if valid.
  std::string sub_indication;
};

// Verifies a DER TimeStampToken over `data`: the imprint is the hash of `data` (with the token's
// hash algorithm); the token's signature and ESS signing-certificate(-v2) match the TSA
// certificate, which has extendedKeyUsage timeStamping and chains at `at` to one of the PEM
// `trust_anchor_pems` (certificates in the token serve as intermediates). Never throws for any
// input bytes, except SigningError(kCredentials) for an unreadable trust anchor.
TimestampVerification VerifyTimestampToken(std::string_view token, std::string_view data,
                                           const std::vector<std::string>& trust_anchor_pems,
                                           std::chrono::system_clock::time_point at);

// The same for the signature timestamp of a PAdES signature: `cms` is the DER CMS of a
// signature's /Contents (trailing zero padding allowed) with one SignerInfo, and the token is its
// unsigned attribute id-aa-signatureTimeStampToken over the signature value. present = false
// when there is no such attribute.
TimestampVerification VerifySignatureTimestamp(std::string_view cms,
                                               const std::vector<std::string>& trust_anchor_pems,
                                               std::chrono::system_clock::time_point at);

// PAdES B-LT validation data, everything DER.
struct ValidationData {
  std::vector<std::string> certificates;
  std::vector<std::string> crls;
  std::vector<std::string> ocsp_responses;  // OCSPResponse
};

// Appends an incremental update adding (or extending) the catalog's /DSS: /Certs, /CRLs and
// /OCSPs arrays of streams holding the DER objects (duplicates, also of entries already in the
// DSS, are stored once), and, when `per_signature_vri`, a /VRI entry for every signature field
// keyed by the upper-case hex SHA-1 of its /Contents bytes (as stored: the hex string decoded,
// zero padding included) listing all of them (ValidationDataOptions::per_signature_vri). `pdf`
// stays unchanged byte for byte. Throws SigningError(kPdf) for an unparsable PDF, kArgument for an
// entry that does not parse as what its list says.
struct ValidationDataOptions {
  bool per_signature_vri = true;
  // Dates the update's Info /ModDate. Tests fix it.
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
};
std::string AddValidationData(std::string_view pdf, const ValidationData& data,
                              const ValidationDataOptions& options = {});

// Every certificate embedded in the PDF's signatures and document timestamps, including those in
// signature timestamp tokens (DER, each once, in order of appearance). Signatures whose /Contents
// does not parse are skipped. Throws SigningError(kPdf) for an unparsable PDF.
std::vector<std::string> CertificatesInSignatures(std::string_view pdf);

// The certificates (or CRLs) in PEM text (any number) or one DER object, as DER. Throws
// SigningError(kArgument) if there is none or one does not parse.
std::vector<std::string> DerCertificates(std::string_view pem_or_der);
std::vector<std::string> DerCrls(std::string_view pem_or_der);

}  // namespace sealflow::signing
