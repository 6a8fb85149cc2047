// Copyright sealflow authors.
// Helpers shared by the signing tests (header-only; not a test file itself).
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <regex>
#include <string>

#include "signing/credentials.h"
#include "signing/signer.h"
#include "signing/verifier.h"
#include "support/test_support.h"

namespace sealflow::signing::test {

inline std::string Pki(const std::string& name) { return testing::TestDataPath("pki/" + name); }

inline std::string UnsignedPdf() {
  return testing::ReadFile(testing::TestDataPath("signing/unsigned-two-pages.pdf"));
}

inline Credentials ProviderCredentials() {
  return Credentials::FromPem(Pki("provider.key"), Pki("provider.pem"), Pki("chain.pem"));
}

inline SignerOptions FixedOptions() {
  SignerOptions options;
  options.clock = [] { return testing::FixedNow(); };
  return options;
}

inline std::unique_ptr<Verifier> VerifierTrusting(std::vector<std::string> anchors) {
  VerifierOptions options;
  options.trust_anchor_files = std::move(anchors);
  options.clock = [] { return testing::FixedNow(); };
  return Verifier::Create(options);
}

// The last /ByteRange in the file (the newest signature).
inline std::array<std::int64_t, 4> LastByteRange(const std::string& pdf) {
  static const std::regex pattern(R"(/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\])");
  std::array<std::int64_t, 4> range{};
  bool found = false;
  for (auto it = std::sregex_iterator(pdf.begin(), pdf.end(), pattern);
       it != std::sregex_iterator(); ++it) {
    for (int k = 0; k < 4; ++k) range[k] = std::stoll((*it)[k + 1].str());
    found = true;
  }
  EXPECT_TRUE(found) << "no /ByteRange";
  return range;
}

// The CMS (DER, zero padding cut off by its DER length) and the signed bytes of the last signature.
struct ExtractedSignature {
  std::string cms;
  std::string signed_bytes;
};
inline ExtractedSignature Extract(const std::string& pdf) {
  const auto br = LastByteRange(pdf);
  ExtractedSignature out;
  out.signed_bytes = pdf.substr(br[0], br[1]) + pdf.substr(br[2], br[3]);
  const std::string hex = pdf.substr(br[1] + 1, br[2] - br[1] - 2);
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  // DER length of the outer SEQUENCE.
  if (bytes.size() < 4) {
    ADD_FAILURE() << "no CMS in /Contents";
    return out;
  }
  std::size_t length = static_cast<unsigned char>(bytes[1]);
  std::size_t header = 2;
  if (length & 0x80) {
    const std::size_t n = length & 0x7f;
    length = 0;
    for (std::size_t k = 0; k < n; ++k)
      length = (length << 8) | static_cast<unsigned char>(bytes[2 + k]);
    header += n;
  }
  out.cms = bytes.substr(0, header + length);
  return out;
}

// A PDF of `pages` pages with roughly `bytes_per_page` of uncompressed text content each, with
// or without an Info dictionary. Classic xref table.
inline std::string BuildPdf(int pages, std::size_t bytes_per_page, bool with_info) {
  std::vector<std::string> objects;
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  std::string kids;
  for (int i = 0; i < pages; ++i) kids += std::to_string(4 + 2 * i) + " 0 R ";
  objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages) + " >>");
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  for (int i = 0; i < pages; ++i) {
    std::string content = "BT /F1 9 Tf 40 800 Td 11 TL\n";
    int line = 0;
    while (content.size() < bytes_per_page) {
      content += "(Page " + std::to_string(i + 1) + " line " + std::to_string(++line) +
                 " - the quick brown fox jumps over the lazy dog 0123456789) Tj T*\n";
      if (line % 70 == 0) content += "ET BT /F1 9 Tf 40 800 Td 11 TL\n";
    }
    content += "ET\n";
    objects.push_back(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> "
        ">> /Contents " +
        std::to_string(5 + 2 * i) + " 0 R >>");
    objects.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
                      "endstream");
  }
  if (with_info) objects.push_back("<< /Title (built by the signing tests) >>");
  return testing::AssemblePdf(
      objects, with_info ? " /Info " + std::to_string(objects.size()) + " 0 R" : std::string());
}

}  // namespace sealflow::signing::test
