// Copyright sealflow authors.
// sealflow audit / dossier / fixity, run as the real binary against a store filled in-process.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "archive/dossier_fixture.h"
#include "archive/store.h"
#include "support/test_support.h"

namespace sealflow::testing {
namespace {

std::string Sealflow() { return BinPath("sealflow"); }

class ArchiveCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FormFactory factory;
    archive::StoreOptions options;
    options.data_dir = dir_.File("data");
    options.clock = FixedNow;
    auto store = archive::DocumentStore::Open(options);
    for (const SignedForm& form : MakeChain(factory)) records_.push_back(Ingest(*store, form));
  }
  std::string Data() const { return " --data " + dir_.File("data"); }

  TempDir dir_;
  std::vector<archive::DocumentRecord> records_;
};

TEST(ArchiveCli, NewVerbsHaveHelpWithAnExample) {
  for (const char* verb : {"audit", "dossier", "fixity"}) {
    CommandResult r = sealflow::testing::Run(Sealflow() + " " + verb + " --help");
    EXPECT_EQ(r.exit_code, 0) << verb << ": " << r.output;
    EXPECT_NE(r.output.find("example"), std::string::npos) << verb;
    EXPECT_NE(r.output.find(std::string("sealflow ") + verb), std::string::npos) << verb;
  }
  EXPECT_EQ(sealflow::testing::Run(Sealflow() + " dossier frobnicate").exit_code, 64);
  EXPECT_EQ(sealflow::testing::Run(Sealflow() + " audit").exit_code, 64);
}

TEST_F(ArchiveCliTest, AuditVerifyPassesThenCatchesATamperedRow) {
  CommandResult ok = sealflow::testing::Run(Sealflow() + " audit verify" + Data());
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("4 entries"), std::string::npos) << ok.output;
  const std::string db = dir_.File("data/catalog.db");
  ASSERT_EQ(sealflow::testing::Run("sqlite3 " + db +
                                   " \"DROP TRIGGER audit_immutable_update; UPDATE audit_log SET "
                                   "time = '2020-01-01T00:00:00Z' WHERE seq = 2;\"")
                .exit_code,
            0);
  CommandResult broken = sealflow::testing::Run(Sealflow() + " audit verify" + Data());
  EXPECT_EQ(broken.exit_code, 1) << broken.output;
  EXPECT_NE(broken.output.find("BROKEN at seq 2"), std::string::npos) << broken.output;
}

TEST_F(ArchiveCliTest, DossierListExportVerify) {
  CommandResult list = sealflow::testing::Run(Sealflow() + " dossier list" + Data());
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_EQ(list.output, std::string(kEnterpriseCode) + "\t" + kEnterpriseName + "\n");

  const std::string zip = dir_.File("out/dossier.zip");
  std::filesystem::create_directories(dir_.File("out"));
  CommandResult exported =
      sealflow::testing::Run(Sealflow() + " dossier export " + kEnterpriseCode + " -o " + zip +
                             Data() + " --trust " + TestDataPath("pki/root-ca.pem"));
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  EXPECT_NE(exported.output.find("bytes"), std::string::npos) << "progress on stderr";
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_.File("out")),
                          std::filesystem::directory_iterator()),
            1)
      << "no temporary file left beside the package";

  CommandResult verified = sealflow::testing::Run(Sealflow() + " dossier verify " + zip +
                                                  " --trust " + TestDataPath("pki/root-ca.pem"));
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_EQ(sealflow::testing::Run(Sealflow() + " dossier verify " + zip).exit_code, 2)
      << "no trust anchor";

  std::string bytes = ReadFile(zip);
  bytes[bytes.find("%PDF-") + 300] ^= 0x04;
  WriteFile(zip, bytes);
  CommandResult tampered = sealflow::testing::Run(Sealflow() + " dossier verify " + zip +
                                                  " --trust " + TestDataPath("pki/root-ca.pem"));
  EXPECT_EQ(tampered.exit_code, 1) << tampered.output;
  EXPECT_NE(tampered.output.find("fixity FAILED"), std::string::npos) << tampered.output;

  EXPECT_EQ(sealflow::testing::Run(Sealflow() + " dossier export 91410700MA9GQ3TX22 -o " +
                                   dir_.File("none.zip") + Data())
                .exit_code,
            3);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("none.zip")));
}

TEST_F(ArchiveCliTest, FixityPassesThenReportsCorruptAndMissingBlobs) {
  CommandResult ok = sealflow::testing::Run(Sealflow() + " fixity" + Data());
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("4 blobs"), std::string::npos) << ok.output;
  const std::string& sha = records_[1].sha256;
  const std::string blob = dir_.File("data/blobs/" + sha.substr(0, 2) + "/" + sha);
  std::string bytes = ReadFile(blob);
  bytes[bytes.size() / 2] ^= 0x01;
  // Blobs are stored read-only (0444); the damage below stands for a disk fault.
  std::filesystem::permissions(blob, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  WriteFile(blob, bytes);
  std::filesystem::remove(
      dir_.File("data/blobs/" + records_[2].sha256.substr(0, 2) + "/" + records_[2].sha256));
  CommandResult bad = sealflow::testing::Run(Sealflow() + " fixity" + Data());
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("CORRUPT " + sha), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("MISSING " + records_[2].sha256), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace sealflow::testing
