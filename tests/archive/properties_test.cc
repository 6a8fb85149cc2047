// Copyright sealflow authors.
// The four properties (DA/T 70-2018) on real rendered and signed forms and on crafted bytes.
#include "archive/properties.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

#include "archive/store.h"
#include "dossier_fixture.h"
#include "forms/inspect.h"
#include "forms/validator.h"
#include "signing/verifier.h"
#include "support/test_support.h"

namespace sealflow::archive {
namespace {

using sealflow::testing::FixedNow;
using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;
using sealflow::testing::TempDir;
using sealflow::testing::TestDataPath;

bool HasFinding(const RecordProperties& result, Property property, const std::string& needle) {
  for (const std::string& finding : result.findings[static_cast<std::size_t>(property)]) {
    if (finding.find(needle) != std::string::npos) return true;
  }
  return false;
}

class PropertiesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions store_options;
    store_options.data_dir = dir_.File("data");
    store_options.clock = FixedNow;
    store_ = DocumentStore::Open(store_options);
    signing::VerifierOptions verifier_options;
    verifier_options.trust_anchor_files = {TestDataPath("pki/root-ca.pem")};
    verifier_ = signing::Verifier::Create(verifier_options);
    validator_ = forms::Validator::Create();
    options_.verifier = verifier_.get();
    options_.check_form = [this](std::string_view pdf) {
      std::vector<std::string> findings;
      try {
        forms::ValidationReport report = validator_->Validate(forms::InspectPdf(pdf).source_xml);
        if (!report.ok()) findings.push_back("does not validate: " + forms::FormatFindings(report));
      } catch (const std::exception& e) {
        findings.push_back(std::string("cannot read the form: ") + e.what());
      }
      return findings;
    };
  }

  // A real signed application, stored as the service would store it.
  DocumentRecord PutSignedApplication() {
    sealflow::testing::FormFactory factory;
    sealflow::testing::SignedForm form =
        factory.RenderAndSign(ReadFile(SourcePath("xml-schemas/examples/application.xml")));
    signing::VerificationReport report = verifier_->Verify(form.pdf);
    EXPECT_EQ(report.verdict, signing::Verdict::kValid);
    NewDocument meta;
    meta.form_type = "application";
    meta.document_id = form.document_id.empty() ? "APP" : form.document_id;
    meta.party_kind = "provider";
    meta.party_code = "91410700MA45KJ2R7F";
    meta.party_name = "新乡市牧野智造数字科技有限公司";
    for (const auto& signature : report.signatures)
      meta.signers.push_back(signature.signer_subject);
    meta.verdict = "VALID";
    return store_->Put(form.pdf, meta);
  }

  DocumentRecord PutBytes(const std::string& bytes) {
    NewDocument meta;
    meta.form_type = "application";
    meta.document_id = "X-1";
    meta.party_kind = "provider";
    meta.party_code = "91410700MA45KJ2R7F";
    meta.party_name = "某公司";
    meta.signers = {"CN=nobody"};
    meta.verdict = "VALID";
    return store_->Put(bytes, meta);
  }

  TempDir dir_;
  std::unique_ptr<DocumentStore> store_;
  std::unique_ptr<signing::Verifier> verifier_;
  std::unique_ptr<forms::Validator> validator_;
  PropertyOptions options_;
};

TEST_F(PropertiesTest, SignedFormHoldsAllFourProperties) {
  DocumentRecord record = PutSignedApplication();
  RecordProperties result = CheckRecordProperties(*store_, record, options_);
  for (Property property : kAllProperties) {
    EXPECT_TRUE(result.ok(property))
        << PropertyNameZh(property) << ": "
        << ::testing::PrintToString(result.findings[static_cast<std::size_t>(property)]);
  }
  PropertiesReport report = CheckArchiveProperties(*store_, options_);
  EXPECT_EQ(report.records, 1u);
  EXPECT_TRUE(report.ok());
}

TEST_F(PropertiesTest, NamesInChinese) {
  EXPECT_STREQ(PropertyNameZh(Property::kAuthenticity), "真实性");
  EXPECT_STREQ(PropertyNameZh(Property::kIntegrity), "完整性");
  EXPECT_STREQ(PropertyNameZh(Property::kUsability), "可用性");
  EXPECT_STREQ(PropertyNameZh(Property::kSecurity), "安全性");
}

TEST_F(PropertiesTest, BlobsAreStoredReadOnlyAndAWritableOneIsASecurityFinding) {
  DocumentRecord record = PutSignedApplication();
  struct stat st {};
  ASSERT_EQ(::stat(store_->BlobPath(record).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0444u);
  ASSERT_EQ(::chmod(store_->BlobPath(record).c_str(), 0644), 0);
  RecordProperties result = CheckRecordProperties(*store_, record, options_);
  EXPECT_FALSE(result.ok(Property::kSecurity));
  EXPECT_TRUE(HasFinding(result, Property::kSecurity, "write permission"));
  EXPECT_TRUE(result.ok(Property::kAuthenticity));
  EXPECT_TRUE(result.ok(Property::kIntegrity));
  EXPECT_TRUE(result.ok(Property::kUsability));
}

TEST_F(PropertiesTest, CorruptBlobFailsIntegrityAndAuthenticity) {
  DocumentRecord record = PutSignedApplication();
  std::string bytes = ReadFile(store_->BlobPath(record));
  bytes[bytes.size() / 2] ^= 0x01;  // inside the signed range
  ::chmod(store_->BlobPath(record).c_str(), 0644);
  sealflow::testing::WriteFile(store_->BlobPath(record), bytes);
  ::chmod(store_->BlobPath(record).c_str(), 0444);
  RecordProperties result = CheckRecordProperties(*store_, record, options_);
  EXPECT_TRUE(HasFinding(result, Property::kIntegrity, "does not hash"));
  EXPECT_FALSE(result.ok(Property::kAuthenticity));
  PropertiesReport report = CheckArchiveProperties(*store_, options_);
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.failed[static_cast<std::size_t>(Property::kIntegrity)], 1u);
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.failures[0].record_id, record.id);
}

TEST_F(PropertiesTest, ActiveContentAndHiddenObjectsAreSecurityFindings) {
  DocumentRecord record = PutBytes(
      "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /OpenAction << /S /J#61vaScript /JS (app.alert\\(1\\))"
      " >> /AA << /O << /S /Launch /F (calc.exe) >> >> >>\nendobj\n"
      "2 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Length 8 >>\nstream\n/Launch\nendstream\nendobj\n"
      "3 0 obj\n<< /Type /EmbeddedFile >>\nendobj\n4 0 obj\n<< /Type /EmbeddedFile >>\nendobj\n"
      "trailer\n<< /Root 1 0 R >>\n%%EOF\n");
  RecordProperties result = CheckRecordProperties(*store_, record, options_);
  EXPECT_TRUE(HasFinding(result, Property::kSecurity, "/JavaScript"));  // hex-escaped name
  EXPECT_TRUE(HasFinding(result, Property::kSecurity, "/JS"));
  EXPECT_TRUE(HasFinding(result, Property::kSecurity, "/Launch"));
  EXPECT_TRUE(HasFinding(result, Property::kSecurity, "/ObjStm"));
  EXPECT_TRUE(HasFinding(result, Property::kSecurity, "embeds 2 files"));
  EXPECT_FALSE(result.ok(Property::kAuthenticity));  // no valid signature
  EXPECT_FALSE(result.ok(Property::kUsability));     // no embedded form
  EXPECT_TRUE(result.ok(Property::kIntegrity));
}

TEST_F(PropertiesTest, TextThatMerelyMentionsJavaScriptIsNotActiveContent) {
  DocumentRecord record = PutBytes(
      "%PDF-1.7\n1 0 obj\n<< /Title (about /JavaScript and /Launch) >>\nendobj\n"
      "2 0 obj\n<< /Length 12 >>\nstream\n/JS /Launch\nendstream\nendobj\n%%EOF\n");
  RecordProperties result = CheckRecordProperties(*store_, record, options_);
  EXPECT_TRUE(result.ok(Property::kSecurity))
      << ::testing::PrintToString(result.findings[static_cast<std::size_t>(Property::kSecurity)]);
}

// At ingest the same rules run on what ingest has established plus one scan of the bytes.
TEST_F(PropertiesTest, AtIngestASignedFormHoldsTheFourProperties) {
  sealflow::testing::FormFactory factory;
  sealflow::testing::SignedForm form =
      factory.RenderAndSign(ReadFile(SourcePath("xml-schemas/examples/application.xml")));
  RecordProperties result = CheckIncoming(form.pdf, verifier_->Verify(form.pdf), {});
  EXPECT_TRUE(result.ok()) << ::testing::PrintToString(result.findings);
  // The form's own findings count as usability findings.
  result = CheckIncoming(form.pdf, verifier_->Verify(form.pdf), {"表单无效 / form invalid"});
  EXPECT_TRUE(HasFinding(result, Property::kUsability, "form invalid"));
}

TEST_F(PropertiesTest, AtIngestActiveContentAndMissingSignaturesAreFindings) {
  const std::string bytes =
      "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /OpenAction << /S /J#61vaScript /JS (x) >> >>\n"
      "endobj\n2 0 obj\n<< /Type /FontDescriptor /FontName /F >>\nendobj\n"
      "trailer\n<< /Root 1 0 R >>\n%%EOF\n";
  RecordProperties result = CheckIncoming(bytes, verifier_->Verify(bytes), {});
  EXPECT_TRUE(HasFinding(result, Property::kSecurity, "/JavaScript"));
  EXPECT_TRUE(HasFinding(result, Property::kUsability, "font descriptors"));
  EXPECT_FALSE(result.ok(Property::kAuthenticity));
  EXPECT_TRUE(result.ok(Property::kIntegrity));  // the store's to guarantee, not judged here
}

TEST_F(PropertiesTest, WithoutCheckersNothingIsSilentlyPassed) {
  DocumentRecord record = PutSignedApplication();
  RecordProperties result = CheckRecordProperties(*store_, record, PropertyOptions{});
  EXPECT_TRUE(HasFinding(result, Property::kAuthenticity, "no verifier"));
  EXPECT_TRUE(HasFinding(result, Property::kUsability, "not checked"));
}

}  // namespace
}  // namespace sealflow::archive
