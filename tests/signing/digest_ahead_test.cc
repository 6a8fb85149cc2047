// Copyright sealflow authors.
// The digest computed ahead on a helper thread (signing/src/digest_ahead.h): every state it
// hands out equals the digest of the same bytes computed in one go, whether the end was asked
// for in time, late, or with no helper at all; and signing and verifying give the same bytes and
// the same reports with it as without it.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "digest_ahead.h"
#include "forms/renderer.h"
#include "signing_test_util.h"

namespace sealflow::signing {
namespace {

// Deterministic bytes (a linear congruential generator), `size` of them.
std::string Bytes(std::size_t size) {
  std::string out(size, '\0');
  std::uint32_t x = 12345;
  for (char& c : out) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 24);
  }
  return out;
}

std::string Hex(const unsigned char* data, unsigned length) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < length; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 15];
  }
  return out;
}

std::string OneShot(const EVP_MD* md, std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  EXPECT_EQ(EVP_Digest(bytes.data(), bytes.size(), digest, &length, md, nullptr), 1);
  return Hex(digest, length);
}

std::string Finish(DigestAhead& ahead, std::size_t end) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EXPECT_TRUE(ahead.StateAt(end, ctx.get()));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  EXPECT_EQ(EVP_DigestFinal_ex(ctx.get(), digest, &length), 1);
  return Hex(digest, length);
}

bool HasHelpers() { return std::thread::hardware_concurrency() > 1; }

// A DigestAhead that a helper took, where there are helpers. A helper counts as idle again only
// just after its last task has let go of the bytes, so the one the previous test used may not be
// back yet: wait for it (at most a second).
std::unique_ptr<DigestAhead> AheadWithHelper(const EVP_MD* md, std::string_view bytes) {
  for (int attempt = 0; attempt < 1000; ++attempt) {
    auto ahead = std::make_unique<DigestAhead>(md, bytes);
    if (ahead->ahead() || !HasHelpers()) return ahead;
    ahead.reset();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return std::make_unique<DigestAhead>(md, bytes);
}

// work()'s result once a helper has taken part in it, where there are helpers: the one the
// last call used may not be back yet, so it runs again (at most 200 times, 1 ms apart).
template <typename Work>
auto UntilAHelperTookPart(Work work) {
  const std::uint64_t before = DigestAhead::HelperTasksStarted();
  auto result = work();
  for (int attempt = 1;
       attempt < 200 && HasHelpers() && DigestAhead::HelperTasksStarted() == before; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    result = work();
  }
  EXPECT_EQ(DigestAhead::HelperTasksStarted() > before, HasHelpers());
  return result;
}

const std::vector<std::size_t> kEnds = {0,     1,      63,     64,     16383,  16384,
                                        16385, 100000, 500000, 999999, 1000000};

TEST(DigestAheadTest, EveryStateIsTheDigestOfThatPrefixAskedInOrder) {
  const std::string bytes = Bytes(1000000);
  auto ahead = AheadWithHelper(EVP_sha256(), bytes);
  // One core has no helper (hardware_concurrency() 1 or unknown).
  EXPECT_EQ(ahead->ahead(), HasHelpers()) << "an idle helper should take a 1 MB document";
  for (const std::size_t end : kEnds) {
    EXPECT_EQ(Finish(*ahead, end), OneShot(EVP_sha256(), std::string_view(bytes).substr(0, end)))
        << "end " << end;
  }
}

TEST(DigestAheadTest, EndsAskedForAfterTheHelperPassedThemComeFromItsChunkStates) {
  const std::string bytes = Bytes(1000000);
  auto ahead = AheadWithHelper(EVP_sha256(), bytes);
  EXPECT_EQ(ahead->ahead(), HasHelpers());
  // The whole document first: afterwards every smaller end is behind the helper.
  for (auto it = kEnds.rbegin(); it != kEnds.rend(); ++it) {
    EXPECT_EQ(Finish(*ahead, *it), OneShot(EVP_sha256(), std::string_view(bytes).substr(0, *it)))
        << "end " << *it;
  }
}

TEST(DigestAheadTest, ACallerDoesNotWaitForAHelperKeptOffTheCpu) {
  const std::string bytes = Bytes(1000000);
  // Helpers started from now on sleep 300 ms before they hash.
  DigestAhead::DelayHelpersForTesting(std::chrono::milliseconds(300));
  auto ahead = AheadWithHelper(EVP_sha256(), bytes);
  ASSERT_EQ(ahead->ahead(), HasHelpers());
  std::promise<void> job_ran;
  const bool queued = ahead->ThenRun([&job_ran] { job_ran.set_value(); });
  EXPECT_EQ(queued, HasHelpers());
  const auto start = std::chrono::steady_clock::now();
  const std::string part = Finish(*ahead, 700000);
  const auto waited = std::chrono::steady_clock::now() - start;
  DigestAhead::DelayHelpersForTesting(std::chrono::microseconds(0));
  EXPECT_EQ(part, OneShot(EVP_sha256(), std::string_view(bytes).substr(0, 700000)));
  EXPECT_EQ(ahead->took_over(), HasHelpers());
  // It hashed the bytes itself rather than wait out the helper's 300 ms.
  EXPECT_LT(waited, std::chrono::milliseconds(150));
  // Later ends build on the state it kept; the helper, once awake, still runs its jobs.
  EXPECT_EQ(Finish(*ahead, bytes.size()), OneShot(EVP_sha256(), bytes));
  EXPECT_EQ(Finish(*ahead, 900000),
            OneShot(EVP_sha256(), std::string_view(bytes).substr(0, 900000)));
  if (queued) {
    EXPECT_EQ(job_ran.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  }
}

TEST(DigestAheadTest, WithoutAHelperTheCallerComputesTheSame) {
  const std::string bytes = Bytes(200000);
  DigestAhead disabled(EVP_sha256(), bytes, /*enabled=*/false);
  EXPECT_FALSE(disabled.ahead());
  const std::string small = Bytes(DigestAhead::kMinBytes - 1);
  DigestAhead too_small(EVP_sha256(), small);
  EXPECT_FALSE(too_small.ahead());
  for (const std::size_t end : {std::size_t{0}, std::size_t{70000}, bytes.size()}) {
    EXPECT_EQ(Finish(disabled, end), OneShot(EVP_sha256(), std::string_view(bytes).substr(0, end)));
  }
  EXPECT_EQ(Finish(too_small, small.size()), OneShot(EVP_sha256(), small));
}

TEST(DigestAheadTest, OtherDigestsWork) {
  const std::string bytes = Bytes(300000);
  for (const EVP_MD* md : {EVP_sha384(), EVP_sha512()}) {
    auto ahead = AheadWithHelper(md, bytes);
    EXPECT_EQ(ahead->nid(), EVP_MD_get_type(md));
    EXPECT_EQ(Finish(*ahead, 123456), OneShot(md, std::string_view(bytes).substr(0, 123456)));
  }
}

TEST(DigestAheadTest, DestroyedUnaskedItLetsGoOfTheBytes) {
  // The destructor waits for the helper: the bytes may be freed right after it.
  for (int i = 0; i < 50; ++i) {
    auto bytes = std::make_unique<std::string>(Bytes(4 << 20));
    { DigestAhead ahead(EVP_sha256(), *bytes); }
    bytes.reset();
  }
  // The helper is idle again: the next document gets it.
  const std::string bytes = Bytes(100000);
  EXPECT_EQ(AheadWithHelper(EVP_sha256(), bytes)->ahead(), HasHelpers());
}

TEST(DigestAheadTest, ConcurrentCallersBeyondTheCoresGetNoHelperAndStillTheRightDigest) {
  const std::string bytes = Bytes(400000);
  const std::string expected = OneShot(EVP_sha256(), bytes);
  // Alive at once: more callers than cores, so most must work alone.
  const unsigned cores = std::max(2u, std::thread::hardware_concurrency());
  std::vector<std::unique_ptr<DigestAhead>> all;
  all.push_back(AheadWithHelper(EVP_sha256(), bytes));
  int helped = all.back()->ahead() ? 1 : 0;
  EXPECT_EQ(helped, HasHelpers() ? 1 : 0);
  for (unsigned i = 1; i < cores + 2; ++i) {
    all.push_back(std::make_unique<DigestAhead>(EVP_sha256(), bytes));
    helped += all.back()->ahead() ? 1 : 0;
  }
  EXPECT_LT(static_cast<unsigned>(helped), cores);
  // And from several threads at once, each with its own object.
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      DigestAhead ahead(EVP_sha256(), bytes);
      results[t] = Finish(ahead, bytes.size());
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& result : results) EXPECT_EQ(result, expected);
  for (auto& ahead : all) EXPECT_EQ(Finish(*ahead, bytes.size()), expected);
}

// Signing and verification of a rendered form (large enough for the helper) with and without it.
class DigestAheadPdfTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    forms::RendererOptions options;
    options.clock = [] { return testing::FixedNow(); };
    unsigned_pdf_ = new std::string(
        forms::Renderer::Create(options)
            ->Render(testing::ReadFile(testing::SourcePath("xml-schemas/examples/application.xml")))
            .form.pdf);
  }
  static void TearDownTestSuite() {
    delete unsigned_pdf_;
    unsigned_pdf_ = nullptr;
  }

  static std::unique_ptr<Signer> MakeSigner(bool ahead) {
    SignerOptions options = test::FixedOptions();
    options.digest_ahead = ahead;
    return Signer::Create(test::ProviderCredentials(), options);
  }
  static std::unique_ptr<Verifier> MakeVerifier(bool ahead) {
    VerifierOptions options;
    options.trust_anchor_files = {test::Pki("root-ca.pem")};
    options.clock = [] { return testing::FixedNow(); };
    options.digest_ahead = ahead;
    return Verifier::Create(options);
  }
  static SignRequest Field(const std::string& name) {
    SignRequest request;
    request.field_name = name;
    return request;
  }

  static std::string* unsigned_pdf_;
};

std::string* DigestAheadPdfTest::unsigned_pdf_ = nullptr;

TEST_F(DigestAheadPdfTest, SignedBytesAreIdenticalWithAndWithoutTheHelper) {
  ASSERT_GE(unsigned_pdf_->size(), DigestAhead::kMinBytes);
  const std::string with = UntilAHelperTookPart(
      [] { return MakeSigner(true)->Sign(*unsigned_pdf_, Field("provider")); });
  const std::string without = MakeSigner(false)->Sign(*unsigned_pdf_, Field("provider"));
  EXPECT_EQ(with, without);
  const std::string twice_with = MakeSigner(true)->Sign(with, Field("county"));
  EXPECT_EQ(twice_with, MakeSigner(false)->Sign(without, Field("county")));
  EXPECT_EQ(MakeVerifier(false)->Verify(twice_with).verdict, Verdict::kValid);
}

TEST_F(DigestAheadPdfTest, ReportsAreIdenticalWithAndWithoutTheHelper) {
  auto signer = MakeSigner(false);
  const std::string once = signer->Sign(*unsigned_pdf_, Field("provider"));
  const std::string three = signer->Sign(signer->Sign(once, Field("county")), Field("bureau"));
  // A changed byte inside every signature's signed range (the first revision's /Creator), and
  // bytes after the last revision.
  std::string tampered = three;
  const std::size_t inside = tampered.find("/Creator(sealflow)");
  ASSERT_NE(inside, std::string::npos);
  tampered[inside + 10] = 'S';
  std::string appended = three + "\n% trailing\n";
  auto with = MakeVerifier(true);
  auto without = MakeVerifier(false);
  for (const std::string* pdf :
       std::vector<const std::string*>{&once, &three, &tampered, &appended}) {
    const VerificationReport a = UntilAHelperTookPart([&] { return with->Verify(*pdf); });
    const VerificationReport b = without->Verify(*pdf);
    EXPECT_EQ(a.ToJson(), b.ToJson());
  }
  EXPECT_EQ(with->Verify(three).verdict, Verdict::kValid);
  const VerificationReport broken = with->Verify(tampered);
  EXPECT_EQ(broken.verdict, Verdict::kInvalid);
  ASSERT_FALSE(broken.signatures.empty());
  EXPECT_EQ(broken.signatures[0].sub_indication, "HASH_FAILURE") << broken.ToJson();
}

// Verifications from several threads at once take the helper in some calls and not in others,
// with every interleaving of hashing, revision parsing and take-over the scheduler produces:
// every report equals the one made without a helper.
TEST_F(DigestAheadPdfTest, ConcurrentVerificationsAgreeWithTheHelperlessReport) {
  auto signer = MakeSigner(false);
  const std::string three =
      signer->Sign(signer->Sign(signer->Sign(*unsigned_pdf_, Field("provider")), Field("county")),
                   Field("bureau"));
  std::string tampered = three;
  tampered[tampered.find("/Creator(sealflow)") + 10] = 'S';
  const std::string expected_three = MakeVerifier(false)->Verify(three).ToJson();
  const std::string expected_tampered = MakeVerifier(false)->Verify(tampered).ToJson();
  auto with = MakeVerifier(true);
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 15; ++i) {
        const bool odd = (i + t) % 2 == 1;
        const std::string json = with->Verify(odd ? tampered : three).ToJson();
        if (json != (odd ? expected_tampered : expected_three)) ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace sealflow::signing
