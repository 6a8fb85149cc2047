// Copyright sealflow authors.
// Private: what a Credentials object holds.
#pragma once

#include "openssl_util.h"
#include "signing/credentials.h"

namespace sealflow::signing {

struct Credentials::Impl {
  ossl::EvpPkeyPtr key;
  ossl::X509Ptr certificate;  // the signer certificate, matching `key`
  ossl::X509StackPtr chain;   // further certificates to embed (never null, may be empty)
};

}  // namespace sealflow::signing
