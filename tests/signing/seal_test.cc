// Copyright sealflow authors.
// The visible seal (电子印章) appearance at the contract's signature block.
#include <gtest/gtest.h>

#include <string>

#include "signer_test_util.h"
#include "signing/error.h"
#include "signing/signer.h"

namespace sealflow::signing {
namespace {

SignRequest SealRequest() {
  SignRequest request;
  request.field_name = "provider";
  SealAppearance seal;
  seal.organization = "新乡市示例软件服务有限公司";
  seal.purpose = "合同专用章";
  seal.signer_name = "签署人 张三";
  seal.font_path = test::FontPath();
  request.seal = seal;
  return request;
}

class SealTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto signer = Signer::Create(test::ProviderCredentials(), test::FixedOptions());
    sealed_ = new std::string(signer->Sign(test::RenderedContract().pdf, SealRequest()));
  }
  static void TearDownTestSuite() { delete sealed_; }
  static std::string* sealed_;
  sealflow::testing::TempDir dir_;
};
std::string* SealTest::sealed_ = nullptr;

TEST_F(SealTest, WidgetGetsANormalAppearanceWithRingStarAndText) {
  const std::string update = sealed_->substr(test::RenderedContract().pdf.size());
  EXPECT_NE(update.find("/AP<<"), std::string::npos);
  EXPECT_NE(update.find("/Subtype/Form"), std::string::npos);
  // The appearance stream itself (uncompressed by qpdf for inspection).
  const std::string path = dir_.File("sealed.pdf");
  sealflow::testing::WriteFile(path, *sealed_);
  const auto qdf = sealflow::testing::Run("qpdf --qdf --object-streams=disable " + path + " " +
                                          dir_.File("qdf.pdf"));
  ASSERT_EQ(qdf.exit_code, 0) << qdf.output;
  const std::string text = sealflow::testing::ReadFile(dir_.File("qdf.pdf"));
  EXPECT_NE(text.find("1.000 0.000 0.000 rg"), std::string::npos);  // red fill
  EXPECT_NE(text.find("1.000 0.000 0.000 RG"), std::string::npos);  // red ring
  EXPECT_GE(test::Count(text, " cm\n"), 13u);  // one rotation per character of the name
  EXPECT_NE(text.find("/CIDFontType2"), std::string::npos);
}

TEST_F(SealTest, PdffontsShowsTheSealFontEmbeddedAsASubset) {
  const auto fonts = test::RunOn(dir_, "pdffonts", *sealed_);
  ASSERT_EQ(fonts.exit_code, 0) << fonts.output;
  EXPECT_NE(fonts.output.find("CID TrueType"), std::string::npos) << fonts.output;
  // Every font line ends "yes yes yes" (embedded, subset, ToUnicode) for the seal's font.
  EXPECT_EQ(fonts.output.find(" no  "), std::string::npos) << fonts.output;
}

TEST_F(SealTest, PdfsigAndQpdfAcceptTheSealedSignature) {
  const auto pdfsig = test::RunOn(dir_, "pdfsig", *sealed_);
  EXPECT_NE(pdfsig.output.find("Signature is Valid"), std::string::npos) << pdfsig.output;
  const auto qpdf = test::RunOn(dir_, "qpdf --check", *sealed_);
  EXPECT_EQ(qpdf.exit_code, 0) << qpdf.output;
}

TEST_F(SealTest, RendersRedPixelsAtTheSignatureBlock) {
  const std::string path = dir_.File("sealed.pdf");
  sealflow::testing::WriteFile(path, *sealed_);
  const forms::SignatureBlock* block = test::Block(test::RenderedContract(), "provider");
  ASSERT_NE(block, nullptr);
  const std::string page = std::to_string(block->page + 1);
  const auto ppm = sealflow::testing::Run("pdftoppm -r 50 -f " + page + " -l " + page + " " + path +
                                          " " + dir_.File("page"));
  ASSERT_EQ(ppm.exit_code, 0) << ppm.output;
  // pdftoppm names a single page "page-N.ppm" (N zero-padded to the page count's width).
  const auto list = sealflow::testing::Run("ls " + dir_.File("") + " | grep ppm");
  ASSERT_FALSE(list.output.empty());
  const std::string image =
      sealflow::testing::ReadFile(dir_.File(list.output.substr(0, list.output.find('\n'))));
  // P6 header "P6\nW H\n255\n", then RGB.
  std::size_t pos = 0;
  for (int fields = 0; fields < 4; ++fields) {
    pos = image.find_first_of(" \n", pos) + 1;
  }
  std::size_t red = 0;
  for (std::size_t i = pos; i + 2 < image.size(); i += 3) {
    const auto r = static_cast<unsigned char>(image[i]);
    const auto g = static_cast<unsigned char>(image[i + 1]);
    const auto b = static_cast<unsigned char>(image[i + 2]);
    if (r > 200 && g < 80 && b < 80) ++red;
  }
  EXPECT_GT(red, 100u);
}

TEST_F(SealTest, DeterministicWithTheFixedClock) {
  auto signer = Signer::Create(test::ProviderCredentials(), test::FixedOptions());
  EXPECT_TRUE(signer->Sign(test::RenderedContract().pdf, SealRequest()) == *sealed_);
}

TEST(SealErrorTest, SealNeedsAFontAndARectangle) {
  auto signer = Signer::Create(test::ProviderCredentials(), test::FixedOptions());
  SignRequest no_font = SealRequest();
  no_font.seal->font_path.clear();
  SignRequest invisible = SealRequest();
  invisible.field_name = "Signature9";  // a new field without a rectangle
  for (const SignRequest& request : {no_font, invisible}) {
    try {
      signer->Sign(test::RenderedContract().pdf, request);
      ADD_FAILURE() << "no error";
    } catch (const SigningError& e) {
      EXPECT_EQ(e.code(), SigningErrorCode::kArgument) << e.what();
    }
  }
  SignRequest missing_font = SealRequest();
  missing_font.seal->font_path = "/nonexistent/font.ttf";
  try {
    signer->Sign(test::RenderedContract().pdf, missing_font);
    ADD_FAILURE() << "no error";
  } catch (const SigningError& e) {
    EXPECT_EQ(e.code(), SigningErrorCode::kPdf) << e.what();
  }
}

}  // namespace
}  // namespace sealflow::signing
