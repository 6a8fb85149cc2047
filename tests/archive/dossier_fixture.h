// Copyright sealflow authors.
// A small consistent dossier for ONE enterprise, made of real rendered and signed forms: the
// examples' diagnostic report → transformation plan → contract → progress report, each edited
// to name the same enterprise and to <follow> the real SHA-256 of the signed PDF before it.
// Shared by the archive, workflow and tools tests (header-only).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "archive/store.h"
#include "archive/zip.h"
#include "forms/inspect.h"
#include "forms/renderer.h"
#include "signing/credentials.h"
#include "signing/signer.h"
#include "support/sign_at_block.h"
#include "support/test_support.h"

namespace sealflow::testing {

inline constexpr const char* kEnterpriseCode = "91410700MA46B7HW2D";
inline constexpr const char* kEnterpriseName = "新乡市豫飞起重设备有限公司";

struct SignedForm {
  std::string form_type;
  std::string document_id;
  std::string pdf;
  std::string sha256;
};

// Points the example's <follows .../> at the given document.
inline std::string WithFollows(const std::string& xml, const SignedForm& previous,
                               const std::string& sha256_override = "") {
  static const std::regex kFollows("<follows [^>]*/>");
  return std::regex_replace(
      xml, kFollows,
      "<follows formType=\"" + previous.form_type + "\" documentId=\"" + previous.document_id +
          "\" sha256=\"" + (sha256_override.empty() ? previous.sha256 : sha256_override) + "\"/>",
      std::regex_constants::format_first_only);
}

class FormFactory {
 public:
  FormFactory() {
    forms::RendererOptions render_options;
    render_options.clock = FixedNow;
    renderer_ = forms::Renderer::Create(render_options);
    auto credentials = signing::Credentials::FromPem(TestDataPath("pki/provider.key"),
                                                     TestDataPath("pki/provider.pem"), "");
    signing::SignerOptions sign_options;
    sign_options.clock = FixedNow;
    signer_ = signing::Signer::Create(std::move(credentials), sign_options);
  }

  SignedForm RenderAndSign(const std::string& xml) {
    forms::RenderResult rendered = renderer_->Render(xml);
    EXPECT_TRUE(rendered.report.ok()) << forms::FormatFindings(rendered.report);
    // The form's first block (no field is named "").
    const signing::SignRequest request = sealflow::testing::RequestAtBlock(rendered.form, "");
    SignedForm form;
    form.form_type = rendered.form.form_type;
    form.document_id = rendered.form.document_id;
    form.pdf = signer_->Sign(rendered.form.pdf, request);
    form.sha256 = Sha256(form.pdf);
    return form;
  }

  // An example rebranded to the dossier's enterprise.
  static std::string Example(const std::string& form_type) {
    std::string xml = ReadFile(SourcePath("xml-schemas/examples/" + form_type + ".xml"));
    static const std::regex kEnterprise(
        "<enterprise>\\s*<name>([^<]*)</name>\\s*<creditCode>([^<]*)</creditCode>");
    std::smatch match;
    if (std::regex_search(xml, match, kEnterprise)) {
      std::string old_name = match[1].str();
      std::string old_code = match[2].str();
      xml = ReplaceAll(xml, old_name, kEnterpriseName);
      xml = ReplaceAll(xml, old_code, kEnterpriseCode);
    }
    return xml;
  }

  static std::string Sha256(const std::string& bytes) {
    TempDir dir;
    WriteFile(dir.File("f"), bytes);
    return Run("sha256sum " + dir.File("f")).output.substr(0, 64);
  }

 private:
  std::unique_ptr<forms::Renderer> renderer_;
  std::unique_ptr<signing::Signer> signer_;
};

// The chain. broken_follows: the contract follows a hash that names no document.
inline std::vector<SignedForm> MakeChain(FormFactory& factory, bool broken_follows = false) {
  std::vector<SignedForm> chain;
  chain.push_back(factory.RenderAndSign(FormFactory::Example("diagnostic-report")));
  chain.push_back(
      factory.RenderAndSign(WithFollows(FormFactory::Example("transformation-plan"), chain[0])));
  chain.push_back(factory.RenderAndSign(WithFollows(FormFactory::Example("contract"), chain[1],
                                                    broken_follows ? std::string(64, 'e') : "")));
  chain.push_back(
      factory.RenderAndSign(WithFollows(FormFactory::Example("progress-report"), chain[2])));
  return chain;
}

// Stores a signed form with the metadata the service would file it under.
inline archive::DocumentRecord Ingest(archive::DocumentStore& store, const SignedForm& form,
                                      const std::string& supersedes = "") {
  forms::FormInfo info = forms::InspectPdf(form.pdf);
  archive::NewDocument meta;
  meta.form_type = info.form_type;
  meta.document_id = info.document_id;
  meta.party_kind = info.party_kind;
  meta.party_code = info.party_code;
  meta.party_name = info.party_name;
  static const std::map<std::string, archive::Phase> kPhases = {
      {"diagnostic-report", archive::Phase::kBefore},
      {"transformation-plan", archive::Phase::kBefore},
      {"contract", archive::Phase::kDuring},
      {"progress-report", archive::Phase::kDuring},
      {"acceptance-application", archive::Phase::kAfter}};
  auto phase = kPhases.find(info.form_type);
  meta.phase = phase == kPhases.end() ? archive::Phase::kAfter : phase->second;
  meta.signers = {"CN=test signer"};
  meta.verdict = "VALID";
  meta.supersedes = supersedes;
  meta.actor = "test";
  return store.Put(form.pdf, meta);
}

// Copies a ZIP, letting `edit` change or drop (return false) each entry's bytes.
inline void RewriteZip(const std::string& from, const std::string& to,
                       const std::function<bool(const std::string&, std::string&)>& edit) {
  archive::ZipReader reader(from);
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  archive::ZipWriter writer(out, FixedNow());
  for (const archive::ZipEntry& entry : reader.entries()) {
    std::string bytes = reader.ReadAll(entry, 1u << 30, nullptr);
    if (edit(entry.name, bytes)) writer.AddEntry(entry.name, bytes);
  }
  writer.Finish();
}

}  // namespace sealflow::testing
