// Copyright sealflow authors.
// Signed pilot documents for the Pilot, service and benchmark tests: a test CA made once per
// process (ECDSA P-256 keys, so it takes milliseconds) with one identity per organisation of the
// pilot, the example forms rewritten per step, rendered and signed in every signature block
// the form lays out.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "forms/credit_code.h"
#include "forms/renderer.h"
#include "signing/ca.h"
#include "signing/credentials.h"
#include "signing/signer.h"
#include "support/test_support.h"
#include "workflow/lifecycle.h"
#include "workflow/pilot.h"

namespace sealflow::workflow::testing {

// A code with a valid GB 32100 check character from its first 17 characters.
inline std::string WithCheck(const std::string& first17) {
  return first17 + forms::CreditCodeCheckCharacter(first17);
}

inline std::string ExampleForm(const std::string& type) {
  return sealflow::testing::ReadFile(
      sealflow::testing::SourcePath("xml-schemas/examples/" + type + ".xml"));
}

// Replaces the first occurrence (fails the test if there is none).
inline std::string Swap(std::string text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

// Replaces every occurrence.
inline std::string SwapAll(std::string text, const std::string& from, const std::string& to) {
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
  return text;
}

struct PilotParty {
  Role role = Role::kPublic;
  std::string code;
  std::string name;
  signing::IssuedIdentity identity;
  std::string p12_path;  // PKCS#12 (password kP12Password) for IssueNotice
  std::unique_ptr<signing::Signer> signer;
};

inline constexpr char kP12Password[] = "pilot-test";

// The CA and the organisations; one per process (tests only read it).
class PilotPki {
 public:
  static PilotPki& Get() {
    static PilotPki pki;
    return pki;
  }

  const std::string& root_pem_path() const { return root_path_; }
  const PilotParty& bureau() const { return *parties_.at("bureau"); }
  const PilotParty& county() const { return *parties_.at("county"); }
  const PilotParty& expert() const { return *parties_.at("expert"); }
  const PilotParty& provider() const { return *parties_.at("provider"); }
  const PilotParty& provider2() const { return *parties_.at("provider2"); }
  const PilotParty& enterprise() const { return *parties_.at("enterprise"); }
  const PilotParty& agency() const { return *parties_.at("agency"); }
  const PilotParty& stranger() const { return *parties_.at("stranger"); }  // untrusted CA

  // Renders the form and signs each of its signature blocks with the party named for that
  // field (fields without a party stay unsigned).
  std::string RenderAndSign(const std::string& xml,
                            const std::map<std::string, const PilotParty*>& by_field) const {
    forms::RenderResult rendered = renderer_->Render(xml);
    EXPECT_TRUE(rendered.report.ok()) << forms::FormatFindings(rendered.report) << "\n" << xml;
    std::string pdf = rendered.form.pdf;
    for (const forms::SignatureBlock& block : rendered.form.signature_blocks) {
      auto it = by_field.find(block.field_name);
      if (it == by_field.end() || it->second == nullptr) continue;
      signing::SignRequest request;
      request.field_name = block.field_name;
      pdf = it->second->signer->Sign(pdf, request);
    }
    return pdf;
  }

 private:
  PilotPki() {
    const auto not_before = std::chrono::sys_days(std::chrono::year{2025} / 1 / 1);
    root_ = signing::CreateRootCa({"Pilot Test Root", "新乡市工业和信息化局（测试）", "", "CN"},
                                  not_before, 3650);
    sealflow::testing::WriteFile(dir_.File("root.pem"), root_.cert_pem);
    root_path_ = dir_.File("root.pem");
    long serial = 100;
    auto add = [&](const std::string& key, Role role, const std::string& code,
                   const std::string& name, const signing::IssuedIdentity& ca) {
      auto party = std::make_unique<PilotParty>();
      party->role = role;
      party->code = code;
      party->name = name;
      signing::IssueOptions options;
      options.key = signing::KeyAlgorithm::kEcdsaP256;
      options.organizational_unit = RoleName(role);
      party->identity = signing::IssueCertificate(ca, {name, name, code, "CN"}, not_before, 3650,
                                                  ++serial, options);
      party->p12_path = dir_.File(key + ".p12");
      sealflow::testing::WriteFile(
          party->p12_path, signing::ExportPkcs12(party->identity, ca.cert_pem, kP12Password, name));
      signing::SignerOptions signer_options;
      signer_options.clock = [] { return sealflow::testing::FixedNow(); };
      party->signer = signing::Signer::Create(
          signing::Credentials::FromPemText(party->identity.key_pem, party->identity.cert_pem,
                                            ca.cert_pem),
          signer_options);
      parties_[key] = std::move(party);
    };
    add("bureau", Role::kBureau, "11410700005264830Y", "新乡市工业和信息化局", root_);
    add("county", Role::kCounty, WithCheck("11410721MB0000017"), "新乡县工业和信息化局", root_);
    add("expert", Role::kExpert, WithCheck("12410700MB0000025"), "新乡市数字化转型专家委员会",
        root_);
    add("provider", Role::kProvider, "91410700MA45KJ2R7F", "新乡市牧野智造数字科技有限公司", root_);
    add("provider2", Role::kProvider, "91410700MA9F3K2L1U", "河南平原云联信息技术有限公司", root_);
    add("enterprise", Role::kEnterprise, "91410700MA46B7HW2D", "新乡市豫飞起重设备有限公司", root_);
    add("agency", Role::kAcceptanceAgency, "12410700MA40JXK24Y", "新乡市数字化转型验收中心", root_);
    signing::IssuedIdentity other =
        signing::CreateRootCa({"Other Root", "Other", "", "CN"}, not_before, 3650);
    add("stranger", Role::kProvider, "91410700MA45KJ2R7F", "新乡市牧野智造数字科技有限公司", other);
    forms::RendererOptions renderer;
    renderer.clock = [] { return sealflow::testing::FixedNow(); };
    renderer_ = forms::Renderer::Create(renderer);
  }

  sealflow::testing::TempDir dir_;
  signing::IssuedIdentity root_;
  std::string root_path_;
  std::map<std::string, std::unique_ptr<PilotParty>> parties_;
  std::unique_ptr<forms::Renderer> renderer_;
};

// ---- The provider's track, as form XML ---------------------------------------------------

inline constexpr char kDecisionPlanPart[] = R"(  <planDecision>
    <plan>PLN-2026-0001</plan>
    <planHash>9b1e7c04d2a35f86e0c4b71d93a2e58f6c0d14b7a9e3f25c8d6b0a17e4f9c2d1</planHash>
    <approved>true</approved>
  </planDecision>)";

inline constexpr char kDecisionEnterpriseSubject[] = R"(<subject kind="enterprise">
    <name>新乡市豫飞起重设备有限公司</name>
    <creditCode>91410700MA46B7HW2D</creditCode>
    <subIndustry>起重装备</subIndustry>
    <scale>规上</scale>)";

// A decision about the provider of the fixture ("provider"), issued by `issuer` on `date`.
inline std::string ProviderDecisionXml(const std::string& id, const std::string& kind_xml,
                                       const PilotParty& issuer, const std::string& date,
                                       const PilotParty* subject = nullptr) {
  const PilotParty& provider = subject ? *subject : PilotPki::Get().provider();
  std::string xml = ExampleForm("decision");
  xml = Swap(xml, "id=\"DEC-2026-0031\"", "id=\"" + id + "\"");
  xml = Swap(xml, "role=\"bureau\"", std::string("role=\"") + RoleName(issuer.role) + "\"");
  xml = Swap(xml, "<name>新乡市工业和信息化局</name>", "<name>" + issuer.name + "</name>");
  xml = Swap(xml, "<creditCode>11410700005264830Y</creditCode>",
             "<creditCode>" + issuer.code + "</creditCode>");
  xml = Swap(xml, kDecisionEnterpriseSubject,
             "<subject kind=\"provider\">\n    <name>" + provider.name +
                 "</name>\n    <creditCode>" + provider.code + "</creditCode>");
  xml = Swap(xml, kDecisionPlanPart, kind_xml);
  xml = Swap(xml, "<date>2026-04-14</date>", "<date>" + date + "</date>");
  return xml;
}

// The example application (provider 91410700MA45KJ2R7F, 2026-02-20).
inline std::string ApplicationXml(const std::string& id = "APP-2026-0001") {
  return Swap(ExampleForm("application"), "id=\"APP-2026-0001\"", "id=\"" + id + "\"");
}

inline std::string CountyRecommendationXml(bool recommended = true) {
  return ProviderDecisionXml("DEC-2026-0101",
                             std::string("<countyRecommendation><recommended>") +
                                 (recommended ? "true" : "false") +
                                 "</recommended></countyRecommendation>",
                             PilotPki::Get().county(), "2026-02-25");
}

inline std::string ExpertReviewXml() {
  return ProviderDecisionXml("DEC-2026-0102", "<expertReview><passed>true</passed></expertReview>",
                             PilotPki::Get().expert(), "2026-03-01");
}

inline std::string MeetingDecisionXml() {
  return ProviderDecisionXml("DEC-2026-0103",
                             "<meetingDecision><meeting>2026年第3次专题会议</meeting><approved>"
                             "true</approved><subIndustry>起重装备</subIndustry></meetingDecision>",
                             PilotPki::Get().bureau(), "2026-03-05");
}

// The JSON of a listing notice for the fixture's provider.
inline std::string ListingNoticeJson() {
  return R"({"kind":"listing","providers":[{"creditCode":"91410700MA45KJ2R7F",)"
         R"("name":"新乡市牧野智造数字科技有限公司","subIndustries":["起重装备"]}]})";
}

// A decision about the example enterprise (91410700MA46B7HW2D, 起重装备, 规上).
inline std::string EnterpriseDecisionXml(const std::string& id, const std::string& kind_xml,
                                         const PilotParty& issuer, const std::string& date) {
  std::string xml = ExampleForm("decision");
  xml = Swap(xml, "id=\"DEC-2026-0031\"", "id=\"" + id + "\"");
  xml = Swap(xml, "role=\"bureau\"", std::string("role=\"") + RoleName(issuer.role) + "\"");
  xml = Swap(xml, "<name>新乡市工业和信息化局</name>", "<name>" + issuer.name + "</name>");
  xml = Swap(xml, "<creditCode>11410700005264830Y</creditCode>",
             "<creditCode>" + issuer.code + "</creditCode>");
  xml = Swap(xml, kDecisionPlanPart, kind_xml);
  xml = Swap(xml, "<date>2026-04-14</date>", "<date>" + date + "</date>");
  return xml;
}

inline std::string EnrolmentXml() {
  return EnterpriseDecisionXml("DEC-2026-0104", "<enrolment><batch>第一批</batch></enrolment>",
                               PilotPki::Get().bureau(), "2026-03-12");
}

// The example diagnostic report (enterprise 91410700MA46B7HW2D, provider 91410700MA45KJ2R7F,
// 2026-03-20), signed by both.
inline std::string DiagnosticReportXml() { return ExampleForm("diagnostic-report"); }

// A clock tests move by hand.
class ManualClock {
 public:
  explicit ManualClock(Date day) { Set(day); }
  // 10:00 China time on `day`.
  void Set(Date day) {
    now_.store(std::chrono::system_clock::time_point(day) + std::chrono::hours(2));
  }
  std::chrono::system_clock::time_point Now() const { return now_.load(); }
  std::function<std::chrono::system_clock::time_point()> Function() {
    return [this] { return Now(); };
  }

 private:
  std::atomic<std::chrono::system_clock::time_point> now_;
};

inline Actor ActorOf(const PilotParty& party) { return Actor{party.role, party.code, party.name}; }

}  // namespace sealflow::workflow::testing
