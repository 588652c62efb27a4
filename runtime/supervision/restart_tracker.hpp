// Restart intensity and back-off for anything that restarts failed actors:
// the supervisors of this folder and the entity host. A tracker remembers the
// failures of the last `period` and answers, for each new failure, how long to
// wait before the restart, or that the intensity is exceeded and the failure
// must escalate. It is a plain value: not thread-safe, owned by one actor, and
// it reads no clock itself (callers pass the actor clock's `now`), so the test
// clock drives it.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>

#include <caf/actor_clock.hpp>
#include <caf/timespan.hpp>

namespace griddle::supervision {

/// Restart intensity (at most `max_restarts` failures within `period`) and the
/// exponential back-off between restarts of one failure window.
struct restart_limits {
  size_t max_restarts = 5;
  caf::timespan period = std::chrono::seconds{10};
  caf::timespan backoff_initial = std::chrono::milliseconds{10};
  caf::timespan backoff_cap = std::chrono::seconds{5};
};

/// Counts failures in a sliding window and computes the restart back-off.
class restart_tracker {
 public:
  using time_point = caf::actor_clock::time_point;

  explicit restart_tracker(restart_limits limits);

  /// Records a failure at `now`. Returns the delay to wait before restarting,
  /// or `std::nullopt` when more than `max_restarts` failures fell within
  /// `period` (intensity exceeded: escalate). With `k` failures in the window,
  /// the delay is 0 for `k == 1` and `min(backoff_initial * 2^(k-2),
  /// backoff_cap)` otherwise. A failure at `t` is in the window while
  /// `now - t < period`. `now` must not go backwards between calls.
  std::optional<caf::timespan> on_failure(time_point now);

  /// Returns how many recorded failures are in the window at `now`.
  size_t recent_failures(time_point now) const;

  /// Returns the limits this tracker enforces.
  const restart_limits& limits() const noexcept { return limits_; }

 private:
  bool in_window(time_point failure, time_point now) const noexcept;

  restart_limits limits_;
  /// Failure times, oldest first; never more than `max_restarts + 1`.
  std::deque<time_point> failures_;
};

}  // namespace griddle::supervision
