// Copyright sealflow authors.
#include "signing/signer.h"

#include <openssl/objects.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>
#include <vector>

#include "credentials_impl.h"
#include "digest_ahead.h"
#include "openssl_util.h"
#include "pdf_util.h"
#include "seal.h"
#include "signing/error.h"
#include "timestamp_internal.h"

namespace sealflow::signing {
namespace {

using ossl::Check;
using ossl::CheckPtr;
constexpr auto kCrypto = SigningErrorCode::kCrypto;

// "D:YYYYMMDDHHmmSS+00'00'" in UTC. PoDoFo's PdfDate uses the local time zone, which would make
// the output depend on the machine's TZ.
std::string PdfDateUtc(std::chrono::system_clock::time_point when) {
  const time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "D:%Y%m%d%H%M%S+00'00'", &tm);
  return buffer;
}

// ASCII stays a plain (PDFDocEncoding) string, anything else becomes UTF-16BE, as PDF requires.
PoDoFo::PdfString Utf8String(const std::string& text) {
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    return PoDoFo::PdfString(text);
  }
  return PoDoFo::PdfString(reinterpret_cast<const PoDoFo::pdf_utf8*>(text.c_str()));
}

void AppendDerLength(std::string& out, std::size_t length) {
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

// The DER encoding of the SignerInfo's signed attributes as the SET OF that the signature covers
// (RFC 5652 §5.4): the [0] IMPLICIT tag replaced by SET (0x31), elements in DER order (sorted
// by their encodings, which is also how OpenSSL orders them when it writes the SignerInfo).
std::string EncodeSignedAttributes(CMS_SignerInfo* si) {
  std::vector<std::string> encoded;
  const int count = CMS_signed_get_attr_count(si);
  for (int i = 0; i < count; ++i) {
    unsigned char* der = nullptr;
    const int length = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &der);
    Check(length > 0, kCrypto, "i2d_X509_ATTRIBUTE");
    ossl::OpenSslBytes owner(der);
    encoded.emplace_back(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  }
  std::sort(encoded.begin(), encoded.end(), [](const std::string& a, const std::string& b) {
    const int cmp = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
    return cmp != 0 ? cmp < 0 : a.size() < b.size();
  });
  std::size_t total = 0;
  for (const std::string& e : encoded) total += e.size();
  std::string out;
  out.reserve(total + 8);
  out += '\x31';
  AppendDerLength(out, total);
  for (const std::string& e : encoded) out += e;
  return out;
}

// GB/T 35276-2017's default signer identifier for SM2 signatures.
constexpr char kSm2Id[] = "1234567812345678";

bool IsSm2(const Credentials::Impl& cred) { return EVP_PKEY_is_a(cred.key.get(), "SM2") == 1; }

// RSA (PKCS#1 v1.5), ECDSA or SM2 signature over the DER `to_sign` with `sha256` (SHA-256; SM3
// for SM2, with the default distinguishing identifier of GB/T 35276, "1234567812345678").
std::string SignBytes(const Credentials::Impl& cred, const EVP_MD* sha256,
                      const std::string& to_sign) {
  ossl::EvpMdCtxPtr ctx(CheckPtr(EVP_MD_CTX_new(), kCrypto, "EVP_MD_CTX_new"));
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  Check(EVP_DigestSignInit(ctx.get(), &pctx, sha256, nullptr, cred.key.get()) == 1, kCrypto,
        "EVP_DigestSignInit");
  if (IsSm2(cred)) {
    Check(EVP_PKEY_CTX_set1_id(pctx, kSm2Id, sizeof kSm2Id - 1) > 0, kCrypto,
          "EVP_PKEY_CTX_set1_id");
  }
  std::size_t sig_length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(to_sign.data());
  Check(EVP_DigestSign(ctx.get(), nullptr, &sig_length, data, to_sign.size()) == 1, kCrypto,
        "EVP_DigestSign");
  std::string signature(sig_length, '\0');
  Check(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &sig_length,
                       data, to_sign.size()) == 1,
        kCrypto, "EVP_DigestSign");
  signature.resize(sig_length);
  return signature;
}

struct BuiltCms {
  std::string der;           // the ContentInfo
  std::string signed_attrs;  // the DER SET OF signed attributes the signature covers
  std::string signature;     // the SignerInfo's signature value
};

// A detached CMS SignedData (CAdES baseline B-B) over content whose SHA-256 is `digest`.
BuiltCms BuildCms(const Credentials::Impl& cred, const EVP_MD* sha256,
                  const unsigned char (&digest)[SHA256_DIGEST_LENGTH]) {
  const unsigned int flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL;
  ossl::CmsPtr cms(
      CheckPtr(CMS_sign(nullptr, nullptr, nullptr, nullptr, flags), kCrypto, "CMS_sign"));
  // CMS_CADES adds signing-certificate-v2 (ESS) for the SHA-256 signer.
  CMS_SignerInfo* si = CheckPtr(CMS_add1_signer(cms.get(), cred.certificate.get(), cred.key.get(),
                                                sha256, flags | CMS_CADES | CMS_NOSMIMECAP),
                                kCrypto, "CMS_add1_signer");
  if (IsSm2(cred)) {
    // OpenSSL 3.0's CMS leaves an SM2 SignerInfo's signatureAlgorithm empty: cms_sd_asn1_ctrl()
    // (crypto/cms/cms_sd.c) sets it only for "RSA"/"RSA-PSS" and "DSA"/"EC" keys, and an SM2
    // provider key has no legacy ASN1_PKEY_CTRL_CMS_SIGN control to fall back on; i2d then fails
    // with "asn1_template_ex_i2d: illegal zero content" (as `openssl cms -sign -md sm3` does).
    // So it is set here: SM2-with-SM3, 1.2.156.10197.1.501, parameters absent.
    X509_ALGOR* signature_alg = nullptr;
    CMS_SignerInfo_get0_algs(si, nullptr, nullptr, nullptr, &signature_alg);
    Check(signature_alg != nullptr && X509_ALGOR_set0(signature_alg, OBJ_nid2obj(NID_SM2_with_SM3),
                                                      V_ASN1_UNDEF, nullptr) == 1,
          kCrypto, "SM2-with-SM3 signature algorithm");
  }
  for (int i = 0; i < sk_X509_num(cred.chain.get()); ++i) {
    X509* cert = sk_X509_value(cred.chain.get(), i);
    if (X509_cmp(cert, cred.certificate.get()) == 0) continue;
    bool duplicate = false;
    for (int j = 0; j < i; ++j)
      duplicate = duplicate || X509_cmp(cert, sk_X509_value(cred.chain.get(), j)) == 0;
    if (!duplicate) Check(CMS_add1_cert(cms.get(), cert) == 1, kCrypto, "CMS_add1_cert");
  }
  Check(CMS_set_detached(cms.get(), 1) == 1, kCrypto, "CMS_set_detached");

  // OpenSSL's own finishing step (CMS_final → CMS_SignerInfo_sign) always adds a signingTime
  // attribute, which PAdES forbids in favour of the dictionary's /M. So the content type and
  // message digest attributes are added here and the attributes are signed by hand.
  Check(CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
                                    OBJ_nid2obj(NID_pkcs7_data), -1) == 1,
        kCrypto, "contentType attribute");
  Check(CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, digest,
                                    SHA256_DIGEST_LENGTH) == 1,
        kCrypto, "messageDigest attribute");
  Check(CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1) < 0, kCrypto,
        "unexpected signingTime attribute");

  BuiltCms out;
  out.signed_attrs = EncodeSignedAttributes(si);
  out.signature = SignBytes(cred, sha256, out.signed_attrs);
  Check(ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), out.signature.data(),
                        static_cast<int>(out.signature.size())) == 1,
        kCrypto, "ASN1_STRING_set");

  unsigned char* der = nullptr;
  const int der_length = i2d_CMS_ContentInfo(cms.get(), &der);
  Check(der_length > 0, kCrypto, "i2d_CMS_ContentInfo");
  ossl::OpenSslBytes owner(der);
  out.der.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(der_length));
  return out;
}

// The offset of the only occurrence of `needle` in `haystack`, npos if none or several.
std::size_t FindOnce(const std::string& haystack, const std::string& needle) {
  const std::size_t at = haystack.find(needle);
  if (at == std::string::npos || haystack.find(needle, at + 1) != std::string::npos) {
    return std::string::npos;
  }
  return at;
}

// Everything in our CMS is fixed by the credentials except the messageDigest value and the
// signature value, and both have a fixed length (SHA-256; an RSA PKCS#1 v1.5 signature is as
// long as the modulus). So the DER is built once with OpenSSL and each signature patches those
// two places: per Sign() only the signature itself is computed. Create() proves the shortcut on
// the spot (a patched template must equal a freshly built CMS byte for byte); where it cannot
// (randomised signatures such as ECDSA or PSS, whose length or bytes vary), every Sign() builds
// the CMS in full.
class CmsTemplate {
 public:
  CmsTemplate(const Credentials::Impl& cred, const EVP_MD* sha256) {
    unsigned char a[SHA256_DIGEST_LENGTH], b[SHA256_DIGEST_LENGTH];
    for (std::size_t i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
      a[i] = static_cast<unsigned char>(0xa5 ^ (i * 7));
      b[i] = static_cast<unsigned char>(0x3c ^ (i * 13));
    }
    BuiltCms built = BuildCms(cred, sha256, a);
    size_hint_ = built.der.size();
    const std::string digest_a(reinterpret_cast<const char*>(a), sizeof a);
    attrs_digest_at_ = FindOnce(built.signed_attrs, digest_a);
    cms_digest_at_ = FindOnce(built.der, digest_a);
    cms_signature_at_ = FindOnce(built.der, built.signature);
    if (attrs_digest_at_ == std::string::npos || cms_digest_at_ == std::string::npos ||
        cms_signature_at_ == std::string::npos) {
      return;
    }
    signed_attrs_ = std::move(built.signed_attrs);
    der_ = std::move(built.der);
    signature_length_ = built.signature.size();
    usable_ = true;
    // The proof: digest b through the template and through OpenSSL must give the same bytes.
    std::string patched;
    if (!Patch(cred, sha256, b, patched) || patched != BuildCms(cred, sha256, b).der) {
      usable_ = false;
    }
  }

  // The CMS size for this signer (exact when usable(), else typical).
  std::size_t size_hint() const { return size_hint_; }

  // The CMS for `digest`.
  std::string Build(const Credentials::Impl& cred, const EVP_MD* sha256,
                    const unsigned char (&digest)[SHA256_DIGEST_LENGTH]) const {
    std::string out;
    if (Patch(cred, sha256, digest, out)) return out;
    return BuildCms(cred, sha256, digest).der;
  }

 private:
  bool Patch(const Credentials::Impl& cred, const EVP_MD* sha256,
             const unsigned char (&digest)[SHA256_DIGEST_LENGTH], std::string& out) const {
    if (!usable_) return false;
    std::string attrs = signed_attrs_;
    std::memcpy(attrs.data() + attrs_digest_at_, digest, SHA256_DIGEST_LENGTH);
    const std::string signature = SignBytes(cred, sha256, attrs);
    if (signature.size() != signature_length_) return false;
    out = der_;
    std::memcpy(out.data() + cms_digest_at_, digest, SHA256_DIGEST_LENGTH);
    std::memcpy(out.data() + cms_signature_at_, signature.data(), signature.size());
    return true;
  }

  bool usable_ = false;
  std::size_t size_hint_ = 0;
  std::string signed_attrs_;
  std::string der_;
  std::size_t attrs_digest_at_ = 0;
  std::size_t cms_digest_at_ = 0;
  std::size_t cms_signature_at_ = 0;
  std::size_t signature_length_ = 0;
};

struct EvpMdDeleter {
  void operator()(EVP_MD* md) const noexcept { EVP_MD_free(md); }
};
using EvpMdPtr = std::unique_ptr<EVP_MD, EvpMdDeleter>;

// Bytes of CMS room beyond the exact size: covers a CMS whose size varies by a few bytes
// (ECDSA) without making /Contents, which every verifier parses, much larger than the CMS.
constexpr std::size_t kReserveMargin = 256;

// The terminal field whose fully qualified name is `name` (nullptr if none).
PoDoFo::PdfObject* FindField(PoDoFo::PdfMemDocument& doc, const std::string& name) {
  PoDoFo::PdfObject* found = nullptr;
  pdf::ForEachField(doc, [&](const std::string& field_name, PoDoFo::PdfObject* field) {
    if (found == nullptr && field_name == name) found = field;
  });
  return found;
}

bool IsName(PoDoFo::PdfObject* object, const char* name) {
  return object != nullptr && object->IsName() && object->GetName().GetName() == name;
}

// Whether any signature field carries a value (a signature).
bool HasSignature(PoDoFo::PdfMemDocument& doc) {
  bool found = false;
  pdf::ForEachField(doc, [&](const std::string&, PoDoFo::PdfObject* field) {
    found = found || (IsName(pdf::Get(doc.GetObjects(), field, "FT"), "Sig") &&
                      pdf::Get(doc.GetObjects(), field, "V") != nullptr);
  });
  return found;
}

// The /P of the document's certification signature (catalog /Perms /DocMDP), 0 if none.
PoDoFo::pdf_int64 CertificationPermissions(PoDoFo::PdfMemDocument& doc) {
  PoDoFo::PdfVecObjects& objects = doc.GetObjects();
  PoDoFo::PdfObject* sig =
      pdf::Get(objects, pdf::Get(objects, doc.GetCatalog(), "Perms"), "DocMDP");
  PoDoFo::PdfObject* references = pdf::Get(objects, sig, "Reference");
  if (references == nullptr || !references->IsArray()) return sig == nullptr ? 0 : 2;
  for (PoDoFo::PdfObject& entry : references->GetArray()) {
    PoDoFo::PdfObject* ref = pdf::Resolve(objects, &entry);
    if (!IsName(pdf::Get(objects, ref, "TransformMethod"), "DocMDP")) continue;
    PoDoFo::PdfObject* p = pdf::Get(objects, pdf::Get(objects, ref, "TransformParams"), "P");
    return p != nullptr && p->IsNumber() ? p->GetNumber() : 2;  // /P defaults to 2
  }
  return 2;
}

// The widget of a terminal field: the field itself when merged with it, else its first kid.
PoDoFo::PdfObject* WidgetOf(PoDoFo::PdfVecObjects& objects, PoDoFo::PdfObject* field) {
  if (IsName(pdf::Get(objects, field, "Subtype"), "Widget")) return field;
  PoDoFo::PdfObject* kids = pdf::Get(objects, field, "Kids");
  if (kids != nullptr && kids->IsArray() && !kids->GetArray().empty()) {
    PoDoFo::PdfObject* kid = pdf::Resolve(objects, &kids->GetArray()[0]);
    if (kid != nullptr && kid->IsDictionary()) return kid;
  }
  throw SigningError(SigningErrorCode::kArgument, "the signature field has no widget");
}

// A widget's /Rect as x, y, width, height (all zero if absent or malformed).
PoDoFo::PdfRect WidgetRect(PoDoFo::PdfVecObjects& objects, PoDoFo::PdfObject* widget) {
  PoDoFo::PdfObject* rect = pdf::Get(objects, widget, "Rect");
  if (rect == nullptr || !rect->IsArray() || rect->GetArray().size() != 4) {
    return PoDoFo::PdfRect(0, 0, 0, 0);
  }
  double v[4];
  for (std::size_t i = 0; i < 4; ++i) {
    PoDoFo::PdfObject* n = pdf::Resolve(objects, &rect->GetArray()[i]);
    if (n == nullptr || !(n->IsReal() || n->IsNumber())) return PoDoFo::PdfRect(0, 0, 0, 0);
    v[i] = n->GetReal();
  }
  return PoDoFo::PdfRect(std::min(v[0], v[2]), std::min(v[1], v[3]), std::abs(v[2] - v[0]),
                         std::abs(v[3] - v[1]));
}

void SetNormalAppearance(PoDoFo::PdfObject* widget, const PoDoFo::PdfReference& appearance) {
  PoDoFo::PdfDictionary ap;
  ap.AddKey("N", appearance);
  widget->GetDictionary().AddKey("AP", ap);
}

// What PdfSignatureField::SetSignature writes, which PdfSignOutputDevice looks for: a /ByteRange
// placeholder and the beacon in <> as /Contents.
void SetSignaturePlaceholder(PoDoFo::PdfDictionary& sig, const PoDoFo::PdfData& beacon) {
  const std::string contents = "<" + beacon.data() + ">";
  sig.AddKey("ByteRange",
             PoDoFo::PdfVariant(PoDoFo::PdfData("[ 0 1234567890 1234567890 1234567890]")));
  sig.AddKey(PoDoFo::PdfName::KeyContents,
             PoDoFo::PdfVariant(PoDoFo::PdfData(contents.c_str(), contents.size())));
}

// Every field named in lock_fields exists ("all" alone locks every field).
void CheckLockFields(PoDoFo::PdfMemDocument& doc, const SignRequest& request) {
  const std::vector<std::string>& names = request.lock_fields;
  if (names.size() == 1 && names[0] == "all") return;
  for (const std::string& name : names) {
    if (name == "all") {
      throw SigningError(SigningErrorCode::kArgument, "\"all\" cannot be combined with names");
    }
    if (name != request.field_name && FindField(doc, name) == nullptr) {
      throw SigningError(SigningErrorCode::kArgument, "no field " + name + " to lock");
    }
  }
}

PoDoFo::PdfDictionary TransformParams() {
  PoDoFo::PdfDictionary params;
  params.AddKey("Type", PoDoFo::PdfName("TransformParams"));
  params.AddKey("V", PoDoFo::PdfName("1.2"));
  return params;
}

// /Reference: DocMDP for a certification (and the catalog's /Perms), FieldMDP for field locks
// (and the field's /Lock). ISO 32000-1 12.8.2.2 and 12.8.2.4.
void AddReferences(PoDoFo::PdfMemDocument& doc, const SignRequest& request,
                   PoDoFo::PdfObject* field, PoDoFo::PdfObject* sig) {
  using namespace PoDoFo;
  PdfArray references;
  if (request.certify != DocMdp::kNone) {
    PdfDictionary params = TransformParams();
    params.AddKey("P", PdfObject(static_cast<pdf_int64>(request.certify)));
    PdfDictionary reference;
    reference.AddKey("Type", PdfName("SigRef"));
    reference.AddKey("TransformMethod", PdfName("DocMDP"));
    reference.AddKey("TransformParams", params);
    references.push_back(reference);
    PdfDictionary& catalog = doc.GetCatalog()->GetDictionary();
    PdfObject* perms = pdf::Get(doc.GetObjects(), doc.GetCatalog(), "Perms");
    PdfDictionary merged =
        perms != nullptr && perms->IsDictionary() ? perms->GetDictionary() : PdfDictionary();
    merged.AddKey("DocMDP", sig->Reference());
    catalog.AddKey("Perms", merged);
  }
  if (!request.lock_fields.empty()) {
    PdfDictionary lock;
    const bool all = request.lock_fields.size() == 1 && request.lock_fields[0] == "all";
    lock.AddKey("Action", PdfName(all ? "All" : "Include"));
    if (!all) {
      PdfArray fields;
      for (const std::string& name : request.lock_fields) fields.push_back(Utf8String(name));
      lock.AddKey("Fields", fields);
    }
    PdfDictionary params = TransformParams();
    for (const auto& [key, value] : lock.GetKeys()) params.AddKey(key, *value);
    PdfDictionary reference;
    reference.AddKey("Type", PdfName("SigRef"));
    reference.AddKey("TransformMethod", PdfName("FieldMDP"));
    reference.AddKey("TransformParams", params);
    reference.AddKey("Data", doc.GetCatalog()->Reference());
    references.push_back(reference);
    // The field's lock dictionary (an indirect object, 12.7.4.5) states the same set.
    PdfObject* lock_object = doc.GetObjects().CreateObject("SigFieldLock");
    for (const auto& [key, value] : lock.GetKeys()) {
      lock_object->GetDictionary().AddKey(key, *value);
    }
    field->GetDictionary().AddKey("Lock", lock_object->Reference());
  }
  if (!references.empty()) sig->GetDictionary().AddKey("Reference", references);
}

// After loading for update, PoDoFo invents an Info dictionary dated "now" (local time) for a
// document that has none, and derives the trailer /ID from it. Date it with the signing clock
// instead so that signing stays deterministic.
void PinNewInfoDates(PoDoFo::PdfMemDocument& doc, const std::string& date) {
  PoDoFo::PdfObject* info =
      pdf::Get(doc.GetObjects(), const_cast<PoDoFo::PdfObject*>(doc.GetTrailer()), "Info");
  if (info == nullptr || !info->IsDirty() || !info->IsDictionary()) return;  // parsed: keep
  PoDoFo::PdfDictionary& dict = info->GetDictionary();
  if (dict.HasKey("CreationDate")) dict.AddKey("CreationDate", PoDoFo::PdfString(date));
  if (dict.HasKey("ModDate")) dict.AddKey("ModDate", PoDoFo::PdfString(date));
}

class PdfSigner final : public Signer {
 public:
  PdfSigner(Credentials credentials, const SignerOptions& options)
      : credentials_(std::move(credentials)),
        options_(options),
        // SM2 keys sign with SM3 (GB/T 35276): the byte ranges, the messageDigest attribute and
        // the signature all use it; every other key uses SHA-256. Both digests are 32 bytes.
        sha256_(
            CheckPtr(EVP_MD_fetch(nullptr, IsSm2(credentials_.impl()) ? "SM3" : "SHA256", nullptr),
                     kCrypto, "EVP_MD_fetch")),
        cms_(credentials_.impl(), sha256_.get()),
        // SignerOptions::reserved_signature_bytes is the most that is reserved: /Contents gets
        // the CMS size of these credentials plus a margin, if that is less.
        reserved_(std::min(options.reserved_signature_bytes, cms_.size_hint() + kReserveMargin) +
                  // B-T: the token plus its attribute's framing (OID, SET, [1]).
                  (options.timestamp ? options.timestamp->TokenSizeEstimate() + 64 : 0)) {}

  std::string Sign(std::string_view pdf, const SignRequest& request) const override {
    if (request.field_name.empty()) {
      throw SigningError(SigningErrorCode::kArgument, "empty signature field name");
    }
    if (request.field_name.find('.') != std::string::npos) {
      throw SigningError(SigningErrorCode::kArgument, "field name must not contain '.'");
    }
    if (options_.reserved_signature_bytes < 1024 ||
        options_.reserved_signature_bytes > (1u << 20)) {
      throw SigningError(SigningErrorCode::kArgument, "reserved_signature_bytes out of range");
    }
    if (request.width < 0 || request.height < 0) {
      throw SigningError(SigningErrorCode::kArgument, "negative signature rectangle");
    }
    pdf::QuietPodofo();
    try {
      return SignPdf(pdf, request);
    } catch (const PoDoFo::PdfError& e) {
      throw SigningError(SigningErrorCode::kPdf, "PDF error: " + pdf::Describe(e));
    }
  }

 private:
  std::string SignPdf(std::string_view pdf, const SignRequest& request) const {
    using namespace PoDoFo;
    if (pdf.size() > static_cast<std::size_t>(std::numeric_limits<long>::max())) {
      throw SigningError(SigningErrorCode::kArgument, "PDF too large");
    }
    // The signed bytes begin with the whole input: hashed on a helper thread, if one is idle,
    // while PoDoFo loads the document and writes the update.
    DigestAhead ahead(sha256_.get(), pdf, options_.digest_ahead);
    PdfMemDocument doc;
    // The document reads `pdf` in place (no copies) for as long as it lives.
    doc.LoadFromDevice(pdf::InputDeviceOver(pdf), /*bForUpdate=*/true);
    PdfVecObjects& objects = doc.GetObjects();
    PdfObject* existing = FindField(doc, request.field_name);
    const bool certified_locked = CertificationPermissions(doc) == 1;
    if (certified_locked) {
      throw SigningError(SigningErrorCode::kArgument,
                         "the document is certified with no changes allowed (DocMDP P1)");
    }
    if (request.certify != DocMdp::kNone && HasSignature(doc)) {
      throw SigningError(SigningErrorCode::kArgument,
                         "a certification must be the document's first signature");
    }
    CheckLockFields(doc, request);
    const std::string date = PdfDateUtc(options_.clock());
    PinNewInfoDates(doc, date);

    PdfAcroForm* acroform = doc.GetAcroForm(true, ePdfAcroFormDefaultAppearance_None);
    acroform->GetObject()->GetDictionary().AddKey(PdfName("SigFlags"), PdfObject(pdf_int64{3}));
    PdfObject* field_object = nullptr;
    PdfObject* widget_object = nullptr;
    PdfObject* sig_object = nullptr;
    PdfRect rect(0, 0, 0, 0);
    // Keeps the new field's PoDoFo wrapper alive while its objects are edited.
    std::unique_ptr<PdfSignatureField> new_field;
    if (existing != nullptr) {
      // A prepared field: sign it in place, keeping its widget and rectangle.
      if (!IsName(pdf::Get(objects, existing, "FT"), "Sig")) {
        throw SigningError(SigningErrorCode::kArgument,
                           "field " + request.field_name + " is not a signature field");
      }
      if (existing->GetDictionary().HasKey("V")) {
        throw SigningError(SigningErrorCode::kArgument,
                           "field " + request.field_name + " is signed already");
      }
      field_object = existing;
      widget_object = WidgetOf(objects, existing);
      rect = WidgetRect(objects, widget_object);
      sig_object = objects.CreateObject("Sig");
      sig_object->GetDictionary().AddKey(PdfName::KeyFilter, PdfName("Adobe.PPKLite"));
      field_object->GetDictionary().AddKey("V", sig_object->Reference());
    } else {
      if (request.page < 0 || request.page >= doc.GetPageCount()) {
        throw SigningError(SigningErrorCode::kArgument,
                           "page " + std::to_string(request.page) + " does not exist");
      }
      PdfPage* page = doc.GetPage(request.page);
      const bool visible = request.width > 0 && request.height > 0;
      rect = visible ? PdfRect(request.x, request.y, request.width, request.height)
                     : PdfRect(0, 0, 0, 0);
      PdfAnnotation* widget = page->CreateAnnotation(ePdfAnnotation_Widget, rect);
      widget->SetFlags(ePdfAnnotationFlags_Print);
      new_field = std::make_unique<PdfSignatureField>(widget, acroform, &doc);
      new_field->SetFieldName(Utf8String(request.field_name));
      field_object = new_field->GetFieldObject();
      widget_object = widget->GetObject();
      sig_object = new_field->GetSignatureObject();
    }
    if (sig_object == nullptr || widget_object == nullptr) {
      throw SigningError(SigningErrorCode::kPdf, "no signature or widget object");
    }
    // PoDoFo dates the new field/annotation (/M) with the local "now"; use the signing clock.
    widget_object->GetDictionary().AddKey(PdfName("M"), PdfString(date));
    const bool visible = rect.GetWidth() > 0 && rect.GetHeight() > 0;
    if (request.seal) {
      if (!visible) {
        throw SigningError(SigningErrorCode::kArgument,
                           "a seal needs a signature field with a rectangle");
      }
      PdfObject* appearance = seal::CreateAppearance(doc, rect.GetWidth(), rect.GetHeight(),
                                                     SealTextFor(*request.seal, date));
      SetNormalAppearance(widget_object, appearance->Reference());
    } else if (visible && !widget_object->GetDictionary().HasKey("AP")) {
      // An empty appearance: the visible signature block is drawn by the form itself; the
      // widget only marks where it is. Viewers want /AP on every visible widget.
      PdfXObject appearance(PdfRect(0, 0, rect.GetWidth(), rect.GetHeight()), &doc);
      SetNormalAppearance(widget_object, appearance.GetObject()->Reference());
    }
    PdfDictionary& sig_dict = sig_object->GetDictionary();
    if (!request.reason.empty()) sig_dict.AddKey("Reason", Utf8String(request.reason));
    if (!request.location.empty()) sig_dict.AddKey("Location", Utf8String(request.location));
    sig_dict.AddKey(PdfName("M"), PdfString(date));
    sig_dict.AddKey(PdfName("SubFilter"), PdfName("ETSI.CAdES.detached"));
    AddReferences(doc, request, field_object, sig_object);
    // Fonts used by a seal appearance are written as subsets now that every glyph is known.
    doc.EmbedSubsetFonts();

    // The output is the original bytes, then the update PoDoFo appends; room for it all up front
    // so that nothing is copied again while PoDoFo writes. The device refuses writes into the
    // original bytes, so the update cannot alter what is signed.
    const std::size_t reserved = reserved_;
    std::string out;
    out.reserve(pdf.size() + 2 * reserved + 16384);
    out.append(pdf);
    pdf::StringOutputDevice device(out);
    PdfSignOutputDevice sign_device(&device);
    sign_device.SetSignatureSize(reserved);
    SetSignaturePlaceholder(sig_dict, *sign_device.GetSignatureBeacon());
    doc.WriteUpdate(&sign_device, /*bTruncate=*/false);
    if (!sign_device.HasSignaturePosition()) {
      throw SigningError(SigningErrorCode::kPdf, "signature placeholder not found in the output");
    }
    const PdfArray range = sign_device.AdjustByteRange();
    const std::size_t length = out.size();
    const auto start2 = static_cast<std::size_t>(range[2].GetNumber());
    const auto length1 = static_cast<std::size_t>(range[1].GetNumber());
    const auto length2 = static_cast<std::size_t>(range[3].GetNumber());
    if (range[0].GetNumber() != 0 || start2 + length2 != length || length1 < pdf.size() ||
        start2 != length1 + 2 * reserved + 2 || out[length1] != '<' || out[start2 - 1] != '>') {
      throw SigningError(SigningErrorCode::kPdf, "inconsistent /ByteRange");
    }

    unsigned char digest[SHA256_DIGEST_LENGTH];
    ossl::EvpMdCtxPtr md(CheckPtr(EVP_MD_CTX_new(), kCrypto, "EVP_MD_CTX_new"));
    Check(ahead.StateAt(pdf.size(), md.get()) &&
              EVP_DigestUpdate(md.get(), out.data() + pdf.size(), length1 - pdf.size()) == 1 &&
              EVP_DigestUpdate(md.get(), out.data() + start2, length2) == 1 &&
              EVP_DigestFinal_ex(md.get(), digest, nullptr) == 1,
          kCrypto, "SHA-256 of the byte ranges");
    std::string cms = cms_.Build(credentials_.impl(), sha256_.get(), digest);
    if (options_.timestamp) cms = AddSignatureTimestamp(cms, *options_.timestamp);  // B-T
    if (cms.size() > reserved) {
      throw SigningError(SigningErrorCode::kArgument,
                         "the CMS (" + std::to_string(cms.size()) +
                             " bytes) does not fit reserved_signature_bytes (" +
                             std::to_string(reserved) + ")");
    }
    // /Contents: the CMS in upper-case hex, zero-padded to the reserved size, between < and >.
    static constexpr char kHex[] = "0123456789ABCDEF";
    char* hex = out.data() + length1 + 1;
    for (const char c : cms) {
      const auto byte = static_cast<unsigned char>(c);
      *hex++ = kHex[byte >> 4];
      *hex++ = kHex[byte & 0x0f];
    }
    std::memset(hex, '0', 2 * (reserved - cms.size()));
    return out;
  }

  // The seal's text, defaults filled from the certificate and the signing date.
  seal::SealText SealTextFor(const SealAppearance& appearance, const std::string& pdf_date) const {
    if (appearance.font_path.empty()) {
      throw SigningError(SigningErrorCode::kArgument, "a seal needs SealAppearance::font_path");
    }
    seal::SealText text;
    text.font_path = appearance.font_path;
    text.organization = appearance.organization;
    if (text.organization.empty()) {
      text.organization = ossl::NameEntry(
          X509_get_subject_name(credentials_.impl().certificate.get()), NID_organizationName);
    }
    text.purpose = appearance.purpose;
    text.signer_name =
        appearance.signer_name.empty() ? credentials_.CommonName() : appearance.signer_name;
    // "D:YYYYMMDD..." → "YYYY-MM-DD".
    text.date = appearance.date.empty() ? pdf_date.substr(2, 4) + "-" + pdf_date.substr(6, 2) +
                                              "-" + pdf_date.substr(8, 2)
                                        : appearance.date;
    return text;
  }

  Credentials credentials_;
  SignerOptions options_;
  EvpMdPtr sha256_;
  CmsTemplate cms_;
  std::size_t reserved_;
};

}  // namespace

std::unique_ptr<Signer> Signer::Create(Credentials credentials, const SignerOptions& options) {
  if (!options.clock)
    throw SigningError(SigningErrorCode::kArgument, "SignerOptions::clock is empty");
  return std::make_unique<PdfSigner>(std::move(credentials), options);
}

}  // namespace sealflow::signing
