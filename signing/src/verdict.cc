// Copyright sealflow authors.
#include "signing/verifier.h"

namespace sealflow::signing {

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kValid:
      return "VALID";
    case Verdict::kInvalid:
      return "INVALID";
    case Verdict::kIndeterminate:
      return "INDETERMINATE";
  }
  return "INDETERMINATE";
}

int VerdictExitCode(Verdict verdict) {
  switch (verdict) {
    case Verdict::kValid:
      return 0;
    case Verdict::kInvalid:
      return 1;
    case Verdict::kIndeterminate:
      return 2;
  }
  return 2;
}

}  // namespace sealflow::signing
