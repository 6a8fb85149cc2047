// Copyright sealflow authors.
#include "forms/renderer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "forms/error.h"
#include "support/test_support.h"

namespace sealflow::forms {
namespace {

using sealflow::testing::CommandResult;
using sealflow::testing::ReadFile;
namespace support = sealflow::testing;
using sealflow::testing::SourcePath;
using sealflow::testing::TempDir;
using sealflow::testing::WriteFile;

std::string Example() { return ReadFile(SourcePath("xml-schemas/examples/application.xml")); }

// External tools are part of the contract being checked: missing tools fail, never skip.
void RequireTool(const std::string& tool) {
  CommandResult which = support::Run("command -v " + tool);
  ASSERT_EQ(which.exit_code, 0) << tool << " is required (poppler-utils / qpdf)";
}

class RendererTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    RendererOptions options;
    options.clock = sealflow::testing::FixedNow;
    renderer_ = Renderer::Create(options).release();
    result_ = new RenderResult(renderer_->Render(Example()));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete renderer_;
  }
  // Writes the rendered example to a temporary file for the command-line tools.
  std::string WritePdf() {
    std::string path = dir_.File("application.pdf");
    WriteFile(path, result_->form.pdf);
    return path;
  }
  static Renderer* renderer_;
  static RenderResult* result_;
  TempDir dir_;
};
Renderer* RendererTest::renderer_ = nullptr;
RenderResult* RendererTest::result_ = nullptr;

TEST_F(RendererTest, RendersTheExample) {
  ASSERT_TRUE(result_->report.ok()) << FormatFindings(result_->report);
  const RenderedForm& form = result_->form;
  EXPECT_EQ(form.form_type, "application");
  EXPECT_EQ(form.document_id, "APP-2026-0001");
  EXPECT_GE(form.page_count, 2);
  EXPECT_EQ(form.pdf.compare(0, 5, "%PDF-"), 0);
}

TEST_F(RendererTest, OutputIsDeterministic) {
  RenderResult again = renderer_->Render(Example());
  ASSERT_TRUE(again.report.ok());
  EXPECT_TRUE(again.form.pdf == result_->form.pdf) << "two renders differ";
  // The creation date comes from the clock.
  EXPECT_NE(result_->form.pdf.find("D:20260301080000Z"), std::string::npos);
}

TEST_F(RendererTest, InvalidFormIsReportedNotRendered) {
  RenderResult bad = renderer_->Render(
      ReadFile(SourcePath("xml-schemas/examples/invalid/application-bad-credit-code.xml")));
  EXPECT_FALSE(bad.report.ok());
  EXPECT_TRUE(bad.form.pdf.empty());
  EXPECT_EQ(bad.form.page_count, 0);
}

TEST_F(RendererTest, FontsAreEmbeddedSubsetsWithToUnicode) {
  RequireTool("pdffonts");
  CommandResult fonts = support::Run("pdffonts " + WritePdf());
  ASSERT_EQ(fonts.exit_code, 0) << fonts.output;
  // name type encoding emb sub uni object ID
  std::regex row(
      R"((\S+)\s+CID TrueType\s+Identity-H\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+)");
  int count = 0;
  for (std::sregex_iterator it(fonts.output.begin(), fonts.output.end(), row), end; it != end;
       ++it) {
    ++count;
    EXPECT_EQ((*it)[2], "yes") << (*it)[0];
    EXPECT_EQ((*it)[3], "yes") << (*it)[0];
    EXPECT_EQ((*it)[4], "yes") << (*it)[0];
  }
  EXPECT_EQ(count, 2) << fonts.output;
  // Every line after the two header lines is a font we counted.
  std::size_t lines = 0;
  for (char c : fonts.output) lines += c == '\n';
  EXPECT_EQ(lines, 2u + static_cast<std::size_t>(count)) << fonts.output;
}

TEST_F(RendererTest, TextIsExtractable) {
  RequireTool("pdftotext");
  std::string pdf = WritePdf();
  CommandResult text = support::Run("pdftotext -enc UTF-8 " + pdf + " -");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  for (const char* expected :
       {"新乡市中小企业数字化转型试点", "数字化服务商申报书", "新乡市牧野智造数字科技有限公司",
        "91410700MA45KJ2R7F", "一、申报单位基本情况", "二、申报细分行业与服务保障能力",
        "三、基本条件承诺（第十条）", "四、数字化改造案例", "五、八大领域服务能力", "六、申报承诺",
        "申报单位（盖章）", "县（市、区）工信部门推荐意见", "长垣市恒达起重", "98.2%"}) {
    EXPECT_NE(text.output.find(expected), std::string::npos) << expected;
  }
  int pages = result_->form.page_count;
  for (int page = 1; page <= pages; ++page) {
    std::string footer = "第 " + std::to_string(page) + " 页 共 " + std::to_string(pages) + " 页";
    EXPECT_NE(text.output.find(footer), std::string::npos) << footer;
  }
}

TEST_F(RendererTest, QpdfFindsNoErrors) {
  RequireTool("qpdf");
  CommandResult check = support::Run("qpdf --check " + WritePdf());
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("No syntax or stream encoding errors"), std::string::npos)
      << check.output;
}

TEST_F(RendererTest, SourceXmlIsEmbeddedByteIdentical) {
  RequireTool("pdfdetach");
  std::string pdf = WritePdf();
  CommandResult list = support::Run("pdfdetach -list " + pdf);
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find("1 embedded files"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("1: application.xml"), std::string::npos) << list.output;
  std::string saved = dir_.File("saved.xml");
  CommandResult save = support::Run("pdfdetach -save 1 -o " + saved + " " + pdf);
  ASSERT_EQ(save.exit_code, 0) << save.output;
  EXPECT_TRUE(ReadFile(saved) == Example());
}

TEST_F(RendererTest, AssociatedFileAndMetadata) {
  RequireTool("qpdf");
  std::string pdf = WritePdf();
  CommandResult qdf = support::Run("qpdf --qdf --object-streams=disable " + pdf + " -");
  ASSERT_EQ(qdf.exit_code, 0);
  EXPECT_NE(qdf.output.find("/AFRelationship /Source"), std::string::npos);
  EXPECT_NE(qdf.output.find("/Subtype /text#2fxml"), std::string::npos);
  EXPECT_TRUE(std::regex_search(qdf.output, std::regex(R"(/AF \[\s*\d+ 0 R\s*\])")));
  RequireTool("pdfinfo");
  CommandResult info = support::Run("pdfinfo -custom " + pdf);
  EXPECT_NE(info.output.find("新乡市中小企业数字化转型试点 数字化服务商申报书"), std::string::npos)
      << info.output;
  EXPECT_NE(info.output.find("sealflow"), std::string::npos) << info.output;
  EXPECT_TRUE(std::regex_search(info.output, std::regex(R"(SealflowDocumentId:\s*APP-2026-0001)")))
      << info.output;
  EXPECT_TRUE(std::regex_search(info.output, std::regex(R"(SealflowFormType:\s*application)")))
      << info.output;
  EXPECT_TRUE(std::regex_search(info.output, std::regex(R"(SealflowSchemaVersion:\s*1\.0)")))
      << info.output;
  CommandResult plain = support::Run("pdfinfo " + pdf);
  EXPECT_NE(plain.output.find("(A4)"), std::string::npos) << plain.output;
  EXPECT_TRUE(std::regex_search(
      plain.output, std::regex("Pages:\\s+" + std::to_string(result_->form.page_count) + "\\n")))
      << plain.output;
}

TEST_F(RendererTest, SignatureBlocksAreOnAPage) {
  const RenderedForm& form = result_->form;
  ASSERT_EQ(form.signature_blocks.size(), 2u);
  EXPECT_EQ(form.signature_blocks[0].field_name, "provider");
  EXPECT_EQ(form.signature_blocks[0].label, "申报单位（盖章）");
  EXPECT_EQ(form.signature_blocks[1].field_name, "county");
  EXPECT_EQ(form.signature_blocks[1].label, "县（市、区）工信部门推荐意见");
  for (const SignatureBlock& block : form.signature_blocks) {
    EXPECT_GE(block.page, 0);
    EXPECT_LT(block.page, form.page_count);
    EXPECT_GT(block.width, 100);
    EXPECT_GT(block.height, 60);
    EXPECT_GE(block.x, 0);
    EXPECT_GE(block.y, 60);  // above the footer
    EXPECT_LE(block.x + block.width, 595.276);
    EXPECT_LE(block.y + block.height, 841.89 - 60);
  }
  // Side by side, not overlapping.
  EXPECT_LE(form.signature_blocks[0].x + form.signature_blocks[0].width,
            form.signature_blocks[1].x);
}

TEST_F(RendererTest, RendersFromSeveralThreads) {
  std::vector<std::thread> threads;
  std::vector<int> same(3, 0);
  for (std::size_t t = 0; t < same.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3; ++i)
        same[t] += renderer_->Render(Example()).form.pdf == result_->form.pdf;
    });
  }
  for (auto& thread : threads) thread.join();
  for (int count : same) EXPECT_EQ(count, 3);
}

TEST(RendererOptionsTest, CompressedFontsAreSmallerAndStillValid) {
  RendererOptions options;
  options.clock = sealflow::testing::FixedNow;
  options.compress_fonts = true;
  RenderResult compressed = Renderer::Create(options)->Render(Example());
  options.compress_fonts = false;
  RenderResult plain = Renderer::Create(options)->Render(Example());
  ASSERT_TRUE(compressed.report.ok());
  EXPECT_LT(compressed.form.pdf.size(), plain.form.pdf.size());
  EXPECT_LT(compressed.form.pdf.size(), 150u * 1024);
  TempDir dir;
  WriteFile(dir.File("c.pdf"), compressed.form.pdf);
  RequireTool("qpdf");
  CommandResult check = support::Run("qpdf --check " + dir.File("c.pdf"));
  EXPECT_EQ(check.exit_code, 0) << check.output;
  CommandResult fonts = support::Run("pdffonts " + dir.File("c.pdf"));
  EXPECT_EQ(fonts.output.find(" no "), std::string::npos) << fonts.output;
}

TEST(RendererCreateTest, MissingFontsThrowFontError) {
  RendererOptions options;
  options.font_dir = "/nonexistent/sealflow-fonts";
  try {
    Renderer::Create(options);
    FAIL() << "expected FormsError";
  } catch (const FormsError& error) {
    EXPECT_EQ(error.code(), FormsErrorCode::kFont);
  }
}

TEST(RendererCreateTest, CorruptFontThrowsFontError) {
  TempDir dir;
  WriteFile(dir.File("wqy-microhei.ttf"), "not a font");
  WriteFile(dir.File("uming.ttf"), "not a font");
  RendererOptions options;
  options.font_dir = dir.path();
  try {
    Renderer::Create(options);
    FAIL() << "expected FormsError";
  } catch (const FormsError& error) {
    EXPECT_EQ(error.code(), FormsErrorCode::kFont);
  }
}

}  // namespace
}  // namespace sealflow::forms
