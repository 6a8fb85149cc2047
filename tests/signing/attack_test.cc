// Copyright sealflow authors.
// The attack corpus (tests/data/signing/attacks, made by make-attacks.py from our own signed
// documents): every file gets the document verdict and sub-indication EXPECTED.txt names.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "signing_test_util.h"

namespace sealflow::signing {
namespace {

struct Expectation {
  std::string file;
  std::string verdict;
  std::string sub_indication;  // "-": every signature TOTAL_PASSED
};

std::vector<Expectation> Manifest() {
  std::ifstream in(testing::TestDataPath("signing/EXPECTED.txt"));
  std::vector<Expectation> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    Expectation e;
    std::getline(fields, e.file, '\t');
    std::getline(fields, e.verdict, '\t');
    std::getline(fields, e.sub_indication, '\t');
    out.push_back(e);
  }
  return out;
}

class AttackCorpusTest : public ::testing::TestWithParam<Expectation> {};

TEST_P(AttackCorpusTest, GetsItsExpectedVerdict) {
  const Expectation& e = GetParam();
  const std::string pdf = testing::ReadFile(testing::TestDataPath("signing/" + e.file));
  const VerificationReport report = test::VerifierTrusting({test::Pki("root-ca.pem")})->Verify(pdf);
  EXPECT_EQ(VerdictName(report.verdict), e.verdict) << report.ToJson();
  if (e.sub_indication == "-") {
    ASSERT_FALSE(report.signatures.empty()) << report.ToJson();
    for (const SignatureReport& s : report.signatures) {
      EXPECT_EQ(s.indication, Indication::kTotalPassed) << report.ToJson();
      EXPECT_TRUE(s.modifications.empty()) << report.ToJson();
    }
    return;
  }
  // The first signature that does not pass names the reason.
  const SignatureReport* failing = nullptr;
  for (const SignatureReport& s : report.signatures) {
    if (s.indication != Indication::kTotalPassed) {
      failing = &s;
      break;
    }
  }
  if (failing == nullptr) {
    // No readable signature at all (the forgeries that remove what makes a signature): the
    // document is refused as a whole.
    EXPECT_TRUE(report.signatures.empty()) << report.ToJson();
    EXPECT_EQ(e.sub_indication, "FORMAT_FAILURE");
    return;
  }
  EXPECT_EQ(failing->sub_indication, e.sub_indication) << report.ToJson();
  if (e.sub_indication == "MODIFIED_AFTER_SIGNING") {
    EXPECT_FALSE(failing->modifications.empty()) << report.ToJson();
  }
}

std::string Name(const ::testing::TestParamInfo<Expectation>& info) {
  std::string name = info.param.file;
  name = name.substr(name.rfind('/') + 1);
  name = name.substr(0, name.rfind('.'));
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, AttackCorpusTest, ::testing::ValuesIn(Manifest()), Name);

TEST(AttackCorpusManifestTest, CoversEveryAttackClass) {
  std::set<std::string> files;
  for (const Expectation& e : Manifest()) files.insert(e.file);
  for (const char* name :
       {"forgery-missing-contents", "forgery-empty-contents", "forgery-zeroed-contents",
        "forgery-null-byterange", "forgery-missing-byterange", "isa-content-replaced",
        "wrapping-byterange-moved", "shadow-hide", "shadow-replace-overlay", "shadow-replace-font",
        "shadow-hide-and-replace", "certified-evil-annotation", "certified-sneaky-signature",
        "countersigned", "dss-added", "unlocked-field-filled-p2"}) {
    EXPECT_EQ(files.count(std::string("attacks/") + name + ".pdf"), 1u) << name;
  }
}

}  // namespace
}  // namespace sealflow::signing
