// Feeds appends to an event store with many in flight: the SQLite store's
// writer thread commits whatever is queued in one transaction, so a deep
// queue means large transactions. The window bounds the queue (and memory):
// `append` waits while `limit` appends are unanswered.
//
// Threading: `append` and `finish` from one thread; the store's callbacks
// from any thread. The window must outlive its appends: `finish` (or the
// destructor) waits for every answer.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

#include "bench/seed/dataset.hpp"
#include "runtime/store/event_store.hpp"

namespace griddle::bench {

class append_window {
 public:
  append_window(store::event_store& store, size_t limit) : store_(store), limit_(limit) {}

  ~append_window() { finish(); }

  append_window(const append_window&) = delete;
  append_window& operator=(const append_window&) = delete;

  /// Waits for room, then hands `x` to the store. False, appending nothing,
  /// once an earlier append has failed.
  bool append(seed_append&& x);

  /// Waits for every answer; the first failure ("append to STREAM: ..."),
  /// or empty.
  std::string finish();

  /// Events of the acknowledged appends.
  uint64_t acknowledged_events() const noexcept { return acknowledged_.load(); }

 private:
  store::event_store& store_;
  size_t limit_;
  std::mutex mtx_;
  std::condition_variable cv_;
  size_t in_flight_ = 0;
  std::string failure_;
  std::atomic<uint64_t> acknowledged_{0};
};

}  // namespace griddle::bench
