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

// An RGB raster of one page (pdftoppm, 72 dpi: one pixel per point).
struct Raster {
  int width = 0, height = 0;
  std::string rgb;
  bool ok() const {
    return width > 0 && rgb.size() == static_cast<std::size_t>(width) * height * 3;
  }
  // The pixel at PDF user-space point (x, y) (origin bottom left).
  std::string At(double x, double y) const {
    const int px = static_cast<int>(x), py = height - 1 - static_cast<int>(y);
    return rgb.substr((static_cast<std::size_t>(py) * width + px) * 3, 3);
  }
};
Raster RenderPage(sealflow::testing::TempDir& dir, const std::string& pdf, int page,
                  const std::string& name) {
  sealflow::testing::WriteFile(dir.File(name + ".pdf"), pdf);
  const std::string n = std::to_string(page + 1);
  const auto run = sealflow::testing::Run("pdftoppm -r 72 -singlefile -f " + n + " -l " + n + " " +
                                          dir.File(name + ".pdf") + " " + dir.File(name));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  const std::string image = sealflow::testing::ReadFile(dir.File(name + ".ppm"));
  Raster raster;
  std::size_t pos = 0;
  std::string fields[4];
  for (auto& field : fields) {  // "P6", width, height, 255, each followed by white-space
    const std::size_t end = image.find_first_of(" \n", pos);
    field = image.substr(pos, end - pos);
    pos = end + 1;
  }
  raster.width = std::stoi(fields[1]);
  raster.height = std::stoi(fields[2]);
  raster.rgb = image.substr(pos);
  return raster;
}

// The pilot's forms print their labels (法定代表人（签字）, 日期 年 月 日) along the bottom left of
// a signature block: the seal must leave them as they were, and sit inside the block.
TEST_F(SealTest, SealLeavesTheBlocksLabelsUntouchedAndStaysInside) {
  const forms::SignatureBlock* block = test::Block(test::RenderedContract(), "provider");
  ASSERT_NE(block, nullptr);
  const Raster before = RenderPage(dir_, test::RenderedContract().pdf, block->page, "before");
  const Raster after = RenderPage(dir_, *sealed_, block->page, "after");
  ASSERT_TRUE(before.ok() && after.ok());
  ASSERT_EQ(before.width, after.width);
  std::size_t changed_labels = 0, red_inside = 0, red_outside = 0;
  for (double x = 1; x < after.width - 1; x += 1) {
    for (double y = 1; y < after.height - 1; y += 1) {
      const bool inside = x >= block->x && x < block->x + block->width && y >= block->y &&
                          y < block->y + block->height;
      const bool labels =
          inside && x < block->x + block->width * 0.70 && y < block->y + block->height * 0.42;
      const std::string p = after.At(x, y);
      if (labels && p != before.At(x, y)) ++changed_labels;
      const bool red = static_cast<unsigned char>(p[0]) > 200 &&
                       static_cast<unsigned char>(p[1]) < 100 &&
                       static_cast<unsigned char>(p[2]) < 100;
      if (red) ++(inside ? red_inside : red_outside);
    }
  }
  EXPECT_EQ(changed_labels, 0u);
  EXPECT_GT(red_inside, 200u);
  EXPECT_EQ(red_outside, 0u);
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
