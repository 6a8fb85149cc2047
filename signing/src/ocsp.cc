// Copyright sealflow authors.
#include "signing/ocsp.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>
#include <openssl/bn.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <istream>
#include <map>
#include <memory>
#include <ostream>

#include "ocsp_internal.h"
#include "openssl_util.h"
#include "signing/error.h"

namespace sealflow::signing {
namespace {

using ossl::Check;
using ossl::CheckPtr;
constexpr SigningErrorCode kCrypto = SigningErrorCode::kCrypto;

using RequestPtr = std::unique_ptr<OCSP_REQUEST, ossl::Deleter<OCSP_REQUEST, OCSP_REQUEST_free>>;
using ResponsePtr =
    std::unique_ptr<OCSP_RESPONSE, ossl::Deleter<OCSP_RESPONSE, OCSP_RESPONSE_free>>;
using CertIdPtr = std::unique_ptr<OCSP_CERTID, ossl::Deleter<OCSP_CERTID, OCSP_CERTID_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, ossl::Deleter<ASN1_TIME, ASN1_TIME_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, ossl::Deleter<BIGNUM, BN_free>>;

// A certificate given as PEM or DER.
ossl::X509Ptr ParseCertificate(std::string_view bytes) {
  if (bytes.find("-----BEGIN") != std::string_view::npos) {
    ossl::BioPtr bio = ossl::MemoryBio(bytes);
    ossl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    Check(cert != nullptr, SigningErrorCode::kArgument, "cannot read a PEM certificate");
    return cert;
  }
  const auto* cursor = reinterpret_cast<const unsigned char*>(bytes.data());
  ossl::X509Ptr cert(d2i_X509(nullptr, &cursor, static_cast<long>(bytes.size())));
  Check(cert != nullptr, SigningErrorCode::kArgument, "cannot read a DER certificate");
  return cert;
}

ossl::EvpPkeyPtr ParseKey(const std::string& pem) {
  ossl::BioPtr bio = ossl::MemoryBio(pem);
  ossl::EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  Check(key != nullptr, SigningErrorCode::kCredentials, "cannot read the responder's key");
  return key;
}

template <typename T, int (*I2d)(const T*, unsigned char**)>
std::string ToDer(const T* value) {
  unsigned char* der = nullptr;
  const int length = I2d(value, &der);
  Check(length > 0, kCrypto, "DER encoding");
  ossl::OpenSslBytes owned(der);
  return std::string(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
}

std::string ResponseDer(const OCSP_RESPONSE* response) {
  return ToDer<OCSP_RESPONSE, i2d_OCSP_RESPONSE>(response);
}

std::string Unsuccessful(int status) {
  ResponsePtr response(OCSP_response_create(status, nullptr));
  Check(response != nullptr, kCrypto, "OCSP_response_create");
  return ResponseDer(response.get());
}

// RFC 5280 §5.3.1 reason codes by OpenSSL's names (as `sealflow ca revoke` stores them); empty or
// unknown: no reason.
int ReasonCode(const std::string& reason) {
  static const char* const kNames[] = {
      "unspecified",   "keyCompromise",        "CACompromise",    "affiliationChanged",
      "superseded",    "cessationOfOperation", "certificateHold", "",
      "removeFromCRL", "privilegeWithdrawn",   "AACompromise"};
  for (int code = 0; code < static_cast<int>(std::size(kNames)); ++code) {
    if (*kNames[code] != '\0' && reason == kNames[code]) return code;
  }
  return OCSP_REVOKED_STATUS_NOSTATUS;
}

std::string DecimalSerial(const ASN1_INTEGER* serial) {
  BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  Check(bn != nullptr, kCrypto, "serial");
  char* text = BN_bn2dec(bn.get());
  Check(text != nullptr, kCrypto, "serial");
  std::string out(text);
  OPENSSL_free(text);
  return out;
}

// Reads at most `limit` + 1 bytes of `in`.
std::string ReadBounded(std::istream& in, std::size_t limit) {
  std::string out;
  char buffer[8192];
  while (out.size() <= limit && in) {
    in.read(buffer, sizeof buffer);
    out.append(buffer, static_cast<std::size_t>(in.gcount()));
  }
  return out;
}

}  // namespace

namespace ocsp {

std::string UrlOf(X509* cert) {
  STACK_OF(OPENSSL_STRING)* urls = X509_get1_ocsp(cert);
  std::string out;
  if (urls != nullptr && sk_OPENSSL_STRING_num(urls) > 0) out = sk_OPENSSL_STRING_value(urls, 0);
  X509_email_free(urls);
  ERR_clear_error();
  return out;
}

BasicPtr Query(X509* cert, X509* issuer, const std::string& url, const OcspTransport& transport,
               std::string& der) {
  RequestPtr request(CheckPtr(OCSP_REQUEST_new(), kCrypto, "OCSP_REQUEST_new"));
  OCSP_CERTID* id = CheckPtr(OCSP_cert_to_id(EVP_sha1(), cert, issuer), kCrypto, "CertID");
  if (OCSP_request_add0_id(request.get(), id) == nullptr) {
    OCSP_CERTID_free(id);
    Check(false, kCrypto, "OCSP_request_add0_id");
  }
  Check(OCSP_request_add1_nonce(request.get(), nullptr, -1) == 1, kCrypto, "nonce");
  der = transport(url, ToDer<OCSP_REQUEST, i2d_OCSP_REQUEST>(request.get()));
  const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
  ResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &cursor, static_cast<long>(der.size())));
  Check(response != nullptr, kCrypto, "OCSP 应答无法解析 / the OCSP response does not parse");
  const int status = OCSP_response_status(response.get());
  if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    throw SigningError(kCrypto, std::string("OCSP 应答方拒绝 / the OCSP responder refused: ") +
                                    OCSP_response_status_str(status));
  }
  BasicPtr basic(OCSP_response_get1_basic(response.get()));
  Check(basic != nullptr, kCrypto, "OCSP 应答无 BasicOCSPResponse / no basic OCSP response");
  Check(OCSP_check_nonce(request.get(), basic.get()) == 1, kCrypto,
        "OCSP 应答未回显 nonce / the OCSP response does not echo the nonce");
  return basic;
}

}  // namespace ocsp

OcspTransport HttpOcspTransport(std::chrono::milliseconds timeout, std::size_t max_response_bytes) {
  return [timeout, max_response_bytes](const std::string& url, const std::string& body) {
    const Poco::URI uri(url);
    if (uri.getScheme() != "http" || uri.getHost().empty()) {
      throw SigningError(SigningErrorCode::kArgument,
                         "OCSP 地址须为 http:// / the OCSP URL must be http://: " + url);
    }
    Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
    session.setTimeout(
        Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(timeout.count()) * 1000));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST,
                                   uri.getPathAndQuery().empty() ? "/" : uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/ocsp-request");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) {
      throw SigningError(kCrypto, "OCSP 应答方 HTTP 状态 / OCSP responder HTTP status " +
                                      std::to_string(static_cast<int>(response.getStatus())));
    }
    if (response.getContentType() != "application/ocsp-response") {
      throw SigningError(
          kCrypto, "OCSP 应答类型错误 / wrong OCSP content type: " + response.getContentType());
    }
    std::string out = ReadBounded(in, max_response_bytes);
    if (out.size() > max_response_bytes) {
      throw SigningError(kCrypto, "OCSP 应答过大 / OCSP response too large");
    }
    return out;
  };
}

std::string AnswerOcspRequest(std::string_view der_request, const IssuedIdentity& ca,
                              const OcspResponderData& data,
                              std::chrono::system_clock::time_point now,
                              std::chrono::seconds validity,
                              const IssuedIdentity* delegated_responder) {
  ERR_clear_error();
  const ossl::X509Ptr cert = ParseCertificate(ca.cert_pem);
  const IssuedIdentity& signer = delegated_responder != nullptr ? *delegated_responder : ca;
  const ossl::X509Ptr signer_cert = ParseCertificate(signer.cert_pem);
  const ossl::EvpPkeyPtr key = ParseKey(signer.key_pem);
  Check(X509_check_private_key(signer_cert.get(), key.get()) == 1, SigningErrorCode::kCredentials,
        "the responder's key does not match its certificate");
  const auto* cursor = reinterpret_cast<const unsigned char*>(der_request.data());
  RequestPtr request(der_request.empty() ? nullptr
                                         : d2i_OCSP_REQUEST(nullptr, &cursor,
                                                            static_cast<long>(der_request.size())));
  if (!request || OCSP_request_onereq_count(request.get()) <= 0 ||
      cursor != reinterpret_cast<const unsigned char*>(der_request.data()) + der_request.size()) {
    ERR_clear_error();
    return Unsuccessful(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
  }
  std::map<std::string, const RevokedCertificate*> revoked;
  for (const RevokedCertificate& entry : data.revoked) revoked[entry.serial] = &entry;
  const auto is_issued = [&data](const std::string& serial) {
    return std::find(data.issued_serials.begin(), data.issued_serials.end(), serial) !=
           data.issued_serials.end();
  };
  ocsp::BasicPtr basic(CheckPtr(OCSP_BASICRESP_new(), kCrypto, "OCSP_BASICRESP_new"));
  const Asn1TimePtr this_update(ASN1_TIME_set(nullptr, std::chrono::system_clock::to_time_t(now)));
  const Asn1TimePtr next_update(
      ASN1_TIME_set(nullptr, std::chrono::system_clock::to_time_t(now + validity)));
  Check(this_update && next_update, kCrypto, "ASN1_TIME_set");
  for (int i = 0; i < OCSP_request_onereq_count(request.get()); ++i) {
    OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(request.get(), i));
    ASN1_OBJECT* md_object = nullptr;
    ASN1_INTEGER* serial = nullptr;
    int status = V_OCSP_CERTSTATUS_UNKNOWN;
    int reason = OCSP_REVOKED_STATUS_NOSTATUS;
    Asn1TimePtr revoked_at;
    if (OCSP_id_get0_info(nullptr, &md_object, nullptr, &serial, id) == 1 && serial != nullptr) {
      const EVP_MD* md = EVP_get_digestbyobj(md_object);
      CertIdPtr ours(md == nullptr ? nullptr
                                   : OCSP_cert_id_new(md, X509_get_subject_name(cert.get()),
                                                      X509_get0_pubkey_bitstr(cert.get()), serial));
      if (ours && OCSP_id_issuer_cmp(ours.get(), id) == 0) {
        const std::string decimal = DecimalSerial(serial);
        if (auto found = revoked.find(decimal); found != revoked.end()) {
          status = V_OCSP_CERTSTATUS_REVOKED;
          reason = ReasonCode(found->second->reason);
          revoked_at.reset(ASN1_TIME_set(
              nullptr, std::chrono::system_clock::to_time_t(found->second->revoked_at)));
          Check(revoked_at != nullptr, kCrypto, "ASN1_TIME_set");
        } else if (is_issued(decimal)) {
          status = V_OCSP_CERTSTATUS_GOOD;
        }
      }
    }
    ERR_clear_error();
    Check(OCSP_basic_add1_status(basic.get(), id, status, reason, revoked_at.get(),
                                 this_update.get(), next_update.get()) != nullptr,
          kCrypto, "OCSP_basic_add1_status");
  }
  // Echoes the nonce if there is one (2 means none in the request).
  Check(OCSP_copy_nonce(basic.get(), request.get()) > 0, kCrypto, "OCSP_copy_nonce");
  Check(OCSP_basic_sign(basic.get(), signer_cert.get(), key.get(), EVP_sha256(), nullptr, 0) == 1,
        kCrypto, "OCSP_basic_sign");
  ResponsePtr response(CheckPtr(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()),
                                kCrypto, "OCSP_response_create"));
  return ResponseDer(response.get());
}

std::string OcspUrlOf(std::string_view certificate) {
  return ocsp::UrlOf(ParseCertificate(certificate).get());
}

std::string FetchOcspResponse(std::string_view certificate, std::string_view issuer,
                              const std::string& url, const OcspTransport& transport) {
  ERR_clear_error();
  const ossl::X509Ptr cert = ParseCertificate(certificate);
  const ossl::X509Ptr issuer_cert = ParseCertificate(issuer);
  const std::string target = url.empty() ? ocsp::UrlOf(cert.get()) : url;
  if (target.empty()) {
    throw SigningError(SigningErrorCode::kArgument,
                       "证书无 OCSP 地址 / the certificate names no OCSP responder");
  }
  std::string der;
  ocsp::BasicPtr basic = ocsp::Query(cert.get(), issuer_cert.get(), target, transport, der);
  CertIdPtr id(
      CheckPtr(OCSP_cert_to_id(EVP_sha1(), cert.get(), issuer_cert.get()), kCrypto, "CertID"));
  int status = -1, reason = -1;
  ASN1_GENERALIZEDTIME *revoked = nullptr, *this_update = nullptr, *next_update = nullptr;
  Check(OCSP_resp_find_status(basic.get(), id.get(), &status, &reason, &revoked, &this_update,
                              &next_update) == 1,
        kCrypto, "OCSP 应答未涉及该证书 / the OCSP response does not cover the certificate");
  // Signed by the issuer itself or a responder it delegated (id-kp-OCSPSigning): the issuer is
  // the only trusted certificate (a partial chain is enough here; the verifier later checks the
  // whole chain to its trust anchors).
  ossl::X509StorePtr store(CheckPtr(X509_STORE_new(), kCrypto, "X509_STORE_new"));
  Check(X509_STORE_add_cert(store.get(), issuer_cert.get()) == 1, kCrypto, "X509_STORE_add_cert");
  X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
  ossl::X509StackPtr others(CheckPtr(sk_X509_new_null(), kCrypto, "sk_X509_new_null"));
  Check(sk_X509_push(others.get(), X509_dup(issuer_cert.get())) > 0, kCrypto, "sk_X509_push");
  Check(OCSP_basic_verify(basic.get(), others.get(), store.get(), 0) == 1, kCrypto,
        "OCSP 应答签名无效 / the OCSP response signature does not verify");
  return der;
}

std::vector<std::string> FetchOcspResponses(const std::vector<std::string>& certificates,
                                            const std::string& url,
                                            const OcspTransport& transport) {
  std::vector<ossl::X509Ptr> parsed;
  for (const std::string& der : certificates) parsed.push_back(ParseCertificate(der));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    X509* cert = parsed[i].get();
    if (X509_check_issued(cert, cert) == X509_V_OK) continue;  // a self-signed root
    for (std::size_t j = 0; j < parsed.size(); ++j) {
      if (i == j || X509_check_issued(parsed[j].get(), cert) != X509_V_OK) continue;
      if (url.empty() && ocsp::UrlOf(cert).empty()) break;
      out.push_back(FetchOcspResponse(certificates[i], certificates[j], url, transport));
      break;
    }
  }
  ERR_clear_error();
  return out;
}

}  // namespace sealflow::signing
