// Copyright sealflow authors.
// PAdES B-LT: the DSS holds the certificates and CRLs, qpdf finds the file clean, and the
// signature before the update still covers exactly what it covered.
#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <algorithm>
#include <regex>

#include "signing/error.h"
#include "signing/signer.h"
#include "signing/timestamp.h"
#include "tsa_test_util.h"

namespace sealflow::signing {
namespace {

sealflow::testing::CommandResult Shell(const std::string& command) {
  return sealflow::testing::Run(command);
}

using sealflow::testing::ReadFile;
using sealflow::testing::WriteFile;
using test::Pki;

class LtvTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    authority_ = test::TestAuthority().release();
    SignerOptions options = test::FixedOptions();
    options.timestamp = TimestampClient::InProcess(*authority_, test::FixedClientOptions());
    signed_ = new std::string(Signer::Create(test::ProviderCredentials(), options)
                                  ->Sign(test::UnsignedPdf(), SignRequest{}));
  }
  static void TearDownTestSuite() {
    delete signed_;
    delete authority_;
  }

  static ValidationData Data() {
    ValidationData data;
    data.certificates = CertificatesInSignatures(*signed_);
    data.crls = DerCrls(ReadFile(Pki("root-ca.crl.pem")));
    return data;
  }

  static ValidationDataOptions Fixed(bool vri = true) {
    ValidationDataOptions options;
    options.per_signature_vri = vri;
    options.clock = [] { return sealflow::testing::FixedNow(); };
    return options;
  }

  std::string WriteTemp(const std::string& name, const std::string& bytes) {
    WriteFile(dir_.File(name), bytes);
    return dir_.File(name);
  }

  // The object numbers in the DSS's array `key` of the last update.
  static std::vector<std::string> DssRefs(const std::string& pdf, const std::string& key) {
    std::smatch dss;
    const std::regex dss_ref(R"(/DSS\s*(\d+)\s+0\s+R)");
    std::string number;
    for (auto it = std::sregex_iterator(pdf.begin(), pdf.end(), dss_ref);
         it != std::sregex_iterator(); ++it) {
      number = (*it)[1].str();
    }
    EXPECT_FALSE(number.empty()) << "no /DSS";
    const std::regex object("\n" + number + R"(\s+0\s+obj\s*<<([\s\S]*?)>>\s*endobj)");
    std::smatch body;
    std::string last;
    for (auto it = std::sregex_iterator(pdf.begin(), pdf.end(), object);
         it != std::sregex_iterator(); ++it) {
      last = (*it)[1].str();
    }
    const std::regex array("/" + key + R"(\s*\[([^\]]*)\])");
    std::vector<std::string> out;
    if (!std::regex_search(last, body, array)) return out;
    const std::string refs = body[1].str();
    const std::regex ref(R"((\d+)\s+0\s+R)");
    for (auto it = std::sregex_iterator(refs.begin(), refs.end(), ref);
         it != std::sregex_iterator(); ++it) {
      out.push_back((*it)[1].str());
    }
    return out;
  }

  std::string StreamData(const std::string& path, const std::string& object) {
    const auto result = Shell("qpdf --show-object=" + object + " --filtered-stream-data " + path);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return result.output;
  }

  static TimestampAuthority* authority_;
  static std::string* signed_;
  sealflow::testing::TempDir dir_;
};
TimestampAuthority* LtvTest::authority_ = nullptr;
std::string* LtvTest::signed_ = nullptr;

TEST_F(LtvTest, CollectsSignerChainAndTsaCertificates) {
  const auto certs = CertificatesInSignatures(*signed_);
  // provider, root-ca (its chain) and the TSA certificate from the signature timestamp.
  EXPECT_EQ(certs.size(), 3u);
  const auto tsa = DerCertificates(ReadFile(Pki("tsa.pem")));
  ASSERT_EQ(tsa.size(), 1u);
  EXPECT_NE(std::find(certs.begin(), certs.end(), tsa[0]), certs.end());
}

TEST_F(LtvTest, QpdfFindsTheUpdatedFileClean) {
  const std::string ltv = AddValidationData(*signed_, Data(), Fixed());
  const auto result = Shell("qpdf --check " + WriteTemp("lt.pdf", ltv));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("No syntax or stream encoding errors"), std::string::npos)
      << result.output;
}

TEST_F(LtvTest, DssStreamsParseAsCertificatesAndCrls) {
  const std::string ltv = AddValidationData(*signed_, Data(), Fixed());
  const std::string path = WriteTemp("lt.pdf", ltv);
  const auto certs = DssRefs(ltv, "Certs");
  ASSERT_EQ(certs.size(), 3u);
  for (const std::string& object : certs) {
    const std::string der = StreamData(path, object);
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
    EXPECT_NE(cert, nullptr) << "object " << object;
    X509_free(cert);
  }
  const auto crls = DssRefs(ltv, "CRLs");
  ASSERT_EQ(crls.size(), 1u);
  const std::string der = StreamData(path, crls[0]);
  EXPECT_EQ(der, DerCrls(ReadFile(Pki("root-ca.crl.pem")))[0]);
}

TEST_F(LtvTest, EarlierSignatureIsUntouched) {
  const std::string ltv = AddValidationData(*signed_, Data(), Fixed());
  ASSERT_EQ(ltv.compare(0, signed_->size(), *signed_), 0);
  EXPECT_EQ(test::LastByteRange(ltv), test::LastByteRange(*signed_));
  const auto result = Shell("pdfsig " + WriteTemp("lt.pdf", ltv));
  EXPECT_NE(result.output.find("Signature is Valid"), std::string::npos) << result.output;
  const auto extracted = test::Extract(ltv);
  const auto cms =
      Shell("openssl cms -verify -binary -inform DER -in " + WriteTemp("sig.der", extracted.cms) +
            " -content " + WriteTemp("ranges.bin", extracted.signed_bytes) + " -CAfile " +
            Pki("root-ca.pem") + " -purpose any -out /dev/null");
  EXPECT_NE(cms.output.find("Verification successful"), std::string::npos) << cms.output;
}

TEST_F(LtvTest, VriIsKeyedByTheSha1OfTheContents) {
  const std::string ltv = AddValidationData(*signed_, Data(), Fixed());
  const auto br = test::LastByteRange(*signed_);
  const std::string hex = signed_->substr(br[1] + 1, br[2] - br[1] - 2);
  std::string contents;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    contents += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(contents.data()), contents.size(), digest);
  std::string key = "/";
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const unsigned char byte : digest) {
    key += kHex[byte >> 4];
    key += kHex[byte & 0x0f];
  }
  EXPECT_NE(ltv.find(key), std::string::npos) << key;
  EXPECT_EQ(AddValidationData(*signed_, Data(), Fixed(/*vri=*/false)).find(key), std::string::npos);
}

TEST_F(LtvTest, AddingTheSameDataAgainStoresNothingTwice) {
  const std::string once = AddValidationData(*signed_, Data(), Fixed());
  const std::string twice = AddValidationData(once, Data(), Fixed());
  EXPECT_EQ(DssRefs(twice, "Certs"), DssRefs(once, "Certs"));
  EXPECT_EQ(DssRefs(twice, "CRLs"), DssRefs(once, "CRLs"));
  EXPECT_EQ(Shell("qpdf --check " + WriteTemp("twice.pdf", twice)).exit_code, 0);
}

TEST_F(LtvTest, UpdateIsDeterministic) {
  const std::string ltv = AddValidationData(*signed_, Data(), Fixed());
  EXPECT_EQ(AddValidationData(*signed_, Data(), Fixed()), ltv);
  EXPECT_NE(ltv.find("/ModDate(D:20260301080000+00'00')", signed_->size()), std::string::npos);
}

TEST_F(LtvTest, GarbageEntriesAreRefused) {
  ValidationData data;
  data.certificates = {"not DER"};
  try {
    AddValidationData(*signed_, data, Fixed());
    FAIL() << "expected SigningError";
  } catch (const SigningError& e) {
    EXPECT_EQ(e.code(), SigningErrorCode::kArgument) << e.what();
  }
  data = {};
  data.crls = DerCertificates(ReadFile(Pki("root-ca.pem")));  // a certificate is no CRL
  EXPECT_THROW(AddValidationData(*signed_, data, Fixed()), SigningError);
  EXPECT_THROW(DerCertificates("-----BEGIN CERTIFICATE-----\nxx\n-----END CERTIFICATE-----\n"),
               SigningError);
  EXPECT_EQ(DerCertificates(ReadFile(Pki("chain.pem"))).size(), 1u);
}

}  // namespace
}  // namespace sealflow::signing
