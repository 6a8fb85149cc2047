// Copyright sealflow authors.
// What one verifier keeps between verifications (parsed certificates, their subject names and
// ESS signing-certificate checks, by exact DER) must never carry one document's outcome over to
// another: a signature whose signing-certificate-v2 attribute names another certificate stays
// doubtful however often the same certificate was seen with a matching attribute, and the other
// way round.
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>
#include <string>

#include "openssl_util.h"
#include "signing/signer.h"
#include "signing/verifier.h"
#include "signing_test_util.h"

namespace sealflow::signing {
namespace {

using ossl::BioPtr;
using ossl::CmsPtr;
using ossl::X509Ptr;

X509Ptr ReadCertificate(const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  return X509Ptr(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

ossl::EvpPkeyPtr ReadKey(const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  return ossl::EvpPkeyPtr(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                              : nullptr);
}

// The last signature of `pdf` re-made by the provider's key over the same bytes, with a
// signing-certificate-v2 attribute for `named` instead of the signer's own certificate.
std::string WithEssNaming(const std::string& pdf, X509* named) {
  const test::ExtractedSignature original = test::Extract(pdf);
  X509Ptr cert = ReadCertificate(test::Pki("provider.pem"));
  ossl::EvpPkeyPtr key = ReadKey(test::Pki("provider.key"));
  EXPECT_TRUE(cert && key);
  if (!cert || !key) return pdf;
  const unsigned int flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL;
  CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, flags));
  CMS_SignerInfo* si =
      cms ? CMS_add1_signer(cms.get(), cert.get(), key.get(), EVP_sha256(), flags) : nullptr;
  ossl::EssCertV2Ptr ess(OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), named, nullptr, 0));
  unsigned char* der = nullptr;
  const int length = ess ? i2d_ESS_SIGNING_CERT_V2(ess.get(), &der) : -1;
  EXPECT_TRUE(si != nullptr && length > 0);
  if (si == nullptr || length <= 0) return pdf;
  EXPECT_EQ(CMS_signed_add1_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, V_ASN1_SEQUENCE,
                                        der, length),
            1);
  OPENSSL_free(der);
  BioPtr data(BIO_new_mem_buf(original.signed_bytes.data(),
                              static_cast<int>(original.signed_bytes.size())));
  EXPECT_EQ(CMS_final(cms.get(), data.get(), nullptr, flags), 1);
  unsigned char* out = nullptr;
  const int out_length = i2d_CMS_ContentInfo(cms.get(), &out);
  EXPECT_GT(out_length, 0);
  std::string hex;
  for (int i = 0; i < out_length; ++i) {
    char byte[3];
    std::snprintf(byte, sizeof byte, "%02X", out[i]);
    hex += byte;
  }
  OPENSSL_free(out);
  ERR_clear_error();
  // Into the /Contents gap, zero padded to its width.
  const auto br = test::LastByteRange(pdf);
  const std::size_t width = static_cast<std::size_t>(br[2] - br[1] - 2);
  EXPECT_LE(hex.size(), width);
  hex.resize(width, '0');
  std::string changed = pdf;
  changed.replace(static_cast<std::size_t>(br[1] + 1), width, hex);
  return changed;
}

class VerifierCacheTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    SignRequest request;
    request.field_name = "Signature1";
    signed_ = new std::string(Signer::Create(test::ProviderCredentials(), test::FixedOptions())
                                  ->Sign(test::UnsignedPdf(), request));
  }
  static void TearDownTestSuite() { delete signed_; }
  static std::string* signed_;
};
std::string* VerifierCacheTest::signed_ = nullptr;

TEST_F(VerifierCacheTest, SigningCertificateAttributeNamingAnotherCertificateStaysDoubtful) {
  X509Ptr root = ReadCertificate(test::Pki("root-ca.pem"));
  ASSERT_TRUE(root);
  const std::string mismatched = WithEssNaming(*signed_, root.get());
  X509Ptr provider = ReadCertificate(test::Pki("provider.pem"));
  ASSERT_TRUE(provider);
  const std::string rematched = WithEssNaming(*signed_, provider.get());

  auto verifier = test::VerifierTrusting({test::Pki("root-ca.pem")});
  // Alternately, with the same verifier (and so the same certificate cache), several times.
  for (int round = 0; round < 3; ++round) {
    const VerificationReport good = verifier->Verify(*signed_);
    EXPECT_EQ(good.verdict, Verdict::kValid) << good.ToJson();

    const VerificationReport bad = verifier->Verify(mismatched);
    ASSERT_EQ(bad.signatures.size(), 1u) << bad.ToJson();
    EXPECT_TRUE(bad.signatures[0].digest_ok) << bad.ToJson();
    EXPECT_TRUE(bad.signatures[0].signature_ok) << bad.ToJson();
    EXPECT_EQ(bad.verdict, Verdict::kIndeterminate) << bad.ToJson();
    EXPECT_EQ(bad.signatures[0].sub_indication, "NO_SIGNING_CERTIFICATE_FOUND") << bad.ToJson();

    const VerificationReport again = verifier->Verify(rematched);
    ASSERT_EQ(again.signatures.size(), 1u) << again.ToJson();
    EXPECT_TRUE(again.signatures[0].signature_ok) << again.ToJson();
    EXPECT_NE(again.signatures[0].sub_indication, "NO_SIGNING_CERTIFICATE_FOUND") << again.ToJson();
    EXPECT_EQ(again.signatures[0].signer_name, good.signatures[0].signer_name);
  }
}

}  // namespace
}  // namespace sealflow::signing
