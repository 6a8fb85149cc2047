// Copyright sealflow authors.
// Smoke tests of the sealflow binary: every verb's --help, exit codes, and the skeleton's flow
// render → sign → verify driven through the command line exactly as a user would.
#include <gtest/gtest.h>

#include <string>

#include "support/test_support.h"

namespace sealflow::testing {
namespace {

std::string Sealflow() { return BinPath("sealflow"); }

TEST(Cli, EveryVerbHasHelpWithAnExample) {
  for (const char* verb : {"render", "validate", "schema", "sign", "verify", "serve", "demo"}) {
    CommandResult r = sealflow::testing::Run(Sealflow() + " " + verb + " --help");
    EXPECT_EQ(r.exit_code, 0) << verb << ": " << r.output;
    EXPECT_NE(r.output.find("example"), std::string::npos) << verb;
    EXPECT_NE(r.output.find(std::string("sealflow ") + verb), std::string::npos) << verb;
  }
}

TEST(Cli, TopLevelHelpListsVerbsAndUnknownVerbIsAUsageError) {
  CommandResult help = sealflow::testing::Run(Sealflow() + " --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("verify"), std::string::npos);
  EXPECT_EQ(sealflow::testing::Run(Sealflow() + " frobnicate").exit_code, 64);
  EXPECT_EQ(sealflow::testing::Run(Sealflow() + " render --no-such-option x").exit_code, 64);
  EXPECT_EQ(sealflow::testing::Run(Sealflow() + " render only-input.xml").exit_code, 64);
}

TEST(Cli, SchemaListNamesEveryFormWithItsVersion) {
  CommandResult list = sealflow::testing::Run(Sealflow() + " schema list");
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find("application"), std::string::npos);
  EXPECT_NE(list.output.find("1.0"), std::string::npos);
  EXPECT_NE(list.output.find("数字化服务商申报书"), std::string::npos);
  CommandResult json = sealflow::testing::Run(Sealflow() + " schema list --json");
  ASSERT_EQ(json.exit_code, 0);
  EXPECT_EQ(json.output.rfind("[{\"formType\":\"application\"", 0), 0u) << json.output;
  EXPECT_EQ(sealflow::testing::Run(Sealflow() + " schema").exit_code, 64);
}

TEST(Cli, ValidateExitCodes) {
  EXPECT_EQ(sealflow::testing::Run(Sealflow() + " validate " +
                                   SourcePath("xml-schemas/examples/application.xml"))
                .exit_code,
            0);
  CommandResult bad = sealflow::testing::Run(
      Sealflow() + " validate " +
      SourcePath("xml-schemas/examples/invalid/application-bad-credit-code.xml"));
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  // Errors are reported as FILE:LINE:COLUMN.
  EXPECT_NE(bad.output.find("application-bad-credit-code.xml:"), std::string::npos) << bad.output;
}

TEST(Cli, RenderRefusesInvalidFormAndWritesNothing) {
  TempDir dir;
  CommandResult r = sealflow::testing::Run(
      Sealflow() + " render " +
      SourcePath("xml-schemas/examples/invalid/application-missing-name.xml") + " -o " +
      dir.File("out.pdf"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(sealflow::testing::Run("test -e " + dir.File("out.pdf")).exit_code, 1)
      << "a PDF was written";
}

TEST(Cli, RenderSignVerifyRoundTrip) {
  TempDir dir;
  const std::string pdf = dir.File("application.pdf");
  const std::string signed_pdf = dir.File("application-signed.pdf");
  CommandResult render = sealflow::testing::Run(
      Sealflow() + " render " + SourcePath("xml-schemas/examples/application.xml") + " -o " + pdf);
  ASSERT_EQ(render.exit_code, 0) << render.output;

  CommandResult sign =
      sealflow::testing::Run(Sealflow() + " sign " + pdf + " -o " + signed_pdf + " --key " +
                             TestDataPath("pki/provider.key") + " --cert " +
                             TestDataPath("pki/provider.pem") + " --field provider");
  ASSERT_EQ(sign.exit_code, 0) << sign.output;

  CommandResult valid = sealflow::testing::Run(Sealflow() + " verify " + signed_pdf + " --trust " +
                                               TestDataPath("pki/root-ca.pem"));
  EXPECT_EQ(valid.exit_code, 0) << valid.output;
  EXPECT_NE(valid.output.find("VALID"), std::string::npos);

  CommandResult no_anchor = sealflow::testing::Run(Sealflow() + " verify " + signed_pdf);
  EXPECT_EQ(no_anchor.exit_code, 2) << no_anchor.output;

  CommandResult json = sealflow::testing::Run(Sealflow() + " verify --json " + signed_pdf +
                                              " --trust " + TestDataPath("pki/root-ca.pem"));
  EXPECT_EQ(json.exit_code, 0);
  EXPECT_EQ(json.output.front(), '[') << json.output;

  // Signing the same field twice is refused (exit 3) and leaves no output behind.
  CommandResult twice =
      sealflow::testing::Run(Sealflow() + " sign " + signed_pdf + " -o " + dir.File("twice.pdf") +
                             " --key " + TestDataPath("pki/provider.key") + " --cert " +
                             TestDataPath("pki/provider.pem") + " --field provider");
  EXPECT_EQ(twice.exit_code, 3) << twice.output;
  EXPECT_EQ(sealflow::testing::Run("test -e " + dir.File("twice.pdf")).exit_code, 1);

  // One flipped byte in the signed range: INVALID, exit 1.
  std::string bytes = ReadFile(signed_pdf);
  bytes[bytes.size() / 4] ^= 0x01;
  WriteFile(dir.File("tampered.pdf"), bytes);
  CommandResult tampered =
      sealflow::testing::Run(Sealflow() + " verify " + dir.File("tampered.pdf") + " --trust " +
                             TestDataPath("pki/root-ca.pem"));
  EXPECT_EQ(tampered.exit_code, 1) << tampered.output;
}

TEST(Cli, SignWithPkcs12) {
  TempDir dir;
  const std::string pdf = dir.File("application.pdf");
  ASSERT_EQ(
      sealflow::testing::Run(Sealflow() + " render " +
                             SourcePath("xml-schemas/examples/application.xml") + " -o " + pdf)
          .exit_code,
      0);
  CommandResult sign =
      sealflow::testing::Run(Sealflow() + " sign " + pdf + " -o " + dir.File("s.pdf") + " --p12 " +
                             TestDataPath("pki/provider.p12") + " --password-file " +
                             TestDataPath("pki/provider.p12.pass"));
  ASSERT_EQ(sign.exit_code, 0) << sign.output;
  EXPECT_EQ(sealflow::testing::Run(Sealflow() + " verify " + dir.File("s.pdf") + " --trust " +
                                   TestDataPath("pki/root-ca.pem"))
                .exit_code,
            0);
  // A wrong password is a failure (3), not a crash.
  WriteFile(dir.File("wrong.pass"), "not-the-password\n");
  EXPECT_EQ(sealflow::testing::Run(Sealflow() + " sign " + pdf + " -o " + dir.File("w.pdf") +
                                   " --p12 " + TestDataPath("pki/provider.p12") +
                                   " --password-file " + dir.File("wrong.pass"))
                .exit_code,
            3);
}

TEST(Cli, DemoIsIdempotent) {
  TempDir dir;
  CommandResult first = sealflow::testing::Run(Sealflow() + " demo --data " + dir.path());
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("VALID"), std::string::npos) << first.output;
  CommandResult second = sealflow::testing::Run(Sealflow() + " demo --data " + dir.path());
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("already archived"), std::string::npos) << second.output;
  EXPECT_NE(second.output.find("records)"), std::string::npos) << second.output;
  // The demo's signed PDF verifies against the demo root with the standalone verb too.
  EXPECT_EQ(
      sealflow::testing::Run(Sealflow() + " verify " + dir.File("demo/application-signed.pdf") +
                             " --trust " + dir.File("pki/root-ca.pem"))
          .exit_code,
      0);
}

}  // namespace
}  // namespace sealflow::testing
