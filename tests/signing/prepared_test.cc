// Copyright sealflow authors.
// The signer keeps the key: an upload is accepted only if it is exactly the prepared document
// (tests/data/signing/prepared-two-fields.pdf, two empty signature fields and a text field)
// plus one incremental update adding one signature.
#include "signing/prepared.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "signing/signer.h"
#include "signing_test_util.h"

namespace sealflow::signing {
namespace {

using sealflow::testing::ReadFile;
using sealflow::testing::WriteFile;
using test::Pki;

std::string Prepared() {
  return ReadFile(sealflow::testing::TestDataPath("signing/prepared-two-fields.pdf"));
}

std::string SignIn(const std::string& pdf, const std::string& field) {
  SignRequest request;
  request.field_name = field;
  return Signer::Create(test::ProviderCredentials(), test::FixedOptions())->Sign(pdf, request);
}

// Inserts `object` (a whole "n 0 obj … endobj" definition of object `number`) into the last
// update of `pdf`, just before its xref table, adds it to that table and moves startxref and the
// last signature's /ByteRange end accordingly — a modification smuggled into the signer's update
// (the signature value is not recomputed; CheckSignedUpload does not judge it).
std::string Smuggle(const std::string& pdf, int number, const std::string& object) {
  const std::size_t xref = pdf.rfind("\nxref\n") + 1;
  std::string out = pdf.substr(0, xref) + object + "\n";
  char entry[64];
  std::snprintf(entry, sizeof entry, "%d 1\n%010zu 00000 n \n", number, xref);
  out += "xref\n" + std::string(entry) + pdf.substr(xref + 5);
  const std::size_t moved = object.size() + 1;  // where the xref table now starts
  const std::size_t grown = moved + std::string(entry).size();
  // startxref
  const std::size_t at = out.rfind("startxref\n") + 10;
  const std::size_t end = out.find('\n', at);
  const std::size_t old_xref = std::stoul(out.substr(at, end - at));
  out.replace(at, end - at, std::to_string(old_xref + moved));
  // The /ByteRange's last number, in its padding.
  const auto br = test::LastByteRange(out);
  const std::size_t range = out.rfind("/ByteRange[");
  const std::size_t close = out.find(']', range);
  std::string numbers = " " + std::to_string(br[0]) + " " + std::to_string(br[1]) + " " +
                        std::to_string(br[2]) + " " +
                        std::to_string(br[3] + static_cast<std::int64_t>(grown));
  const std::size_t width = close - (range + 11);
  EXPECT_LE(numbers.size(), width);
  numbers.resize(width, ' ');
  out.replace(range + 11, width, numbers);
  return out;
}

class PreparedTest : public ::testing::Test {
 protected:
  sealflow::testing::TempDir dir_;
};

TEST_F(PreparedTest, GenuineCliSignatureWithTheSignersP12IsAccepted) {
  const std::string prepared = Prepared();
  WriteFile(dir_.File("prepared.pdf"), prepared);
  const auto signed_run = sealflow::testing::Run(
      sealflow::testing::BinPath("sealflow") + " sign " + dir_.File("prepared.pdf") + " -o " +
      dir_.File("signed.pdf") + " --p12 " + Pki("provider.p12") + " --password-file " +
      Pki("provider.p12.pass") + " --field provider");
  ASSERT_EQ(signed_run.exit_code, 0) << signed_run.output;
  const std::string uploaded = ReadFile(dir_.File("signed.pdf"));
  const UploadCheck check = CheckSignedUpload(prepared, uploaded, "provider");
  EXPECT_TRUE(check.accepted) << check.reason;
  EXPECT_EQ(check.field_name, "provider");
  EXPECT_EQ(check.reason, "");
  EXPECT_TRUE(CheckSignedUpload(prepared, uploaded).accepted);
  // And it is a valid signature for pdfsig and our verifier.
  const auto pdfsig = sealflow::testing::Run("pdfsig " + dir_.File("signed.pdf"));
  EXPECT_NE(pdfsig.output.find("Signature is Valid"), std::string::npos) << pdfsig.output;
  EXPECT_EQ(test::VerifierTrusting({Pki("root-ca.pem")})->Verify(uploaded).verdict,
            Verdict::kValid);
}

TEST_F(PreparedTest, NewFieldIsAcceptedWhenNoFieldIsExpected) {
  const std::string uploaded = SignIn(Prepared(), "Signature1");
  EXPECT_TRUE(CheckSignedUpload(Prepared(), uploaded).accepted)
      << CheckSignedUpload(Prepared(), uploaded).reason;
  const UploadCheck check = CheckSignedUpload(Prepared(), uploaded, "provider");
  EXPECT_FALSE(check.accepted);
  EXPECT_EQ(check.field_name, "Signature1");
  EXPECT_NE(check.reason.find("not in the prepared field provider"), std::string::npos)
      << check.reason;
}

TEST_F(PreparedTest, SignatureInAnotherPreparedFieldIsRefused) {
  const UploadCheck check = CheckSignedUpload(Prepared(), SignIn(Prepared(), "county"), "provider");
  EXPECT_FALSE(check.accepted);
  EXPECT_EQ(check.field_name, "county");
  EXPECT_NE(check.reason.find("签名在签名域 county 中"), std::string::npos) << check.reason;
}

TEST_F(PreparedTest, AlteredFirstRevisionIsRefused) {
  std::string uploaded = SignIn(Prepared(), "provider");
  // Re-rendered or re-saved: a byte of the prepared part differs (here its Info title).
  const std::size_t at = uploaded.find("(Sealflow prepared document) /Producer");
  ASSERT_NE(at, std::string::npos);
  uploaded[at + 1] = 's';
  const UploadCheck check = CheckSignedUpload(Prepared(), uploaded, "provider");
  EXPECT_FALSE(check.accepted);
  EXPECT_NE(check.reason.find("byte for byte"), std::string::npos) << check.reason;
  // Signing a different document altogether is the same refusal.
  EXPECT_FALSE(CheckSignedUpload(Prepared(), SignIn(test::UnsignedPdf(), "provider")).accepted);
}

TEST_F(PreparedTest, TwoSignaturesAreRefused) {
  const std::string twice = SignIn(SignIn(Prepared(), "provider"), "county");
  const UploadCheck check = CheckSignedUpload(Prepared(), twice);
  EXPECT_FALSE(check.accepted);
  EXPECT_NE(check.reason.find("exactly one incremental update"), std::string::npos) << check.reason;
}

TEST_F(PreparedTest, NothingAddedOrGarbageAfterIsRefused) {
  EXPECT_FALSE(CheckSignedUpload(Prepared(), Prepared()).accepted);
  const UploadCheck check =
      CheckSignedUpload(Prepared(), SignIn(Prepared(), "provider") + "trailing garbage\n");
  EXPECT_FALSE(check.accepted);
  EXPECT_NE(check.reason.find("exactly one incremental update"), std::string::npos) << check.reason;
  EXPECT_FALSE(CheckSignedUpload("not a pdf", "not a pdf either").accepted);
}

TEST_F(PreparedTest, ContentSmuggledIntoTheUpdateIsRefused) {
  const std::string genuine = SignIn(Prepared(), "provider");
  const std::string content = "BT /F1 14 Tf 72 770 Td (Pay 1,000,000 CNY) Tj ET\n";
  const std::string smuggled = Smuggle(genuine, 4,
                                       "4 0 obj\n<< /Length " + std::to_string(content.size()) +
                                           " >>\nstream\n" + content + "endstream\nendobj");
  // The smuggling itself is sound PDF: one update, the ByteRange to the end.
  EXPECT_EQ(test::LastByteRange(smuggled)[2] + test::LastByteRange(smuggled)[3],
            static_cast<std::int64_t>(smuggled.size()));
  const UploadCheck check = CheckSignedUpload(Prepared(), smuggled, "provider");
  EXPECT_FALSE(check.accepted);
  ASSERT_FALSE(check.modifications.empty()) << check.reason;
  EXPECT_EQ(check.modifications[0].object, 4u) << check.reason;
  EXPECT_NE(check.reason.find("more than the signature"), std::string::npos) << check.reason;
}

TEST_F(PreparedTest, FormValueChangedInTheUpdateIsRefused) {
  // Filling an unlocked field is what the difference analysis allows after a signature; in the
  // signer's own update it is refused.
  const std::string smuggled =
      Smuggle(SignIn(Prepared(), "provider"), 8,
              "8 0 obj\n<< /FT /Tx /T (remark) /V (rejected) /DA (/F1 10 Tf 0 g) /Type /Annot "
              "/Subtype /Widget /Rect [72 700 400 720] /F 4 /P 3 0 R >>\nendobj");
  const UploadCheck check = CheckSignedUpload(Prepared(), smuggled, "provider");
  EXPECT_FALSE(check.accepted);
  EXPECT_NE(check.reason.find("the value of the field remark"), std::string::npos) << check.reason;
}

TEST_F(PreparedTest, SignatureNotCoveringTheWholeUploadIsRefused) {
  const std::string genuine = SignIn(Prepared(), "provider");
  // An extra object in the update with the ByteRange left as signed: the range no longer ends
  // at the end of the file.
  const std::size_t xref = genuine.rfind("\nxref\n") + 1;
  std::string moved = genuine.substr(0, xref) + "99 0 obj\nnull\nendobj\n" + genuine.substr(xref);
  const std::size_t at = moved.rfind("startxref\n") + 10;
  const std::size_t end = moved.find('\n', at);
  moved.replace(at, end - at, std::to_string(xref + 21));
  const UploadCheck check = CheckSignedUpload(Prepared(), moved, "provider");
  EXPECT_FALSE(check.accepted);
  EXPECT_NE(check.reason.find("/ByteRange"), std::string::npos) << check.reason;
}

}  // namespace
}  // namespace sealflow::signing
