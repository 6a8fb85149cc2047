// Copyright sealflow authors.
#include "archive/timestamps.h"

#include <exception>
#include <utility>

#include "archive/error.h"
#include "signing/timestamp.h"

namespace sealflow::archive {

HeadTimestamper::HeadTimestamper(DocumentStore& store, HeadTimestamperOptions options)
    : store_(store), options_(std::move(options)) {
  if (!options_.timestamp) {
    throw ArchiveError(ArchiveErrorCode::kArgument,
                       "HeadTimestamperOptions::timestamp is required");
  }
  if (options_.interval.count() <= 0) {
    throw ArchiveError(ArchiveErrorCode::kArgument, "the timestamp interval must be positive");
  }
  if (options_.background) thread_ = std::thread([this] { Run(); });
}

HeadTimestamper::~HeadTimestamper() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::optional<AuditEntry> HeadTimestamper::Tick() {
  const auto now = options_.clock();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (last_ && now - *last_ < options_.interval) return std::nullopt;
  }
  std::optional<AuditEntry> entry = store_.TimestampAuditHead(options_.timestamp, options_.actor);
  std::lock_guard<std::mutex> lock(mutex_);
  if (entry) last_ = now;
  return entry;
}

void HeadTimestamper::Run() {
  const auto wake = std::min<std::chrono::seconds>(options_.interval, std::chrono::seconds(60));
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      Tick();
    } catch (const std::exception& e) {
      if (options_.on_error) options_.on_error(e.what());
    }
    lock.lock();
    cv_.wait_for(lock, wake, [this] { return stopping_; });
  }
}

AuditTimestampCheck VerifyAuditTimestamps(const DocumentStore& store,
                                          const std::vector<std::string>& trust_anchor_pems,
                                          std::chrono::system_clock::time_point at) {
  AuditTimestampCheck check;
  auto fail = [&check](const std::string& finding) {
    if (check.findings.size() < 50) check.findings.push_back(finding);
  };
  store.ForEachAuditEntry(1, 0, [&](const AuditEntry& entry) {
    if (entry.action != "timestamp") return;
    ++check.tokens;
    const std::string seq = std::to_string(entry.seq);
    // The entry it covers: "head:<seq>", earlier in the chain, with this entry_hash.
    std::uint64_t covered = 0;
    if (entry.record_id.rfind("head:", 0) == 0) {
      try {
        covered = std::stoull(entry.record_id.substr(5));
      } catch (const std::exception&) {
        covered = 0;
      }
    }
    bool names_head = false;
    if (covered != 0 && covered < entry.seq) {
      store.ForEachAuditEntry(covered, covered, [&](const AuditEntry& head) {
        names_head = head.entry_hash == entry.sha256;
      });
    }
    if (!names_head) {
      fail("时间戳条目 " + seq + " 未指向链中条目 / timestamp entry " + seq +
           " does not name an earlier entry with the hash it covers");
    }
    const std::string token = store.AuditTimestampToken(entry.seq);
    if (token.empty()) {
      fail("时间戳条目 " + seq + " 缺少令牌 / timestamp entry " + seq + " has no token");
      return;
    }
    signing::TimestampVerification verified =
        signing::VerifyTimestampToken(token, entry.sha256, trust_anchor_pems, at);
    if (!verified.valid) {
      std::string why =
          verified.findings.empty() ? verified.sub_indication : verified.findings.front();
      fail("时间戳条目 " + seq + " 的令牌无效 / timestamp entry " + seq +
           ": the token does not verify (" + why + ")");
      return;
    }
    if (names_head) {
      ++check.valid;
      check.latest_gen_time = verified.gen_time_iso;
      check.latest_covered_seq = covered;
    }
  });
  return check;
}

}  // namespace sealflow::archive
