// Copyright sealflow authors.
// The signer keeps the key (电子签名法 §13): the service issues a prepared PDF with an empty
// signature field, the signer signs it on their own machine (`sealflow sign --p12 …` or any
// PAdES tool), and uploads the result. CheckSignedUpload decides whether that upload is exactly
// the prepared document plus one signature; whether the signature itself is valid (digest, CMS,
// chain, revocation) is the Verifier's question, asked separately.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "signing/verifier.h"

namespace sealflow::signing {

struct UploadCheck {
  bool accepted = false;
  std::string field_name;  // the new signature's field (when one was found)
  // Why it was refused, "中文 / English" ("" when accepted). The first failed rule only.
  std::string reason;
  // The objects the difference analysis does not allow, when that is the reason.
  std::vector<Modification> modifications;
};

// Accepts `uploaded` only if all of these hold:
//  * it begins with `prepared` byte for byte (the first revisions were not re-rendered, re-saved
//    or altered), and `prepared` is a PDF without bytes after its last %%EOF;
//  * what follows is exactly one incremental update (one more "startxref … %%EOF" revision, and
//    nothing after it);
//  * that update adds exactly one signature: one signature field that had no /V in `prepared`
//    (the prepared empty field, or a new field) now has one, and its /ByteRange starts at 0,
//    leaves a gap inside the update and ends at the end of the upload;
//  * if `expected_field` is not empty, that signature is in the field of that name;
//  * the difference analysis between `prepared` and `uploaded` allows every change (see
//    signing/src/difference.h: the signature's field, widget and appearance, and the
//    containers that list them; a DSS), and no other form field's value changed and no other
//    field was added — stricter than the analysis, which would allow filling unlocked fields.
// Never throws for any input bytes; thread-safe.
UploadCheck CheckSignedUpload(std::string_view prepared, std::string_view uploaded,
                              const std::string& expected_field = "");

}  // namespace sealflow::signing
