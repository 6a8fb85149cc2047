// Copyright sealflow authors.
// Dossier export and offline verification with real rendered and signed forms.
#include "archive/dossier.h"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "archive/dossier_fixture.h"
#include "archive/error.h"
#include "archive/store.h"
#include "archive/zip.h"
#include "forms/inspect.h"
#include "support/test_support.h"

namespace sealflow::archive {
namespace {

using sealflow::testing::FixedNow;
using sealflow::testing::kEnterpriseCode;
using sealflow::testing::TempDir;
using sealflow::testing::TestDataPath;

sealflow::testing::CommandResult Sh(const std::string& command) {
  return sealflow::testing::Run(command);
}

class DossierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    factory_ = new sealflow::testing::FormFactory();
    chain_ =
        new std::vector<sealflow::testing::SignedForm>(sealflow::testing::MakeChain(*factory_));
  }
  static void TearDownTestSuite() {
    delete chain_;
    delete factory_;
  }

  void SetUp() override {
    StoreOptions options;
    options.data_dir = dir_.File("data");
    options.clock = FixedNow;
    int next = 0;
    options.id_source = [next]() mutable { return "rec-" + std::to_string(++next); };
    store_ = DocumentStore::Open(options);
    signing::VerifierOptions trusted;
    trusted.trust_anchor_files = {TestDataPath("pki/root-ca.pem")};
    trusted.clock = FixedNow;
    verifier_ = signing::Verifier::Create(trusted);
    signing::VerifierOptions untrusted;
    untrusted.clock = FixedNow;
    untrusted_ = signing::Verifier::Create(untrusted);
  }

  void IngestChain(const std::vector<sealflow::testing::SignedForm>& chain) {
    for (const auto& form : chain) sealflow::testing::Ingest(*store_, form);
  }

  std::string Export(const std::string& name) {
    DossierExportOptions options;
    options.verifier = verifier_.get();
    options.clock = FixedNow;
    options.progress = [this](std::uint64_t done, std::uint64_t total) {
      progress_.emplace_back(done, total);
    };
    std::ofstream out(dir_.File(name), std::ios::binary);
    ExportDossier(*store_, kEnterpriseCode, out, options);
    return dir_.File(name);
  }

  DossierReport Verify(const std::string& path, const signing::Verifier* verifier = nullptr) {
    DossierVerifyOptions options;
    options.verifier = verifier != nullptr ? verifier : verifier_.get();
    options.embedded_xml = [](std::string_view pdf) { return forms::InspectPdf(pdf).source_xml; };
    return VerifyDossier(path, options);
  }

  static sealflow::testing::FormFactory* factory_;
  static std::vector<sealflow::testing::SignedForm>* chain_;
  TempDir dir_;
  std::unique_ptr<DocumentStore> store_;
  std::unique_ptr<signing::Verifier> verifier_;
  std::unique_ptr<signing::Verifier> untrusted_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> progress_;
};

sealflow::testing::FormFactory* DossierTest::factory_ = nullptr;
std::vector<sealflow::testing::SignedForm>* DossierTest::chain_ = nullptr;

TEST_F(DossierTest, ExportThenVerifyIsClean) {
  // Another enterprise's record in between: its audit entry is in the extract, redacted.
  sealflow::testing::Ingest(*store_, (*chain_)[0]);
  NewDocument other;
  other.form_type = "diagnostic-report";
  other.document_id = "OTHER";
  other.party_kind = "enterprise";
  other.party_code = "91410700MA9GQ3TX22";
  other.party_name = "新乡市恒泰起重机械有限公司";
  other.phase = Phase::kBefore;
  store_->Put("someone else's document", other);
  for (std::size_t i = 1; i < chain_->size(); ++i) sealflow::testing::Ingest(*store_, (*chain_)[i]);

  const std::string zip = Export("dossier.zip");
  ASSERT_FALSE(progress_.empty());
  EXPECT_EQ(progress_.back().first, progress_.back().second);

  DossierReport report = Verify(zip);
  EXPECT_TRUE(report.ok()) << ::testing::PrintToString(report.findings);
  EXPECT_EQ(report.ExitCode(), 0);
  EXPECT_EQ(report.records, 4u);
  EXPECT_EQ(report.credit_code, kEnterpriseCode);

  // Standard tools agree: unzip checks every CRC, the layout is the documented one.
  auto test = Sh("unzip -t " + zip);
  EXPECT_EQ(test.exit_code, 0) << test.output;
  auto list = Sh("unzip -Z1 " + zip);
  const std::string root = std::string("dossier-") + kEnterpriseCode + "/";
  for (const std::string& name :
       {root + "bagit.txt", root + "bag-info.txt", root + "manifest-sha256.txt",
        root + "tagmanifest-sha256.txt", root + "data/package.xml", root + "data/audit.jsonl",
        root + "data/before/diagnostic-report-DIA-2026-0001.pdf",
        root + "data/during/contract-CON-2026-0001.pdf", root + "data/verification/rec-1.json"}) {
    EXPECT_NE(list.output.find(name + "\n"), std::string::npos) << name << "\n" << list.output;
  }
  // sha256sum -c accepts the manifests as they are.
  TempDir unpacked;
  ASSERT_EQ(Sh("cd " + unpacked.path() + " && unzip -q " + zip).exit_code, 0);
  auto check = Sh("cd " + unpacked.path() + "/" + root +
                  " && sha256sum -c --quiet "
                  "manifest-sha256.txt && sha256sum -c --quiet tagmanifest-sha256.txt");
  EXPECT_EQ(check.exit_code, 0) << check.output;
  std::string audit =
      sealflow::testing::ReadFile(unpacked.path() + "/" + root + "data/audit.jsonl");
  EXPECT_NE(audit.find("\"contentHash\""), std::string::npos) << "other party redacted";
  EXPECT_EQ(audit.find("OTHER"), std::string::npos);
  EXPECT_EQ(audit.find("恒泰"), std::string::npos);
}

TEST_F(DossierTest, ExportIsDeterministic) {
  IngestChain(*chain_);
  std::string a = sealflow::testing::ReadFile(Export("a.zip"));
  std::string b = sealflow::testing::ReadFile(Export("b.zip"));
  EXPECT_EQ(a, b);
}

TEST_F(DossierTest, UnknownEnterpriseIsNotFoundAndWritesNothing) {
  IngestChain(*chain_);
  DossierExportOptions options;
  options.verifier = verifier_.get();
  std::ostringstream out;
  try {
    ExportDossier(*store_, "91410700MA9GQ3TX22", out, options);
    FAIL() << "expected ArchiveError";
  } catch (const ArchiveError& e) {
    EXPECT_EQ(e.code(), ArchiveErrorCode::kNotFound);
  }
  EXPECT_TRUE(out.str().empty());
}

TEST_F(DossierTest, FlippedByteInAPdfIsAFixityFailure) {
  IngestChain(*chain_);
  const std::string zip = Export("dossier.zip");
  std::string bytes = sealflow::testing::ReadFile(zip);
  // STORE: the PDF's bytes are in the ZIP as they are. Flip one in the middle of the first.
  std::size_t pdf = bytes.find("%PDF-");
  ASSERT_NE(pdf, std::string::npos);
  bytes[pdf + 200] = static_cast<char>(bytes[pdf + 200] ^ 0x01);
  sealflow::testing::WriteFile(zip, bytes);
  DossierReport report = Verify(zip);
  EXPECT_FALSE(report.fixity_ok);
  EXPECT_EQ(report.ExitCode(), 1) << ::testing::PrintToString(report.findings);
}

TEST_F(DossierTest, RemovedFileIsAFixityFailure) {
  IngestChain(*chain_);
  const std::string zip = Export("dossier.zip");
  sealflow::testing::RewriteZip(zip, dir_.File("removed.zip"),
                                [](const std::string& name, std::string&) {
                                  return name.find("data/during/contract") == std::string::npos;
                                });
  DossierReport report = Verify(dir_.File("removed.zip"));
  EXPECT_FALSE(report.fixity_ok);
  EXPECT_EQ(report.ExitCode(), 1);

  // An extra file in data/ is a failure too.
  {
    ZipReader reader(zip);
    std::ofstream out(dir_.File("extra.zip"), std::ios::binary);
    ZipWriter writer(out, FixedNow());
    for (const ZipEntry& entry : reader.entries()) {
      writer.AddEntry(entry.name, reader.ReadAll(entry, 1u << 30, nullptr));
    }
    writer.AddEntry(std::string("dossier-") + kEnterpriseCode + "/data/after/smuggled.pdf", "x");
    writer.Finish();
  }
  DossierReport extra = Verify(dir_.File("extra.zip"));
  EXPECT_FALSE(extra.fixity_ok);
  EXPECT_EQ(extra.ExitCode(), 1);
}

// Rewrites one payload file and fixes both manifests, so only the deeper checks can catch it.
std::string Rehashed(const std::string& zip, const std::string& out, const std::string& suffix,
                     const std::function<void(std::string&)>& edit) {
  std::string new_hash;
  std::string old_hash;
  std::string manifest_old, manifest_new;
  sealflow::testing::RewriteZip(zip, out + ".step1", [&](const std::string& name, std::string& b) {
    if (name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      old_hash = sealflow::testing::FormFactory::Sha256(b);
      edit(b);
      new_hash = sealflow::testing::FormFactory::Sha256(b);
    }
    return true;
  });
  sealflow::testing::RewriteZip(out + ".step1", out + ".step2",
                                [&](const std::string& name, std::string& b) {
                                  if (name.find("/manifest-sha256.txt") != std::string::npos) {
                                    manifest_old = sealflow::testing::FormFactory::Sha256(b);
                                    b = sealflow::testing::ReplaceAll(b, old_hash, new_hash);
                                    manifest_new = sealflow::testing::FormFactory::Sha256(b);
                                  }
                                  return true;
                                });
  sealflow::testing::RewriteZip(out + ".step2", out, [&](const std::string& name, std::string& b) {
    if (name.find("/tagmanifest-sha256.txt") != std::string::npos) {
      b = sealflow::testing::ReplaceAll(b, manifest_old, manifest_new);
    }
    return true;
  });
  return out;
}

TEST_F(DossierTest, TamperedAuditExtractIsAChainFailure) {
  IngestChain(*chain_);
  const std::string zip = Export("dossier.zip");
  std::string tampered =
      Rehashed(zip, dir_.File("tampered.zip"), "data/audit.jsonl", [](std::string& audit) {
        // Same length: Payload-Oxum stays right.
        audit = sealflow::testing::ReplaceAll(audit, "\"test\"", "\"tost\"");
      });
  DossierReport report = Verify(tampered);
  EXPECT_TRUE(report.fixity_ok) << "the manifests were fixed up";
  EXPECT_FALSE(report.audit_ok);
  EXPECT_EQ(report.ExitCode(), 1);
}

TEST_F(DossierTest, FollowsNamingNoRecordIsAFailure) {
  auto broken = sealflow::testing::MakeChain(*factory_, /*broken_follows=*/true);
  IngestChain(broken);
  DossierReport report = Verify(Export("dossier.zip"));
  EXPECT_TRUE(report.fixity_ok);
  EXPECT_FALSE(report.follows_ok);
  EXPECT_EQ(report.ExitCode(), 1);
  bool named = false;
  for (const std::string& f : report.findings) named |= f.find(std::string(64, 'e')) != f.npos;
  EXPECT_TRUE(named) << ::testing::PrintToString(report.findings);
}

TEST_F(DossierTest, WithoutTrustAnchorsSignaturesAreIndeterminate) {
  IngestChain(*chain_);
  DossierReport report = Verify(Export("dossier.zip"), untrusted_.get());
  EXPECT_TRUE(report.fixity_ok && report.audit_ok && report.follows_ok && report.package_ok);
  EXPECT_EQ(report.signatures, signing::Verdict::kIndeterminate);
  EXPECT_EQ(report.ExitCode(), 2);
}

TEST_F(DossierTest, NotAZipIsAFailureNotACrash) {
  sealflow::testing::WriteFile(dir_.File("junk.zip"), "PK\x03\x04 not really");
  EXPECT_EQ(Verify(dir_.File("junk.zip")).ExitCode(), 1);
  EXPECT_THROW(Verify(dir_.File("absent.zip")), ArchiveError);
}

TEST(ZipTest, StoredEntriesRoundTripAndUnsafeNamesAreRefused) {
  TempDir dir;
  {
    std::ofstream out(dir.File("t.zip"), std::ios::binary);
    ZipWriter writer(out, FixedNow());
    writer.AddEntry("a/hello.txt", "hello\n");
    writer.BeginEntry("a/big.bin");
    std::string chunk(100000, 'x');
    for (int i = 0; i < 5; ++i) writer.Write(chunk);
    writer.EndEntry();
    EXPECT_THROW(writer.BeginEntry("../evil"), ArchiveError);
    EXPECT_THROW(writer.BeginEntry("/abs"), ArchiveError);
    writer.Finish();
  }
  auto test = Sh("unzip -t " + dir.File("t.zip"));
  EXPECT_EQ(test.exit_code, 0) << test.output;
  ZipReader reader(dir.File("t.zip"));
  ASSERT_EQ(reader.entries().size(), 2u);
  bool crc_ok = false;
  EXPECT_EQ(reader.ReadAll(*reader.Find("a/hello.txt"), 100, &crc_ok), "hello\n");
  EXPECT_TRUE(crc_ok);
  EXPECT_EQ(reader.ReadAll(*reader.Find("a/big.bin"), 1u << 20, &crc_ok).size(), 500000u);
  EXPECT_TRUE(crc_ok);
  // A deflated ZIP from Info-ZIP is read but its entries are refused.
  sealflow::testing::WriteFile(dir.File("x.txt"), std::string(1000, 'y'));
  ASSERT_EQ(Sh("cd " + dir.path() + " && zip -q -9 d.zip x.txt").exit_code, 0);
  ZipReader deflated(dir.File("d.zip"));
  EXPECT_THROW(deflated.ReadAll(deflated.entries().front(), 1u << 20, nullptr), ArchiveError);
}

}  // namespace
}  // namespace sealflow::archive
