// Copyright sealflow authors.
// Timestamps in verification: a verified signature timestamp (PAdES B-T) or a later document
// timestamp (B-LTA) is a proof of existence, and the signer's certificate is judged at that
// time: revoked after it stays VALID, revoked before it is TOTAL_FAILED REVOKED, expired since
// is VALID; without one the validation time is "now" (the policy in signing/verifier.h).
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

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
using sealflow::testing::WriteFile;
using std::chrono::system_clock;
using test::Pki;

system_clock::time_point Utc(int year, int month, int day) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  return system_clock::from_time_t(timegm(&tm));
}

// A CRL of the test root revoking `revoked_pem` at `revoked_at`, issued at `issued_at`.
std::string RootCrlRevoking(const std::string& revoked_pem, system_clock::time_point revoked_at,
                            system_clock::time_point issued_at) {
  const std::string key_pem = ReadFile(Pki("root-ca.key"));
  const std::string root_pem = ReadFile(Pki("root-ca.pem"));
  const std::string cert_pem = ReadFile(revoked_pem);
  BIO* bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  bio = BIO_new_mem_buf(root_pem.data(), static_cast<int>(root_pem.size()));
  X509* root = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  bio = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EXPECT_TRUE(key != nullptr && root != nullptr && cert != nullptr);

  X509_CRL* crl = X509_CRL_new();
  X509_CRL_set_version(crl, 1);
  X509_CRL_set_issuer_name(crl, X509_get_subject_name(root));
  ASN1_TIME* last = ASN1_TIME_set(nullptr, system_clock::to_time_t(issued_at));
  ASN1_TIME* next =
      ASN1_TIME_set(nullptr, system_clock::to_time_t(issued_at + std::chrono::hours(24 * 365)));
  X509_CRL_set1_lastUpdate(crl, last);
  X509_CRL_set1_nextUpdate(crl, next);
  X509_REVOKED* entry = X509_REVOKED_new();
  X509_REVOKED_set_serialNumber(entry, X509_get_serialNumber(cert));
  ASN1_TIME* when = ASN1_TIME_set(nullptr, system_clock::to_time_t(revoked_at));
  X509_REVOKED_set_revocationDate(entry, when);
  X509_CRL_add0_revoked(crl, entry);
  X509_CRL_sort(crl);
  EXPECT_GT(X509_CRL_sign(crl, key, EVP_sha256()), 0);
  bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509_CRL(bio, crl);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(length));
  BIO_free(bio);
  ASN1_TIME_free(last);
  ASN1_TIME_free(next);
  ASN1_TIME_free(when);
  X509_CRL_free(crl);
  X509_free(cert);
  X509_free(root);
  EVP_PKEY_free(key);
  return pem;
}

class PoeTest : public ::testing::Test {
 protected:
  // Signed at `signed_at` (/M) by `who` (a PKI fixture name), with a signature timestamp whose
  // genTime is `stamped_at` unless that is nullopt.
  static std::string Sign(const std::string& who, system_clock::time_point signed_at,
                          std::optional<system_clock::time_point> stamped_at) {
    SignerOptions options;
    options.clock = [signed_at] { return signed_at; };
    std::unique_ptr<TimestampAuthority> authority;
    if (stamped_at) {
      TimestampAuthorityOptions tsa_options = test::FixedTsaOptions();
      tsa_options.clock = [at = *stamped_at] { return at; };
      authority = TimestampAuthority::FromPem(Pki("tsa.key"), Pki("tsa.pem"), Pki("root-ca.pem"),
                                              tsa_options);
      options.timestamp = TimestampClient::InProcess(*authority, test::FixedClientOptions());
    }
    return Signer::Create(
               Credentials::FromPem(Pki(who + ".key"), Pki(who + ".pem"), Pki("chain.pem")),
               options)
        ->Sign(test::UnsignedPdf(), SignRequest{});
  }

  static std::string DocumentTimestamp(const std::string& pdf, system_clock::time_point at) {
    TimestampAuthorityOptions tsa_options = test::FixedTsaOptions();
    tsa_options.clock = [at] { return at; };
    auto authority = TimestampAuthority::FromPem(Pki("tsa.key"), Pki("tsa.pem"), Pki("root-ca.pem"),
                                                 tsa_options);
    auto client = TimestampClient::InProcess(*authority, test::FixedClientOptions());
    DocumentTimestampRequest request;
    request.clock = [at] { return at; };
    return AddDocumentTimestamp(pdf, *client, request);
  }

  // Verified now (FixedNow) trusting the test root, with `crl_pem` if not empty.
  VerificationReport Verify(const std::string& pdf, const std::string& crl_pem = "",
                            const std::string& anchor = "root-ca.pem") {
    VerifierOptions options;
    options.trust_anchor_files = {Pki(anchor)};
    options.clock = [] { return FixedNow(); };
    if (!crl_pem.empty()) {
      WriteFile(dir_.File("revoked.crl.pem"), crl_pem);
      options.crl_files = {dir_.File("revoked.crl.pem")};
    }
    return Verifier::Create(options)->Verify(pdf);
  }

  static std::string Joined(const std::vector<std::string>& findings) {
    std::string out;
    for (const auto& f : findings) out += f + "\n";
    return out;
  }

  sealflow::testing::TempDir dir_;
};

// --- Revocation judged at the timestamp.

TEST_F(PoeTest, RevokedAfterTheSignatureTimestampStaysValid) {
  const std::string pdf = Sign("provider", Utc(2026, 2, 1), Utc(2026, 2, 1));
  const auto crl = RootCrlRevoking(Pki("provider.pem"), Utc(2026, 2, 15), Utc(2026, 2, 20));
  const auto report = Verify(pdf, crl);
  ASSERT_EQ(report.signatures.size(), 1u);
  const auto& sig = report.signatures[0];
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  EXPECT_EQ(sig.indication, Indication::kTotalPassed);
  EXPECT_EQ(sig.revocation, "REVOKED");  // noted, not held against it
  EXPECT_EQ(sig.poe_time, "2026-02-01T00:00:00Z");
  EXPECT_EQ(sig.poe_source, "signature-timestamp");
  EXPECT_EQ(sig.validation_time, "2026-02-01T00:00:00Z");
  EXPECT_EQ(sig.timestamp.status, "VALID");
  EXPECT_EQ(sig.timestamp.gen_time, "2026-02-01T00:00:00Z");
  EXPECT_NE(sig.timestamp.tsa.find("测试时间戳服务"), std::string::npos) << sig.timestamp.tsa;
  EXPECT_NE(Joined(sig.findings).find("2026-02-15T00:00:00Z"), std::string::npos)
      << Joined(sig.findings);
}

TEST_F(PoeTest, RevokedBeforeTheSignatureTimestampIsTotalFailedRevoked) {
  const std::string pdf = Sign("provider", Utc(2026, 2, 1), Utc(2026, 2, 1));
  const auto crl = RootCrlRevoking(Pki("provider.pem"), Utc(2026, 1, 15), Utc(2026, 2, 20));
  const auto report = Verify(pdf, crl);
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_EQ(report.verdict, Verdict::kInvalid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].indication, Indication::kTotalFailed);
  EXPECT_EQ(report.signatures[0].sub_indication, "REVOKED");
  EXPECT_EQ(report.signatures[0].revocation, "REVOKED");
}

TEST_F(PoeTest, RevokedWithoutTimestampIsRevokedNoPoe) {
  // Same signing time and revocation as the valid case above, but nothing proves the time.
  const std::string pdf = Sign("provider", Utc(2026, 2, 1), std::nullopt);
  const auto crl = RootCrlRevoking(Pki("provider.pem"), Utc(2026, 2, 15), Utc(2026, 2, 20));
  const auto report = Verify(pdf, crl);
  ASSERT_EQ(report.signatures.size(), 1u);
  const auto& sig = report.signatures[0];
  EXPECT_EQ(report.verdict, Verdict::kIndeterminate) << report.ToJson();
  EXPECT_EQ(sig.sub_indication, "REVOKED_NO_POE");
  EXPECT_EQ(sig.timestamp.status, "NONE");
  EXPECT_EQ(sig.poe_time, "");
  EXPECT_EQ(sig.validation_time, "2026-03-01T08:00:00Z");
}

TEST_F(PoeTest, NotRevokedWithTimestampIsGood) {
  const std::string pdf = Sign("provider", Utc(2026, 2, 1), Utc(2026, 2, 1));
  const auto crl = RootCrlRevoking(Pki("expired.pem"), Utc(2026, 1, 15), Utc(2026, 2, 20));
  const auto report = Verify(pdf, crl);
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].revocation, "GOOD");
}

// --- Expiry judged at the timestamp.

TEST_F(PoeTest, ExpiredSinceButTimestampedWhileValidIsValid) {
  // expired.pem is valid 2024-01-01 .. 2025-12-31; "now" is 2026-03-01.
  const std::string pdf = Sign("expired", Utc(2025, 6, 1), Utc(2025, 6, 1));
  const auto report = Verify(pdf);
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].poe_time, "2025-06-01T00:00:00Z");
  EXPECT_TRUE(report.signatures[0].chain_ok);
}

TEST_F(PoeTest, ExpiredWithoutTimestampIsOutOfBoundsNoPoe) {
  const std::string pdf = Sign("expired", Utc(2025, 6, 1), std::nullopt);
  const auto report = Verify(pdf);
  EXPECT_EQ(report.verdict, Verdict::kIndeterminate) << report.ToJson();
  EXPECT_EQ(report.signatures[0].sub_indication, "OUT_OF_BOUNDS_NO_POE");
}

TEST_F(PoeTest, ExpiredAtTheTimestampIsTotalFailedExpired) {
  const std::string pdf = Sign("expired", Utc(2026, 2, 1), Utc(2026, 2, 1));
  const auto report = Verify(pdf);
  EXPECT_EQ(report.verdict, Verdict::kInvalid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].indication, Indication::kTotalFailed);
  EXPECT_EQ(report.signatures[0].sub_indication, "EXPIRED");
}

TEST_F(PoeTest, NotYetValidAtTheTimestampIsTotalFailedNotYetValid) {
  // not-yet-valid.pem starts 2027-01-01; the timestamp says 2026-02-01.
  const std::string pdf = Sign("not-yet-valid", Utc(2026, 2, 1), Utc(2026, 2, 1));
  const auto report = Verify(pdf);
  EXPECT_EQ(report.verdict, Verdict::kInvalid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].sub_indication, "NOT_YET_VALID");
}

// --- Timestamps that prove nothing.

TEST_F(PoeTest, TamperedSignatureTimestampGivesNoProofOfExistence) {
  std::string pdf = Sign("expired", Utc(2025, 6, 1), Utc(2025, 6, 1));
  // The token is the CMS's last element and ends with the TSA's signature value; /Contents is
  // outside the byte ranges, so only the timestamp breaks.
  const auto cms = test::Extract(pdf).cms;
  const auto br = test::LastByteRange(pdf);
  const std::size_t last_hex = static_cast<std::size_t>(br[1]) + 1 + 2 * (cms.size() - 1);
  pdf[last_hex + 1] = pdf[last_hex + 1] == '0' ? '1' : '0';
  const auto report = Verify(pdf);
  ASSERT_EQ(report.signatures.size(), 1u);
  const auto& sig = report.signatures[0];
  EXPECT_TRUE(sig.digest_ok);
  EXPECT_TRUE(sig.signature_ok);
  EXPECT_EQ(sig.timestamp.status, "INVALID") << report.ToJson();
  EXPECT_EQ(sig.timestamp.sub_indication, "SIG_CRYPTO_FAILURE");
  EXPECT_EQ(sig.poe_time, "");
  EXPECT_EQ(sig.sub_indication, "OUT_OF_BOUNDS_NO_POE");
  EXPECT_EQ(report.verdict, Verdict::kIndeterminate);
}

TEST_F(PoeTest, TimestampFromAnUntrustedTsaGivesNoProofOfExistence) {
  // The signer chains to other-ca; the TSA only to root-ca, which is not trusted here.
  SignerOptions options;
  options.clock = [] { return Utc(2026, 2, 1); };
  TimestampAuthorityOptions tsa_options = test::FixedTsaOptions();
  tsa_options.clock = [] { return Utc(2026, 2, 1); };
  auto authority =
      TimestampAuthority::FromPem(Pki("tsa.key"), Pki("tsa.pem"), Pki("root-ca.pem"), tsa_options);
  options.timestamp = TimestampClient::InProcess(*authority, test::FixedClientOptions());
  const std::string pdf =
      Signer::Create(Credentials::FromPem(Pki("provider-other.key"), Pki("provider-other.pem"),
                                          Pki("other-ca.pem")),
                     options)
          ->Sign(test::UnsignedPdf(), SignRequest{});
  const auto report = Verify(pdf, "", "other-ca.pem");
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();  // judged now instead
  EXPECT_EQ(report.signatures[0].timestamp.status, "INVALID");
  EXPECT_EQ(report.signatures[0].timestamp.sub_indication, "NO_CERTIFICATE_CHAIN_FOUND");
  EXPECT_EQ(report.signatures[0].poe_time, "");
}

// --- Document timestamps.

TEST_F(PoeTest, DocumentTimestampIsVerified) {
  const std::string pdf =
      DocumentTimestamp(Sign("provider", Utc(2026, 2, 1), std::nullopt), Utc(2026, 2, 2));
  const auto report = Verify(pdf);
  ASSERT_EQ(report.signatures.size(), 2u) << report.ToJson();
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  const auto& stamp = report.signatures[1];
  EXPECT_EQ(stamp.field_name, "DocTimeStamp1");
  EXPECT_TRUE(stamp.is_document_timestamp);
  EXPECT_EQ(stamp.verdict, Verdict::kValid);
  EXPECT_EQ(stamp.revision, 3);
  EXPECT_TRUE(stamp.covers_whole_document);
  EXPECT_EQ(stamp.timestamp.status, "VALID");
  EXPECT_EQ(stamp.signing_time, "2026-02-02T00:00:00Z");
  EXPECT_NE(stamp.signer_subject.find("测试时间戳服务"), std::string::npos);
  // The signature before it is dated by it.
  EXPECT_FALSE(report.signatures[0].is_document_timestamp);
  EXPECT_EQ(report.signatures[0].poe_time, "2026-02-02T00:00:00Z");
  EXPECT_EQ(report.signatures[0].poe_source, "document-timestamp DocTimeStamp1");
  const std::string json = report.ToJson();
  EXPECT_NE(json.find("\"is_document_timestamp\":true"), std::string::npos) << json;
  EXPECT_NE(json.find("\"timestamp\":{\"status\":\"VALID\",\"gen_time\":\"2026-02-02T00:00:00Z\""),
            std::string::npos)
      << json;
}

TEST_F(PoeTest, DocumentTimestampProvesAnExpiredSignatureExistedInTime) {
  const std::string signed_only = Sign("expired", Utc(2025, 6, 1), std::nullopt);
  EXPECT_EQ(Verify(signed_only).verdict, Verdict::kIndeterminate);
  const auto report = Verify(DocumentTimestamp(signed_only, Utc(2025, 7, 1)));
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].poe_time, "2025-07-01T00:00:00Z");
}

TEST_F(PoeTest, DocumentTimestampAfterTheRevocationDoesNotSaveTheSignature) {
  const std::string pdf =
      DocumentTimestamp(Sign("provider", Utc(2026, 2, 1), std::nullopt), Utc(2026, 2, 20));
  const auto crl = RootCrlRevoking(Pki("provider.pem"), Utc(2026, 2, 15), Utc(2026, 2, 25));
  const auto report = Verify(pdf, crl);
  EXPECT_EQ(report.verdict, Verdict::kInvalid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].sub_indication, "REVOKED");
  EXPECT_EQ(report.signatures[1].verdict, Verdict::kValid);
}

TEST_F(PoeTest, DocumentTimestampAloneOnAnUnsignedDocument) {
  const auto report = Verify(DocumentTimestamp(test::UnsignedPdf(), Utc(2026, 2, 2)));
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  EXPECT_TRUE(report.signatures[0].is_document_timestamp);
}

TEST_F(PoeTest, DocumentTimestampWithUntrustedTsaIsIndeterminate) {
  const auto report =
      Verify(DocumentTimestamp(test::UnsignedPdf(), Utc(2026, 2, 2)), "", "other-ca.pem");
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_EQ(report.verdict, Verdict::kIndeterminate) << report.ToJson();
  EXPECT_EQ(report.signatures[0].sub_indication, "NO_CERTIFICATE_CHAIN_FOUND");
}

TEST_F(PoeTest, TamperedDocumentTimestampTokenIsInvalid) {
  std::string pdf = DocumentTimestamp(test::UnsignedPdf(), Utc(2026, 2, 2));
  const auto cms = test::Extract(pdf).cms;
  const auto br = test::LastByteRange(pdf);
  const std::size_t last_hex = static_cast<std::size_t>(br[1]) + 1 + 2 * (cms.size() - 1);
  pdf[last_hex + 1] = pdf[last_hex + 1] == '0' ? '1' : '0';
  const auto report = Verify(pdf);
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_EQ(report.verdict, Verdict::kInvalid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].sub_indication, "SIG_CRYPTO_FAILURE");
}

TEST_F(PoeTest, ChangedBytesUnderADocumentTimestampAreAHashFailure) {
  std::string pdf = DocumentTimestamp(test::UnsignedPdf(), Utc(2026, 2, 2));
  // A byte of the original page content (inside the timestamped ranges).
  const std::size_t at = pdf.find("Sealflow signing test fixture");
  ASSERT_NE(at, std::string::npos);
  pdf[at] = 'X';
  const auto report = Verify(pdf);
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_EQ(report.verdict, Verdict::kInvalid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].sub_indication, "HASH_FAILURE");
}

}  // namespace
}  // namespace sealflow::signing
