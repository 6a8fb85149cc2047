// Copyright sealflow authors.
#include "timestamp_verify.h"

#include <openssl/pem.h>

#include <cstring>
#include <ctime>
#include <exception>

#include "tsa_util.h"

namespace sealflow::signing {
namespace {

// "YYYY-MM-DDTHH:MM:SSZ".
std::string IsoUtc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

// A private store with the anchors' certificates and the verification time: TS_VERIFY_CTX takes
// ownership of its store, and the time must not be set on a store other threads use.
ossl::X509StorePtr StoreAt(X509_STORE* anchors, std::time_t at) {
  ossl::X509StorePtr store(X509_STORE_new());
  if (!store) return store;
  if (anchors != nullptr) {
    STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(anchors);
    for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i) {
      X509* cert = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objects, i));
      if (cert != nullptr && X509_STORE_add_cert(store.get(), cert) != 1) return nullptr;
    }
  }
  X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store.get()), at);
  return store;
}

void Fail(TimestampVerification& check, const std::string& finding, const char* sub_indication) {
  check.valid = false;
  if (check.sub_indication.empty()) check.sub_indication = sub_indication;
  std::string errors = ossl::DrainErrors();
  check.findings.push_back(errors.empty() ? finding : finding + " (" + errors + ")");
}

// True if OpenSSL's error queue says the TSA certificate failed its chain (or purpose) check,
// as opposed to a bad signature or ESS attribute. Leaves the queue as it is.
bool ChainFailed() {
  ERR_set_mark();
  bool chain = false;
  while (const unsigned long error = ERR_get_error()) {
    if (ERR_GET_LIB(error) == ERR_LIB_TS &&
        ERR_GET_REASON(error) == TS_R_CERTIFICATE_VERIFY_ERROR) {
      chain = true;
    }
  }
  ERR_pop_to_mark();
  return chain;
}

TimestampVerification Verify(std::string_view token, std::string_view first,
                             std::string_view second, X509_STORE* anchors,
                             std::chrono::system_clock::time_point at) {
  TimestampVerification check;
  check.present = true;
  auto pkcs7 = ossl::FromDer<PKCS7, PKCS7_free>(token, d2i_PKCS7);
  if (!pkcs7) {
    Fail(check, "时间戳令牌无法解析 / the timestamp token does not parse", "FORMAT_FAILURE");
    return check;
  }
  ossl::TsTstInfoPtr info(PKCS7_to_TS_TST_INFO(pkcs7.get()));
  if (!info) {
    Fail(check, "时间戳令牌中没有 TSTInfo / the timestamp token holds no TSTInfo",
         "FORMAT_FAILURE");
    return check;
  }
  std::tm tm{};
  const ASN1_GENERALIZEDTIME* gen_time = TS_TST_INFO_get_time(info.get());
  if (gen_time == nullptr || ASN1_TIME_to_tm(gen_time, &tm) != 1) {
    Fail(check, "时间戳时间无效 / the timestamp's genTime is invalid", "FORMAT_FAILURE");
    return check;
  }
  const std::time_t seconds = timegm(&tm);
  check.gen_time = std::chrono::system_clock::from_time_t(seconds);
  check.gen_time_iso = IsoUtc(seconds);

  // The signer: the embedded certificate that the SignerInfo names.
  STACK_OF(X509)* embedded = pkcs7->d.sign != nullptr ? pkcs7->d.sign->cert : nullptr;
  STACK_OF(PKCS7_SIGNER_INFO)* signers = PKCS7_get_signer_info(pkcs7.get());
  if (sk_PKCS7_SIGNER_INFO_num(signers) == 1) {
    PKCS7_ISSUER_AND_SERIAL* id = sk_PKCS7_SIGNER_INFO_value(signers, 0)->issuer_and_serial;
    X509* tsa =
        id != nullptr ? X509_find_by_issuer_and_serial(embedded, id->issuer, id->serial) : nullptr;
    if (tsa != nullptr) check.tsa_subject = ossl::NameToString(X509_get_subject_name(tsa));
  }

  // The message imprint, hashed here over the pieces (no copy of them): SHA-2 only.
  TS_MSG_IMPRINT* imprint = TS_TST_INFO_get_msg_imprint(info.get());
  X509_ALGOR* algorithm = imprint != nullptr ? TS_MSG_IMPRINT_get_algo(imprint) : nullptr;
  const ASN1_OBJECT* oid = nullptr;
  if (algorithm != nullptr) X509_ALGOR_get0(&oid, nullptr, nullptr, algorithm);
  const EVP_MD* md = oid != nullptr ? EVP_get_digestbyobj(oid) : nullptr;
  const int md_nid = md != nullptr ? EVP_MD_get_type(md) : NID_undef;
  if (md_nid != NID_sha256 && md_nid != NID_sha384 && md_nid != NID_sha512) {
    Fail(check,
         "时间戳的摘要算法不受支持 / the timestamp's imprint algorithm is not SHA-256/384/512",
         "FORMAT_FAILURE");
    return check;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  ossl::EvpMdCtxPtr md_ctx(EVP_MD_CTX_new());
  const bool hashed = md_ctx && EVP_DigestInit_ex(md_ctx.get(), md, nullptr) == 1 &&
                      EVP_DigestUpdate(md_ctx.get(), first.data(), first.size()) == 1 &&
                      EVP_DigestUpdate(md_ctx.get(), second.data(), second.size()) == 1 &&
                      EVP_DigestFinal_ex(md_ctx.get(), digest, &digest_length) == 1;
  const ASN1_OCTET_STRING* message = TS_MSG_IMPRINT_get_msg(imprint);
  if (!hashed) {
    Fail(check, "内部错误 / internal error", "FORMAT_FAILURE");
    return check;
  }
  if (message == nullptr || ASN1_STRING_length(message) != static_cast<int>(digest_length) ||
      std::memcmp(ASN1_STRING_get0_data(message), digest, digest_length) != 0) {
    Fail(check,
         "时间戳的消息摘要与所盖内容不符 / the timestamp's message imprint does not match the "
         "time-stamped data (HASH_FAILURE)",
         "HASH_FAILURE");
    return check;
  }

  ossl::TsVerifyCtxPtr ctx(TS_VERIFY_CTX_new());
  ossl::X509StorePtr store = StoreAt(anchors, std::chrono::system_clock::to_time_t(at));
  if (!ctx || !store) {
    Fail(check, "内部错误 / internal error", "FORMAT_FAILURE");
    return check;
  }
  TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_VERSION | TS_VFY_SIGNATURE);
  TS_VERIFY_CTX_set_store(ctx.get(), store.release());  // owned by ctx from here
  if (TS_RESP_verify_token(ctx.get(), pkcs7.get()) != 1) {
    if (ChainFailed()) {
      Fail(check,
           "时间戳服务证书链无效（须到达信任锚且有关键扩展用途 timeStamping）/ the TSA "
           "certificate does not chain to a trust anchor with the critical extendedKeyUsage "
           "timeStamping (NO_CERTIFICATE_CHAIN_FOUND)",
           "NO_CERTIFICATE_CHAIN_FOUND");
    } else {
      Fail(check,
           "时间戳签名无效 / the timestamp's signature or ESS signing-certificate does not verify "
           "(SIG_CRYPTO_FAILURE)",
           "SIG_CRYPTO_FAILURE");
    }
    return check;
  }
  check.valid = true;
  return check;
}

}  // namespace

TimestampVerification VerifyTimestampToken(std::string_view token, std::string_view data,
                                           X509_STORE* anchors,
                                           std::chrono::system_clock::time_point at) {
  return VerifyTimestampToken(token, data, std::string_view(), anchors, at);
}

TimestampVerification VerifyTimestampToken(std::string_view token, std::string_view first,
                                           std::string_view second, X509_STORE* anchors,
                                           std::chrono::system_clock::time_point at) {
  try {
    return Verify(token, first, second, anchors, at);
  } catch (const std::exception& e) {  // allocation failures
    TimestampVerification check;
    check.present = true;
    Fail(check, std::string("时间戳无法验证 / the timestamp cannot be checked: ") + e.what(),
         "FORMAT_FAILURE");
    return check;
  }
}

TimestampVerification VerifySignatureTimestamp(CMS_SignerInfo* signer_info, X509_STORE* anchors,
                                               std::chrono::system_clock::time_point at) {
  TimestampVerification check;
  const int index = CMS_unsigned_get_attr_by_NID(signer_info, NID_id_smime_aa_timeStampToken, -1);
  if (index < 0) return check;
  check.present = true;
  if (CMS_unsigned_get_attr_by_NID(signer_info, NID_id_smime_aa_timeStampToken, index) >= 0) {
    Fail(check, "签名有多个时间戳属性 / the signature has more than one timestamp attribute",
         "FORMAT_FAILURE");
    return check;
  }
  X509_ATTRIBUTE* attribute = CMS_unsigned_get_attr(signer_info, index);
  const ASN1_TYPE* value =
      X509_ATTRIBUTE_count(attribute) == 1 ? X509_ATTRIBUTE_get0_type(attribute, 0) : nullptr;
  if (value == nullptr || value->type != V_ASN1_SEQUENCE) {
    Fail(check, "时间戳属性格式错误 / the timestamp attribute is malformed", "FORMAT_FAILURE");
    return check;
  }
  const ASN1_OCTET_STRING* signature = CMS_SignerInfo_get0_signature(signer_info);
  return VerifyTimestampToken(
      std::string_view(reinterpret_cast<const char*>(value->value.sequence->data),
                       static_cast<std::size_t>(value->value.sequence->length)),
      std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(signature)),
                       static_cast<std::size_t>(ASN1_STRING_length(signature))),
      anchors, at);
}

namespace {

ossl::X509StorePtr StoreOfPems(const std::vector<std::string>& pems) {
  ossl::X509StorePtr store(
      ossl::CheckPtr(X509_STORE_new(), SigningErrorCode::kCrypto, "X509_STORE_new"));
  for (const std::string& pem : pems) {
    ossl::BioPtr bio = ossl::MemoryBio(pem);
    int count = 0;
    while (ossl::X509Ptr cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
      ossl::Check(X509_STORE_add_cert(store.get(), cert.get()) == 1, SigningErrorCode::kCrypto,
                  "X509_STORE_add_cert");
      ++count;
    }
    ERR_clear_error();
    if (count == 0) {
      throw SigningError(SigningErrorCode::kCredentials, "a trust anchor is not a PEM certificate");
    }
  }
  return store;
}

}  // namespace

TimestampVerification VerifyTimestampToken(std::string_view token, std::string_view data,
                                           const std::vector<std::string>& trust_anchor_pems,
                                           std::chrono::system_clock::time_point at) {
  ossl::X509StorePtr store = StoreOfPems(trust_anchor_pems);
  return VerifyTimestampToken(token, data, store.get(), at);
}

TimestampVerification VerifySignatureTimestamp(std::string_view cms,
                                               const std::vector<std::string>& trust_anchor_pems,
                                               std::chrono::system_clock::time_point at) {
  ossl::X509StorePtr store = StoreOfPems(trust_anchor_pems);
  TimestampVerification check;
  const auto* cursor = reinterpret_cast<const unsigned char*>(cms.data());
  ossl::CmsPtr parsed(d2i_CMS_ContentInfo(nullptr, &cursor, static_cast<long>(cms.size())));
  STACK_OF(CMS_SignerInfo)* infos = parsed ? CMS_get0_SignerInfos(parsed.get()) : nullptr;
  if (sk_CMS_SignerInfo_num(infos) != 1) {
    check.present = true;
    Fail(check, "签名无法解析 / the signature's CMS does not parse", "FORMAT_FAILURE");
    return check;
  }
  return VerifySignatureTimestamp(sk_CMS_SignerInfo_value(infos, 0), store.get(), at);
}

}  // namespace sealflow::signing
