// Copyright sealflow authors.
#include "signing/ca.h"

#include <gtest/gtest.h>

#include "signing/error.h"
#include "signing_test_util.h"

namespace sealflow::signing {
namespace {

TEST(CaTest, IssuedSignerCertificateChainsToTheRootAndSigns) {
  using std::chrono::hours;
  const auto start = sealflow::testing::FixedNow() - hours(24);
  CertificateSubject root_subject{"演示根CA", "新乡市工业和信息化局", "", "CN"};
  const IssuedIdentity root = CreateRootCa(root_subject, start, 3650);
  CertificateSubject signer_subject{"演示企业 签章", "演示企业有限公司", "91410700MA44C1RX23",
                                    "CN"};
  const IssuedIdentity signer = IssueSignerCertificate(root, signer_subject, start, 365, 42);
  EXPECT_NE(root.key_pem.find("BEGIN PRIVATE KEY"), std::string::npos);

  sealflow::testing::TempDir dir;
  sealflow::testing::WriteFile(dir.File("root.pem"), root.cert_pem);
  sealflow::testing::WriteFile(dir.File("signer.pem"), signer.cert_pem);
  auto result = sealflow::testing::Run("openssl verify -attime 1772352000 -CAfile " +
                                       dir.File("root.pem") + " " + dir.File("signer.pem"));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  result = sealflow::testing::Run("openssl x509 -noout -text -in " + dir.File("signer.pem"));
  EXPECT_NE(result.output.find("Digital Signature, Non Repudiation"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("CA:FALSE"), std::string::npos);
  EXPECT_NE(result.output.find("Authority Key Identifier"), std::string::npos);
  result = sealflow::testing::Run("openssl x509 -noout -text -in " + dir.File("root.pem"));
  EXPECT_NE(result.output.find("CA:TRUE"), std::string::npos);
  EXPECT_NE(result.output.find("Certificate Sign, CRL Sign"), std::string::npos);

  Credentials credentials =
      Credentials::FromPemText(signer.key_pem, signer.cert_pem, root.cert_pem);
  EXPECT_EQ(credentials.CommonName(), "演示企业 签章");
  auto pdf =
      Signer::Create(std::move(credentials), test::FixedOptions())->Sign(test::UnsignedPdf(), {});
  VerifierOptions options;
  options.trust_anchor_pems = {root.cert_pem};
  options.clock = [] { return sealflow::testing::FixedNow(); };
  const auto report = Verifier::Create(options)->Verify(pdf);
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_EQ(report.signatures[0].signer_serial_number, "91410700MA44C1RX23");
  EXPECT_EQ(report.signatures[0].signer_organization, "演示企业有限公司");
}

TEST(CaTest, RejectsBadArguments) {
  const auto now = sealflow::testing::FixedNow();
  EXPECT_THROW(CreateRootCa({"", "O", "", "CN"}, now, 10), SigningError);
  EXPECT_THROW(CreateRootCa({"CN", "O", "", "CN"}, now, 0), SigningError);
  IssuedIdentity bogus{"not a key", "not a cert"};
  EXPECT_THROW(IssueSignerCertificate(bogus, {"x", "y", "", "CN"}, now, 10, 2), SigningError);
}

TEST(CaTest, Pkcs12ExportLoadsWithCredentialsAndCarriesRoleAndCreditCode) {
  using std::chrono::hours;
  const auto start = sealflow::testing::FixedNow() - hours(24);
  const IssuedIdentity root = CreateRootCa({"根CA", "新乡市工业和信息化局", "", "CN"}, start, 3650);
  CertificateSubject subject{"验收机构 签章", "新乡市示例验收中心", "12410700MB00000001", "CN"};
  for (KeyAlgorithm key : {KeyAlgorithm::kRsa2048, KeyAlgorithm::kEcdsaP256}) {
    IssueOptions options;
    options.key = key;
    options.organizational_unit = "agency";
    const IssuedIdentity agency = IssueCertificate(root, subject, start, 365, 7, options);
    sealflow::testing::TempDir dir;
    sealflow::testing::WriteFile(dir.File("agency.p12"),
                                 ExportPkcs12(agency, root.cert_pem, "口令", "agency"));
    const Credentials credentials = Credentials::FromPkcs12(dir.File("agency.p12"), "口令");
    EXPECT_NE(credentials.SubjectName().find("OU=agency"), std::string::npos)
        << credentials.SubjectName();
    EXPECT_NE(credentials.SubjectName().find("serialNumber=12410700MB00000001"), std::string::npos)
        << credentials.SubjectName();
    EXPECT_THROW(Credentials::FromPkcs12(dir.File("agency.p12"), "wrong"), SigningError);
    EXPECT_EQ(CertificateSerial(agency.cert_pem), "7");
  }
  EXPECT_THROW(ExportPkcs12(root, "", "", "x"), SigningError);
}

TEST(CaTest, CrlListsRevokedSerialsWithReasonAndIsSignedByTheCa) {
  const auto now = sealflow::testing::FixedNow();
  const IssuedIdentity root = CreateRootCa({"根CA", "新乡市工业和信息化局", "", "CN"}, now, 3650);
  const std::string crl = CreateCrl(root, {{"4660", now, "keyCompromise"}, {"3", now, ""}}, now,
                                    now + std::chrono::hours(24 * 7), 5);
  sealflow::testing::TempDir dir;
  sealflow::testing::WriteFile(dir.File("crl.pem"), crl);
  sealflow::testing::WriteFile(dir.File("root.pem"), root.cert_pem);
  const auto text = sealflow::testing::Run("openssl crl -noout -text -in " + dir.File("crl.pem") +
                                           " -CAfile " + dir.File("root.pem"));
  EXPECT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("verify OK"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("Serial Number: 1234"), std::string::npos) << text.output;  // 4660
  EXPECT_NE(text.output.find("Serial Number: 03"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("Key Compromise"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("X509v3 CRL Number: \n                5"), std::string::npos)
      << text.output;
  EXPECT_THROW(CreateCrl(root, {{"x1", now, ""}}, now, now + std::chrono::hours(1), 1),
               SigningError);
  EXPECT_THROW(CreateCrl(root, {{"1", now, "bored"}}, now, now + std::chrono::hours(1), 1),
               SigningError);
  EXPECT_THROW(CreateCrl(root, {}, now, now, 1), SigningError);
}

}  // namespace
}  // namespace sealflow::signing
