// Copyright sealflow authors.
// SM2 with SM3 (the national algorithms of Chinese government seals): signed by hand (OpenSSL
// 3.0's CMS cannot, see BuildCms in signing/src/signer.cc), verified by hand (OpenSSL 3.0's
// CMS_SignerInfo_verify cannot set the SM2 identifier, see VerifySm2 in signing/src/verifier.cc),
// and cross-checked with `openssl pkeyutl` over the signed attributes with the GB/T 35276
// default identifier. Also our own verifier on RSA-3072 and ECDSA P-256 signatures.
#include <gtest/gtest.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <string>
#include <vector>

#include "signer_test_util.h"
#include "signing/signer.h"
#include "signing/verifier.h"

namespace sealflow::signing {
namespace {

using sealflow::testing::WriteFile;
using test::Pki;

std::string SignWith(KeyAlgorithm algorithm) {
  return Signer::Create(test::EnterpriseCredentials(algorithm), test::FixedOptions())
      ->Sign(test::UnsignedPdf(), SignRequest{});
}

VerificationReport VerifyNow(const std::string& pdf) {
  return test::VerifierTrusting({Pki("root-ca.pem")})->Verify(pdf);
}

// The signed attributes as the signature covers them (DER SET OF) and the signature value.
struct SignedParts {
  std::string attrs;
  std::string signature;
};
SignedParts Parts(const std::string& cms_der) {
  SignedParts out;
  const auto* cursor = reinterpret_cast<const unsigned char*>(cms_der.data());
  CMS_ContentInfo* cms = d2i_CMS_ContentInfo(nullptr, &cursor, static_cast<long>(cms_der.size()));
  if (cms == nullptr) {
    ADD_FAILURE() << "CMS does not parse";
    return out;
  }
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
  std::vector<std::string> encoded;
  for (int i = 0; i < CMS_signed_get_attr_count(si); ++i) {
    unsigned char* der = nullptr;
    const int length = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &der);
    encoded.emplace_back(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
  }
  std::sort(encoded.begin(), encoded.end());
  std::string body;
  for (const auto& e : encoded) body += e;
  out.attrs = "\x31";
  if (body.size() < 0x80) {
    out.attrs += static_cast<char>(body.size());
  } else {
    out.attrs += static_cast<char>(0x82);
    out.attrs += static_cast<char>(body.size() >> 8);
    out.attrs += static_cast<char>(body.size() & 0xff);
  }
  out.attrs += body;
  const ASN1_OCTET_STRING* value = CMS_SignerInfo_get0_signature(si);
  out.signature.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                       static_cast<std::size_t>(ASN1_STRING_length(value)));
  CMS_ContentInfo_free(cms);
  return out;
}

TEST(Sm2Test, SignsWithSm2AndSm3AndVerifies) {
  const std::string pdf = SignWith(KeyAlgorithm::kSm2);
  const auto report = VerifyNow(pdf);
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  EXPECT_TRUE(report.signatures[0].digest_ok);
  EXPECT_TRUE(report.signatures[0].signature_ok);
  EXPECT_TRUE(report.signatures[0].chain_ok);

  sealflow::testing::TempDir dir;
  const auto extracted = test::Extract(pdf);
  WriteFile(dir.File("sig.der"), extracted.cms);
  const auto print =
      sealflow::testing::Run("openssl cms -cmsout -print -inform DER -in " + dir.File("sig.der"));
  EXPECT_NE(print.output.find("SM2-with-SM3 (1.2.156.10197.1.501)"), std::string::npos)
      << print.output;
  EXPECT_NE(print.output.find("sm3 (1.2.156.10197.1.401)"), std::string::npos) << print.output;
  EXPECT_EQ(print.output.find("signingTime"), std::string::npos);
  // messageDigest = SM3 of the byte ranges (computed here with EVP, compared with the attribute).
  unsigned char sm3[EVP_MAX_MD_SIZE];
  unsigned int sm3_length = 0;
  ASSERT_EQ(EVP_Digest(extracted.signed_bytes.data(), extracted.signed_bytes.size(), sm3,
                       &sm3_length, EVP_sm3(), nullptr),
            1);
  const auto* cursor = reinterpret_cast<const unsigned char*>(extracted.cms.data());
  CMS_ContentInfo* cms =
      d2i_CMS_ContentInfo(nullptr, &cursor, static_cast<long>(extracted.cms.size()));
  ASSERT_NE(cms, nullptr);
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
  const auto* digest = static_cast<const ASN1_OCTET_STRING*>(CMS_signed_get0_data_by_OBJ(
      si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING));
  ASSERT_NE(digest, nullptr);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(digest)),
                        static_cast<std::size_t>(ASN1_STRING_length(digest))),
            std::string(reinterpret_cast<const char*>(sm3), sm3_length));
  CMS_ContentInfo_free(cms);
}

TEST(Sm2Test, OpensslPkeyutlAcceptsTheSignatureWithTheDefaultSm2Identifier) {
  const std::string pdf = SignWith(KeyAlgorithm::kSm2);
  const SignedParts parts = Parts(test::Extract(pdf).cms);
  sealflow::testing::TempDir dir;
  WriteFile(dir.File("attrs.der"), parts.attrs);
  WriteFile(dir.File("sig.bin"), parts.signature);
  WriteFile(dir.File("cert.pem"), test::IssuedUnderRoot(KeyAlgorithm::kSm2).cert_pem);
  ASSERT_EQ(sealflow::testing::Run("openssl x509 -in " + dir.File("cert.pem") +
                                   " -pubkey -noout -out " + dir.File("pub.pem"))
                .exit_code,
            0);
  const std::string verify = "openssl pkeyutl -verify -pubin -inkey " + dir.File("pub.pem") +
                             " -rawin -digest sm3 -in " + dir.File("attrs.der") + " -sigfile " +
                             dir.File("sig.bin");
  const auto ok = sealflow::testing::Run(verify + " -pkeyopt distid:1234567812345678");
  EXPECT_NE(ok.output.find("Signature Verified Successfully"), std::string::npos) << ok.output;
  // Another identifier gives another Z value: the identifier really is part of the signature.
  const auto other = sealflow::testing::Run(verify + " -pkeyopt distid:sealflow");
  EXPECT_EQ(other.output.find("Signature Verified Successfully"), std::string::npos)
      << other.output;
}

TEST(Sm2Test, ChangedBytesAreAHashFailure) {
  std::string pdf = SignWith(KeyAlgorithm::kSm2);
  const std::size_t at = pdf.find("Sealflow signing test fixture");
  ASSERT_NE(at, std::string::npos);
  pdf[at] = 'X';
  const auto report = VerifyNow(pdf);
  EXPECT_EQ(report.verdict, Verdict::kInvalid);
  EXPECT_EQ(report.signatures[0].sub_indication, "HASH_FAILURE") << report.ToJson();
}

TEST(Sm2Test, ForgedSignatureValueIsACryptoFailure) {
  std::string pdf = SignWith(KeyAlgorithm::kSm2);
  const auto cms = test::Extract(pdf).cms;
  const SignedParts parts = Parts(cms);
  // Flip the last hex digit of the signature value inside /Contents (outside the byte ranges).
  const std::size_t in_cms = cms.find(parts.signature) + parts.signature.size() - 1;
  const auto br = test::LastByteRange(pdf);
  const std::size_t hex = static_cast<std::size_t>(br[1]) + 1 + 2 * in_cms + 1;
  pdf[hex] = pdf[hex] == '0' ? '1' : '0';
  const auto report = VerifyNow(pdf);
  EXPECT_EQ(report.verdict, Verdict::kInvalid);
  EXPECT_EQ(report.signatures[0].sub_indication, "SIG_CRYPTO_FAILURE") << report.ToJson();
}

class OurVerifierAlgorithmTest : public ::testing::TestWithParam<KeyAlgorithm> {};

TEST_P(OurVerifierAlgorithmTest, SignatureIsValid) {
  const auto report = VerifyNow(SignWith(GetParam()));
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
}

INSTANTIATE_TEST_SUITE_P(Keys, OurVerifierAlgorithmTest,
                         ::testing::Values(KeyAlgorithm::kRsa2048, KeyAlgorithm::kRsa3072,
                                           KeyAlgorithm::kEcdsaP256, KeyAlgorithm::kSm2));

}  // namespace
}  // namespace sealflow::signing
