// Copyright sealflow authors.
#include "signing/credentials.h"

#include <gtest/gtest.h>

#include "signing/error.h"
#include "signing_test_util.h"

namespace sealflow::signing {
namespace {

using test::Pki;

void ExpectCredentialsError(const std::function<void()>& load) {
  try {
    load();
    ADD_FAILURE() << "no SigningError";
  } catch (const SigningError& e) {
    EXPECT_EQ(e.code(), SigningErrorCode::kCredentials) << e.what();
  }
}

TEST(CredentialsTest, LoadsPemKeyCertificateAndChain) {
  Credentials credentials =
      Credentials::FromPem(Pki("provider.key"), Pki("provider.pem"), Pki("chain.pem"));
  EXPECT_EQ(credentials.CommonName(), "新乡市示例软件服务有限公司 签章");
  EXPECT_EQ(credentials.SubjectName(),
            "serialNumber=91410700MA44C1RX23,CN=新乡市示例软件服务有限公司 签章,"
            "O=新乡市示例软件服务有限公司,C=CN");
}

TEST(CredentialsTest, LoadsPemText) {
  Credentials credentials = Credentials::FromPemText(testing::ReadFile(Pki("provider.key")),
                                                     testing::ReadFile(Pki("provider.pem")));
  EXPECT_EQ(credentials.CommonName(), "新乡市示例软件服务有限公司 签章");
}

TEST(CredentialsTest, LoadsEncryptedPemKeyWithPassword) {
  const std::string password = testing::ReadFile(Pki("provider.p12.pass"));
  Credentials credentials =
      Credentials::FromPem(Pki("provider-encrypted.key"), Pki("provider.pem"), "", password);
  EXPECT_FALSE(credentials.SubjectName().empty());
}

TEST(CredentialsTest, EncryptedPemKeyWithWrongOrNoPasswordFails) {
  ExpectCredentialsError([] {
    Credentials::FromPem(Pki("provider-encrypted.key"), Pki("provider.pem"), "", "wrong");
  });
  ExpectCredentialsError(
      [] { Credentials::FromPem(Pki("provider-encrypted.key"), Pki("provider.pem")); });
}

TEST(CredentialsTest, LoadsPkcs12) {
  Credentials credentials =
      Credentials::FromPkcs12(Pki("provider.p12"), testing::ReadFile(Pki("provider.p12.pass")));
  EXPECT_EQ(credentials.CommonName(), "新乡市示例软件服务有限公司 签章");
}

TEST(CredentialsTest, Pkcs12WithWrongPasswordFails) {
  ExpectCredentialsError([] { Credentials::FromPkcs12(Pki("provider.p12"), "not-the-password"); });
}

TEST(CredentialsTest, KeyThatDoesNotMatchTheCertificateFails) {
  ExpectCredentialsError(
      [] { Credentials::FromPem(Pki("provider.key"), Pki("provider-other.pem")); });
}

TEST(CredentialsTest, MissingOrGarbageFilesFail) {
  ExpectCredentialsError([] { Credentials::FromPem(Pki("no-such.key"), Pki("provider.pem")); });
  ExpectCredentialsError([] { Credentials::FromPemText("garbage", "garbage"); });
  ExpectCredentialsError([] {
    Credentials::FromPemText(testing::ReadFile(Pki("provider.key")), "not a certificate");
  });
  ExpectCredentialsError([] { Credentials::FromPkcs12(Pki("provider.pem"), "x"); });
}

TEST(CredentialsTest, MoveTransfersTheKey) {
  Credentials a = test::ProviderCredentials();
  Credentials b = std::move(a);
  EXPECT_FALSE(b.CommonName().empty());
}

}  // namespace
}  // namespace sealflow::signing
