// Copyright sealflow authors.
// OCSP online: the CA's responder (AnswerOcspRequest, cross-checked with `openssl ocsp`), the
// verifier asking a responder on a loopback ephemeral port when the document carries no
// revocation information, and `sign --ltv --ocsp` embedding the answers for offline verification.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>

#include "signing/ca.h"
#include "signing/credentials.h"
#include "signing/error.h"
#include "signing/ocsp.h"
#include "signing/signer.h"
#include "signing/timestamp.h"
#include "signing/verifier.h"
#include "tsa_test_util.h"

namespace sealflow::signing {
namespace {

using sealflow::testing::FixedNow;  // 2026-03-01T08:00Z
using sealflow::testing::ReadFile;
using sealflow::testing::TempDir;
using sealflow::testing::WriteFile;
using std::chrono::system_clock;
using test::Pki;

constexpr const char* kProviderSerial = "1002";  // provider.pem, 0x3EA

system_clock::time_point Utc(int year, int month, int day) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  return system_clock::from_time_t(timegm(&tm));
}

IssuedIdentity Identity(const std::string& name) {
  return {ReadFile(Pki(name + ".key")), ReadFile(Pki(name + ".pem"))};
}

X509* ReadCert(const std::string& path) {
  const std::string pem = ReadFile(path);
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EXPECT_NE(cert, nullptr) << path;
  return cert;
}

OcspResponderData GoodProvider() { return {{kProviderSerial, "1003"}, {}}; }
OcspResponderData RevokedProvider(system_clock::time_point when) {
  return {{kProviderSerial}, {{kProviderSerial, when, "keyCompromise"}}};
}

// A DER OCSPRequest with a nonce about provider.pem, the CertID naming `issuer` as its issuer.
std::string ProviderRequest(const std::string& issuer = "root-ca") {
  X509* cert = ReadCert(Pki("provider.pem"));
  X509* issuer_cert = ReadCert(Pki(issuer + ".pem"));
  OCSP_REQUEST* request = OCSP_REQUEST_new();
  EXPECT_NE(OCSP_request_add0_id(request, OCSP_cert_to_id(EVP_sha1(), cert, issuer_cert)), nullptr);
  EXPECT_EQ(OCSP_request_add1_nonce(request, nullptr, -1), 1);
  unsigned char* der = nullptr;
  const int length = i2d_OCSP_REQUEST(request, &der);
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  OCSP_REQUEST_free(request);
  X509_free(issuer_cert);
  X509_free(cert);
  return out;
}

struct Answer {
  int response_status = -1;
  int cert_status = -1;  // V_OCSP_CERTSTATUS_*
  int reason = -1;
  time_t revoked_at = 0;
  bool nonce_echoed = false;
  bool signature_ok = false;  // OCSP_basic_verify against root-ca
};

// Parses `der` (an answer to `request` about provider.pem, CertID under `issuer`).
Answer Parse(const std::string& der, const std::string& request,
             const std::string& issuer = "root-ca") {
  Answer out;
  const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
  OCSP_RESPONSE* response = d2i_OCSP_RESPONSE(nullptr, &cursor, static_cast<long>(der.size()));
  if (response == nullptr) {
    ADD_FAILURE() << "the response does not parse";
    return out;
  }
  out.response_status = OCSP_response_status(response);
  OCSP_BASICRESP* basic = OCSP_response_get1_basic(response);
  if (basic != nullptr) {
    cursor = reinterpret_cast<const unsigned char*>(request.data());
    OCSP_REQUEST* req = d2i_OCSP_REQUEST(nullptr, &cursor, static_cast<long>(request.size()));
    out.nonce_echoed = OCSP_check_nonce(req, basic) == 1;
    OCSP_REQUEST_free(req);
    X509* cert = ReadCert(Pki("provider.pem"));
    X509* issuer_cert = ReadCert(Pki(issuer + ".pem"));
    X509* root = ReadCert(Pki("root-ca.pem"));
    OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), cert, issuer_cert);
    ASN1_GENERALIZEDTIME *revoked = nullptr, *this_update = nullptr, *next_update = nullptr;
    if (OCSP_resp_find_status(basic, id, &out.cert_status, &out.reason, &revoked, &this_update,
                              &next_update) == 1 &&
        revoked != nullptr) {
      std::tm tm{};
      ASN1_TIME_to_tm(revoked, &tm);
      out.revoked_at = timegm(&tm);
    }
    X509_STORE* store = X509_STORE_new();
    X509_STORE_add_cert(store, root);
    out.signature_ok = OCSP_basic_verify(basic, nullptr, store, 0) == 1;
    X509_STORE_free(store);
    OCSP_CERTID_free(id);
    X509_free(root);
    X509_free(issuer_cert);
    X509_free(cert);
    OCSP_BASICRESP_free(basic);
  }
  OCSP_RESPONSE_free(response);
  ERR_clear_error();
  return out;
}

TEST(OcspResponderTest, AnswersGood) {
  const std::string request = ProviderRequest();
  const Answer answer =
      Parse(AnswerOcspRequest(request, Identity("root-ca"), GoodProvider(), FixedNow()), request);
  EXPECT_EQ(answer.response_status, OCSP_RESPONSE_STATUS_SUCCESSFUL);
  EXPECT_EQ(answer.cert_status, V_OCSP_CERTSTATUS_GOOD);
  EXPECT_TRUE(answer.nonce_echoed);
  EXPECT_TRUE(answer.signature_ok);
}

TEST(OcspResponderTest, AnswersRevokedWithTimeAndReason) {
  const std::string request = ProviderRequest();
  const Answer answer = Parse(AnswerOcspRequest(request, Identity("root-ca"),
                                                RevokedProvider(Utc(2026, 1, 15)), FixedNow()),
                              request);
  EXPECT_EQ(answer.cert_status, V_OCSP_CERTSTATUS_REVOKED);
  EXPECT_EQ(answer.reason, OCSP_REVOKED_STATUS_KEYCOMPROMISE);
  EXPECT_EQ(answer.revoked_at, system_clock::to_time_t(Utc(2026, 1, 15)));
  EXPECT_TRUE(answer.signature_ok);
}

TEST(OcspResponderTest, SerialNeverIssuedIsUnknown) {
  const std::string request = ProviderRequest();
  const Answer answer =
      Parse(AnswerOcspRequest(request, Identity("root-ca"), {{"7"}, {}}, FixedNow()), request);
  EXPECT_EQ(answer.response_status, OCSP_RESPONSE_STATUS_SUCCESSFUL);
  EXPECT_EQ(answer.cert_status, V_OCSP_CERTSTATUS_UNKNOWN);
}

TEST(OcspResponderTest, AnotherIssuersCertificateIsUnknown) {
  // The CertID names other-ca as the issuer: this CA cannot answer for it, whatever the serial.
  const std::string request = ProviderRequest("other-ca");
  const Answer answer =
      Parse(AnswerOcspRequest(request, Identity("root-ca"), GoodProvider(), FixedNow()), request,
            "other-ca");
  EXPECT_EQ(answer.cert_status, V_OCSP_CERTSTATUS_UNKNOWN);
}

TEST(OcspResponderTest, GarbageGetsMalformedRequest) {
  for (const std::string& bad : {std::string(), std::string("\x30\x03\x02\x01", 4),
                                 std::string("not an OCSP request at all")}) {
    const std::string der = AnswerOcspRequest(bad, Identity("root-ca"), GoodProvider(), FixedNow());
    const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
    OCSP_RESPONSE* response = d2i_OCSP_RESPONSE(nullptr, &cursor, static_cast<long>(der.size()));
    ASSERT_NE(response, nullptr);
    EXPECT_EQ(OCSP_response_status(response), OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    OCSP_RESPONSE_free(response);
  }
}

// A responder on 127.0.0.1, an ephemeral port: AnswerOcspRequest over HTTP.
class TestResponder {
 public:
  // `identity` is the CA the responder answers for; `delegated` signs instead when given.
  TestResponder(IssuedIdentity identity, OcspResponderData data, system_clock::time_point now,
                std::optional<IssuedIdentity> delegated = std::nullopt)
      : state_(std::make_shared<State>(std::move(identity), std::move(data), now,
                                       std::move(delegated))),
        socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
        server_(new Factory(state_), socket_, new Poco::Net::HTTPServerParams) {
    server_.start();
  }
  ~TestResponder() { server_.stop(); }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + "/ocsp";
  }
  int requests() const { return state_->requests.load(); }

 private:
  struct State {
    State(IssuedIdentity i, OcspResponderData d, system_clock::time_point n,
          std::optional<IssuedIdentity> del)
        : identity(std::move(i)), data(std::move(d)), now(n), delegated(std::move(del)) {}
    IssuedIdentity identity;
    OcspResponderData data;
    system_clock::time_point now;
    std::optional<IssuedIdentity> delegated;
    std::atomic<int> requests{0};
  };
  class Handler final : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(std::shared_ptr<State> state) : state_(std::move(state)) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      ++state_->requests;
      std::string body;
      Poco::StreamCopier::copyToString(request.stream(), body);
      const std::string answer = AnswerOcspRequest(
          body, state_->identity, state_->data, state_->now, std::chrono::hours(24),
          state_->delegated ? &*state_->delegated : nullptr);
      response.setContentType("application/ocsp-response");
      response.setContentLength(static_cast<std::streamsize>(answer.size()));
      response.send() << answer;
    }

   private:
    std::shared_ptr<State> state_;
  };
  class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(std::shared_ptr<State> state) : state_(std::move(state)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(state_);
    }

   private:
    std::shared_ptr<State> state_;
  };
  std::shared_ptr<State> state_;
  Poco::Net::ServerSocket socket_;
  Poco::Net::HTTPServer server_;
};

// A loopback URL nobody listens on.
std::string DeadUrl() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  const std::string url = "http://127.0.0.1:" + std::to_string(socket.address().port()) + "/";
  socket.close();
  return url;
}

// Every truncation and many single-byte changes of a valid request: always an answer (a
// response that parses), never an exception or a crash. The fuzzers' corpus runner is wired in
// tests/CMakeLists.txt; this is the in-suite equivalent for the responder's parser.
TEST(OcspResponderTest, MangledRequestsAlwaysGetAnAnswer) {
  const std::string request = ProviderRequest();
  const IssuedIdentity ca = Identity("root-ca");
  auto answers = [&](const std::string& bytes) {
    const std::string der = AnswerOcspRequest(bytes, ca, GoodProvider(), FixedNow());
    const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
    OCSP_RESPONSE* response = d2i_OCSP_RESPONSE(nullptr, &cursor, static_cast<long>(der.size()));
    const bool ok = response != nullptr;
    OCSP_RESPONSE_free(response);
    return ok;
  };
  for (std::size_t length = 0; length < request.size(); ++length) {
    EXPECT_TRUE(answers(request.substr(0, length))) << length;
  }
  for (std::size_t at = 0; at < request.size(); at += 3) {
    std::string mangled = request;
    mangled[at] = static_cast<char>(mangled[at] ^ 0x5A);
    EXPECT_TRUE(answers(mangled)) << at;
  }
  EXPECT_TRUE(answers(request + std::string(1000, '\0')));  // trailing bytes: malformed
}

// `openssl ocsp` as the client of the responder over HTTP: it sends a request with its own
// nonce, checks the echoed nonce and the signature against the root, and prints the status.
TEST(OcspResponderTest, OpensslOcspClientAcceptsTheAnswers) {
  struct Case {
    OcspResponderData data;
    std::string expected;
  };
  for (const Case& c :
       {Case{GoodProvider(), ": good"}, Case{RevokedProvider(Utc(2026, 1, 15)), ": revoked"},
        Case{{{"7"}, {}}, ": unknown"}}) {
    TestResponder responder(Identity("root-ca"), c.data, system_clock::now());
    const auto result = sealflow::testing::Run(
        "openssl ocsp -url " + responder.url() + " -CAfile " + Pki("root-ca.pem") + " -issuer " +
        Pki("root-ca.pem") + " -cert " + Pki("provider.pem") + " 2>&1");
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("Response verify OK"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find(c.expected), std::string::npos) << result.output;
    EXPECT_EQ(result.output.find("nonce"), std::string::npos) << result.output;
    EXPECT_EQ(result.output.find("Nonce"), std::string::npos) << result.output;
    EXPECT_EQ(responder.requests(), 1);
  }
  // Signed by a CA that did not issue provider.pem: openssl refuses it too.
  TestResponder wrong(Identity("other-ca"), GoodProvider(), system_clock::now());
  const auto refused = sealflow::testing::Run(
      "openssl ocsp -url " + wrong.url() + " -CAfile " + Pki("root-ca.pem") + " -issuer " +
      Pki("root-ca.pem") + " -cert " + Pki("provider.pem") + " 2>&1");
  EXPECT_EQ(refused.output.find("Response verify OK"), std::string::npos) << refused.output;
}

// provider.pem signs at 2026-02-01 with a signature timestamp of that time (no DSS).
std::string SignedPdf() {
  SignerOptions options;
  options.clock = [] { return Utc(2026, 2, 1); };
  TimestampAuthorityOptions tsa_options = test::FixedTsaOptions();
  tsa_options.clock = [] { return Utc(2026, 2, 1); };
  auto authority =
      TimestampAuthority::FromPem(Pki("tsa.key"), Pki("tsa.pem"), Pki("root-ca.pem"), tsa_options);
  options.timestamp = TimestampClient::InProcess(*authority, test::FixedClientOptions());
  return Signer::Create(test::ProviderCredentials(), options)->Sign(test::UnsignedPdf(), {});
}

const std::string& TheSignedPdf() {
  static const std::string pdf = SignedPdf();
  return pdf;
}

VerificationReport VerifyOnline(const std::string& pdf, const std::string& url,
                                OcspTransport transport = {}) {
  VerifierOptions options;
  options.trust_anchor_files = {Pki("root-ca.pem")};
  options.clock = [] { return FixedNow(); };
  options.ocsp_url = url;
  options.ocsp_transport = std::move(transport);
  return Verifier::Create(options)->Verify(pdf);
}

bool HasFinding(const SignatureReport& sig, const std::string& part) {
  for (const auto& finding : sig.findings) {
    if (finding.find(part) != std::string::npos) return true;
  }
  return false;
}

// The answer (or its absence) counted for nothing: the signature stays valid, its revocation
// status is not checked, and a finding says why.
void ExpectNotChecked(const VerificationReport& report, const std::string& why) {
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  ASSERT_FALSE(report.signatures.empty());
  EXPECT_EQ(report.signatures[0].revocation, "NOT_CHECKED");
  EXPECT_TRUE(HasFinding(report.signatures[0], why)) << report.ToJson();
}

TEST(OcspOnlineTest, GoodAnswerIsValidWithOcspGood) {
  TestResponder responder(Identity("root-ca"), GoodProvider(), FixedNow() - std::chrono::hours(1));
  const auto report = VerifyOnline(TheSignedPdf(), responder.url());
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].revocation, "GOOD");
  EXPECT_EQ(report.signatures[0].revocation_source, "ocsp " + responder.url());
  EXPECT_EQ(responder.requests(), 1);  // the signer certificate; the root is not asked about
  EXPECT_NE(report.ToJson().find("\"revocation_source\":\"ocsp http://127.0.0.1:"),
            std::string::npos);
}

TEST(OcspOnlineTest, RevokedBeforeThePoeIsTotalFailedRevoked) {
  TestResponder responder(Identity("root-ca"), RevokedProvider(Utc(2026, 1, 15)),
                          FixedNow() - std::chrono::hours(1));
  const auto report = VerifyOnline(TheSignedPdf(), responder.url());
  EXPECT_EQ(report.verdict, Verdict::kInvalid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].indication, Indication::kTotalFailed);
  EXPECT_EQ(report.signatures[0].sub_indication, "REVOKED");
  EXPECT_EQ(report.signatures[0].revocation, "REVOKED");
}

TEST(OcspOnlineTest, RevokedAfterThePoeStaysValid) {
  TestResponder responder(Identity("root-ca"), RevokedProvider(Utc(2026, 2, 15)),
                          FixedNow() - std::chrono::hours(1));
  const auto report = VerifyOnline(TheSignedPdf(), responder.url());
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].revocation, "REVOKED");
}

TEST(OcspOnlineTest, ResponderDownIsNotedNotAFailure) {
  const std::string url = DeadUrl();
  const auto report = VerifyOnline(TheSignedPdf(), url);
  ExpectNotChecked(report, "unavailable");
  EXPECT_EQ(report.signatures[0].revocation_source, "");
}

TEST(OcspOnlineTest, UnknownIsNotedNotChecked) {
  TestResponder responder(Identity("root-ca"), {{"7"}, {}}, FixedNow() - std::chrono::hours(1));
  const auto report = VerifyOnline(TheSignedPdf(), responder.url());
  ExpectNotChecked(report, "(unknown)");
}

TEST(OcspOnlineTest, AnswerSignedByAnotherCaIsIgnored) {
  // other-ca says "revoked", but it is neither the issuer nor delegated by it.
  TestResponder responder(Identity("other-ca"), RevokedProvider(Utc(2026, 1, 15)),
                          FixedNow() - std::chrono::hours(1));
  const auto report = VerifyOnline(TheSignedPdf(), responder.url());
  ExpectNotChecked(report, "signature does not verify");
}

TEST(OcspOnlineTest, ReplayedAnswerFailsTheNonceCheck) {
  // A "good" answer to an earlier request (another nonce), replayed for a revoked certificate.
  const std::string old_request = ProviderRequest();
  const std::string replay =
      AnswerOcspRequest(old_request, Identity("root-ca"), GoodProvider(), FixedNow());
  int calls = 0;
  const auto report = VerifyOnline(TheSignedPdf(), "http://127.0.0.1:9/",
                                   [&](const std::string&, const std::string&) {
                                     ++calls;
                                     return replay;
                                   });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(report.signatures[0].revocation, "NOT_CHECKED") << report.ToJson();
  EXPECT_TRUE(HasFinding(report.signatures[0], "nonce")) << report.ToJson();
}

TEST(OcspOnlineTest, MangledAnswersNeverCountOrCrash) {
  // A hostile responder: a real answer with one byte changed, or cut short, at many places.
  const std::string good = AnswerOcspRequest(ProviderRequest(), Identity("root-ca"),
                                             RevokedProvider(Utc(2026, 1, 15)), FixedNow());
  for (std::size_t at = 0; at < good.size(); at += 7) {
    std::string mangled = good;
    mangled[at] = static_cast<char>(mangled[at] ^ 0x20);
    const std::string cut = good.substr(0, at);
    for (const std::string& reply : {mangled, cut}) {
      const auto report =
          VerifyOnline(TheSignedPdf(), "http://127.0.0.1:9/",
                       [&](const std::string&, const std::string&) { return reply; });
      ASSERT_EQ(report.signatures.size(), 1u);
      // The nonce never matches a replayed answer, whatever else was changed: nothing counts.
      EXPECT_EQ(report.signatures[0].revocation, "NOT_CHECKED") << at;
      EXPECT_EQ(report.verdict, Verdict::kValid) << at;
    }
  }
}

TEST(OcspOnlineTest, AnswerOutsideItsValidityIsIgnored) {
  // thisUpdate 2026-02-01, nextUpdate a day later: stale at the validation time (2026-03-01).
  TestResponder stale(Identity("root-ca"), RevokedProvider(Utc(2026, 1, 15)), Utc(2026, 2, 1));
  auto report = VerifyOnline(TheSignedPdf(), stale.url());
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  EXPECT_TRUE(HasFinding(report.signatures[0], "thisUpdate..nextUpdate")) << report.ToJson();
  // thisUpdate a day after the validation time.
  TestResponder future(Identity("root-ca"), RevokedProvider(Utc(2026, 1, 15)),
                       FixedNow() + std::chrono::hours(24));
  report = VerifyOnline(TheSignedPdf(), future.url());
  EXPECT_EQ(report.signatures[0].revocation, "NOT_CHECKED") << report.ToJson();
}

// A certificate under root-ca, issued now (the chain is checked at the real time by OpenSSL).
IssuedIdentity IssueUnderRoot(const std::string& name, long serial, const IssueOptions& options) {
  CertificateSubject subject;
  subject.common_name = name;
  subject.organization = "新乡市工业和信息化局";
  return IssueCertificate(Identity("root-ca"), subject, Utc(2026, 1, 1), 3650, serial, options);
}

TEST(OcspOnlineTest, DelegatedResponderIsAccepted) {
  IssueOptions options;
  options.ocsp_signing = true;
  const IssuedIdentity delegated = IssueUnderRoot("OCSP 应答方", 5001, options);
  TestResponder responder(Identity("root-ca"), RevokedProvider(Utc(2026, 1, 15)),
                          FixedNow() - std::chrono::hours(1), delegated);
  const auto report = VerifyOnline(TheSignedPdf(), responder.url());
  EXPECT_EQ(report.signatures[0].sub_indication, "REVOKED") << report.ToJson();
  // openssl agrees: the answer verifies against the root through the delegated responder.
  TestResponder live(Identity("root-ca"), GoodProvider(), system_clock::now(), delegated);
  const auto result = sealflow::testing::Run("openssl ocsp -url " + live.url() + " -CAfile " +
                                             Pki("root-ca.pem") + " -issuer " + Pki("root-ca.pem") +
                                             " -cert " + Pki("provider.pem") + " 2>&1");
  EXPECT_NE(result.output.find("Response verify OK"), std::string::npos) << result.output;
}

// A delegated responder's certificate is checked at the validation time (the injected clock),
// not at the system's current time: here it has expired since, and the validation time is
// before that.
TEST(OcspOnlineTest, DelegatedResponderIsCheckedAtTheValidationTime) {
  IssueOptions options;
  options.ocsp_signing = true;
  CertificateSubject subject;
  subject.common_name = "OCSP 应答方（已过期）";
  subject.organization = "新乡市工业和信息化局";
  // Valid 2026-01-01 .. 2026-05-01: at the validation time (FixedNow(), 2026-03-01), no longer.
  const IssuedIdentity expired_since =
      IssueCertificate(Identity("root-ca"), subject, Utc(2026, 1, 1), 120, 5006, options);
  ASSERT_LT(Utc(2026, 5, 2), system_clock::now());
  TestResponder responder(Identity("root-ca"), RevokedProvider(Utc(2026, 1, 15)),
                          FixedNow() - std::chrono::hours(1), expired_since);
  const auto report = VerifyOnline(TheSignedPdf(), responder.url());
  EXPECT_EQ(report.signatures[0].sub_indication, "REVOKED") << report.ToJson();

  // Valid from 2026-06-01 only: not at the validation time, although it is valid today.
  subject.common_name = "OCSP 应答方（尚未生效）";
  const IssuedIdentity not_yet =
      IssueCertificate(Identity("root-ca"), subject, Utc(2026, 6, 1), 3650, 5007, options);
  TestResponder early(Identity("root-ca"), RevokedProvider(Utc(2026, 1, 15)),
                      FixedNow() - std::chrono::hours(1), not_yet);
  const auto refused = VerifyOnline(TheSignedPdf(), early.url());
  ExpectNotChecked(refused, "signature does not verify");
}

TEST(OcspOnlineTest, ResponderWithoutOcspSigningIsRefused) {
  // Issued by the root, but not delegated (no id-kp-OCSPSigning): it may not speak for the root.
  const IssuedIdentity impostor = IssueUnderRoot("冒充者", 5002, {});
  TestResponder responder(Identity("root-ca"), RevokedProvider(Utc(2026, 1, 15)),
                          FixedNow() - std::chrono::hours(1), impostor);
  const auto report = VerifyOnline(TheSignedPdf(), responder.url());
  ExpectNotChecked(report, "signature does not verify");
}

TEST(OcspOnlineTest, AiaResponderIsAskedWhenConfigured) {
  // The responder listens first, so its URL can go into the certificate's authorityInfoAccess.
  TestResponder responder(Identity("root-ca"), {{"5003"}, {}}, FixedNow() - std::chrono::hours(1));
  IssueOptions options;
  options.ocsp_url = responder.url();
  const IssuedIdentity signer = IssueUnderRoot("签名人", 5003, options);
  EXPECT_EQ(OcspUrlOf(signer.cert_pem), responder.url());
  SignerOptions signer_options;
  signer_options.clock = [] { return Utc(2026, 2, 1); };
  const std::string pdf = Signer::Create(Credentials::FromPemText(signer.key_pem, signer.cert_pem,
                                                                  ReadFile(Pki("root-ca.pem"))),
                                         signer_options)
                              ->Sign(test::UnsignedPdf(), {});
  VerifierOptions verifier_options;
  verifier_options.trust_anchor_files = {Pki("root-ca.pem")};
  verifier_options.clock = [] { return FixedNow(); };
  verifier_options.ocsp_use_aia = true;
  const auto report = Verifier::Create(verifier_options)->Verify(pdf);
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].revocation, "GOOD");
  EXPECT_EQ(report.signatures[0].revocation_source, "ocsp " + responder.url());
  EXPECT_EQ(responder.requests(), 1);
  // sign --ltv --ocsp-aia: FetchOcspResponses with no URL follows the AIA too.
  EXPECT_EQ(FetchOcspResponses(CertificatesInSignatures(pdf), "", HttpOcspTransport()).size(), 1u);
  EXPECT_EQ(responder.requests(), 2);
}

TEST(OcspOnlineTest, NoResponderConfiguredAsksNobody) {
  TestResponder responder(Identity("root-ca"), GoodProvider(), FixedNow());
  const auto report = VerifyOnline(TheSignedPdf(), "");
  EXPECT_EQ(report.signatures[0].revocation, "NOT_CHECKED");
  EXPECT_EQ(responder.requests(), 0);
  // AIA requested, but provider.pem names no responder: still nobody asked, nothing noted.
  VerifierOptions options;
  options.trust_anchor_files = {Pki("root-ca.pem")};
  options.clock = [] { return FixedNow(); };
  options.ocsp_use_aia = true;
  const auto aia = Verifier::Create(options)->Verify(TheSignedPdf());
  EXPECT_EQ(aia.signatures[0].revocation, "NOT_CHECKED");
  EXPECT_FALSE(HasFinding(aia.signatures[0], "OCSP"));
}

// B-LT: the answers fetched at signing time go into the DSS; later, without any responder, the
// verifier finds them there.
TEST(OcspLtvTest, FetchedAnswersInTheDssServeOfflineVerification) {
  std::string pdf;
  {
    TestResponder responder(Identity("root-ca"), RevokedProvider(Utc(2026, 1, 15)),
                            FixedNow() - std::chrono::hours(1));
    ValidationData data;
    data.certificates = CertificatesInSignatures(TheSignedPdf());
    data.ocsp_responses =
        FetchOcspResponses(data.certificates, responder.url(), HttpOcspTransport());
    // provider and the TSA (both issued by root-ca); the self-signed root is not asked about.
    EXPECT_EQ(data.ocsp_responses.size(), 2u);
    EXPECT_EQ(responder.requests(), 2);
    ValidationDataOptions ltv;
    ltv.clock = [] { return FixedNow(); };
    pdf = AddValidationData(TheSignedPdf(), data, ltv);
  }
  // Offline, and even with a dead responder configured: the DSS answers first.
  const auto report = VerifyOnline(pdf, DeadUrl());
  EXPECT_EQ(report.verdict, Verdict::kInvalid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].sub_indication, "REVOKED");
  EXPECT_EQ(report.signatures[0].revocation_source, "dss-ocsp");
  EXPECT_FALSE(HasFinding(report.signatures[0], "unavailable"));
}

TEST(OcspLtvTest, FetchRejectsAnAnswerFromTheWrongSigner) {
  TestResponder responder(Identity("other-ca"), GoodProvider(), FixedNow());
  EXPECT_THROW(FetchOcspResponse(ReadFile(Pki("provider.pem")), ReadFile(Pki("root-ca.pem")),
                                 responder.url(), HttpOcspTransport()),
               SigningError);
}

TEST(OcspLtvTest, HttpTransportRefusesOtherSchemesAndOversizedAnswers) {
  EXPECT_THROW(HttpOcspTransport()("https://127.0.0.1:1/", "x"), SigningError);
  TestResponder responder(Identity("root-ca"), GoodProvider(), FixedNow());
  const std::string request = ProviderRequest();
  EXPECT_FALSE(HttpOcspTransport()(responder.url(), request).empty());
  EXPECT_THROW(HttpOcspTransport(std::chrono::seconds(10), 100)(responder.url(), request),
               SigningError);
}

// The CLI: `sealflow sign --ltv --ocsp URL` embeds the answer; offline verification uses it.
TEST(OcspCliTest, SignLtvOcspEmbedsTheAnswer) {
  const std::string sealflow = sealflow::testing::BinPath("sealflow");
  ASSERT_TRUE(std::filesystem::exists(sealflow)) << "build the sealflow target first";
  TempDir dir;
  WriteFile(dir.File("in.pdf"), test::UnsignedPdf());
  TestResponder responder(Identity("root-ca"), GoodProvider(), FixedNow());
  const auto result = sealflow::testing::Run(
      sealflow + " sign " + dir.File("in.pdf") + " -o " + dir.File("out.pdf") + " --key " +
      Pki("provider.key") + " --cert " + Pki("provider.pem") + " --chain " + Pki("chain.pem") +
      " --ltv --ocsp " + responder.url() + " 2>&1");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(responder.requests(), 1);
  VerifierOptions options;
  options.trust_anchor_files = {Pki("root-ca.pem")};
  const auto report = Verifier::Create(options)->Verify(ReadFile(dir.File("out.pdf")));
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.ToJson();
  EXPECT_EQ(report.signatures[0].revocation, "GOOD");
  EXPECT_EQ(report.signatures[0].revocation_source, "dss-ocsp");
  // --ocsp without --ltv is a usage error.
  EXPECT_EQ(
      sealflow::testing::Run(sealflow + " sign " + dir.File("in.pdf") + " -o " + dir.File("x.pdf") +
                             " --key " + Pki("provider.key") + " --cert " + Pki("provider.pem") +
                             " --ocsp " + responder.url() + " 2>&1")
          .exit_code,
      64);
}

// The CLI: `sealflow verify --ocsp URL` asks the responder; a dead one is only noted.
TEST(OcspCliTest, VerifyAsksTheResponder) {
  const std::string sealflow = sealflow::testing::BinPath("sealflow");
  ASSERT_TRUE(std::filesystem::exists(sealflow)) << "build the sealflow target first";
  TempDir dir;
  WriteFile(dir.File("signed.pdf"), TheSignedPdf());
  TestResponder responder(Identity("root-ca"), GoodProvider(), system_clock::now());
  const std::string verify =
      sealflow + " verify " + dir.File("signed.pdf") + " --trust " + Pki("root-ca.pem");
  auto result = sealflow::testing::Run(verify + " --ocsp " + responder.url() + " 2>&1");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("revocation GOOD (ocsp " + responder.url() + ")"), std::string::npos)
      << result.output;
  result = sealflow::testing::Run(verify + " --ocsp " + DeadUrl() + " 2>&1");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("unavailable"), std::string::npos) << result.output;
}

// `sealflow ca ocsp ...` in the background (output in `log`), stopped on destruction; url() is
// "" if it did not start listening.
class CliResponder {
 public:
  CliResponder(const std::string& command, const std::string& log) {
    const auto started = sealflow::testing::Run(command + " > " + log + " 2>&1 & echo $!");
    pid_ = started.output.substr(0, started.output.find('\n'));
    const std::regex listening(R"(listening on (http://127\.0\.0\.1:\d+/))");
    for (int attempt = 0; attempt < 200 && url_.empty(); ++attempt) {
      std::smatch match;
      const std::string text = std::filesystem::exists(log) ? ReadFile(log) : std::string();
      if (std::regex_search(text, match, listening)) {
        url_ = match[1];
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
  ~CliResponder() {
    // SIGTERM, then wait (bounded) until it has stopped.
    sealflow::testing::Run("kill " + pid_ + " 2>&1; for i in $(seq 100); do kill -0 " + pid_ +
                           " 2>/dev/null || break; sleep 0.05; done");
  }
  CliResponder(const CliResponder&) = delete;
  CliResponder& operator=(const CliResponder&) = delete;
  const std::string& url() const { return url_; }

 private:
  std::string pid_;
  std::string url_;
};

// `sealflow ca ocsp` serves the CA folder's index: good, then revoked after `ca revoke` (the
// index is read for every request), unknown for a serial it never issued; `openssl ocsp` is the
// client.
TEST(OcspCliTest, CaOcspServesTheIndex) {
  const std::string sealflow = sealflow::testing::BinPath("sealflow");
  ASSERT_TRUE(std::filesystem::exists(sealflow)) << "build the sealflow target first";
  TempDir dir;
  const std::string ca = dir.File("ca");
  WriteFile(dir.File("pass"), "secret-pass\n");
  auto run = [](const std::string& command) {
    const auto result = sealflow::testing::Run(command + " 2>&1");
    EXPECT_EQ(result.exit_code, 0) << command << "\n" << result.output;
    return result.output;
  };
  run(sealflow + " ca init --dir " + ca + " --name 测试局 --now 2026-01-01T00:00:00Z");
  run(sealflow + " ca issue --dir " + ca +
      " --role provider --org 测试公司 --credit-code 91410700MA44C1RX23 --p12 " +
      dir.File("p.p12") + " --password-file " + dir.File("pass") + " --now 2026-01-01T00:00:00Z");
  const CliResponder responder(sealflow + " ca ocsp --dir " + ca + " --port 0", dir.File("log"));
  const std::string& url = responder.url();
  ASSERT_FALSE(url.empty()) << ReadFile(dir.File("log"));
  const std::string query =
      "openssl ocsp -url " + url + " -CAfile " + ca + "/root.pem -issuer " + ca + "/root.pem ";
  std::string out = run(query + "-cert " + ca + "/certs/2.pem");
  EXPECT_NE(out.find("Response verify OK"), std::string::npos) << out;
  EXPECT_NE(out.find(": good"), std::string::npos) << out;
  run(sealflow + " ca revoke --dir " + ca +
      " --serial 2 --reason keyCompromise --now 2026-02-01T00:00:00Z");
  out = run(query + "-cert " + ca + "/certs/2.pem");
  EXPECT_NE(out.find(": revoked"), std::string::npos) << out;
  EXPECT_NE(out.find("Reason: keyCompromise"), std::string::npos) << out;
  EXPECT_NE(out.find("Revocation Time: Feb  1 00:00:00 2026 GMT"), std::string::npos) << out;
  out = run(query + "-serial 99");
  EXPECT_NE(out.find(": unknown"), std::string::npos) << out;
  // GET and other media types get problem+json.
  out = run("curl -s -i " + url);
  EXPECT_NE(out.find("405"), std::string::npos) << out;
  EXPECT_NE(out.find("application/problem+json"), std::string::npos) << out;
}

// `sealflow ca issue --role ocsp` makes a delegated responder; `ca ocsp --responder-key/-cert`
// signs with it, and openssl accepts the answers against the CA's root.
TEST(OcspCliTest, CaOcspWithADelegatedResponder) {
  const std::string sealflow = sealflow::testing::BinPath("sealflow");
  ASSERT_TRUE(std::filesystem::exists(sealflow)) << "build the sealflow target first";
  TempDir dir;
  const std::string ca = dir.File("ca");
  WriteFile(dir.File("pass"), "secret-pass\n");
  auto run = [](const std::string& command) {
    const auto result = sealflow::testing::Run(command + " 2>&1");
    EXPECT_EQ(result.exit_code, 0) << command << "\n" << result.output;
    return result.output;
  };
  run(sealflow + " ca init --dir " + ca + " --name 测试局");
  run(sealflow + " ca issue --dir " + ca +
      " --role provider --org 测试公司 --credit-code 91410700MA44C1RX23 --p12 " +
      dir.File("p.p12") + " --password-file " + dir.File("pass") +
      " --ocsp-url http://127.0.0.1:8088/");
  run(sealflow + " ca issue --dir " + ca +
      " --role ocsp --org 测试局 --credit-code 91410700MA44C1RX23 --p12 " + dir.File("r.p12") +
      " --password-file " + dir.File("pass"));
  // The AIA of the provider's certificate names the responder.
  EXPECT_EQ(OcspUrlOf(ReadFile(ca + "/certs/2.pem")), "http://127.0.0.1:8088/");
  run("openssl pkcs12 -in " + dir.File("r.p12") + " -passin file:" + dir.File("pass") +
      " -nodes -clcerts -out " + dir.File("responder.pem"));
  EXPECT_NE(run("openssl x509 -in " + dir.File("responder.pem") + " -noout -ext extendedKeyUsage")
                .find("OCSP Signing"),
            std::string::npos);
  const CliResponder responder(sealflow + " ca ocsp --dir " + ca + " --port 0 --responder-key " +
                                   dir.File("responder.pem") + " --responder-cert " +
                                   dir.File("responder.pem"),
                               dir.File("log"));
  ASSERT_FALSE(responder.url().empty()) << ReadFile(dir.File("log"));
  const std::string out =
      run("openssl ocsp -url " + responder.url() + " -CAfile " + ca + "/root.pem -issuer " + ca +
          "/root.pem -cert " + ca + "/certs/2.pem -resp_text");
  EXPECT_NE(out.find("Response verify OK"), std::string::npos) << out;
  EXPECT_NE(out.find(": good"), std::string::npos) << out;
  EXPECT_NE(out.find("OU = ocsp"), std::string::npos) << out;  // the responder signed, not the CA
}

}  // namespace
}  // namespace sealflow::signing
