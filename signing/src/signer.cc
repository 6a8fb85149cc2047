// Copyright sealflow authors.
#include "signing/signer.h"

#include <openssl/objects.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <limits>
#include <vector>

#include "credentials_impl.h"
#include "openssl_util.h"
#include "pdf_util.h"
#include "signing/error.h"

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

// A detached CMS SignedData (CAdES baseline B-B) over content whose SHA-256 is `digest`.
std::string BuildCms(const Credentials::Impl& cred,
                     const unsigned char (&digest)[SHA256_DIGEST_LENGTH]) {
  const unsigned int flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL;
  ossl::CmsPtr cms(
      CheckPtr(CMS_sign(nullptr, nullptr, nullptr, nullptr, flags), kCrypto, "CMS_sign"));
  // CMS_CADES adds signing-certificate-v2 (ESS) for the SHA-256 signer.
  CMS_SignerInfo* si = CheckPtr(CMS_add1_signer(cms.get(), cred.certificate.get(), cred.key.get(),
                                                EVP_sha256(), flags | CMS_CADES | CMS_NOSMIMECAP),
                                kCrypto, "CMS_add1_signer");
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

  const std::string to_sign = EncodeSignedAttributes(si);
  ossl::EvpMdCtxPtr ctx(CheckPtr(EVP_MD_CTX_new(), kCrypto, "EVP_MD_CTX_new"));
  Check(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, cred.key.get()) == 1, kCrypto,
        "EVP_DigestSignInit");
  std::size_t sig_length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(to_sign.data());
  Check(EVP_DigestSign(ctx.get(), nullptr, &sig_length, data, to_sign.size()) == 1, kCrypto,
        "EVP_DigestSign");
  std::vector<unsigned char> signature(sig_length);
  Check(EVP_DigestSign(ctx.get(), signature.data(), &sig_length, data, to_sign.size()) == 1,
        kCrypto, "EVP_DigestSign");
  Check(ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), signature.data(),
                        static_cast<int>(sig_length)) == 1,
        kCrypto, "ASN1_STRING_set");

  unsigned char* der = nullptr;
  const int der_length = i2d_CMS_ContentInfo(cms.get(), &der);
  Check(der_length > 0, kCrypto, "i2d_CMS_ContentInfo");
  ossl::OpenSslBytes owner(der);
  return std::string(reinterpret_cast<const char*>(der), static_cast<std::size_t>(der_length));
}

bool FieldExists(PoDoFo::PdfMemDocument& doc, const std::string& name) {
  bool found = false;
  pdf::ForEachField(doc, [&](const std::string& field_name, PoDoFo::PdfObject*) {
    found = found || field_name == name;
  });
  return found;
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
      : credentials_(std::move(credentials)), options_(options) {}

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
    PdfMemDocument doc;
    doc.LoadFromBuffer(pdf.data(), static_cast<long>(pdf.size()), /*bForUpdate=*/true);
    if (request.page < 0 || request.page >= doc.GetPageCount()) {
      throw SigningError(SigningErrorCode::kArgument,
                         "page " + std::to_string(request.page) + " does not exist");
    }
    if (FieldExists(doc, request.field_name)) {
      throw SigningError(SigningErrorCode::kArgument,
                         "field " + request.field_name + " exists already");
    }
    const std::string date = PdfDateUtc(options_.clock());
    PinNewInfoDates(doc, date);

    PdfAcroForm* acroform = doc.GetAcroForm(true, ePdfAcroFormDefaultAppearance_None);
    acroform->GetObject()->GetDictionary().AddKey(PdfName("SigFlags"), PdfObject(pdf_int64{3}));
    PdfPage* page = doc.GetPage(request.page);
    const bool visible = request.width > 0 && request.height > 0;
    const PdfRect rect = visible ? PdfRect(request.x, request.y, request.width, request.height)
                                 : PdfRect(0, 0, 0, 0);
    PdfAnnotation* widget = page->CreateAnnotation(ePdfAnnotation_Widget, rect);
    widget->SetFlags(ePdfAnnotationFlags_Print);
    PdfSignatureField field(widget, acroform, &doc);
    if (visible) {
      // An empty appearance: the visible signature block is drawn by the form itself; the
      // widget only marks where it is. Viewers want /AP on every visible widget.
      PdfXObject appearance(PdfRect(0, 0, request.width, request.height), &doc);
      field.SetAppearanceStream(&appearance);
    }
    field.SetFieldName(Utf8String(request.field_name));
    // PoDoFo dates the new field/annotation (/M) with the local "now"; use the signing clock.
    widget->GetObject()->GetDictionary().AddKey(PdfName("M"), PdfString(date));
    if (!request.reason.empty()) field.SetSignatureReason(Utf8String(request.reason));
    if (!request.location.empty()) field.SetSignatureLocation(Utf8String(request.location));
    PdfDictionary& sig_dict = field.GetSignatureObject()->GetDictionary();
    sig_dict.AddKey(PdfName("M"), PdfString(date));
    sig_dict.AddKey(PdfName("SubFilter"), PdfName("ETSI.CAdES.detached"));

    // Room for the whole output up front: no regrowth copies while PoDoFo writes.
    const std::size_t reserved = options_.reserved_signature_bytes;
    PdfRefCountedBuffer buffer(pdf.size() + 2 * reserved + 16384);
    PdfOutputDevice device(&buffer);
    PdfSignOutputDevice sign_device(&device);
    sign_device.SetSignatureSize(reserved);
    field.SetSignature(*sign_device.GetSignatureBeacon());
    doc.WriteUpdate(&sign_device, /*bTruncate=*/true);
    if (!sign_device.HasSignaturePosition()) {
      throw SigningError(SigningErrorCode::kPdf, "signature placeholder not found in the output");
    }
    const PdfArray range = sign_device.AdjustByteRange();
    // The device's length, not the buffer's size: the buffer is larger than what was written.
    const std::size_t length = sign_device.GetLength();
    const char* bytes = buffer.GetBuffer();
    const auto start2 = static_cast<std::size_t>(range[2].GetNumber());
    const auto length1 = static_cast<std::size_t>(range[1].GetNumber());
    const auto length2 = static_cast<std::size_t>(range[3].GetNumber());
    if (range[0].GetNumber() != 0 || start2 + length2 != length || length1 >= start2) {
      throw SigningError(SigningErrorCode::kPdf, "inconsistent /ByteRange");
    }
    if (std::memcmp(bytes, pdf.data(), pdf.size()) != 0) {
      throw SigningError(SigningErrorCode::kPdf,
                         "the incremental update altered the original bytes");
    }

    unsigned char digest[SHA256_DIGEST_LENGTH];
    ossl::EvpMdCtxPtr md(CheckPtr(EVP_MD_CTX_new(), kCrypto, "EVP_MD_CTX_new"));
    Check(EVP_DigestInit_ex(md.get(), EVP_sha256(), nullptr) == 1 &&
              EVP_DigestUpdate(md.get(), bytes, length1) == 1 &&
              EVP_DigestUpdate(md.get(), bytes + start2, length2) == 1 &&
              EVP_DigestFinal_ex(md.get(), digest, nullptr) == 1,
          kCrypto, "SHA-256 of the byte ranges");
    const std::string cms = BuildCms(credentials_.impl(), digest);
    if (cms.size() > reserved) {
      throw SigningError(SigningErrorCode::kArgument,
                         "the CMS (" + std::to_string(cms.size()) +
                             " bytes) does not fit reserved_signature_bytes (" +
                             std::to_string(reserved) + ")");
    }
    sign_device.SetSignature(PdfData(cms.data(), cms.size()));
    sign_device.Flush();
    return std::string(buffer.GetBuffer(), length);
  }

  Credentials credentials_;
  SignerOptions options_;
};

}  // namespace

std::unique_ptr<Signer> Signer::Create(Credentials credentials, const SignerOptions& options) {
  if (!options.clock)
    throw SigningError(SigningErrorCode::kArgument, "SignerOptions::clock is empty");
  return std::make_unique<PdfSigner>(std::move(credentials), options);
}

}  // namespace sealflow::signing
