// Copyright sealflow authors.
#include "signing/verifier.h"

#include <openssl/objects.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <set>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <exception>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>

#include "difference.h"
#include "digest_ahead.h"
#include "ocsp_internal.h"
#include "openssl_util.h"
#include "pdf_util.h"
#include "revision.h"
#include "signing/error.h"
#include "timestamp_verify.h"

namespace sealflow::signing {
namespace {

using PoDoFo::PdfObject;

struct PodofoFree {
  void operator()(char* p) const noexcept { PoDoFo::podofo_free(p); }
};

constexpr const char* kNotPdf = "不是 PDF 文件 / not a PDF";
constexpr const char* kNoSignature = "没有签名 / no signature";
constexpr const char* kModifiedAfterSigning =
    "签名后文档被修改 / document modified after signing (MODIFIED_AFTER_SIGNING)";

using X509CrlPtr = std::unique_ptr<X509_CRL, ossl::Deleter<X509_CRL, X509_CRL_free>>;
using OcspBasicPtr =
    std::unique_ptr<OCSP_BASICRESP, ossl::Deleter<OCSP_BASICRESP, OCSP_BASICRESP_free>>;
using OcspResponsePtr =
    std::unique_ptr<OCSP_RESPONSE, ossl::Deleter<OCSP_RESPONSE, OCSP_RESPONSE_free>>;
using OcspCertIdPtr = std::unique_ptr<OCSP_CERTID, ossl::Deleter<OCSP_CERTID, OCSP_CERTID_free>>;

// A signed revision on its own (the file up to that revision's end), for the difference
// analysis of what followed it. Parsed ahead on the helper thread once the digest is done
// (DigestAhead::ThenRun), or by the verifying thread if it gets there first; either way by
// exactly one of them.
struct RevisionDocument {
  std::mutex mutex;
  std::condition_variable finished;
  enum class State { kPending, kParsing, kDone } state = State::kPending;
  bool taken = false;  // handed to a difference analysis
  std::optional<pdf::ParsedDocument> doc;
  std::exception_ptr error;  // what parsing threw (PoDoFo::PdfError for a damaged revision)

  // Parses `prefix` unless another thread has started to.
  void Prepare(std::string_view prefix) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (state != State::kPending) return;
      state = State::kParsing;
    }
    // Only the thread that moved the state to kParsing touches `doc` and `error` until kDone.
    try {
      doc.emplace(prefix);
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mutex);
      state = State::kDone;
    }
    finished.notify_all();
  }

  // The parsed revision (parsed here if nobody has started), or what parsing threw; once.
  // Null if it was taken already: the caller parses its own copy.
  pdf::ParsedDocument* Take(std::string_view prefix) {
    Prepare(prefix);
    std::unique_lock<std::mutex> lock(mutex);
    finished.wait(lock, [this] { return state == State::kDone; });
    if (taken) return nullptr;
    taken = true;
    if (error) std::rethrow_exception(error);
    return &*doc;
  }
};

// What one signature check needs from the document as a whole.
struct DocumentContext {
  const pdf::RevisionScan& scan;
  pdf::ParsedDocument& doc;
  std::vector<X509_CRL*> dss_crls;  // owned by `owned_crls`
  std::vector<X509CrlPtr> owned_crls;
  // The successful OCSP responses of the document's /DSS /OCSPs (signatures not checked yet).
  std::vector<OcspBasicPtr> dss_ocsps;
  // Verified document timestamps: each proves that the revisions before its own existed then.
  struct DocumentPoe {
    int revision = 0;  // 1-based revision the document timestamp signs
    time_t time = 0;   // its genTime
    std::string field;
  };
  std::vector<DocumentPoe> document_poes;
  // The whole document for the difference analyses, made by the first one that needs it.
  std::unique_ptr<pdf::DocumentIndex> index;
  // Every ByteRange starts at byte 0 and a later signature's first range covers the earlier
  // revisions: the digest state after [0, end) is kept for each `end` that is some signature's
  // br[1] (in `prefix_ends`, ascending), per digest algorithm, so that the bytes before the
  // /Contents gaps are hashed once for all the signatures. Exact: a state copy, nothing cached
  // beyond this document.
  std::vector<std::size_t> prefix_ends;
  struct Prefix {
    int nid = 0;
    std::size_t end = 0;
    ossl::EvpMdCtxPtr state;
  };
  std::vector<Prefix> prefixes;
  // SHA-256 of the leading bytes running on a helper thread (null if none), used instead of
  // `prefixes` for that digest.
  DigestAhead* ahead = nullptr;
  // The signed revisions that later revisions follow, by 0-based revision index.
  std::map<std::size_t, std::shared_ptr<RevisionDocument>> revision_documents;
};

// At most this many digest states are kept per document (a file may have any number of fields).
constexpr std::size_t kMaxPrefixStates = 64;

// `out` initialised for `md` and fed with pdf[0, end): from the longest kept state not past
// `end`, keeping a state at each signature's br[1] passed on the way.
void DigestPrefix(std::string_view pdf, DocumentContext& context, const EVP_MD* md, std::size_t end,
                  EVP_MD_CTX* out) {
  const int nid = EVP_MD_get_type(md);
  if (context.ahead != nullptr && context.ahead->nid() == nid) {
    ossl::Check(context.ahead->StateAt(end, out), SigningErrorCode::kCrypto,
                "digest of the signed bytes");
    return;
  }
  const DocumentContext::Prefix* best = nullptr;
  for (const DocumentContext::Prefix& prefix : context.prefixes) {
    if (prefix.nid == nid && prefix.end <= end && (best == nullptr || prefix.end > best->end)) {
      best = &prefix;
    }
  }
  std::size_t at = 0;
  if (best != nullptr) {
    ossl::Check(EVP_MD_CTX_copy_ex(out, best->state.get()) == 1, SigningErrorCode::kCrypto,
                "EVP_MD_CTX_copy_ex");
    at = best->end;
  } else {
    ossl::Check(EVP_DigestInit_ex(out, md, nullptr) == 1, SigningErrorCode::kCrypto,
                "EVP_DigestInit_ex");
  }
  for (const std::size_t stop : context.prefix_ends) {
    if (stop <= at || stop > end) continue;
    ossl::Check(EVP_DigestUpdate(out, pdf.data() + at, stop - at) == 1, SigningErrorCode::kCrypto,
                "EVP_DigestUpdate");
    at = stop;
    if (context.prefixes.size() >= kMaxPrefixStates) continue;
    ossl::EvpMdCtxPtr state(EVP_MD_CTX_new());
    ossl::Check(state != nullptr && EVP_MD_CTX_copy_ex(state.get(), out) == 1,
                SigningErrorCode::kCrypto, "EVP_MD_CTX_copy_ex");
    context.prefixes.push_back({nid, stop, std::move(state)});
  }
  if (at < end) {
    ossl::Check(EVP_DigestUpdate(out, pdf.data() + at, end - at) == 1, SigningErrorCode::kCrypto,
                "EVP_DigestUpdate");
  }
}

// A document timestamp (PAdES B-LTA) rather than a signature.
bool IsDocumentTimestamp(PoDoFo::PdfVecObjects& objects, PdfObject* value) {
  PdfObject* type = pdf::Get(objects, value, "Type");
  PdfObject* sub = pdf::Get(objects, value, "SubFilter");
  return (type != nullptr && type->IsName() && type->GetName() == "DocTimeStamp") ||
         (sub != nullptr && sub->IsName() && sub->GetName() == "ETSI.RFC3161");
}

Verdict Worst(Verdict a, Verdict b) {
  auto rank = [](Verdict v) {
    return v == Verdict::kInvalid ? 2 : v == Verdict::kIndeterminate ? 1 : 0;
  };
  return rank(a) >= rank(b) ? a : b;
}

// Decodes an even number of hex digits; false on any other character.
bool DecodeHex(std::string_view hex, std::string& out) {
  static const auto kValue = [] {
    std::array<signed char, 256> table{};
    table.fill(-1);
    for (int c = '0'; c <= '9'; ++c)
      table[static_cast<std::size_t>(c)] = static_cast<signed char>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) {
      table[static_cast<std::size_t>(c)] = static_cast<signed char>(c - 'a' + 10);
      table[static_cast<std::size_t>(c - 'a' + 'A')] = static_cast<signed char>(c - 'a' + 10);
    }
    return table;
  }();
  if (hex.size() % 2 != 0) return false;
  out.resize(hex.size() / 2);
  for (std::size_t k = 0; k < out.size(); ++k) {
    const int high = kValue[static_cast<unsigned char>(hex[2 * k])];
    const int low = kValue[static_cast<unsigned char>(hex[2 * k + 1])];
    if ((high | low) < 0) return false;
    out[k] = static_cast<char>(high * 16 + low);
  }
  return true;
}

// Parses a PDF date ("D:YYYYMMDDHHmmSSOHH'mm'", everything after the year optional) to UTC.
bool ParsePdfDate(const std::string& text, time_t& out) {
  std::size_t i = text.rfind("D:", 0) == 0 ? 2 : 0;
  auto digits = [&](int count, int& value, int fallback) {
    value = fallback;
    if (i + static_cast<std::size_t>(count) > text.size()) return false;
    int v = 0;
    for (int k = 0; k < count; ++k) {
      const char c = text[i + static_cast<std::size_t>(k)];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    value = v;
    i += static_cast<std::size_t>(count);
    return true;
  };
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  if (!digits(4, year, 0)) return false;
  if (digits(2, month, 1) && digits(2, day, 1) && digits(2, hour, 0) && digits(2, minute, 0)) {
    digits(2, second, 0);
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return false;
  }
  long offset = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    const long sign = text[i] == '+' ? 1 : -1;
    ++i;
    int oh = 0, om = 0;
    if (!digits(2, oh, 0)) return false;
    if (i < text.size() && text[i] == '\'') ++i;
    digits(2, om, 0);
    offset = sign * (oh * 3600L + om * 60L);
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  out = timegm(&tm) - offset;
  return true;
}

std::string IsoUtc(time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

// Length of the DER element at the start of `data` (0 if it is not a complete definite-length
// SEQUENCE). Used to cut the zero padding after the CMS in /Contents.
std::size_t DerSequenceLength(const std::string& data) {
  if (data.size() < 2 || static_cast<unsigned char>(data[0]) != 0x30) return 0;
  const auto first = static_cast<unsigned char>(data[1]);
  std::size_t header = 2, length = first;
  if (first & 0x80) {
    const std::size_t n = first & 0x7f;
    if (n == 0 || n > 4 || data.size() < 2 + n) return 0;
    length = 0;
    for (std::size_t k = 0; k < n; ++k)
      length = (length << 8) | static_cast<unsigned char>(data[2 + k]);
    header += n;
  }
  if (length > data.size() - header) return 0;
  return header + length;
}

// --- A minimal DER reader, to take the certificates out of a CMS before OpenSSL parses it.

// One definite-length TLV with a low tag number at `at`; false if there is none.
struct Tlv {
  unsigned char tag = 0;
  std::size_t header = 0;
  std::size_t length = 0;
  std::size_t end(std::size_t at) const { return at + header + length; }
};
bool ReadTlv(std::string_view der, std::size_t at, std::size_t limit, Tlv& tlv) {
  if (limit > der.size() || at + 2 > limit) return false;
  tlv.tag = static_cast<unsigned char>(der[at]);
  if ((tlv.tag & 0x1f) == 0x1f) return false;  // high tag number form
  const auto first = static_cast<unsigned char>(der[at + 1]);
  tlv.header = 2;
  tlv.length = first;
  if (first & 0x80) {
    const std::size_t n = first & 0x7f;
    if (n == 0 || n > 4 || at + 2 + n > limit) return false;  // indefinite (BER) or absurd
    tlv.length = 0;
    for (std::size_t k = 0; k < n; ++k)
      tlv.length = (tlv.length << 8) | static_cast<unsigned char>(der[at + 2 + k]);
    // DER: the shortest length form.
    if (tlv.length < 0x80 || (n > 1 && (tlv.length >> (8 * (n - 1))) == 0)) return false;
    tlv.header += n;
  }
  return tlv.length <= limit - at - tlv.header;
}

void AppendTlvHeader(std::string& out, unsigned char tag, std::size_t length) {
  out += static_cast<char>(tag);
  if (length < 0x80) {
    out += static_cast<char>(length);
    return;
  }
  char bytes[sizeof(std::size_t)];
  int n = 0;
  for (std::size_t v = length; v != 0; v >>= 8) bytes[n++] = static_cast<char>(v & 0xff);
  out += static_cast<char>(0x80 | n);
  while (n > 0) out += bytes[--n];
}

// Splits a DER ContentInfo holding SignedData into the same ContentInfo without the
// `certificates` field and the DER of each certificate in that field. False (leave it to
// OpenSSL) for anything else: BER, other certificate choices, no certificates.
//   ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT SignedData }
//   SignedData ::= SEQUENCE { version, digestAlgorithms, encapContentInfo,
//                             certificates [0] IMPLICIT CertificateSet OPTIONAL,
//                             crls [1] IMPLICIT RevocationInfoChoices OPTIONAL, signerInfos }
// The outputs are only written on success.
bool SplitCertificates(std::string_view der, std::string& stripped,
                       std::vector<std::string_view>& cert_ders) {
  std::vector<std::string_view> certs;
  Tlv info, type, wrapper, signed_data;
  if (!ReadTlv(der, 0, der.size(), info) || info.tag != 0x30 || info.end(0) != der.size()) {
    return false;
  }
  const std::size_t type_at = info.header;
  if (!ReadTlv(der, type_at, der.size(), type) || type.tag != 0x06) return false;
  const std::size_t wrapper_at = type.end(type_at);
  if (!ReadTlv(der, wrapper_at, der.size(), wrapper) || wrapper.tag != 0xa0 ||
      wrapper.end(wrapper_at) != der.size()) {
    return false;
  }
  const std::size_t sd_at = wrapper_at + wrapper.header;
  if (!ReadTlv(der, sd_at, der.size(), signed_data) || signed_data.tag != 0x30 ||
      signed_data.end(sd_at) != der.size()) {
    return false;
  }
  std::string body;
  body.reserve(signed_data.length);
  bool found = false;
  for (std::size_t at = sd_at + signed_data.header; at < der.size();) {
    Tlv field;
    if (!ReadTlv(der, at, der.size(), field)) return false;
    if (field.tag == 0xa0) {
      if (found) return false;
      found = true;
      for (std::size_t c = at + field.header; c < field.end(at);) {
        Tlv cert;
        if (!ReadTlv(der, c, field.end(at), cert) || cert.tag != 0x30) return false;
        certs.push_back(der.substr(c, cert.header + cert.length));
        c = cert.end(c);
      }
    } else {
      body.append(der.substr(at, field.header + field.length));
    }
    at = field.end(at);
  }
  if (!found) return false;
  std::string sd;
  AppendTlvHeader(sd, 0x30, body.size());
  sd += body;
  std::string content;
  content.append(der.substr(type_at, type.header + type.length));
  AppendTlvHeader(content, 0xa0, sd.size());
  content += sd;
  stripped.clear();
  AppendTlvHeader(stripped, 0x30, content.size());
  stripped += content;
  cert_ders = std::move(certs);
  return true;
}

// Parsed certificates by their DER. OpenSSL 3.0 decodes a certificate's public key through its
// provider decoder machinery, which costs more than the rest of a verification together; signers
// send the same few certificates over and over. Entries are immutable X509 objects shared by
// reference count (as the trust store's are). Bounded: emptied when full.
class CertificateCache {
 public:
  // What the report shows of a signer certificate's subject (see SignatureReport).
  struct Names {
    std::string subject, common_name, organization, serial_number;
    static Names Of(X509* cert) {
      const X509_NAME* name = X509_get_subject_name(cert);
      return {ossl::NameToString(name), ossl::NameEntry(name, NID_commonName),
              ossl::NameEntry(name, NID_organizationName), ossl::NameEntry(name, NID_serialNumber)};
    }
  };

  // A new reference to the certificate with this DER, nullptr if it does not parse as exactly
  // one certificate.
  ossl::X509Ptr Get(std::string_view der) const {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = certs_.find(der);
      if (it != certs_.end()) return UpRef(it->second.cert.get());
    }
    const auto* begin = reinterpret_cast<const unsigned char*>(der.data());
    const unsigned char* cursor = begin;
    ossl::X509Ptr cert(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
    if (!cert || cursor != begin + der.size()) return nullptr;
    // Fill the cached extension data now, while only this thread holds the certificate.
    X509_check_purpose(cert.get(), -1, 0);
    Entry entry{std::move(cert), Names{}, {}};
    entry.names = Names::Of(entry.cert.get());
    std::lock_guard<std::mutex> lock(mutex_);
    if (certs_.size() >= kMaxEntries) {
      certs_.clear();
      by_pointer_.clear();
    }
    auto [it, inserted] = certs_.emplace(std::string(der), std::move(entry));
    if (inserted) by_pointer_[it->second.cert.get()] = &it->second;
    return UpRef(it->second.cert.get());
  }

  // The subject names of `cert`: worked out once for a certificate from this cache (the entry
  // holds a reference, so the pointer cannot name another certificate while it is there).
  Names NamesOf(X509* cert) const {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = by_pointer_.find(cert);
      if (it != by_pointer_.end()) return it->second->names;
    }
    return Names::Of(cert);
  }

  // `check()`, the ESS signing-certificate(-v2) check of `cert` against the attribute with DER
  // `attribute`: a function of those two only, so for a certificate from this cache it is worked
  // out once per attribute.
  template <typename Check>
  bool EssMatches(X509* cert, std::string_view attribute, Check check) const {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = by_pointer_.find(cert);
      if (it != by_pointer_.end()) {
        auto known = it->second->ess.find(attribute);
        if (known != it->second->ess.end()) return known->second;
      }
    }
    const bool ok = check();
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = by_pointer_.find(cert);
    if (it != by_pointer_.end()) {
      if (it->second->ess.size() >= kMaxEssPerCertificate) it->second->ess.clear();
      it->second->ess.emplace(std::string(attribute), ok);
    }
    return ok;
  }

 private:
  static constexpr std::size_t kMaxEntries = 256;
  static constexpr std::size_t kMaxEssPerCertificate = 16;
  struct Entry {
    ossl::X509Ptr cert;
    Names names;
    mutable std::map<std::string, bool, std::less<>> ess;  // guarded by mutex_
  };
  static ossl::X509Ptr UpRef(X509* cert) {
    return X509_up_ref(cert) == 1 ? ossl::X509Ptr(cert) : nullptr;
  }
  mutable std::mutex mutex_;
  mutable std::map<std::string, Entry, std::less<>> certs_;
  mutable std::map<const X509*, const Entry*> by_pointer_;
};

// Validated certificate chains by (signer, untrusted certificates), as SHA-1 fingerprints (which
// OpenSSL keeps in every parsed X509). With the verifier's trust store fixed and no CRL or policy
// flags, X509_verify_cert's outcome for one set of certificates depends on the time only through
// their validity periods: a chain that verified at some time verifies at any time inside the
// intersection of its certificates' periods [latest notBefore, earliest notAfter]. Only such
// successes are cached, with that interval; failures are always recomputed. Revocation is checked
// afterwards on every call. Bounded: emptied when full.
class ChainCache {
 public:
  static std::string Key(X509* signer, STACK_OF(X509) * untrusted) {
    std::string key;
    auto add = [&key](X509* cert) {
      unsigned char md[EVP_MAX_MD_SIZE];
      unsigned int length = 0;
      if (X509_digest(cert, EVP_sha1(), md, &length) != 1) return false;
      key.append(reinterpret_cast<const char*>(md), length);
      return true;
    };
    if (!add(signer)) return "";
    for (int i = 0; i < sk_X509_num(untrusted); ++i) {
      if (!add(sk_X509_value(untrusted, i))) return "";
    }
    return key;
  }

  // A new reference-counted copy of the cached chain if it holds at `at`, else nullptr.
  ossl::X509StackPtr Find(const std::string& key, time_t at) const {
    if (key.empty()) return nullptr;
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = chains_.find(key);
    if (it == chains_.end() || at < it->second.not_before || at > it->second.not_after) {
      return nullptr;
    }
    return ossl::X509StackPtr(X509_chain_up_ref(it->second.chain.get()));
  }

  void Put(const std::string& key, STACK_OF(X509) * chain) const {
    if (key.empty() || chain == nullptr) return;
    Entry entry;
    entry.not_before = std::numeric_limits<time_t>::min();
    entry.not_after = std::numeric_limits<time_t>::max();
    for (int i = 0; i < sk_X509_num(chain); ++i) {
      X509* cert = sk_X509_value(chain, i);
      std::tm before{}, after{};
      if (ASN1_TIME_to_tm(X509_get0_notBefore(cert), &before) != 1 ||
          ASN1_TIME_to_tm(X509_get0_notAfter(cert), &after) != 1) {
        ERR_clear_error();
        return;
      }
      entry.not_before = std::max(entry.not_before, timegm(&before));
      entry.not_after = std::min(entry.not_after, timegm(&after));
    }
    entry.chain.reset(X509_chain_up_ref(chain));
    if (!entry.chain) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (chains_.size() >= kMaxEntries) chains_.clear();
    chains_[key] = std::move(entry);
  }

 private:
  static constexpr std::size_t kMaxEntries = 256;
  struct Entry {
    time_t not_before = 0;
    time_t not_after = 0;
    ossl::X509StackPtr chain;
  };
  mutable std::mutex mutex_;
  mutable std::map<std::string, Entry, std::less<>> chains_;
};

// The ETSI sub-indication of an X509_verify_cert error.
const char* ChainErrorSubIndication(int error) {
  switch (error) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "OUT_OF_BOUNDS_NO_POE";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "NOT_YET_VALID";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return "NO_CERTIFICATE_CHAIN_FOUND";
    default:
      return "CHAIN_CONSTRAINTS_FAILURE";
  }
}

const char* ChainErrorFinding(int error) {
  switch (error) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "证书链中的证书在验证时间已过期 / a certificate in the chain has expired at the "
             "validation time (OUT_OF_BOUNDS_NO_POE)";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "证书链中的证书在验证时间尚未生效 / a certificate in the chain is not yet valid at "
             "the validation time (NOT_YET_VALID)";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return "证书链未到达受信任的根证书 / the certificate chain does not reach a trust anchor "
             "(NO_CERTIFICATE_CHAIN_FOUND)";
    default:
      return nullptr;
  }
}

class PdfVerifier final : public Verifier {
 public:
  PdfVerifier(ossl::X509StorePtr store, bool has_anchors, std::vector<X509CrlPtr> crls,
              const VerifierOptions& options)
      : store_(std::move(store)),
        has_anchors_(has_anchors),
        crls_(std::move(crls)),
        ocsp_url_(options.ocsp_url),
        ocsp_use_aia_(options.ocsp_use_aia),
        ocsp_transport_(options.ocsp_transport ? options.ocsp_transport : HttpOcspTransport()),
        clock_(options.clock),
        digest_ahead_(options.digest_ahead),
        sha256_(EVP_MD_fetch(nullptr, "SHA256", nullptr)) {}

  VerificationReport Verify(std::string_view pdf) const override {
    try {
      return DoVerify(pdf);
    } catch (...) {
      // The contract is a report whatever the bytes: anything unexpected is a failed check.
      ERR_clear_error();
      VerificationReport report;
      report.verdict = Verdict::kInvalid;
      report.findings.push_back("验证过程中出错 / verification failed with an internal error");
      return report;
    }
  }

 private:
  VerificationReport DoVerify(std::string_view pdf) const {
    pdf::QuietPodofo();
    ERR_clear_error();
    VerificationReport report;
    // PoDoFo is lenient about what precedes the header; uploads must start with one.
    const std::string_view head = pdf.substr(0, std::min<std::size_t>(pdf.size(), 1024));
    if (head.find("%PDF-") == std::string_view::npos ||
        pdf.size() > static_cast<std::size_t>(std::numeric_limits<long>::max())) {
      report.verdict = Verdict::kInvalid;
      report.findings.push_back(kNotPdf);
      return report;
    }
    // The signed bytes of a signature made with SHA-256 (ours, and PAdES's usual) start at 0
    // and run to its /Contents: hashed on a helper thread meanwhile, if one is idle.
    std::optional<DigestAhead> ahead;
    if (sha256_ != nullptr) ahead.emplace(sha256_.get(), pdf, digest_ahead_);
    std::optional<pdf::ParsedDocument> parsed;
    struct Found {
      std::string name;
      PdfObject* value;
    };
    std::vector<Found> found;
    try {
      // Parsed in place: `pdf` outlives `parsed`.
      parsed.emplace(pdf);
      report.is_pdf = true;
      PoDoFo::PdfVecObjects& objects = parsed->GetObjects();
      pdf::ForEachField(*parsed, [&](const std::string& name, PdfObject* field) {
        PdfObject* value = pdf::Get(objects, field, "V");
        PdfObject* type = pdf::Get(objects, field, "FT");
        if (value == nullptr || !value->IsDictionary()) return;
        const bool is_sig_field = type != nullptr && type->IsName() && type->GetName() == "Sig";
        const bool looks_signed =
            value->GetDictionary().HasKey("ByteRange") || value->GetDictionary().HasKey("Contents");
        if (is_sig_field || looks_signed) found.push_back({name, value});
      });
    } catch (const PoDoFo::PdfError& e) {
      report.verdict = Verdict::kInvalid;
      report.findings.push_back(
          report.is_pdf ? "PDF 结构损坏 / damaged PDF structure (" + pdf::Describe(e) + ")"
                        : std::string(kNotPdf) + " (" + pdf::Describe(e) + ")");
      return report;
    }
    pdf::ParsedDocument& doc = *parsed;
    const pdf::RevisionScan scan = pdf::FindRevisions(pdf);
    report.revisions = static_cast<int>(scan.revisions.size());
    if (found.empty() && pdf.find("/ByteRange") != std::string_view::npos) {
      // Signature bytes are there but no signature field leads to them: a damaged or tampered
      // file must not pass as merely "unsigned".
      report.verdict = Verdict::kInvalid;
      report.findings.push_back(
          "文件含签名数据但无法读取签名 / signature data present but no readable signature "
          "(damaged or tampered file)");
      return report;
    }
    if (found.empty()) {
      report.verdict = Verdict::kIndeterminate;
      report.findings.push_back(kNoSignature);
      return report;
    }
    if (scan.too_many) {
      report.verdict = Verdict::kInvalid;
      report.findings.push_back("修订版过多 / too many revisions (more than " +
                                std::to_string(pdf::kMaxRevisions) + ")");
      return report;
    }
    DocumentContext context{scan, doc, {}, {}, {}, {}, {}, {}, {}, nullptr, {}};
    if (ahead && ahead->ahead()) context.ahead = &*ahead;
    // Planned from each ByteRange that is four numbers (each is checked later): where the shared
    // digest prefixes end, and which signed revisions the difference analysis will need on their
    // own (the helper parses them once it has hashed the document).
    const auto size = static_cast<std::int64_t>(pdf.size());
    for (const Found& f : found) {
      PdfObject* range = pdf::Get(doc.GetObjects(), f.value, "ByteRange");
      if (range == nullptr || !range->IsArray() || range->GetArray().size() != 4) continue;
      std::int64_t br[4];
      bool numbers = true;
      for (std::size_t k = 0; k < 4 && numbers; ++k) {
        numbers = range->GetArray()[k].IsNumber();
        if (numbers) br[k] = range->GetArray()[k].GetNumber();
      }
      if (!numbers) continue;
      if (br[0] == 0 && br[1] > 0 && br[1] <= size) {
        context.prefix_ends.push_back(static_cast<std::size_t>(br[1]));
      }
      if (br[2] < 0 || br[3] < 0 || br[2] > size - br[3]) continue;
      const int revision = pdf::RevisionEndingAt(scan, static_cast<std::size_t>(br[2] + br[3]));
      if (revision < 0 || static_cast<std::size_t>(revision) + 1 >= scan.revisions.size()) {
        continue;
      }
      std::shared_ptr<RevisionDocument>& entry =
          context.revision_documents[static_cast<std::size_t>(revision)];
      if (entry != nullptr) continue;
      entry = std::make_shared<RevisionDocument>();
      if (context.ahead != nullptr) {
        const std::string_view prefix =
            pdf.substr(0, scan.revisions[static_cast<std::size_t>(revision)].end);
        context.ahead->ThenRun([entry, prefix] { entry->Prepare(prefix); });
      }
    }
    std::sort(context.prefix_ends.begin(), context.prefix_ends.end());
    context.prefix_ends.erase(std::unique(context.prefix_ends.begin(), context.prefix_ends.end()),
                              context.prefix_ends.end());
    LoadDssCrls(doc, context);
    LoadDssOcsps(doc, context);
    report.verdict = Verdict::kValid;
    // Document timestamps first: a verified one is a proof of existence for the signatures in
    // the revisions before it. The report keeps the fields' order.
    report.signatures.resize(found.size());
    for (const bool timestamps : {true, false}) {
      for (std::size_t i = 0; i < found.size(); ++i) {
        if (IsDocumentTimestamp(doc.GetObjects(), found[i].value) != timestamps) continue;
        SignatureReport& sig = report.signatures[i];
        sig.field_name = found[i].name;
        try {
          VerifyOne(pdf, context, found[i].value, sig);
        } catch (const PoDoFo::PdfError& e) {
          sig.verdict = Verdict::kInvalid;
          sig.sub_indication = "FORMAT_FAILURE";
          sig.findings.push_back("签名字典损坏 / damaged signature dictionary (" +
                                 pdf::Describe(e) + ")");
        } catch (const SigningError& e) {
          sig.verdict = Verdict::kIndeterminate;
          sig.sub_indication = "SIG_CONSTRAINTS_FAILURE";
          sig.findings.push_back(std::string("验证出错 / verification error: ") + e.what());
        }
        ERR_clear_error();
      }
    }
    CheckOverlaps(report.signatures);
    for (SignatureReport& sig : report.signatures) {
      SetIndication(sig);
      report.verdict = Worst(report.verdict, sig.verdict);
    }
    return report;
  }

  static void SetIndication(SignatureReport& sig) {
    switch (sig.verdict) {
      case Verdict::kValid:
        sig.indication = Indication::kTotalPassed;
        sig.sub_indication.clear();
        break;
      case Verdict::kInvalid:
        sig.indication = Indication::kTotalFailed;
        if (sig.sub_indication.empty()) sig.sub_indication = "FORMAT_FAILURE";
        break;
      case Verdict::kIndeterminate:
        sig.indication = Indication::kIndeterminate;
        if (sig.sub_indication.empty()) sig.sub_indication = "SIG_CONSTRAINTS_FAILURE";
        break;
    }
  }

  // Two signatures must not sign the same revision nor have overlapping /Contents gaps: each
  // signature is its own incremental update.
  static void CheckOverlaps(std::vector<SignatureReport>& signatures) {
    auto fail = [](SignatureReport& sig, const std::string& other) {
      if (sig.verdict != Verdict::kInvalid) sig.sub_indication = "FORMAT_FAILURE";
      sig.verdict = Verdict::kInvalid;
      sig.findings.push_back("与签名 " + other +
                             " 的签名范围重叠 / its ByteRange overlaps signature " + other +
                             " (same revision or overlapping /Contents)");
    };
    for (std::size_t i = 0; i < signatures.size(); ++i) {
      for (std::size_t j = i + 1; j < signatures.size(); ++j) {
        SignatureReport& a = signatures[i];
        SignatureReport& b = signatures[j];
        if (a.byte_range.size() != 4 || b.byte_range.size() != 4) continue;
        const bool same_revision = a.revision != 0 && a.revision == b.revision;
        const bool gaps_overlap =
            a.byte_range[1] < b.byte_range[2] && b.byte_range[1] < a.byte_range[2];
        if (same_revision || gaps_overlap) {
          fail(a, b.field_name);
          fail(b, a.field_name);
        }
      }
    }
  }

  // Calls `use` with the decoded bytes of each stream of the DSS array `key` (/CRLs, /OCSPs), at
  // most 256; streams that cannot be decoded are skipped (an attacker's DSS cannot make us fail).
  template <typename Use>
  static void ForEachDssStream(pdf::ParsedDocument& doc, const char* key, Use use) {
    PoDoFo::PdfVecObjects& objects = doc.GetObjects();
    PdfObject* list = pdf::Get(objects, pdf::Get(objects, doc.GetCatalog(), "DSS"), key);
    if (list == nullptr || !list->IsArray()) return;
    std::size_t count = 0;
    for (PdfObject& item : list->GetArray()) {
      if (++count > 256) break;
      PdfObject* stream = pdf::Resolve(objects, &item);
      if (stream == nullptr || !stream->HasStream()) continue;
      try {
        char* buffer = nullptr;
        PoDoFo::pdf_long length = 0;
        stream->GetStream()->GetFilteredCopy(&buffer, &length);
        std::unique_ptr<char, PodofoFree> owner(buffer);
        use(reinterpret_cast<const unsigned char*>(buffer), static_cast<long>(length));
      } catch (const PoDoFo::PdfError&) {
      }
      ERR_clear_error();
    }
  }

  // The OCSP responses of the document's DSS (DER OCSPResponse): only successful ones with a
  // basic response are kept.
  static void LoadDssOcsps(pdf::ParsedDocument& doc, DocumentContext& context) {
    ForEachDssStream(doc, "OCSPs", [&](const unsigned char* cursor, long length) {
      OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &cursor, length));
      if (response && OCSP_response_status(response.get()) == OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        OcspBasicPtr basic(OCSP_response_get1_basic(response.get()));
        if (basic) context.dss_ocsps.push_back(std::move(basic));
      }
    });
  }

  // Whether `basic` (an answer about a certificate `issuer` issued) is signed by `issuer` itself
  // or by a responder `issuer` delegated with id-kp-OCSPSigning (RFC 6960 §4.2.2.2): a
  // certificate `issuer` signed (its signature checked, not only its issuer name) whose chain
  // runs through `issuer` to the trust anchors at `at`, the validation time. OCSP_basic_verify
  // with the verifier's store would check that chain at the system's current time, which an
  // injected clock does not reach. The answer's own thisUpdate is not used: the responder
  // signs it, so a responder whose certificate has expired could backdate it. `issuer` comes
  // from the signer's verified chain.
  bool OcspAnswerVerifies(OCSP_BASICRESP* basic, X509* issuer, STACK_OF(X509) * chain,
                          time_t at) const {
    // The signature alone, by the signer found among the answer's certificates and `chain`.
    if (OCSP_basic_verify(basic, chain, store_.get(), OCSP_NOVERIFY) != 1) return false;
    X509* signer = nullptr;
    if (OCSP_resp_get0_signer(basic, &signer, chain) != 1 || signer == nullptr) return false;
    if (X509_cmp(signer, issuer) == 0) return true;
    EVP_PKEY* issuer_key = X509_get0_pubkey(issuer);
    if (issuer_key == nullptr || X509_check_issued(issuer, signer) != X509_V_OK ||
        X509_verify(signer, issuer_key) != 1 ||
        (X509_get_extension_flags(signer) & EXFLAG_XKUSAGE) == 0 ||
        (X509_get_extended_key_usage(signer) & XKU_OCSP_SIGN) == 0) {
      return false;
    }
    ossl::X509StackPtr untrusted(sk_X509_new_null());
    if (!untrusted || X509_add_certs(untrusted.get(), chain, X509_ADD_FLAG_UP_REF) != 1 ||
        X509_add_certs(untrusted.get(), const_cast<STACK_OF(X509)*>(OCSP_resp_get0_certs(basic)),
                       X509_ADD_FLAG_UP_REF) != 1) {
      return false;
    }
    ossl::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!ctx || X509_STORE_CTX_init(ctx.get(), store_.get(), signer, untrusted.get()) != 1) {
      return false;
    }
    X509_STORE_CTX_set_time(ctx.get(), 0, at);
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_OCSP_HELPER);
    if (X509_verify_cert(ctx.get()) != 1) return false;
    // The chain built must run through `issuer` itself, not another certificate of its name.
    STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get());
    return sk_X509_num(built) > 1 && X509_cmp(sk_X509_value(built, 1), issuer) == 0;
  }

  // What the DSS's OCSP responses say about `cert`: a response counts only if it verifies (see
  // OcspAnswerVerifies) and its thisUpdate is not after now. Sets `checked` for any such answer and
  // `revoked_at` (owned by the response) for a revoked one.
  void CheckOcsp(X509* cert, X509* issuer, STACK_OF(X509) * chain, const DocumentContext& context,
                 time_t now, bool& checked, const ASN1_GENERALIZEDTIME*& revoked_at) const {
    for (const EVP_MD* md : {EVP_sha1(), EVP_sha256()}) {
      OcspCertIdPtr id(OCSP_cert_to_id(md, cert, issuer));
      if (!id) continue;
      for (const OcspBasicPtr& basic : context.dss_ocsps) {
        int status = -1, reason = -1;
        ASN1_GENERALIZEDTIME *revoked = nullptr, *this_update = nullptr, *next_update = nullptr;
        if (OCSP_resp_find_status(basic.get(), id.get(), &status, &reason, &revoked, &this_update,
                                  &next_update) != 1 ||
            this_update == nullptr || X509_cmp_time(this_update, &now) > 0 ||
            !OcspAnswerVerifies(basic.get(), issuer, chain, now)) {
          ERR_clear_error();
          continue;
        }
        if (status == V_OCSP_CERTSTATUS_GOOD) checked = true;
        if (status == V_OCSP_CERTSTATUS_REVOKED && revoked != nullptr) {
          checked = true;
          revoked_at = revoked;
          return;
        }
      }
    }
    ERR_clear_error();
  }

  // Asks the configured responder about `cert` (see VerifierOptions::ocsp_url). Sets `checked`
  // for a good or revoked answer that verifies (then `revoked_at` points into `answer`), and
  // adds a finding for a responder that fails, refuses or does not know the certificate.
  void CheckOcspOnline(X509* cert, X509* issuer, STACK_OF(X509) * chain, const std::string& url,
                       time_t now, int position, SignatureReport& sig, ocsp::BasicPtr& answer,
                       bool& checked, const ASN1_TIME*& revoked_at) const {
    const std::string who =
        position == 0 ? "签名者证书 / signer certificate" : "CA 证书 / CA certificate";
    std::string why;
    try {
      std::string der;
      answer = ocsp::Query(cert, issuer, url, ocsp_transport_, der);
      OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha1(), cert, issuer));
      int status = -1, reason = -1;
      ASN1_GENERALIZEDTIME *revoked = nullptr, *this_update = nullptr, *next_update = nullptr;
      time_t earliest = now + 300;  // thisUpdate may be up to 5 minutes ahead
      if (!id || OCSP_resp_find_status(answer.get(), id.get(), &status, &reason, &revoked,
                                       &this_update, &next_update) != 1) {
        why = "应答未涉及该证书 / the answer does not cover the certificate";
      } else if (!OcspAnswerVerifies(answer.get(), issuer, chain, now)) {
        why = "应答签名无效 / the answer's signature does not verify";
      } else if (this_update == nullptr || X509_cmp_time(this_update, &earliest) > 0 ||
                 (next_update != nullptr && X509_cmp_time(next_update, &now) < 0)) {
        why = "应答不在有效期内 / the answer is outside its thisUpdate..nextUpdate";
      } else if (status == V_OCSP_CERTSTATUS_GOOD) {
        checked = true;
      } else if (status == V_OCSP_CERTSTATUS_REVOKED && revoked != nullptr) {
        checked = true;
        revoked_at = revoked;
      } else {
        why = "应答方不认识该证书 / the responder does not know the certificate (unknown)";
      }
    } catch (const std::exception& e) {
      why = std::string("应答方不可用 / the responder is unavailable: ") + e.what();
    }
    ERR_clear_error();
    if (!checked) {
      sig.findings.push_back("OCSP " + url + "（" + who + "）未能确认吊销状态 / gave no usable " +
                             "revocation status: " + why);
    }
  }

  // The CRLs of the document's DSS (DER CRLs); only a CRL that verifies counts, later.
  static void LoadDssCrls(pdf::ParsedDocument& doc, DocumentContext& context) {
    ForEachDssStream(doc, "CRLs", [&](const unsigned char* cursor, long length) {
      X509CrlPtr crl(d2i_X509_CRL(nullptr, &cursor, length));
      if (crl) {
        context.dss_crls.push_back(crl.get());
        context.owned_crls.push_back(std::move(crl));
      }
    });
  }

  // Fills `sig`; its verdict is decided here.
  void VerifyOne(std::string_view pdf, DocumentContext& context, PdfObject* value,
                 SignatureReport& sig) const {
    PoDoFo::PdfVecObjects& objects = context.doc.GetObjects();
    // The first reason decides the sub-indication; a failure outranks an indeterminate one.
    auto invalid = [&](std::string finding, const char* sub = "FORMAT_FAILURE") {
      if (sig.verdict != Verdict::kInvalid) sig.sub_indication = sub;
      sig.verdict = Verdict::kInvalid;
      sig.findings.push_back(std::move(finding));
    };
    bool indeterminate = false;
    auto doubtful = [&](std::string finding, const char* sub) {
      if (!indeterminate && sig.verdict != Verdict::kInvalid) sig.sub_indication = sub;
      indeterminate = true;
      sig.findings.push_back(std::move(finding));
    };

    if (PdfObject* sub = pdf::Get(objects, value, "SubFilter"); sub != nullptr && sub->IsName()) {
      sig.sub_filter = sub->GetName().GetName();
    }
    sig.is_document_timestamp = IsDocumentTimestamp(objects, value);
    // Certificates are checked at the proof of existence, else now: /M is the signer's claim.
    const auto now_point = clock_();
    const time_t now = std::chrono::system_clock::to_time_t(now_point);
    time_t claimed_time = 0;
    bool has_claimed_time = false;
    if (PdfObject* m = pdf::Get(objects, value, "M"); m != nullptr && m->IsString()) {
      time_t t;
      if (ParsePdfDate(m->GetString().GetStringUtf8(), t)) {
        sig.signing_time = IsoUtc(t);
        claimed_time = t;
        has_claimed_time = true;
      } else {
        sig.findings.push_back("签名时间 /M 无法解析 / unparsable signing time /M");
      }
    }

    // --- ByteRange and Contents: the structure the digest relies on.
    PdfObject* range = pdf::Get(objects, value, "ByteRange");
    if (range == nullptr || !range->IsArray() || range->GetArray().size() != 4) {
      return invalid("ByteRange 缺失或不是 4 个整数 / /ByteRange missing or not 4 integers");
    }
    std::int64_t br[4];
    for (std::size_t k = 0; k < 4; ++k) {
      const PdfObject& item = range->GetArray()[k];
      if (!item.IsNumber()) return invalid("ByteRange 含非整数 / /ByteRange holds a non-integer");
      br[k] = item.GetNumber();
      sig.byte_range.push_back(br[k]);
    }
    const auto size = static_cast<std::int64_t>(pdf.size());
    if (br[0] != 0 || br[1] <= 0 || br[2] < 0 || br[3] < 0 || br[1] > size || br[2] > size ||
        br[3] > size - br[2] || br[2] < br[1] + 2) {
      return invalid(
          "ByteRange 无效（须从 0 开始、有序、不重叠且在文件内）/ invalid /ByteRange (must start "
          "at 0, be ordered, non-overlapping and inside the file)");
    }
    PdfObject* contents = pdf::Get(objects, value, "Contents");
    if (contents == nullptr || !contents->IsHexString()) {
      return invalid("Contents 缺失或不是十六进制字符串 / /Contents missing or not a hex string");
    }
    const PoDoFo::PdfString& parsed = contents->GetString();
    const std::string_view gap =
        pdf.substr(static_cast<std::size_t>(br[1]), static_cast<std::size_t>(br[2] - br[1]));
    std::string cms_bytes;
    if (gap.front() != '<' || gap.back() != '>' ||
        !DecodeHex(gap.substr(1, gap.size() - 2), cms_bytes)) {
      return invalid(
          "ByteRange 的间隙不是一个十六进制字符串 / the /ByteRange gap is not exactly one hex "
          "string");
    }
    if (static_cast<std::size_t>(parsed.GetLength()) != cms_bytes.size() ||
        std::memcmp(parsed.GetString(), cms_bytes.data(), cms_bytes.size()) != 0) {
      return invalid(
          "ByteRange 的间隙不是该签名的 /Contents / the /ByteRange gap is not this signature's "
          "/Contents");
    }
    sig.covers_whole_document = br[2] + br[3] == size;

    // --- The revision it signs: the signed prefix ends exactly at one revision's %%EOF, and
    // its /Contents lies inside that revision (after the previous one's end).
    const int revision =
        pdf::RevisionEndingAt(context.scan, static_cast<std::size_t>(br[2] + br[3]));
    if (revision < 0) {
      return invalid(
          "签名范围未在某个修订版的 %%EOF 处结束 / the signed bytes do not end exactly at a "
          "revision's %%EOF");
    }
    sig.revision = revision + 1;
    if (revision > 0 && static_cast<std::size_t>(br[1]) <
                            context.scan.revisions[static_cast<std::size_t>(revision) - 1].end) {
      return invalid(
          "签名的 /Contents 不在它所签的修订版中 / this signature's /Contents is not in the "
          "revision it signs");
    }
    sig.docmdp = CertificationLevel(context.doc, value);

    // --- The CMS.
    const std::size_t der_length = DerSequenceLength(cms_bytes);
    if (der_length == 0 || !std::all_of(cms_bytes.begin() + static_cast<std::ptrdiff_t>(der_length),
                                        cms_bytes.end(), [](char c) { return c == 0; })) {
      return invalid("Contents 不是 DER 编码的 CMS / /Contents is not a DER-encoded CMS");
    }
    const std::string_view cms_der(cms_bytes.data(), der_length);
    if (sig.is_document_timestamp) {
      return VerifyDocumentTimestamp(pdf, context, cms_der, br, revision, now_point, sig, invalid,
                                     doubtful, indeterminate);
    }
    // The certificates are parsed apart, through the cache; OpenSSL parses the rest.
    std::string stripped;
    std::vector<std::string_view> cert_ders;
    ossl::X509StackPtr certs(sk_X509_new_null());
    ossl::Check(certs != nullptr, SigningErrorCode::kCrypto, "sk_X509_new_null");
    const bool split = SplitCertificates(cms_der, stripped, cert_ders);
    const std::string_view to_parse = split ? std::string_view(stripped) : cms_der;
    const auto* der = reinterpret_cast<const unsigned char*>(to_parse.data());
    const unsigned char* cursor = der;
    ossl::CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &cursor, static_cast<long>(to_parse.size())));
    if (!cms || cursor != der + to_parse.size()) {
      return invalid("无法解析 CMS / cannot parse the CMS");
    }
    for (const std::string_view cert_der : cert_ders) {
      ossl::X509Ptr cert = certificates_.Get(cert_der);
      if (!cert) return invalid("无法解析 CMS / cannot parse the CMS");
      ossl::Check(sk_X509_push(certs.get(), cert.get()) > 0, SigningErrorCode::kCrypto,
                  "sk_X509_push");
      cert.release();
    }
    if (!split) {
      ossl::X509StackPtr embedded(CMS_get1_certs(cms.get()));
      if (embedded) certs = std::move(embedded);
    }
    if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
      return invalid("CMS 不是 SignedData / the CMS is not SignedData");
    }
    const ASN1_OBJECT* content_type = CMS_get0_eContentType(cms.get());
    ASN1_OCTET_STRING** content = CMS_get0_content(cms.get());
    if (OBJ_obj2nid(content_type) != NID_pkcs7_data || content == nullptr || *content != nullptr) {
      return invalid("CMS 不是分离式 id-data 签名 / the CMS is not a detached id-data signature");
    }
    STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms.get());
    if (sk_CMS_SignerInfo_num(infos) != 1) {
      return invalid("CMS 必须恰好有一个签名者 / the CMS must have exactly one SignerInfo");
    }
    CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, 0);
    if (sig.sub_filter != "ETSI.CAdES.detached" && sig.sub_filter != "adbe.pkcs7.detached") {
      doubtful("不支持的 SubFilter / unsupported /SubFilter " + sig.sub_filter, "FORMAT_FAILURE");
    }

    // --- The signer certificate, from the CMS.
    X509* signer = nullptr;
    for (int k = 0; k < sk_X509_num(certs.get()) && signer == nullptr; ++k) {
      if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs.get(), k)) == 0) {
        signer = sk_X509_value(certs.get(), k);
      }
    }
    if (signer != nullptr) {
      CertificateCache::Names names = certificates_.NamesOf(signer);
      sig.signer_subject = std::move(names.subject);
      sig.signer_name = std::move(names.common_name);
      sig.signer_organization = std::move(names.organization);
      sig.signer_serial_number = std::move(names.serial_number);
    }

    // --- Digest: our SHA over the two ranges against the messageDigest attribute.
    X509_ALGOR* digest_alg = nullptr;
    CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &digest_alg, nullptr);
    const ASN1_OBJECT* digest_oid = nullptr;
    if (digest_alg != nullptr) X509_ALGOR_get0(&digest_oid, nullptr, nullptr, digest_alg);
    const EVP_MD* md = digest_oid != nullptr ? EVP_get_digestbyobj(digest_oid) : nullptr;
    const int md_nid = md != nullptr ? EVP_MD_get_type(md) : NID_undef;
    X509_ALGOR* signature_alg = nullptr;
    CMS_SignerInfo_get0_algs(si, nullptr, nullptr, nullptr, &signature_alg);
    const ASN1_OBJECT* signature_oid = nullptr;
    if (signature_alg != nullptr) X509_ALGOR_get0(&signature_oid, nullptr, nullptr, signature_alg);
    // SM2 signatures (SM2-with-SM3, 1.2.156.10197.1.501) go with an SM3 digest only.
    const bool sm2 = OBJ_obj2nid(signature_oid) == NID_SM2_with_SM3;
    if (sm2 ? md_nid != NID_sm3
            : md_nid != NID_sha256 && md_nid != NID_sha384 && md_nid != NID_sha512) {
      return invalid("不支持的摘要算法 / unsupported or weak digest algorithm");
    }
    // The signature over the signed attributes and the signature timestamp do not depend on
    // the document's digest: checked before it, while a helper thread may still be hashing the
    // signed bytes (DocumentContext::ahead). Reported below, in the same order as ever.
    const bool has_signed_attributes = CMS_signed_get_attr_count(si) > 0;
    bool signature_ok = false;
    if (signer != nullptr && has_signed_attributes) {
      CMS_SignerInfo_set1_signer_cert(si, signer);
      signature_ok = sm2 ? VerifySm2(si, signer) : CMS_SignerInfo_verify(si) == 1;
      ERR_clear_error();
    }
    std::optional<TimestampVerification> early_stamp;
    if (has_signed_attributes) {
      early_stamp = VerifySignatureTimestamp(si, has_anchors_ ? store_.get() : nullptr, now_point);
      ERR_clear_error();
    }

    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_length = 0;
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    ossl::Check(ctx != nullptr, SigningErrorCode::kCrypto, "EVP_MD_CTX_new");
    DigestPrefix(pdf, context, md, static_cast<std::size_t>(br[1]), ctx.get());
    ossl::Check(
        EVP_DigestUpdate(ctx.get(), pdf.data() + br[2], static_cast<std::size_t>(br[3])) == 1 &&
            EVP_DigestFinal_ex(ctx.get(), digest, &digest_length) == 1,
        SigningErrorCode::kCrypto, "digest of the byte ranges");

    if (!has_signed_attributes) {
      return invalid("CMS 缺少签名属性 / the CMS has no signed attributes (required by PAdES)");
    }
    const auto* message_digest = static_cast<const ASN1_OCTET_STRING*>(CMS_signed_get0_data_by_OBJ(
        si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING));
    sig.digest_ok = message_digest != nullptr &&
                    ASN1_STRING_length(message_digest) == static_cast<int>(digest_length) &&
                    std::memcmp(ASN1_STRING_get0_data(message_digest), digest, digest_length) == 0;
    const auto* signed_type = static_cast<const ASN1_OBJECT*>(
        CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_contentType), -3, V_ASN1_OBJECT));
    if (signed_type == nullptr || OBJ_obj2nid(signed_type) != NID_pkcs7_data) {
      invalid(
          "contentType 签名属性缺失或不是 id-data / contentType attribute missing or not id-data");
    }
    if (CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1) >= 0 &&
        sig.sub_filter == "ETSI.CAdES.detached") {
      sig.findings.push_back(
          "CMS 含 signingTime 属性（PAdES 不允许）/ signingTime attribute present (not allowed "
          "by PAdES)");
    }

    // --- Signature over the signed attributes.
    if (signer == nullptr) {
      doubtful(
          "CMS 中没有签名者证书 / signer certificate not in the CMS "
          "(NO_SIGNING_CERTIFICATE_FOUND)",
          "NO_SIGNING_CERTIFICATE_FOUND");
    } else {
      sig.signature_ok = signature_ok;
    }
    // --- The signature timestamp (PAdES B-T) and the proof of existence.
    const TimestampVerification& stamp = *early_stamp;
    FillTimestamp(stamp, sig.timestamp);
    if (stamp.present && !stamp.valid) {
      for (const std::string& finding : stamp.findings) {
        sig.findings.push_back(
            "签名时间戳无效，不作为存在证明 / the signature timestamp is not "
            "valid and proves nothing: " +
            finding);
      }
    }
    std::optional<time_t> poe;
    if (stamp.valid) {
      poe = std::min(std::chrono::system_clock::to_time_t(stamp.gen_time), now);
      sig.poe_source = "signature-timestamp";
    }
    for (const DocumentContext::DocumentPoe& document : context.document_poes) {
      if (document.revision > revision + 1 && (!poe || document.time < *poe)) {
        poe = std::min(document.time, now);
        sig.poe_source = "document-timestamp " + document.field;
      }
    }
    if (poe) sig.poe_time = IsoUtc(*poe);
    const time_t check_time = poe.value_or(now);
    sig.validation_time = IsoUtc(check_time);
    if (!sig.digest_ok) {
      invalid(
          "摘要不匹配：签名范围内容已被修改 / message digest mismatch: signed bytes were changed "
          "(HASH_FAILURE)",
          "HASH_FAILURE");
    }
    if (signer != nullptr && !sig.signature_ok) {
      invalid("签名值无效 / the signature value does not verify (SIG_CRYPTO_FAILURE)",
              "SIG_CRYPTO_FAILURE");
    }
    // --- Difference analysis of what follows the signed revision (only if there is any).
    if (sig.digest_ok)
      CheckModifications(pdf, context, static_cast<std::size_t>(revision), sig, invalid);

    // --- ESS signing-certificate(-v2) must name the signer certificate (CAdES).
    if (signer != nullptr) CheckSigningCertificateAttribute(si, signer, sig, doubtful);

    // --- Certificate chain at the signing time.
    if (signer != nullptr) {
      const uint32_t usage = X509_get_key_usage(signer);
      if ((usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0) {
        doubtful(
            "签名者证书不允许数字签名 / the signer certificate's key usage does not allow signing "
            "(CHAIN_CONSTRAINTS_FAILURE)",
            "CHAIN_CONSTRAINTS_FAILURE");
      }
      ossl::X509StackPtr chain;
      sig.chain_ok =
          CheckChain(signer, certs.get(), check_time, poe.has_value(), chain, invalid, doubtful);
      if (sig.chain_ok) {
        CheckRevocation(chain.get(), context, poe, has_claimed_time, claimed_time, sig, invalid,
                        doubtful);
      }
    }

    if (sig.verdict != Verdict::kInvalid) {
      const bool valid = !indeterminate && sig.digest_ok && sig.signature_ok && sig.chain_ok;
      sig.verdict = valid ? Verdict::kValid : Verdict::kIndeterminate;
    }
  }

  // An SM2-with-SM3 SignerInfo, checked by hand: OpenSSL 3.0's CMS_SignerInfo_verify() creates
  // its EVP_PKEY_CTX inside (EVP_DigestVerifyInit_ex in crypto/cms/cms_sd.c) with no way to set
  // the SM2 distinguishing identifier, and the 3.0 SM2 provider then hashes an empty one into Z,
  // so a signature made with GB/T 35276's default "1234567812345678" fails there ("CMS routines::
  // verification failure", cms_sd.c:919; `openssl cms -verify` fails the same way). Here the
  // signed attributes are DER-encoded as the signature covers them (the SET OF, sorted) and
  // verified with SM3 and that identifier.
  static bool VerifySm2(CMS_SignerInfo* si, X509* signer) {
    EVP_PKEY* key = X509_get0_pubkey(signer);
    if (key == nullptr || EVP_PKEY_is_a(key, "SM2") != 1) return false;
    std::vector<std::string> encoded;
    for (int i = 0; i < CMS_signed_get_attr_count(si); ++i) {
      unsigned char* der = nullptr;
      const int length = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &der);
      if (length <= 0) return false;
      ossl::OpenSslBytes owner(der);
      encoded.emplace_back(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
    }
    std::sort(encoded.begin(), encoded.end());  // DER order of a SET OF (bytewise, then length)
    std::string body;
    for (const std::string& e : encoded) body += e;
    std::string attrs;
    AppendTlvHeader(attrs, 0x31, body.size());
    attrs += body;
    static constexpr char kSm2Id[] = "1234567812345678";
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
    const ASN1_OCTET_STRING* value = CMS_SignerInfo_get0_signature(si);
    return ctx && EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sm3(), nullptr, key) == 1 &&
           EVP_PKEY_CTX_set1_id(pctx, kSm2Id, sizeof kSm2Id - 1) > 0 &&
           EVP_DigestVerify(ctx.get(), ASN1_STRING_get0_data(value),
                            static_cast<std::size_t>(ASN1_STRING_length(value)),
                            reinterpret_cast<const unsigned char*>(attrs.data()),
                            attrs.size()) == 1;
  }

  static void FillTimestamp(const TimestampVerification& stamp, TimestampReport& out) {
    if (!stamp.present) return;
    out.status = stamp.valid ? "VALID" : "INVALID";
    out.gen_time = stamp.gen_time_iso;
    out.tsa = stamp.tsa_subject;
    out.sub_indication = stamp.sub_indication;
  }

  // A document timestamp: its /Contents is a TimeStampToken over the byte ranges (hashed in
  // place). Sets the verdict; a verified one becomes a proof of existence for earlier revisions.
  template <typename Invalid, typename Doubtful>
  void VerifyDocumentTimestamp(std::string_view pdf, DocumentContext& context,
                               std::string_view token, const std::int64_t (&br)[4], int revision,
                               std::chrono::system_clock::time_point now, SignatureReport& sig,
                               Invalid& invalid, Doubtful& doubtful, bool& indeterminate) const {
    const TimestampVerification stamp = VerifyTimestampToken(
        token, pdf.substr(0, static_cast<std::size_t>(br[1])),
        pdf.substr(static_cast<std::size_t>(br[2]), static_cast<std::size_t>(br[3])),
        has_anchors_ ? store_.get() : nullptr, now);
    ERR_clear_error();
    FillTimestamp(stamp, sig.timestamp);
    sig.signing_time = stamp.gen_time_iso;
    sig.signer_subject = stamp.tsa_subject;
    sig.validation_time = IsoUtc(std::chrono::system_clock::to_time_t(now));
    const std::string& why = stamp.sub_indication;
    sig.digest_ok =
        stamp.valid || (!why.empty() && why != "HASH_FAILURE" && why != "FORMAT_FAILURE");
    sig.signature_ok = stamp.valid || why == "NO_CERTIFICATE_CHAIN_FOUND";
    sig.chain_ok = stamp.valid;
    if (!has_anchors_) {
      doubtful("未配置信任锚 / no trust anchors configured (NO_CERTIFICATE_CHAIN_FOUND)",
               "NO_CERTIFICATE_CHAIN_FOUND");
    } else if (!stamp.valid) {
      for (const std::string& finding : stamp.findings) {
        if (why == "NO_CERTIFICATE_CHAIN_FOUND") {
          doubtful("文档时间戳 / document timestamp: " + finding, "NO_CERTIFICATE_CHAIN_FOUND");
        } else {
          invalid("文档时间戳 / document timestamp: " + finding,
                  why == "HASH_FAILURE"         ? "HASH_FAILURE"
                  : why == "SIG_CRYPTO_FAILURE" ? "SIG_CRYPTO_FAILURE"
                                                : "FORMAT_FAILURE");
        }
      }
    }
    if (sig.digest_ok) {
      CheckModifications(pdf, context, static_cast<std::size_t>(revision), sig, invalid);
    }
    if (stamp.valid) {
      context.document_poes.push_back(
          {revision + 1, std::chrono::system_clock::to_time_t(stamp.gen_time), sig.field_name});
    }
    if (sig.verdict != Verdict::kInvalid) {
      sig.verdict = !indeterminate && stamp.valid ? Verdict::kValid : Verdict::kIndeterminate;
    }
  }

  template <typename Doubtful>
  void CheckSigningCertificateAttribute(CMS_SignerInfo* si, X509* signer, SignatureReport& sig,
                                        Doubtful& doubtful) const {
    const auto* v2 = static_cast<const ASN1_STRING*>(CMS_signed_get0_data_by_OBJ(
        si, OBJ_nid2obj(NID_id_smime_aa_signingCertificateV2), -3, V_ASN1_SEQUENCE));
    if (v2 == nullptr) {
      if (sig.sub_filter == "ETSI.CAdES.detached") {
        doubtful(
            "缺少 signing-certificate-v2 属性 / signing-certificate-v2 attribute missing "
            "(FORMAT_FAILURE)",
            "FORMAT_FAILURE");
      }
      return;
    }
    const std::string_view attribute(reinterpret_cast<const char*>(ASN1_STRING_get0_data(v2)),
                                     static_cast<std::size_t>(ASN1_STRING_length(v2)));
    const bool ok = certificates_.EssMatches(signer, attribute, [&] {
      const unsigned char* p = ASN1_STRING_get0_data(v2);
      ossl::EssCertV2Ptr ess(d2i_ESS_SIGNING_CERT_V2(nullptr, &p, ASN1_STRING_length(v2)));
      ossl::X509StackPtr chain(sk_X509_new_null());
      bool matches = ess && chain && X509_up_ref(signer) == 1;
      if (matches && sk_X509_push(chain.get(), signer) <= 0) {
        X509_free(signer);
        matches = false;
      }
      matches = matches && OSSL_ESS_check_signing_certs(nullptr, ess.get(), chain.get(), 1) == 1;
      ERR_clear_error();
      return matches;
    });
    if (!ok) {
      doubtful(
          "signing-certificate-v2 属性与签名者证书不符 / signing-certificate-v2 does not match the "
          "signer certificate (NO_SIGNING_CERTIFICATE_FOUND)",
          "NO_SIGNING_CERTIFICATE_FOUND");
    }
  }

  template <typename Invalid, typename Doubtful>
  bool CheckChain(X509* signer, STACK_OF(X509) * untrusted, time_t at, bool at_poe,
                  ossl::X509StackPtr& chain, Invalid& invalid, Doubtful& doubtful) const {
    if (!has_anchors_) {
      doubtful("未配置信任锚 / no trust anchors configured (NO_CERTIFICATE_CHAIN_FOUND)",
               "NO_CERTIFICATE_CHAIN_FOUND");
      return false;
    }
    const std::string key = ChainCache::Key(signer, untrusted);
    if (ossl::X509StackPtr cached = chains_.Find(key, at)) {
      chain = std::move(cached);
      return true;
    }
    ossl::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!ctx || X509_STORE_CTX_init(ctx.get(), store_.get(), signer, untrusted) != 1) {
      ERR_clear_error();
      doubtful("无法检查证书链 / cannot check the certificate chain", "CHAIN_CONSTRAINTS_FAILURE");
      return false;
    }
    X509_STORE_CTX_set_time(ctx.get(), 0, at);
    const bool ok = X509_verify_cert(ctx.get()) == 1;
    if (!ok) {
      const int error = X509_STORE_CTX_get_error(ctx.get());
      if (at_poe && error == X509_V_ERR_CERT_HAS_EXPIRED) {
        invalid(
            "证书链中的证书在时间戳证明的时间已过期 / a certificate in the chain had expired at "
            "the time the timestamp proves (EXPIRED)",
            "EXPIRED");
        ERR_clear_error();
        return false;
      }
      if (at_poe && error == X509_V_ERR_CERT_NOT_YET_VALID) {
        invalid(
            "证书链中的证书在时间戳证明的时间尚未生效 / a certificate in the chain was not yet "
            "valid at the time the timestamp proves (NOT_YET_VALID)",
            "NOT_YET_VALID");
        ERR_clear_error();
        return false;
      }
      const char* finding = ChainErrorFinding(error);
      doubtful(finding != nullptr
                   ? std::string(finding)
                   : std::string("证书链验证失败 / certificate chain check failed: ") +
                         X509_verify_cert_error_string(error),
               ChainErrorSubIndication(error));
    } else {
      chain.reset(X509_STORE_CTX_get1_chain(ctx.get()));
      chains_.Put(key, chain.get());
    }
    ERR_clear_error();
    return ok;
  }

  // Each certificate of the validated chain against the CRLs its issuer signed (configured and
  // from the DSS). See the revocation policy in verifier.h.
  template <typename Invalid, typename Doubtful>
  void CheckRevocation(STACK_OF(X509) * chain, const DocumentContext& context,
                       std::optional<time_t> poe, bool has_claimed_time, time_t claimed_time,
                       SignatureReport& sig, Invalid& invalid, Doubtful& doubtful) const {
    if (chain == nullptr) return;
    std::vector<X509_CRL*> crls;
    for (const X509CrlPtr& crl : crls_) crls.push_back(crl.get());
    crls.insert(crls.end(), context.dss_crls.begin(), context.dss_crls.end());
    const bool online = !ocsp_url_.empty() || ocsp_use_aia_;
    if (crls.empty() && context.dss_ocsps.empty() && !online) return;
    time_t now = std::chrono::system_clock::to_time_t(clock_());
    const int count = sk_X509_num(chain);
    for (int i = 0; i + 1 < count; ++i) {
      X509* cert = sk_X509_value(chain, i);
      X509* issuer = sk_X509_value(chain, i + 1);
      bool checked = false;
      std::string source;
      const ASN1_TIME* revoked_at = nullptr;
      for (X509_CRL* crl : crls) {
        if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) != 0) continue;
        EVP_PKEY* key = X509_get0_pubkey(issuer);
        // Only a CRL its issuer signed, and not one dated in the future.
        if (key == nullptr || X509_CRL_verify(crl, key) != 1 ||
            X509_cmp_time(X509_CRL_get0_lastUpdate(crl), &now) > 0) {
          ERR_clear_error();
          continue;
        }
        checked = true;
        source = "crl";
        X509_REVOKED* entry = nullptr;
        if (X509_CRL_get0_by_cert(crl, &entry, cert) == 1 && entry != nullptr) {
          revoked_at = X509_REVOKED_get0_revocationDate(entry);
          break;
        }
      }
      ERR_clear_error();
      if (revoked_at == nullptr && !context.dss_ocsps.empty()) {
        const ASN1_GENERALIZEDTIME* ocsp_revoked = nullptr;
        const bool before = checked;
        CheckOcsp(cert, issuer, chain, context, now, checked, ocsp_revoked);
        if (ocsp_revoked != nullptr) revoked_at = ocsp_revoked;
        if ((checked && !before) || ocsp_revoked != nullptr) source = "dss-ocsp";
      }
      ocsp::BasicPtr online_answer;  // owns `revoked_at` when the online responder says revoked
      if (!checked && online) {
        const std::string url = !ocsp_url_.empty() ? ocsp_url_ : ocsp::UrlOf(cert);
        if (!url.empty()) {
          CheckOcspOnline(cert, issuer, chain, url, now, i, sig, online_answer, checked,
                          revoked_at);
          if (checked) source = "ocsp " + url;
        }
      }
      if (i == 0 && checked) {
        sig.revocation = revoked_at != nullptr ? "REVOKED" : "GOOD";
        sig.revocation_source = source;
      }
      if (revoked_at == nullptr) continue;
      if (poe && X509_cmp_time(revoked_at, &*poe) > 0) {
        // Revoked after the signature provably existed: the signature stays valid.
        std::tm tm{};
        const std::string when =
            ASN1_TIME_to_tm(revoked_at, &tm) == 1 ? IsoUtc(timegm(&tm)) : std::string("?");
        sig.findings.push_back(
            std::string(i > 0 ? "证书链中的 CA 证书" : "签名者证书") + "于 " + when +
            " 被吊销，晚于时间戳证明的签名存在时间 " + sig.poe_time + "，签名仍有效 / the " +
            (i > 0 ? "CA certificate" : "signer certificate") + " was revoked at " + when +
            ", after the signature provably existed (" + sig.poe_time +
            "): the signature stays valid");
        continue;
      }
      if (i > 0) {
        doubtful(
            "证书链中的 CA 证书已被吊销 / a CA certificate of the chain is revoked "
            "(REVOKED_CA_NO_POE)",
            "REVOKED_CA_NO_POE");
      } else if (poe) {
        invalid(
            "签名者证书在时间戳证明的签名时间之前已被吊销 / the signer certificate was revoked "
            "before the time the timestamp proves the signature existed (REVOKED)",
            "REVOKED");
      } else if (has_claimed_time && X509_cmp_time(revoked_at, &claimed_time) <= 0) {
        invalid(
            "签名者证书在签名声称的时间之前已被吊销 / the signer certificate was revoked before "
            "the signing time the signature claims (REVOKED)",
            "REVOKED");
      } else {
        doubtful(
            "签名者证书已被吊销，且无签名早于吊销的证明 / the signer certificate is revoked and "
            "nothing proves the signature existed before (REVOKED_NO_POE)",
            "REVOKED_NO_POE");
      }
    }
  }

  // DocMDP /P if `value` is the document's certification signature (catalog /Perms /DocMDP).
  static int CertificationLevel(pdf::ParsedDocument& doc, PdfObject* value) {
    PoDoFo::PdfVecObjects& objects = doc.GetObjects();
    PdfObject* certification =
        pdf::Get(objects, pdf::Get(objects, doc.GetCatalog(), "Perms"), "DocMDP");
    if (certification == nullptr || certification != value) return 0;
    PdfObject* refs = pdf::Get(objects, value, "Reference");
    if (refs != nullptr && refs->IsArray()) {
      for (PdfObject& item : refs->GetArray()) {
        PdfObject* params = pdf::Get(objects, pdf::Resolve(objects, &item), "TransformParams");
        PdfObject* p = pdf::Get(objects, params, "P");
        if (p != nullptr && p->IsNumber() && p->GetNumber() >= 1 && p->GetNumber() <= 3) {
          return static_cast<int>(p->GetNumber());
        }
      }
    }
    return 2;
  }

  // Bytes after the last %%EOF, and every revision after `revision`, against the whitelist.
  template <typename Invalid>
  static void CheckModifications(std::string_view pdf, DocumentContext& context,
                                 std::size_t revision, SignatureReport& sig, Invalid& invalid) {
    const auto& revisions = context.scan.revisions;
    std::size_t before = sig.modifications.size();
    if (context.scan.trailing_garbage) {
      sig.modifications.push_back(
          {0, "最后一个 %%EOF 之后有数据 / bytes after the last %%EOF (not a revision)"});
    }
    if (revision + 1 < revisions.size()) {
      // The signed revision on its own (in place: `pdf` outlives it), parsed ahead if it could
      // be; a second signature of the same revision gets a copy of its own.
      const std::string_view prefix = pdf.substr(0, revisions[revision].end);
      std::shared_ptr<RevisionDocument>& entry = context.revision_documents[revision];
      if (entry == nullptr) entry = std::make_shared<RevisionDocument>();
      std::optional<pdf::ParsedDocument> own;
      pdf::ParsedDocument* signed_revision = nullptr;
      try {
        signed_revision = entry->Take(prefix);
        if (signed_revision == nullptr) signed_revision = &own.emplace(prefix);
      } catch (const PoDoFo::PdfError& e) {
        return invalid("所签修订版无法解析 / the signed revision does not parse (" +
                       pdf::Describe(e) + ")");
      }
      if (!context.index) context.index = std::make_unique<pdf::DocumentIndex>(context.doc, pdf);
      const pdf::DiffOutcome outcome = pdf::CompareRevisions(*signed_revision, *context.index);
      if (sig.docmdp == 0) sig.docmdp = outcome.docmdp;
      for (const pdf::ObjectChange& change : outcome.disallowed) {
        sig.modifications.push_back({change.object, change.change});
      }
    }
    if (sig.modifications.size() > before) {
      std::string finding = kModifiedAfterSigning;
      finding += ": ";
      for (std::size_t k = before; k < sig.modifications.size() && k < before + 8; ++k) {
        if (k > before) finding += "; ";
        finding += (sig.modifications[k].object != 0
                        ? "obj " + std::to_string(sig.modifications[k].object) + " "
                        : std::string()) +
                   sig.modifications[k].change;
      }
      if (sig.modifications.size() > before + 8) finding += "; …";
      invalid(finding, "MODIFIED_AFTER_SIGNING");
    }
  }

  ossl::X509StorePtr store_;
  bool has_anchors_;
  std::vector<X509CrlPtr> crls_;  // read-only after Create()
  std::string ocsp_url_;
  bool ocsp_use_aia_ = false;
  OcspTransport ocsp_transport_;
  std::function<std::chrono::system_clock::time_point()> clock_;
  bool digest_ahead_;
  std::unique_ptr<EVP_MD, ossl::Deleter<EVP_MD, EVP_MD_free>> sha256_;  // fetched once
  CertificateCache certificates_;
  ChainCache chains_;
};

void AddAnchors(X509_STORE* store, const std::string& pem, const std::string& origin, int& count) {
  ossl::BioPtr bio = ossl::MemoryBio(pem);
  int added = 0;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    const int ok = X509_STORE_add_cert(store, cert);
    X509_free(cert);
    ossl::Check(ok == 1, SigningErrorCode::kCredentials, "cannot add trust anchor from " + origin);
    ++added;
  }
  ERR_clear_error();
  if (added == 0) {
    throw SigningError(SigningErrorCode::kCredentials, "no certificate in trust anchor " + origin);
  }
  count += added;
}

// JSON string literal; invalid UTF-8 becomes U+FFFD so the output always parses.
void AppendJsonString(std::string& out, const std::string& text) {
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (c < 0x20) {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
            out += buffer;
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    std::size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
    bool ok = n != 0 && i + n <= text.size();
    for (std::size_t k = 1; ok && k < n; ++k) {
      ok = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
    }
    if (ok && n == 3) {  // no overlongs, no surrogates
      const auto c1 = static_cast<unsigned char>(text[i + 1]);
      ok = !(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 >= 0xa0);
    }
    if (ok && n == 4) {
      const auto c1 = static_cast<unsigned char>(text[i + 1]);
      ok = !(c == 0xf0 && c1 < 0x90) && !(c == 0xf4 && c1 >= 0x90);
    }
    if (ok) {
      out.append(text, i, n);
      i += n;
    } else {
      out += "\xef\xbf\xbd";
      ++i;
    }
  }
  out += '"';
}

void AppendFindings(std::string& out, const std::vector<std::string>& findings) {
  out += '[';
  for (std::size_t i = 0; i < findings.size(); ++i) {
    if (i) out += ',';
    AppendJsonString(out, findings[i]);
  }
  out += ']';
}

}  // namespace

const char* IndicationName(Indication indication) {
  switch (indication) {
    case Indication::kTotalPassed:
      return "TOTAL_PASSED";
    case Indication::kTotalFailed:
      return "TOTAL_FAILED";
    case Indication::kIndeterminate:
      return "INDETERMINATE";
  }
  return "INDETERMINATE";
}

std::string DescribeSubIndication(const std::string& sub_indication) {
  static const std::map<std::string, std::string, std::less<>> kNames = {
      {"FORMAT_FAILURE", "格式错误 / format failure"},
      {"HASH_FAILURE", "摘要不符，签名内容被改动 / hash failure: the signed bytes were changed"},
      {"SIG_CRYPTO_FAILURE", "签名值无效 / the signature value does not verify"},
      {"REVOKED", "签名证书已被吊销 / the signer certificate is revoked"},
      {"REVOKED_NO_POE",
       "证书已吊销，无签名早于吊销的证明 / revoked, no proof of existence before"},
      {"REVOKED_CA_NO_POE", "CA 证书已吊销 / a CA certificate is revoked"},
      {"EXPIRED", "证书已过期 / the certificate had expired"},
      {"OUT_OF_BOUNDS_NO_POE",
       "证书已过期，无时间戳证明 / certificate expired, no proof of existence"},
      {"NOT_YET_VALID", "证书尚未生效 / the certificate is not yet valid"},
      {"NO_CERTIFICATE_CHAIN_FOUND", "证书链未到达信任锚 / no chain to a trust anchor"},
      {"NO_SIGNING_CERTIFICATE_FOUND", "找不到签名证书 / no signing certificate found"},
      {"CHAIN_CONSTRAINTS_FAILURE", "证书链约束不满足 / chain constraints failure"},
      {"SIG_CONSTRAINTS_FAILURE", "签名约束不满足 / signature constraints failure"},
      {"MODIFIED_AFTER_SIGNING", "签名后文档被修改 / document modified after signing"},
  };
  if (sub_indication.empty()) return "";
  auto it = kNames.find(sub_indication);
  return it != kNames.end() ? it->second : sub_indication;
}

std::string VerificationReport::ToJson() const {
  std::string out = "{\"verdict\":";
  AppendJsonString(out, VerdictName(verdict));
  out += ",\"is_pdf\":";
  out += is_pdf ? "true" : "false";
  out += ",\"findings\":";
  AppendFindings(out, findings);
  out += ",\"signatures\":[";
  for (std::size_t i = 0; i < signatures.size(); ++i) {
    const SignatureReport& s = signatures[i];
    if (i) out += ',';
    auto field = [&](const char* key, const std::string& value, bool first = false) {
      if (!first) out += ',';
      out += '"';
      out += key;
      out += "\":";
      AppendJsonString(out, value);
    };
    auto flag = [&](const char* key, bool value) {
      out += ",\"";
      out += key;
      out += "\":";
      out += value ? "true" : "false";
    };
    out += '{';
    field("field_name", s.field_name, true);
    field("verdict", VerdictName(s.verdict));
    field("indication", IndicationName(s.indication));
    field("sub_indication", s.sub_indication);
    out += ",\"revision\":" + std::to_string(s.revision);
    out += ",\"docmdp\":" + std::to_string(s.docmdp);
    field("revocation", s.revocation);
    field("revocation_source", s.revocation_source);
    flag("is_document_timestamp", s.is_document_timestamp);
    out += ",\"timestamp\":{";
    field("status", s.timestamp.status, true);
    field("gen_time", s.timestamp.gen_time);
    field("tsa", s.timestamp.tsa);
    field("sub_indication", s.timestamp.sub_indication);
    out += '}';
    field("poe_time", s.poe_time);
    field("poe_source", s.poe_source);
    field("validation_time", s.validation_time);
    field("sub_filter", s.sub_filter);
    field("signer_subject", s.signer_subject);
    field("signer_name", s.signer_name);
    field("signer_organization", s.signer_organization);
    field("signer_serial_number", s.signer_serial_number);
    field("signing_time", s.signing_time);
    out += ",\"byte_range\":[";
    for (std::size_t k = 0; k < s.byte_range.size(); ++k) {
      if (k) out += ',';
      out += std::to_string(s.byte_range[k]);
    }
    out += ']';
    flag("covers_whole_document", s.covers_whole_document);
    flag("digest_ok", s.digest_ok);
    flag("signature_ok", s.signature_ok);
    flag("chain_ok", s.chain_ok);
    out += ",\"modifications\":[";
    for (std::size_t k = 0; k < s.modifications.size(); ++k) {
      if (k) out += ',';
      out += "{\"object\":" + std::to_string(s.modifications[k].object) + ",\"change\":";
      AppendJsonString(out, s.modifications[k].change);
      out += '}';
    }
    out += ']';
    out += ",\"findings\":";
    AppendFindings(out, s.findings);
    out += '}';
  }
  out += "],\"revisions\":" + std::to_string(revisions) + "}";
  return out;
}

std::unique_ptr<Verifier> Verifier::Create(const VerifierOptions& options) {
  if (!options.clock)
    throw SigningError(SigningErrorCode::kArgument, "VerifierOptions::clock is empty");
  ERR_clear_error();
  ossl::X509StorePtr store(
      ossl::CheckPtr(X509_STORE_new(), SigningErrorCode::kCrypto, "X509_STORE_new"));
  int count = 0;
  for (const std::string& path : options.trust_anchor_files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw SigningError(SigningErrorCode::kCredentials, "cannot read trust anchor " + path);
    std::ostringstream text;
    text << in.rdbuf();
    AddAnchors(store.get(), text.str(), path, count);
  }
  for (std::size_t i = 0; i < options.trust_anchor_pems.size(); ++i) {
    AddAnchors(store.get(), options.trust_anchor_pems[i], "PEM #" + std::to_string(i), count);
  }
  std::vector<X509CrlPtr> crls;
  for (const std::string& path : options.crl_files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw SigningError(SigningErrorCode::kCredentials, "cannot read CRL " + path);
    std::ostringstream text;
    text << in.rdbuf();
    const std::string bytes = text.str();
    ossl::BioPtr bio = ossl::MemoryBio(bytes);
    std::size_t added = 0;
    while (X509_CRL* crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)) {
      crls.emplace_back(crl);
      ++added;
    }
    ERR_clear_error();
    if (added == 0) {
      const auto* cursor = reinterpret_cast<const unsigned char*>(bytes.data());
      X509CrlPtr crl(d2i_X509_CRL(nullptr, &cursor, static_cast<long>(bytes.size())));
      ERR_clear_error();
      if (!crl) throw SigningError(SigningErrorCode::kCredentials, "no CRL in " + path);
      crls.push_back(std::move(crl));
    }
  }
  return std::make_unique<PdfVerifier>(std::move(store), count > 0, std::move(crls), options);
}

}  // namespace sealflow::signing
