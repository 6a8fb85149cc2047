// Copyright sealflow authors.
// Header-only (test support does not link the forms and signing libraries; the tests that use
// this do): a signing request for a rendered form's signature block.
#pragma once

#include <algorithm>
#include <string>

#include "forms/renderer.h"
#include "signing/signer.h"

namespace sealflow::testing {

// Signs the field of the rendered form's block named `field` at that block (its page and
// rectangle), or the form's first block when none has that name; a new invisible field when the
// form has no block at all.
inline signing::SignRequest RequestAtBlock(const forms::RenderedForm& form,
                                           const std::string& field) {
  const auto& blocks = form.signature_blocks;
  auto block = std::find_if(blocks.begin(), blocks.end(),
                            [&](const forms::SignatureBlock& b) { return b.field_name == field; });
  if (block == blocks.end() && !blocks.empty()) block = blocks.begin();
  signing::SignRequest request;
  if (block != blocks.end()) {
    request.field_name = block->field_name;
    request.page = block->page;
    request.x = block->x;
    request.y = block->y;
    request.width = block->width;
    request.height = block->height;
  }
  return request;
}

}  // namespace sealflow::testing
