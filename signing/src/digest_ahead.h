// Copyright sealflow authors.
// Private: the digest of a document's leading bytes, computed on a helper thread while the
// caller parses the PDF, builds the update or checks the CMS.
//
// Signing and verifying a signature both hash almost the whole file (the first ByteRange runs
// from byte 0 to the /Contents gap) and both have independent work to do before that digest is
// needed: PoDoFo's parse, the certificate chain, the signature over the signed attributes. The
// hash of a 260 KB form takes about as long as all of that, so the two run side by side.
//
// Exact by construction: StateAt(end) returns the digest state after bytes[0, end), taken from
// the helper's running state at `end` itself (when asked for in time) or at the last chunk
// boundary before it, with the rest hashed on the caller's thread. When no helper is idle (a
// busy service verifying on all its threads) nothing runs ahead and StateAt() hashes
// everything on the caller's thread, as it would without this class. A helper that falls
// behind (kept off the CPU by other work on the machine) is not waited for much longer than
// the caller would need to hash the rest itself: the caller then takes over.
#pragma once

#include <openssl/evp.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

namespace sealflow::signing {

class DigestAhead {
 public:
  // Documents smaller than this are hashed on the caller's thread: the handoff would cost more
  // than it saves.
  static constexpr std::size_t kMinBytes = 64 * 1024;

  // Starts hashing bytes[0, bytes.size()) with `md` on an idle helper thread, if there is one
  // and `enabled`. `bytes` must stay valid until this object is destroyed. Never throws for
  // lack of a helper; throws std::bad_alloc or std::system_error like any allocation.
  DigestAhead(const EVP_MD* md, std::string_view bytes, bool enabled = true);
  // Stops the helper (after the chunk or the ThenRun job it is at) and waits for it to let go
  // of `bytes`; frees everything it kept before returning.
  ~DigestAhead();
  DigestAhead(const DigestAhead&) = delete;
  DigestAhead& operator=(const DigestAhead&) = delete;

  // How many tasks helpers have been handed in this process (for tests).
  static std::uint64_t HelperTasksStarted();

  // Whether a helper took the work (for tests and benchmarks).
  bool ahead() const { return shared_ != nullptr; }
  // Whether StateAt() gave up waiting for a late helper and hashed the rest itself.
  bool took_over() const { return took_over_; }
  // Makes every helper sleep this long before it starts hashing (tests: a helper kept off the
  // CPU); zero (the default) for none.
  static void DelayHelpersForTesting(std::chrono::microseconds delay);
  // The digest this object computes (EVP_MD_get_type of the constructor's `md`).
  int nid() const { return nid_; }

  // Queues `job` to run on the helper once it has finished hashing, so that the helper goes on
  // with other work the caller will need. False if no helper works for this object (any more):
  // the caller then does the work itself. A job must not throw; it may be skipped if this
  // object is destroyed first (the destructor waits for a job that has started).
  bool ThenRun(std::function<void()> job);

  // `out` becomes the digest state after bytes[0, end) (initialised for `md`); end <= size.
  // Returns false only if OpenSSL fails (out is then unusable).
  bool StateAt(std::size_t end, EVP_MD_CTX* out);

  struct Shared;

 private:
  const EVP_MD* md_;
  std::string_view bytes_;
  int nid_;
  std::shared_ptr<Shared> shared_;  // null when nothing runs ahead
  bool took_over_ = false;
};

}  // namespace sealflow::signing
