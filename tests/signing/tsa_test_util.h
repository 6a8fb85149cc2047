// Copyright sealflow authors.
// Helpers shared by the time-stamping tests (header-only; not a test file itself): the test TSA
// with a fixed clock and counting serial numbers and nonces, and a look into a signature's CMS.
#pragma once

#include <openssl/cms.h>
#include <openssl/x509.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "signing/timestamp.h"
#include "signing_test_util.h"

namespace sealflow::signing::test {

// Serial numbers 1, 2, 3 ... per authority.
inline TimestampAuthorityOptions FixedTsaOptions() {
  TimestampAuthorityOptions options;
  options.clock = [] { return testing::FixedNow(); };
  auto next = std::make_shared<std::atomic<std::uint64_t>>(0);
  options.serial_source = [next] { return ++*next; };
  return options;
}

inline std::unique_ptr<TimestampAuthority> TestAuthority() {
  return TimestampAuthority::FromPem(Pki("tsa.key"), Pki("tsa.pem"), Pki("root-ca.pem"),
                                     FixedTsaOptions());
}

// Nonces 0x5EA1F00D01, ...02 ... per client.
inline TimestampClientOptions FixedClientOptions() {
  TimestampClientOptions options;
  auto next = std::make_shared<std::atomic<std::uint64_t>>(0x5EA1F00D00);
  options.nonce_source = [next] { return ++*next; };
  return options;
}

inline std::string Hex(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out += kHex[static_cast<unsigned char>(c) >> 4];
    out += kHex[static_cast<unsigned char>(c) & 0x0f];
  }
  return out;
}

// The signature value and the signature-time-stamp token of a CAdES CMS with one SignerInfo
// (token empty if there is none).
struct SignatureTimestampParts {
  std::string signature_value;
  std::string token;
};
inline SignatureTimestampParts SplitSignatureTimestamp(const std::string& cms_der) {
  SignatureTimestampParts out;
  const auto* cursor = reinterpret_cast<const unsigned char*>(cms_der.data());
  CMS_ContentInfo* cms = d2i_CMS_ContentInfo(nullptr, &cursor, static_cast<long>(cms_der.size()));
  if (cms == nullptr) {
    ADD_FAILURE() << "CMS does not parse";
    return out;
  }
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
  const ASN1_OCTET_STRING* signature = CMS_SignerInfo_get0_signature(si);
  out.signature_value.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(signature)),
                             static_cast<std::size_t>(ASN1_STRING_length(signature)));
  const int at = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
  if (at >= 0) {
    const ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, at), 0);
    out.token.assign(reinterpret_cast<const char*>(value->value.sequence->data),
                     static_cast<std::size_t>(value->value.sequence->length));
  }
  CMS_ContentInfo_free(cms);
  return out;
}

// `openssl ts -verify` of a token file against the test root, with extra arguments (-data F,
// -digest HEX or -queryfile F).
inline testing::CommandResult OpensslTsVerifyToken(const std::string& token_path,
                                                   const std::string& what) {
  return testing::Run("openssl ts -verify -in " + token_path + " -token_in " + what + " -CAfile " +
                      Pki("root-ca.pem") + " -untrusted " + Pki("tsa.pem"));
}

}  // namespace sealflow::signing::test
