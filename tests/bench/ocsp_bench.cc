// Copyright sealflow authors.
// OCSP (issue #4): the responder's work per request and the verifier's cost of asking online.
//   BM_OcspAnswer        AnswerOcspRequest for one certificate against a CA index of
//                        state.range(0) issued serials (1% revoked): parse, look up, RSA-2048 sign
//   BM_OcspVerifyOnline  verifying a signed PDF with an online responder (in-process transport,
//                        no network): request with nonce, answer, checks, report
//
//   build/bin/sealflow_bench --benchmark_filter=Ocsp
#include <benchmark/benchmark.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>

#include <chrono>
#include <string>

#include "signing/ca.h"
#include "signing/credentials.h"
#include "signing/ocsp.h"
#include "signing/signer.h"
#include "signing/verifier.h"
#include "support/test_support.h"

namespace {

using namespace sealflow::signing;  // NOLINT: a benchmark file
using sealflow::testing::FixedNow;
using sealflow::testing::ReadFile;
using sealflow::testing::TestDataPath;

std::string Pki(const std::string& name) { return TestDataPath("pki/" + name); }

IssuedIdentity Root() { return {ReadFile(Pki("root-ca.key")), ReadFile(Pki("root-ca.pem"))}; }

std::string ProviderRequest() {
  const std::string cert_pem = ReadFile(Pki("provider.pem"));
  const std::string issuer_pem = ReadFile(Pki("root-ca.pem"));
  BIO* a = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
  BIO* b = BIO_new_mem_buf(issuer_pem.data(), static_cast<int>(issuer_pem.size()));
  X509* cert = PEM_read_bio_X509(a, nullptr, nullptr, nullptr);
  X509* issuer = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
  OCSP_REQUEST* request = OCSP_REQUEST_new();
  OCSP_request_add0_id(request, OCSP_cert_to_id(EVP_sha1(), cert, issuer));
  OCSP_request_add1_nonce(request, nullptr, -1);
  unsigned char* der = nullptr;
  const int length = i2d_OCSP_REQUEST(request, &der);
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  OCSP_REQUEST_free(request);
  X509_free(issuer);
  X509_free(cert);
  BIO_free(b);
  BIO_free(a);
  return out;
}

OcspResponderData Index(long size) {
  OcspResponderData data;
  for (long serial = 2; serial < size + 2; ++serial) {
    data.issued_serials.push_back(std::to_string(serial));
    if (serial % 100 == 0) {
      data.revoked.push_back(
          {std::to_string(serial), FixedNow() - std::chrono::hours(24), "keyCompromise"});
    }
  }
  data.issued_serials.push_back("1002");  // provider.pem
  return data;
}

void BM_OcspAnswer(benchmark::State& state) {
  const std::string request = ProviderRequest();
  const IssuedIdentity ca = Root();
  const OcspResponderData data = Index(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(AnswerOcspRequest(request, ca, data, FixedNow()));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OcspAnswer)->Arg(100)->Arg(100000)->Unit(benchmark::kMicrosecond);

void BM_OcspVerifyOnline(benchmark::State& state) {
  SignerOptions signer_options;
  signer_options.clock = [] { return FixedNow() - std::chrono::hours(24); };
  const std::string pdf =
      Signer::Create(
          Credentials::FromPem(Pki("provider.key"), Pki("provider.pem"), Pki("chain.pem")),
          signer_options)
          ->Sign(ReadFile(TestDataPath("signing/unsigned-two-pages.pdf")), {});
  const IssuedIdentity ca = Root();
  const OcspResponderData data = Index(100);
  VerifierOptions options;
  options.trust_anchor_files = {Pki("root-ca.pem")};
  options.clock = [] { return FixedNow(); };
  options.ocsp_url = "http://in-process/";
  options.ocsp_transport = [&](const std::string&, const std::string& request) {
    return AnswerOcspRequest(request, ca, data, FixedNow() - std::chrono::hours(1));
  };
  const auto verifier = Verifier::Create(options);
  for (auto _ : state) {
    const auto report = verifier->Verify(pdf);
    if (report.signatures.empty() || report.signatures[0].revocation != "GOOD") {
      state.SkipWithError("the online check did not say GOOD");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OcspVerifyOnline)->Unit(benchmark::kMicrosecond);

}  // namespace
