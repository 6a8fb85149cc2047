// Copyright sealflow authors.
// PAdES B-T (signature timestamp attribute) and B-LTA (document timestamp) on top of the RFC 3161
// client.
#include <algorithm>
#include <cstring>
#include <ctime>
#include <limits>

#include "pdf_util.h"
#include "signing/error.h"
#include "signing/timestamp.h"
#include "timestamp_internal.h"
#include "timestamp_pdf.h"
#include "tsa_util.h"

namespace sealflow::signing {
namespace {

using ossl::Check;
using ossl::CheckPtr;
constexpr auto kCrypto = SigningErrorCode::kCrypto;

bool FieldExists(PoDoFo::PdfMemDocument& doc, const std::string& name) {
  bool found = false;
  pdf::ForEachField(doc, [&](const std::string& field_name, PoDoFo::PdfObject*) {
    found = found || field_name == name;
  });
  return found;
}

}  // namespace

namespace pdf {

void PinInfoDates(PoDoFo::PdfMemDocument& doc, std::chrono::system_clock::time_point when) {
  PoDoFo::PdfObject* trailer = const_cast<PoDoFo::PdfObject*>(doc.GetTrailer());
  PoDoFo::PdfObject* info = Get(doc.GetObjects(), trailer, "Info");
  if (info == nullptr || !info->IsDictionary() || !info->IsDirty()) return;
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[32];
  std::strftime(date, sizeof date, "D:%Y%m%d%H%M%S+00'00'", &tm);
  PoDoFo::PdfDictionary& dict = info->GetDictionary();
  if (dict.HasKey("ModDate")) dict.AddKey("ModDate", PoDoFo::PdfString(date));
  // Made up at load (numbered beyond the original /Size): its /CreationDate is "now" too.
  const PoDoFo::PdfObject* size = Get(doc.GetObjects(), trailer, "Size");
  if (size != nullptr && size->IsNumber() && info->Reference().IsIndirect() &&
      static_cast<PoDoFo::pdf_int64>(info->Reference().ObjectNumber()) >= size->GetNumber() &&
      dict.HasKey("CreationDate")) {
    dict.AddKey("CreationDate", PoDoFo::PdfString(date));
  }
}

}  // namespace pdf

namespace {

std::string DocumentTimestampPdf(std::string_view pdf, const TimestampClient& client,
                                 const DocumentTimestampRequest& request) {
  using namespace PoDoFo;
  if (pdf.size() > static_cast<std::size_t>(std::numeric_limits<long>::max())) {
    throw SigningError(SigningErrorCode::kArgument, "PDF too large");
  }
  PdfMemDocument doc;
  doc.LoadFromDevice(pdf::InputDeviceOver(pdf), /*bForUpdate=*/true);
  if (doc.GetPageCount() < 1) throw SigningError(SigningErrorCode::kPdf, "the PDF has no page");
  if (FieldExists(doc, request.field_name)) {
    throw SigningError(SigningErrorCode::kArgument,
                       "field " + request.field_name + " exists already");
  }
  pdf::PinInfoDates(doc, request.clock());
  PdfAcroForm* acroform = doc.GetAcroForm(true, ePdfAcroFormDefaultAppearance_None);
  acroform->GetObject()->GetDictionary().AddKey(PdfName("SigFlags"), PdfObject(pdf_int64{3}));
  PdfAnnotation* widget =
      doc.GetPage(0)->CreateAnnotation(ePdfAnnotation_Widget, PdfRect(0, 0, 0, 0));
  widget->SetFlags(ePdfAnnotationFlags_Print);
  // PoDoFo dates a new annotation with the local "now" (/M); a document timestamp's only time is
  // the token's, and the output must not depend on the machine's clock.
  widget->GetObject()->GetDictionary().RemoveKey(PdfName("M"));
  PdfSignatureField field(widget, acroform, &doc);
  field.SetFieldName(PdfString(request.field_name));
  PdfDictionary& value = field.GetSignatureObject()->GetDictionary();
  value.AddKey(PdfName("Type"), PdfName("DocTimeStamp"));
  value.AddKey(PdfName("Filter"), PdfName("Adobe.PPKLite"));
  value.AddKey(PdfName("SubFilter"), PdfName("ETSI.RFC3161"));
  value.RemoveKey(PdfName("M"));

  const std::size_t reserved = client.TokenSizeEstimate();
  std::string out;
  out.reserve(pdf.size() + 2 * reserved + 16384);
  out.append(pdf);
  pdf::StringOutputDevice device(out);
  PdfSignOutputDevice sign_device(&device);
  sign_device.SetSignatureSize(reserved);
  field.SetSignature(*sign_device.GetSignatureBeacon());
  doc.WriteUpdate(&sign_device, /*bTruncate=*/false);
  if (!sign_device.HasSignaturePosition()) {
    throw SigningError(SigningErrorCode::kPdf, "signature placeholder not found in the output");
  }
  const PdfArray range = sign_device.AdjustByteRange();
  const auto length1 = static_cast<std::size_t>(range[1].GetNumber());
  const auto start2 = static_cast<std::size_t>(range[2].GetNumber());
  const auto length2 = static_cast<std::size_t>(range[3].GetNumber());
  if (range[0].GetNumber() != 0 || start2 + length2 != out.size() || length1 < pdf.size() ||
      start2 != length1 + 2 * reserved + 2 || out[length1] != '<' || out[start2 - 1] != '>') {
    throw SigningError(SigningErrorCode::kPdf, "inconsistent /ByteRange");
  }
  std::string covered;
  covered.reserve(length1 + length2);
  covered.append(out, 0, length1).append(out, start2, length2);
  const std::string token = client.Timestamp(Sha256(covered));
  if (token.size() > reserved) {
    throw SigningError(SigningErrorCode::kTimestamp,
                       "the timestamp token (" + std::to_string(token.size()) +
                           " bytes) is larger than the TSA's size estimate (" +
                           std::to_string(reserved) + ")");
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  char* hex = out.data() + length1 + 1;
  for (const char c : token) {
    const auto byte = static_cast<unsigned char>(c);
    *hex++ = kHex[byte >> 4];
    *hex++ = kHex[byte & 0x0f];
  }
  std::memset(hex, '0', 2 * (reserved - token.size()));
  return out;
}

}  // namespace

std::string AddSignatureTimestamp(const std::string& cms_der, const TimestampClient& client) {
  auto cms = ossl::FromDer<CMS_ContentInfo, CMS_ContentInfo_free>(cms_der, d2i_CMS_ContentInfo);
  Check(cms != nullptr, kCrypto, "the CMS to timestamp does not parse");
  STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms.get());
  Check(sk_CMS_SignerInfo_num(infos) == 1, kCrypto, "the CMS must have exactly one SignerInfo");
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, 0);
  const ASN1_OCTET_STRING* signature = CMS_SignerInfo_get0_signature(si);
  const std::string token = client.Timestamp(
      Sha256(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(signature)),
                              static_cast<std::size_t>(ASN1_STRING_length(signature)))));
  Check(token.size() <= static_cast<std::size_t>(std::numeric_limits<int>::max()), kCrypto,
        "timestamp token too large");
  // A SEQUENCE-typed attribute value holds the complete DER of the token.
  Check(CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE,
                                      token.data(), static_cast<int>(token.size())) == 1,
        kCrypto, "signature-time-stamp attribute");
  return ossl::ToDer<CMS_ContentInfo>(cms.get(), i2d_CMS_ContentInfo, "i2d_CMS_ContentInfo");
}

std::string AddDocumentTimestamp(std::string_view pdf, const TimestampClient& client,
                                 const DocumentTimestampRequest& request) {
  if (!request.clock) throw SigningError(SigningErrorCode::kArgument, "empty clock");
  if (request.field_name.empty() || request.field_name.find('.') != std::string::npos) {
    throw SigningError(SigningErrorCode::kArgument,
                       "the field name must be non-empty and without '.'");
  }
  const std::size_t reserved = client.TokenSizeEstimate();
  if (reserved < 1024 || reserved > (1u << 20)) {
    throw SigningError(SigningErrorCode::kArgument, "token size estimate out of range");
  }
  pdf::QuietPodofo();
  try {
    return DocumentTimestampPdf(pdf, client, request);
  } catch (const PoDoFo::PdfError& e) {
    throw SigningError(SigningErrorCode::kPdf, "PDF error: " + pdf::Describe(e));
  }
}

}  // namespace sealflow::signing
