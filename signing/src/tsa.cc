// Copyright sealflow authors.
// The RFC 3161 authority (OpenSSL's TS_RESP_CTX) and the clients that ask one.
#include <openssl/rand.h>

#include <ctime>
#include <exception>
#include <utility>

#include "credentials_impl.h"
#include "signing/credentials.h"
#include "signing/error.h"
#include "signing/timestamp.h"
#include "tsa_util.h"

namespace sealflow::signing {
namespace {

using ossl::Check;
using ossl::CheckPtr;
constexpr auto kCrypto = SigningErrorCode::kCrypto;
constexpr auto kTimestamp = SigningErrorCode::kTimestamp;

// 63 random bits: positive, at most 8 content bytes as an INTEGER.
std::uint64_t RandomSerial() {
  std::uint64_t value = 0;
  Check(RAND_bytes(reinterpret_cast<unsigned char*>(&value), sizeof value) == 1, kCrypto,
        "RAND_bytes");
  return value & 0x7fffffffffffffffULL;
}

ossl::Asn1IntegerPtr Integer(std::uint64_t value) {
  ossl::Asn1IntegerPtr out(CheckPtr(ASN1_INTEGER_new(), kCrypto, "ASN1_INTEGER_new"));
  Check(ASN1_INTEGER_set_uint64(out.get(), value) == 1, kCrypto, "ASN1_INTEGER_set_uint64");
  return out;
}

class Authority final : public TimestampAuthority {
 public:
  Authority(Credentials credentials, const TimestampAuthorityOptions& options)
      : credentials_(std::move(credentials)), options_(options) {
    if (!options_.clock) {
      throw SigningError(SigningErrorCode::kArgument, "TimestampAuthorityOptions::clock is empty");
    }
    if (options_.accuracy_seconds < 0) {
      throw SigningError(SigningErrorCode::kArgument, "negative TSA accuracy");
    }
    policy_.reset(OBJ_txt2obj(options_.policy_oid.c_str(), /*no_name=*/1));
    ERR_clear_error();
    if (!policy_ || options_.policy_oid.empty()) {
      throw SigningError(SigningErrorCode::kArgument,
                         "TSA policy is not a dotted OID: " + options_.policy_oid);
    }
    // TS_RESP_CTX_set_signer_cert insists on the timeStamping purpose (EKU present, critical and
    // alone): find out now rather than at the first request.
    ossl::TsRespCtxPtr probe(CheckPtr(TS_RESP_CTX_new(), kCrypto, "TS_RESP_CTX_new"));
    Check(TS_RESP_CTX_set_signer_cert(probe.get(), credentials_.impl().certificate.get()) == 1,
          SigningErrorCode::kCredentials,
          "the TSA certificate needs a critical extendedKeyUsage timeStamping and nothing else");
  }

  std::string Respond(std::string_view der_request) const override {
    const Credentials::Impl& cred = credentials_.impl();
    ossl::TsRespCtxPtr ctx(CheckPtr(TS_RESP_CTX_new(), kCrypto, "TS_RESP_CTX_new"));
    TS_RESP_CTX* c = ctx.get();
    Check(TS_RESP_CTX_set_signer_cert(c, cred.certificate.get()) == 1 &&
              TS_RESP_CTX_set_signer_key(c, cred.key.get()) == 1 &&
              TS_RESP_CTX_set_signer_digest(c, EVP_sha256()) == 1 &&
              TS_RESP_CTX_set_ess_cert_id_digest(c, EVP_sha256()) == 1 &&
              TS_RESP_CTX_set_def_policy(c, policy_.get()) == 1 &&
              TS_RESP_CTX_add_md(c, EVP_sha256()) == 1 &&
              TS_RESP_CTX_add_md(c, EVP_sha384()) == 1 && TS_RESP_CTX_add_md(c, EVP_sha512()) == 1,
          kCrypto, "TSA context");
    if (sk_X509_num(cred.chain.get()) > 0) {
      Check(TS_RESP_CTX_set_certs(c, cred.chain.get()) == 1, kCrypto, "TS_RESP_CTX_set_certs");
    }
    if (options_.accuracy_seconds > 0) {
      Check(TS_RESP_CTX_set_accuracy(c, options_.accuracy_seconds, 0, 0) == 1, kCrypto,
            "TS_RESP_CTX_set_accuracy");
    }
    TS_RESP_CTX_set_time_cb(c, &Authority::Time, const_cast<Authority*>(this));
    TS_RESP_CTX_set_serial_cb(c, &Authority::Serial, const_cast<Authority*>(this));

    // A request that does not parse still gets an answer (rejection, badDataFormat).
    ossl::BioPtr in = ossl::MemoryBio(der_request);
    ossl::TsRespPtr response(TS_RESP_create_response(c, in.get()));
    Check(response != nullptr, kCrypto, "TS_RESP_create_response");
    ERR_clear_error();  // a rejected request leaves its reason on the queue
    if (TS_RESP_get_token(response.get()) != nullptr) PinSigningTime(response.get());
    return ossl::ToDer<TS_RESP>(response.get(), i2d_TS_RESP, "i2d_TS_RESP");
  }

  std::string SubjectName() const override { return credentials_.SubjectName(); }

 private:
  // OpenSSL's PKCS#7 signing adds a signingTime attribute from the machine's clock, beside the
  // TSTInfo's genTime from ours. Make it genTime and sign the attributes again, so that a token
  // depends on the injected clock only (and the two times agree).
  static void PinSigningTime(TS_RESP* response) {
    PKCS7* token = TS_RESP_get_token(response);
    STACK_OF(PKCS7_SIGNER_INFO)* signers = PKCS7_get_signer_info(token);
    Check(sk_PKCS7_SIGNER_INFO_num(signers) == 1, kCrypto, "TSA token without one SignerInfo");
    PKCS7_SIGNER_INFO* si = sk_PKCS7_SIGNER_INFO_value(signers, 0);
    std::tm tm{};
    Check(ASN1_TIME_to_tm(TS_TST_INFO_get_time(TS_RESP_get_tst_info(response)), &tm) == 1, kCrypto,
          "genTime");
    ASN1_TIME* when = CheckPtr(ASN1_TIME_set(nullptr, timegm(&tm)), kCrypto, "ASN1_TIME_set");
    if (PKCS7_add0_attrib_signing_time(si, when) != 1) {
      ASN1_TIME_free(when);
      Check(false, kCrypto, "signingTime attribute");
    }
    Check(PKCS7_SIGNER_INFO_sign(si) == 1, kCrypto, "PKCS7_SIGNER_INFO_sign");
  }

  // Called from inside OpenSSL: nothing may propagate, so failures become a rejection.
  static int Time(TS_RESP_CTX* ctx, void* data, long* sec, long* usec) {
    try {
      const auto now = static_cast<const Authority*>(data)->options_.clock();
      *sec = static_cast<long>(
          std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
      *usec = 0;
      return 1;
    } catch (const std::exception&) {
      TS_RESP_CTX_set_status_info(ctx, TS_STATUS_REJECTION, "time is not available");
      TS_RESP_CTX_add_failure_info(ctx, TS_INFO_TIME_NOT_AVAILABLE);
      return 0;
    }
  }

  static ASN1_INTEGER* Serial(TS_RESP_CTX* ctx, void* data) {
    try {
      const auto& source = static_cast<const Authority*>(data)->options_.serial_source;
      return Integer(source ? source() : RandomSerial()).release();
    } catch (const std::exception&) {
      ERR_clear_error();
      TS_RESP_CTX_set_status_info(ctx, TS_STATUS_REJECTION, "serial number is not available");
      TS_RESP_CTX_add_failure_info(ctx, TS_INFO_ADD_INFO_NOT_AVAILABLE);
      return nullptr;
    }
  }

  Credentials credentials_;
  TimestampAuthorityOptions options_;
  ossl::Asn1ObjectPtr policy_;
};

// Builds a request, sends it, checks the answer, returns the token.
class Client final : public TimestampClient {
 public:
  Client(TimestampTransport transport, const TimestampClientOptions& options)
      : transport_(std::move(transport)), options_(options) {
    if (!transport_) throw SigningError(SigningErrorCode::kArgument, "empty TSA transport");
  }

  void MeasureTokens() {
    options_.token_size_estimate = Timestamp(std::string(32, '\0')).size() + kTokenSizeMargin;
  }

  std::string Timestamp(std::string_view sha256) const override {
    if (sha256.size() != 32) {
      throw SigningError(SigningErrorCode::kArgument, "a SHA-256 digest has 32 bytes");
    }
    ossl::TsReqPtr request(CheckPtr(TS_REQ_new(), kCrypto, "TS_REQ_new"));
    ossl::TsMsgImprintPtr imprint(CheckPtr(TS_MSG_IMPRINT_new(), kCrypto, "TS_MSG_IMPRINT_new"));
    ossl::X509AlgorPtr algorithm(CheckPtr(X509_ALGOR_new(), kCrypto, "X509_ALGOR_new"));
    Check(X509_ALGOR_set0(algorithm.get(), OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nullptr) == 1,
          kCrypto, "X509_ALGOR_set0");
    const ossl::Asn1IntegerPtr nonce =
        Integer(options_.nonce_source ? options_.nonce_source() : RandomSerial());
    Check(TS_REQ_set_version(request.get(), 1) == 1 &&
              TS_MSG_IMPRINT_set_algo(imprint.get(), algorithm.get()) == 1 &&
              TS_MSG_IMPRINT_set_msg(
                  imprint.get(), reinterpret_cast<unsigned char*>(const_cast<char*>(sha256.data())),
                  static_cast<int>(sha256.size())) == 1 &&
              TS_REQ_set_msg_imprint(request.get(), imprint.get()) == 1 &&
              TS_REQ_set_nonce(request.get(), nonce.get()) == 1 &&
              TS_REQ_set_cert_req(request.get(), 1) == 1,
          kCrypto, "TimeStampReq");
    const std::string der_request = ossl::ToDer<TS_REQ>(request.get(), i2d_TS_REQ, "i2d_TS_REQ");

    std::string der_response;
    try {
      der_response = transport_(der_request);
    } catch (const SigningError&) {
      throw;
    } catch (const std::exception& e) {
      throw SigningError(kTimestamp, std::string("TSA unreachable: ") + e.what());
    }
    auto response = ossl::FromDer<TS_RESP, TS_RESP_free>(der_response, d2i_TS_RESP);
    if (!response) throw SigningError(kTimestamp, "the TSA's reply is not a TimeStampResp");
    const TS_STATUS_INFO* status = TS_RESP_get_status_info(response.get());
    const long code = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(status));
    if (code != TS_STATUS_GRANTED && code != TS_STATUS_GRANTED_WITH_MODS) {
      std::string text;
      const STACK_OF(ASN1_UTF8STRING)* texts = TS_STATUS_INFO_get0_text(status);
      for (int i = 0; i < sk_ASN1_UTF8STRING_num(texts); ++i) {
        const ASN1_UTF8STRING* t = sk_ASN1_UTF8STRING_value(texts, i);
        text += (text.empty() ? ": " : "; ") +
                std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(t)),
                            static_cast<std::size_t>(ASN1_STRING_length(t)));
      }
      throw SigningError(kTimestamp, "the TSA refused the request (PKIStatus " +
                                         std::to_string(code) + ")" + text);
    }
    // Version, imprint and nonce must be the request's; the signature is checked by whoever
    // trusts the TSA (the verifier), not here.
    ossl::TsVerifyCtxPtr verify(
        CheckPtr(TS_REQ_to_TS_VERIFY_CTX(request.get(), nullptr), kCrypto, "TS_VERIFY_CTX"));
    TS_VERIFY_CTX_set_flags(verify.get(), TS_VFY_VERSION | TS_VFY_IMPRINT | TS_VFY_NONCE);
    Check(TS_RESP_verify_response(verify.get(), response.get()) == 1, kTimestamp,
          "the TSA's reply does not match the request");
    return ossl::ToDer<PKCS7>(TS_RESP_get_token(response.get()), i2d_PKCS7, "i2d_PKCS7");
  }

  std::size_t TokenSizeEstimate() const override { return options_.token_size_estimate; }

 private:
  // Tokens of one TSA differ in size only by the serial and nonce encodings (a few bytes).
  static constexpr std::size_t kTokenSizeMargin = 64;

  TimestampTransport transport_;
  TimestampClientOptions options_;
};

}  // namespace

std::unique_ptr<TimestampAuthority> TimestampAuthority::FromPem(
    const std::string& key_path, const std::string& cert_path, const std::string& chain_path,
    const TimestampAuthorityOptions& options) {
  return std::make_unique<Authority>(Credentials::FromPem(key_path, cert_path, chain_path),
                                     options);
}

std::unique_ptr<TimestampAuthority> TimestampAuthority::FromPemText(
    const std::string& key_pem, const std::string& cert_pem, const std::string& chain_pem,
    const TimestampAuthorityOptions& options) {
  return std::make_unique<Authority>(Credentials::FromPemText(key_pem, cert_pem, chain_pem),
                                     options);
}

std::unique_ptr<TimestampClient> TimestampClient::InProcess(const TimestampAuthority& authority,
                                                            const TimestampClientOptions& options) {
  auto client = std::make_unique<Client>(
      [&authority](const std::string& request) { return authority.Respond(request); }, options);
  client->MeasureTokens();
  return client;
}

std::unique_ptr<TimestampClient> TimestampClient::OverTransport(
    TimestampTransport transport, const TimestampClientOptions& options) {
  return std::make_unique<Client>(std::move(transport), options);
}

std::string Sha256(std::string_view data) {
  unsigned char digest[32];
  unsigned int length = 0;
  Check(EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) == 1 &&
            length == sizeof digest,
        kCrypto, "SHA-256");
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

}  // namespace sealflow::signing
