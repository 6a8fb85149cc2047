// Copyright sealflow authors.
// Time-stamping the audit chain's head (issue #6): when a TSA is configured, the head is
// timestamped periodically and the token appended as an audit entry (DocumentStore::
// TimestampAuditHead), so the whole chain up to that entry provably existed at the token's
// genTime. `sealflow audit verify --trust TSA-ROOT.pem` checks every token.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "archive/store.h"

namespace sealflow::archive {

struct HeadTimestamperOptions {
  // Required: the token source (e.g. a signing::TimestampClient's Timestamp over
  // signing::Sha256(head_hash)).
  AuditTimestampFn timestamp;
  // How often the head is timestamped (when there is anything new). Default one hour.
  std::chrono::seconds interval{3600};
  // "Now" for the interval. Tests inject it and call Tick() themselves.
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
  // Run a background thread that calls Tick() (waking at most every `interval`, and at least
  // once a minute so that an injected clock is honoured). false: only explicit Tick() calls.
  bool background = true;
  std::string actor = "tsa";
  // Called with the failure when a background Tick() throws (the TSA may be down; the next
  // tick retries). Default: ignored.
  std::function<void(const std::string&)> on_error;
};

// Timestamps a store's audit head every `interval`. The store must outlive it. Thread safety:
// Tick() may be called from any thread; the destructor stops the background thread.
class HeadTimestamper {
 public:
  HeadTimestamper(DocumentStore& store, HeadTimestamperOptions options);
  ~HeadTimestamper();
  HeadTimestamper(const HeadTimestamper&) = delete;
  HeadTimestamper& operator=(const HeadTimestamper&) = delete;

  // Timestamps the head if `interval` has passed (by the clock) since the last timestamp made
  // here (the first Tick always may) and the head is not already a timestamp. Returns the entry
  // appended, if any. Throws what TimestampAuditHead throws.
  std::optional<AuditEntry> Tick();

 private:
  void Run();

  DocumentStore& store_;
  HeadTimestamperOptions options_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::optional<std::chrono::system_clock::time_point> last_;  // guarded by mutex_
  std::thread thread_;
};

// The outcome of checking every timestamp entry's token.
struct AuditTimestampCheck {
  std::uint64_t tokens = 0;
  std::uint64_t valid = 0;
  std::string latest_gen_time;           // ISO 8601 genTime of the newest valid token ("" if none)
  std::uint64_t latest_covered_seq = 0;  // the head seq that token covers
  std::vector<std::string> findings;     // each "中文 / English"
  bool ok() const { return findings.empty(); }
};

// For each "timestamp" entry: its token verifies (signing::VerifyTimestampToken at `at`, against
// the PEM trust anchors) over the entry's sha256 text, and that text is the entry_hash of the
// entry it names (record_id "head:<seq>", an earlier seq). Memory does not grow with the log.
AuditTimestampCheck VerifyAuditTimestamps(const DocumentStore& store,
                                          const std::vector<std::string>& trust_anchor_pems,
                                          std::chrono::system_clock::time_point at);

}  // namespace sealflow::archive
