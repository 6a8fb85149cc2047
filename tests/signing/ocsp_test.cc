// Copyright sealflow authors.
// Revocation from OCSP responses in the document's DSS (/DSS /OCSPs, PAdES B-LT): responses made
// here with OpenSSL's OCSP API, signed by the test root (the issuer itself answering), embedded
// with AddValidationData, and judged against the signature's proof of existence like CRLs.
#include <gtest/gtest.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <optional>
#include <string>

#include "signing/signer.h"
#include "signing/timestamp.h"
#include "signing/verifier.h"
#include "tsa_test_util.h"

namespace sealflow::signing {
namespace {

using sealflow::testing::FixedNow;  // 2026-03-01T08:00Z
using sealflow::testing::ReadFile;
using std::chrono::system_clock;
using test::Pki;

system_clock::time_point Utc(int year, int month, int day) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  return system_clock::from_time_t(timegm(&tm));
}

template <typename T>
T* FromPem(const std::string& path, T* (*read)(BIO*, T**, pem_password_cb*, void*)) {
  const std::string pem = ReadFile(path);
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  T* out = read(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EXPECT_NE(out, nullptr) << path;
  return out;
}

// A DER OCSPResponse about provider.pem, signed by `signer` (a PKI fixture name: its .pem and
// .key), revoked at `revoked_at` or good when that is nullopt, produced at `produced_at`.
std::string OcspResponse(std::optional<system_clock::time_point> revoked_at,
                         system_clock::time_point produced_at,
                         const std::string& signer = "root-ca") {
  X509* cert = FromPem<X509>(Pki("provider.pem"), PEM_read_bio_X509);
  X509* issuer = FromPem<X509>(Pki("root-ca.pem"), PEM_read_bio_X509);
  X509* signer_cert = FromPem<X509>(Pki(signer + ".pem"), PEM_read_bio_X509);
  EVP_PKEY* key = FromPem<EVP_PKEY>(Pki(signer + ".key"), PEM_read_bio_PrivateKey);
  OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), cert, issuer);
  OCSP_BASICRESP* basic = OCSP_BASICRESP_new();
  ASN1_TIME* this_update = ASN1_TIME_set(nullptr, system_clock::to_time_t(produced_at));
  ASN1_TIME* next_update =
      ASN1_TIME_set(nullptr, system_clock::to_time_t(produced_at + std::chrono::hours(24 * 30)));
  ASN1_TIME* revoked =
      revoked_at ? ASN1_TIME_set(nullptr, system_clock::to_time_t(*revoked_at)) : nullptr;
  EXPECT_NE(OCSP_basic_add1_status(basic, id,
                                   revoked_at ? V_OCSP_CERTSTATUS_REVOKED : V_OCSP_CERTSTATUS_GOOD,
                                   revoked_at ? OCSP_REVOKED_STATUS_KEYCOMPROMISE : -1, revoked,
                                   this_update, next_update),
            nullptr);
  EXPECT_EQ(OCSP_basic_sign(basic, signer_cert, key, EVP_sha256(), nullptr, 0), 1);
  OCSP_RESPONSE* response = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic);
  unsigned char* der = nullptr;
  const int length = i2d_OCSP_RESPONSE(response, &der);
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  OCSP_RESPONSE_free(response);
  OCSP_BASICRESP_free(basic);
  OCSP_CERTID_free(id);
  ASN1_TIME_free(this_update);
  ASN1_TIME_free(next_update);
  ASN1_TIME_free(revoked);
  EVP_PKEY_free(key);
  X509_free(signer_cert);
  X509_free(issuer);
  X509_free(cert);
  return out;
}

// provider.pem signs at 2026-02-01 with a signature timestamp of that time; then a DSS with
// `ocsp` (DER) is added, as `sealflow sign --ltv` would.
std::string SignedWithOcsp(const std::string& ocsp, bool timestamped = true) {
  SignerOptions options;
  options.clock = [] { return Utc(2026, 2, 1); };
  TimestampAuthorityOptions tsa_options = test::FixedTsaOptions();
  tsa_options.clock = [] { return Utc(2026, 2, 1); };
  auto authority =
      TimestampAuthority::FromPem(Pki("tsa.key"), Pki("tsa.pem"), Pki("root-ca.pem"), tsa_options);
  if (timestamped) {
    options.timestamp = TimestampClient::InProcess(*authority, test::FixedClientOptions());
  }
  const std::string pdf =
      Signer::Create(test::ProviderCredentials(), options)->Sign(test::UnsignedPdf(), {});
  ValidationData data;
  data.certificates = CertificatesInSignatures(pdf);
  data.ocsp_responses = {ocsp};
  ValidationDataOptions ltv;
  ltv.clock = [] { return Utc(2026, 2, 25); };
  return AddValidationData(pdf, data, ltv);
}

VerificationReport Verify(const std::string& pdf) {
  return test::VerifierTrusting({Pki("root-ca.pem")})->Verify(pdf);
}

TEST(OcspTest, GoodResponseInTheDssIsGood) {
  const auto report = Verify(SignedWithOcsp(OcspResponse(std::nullopt, Utc(2026, 2, 20))));
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].revocation, "GOOD");
}

TEST(OcspTest, RevokedAfterTheTimestampStaysValid) {
  const auto report = Verify(SignedWithOcsp(OcspResponse(Utc(2026, 2, 15), Utc(2026, 2, 20))));
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].revocation, "REVOKED");
}

TEST(OcspTest, RevokedBeforeTheTimestampIsRevoked) {
  const auto report = Verify(SignedWithOcsp(OcspResponse(Utc(2026, 1, 15), Utc(2026, 2, 20))));
  EXPECT_EQ(report.verdict, Verdict::kInvalid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].sub_indication, "REVOKED");
}

TEST(OcspTest, RevokedWithoutTimestampIsRevokedNoPoe) {
  const auto report =
      Verify(SignedWithOcsp(OcspResponse(Utc(2026, 2, 15), Utc(2026, 2, 20)), false));
  EXPECT_EQ(report.verdict, Verdict::kIndeterminate) << report.ToJson();
  EXPECT_EQ(report.signatures[0].sub_indication, "REVOKED_NO_POE");
}

TEST(OcspTest, ResponseNotSignedByTheIssuerIsIgnored) {
  // Signed by an unrelated CA: it says "revoked", but it does not count.
  const auto report =
      Verify(SignedWithOcsp(OcspResponse(Utc(2026, 1, 15), Utc(2026, 2, 20), "other-ca")));
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].revocation, "NOT_CHECKED");
}

TEST(OcspTest, ResponseFromTheFutureIsIgnored) {
  const auto report = Verify(SignedWithOcsp(OcspResponse(Utc(2026, 1, 15), Utc(2026, 6, 1))));
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].revocation, "NOT_CHECKED");
}

}  // namespace
}  // namespace sealflow::signing
