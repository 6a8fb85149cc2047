// Copyright sealflow authors.
// Smoke tests of `sealflow ca` and the new `sealflow sign` options: the bureau issues role
// certificates as PKCS#12, revokes one, publishes a CRL that openssl honours; a provider and an
// enterprise countersign the rendered contract with their PKCS#12 files, the second with a
// seal and a field lock.
#include <gtest/gtest.h>

#include <string>

#include "support/test_support.h"

namespace sealflow {
namespace {

using testing::BinPath;
using testing::CommandResult;

std::string Sealflow() { return BinPath("sealflow"); }

// A shell command (gtest's Test::Run would hide sealflow::testing::Run inside fixtures).
CommandResult Sh(const std::string& command) { return testing::Run(command); }

std::size_t Count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

class CaCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = dir_.File("ca");
    testing::WriteFile(dir_.File("pass.txt"), "s3cret-口令\n");
    Expect0(Sealflow() + " ca init --dir " + ca_ + " --name 新乡市工业和信息化局 --now " + kNow);
  }
  CommandResult Expect0(const std::string& command) {
    CommandResult r = Sh(command);
    EXPECT_EQ(r.exit_code, 0) << command << "\n" << r.output;
    return r;
  }
  CommandResult Issue(const std::string& role, const std::string& org, const std::string& code,
                      const std::string& p12, const std::string& extra = "") {
    return Expect0(Sealflow() + " ca issue --dir " + ca_ + " --role " + role + " --org " + org +
                   " --credit-code " + code + " --p12 " + dir_.File(p12) + " --password-file " +
                   dir_.File("pass.txt") + " --now " + kNow + " " + extra);
  }
  // The certificate inside a PKCS#12, as PEM in `pem`.
  void CertOf(const std::string& p12, const std::string& pem) {
    Expect0("openssl pkcs12 -in " + dir_.File(p12) + " -passin file:" + dir_.File("pass.txt") +
            " -clcerts -nokeys -out " + dir_.File(pem));
  }
  static constexpr const char* kNow = "2026-03-01T08:00:00Z";
  testing::TempDir dir_;
  std::string ca_;
};

TEST_F(CaCliTest, IssuedRoleCertificateHasNonRepudiationOrgRoleAndCreditCode) {
  Issue("provider", "新乡市示例软件服务有限公司", "91410700MA44C1RX23", "provider.p12",
        "--cn 示例软件-签章");
  CertOf("provider.p12", "provider.pem");
  const CommandResult text =
      Expect0("openssl x509 -noout -text -nameopt utf8 -in " + dir_.File("provider.pem"));
  EXPECT_NE(text.output.find("Digital Signature, Non Repudiation"), std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("O=新乡市示例软件服务有限公司, OU=provider"), std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("OU=provider"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("serialNumber=91410700MA44C1RX23"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("Not Before: Mar  1 08:00:00 2026 GMT"), std::string::npos)
      << text.output;
  Expect0("openssl verify -attime 1772352000 -CAfile " + ca_ + "/root.pem " +
          dir_.File("provider.pem"));
}

TEST_F(CaCliTest, TsaRoleGetsCriticalTimeStampingAndP256KeysWork) {
  Issue("tsa", "新乡市工业和信息化局", "11410700MB1234567U", "tsa.p12", "--key-type p256");
  CertOf("tsa.p12", "tsa.pem");
  const CommandResult text = Expect0("openssl x509 -noout -text -in " + dir_.File("tsa.pem"));
  EXPECT_NE(text.output.find("X509v3 Extended Key Usage: critical"), std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("Time Stamping"), std::string::npos);
  EXPECT_NE(text.output.find("prime256v1"), std::string::npos);
}

TEST_F(CaCliTest, RevokedCertificateIsInTheCrlAndFailsCrlCheckedVerification) {
  Issue("provider", "甲公司", "91410700MA44C1RX23", "a.p12");
  Issue("enterprise", "乙公司", "91410700MA46E5GH12", "b.p12");
  CertOf("a.p12", "a.pem");
  CertOf("b.p12", "b.pem");
  Expect0(Sealflow() + " ca revoke --dir " + ca_ + " --serial 2 --reason keyCompromise --now " +
          kNow);
  EXPECT_EQ(Sh(Sealflow() + " ca revoke --dir " + ca_ + " --serial 2").exit_code, 3);
  EXPECT_EQ(Sh(Sealflow() + " ca revoke --dir " + ca_ + " --serial 99").exit_code, 3);
  Expect0(Sealflow() + " ca crl --dir " + ca_ + " -o " + dir_.File("crl.pem") +
          " --next-update-days 30 --now 2026-03-02T00:00:00Z");
  const CommandResult crl = Expect0("openssl crl -noout -text -in " + dir_.File("crl.pem"));
  EXPECT_NE(crl.output.find("Serial Number: 02"), std::string::npos) << crl.output;
  EXPECT_EQ(crl.output.find("Serial Number: 03"), std::string::npos) << crl.output;
  EXPECT_NE(crl.output.find("Key Compromise"), std::string::npos) << crl.output;
  EXPECT_NE(crl.output.find("Next Update: Apr  1 00:00:00 2026 GMT"), std::string::npos)
      << crl.output;
  EXPECT_NE(crl.output.find("X509v3 CRL Number"), std::string::npos) << crl.output;
  Expect0("openssl crl -noout -in " + dir_.File("crl.pem") + " -CAfile " + ca_ + "/root.pem");
  const std::string verify = "openssl verify -attime 1772409600 -crl_check -CRLfile " +
                             dir_.File("crl.pem") + " -CAfile " + ca_ + "/root.pem ";
  const CommandResult revoked = Sh(verify + dir_.File("a.pem"));
  EXPECT_NE(revoked.exit_code, 0) << revoked.output;
  EXPECT_NE(revoked.output.find("certificate revoked"), std::string::npos) << revoked.output;
  Expect0(verify + dir_.File("b.pem"));
}

TEST_F(CaCliTest, BadUsage) {
  EXPECT_EQ(Sh(Sealflow() + " ca").exit_code, 64);
  EXPECT_EQ(Sh(Sealflow() + " ca frob --dir " + ca_).exit_code, 64);
  EXPECT_EQ(Sh(Sealflow() + " ca issue --dir " + ca_ +
               " --role king --org x --credit-code y "
               "--p12 x.p12 --password-file " +
               dir_.File("pass.txt"))
                .exit_code,
            64);
  // A credit code whose GB 32100 check character is wrong is refused before anything is issued.
  CommandResult bad_code = Sh(Sealflow() + " ca issue --dir " + ca_ +
                              " --role provider --org x --credit-code 91410700MA44C1RX2X "
                              "--p12 " +
                              dir_.File("bad.p12") + " --password-file " + dir_.File("pass.txt"));
  EXPECT_EQ(bad_code.exit_code, 64) << bad_code.output;
  EXPECT_NE(bad_code.output.find("GB 32100"), std::string::npos) << bad_code.output;
  EXPECT_EQ(Sh("test -e " + dir_.File("bad.p12")).exit_code, 1);
  EXPECT_EQ(Sh(Sealflow() + " ca init --dir " + ca_ + " --name again").exit_code, 3);
}

TEST_F(CaCliTest, ProviderAndEnterpriseCountersignTheRenderedContractWithTheirP12) {
  Issue("provider", "新乡市示例软件服务有限公司", "91410700MA44C1RX23", "provider.p12");
  Issue("enterprise", "新乡市示例制造有限公司", "91410700MA46E5GH12", "enterprise.p12",
        "--cn 李四 --key-type p256");
  Expect0(Sealflow() + " render " + testing::SourcePath("xml-schemas/examples/contract.xml") +
          " -o " + dir_.File("contract.pdf"));
  const std::string pass = " --password-file " + dir_.File("pass.txt");
  Expect0(Sealflow() + " sign " + dir_.File("contract.pdf") + " -o " + dir_.File("c1.pdf") +
          " --p12 " + dir_.File("provider.p12") + pass + " --field provider --certify P2");
  Expect0(Sealflow() + " sign " + dir_.File("c1.pdf") + " -o " + dir_.File("c2.pdf") + " --p12 " +
          dir_.File("enterprise.p12") + pass +
          " --field enterprise --seal --seal-purpose 合同专用章 --lock enterprise");
  const CommandResult pdfsig = Sh("pdfsig " + dir_.File("c2.pdf"));
  EXPECT_EQ(Count(pdfsig.output, "Signature is Valid"), 2u) << pdfsig.output;
  Expect0("qpdf --check " + dir_.File("c2.pdf"));
  const CommandResult fonts = Expect0("pdffonts " + dir_.File("c2.pdf"));
  EXPECT_GE(Count(fonts.output, "CID TrueType"), 3u) << fonts.output;
  // Usage errors.
  EXPECT_EQ(Sh(Sealflow() + " sign " + dir_.File("contract.pdf") + " -o " + dir_.File("x.pdf") +
               " --p12 " + dir_.File("provider.p12") + pass + " --certify P9")
                .exit_code,
            64);
  EXPECT_EQ(Sh(Sealflow() + " sign " + dir_.File("contract.pdf") + " -o " + dir_.File("x.pdf") +
               " --p12 " + dir_.File("provider.p12") + pass + " --seal-purpose x")
                .exit_code,
            64);
  // Signing the provider field again, or certifying a signed document: failures (3).
  EXPECT_EQ(Sh(Sealflow() + " sign " + dir_.File("c2.pdf") + " -o " + dir_.File("x.pdf") +
               " --p12 " + dir_.File("provider.p12") + pass + " --field provider")
                .exit_code,
            3);
}

}  // namespace
}  // namespace sealflow
