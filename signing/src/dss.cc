// Copyright sealflow authors.
// PAdES B-LT: the document security store (ETSI EN 319 142-1 5.4, ISO 32000-2 12.8.4.3).
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <limits>
#include <set>
#include <vector>

#include "pdf_util.h"
#include "signing/error.h"
#include "signing/timestamp.h"
#include "timestamp_pdf.h"
#include "tsa_util.h"

namespace sealflow::signing {
namespace {

using ossl::Check;
using ossl::CheckPtr;
constexpr auto kArgument = SigningErrorCode::kArgument;

using OcspResponsePtr =
    std::unique_ptr<OCSP_RESPONSE, ossl::Deleter<OCSP_RESPONSE, OCSP_RESPONSE_free>>;

// The decoded /Contents of every signature field's value (signatures and document timestamps).
std::vector<std::string> SignatureContents(PoDoFo::PdfMemDocument& doc) {
  std::vector<std::string> out;
  PoDoFo::PdfVecObjects& objects = doc.GetObjects();
  pdf::ForEachField(doc, [&](const std::string&, PoDoFo::PdfObject* field) {
    PoDoFo::PdfObject* type = pdf::Get(objects, field, "FT");
    if (type == nullptr || !type->IsName() || type->GetName() != PoDoFo::PdfName("Sig")) return;
    PoDoFo::PdfObject* contents = pdf::Get(objects, pdf::Get(objects, field, "V"), "Contents");
    if (contents == nullptr || !(contents->IsString() || contents->IsHexString())) return;
    const PoDoFo::PdfString& string = contents->GetString();
    out.emplace_back(string.GetString(), string.GetLength());
  });
  return out;
}

// The first DER object in `bytes` (the CMS without /Contents' zero padding) as a CMS.
ossl::CmsPtr LeadingCms(std::string_view bytes) {
  const auto* cursor = reinterpret_cast<const unsigned char*>(bytes.data());
  ossl::CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &cursor, static_cast<long>(bytes.size())));
  ERR_clear_error();
  return cms;
}

void AddCertificatesOf(CMS_ContentInfo* cms, std::vector<std::string>& out,
                       std::set<std::string>& seen, int depth) {
  ossl::X509StackPtr certs(CMS_get1_certs(cms));
  ERR_clear_error();
  for (int i = 0; i < sk_X509_num(certs.get()); ++i) {
    std::string der = ossl::ToDer<X509>(sk_X509_value(certs.get(), i), i2d_X509, "i2d_X509");
    if (seen.insert(der).second) out.push_back(std::move(der));
  }
  if (depth > 0) return;  // a timestamp token's own timestamps are not looked into
  STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms);
  for (int i = 0; i < sk_CMS_SignerInfo_num(infos); ++i) {
    CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, i);
    for (int at = -1;
         (at = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, at)) >= 0;) {
      const ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, at), 0);
      if (value == nullptr || value->type != V_ASN1_SEQUENCE) continue;
      const ASN1_STRING* token = value->value.sequence;
      ossl::CmsPtr inner =
          LeadingCms(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(token)),
                                      static_cast<std::size_t>(ASN1_STRING_length(token))));
      if (inner) AddCertificatesOf(inner.get(), out, seen, depth + 1);
    }
  }
}

std::string UpperHexSha1(const std::string& bytes) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char byte : digest) {
    out += kHex[byte >> 4];
    out += kHex[byte & 0x0f];
  }
  return out;
}

// One of the DSS's arrays (/Certs, /CRLs, /OCSPs): the streams already there are kept (and their
// contents remembered), new DER objects are appended as streams, each content once.
class StreamArray {
 public:
  StreamArray(PoDoFo::PdfMemDocument& doc, PoDoFo::PdfObject* existing_dss, const char* key)
      : doc_(doc) {
    PoDoFo::PdfObject* array = pdf::Get(doc.GetObjects(), existing_dss, key);
    if (array == nullptr || !array->IsArray()) return;
    for (const PoDoFo::PdfObject& entry : array->GetArray()) {
      if (!entry.IsReference()) continue;
      PoDoFo::PdfObject* stream = doc.GetObjects().GetObject(entry.GetReference());
      if (stream == nullptr || !stream->HasStream()) continue;
      char* data = nullptr;
      PoDoFo::pdf_long length = 0;
      stream->GetStream()->GetFilteredCopy(&data, &length);
      std::string bytes(data, static_cast<std::size_t>(length));
      PoDoFo::podofo_free(data);
      if (seen_.insert(bytes).second) refs_.push_back(entry.GetReference());
    }
  }

  void Add(const std::string& der) {
    if (!seen_.insert(der).second) return;
    PoDoFo::PdfObject* stream = doc_.GetObjects().CreateObject();
    stream->GetStream()->Set(der.data(), static_cast<PoDoFo::pdf_long>(der.size()));
    refs_.push_back(stream->Reference());
  }

  bool empty() const { return refs_.empty(); }
  PoDoFo::PdfArray ToArray() const {
    PoDoFo::PdfArray array;
    for (const PoDoFo::PdfReference& ref : refs_) array.push_back(PoDoFo::PdfObject(ref));
    return array;
  }

 private:
  PoDoFo::PdfMemDocument& doc_;
  std::set<std::string> seen_;
  std::vector<PoDoFo::PdfReference> refs_;
};

// A new indirect object holding `dict`. Filled key by key: PoDoFo writes an object into an
// incremental update only when it is dirty, and CreateObject(variant) does not mark it so.
PoDoFo::PdfReference NewObject(PoDoFo::PdfMemDocument& doc, const PoDoFo::PdfDictionary& dict) {
  PoDoFo::PdfObject* object = doc.GetObjects().CreateObject();
  for (const auto& [key, value] : dict.GetKeys()) object->GetDictionary().AddKey(key, *value);
  return object->Reference();
}

std::string ValidationDataPdf(std::string_view pdf, const ValidationData& data,
                              const ValidationDataOptions& options) {
  using namespace PoDoFo;
  PdfMemDocument doc;
  doc.LoadFromDevice(pdf::InputDeviceOver(pdf), /*bForUpdate=*/true);
  pdf::PinInfoDates(doc, options.clock());
  PdfObject* catalog = doc.GetCatalog();
  if (catalog == nullptr || !catalog->IsDictionary()) {
    throw SigningError(SigningErrorCode::kPdf, "the PDF has no catalog");
  }
  PdfObject* existing = pdf::Get(doc.GetObjects(), catalog, "DSS");
  if (existing != nullptr && !existing->IsDictionary()) existing = nullptr;

  StreamArray certs(doc, existing, "Certs");
  StreamArray crls(doc, existing, "CRLs");
  StreamArray ocsps(doc, existing, "OCSPs");
  for (const std::string& der : data.certificates) certs.Add(der);
  for (const std::string& der : data.crls) crls.Add(der);
  for (const std::string& der : data.ocsp_responses) ocsps.Add(der);

  PdfDictionary dss;
  dss.AddKey(PdfName("Type"), PdfName("DSS"));
  if (!certs.empty()) dss.AddKey(PdfName("Certs"), certs.ToArray());
  if (!crls.empty()) dss.AddKey(PdfName("CRLs"), crls.ToArray());
  if (!ocsps.empty()) dss.AddKey(PdfName("OCSPs"), ocsps.ToArray());

  PdfDictionary vri_dict;
  PdfObject* existing_vri = pdf::Get(doc.GetObjects(), existing, "VRI");
  if (existing_vri != nullptr && existing_vri->IsDictionary()) {
    vri_dict = existing_vri->GetDictionary();
  }
  if (options.per_signature_vri) {
    for (const std::string& contents : SignatureContents(doc)) {
      PdfDictionary entry;
      entry.AddKey(PdfName("Type"), PdfName("VRI"));
      if (!certs.empty()) entry.AddKey(PdfName("Cert"), certs.ToArray());
      if (!crls.empty()) entry.AddKey(PdfName("CRL"), crls.ToArray());
      if (!ocsps.empty()) entry.AddKey(PdfName("OCSP"), ocsps.ToArray());
      vri_dict.AddKey(PdfName(UpperHexSha1(contents)), entry);
    }
  }
  if (!vri_dict.GetKeys().empty()) {
    dss.AddKey(PdfName("VRI"), NewObject(doc, vri_dict));
  }
  catalog->GetDictionary().AddKey(PdfName("DSS"), NewObject(doc, dss));

  std::string out;
  out.reserve(pdf.size() + 16384);
  out.append(pdf);
  pdf::StringOutputDevice device(out);
  doc.WriteUpdate(&device, /*bTruncate=*/false);
  return out;
}

template <typename T, void (*Free)(T*)>
void RequireDer(const std::vector<std::string>& list, T* (*d2i)(T**, const unsigned char**, long),
                const char* what) {
  for (const std::string& der : list) {
    if (!ossl::FromDer<T, Free>(der, d2i)) {
      throw SigningError(kArgument, std::string("validation data: not a DER ") + what);
    }
  }
}

template <typename T, void (*Free)(T*)>
std::vector<std::string> ReadDer(std::string_view pem_or_der,
                                 T* (*pem_read)(BIO*, T**, pem_password_cb*, void*),
                                 T* (*d2i)(T**, const unsigned char**, long),
                                 int (*i2d)(const T*, unsigned char**), const char* what) {
  std::vector<std::string> out;
  if (pem_or_der.find("-----BEGIN") == std::string_view::npos) {
    auto object = ossl::FromDer<T, Free>(pem_or_der, d2i);
    if (!object) throw SigningError(kArgument, std::string("not a PEM or DER ") + what);
    out.push_back(ossl::ToDer<T>(object.get(), i2d, what));
    return out;
  }
  ossl::BioPtr bio = ossl::MemoryBio(pem_or_der);
  for (;;) {
    std::unique_ptr<T, ossl::Deleter<T, Free>> object(
        pem_read(bio.get(), nullptr, nullptr, nullptr));
    if (!object) {
      const unsigned long error = ERR_peek_last_error();
      const bool end = ERR_GET_LIB(error) == ERR_LIB_PEM &&
                       ERR_GET_REASON(error) == PEM_R_NO_START_LINE && !out.empty();
      ossl::Check(end, kArgument, std::string("PEM ") + what + " does not parse");
      ERR_clear_error();
      return out;
    }
    out.push_back(ossl::ToDer<T>(object.get(), i2d, what));
  }
}

}  // namespace

std::string AddValidationData(std::string_view pdf, const ValidationData& data,
                              const ValidationDataOptions& options) {
  if (!options.clock) throw SigningError(kArgument, "empty clock");
  if (pdf.size() > static_cast<std::size_t>(std::numeric_limits<long>::max())) {
    throw SigningError(kArgument, "PDF too large");
  }
  RequireDer<X509, X509_free>(data.certificates, d2i_X509, "certificate");
  RequireDer<X509_CRL, X509_CRL_free>(data.crls, d2i_X509_CRL, "CRL");
  RequireDer<OCSP_RESPONSE, OCSP_RESPONSE_free>(data.ocsp_responses, d2i_OCSP_RESPONSE,
                                                "OCSP response");
  pdf::QuietPodofo();
  try {
    return ValidationDataPdf(pdf, data, options);
  } catch (const PoDoFo::PdfError& e) {
    throw SigningError(SigningErrorCode::kPdf, "PDF error: " + pdf::Describe(e));
  }
}

std::vector<std::string> CertificatesInSignatures(std::string_view pdf) {
  pdf::QuietPodofo();
  std::vector<std::string> out;
  std::set<std::string> seen;
  try {
    PoDoFo::PdfMemDocument doc;
    doc.LoadFromDevice(pdf::InputDeviceOver(pdf));
    for (const std::string& contents : SignatureContents(doc)) {
      ossl::CmsPtr cms = LeadingCms(contents);
      if (cms) AddCertificatesOf(cms.get(), out, seen, 0);
    }
  } catch (const PoDoFo::PdfError& e) {
    throw SigningError(SigningErrorCode::kPdf, "PDF error: " + pdf::Describe(e));
  }
  return out;
}

std::vector<std::string> DerCertificates(std::string_view pem_or_der) {
  return ReadDer<X509, X509_free>(pem_or_der, PEM_read_bio_X509, d2i_X509, i2d_X509, "certificate");
}

std::vector<std::string> DerCrls(std::string_view pem_or_der) {
  return ReadDer<X509_CRL, X509_CRL_free>(pem_or_der, PEM_read_bio_X509_CRL, d2i_X509_CRL,
                                          i2d_X509_CRL, "CRL");
}

}  // namespace sealflow::signing
