// The recent history of one side of a rollout (stable or candidate, live or
// ghost): when each observation happened, its latency and whether it failed.
// The guard asks for a window's count, error rate and p99.
//
// Threading: `record` and `summarize` may be called from any thread (one
// mutex; held for a push or a copy). Memory: at most `capacity` entries;
// the oldest fall off first, so a very busy side's window is its last
// `capacity` observations.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>

namespace griddle::rollout {

class event_window {
 public:
  static constexpr size_t capacity = 16'384;

  struct summary {
    uint64_t count = 0;
    uint64_t flagged = 0;
    /// flagged / count (0 when empty).
    double rate = 0;
    /// Nearest-rank 99th percentile of the latencies (0 when empty).
    int64_t p99_ns = 0;
    int64_t p50_ns = 0;
  };

  /// Notes one observation at `at_ms` (Unix ms); `flagged` marks an error or
  /// a mismatch.
  void record(int64_t at_ms, int64_t latency_ns, bool flagged);

  /// The observations made after `now_ms - window_ms`.
  summary summarize(int64_t now_ms, int64_t window_ms) const;

  /// Forgets everything (a new rollout starts).
  void clear();

 private:
  struct entry {
    int64_t at_ms;
    int64_t latency_ns;
    bool flagged;
  };

  mutable std::mutex mtx_;
  std::deque<entry> entries_;
};

}  // namespace griddle::rollout
