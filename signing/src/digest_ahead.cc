// Copyright sealflow authors.
#include "digest_ahead.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "openssl_util.h"

namespace sealflow::signing {
namespace {

// Helper threads for work that runs beside the caller's, on cores that would otherwise idle.
// A task is only ever handed to an idle helper, and only while few callers are at work
// (TryRun's `callers`): a busy service, or a batch verifying on every core, keeps its cores
// for whole requests and never queues behind the helpers or pays for the handoff. One helper
// per core beyond the first (none on one core, at most four). The pool lives until the process
// exits (the threads wait on its condition variable, so it is never destroyed).
class HelperPool {
 public:
  static HelperPool& Instance() {
    static HelperPool* pool = new HelperPool();
    return *pool;
  }

  std::uint64_t Started() const { return started_.load(std::memory_order_relaxed); }

  // `callers`: how many callers (this one included) are running work that could use a helper.
  bool TryRun(int callers, std::function<void()> task) {
    // A child forked without exec has none of the helper threads.
    if (getpid() != pid_) return false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      // The callers, the helpers at work and the one asked for must fit on the cores.
      if (idle_ == 0 || callers + (helpers_ - idle_) + 1 > cores_) return false;
      tasks_.push_back(std::move(task));  // may throw; then nothing has changed
      --idle_;
    }
    started_.fetch_add(1, std::memory_order_relaxed);
    wake_.notify_one();
    return true;
  }

 private:
  HelperPool() {
    // hardware_concurrency() may be 0 ("unknown"): then no helpers, as on one core.
    cores_ = static_cast<int>(std::thread::hardware_concurrency());
    const int helpers = std::clamp(cores_ - 1, 0, 4);
    for (int i = 0; i < helpers; ++i) {
      try {
        std::thread(&HelperPool::Work, this).detach();
        ++idle_;
        ++helpers_;
      } catch (const std::system_error&) {
        break;  // no more threads: fewer helpers, or none (callers then work alone)
      }
    }
  }

  void Work() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return !tasks_.empty(); });
      std::function<void()> task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();          // tasks do not throw (see Run below)
      task = nullptr;  // whatever it still holds goes now, outside the lock
      lock.lock();
      ++idle_;
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  int idle_ = 0;
  int helpers_ = 0;
  pid_t pid_ = getpid();                   // the process the helpers run in
  std::atomic<std::uint64_t> started_{0};  // tasks handed to helpers so far
  int cores_ = 1;
};

// DigestAhead objects alive in the process: the callers that could use a helper right now.
std::atomic<int> live_callers{0};

// How long a helper sleeps before it starts hashing (tests only: a helper the scheduler keeps
// off the CPU).
std::atomic<std::chrono::microseconds> helper_delay_for_testing{std::chrono::microseconds(0)};

// How long StateAt waits for a helper beyond the time it should need for the bytes it still
// has to hash (at 1 GB/s, about half its usual rate): then the caller hashes them itself.
constexpr auto kHelperSlack = std::chrono::microseconds(100);

// The helper hashes in chunks of this many bytes (more for very large files, so that at most
// kMaxStates states are kept), keeping the state at every chunk's end.
constexpr std::size_t kChunk = 16 * 1024;
constexpr std::size_t kMaxStates = 256;

}  // namespace

struct DigestAhead::Shared {
  std::mutex mutex;
  std::condition_variable progress_made;
  // States after bytes[0, offset), ascending by offset.
  std::vector<std::pair<std::size_t, ossl::EvpMdCtxPtr>> states;
  std::vector<std::size_t> targets;  // ends asked for before the helper reached them
  std::size_t progress = 0;          // bytes hashed so far
  bool waiting = false;              // a caller waits on progress_made
  bool cancel = false;
  bool stop = false;    // the owner took over the hashing: stop it, but run the jobs
  bool hashed = false;  // the helper has finished (or given up) hashing
  bool failed = false;  // OpenSSL failed on the helper: StateAt hashes on its own
  bool done = false;    // the helper has let go of the bytes and run its last job
  std::deque<std::function<void()>> jobs;  // ThenRun()'s, run after the hash

  // The helper's loop over bytes[0, size).
  void Run(const EVP_MD* md, std::string_view bytes) noexcept {
    if (const auto delay = helper_delay_for_testing.load(); delay.count() > 0) {
      std::this_thread::sleep_for(delay);
    }
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx.get(), md, nullptr) == 1;
    const std::size_t chunk = std::max(kChunk, bytes.size() / kMaxStates + 1);
    std::size_t at = 0;
    while (ok && at < bytes.size()) {
      std::size_t next = std::min(at + chunk, bytes.size());
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (cancel || stop) break;
        for (const std::size_t target : targets) {
          if (target > at && target < next) next = target;
        }
      }
      ok = EVP_DigestUpdate(ctx.get(), bytes.data() + at, next - at) == 1;
      ossl::EvpMdCtxPtr copy(ok ? EVP_MD_CTX_new() : nullptr);
      ok = ok && copy != nullptr && EVP_MD_CTX_copy_ex(copy.get(), ctx.get()) == 1;
      if (!ok) break;
      at = next;
      bool notify = false;
      {
        std::lock_guard<std::mutex> lock(mutex);
        try {
          states.emplace_back(at, std::move(copy));
        } catch (const std::bad_alloc&) {
          ok = false;
        }
        progress = at;
        notify = waiting;
      }
      if (notify) progress_made.notify_all();
    }
    ctx.reset();  // nothing of OpenSSL's is held once the owner may have gone
    ERR_clear_error();
    {
      std::lock_guard<std::mutex> lock(mutex);
      failed = !ok;
      hashed = true;
    }
    progress_made.notify_all();
    RunJobs();
  }

  // The helper's jobs (ThenRun), until there are none left or the owner cancels.
  void RunJobs() noexcept {
    for (;;) {
      std::function<void()> job;
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (cancel || jobs.empty()) {
          done = true;
          break;
        }
        job = std::move(jobs.front());
        jobs.pop_front();
      }
      try {
        job();
      } catch (...) {
        // A job reports its own failures; nothing may escape the helper.
      }
    }
    progress_made.notify_all();
  }
};

DigestAhead::DigestAhead(const EVP_MD* md, std::string_view bytes, bool enabled)
    : md_(md), bytes_(bytes), nid_(EVP_MD_get_type(md)) {
  const int callers = live_callers.fetch_add(1, std::memory_order_relaxed) + 1;
  if (!enabled || bytes.size() < kMinBytes) return;
  try {
    auto shared = std::make_shared<Shared>();
    // The task holds the shared state; the destructor waits for `done`, so `bytes` outlive it.
    if (HelperPool::Instance().TryRun(callers, [shared, md, bytes] { shared->Run(md, bytes); })) {
      shared_ = std::move(shared);
    }
  } catch (...) {
    live_callers.fetch_sub(1, std::memory_order_relaxed);
    throw;
  }
}

DigestAhead::~DigestAhead() {
  live_callers.fetch_sub(1, std::memory_order_relaxed);
  if (shared_ == nullptr) return;
  std::unique_lock<std::mutex> lock(shared_->mutex);
  shared_->cancel = true;
  shared_->waiting = true;
  shared_->progress_made.wait(lock, [this] { return shared_->done; });
  // The saved states and the jobs never run are freed here, on the owner's thread, before it
  // returns (the helper may hold the last reference to `shared_` a little longer).
  shared_->states.clear();
  std::deque<std::function<void()>> jobs;
  jobs.swap(shared_->jobs);
  lock.unlock();
}

std::uint64_t DigestAhead::HelperTasksStarted() { return HelperPool::Instance().Started(); }

void DigestAhead::DelayHelpersForTesting(std::chrono::microseconds delay) {
  helper_delay_for_testing.store(delay);
}

bool DigestAhead::ThenRun(std::function<void()> job) {
  if (shared_ == nullptr) return false;
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    if (shared_->cancel) return false;
    shared_->jobs.push_back(std::move(job));
    // A helper still at work for this object takes it when it is done with the rest.
    if (!shared_->done) return true;
    shared_->done = false;
  }
  // The helper has finished already: ask the pool again (another idle helper, if any, on the
  // same terms as the hash).
  const int callers = live_callers.load(std::memory_order_relaxed);
  std::shared_ptr<Shared> shared = shared_;
  if (HelperPool::Instance().TryRun(callers, [shared] { shared->RunJobs(); })) return true;
  std::lock_guard<std::mutex> lock(shared_->mutex);
  shared_->jobs.clear();
  shared_->done = true;
  return false;
}

bool DigestAhead::StateAt(std::size_t end, EVP_MD_CTX* out) {
  end = std::min(end, bytes_.size());
  std::size_t from = 0;
  bool copied = false;
  if (shared_ != nullptr) {
    std::unique_lock<std::mutex> lock(shared_->mutex);
    Shared& s = *shared_;
    if (s.progress < end && !s.hashed) {
      s.targets.push_back(end);
      s.waiting = true;
      // A helper kept off the CPU (a machine busy with other work) must not hold the caller up
      // for longer than hashing the rest itself would: past the deadline it takes over from the
      // helper's last state, and the helper stops hashing.
      const auto deadline = std::chrono::steady_clock::now() + kHelperSlack +
                            std::chrono::nanoseconds(end - s.progress);
      if (!s.progress_made.wait_until(lock, deadline,
                                      [&s, end] { return s.progress >= end || s.hashed; })) {
        s.stop = true;
        took_over_ = true;
      }
    }
    if (!s.failed) {
      // The last state at or before `end`.
      auto it = std::upper_bound(
          s.states.begin(), s.states.end(), end,
          [](std::size_t value, const auto& state) { return value < state.first; });
      if (it != s.states.begin()) {
        --it;
        if (EVP_MD_CTX_copy_ex(out, it->second.get()) != 1) return false;
        from = it->first;
        copied = true;
      }
    }
  }
  if (!copied && EVP_DigestInit_ex(out, md_, nullptr) != 1) return false;
  if (from == end) return true;
  if (EVP_DigestUpdate(out, bytes_.data() + from, end - from) != 1) return false;
  if (shared_ != nullptr) {
    // Kept for later ends (a later signature's), as the helper would have.
    ossl::EvpMdCtxPtr copy(EVP_MD_CTX_new());
    if (copy != nullptr && EVP_MD_CTX_copy_ex(copy.get(), out) == 1) {
      std::lock_guard<std::mutex> lock(shared_->mutex);
      auto& states = shared_->states;
      auto it = std::upper_bound(
          states.begin(), states.end(), end,
          [](std::size_t value, const auto& state) { return value < state.first; });
      states.emplace(it, end, std::move(copy));
    }
    ERR_clear_error();
  }
  return true;
}

}  // namespace sealflow::signing
