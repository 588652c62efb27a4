#include "runtime/supervision/restart_tracker.hpp"

#include <algorithm>

namespace griddle::supervision {

restart_tracker::restart_tracker(restart_limits limits) : limits_(limits) {
  // Nop.
}

std::optional<caf::timespan> restart_tracker::on_failure(time_point now) {
  while (!failures_.empty() && !in_window(failures_.front(), now))
    failures_.pop_front();
  failures_.push_back(now);
  // Only the count up to `max_restarts + 1` matters, so the window stays small.
  while (failures_.size() > limits_.max_restarts + 1)
    failures_.pop_front();
  auto k = failures_.size();
  if (k > limits_.max_restarts)
    return std::nullopt;
  if (k == 1)
    return caf::timespan{0};
  // Doubling with a check against the cap cannot overflow, unlike a shift.
  auto delay = std::min(limits_.backoff_initial, limits_.backoff_cap);
  for (size_t i = 2; i < k && delay < limits_.backoff_cap; ++i)
    delay = delay > limits_.backoff_cap / 2 ? limits_.backoff_cap : delay * 2;
  return delay;
}

size_t restart_tracker::recent_failures(time_point now) const {
  return static_cast<size_t>(std::count_if(failures_.begin(), failures_.end(),
                                           [&](time_point t) { return in_window(t, now); }));
}

bool restart_tracker::in_window(time_point failure, time_point now) const noexcept {
  return now - failure < limits_.period;
}

}  // namespace griddle::supervision
