// Copyright sealflow authors.
// The RFC 3161 authority and client: requests from the openssl CLI answered and verified by it,
// rejections, and the client's checks of what a TSA answers.
#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

#include "signing/error.h"
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

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class TsaTest : public ::testing::Test {
 protected:
  // An openssl ts -query over `data` with its own options; returns the request path.
  std::string Query(const std::string& data, const std::string& options = "-sha256 -cert") {
    WriteFile(dir_.File("data.bin"), data);
    const auto result = Shell("openssl ts -query -data " + dir_.File("data.bin") + " " + options +
                              " -out " + dir_.File("req.tsq"));
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return dir_.File("req.tsq");
  }
  std::string Answer(const std::string& request_path) {
    WriteFile(dir_.File("resp.tsr"), authority_->Respond(ReadFile(request_path)));
    return dir_.File("resp.tsr");
  }
  std::string ReplyText(const std::string& response_path) {
    const auto result = Shell("openssl ts -reply -in " + response_path + " -text");
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return result.output;
  }

  std::unique_ptr<TimestampAuthority> authority_ = test::TestAuthority();
  sealflow::testing::TempDir dir_;
};

TEST_F(TsaTest, OpensslVerifiesTheResponseToItsQuery) {
  const std::string response = Answer(Query("申报材料 application bytes"));
  const auto result =
      Shell("openssl ts -verify -in " + response + " -queryfile " + dir_.File("req.tsq") +
            " -CAfile " + Pki("root-ca.pem") + " -untrusted " + Pki("tsa.pem"));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("Verification: OK"), std::string::npos) << result.output;
}

TEST_F(TsaTest, ResponseCarriesPolicyFixedTimeAccuracySerialAndNonce) {
  const std::string text = ReplyText(Answer(Query("x")));
  EXPECT_NE(text.find("Status: Granted."), std::string::npos) << text;
  // openssl.cnf names 1.2.3.4.1 "tsa_policy1".
  EXPECT_TRUE(text.find("Policy OID: 1.2.3.4.1") != std::string::npos ||
              text.find("Policy OID: tsa_policy1") != std::string::npos)
      << text;
  EXPECT_NE(text.find("Hash Algorithm: sha256"), std::string::npos) << text;
  EXPECT_NE(text.find("Time stamp: Mar  1 08:00:00 2026 GMT"), std::string::npos) << text;
  EXPECT_NE(text.find("Accuracy: 0x01 seconds"), std::string::npos) << text;
  EXPECT_NE(text.find("Serial number: 0x01"), std::string::npos) << text;
  EXPECT_EQ(text.find("Nonce: unspecified"), std::string::npos) << text;  // echoed
  // The next response has the next serial number.
  EXPECT_NE(ReplyText(Answer(Query("y"))).find("Serial number: 0x02"), std::string::npos);
}

TEST_F(TsaTest, CertReqDecidesWhetherTheTokenCarriesTheTsaCertificate) {
  const std::string with = Answer(Query("x", "-sha256 -cert"));
  auto token = Shell("openssl ts -reply -in " + with + " -token_out -out " + dir_.File("t.der"));
  ASSERT_EQ(token.exit_code, 0) << token.output;
  auto certs = Shell("openssl pkcs7 -inform DER -in " + dir_.File("t.der") + " -print_certs");
  // The TSA certificate and its chain (the root).
  EXPECT_EQ(Count(certs.output, "subject="), 2) << certs.output;

  const std::string without = Answer(Query("x", "-sha256"));
  token = Shell("openssl ts -reply -in " + without + " -token_out -out " + dir_.File("t2.der"));
  certs = Shell("openssl pkcs7 -inform DER -in " + dir_.File("t2.der") + " -print_certs");
  EXPECT_EQ(Count(certs.output, "subject="), 0) << certs.output;
}

TEST_F(TsaTest, Sha512RequestsAreAnsweredToo) {
  const std::string response = Answer(Query("x", "-sha512 -cert"));
  const auto result = Shell("openssl ts -verify -in " + response + " -queryfile " +
                            dir_.File("req.tsq") + " -CAfile " + Pki("root-ca.pem"));
  EXPECT_NE(result.output.find("Verification: OK"), std::string::npos) << result.output;
}

TEST_F(TsaTest, GarbageRequestGetsARejectionNotAnException) {
  WriteFile(dir_.File("resp.tsr"), authority_->Respond("not a TimeStampReq"));
  const std::string text = ReplyText(dir_.File("resp.tsr"));
  EXPECT_NE(text.find("Status: Rejected."), std::string::npos) << text;
  EXPECT_NE(text.find("the data submitted has the wrong format"), std::string::npos) << text;
}

TEST_F(TsaTest, OtherPolicyIsRejected) {
  const std::string text = ReplyText(Answer(Query("x", "-sha256 -tspolicy 1.2.3.4.99")));
  EXPECT_NE(text.find("Status: Rejected."), std::string::npos) << text;
  EXPECT_NE(text.find("policy is not supported"), std::string::npos) << text;
}

TEST_F(TsaTest, FailingClockBecomesARejection) {
  TimestampAuthorityOptions options = test::FixedTsaOptions();
  options.clock = []() -> std::chrono::system_clock::time_point {
    throw std::runtime_error("no time source");
  };
  authority_ = TimestampAuthority::FromPem(Pki("tsa.key"), Pki("tsa.pem"), "", options);
  const std::string text = ReplyText(Answer(Query("x")));
  EXPECT_NE(text.find("Status: Rejected."), std::string::npos) << text;
  EXPECT_NE(text.find("time is not available"), std::string::npos) << text;
}

TEST_F(TsaTest, CertificateWithoutTimeStampingIsRefused) {
  try {
    TimestampAuthority::FromPem(Pki("provider.key"), Pki("provider.pem"));
    FAIL() << "expected SigningError";
  } catch (const SigningError& e) {
    EXPECT_EQ(e.code(), SigningErrorCode::kCredentials) << e.what();
  }
}

TEST_F(TsaTest, MalformedPolicyIsRefused) {
  TimestampAuthorityOptions options;
  options.policy_oid = "not an oid";
  EXPECT_THROW(TimestampAuthority::FromPem(Pki("tsa.key"), Pki("tsa.pem"), "", options),
               SigningError);
}

TEST_F(TsaTest, InProcessClientTokenVerifiesWithOpensslOverTheDigest) {
  auto client = TimestampClient::InProcess(*authority_, test::FixedClientOptions());
  const std::string digest = Sha256("signature value bytes");
  WriteFile(dir_.File("token.der"), client->Timestamp(digest));
  const auto result =
      test::OpensslTsVerifyToken(dir_.File("token.der"), "-digest " + test::Hex(digest));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("Verification: OK"), std::string::npos) << result.output;
  // The estimate covers a real token.
  EXPECT_GE(client->TokenSizeEstimate(), ReadFile(dir_.File("token.der")).size());
  EXPECT_LE(client->TokenSizeEstimate(), ReadFile(dir_.File("token.der")).size() + 64);
}

TEST_F(TsaTest, TokensAreDeterministicWithFixedClockSerialsAndNonces) {
  auto one = test::TestAuthority();
  auto a = TimestampClient::InProcess(*one, test::FixedClientOptions());
  const std::string first = a->Timestamp(Sha256("x"));
  auto other = test::TestAuthority();
  auto b = TimestampClient::InProcess(*other, test::FixedClientOptions());
  EXPECT_EQ(first, b->Timestamp(Sha256("x")));
}

TEST_F(TsaTest, ClientRefusesAReplyToAnotherRequest) {
  const std::string stale = authority_->Respond(ReadFile(Query("other data")));
  auto client = TimestampClient::OverTransport([&](const std::string&) { return stale; });
  try {
    client->Timestamp(Sha256("x"));
    FAIL() << "expected SigningError";
  } catch (const SigningError& e) {
    EXPECT_EQ(e.code(), SigningErrorCode::kTimestamp) << e.what();
  }
}

TEST_F(TsaTest, ClientReportsRejectionsAndTransportFailuresAsTimestampErrors) {
  const auto code_of = [](const TimestampTransport& transport) {
    try {
      TimestampClient::OverTransport(transport)->Timestamp(Sha256("x"));
    } catch (const SigningError& e) {
      return e.code();
    }
    return SigningErrorCode::kArgument;
  };
  // The request arrives damaged: the TSA rejects it.
  EXPECT_EQ(code_of([&](const std::string& req) { return authority_->Respond(req.substr(1)); }),
            SigningErrorCode::kTimestamp);
  EXPECT_EQ(code_of([](const std::string&) -> std::string {
              throw std::runtime_error("connection refused");
            }),
            SigningErrorCode::kTimestamp);
  EXPECT_EQ(code_of([](const std::string&) { return std::string("<html>502</html>"); }),
            SigningErrorCode::kTimestamp);
}

TEST_F(TsaTest, ClientRejectsADigestOfTheWrongSize) {
  auto client = TimestampClient::InProcess(*authority_);
  EXPECT_THROW(client->Timestamp("short"), SigningError);
}

TEST_F(TsaTest, RespondIsSafeFromManyThreads) {
  auto client = TimestampClient::InProcess(*authority_);
  std::vector<std::thread> threads;
  std::vector<std::string> tokens(8);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    threads.emplace_back([&, i] { tokens[i] = client->Timestamp(Sha256(std::to_string(i))); });
  }
  for (auto& thread : threads) thread.join();
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto check =
        VerifyTimestampToken(tokens[i], std::to_string(i), {ReadFile(Pki("root-ca.pem"))},
                             sealflow::testing::FixedNow());
    EXPECT_TRUE(check.valid) << i << ": " << (check.findings.empty() ? "" : check.findings[0]);
  }
}

}  // namespace
}  // namespace sealflow::signing
