// Copyright sealflow authors.
// The signer keeps the key (电子签名法 §13): the service renders a form into a prepared PDF with
// empty signature fields and keeps those exact bytes; the signer signs on their own machine and
// uploads; the upload must then be exactly the prepared bytes plus one signature
// (signing::CheckSignedUpload). The server never sees a signer's key.
//
// Prepared PDFs live in DATA/prepared/<sha256>.pdf (named by the SHA-256 of their bytes, written
// to a temporary file, fsynced, renamed, folder fsynced), so a restart keeps them and the same
// form prepared twice is one file.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "forms/renderer.h"

namespace sealflow::workflow {

struct PreparedForm {
  std::string id;  // SHA-256 of the PDF, 64 lowercase hex digits
  std::string pdf;
  forms::ValidationReport report;  // !report.ok(): nothing was prepared (id and pdf empty)
};

class PreparedForms {
 public:
  // `data_dir`/prepared is created if missing; the renderer is created from `options` on the
  // first Prepare.
  PreparedForms(const std::string& data_dir, forms::RendererOptions options);

  // Validates and renders the form XML and keeps the PDF. Thread-safe.
  PreparedForm Prepare(std::string_view xml);

  // The prepared bytes of `id`; nullopt if `id` is malformed or unknown.
  std::optional<std::string> Find(const std::string& id) const;

 private:
  std::string folder_;
  forms::RendererOptions options_;
  std::mutex renderer_mutex_;  // guards the lazily created renderer
  std::unique_ptr<forms::Renderer> renderer_;
};

}  // namespace sealflow::workflow
