#include "runtime/rollout/event_window.hpp"

#include <algorithm>
#include <vector>

namespace griddle::rollout {

void event_window::record(int64_t at_ms, int64_t latency_ns, bool flagged) {
  std::lock_guard<std::mutex> guard{mtx_};
  entries_.push_back({at_ms, latency_ns, flagged});
  if (entries_.size() > capacity)
    entries_.pop_front();
}

event_window::summary event_window::summarize(int64_t now_ms, int64_t window_ms) const {
  std::vector<int64_t> latencies;
  summary result;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    auto cutoff = now_ms - window_ms;
    auto first = std::partition_point(entries_.begin(), entries_.end(),
                                      [cutoff](const entry& x) { return x.at_ms <= cutoff; });
    latencies.reserve(static_cast<size_t>(entries_.end() - first));
    for (auto i = first; i != entries_.end(); ++i) {
      latencies.push_back(i->latency_ns);
      if (i->flagged)
        ++result.flagged;
    }
  }
  result.count = latencies.size();
  if (result.count == 0)
    return result;
  result.rate = static_cast<double>(result.flagged) / static_cast<double>(result.count);
  auto rank = [&](double p) {
    auto n = static_cast<size_t>(p * static_cast<double>(latencies.size()) + 0.999999);
    return std::clamp<size_t>(n, 1, latencies.size()) - 1;
  };
  auto p99 = latencies.begin() + static_cast<std::ptrdiff_t>(rank(0.99));
  std::nth_element(latencies.begin(), p99, latencies.end());
  result.p99_ns = *p99;
  auto p50 = latencies.begin() + static_cast<std::ptrdiff_t>(rank(0.50));
  std::nth_element(latencies.begin(), p50, latencies.end());
  result.p50_ns = *p50;
  return result;
}

void event_window::clear() {
  std::lock_guard<std::mutex> guard{mtx_};
  entries_.clear();
}

}  // namespace griddle::rollout
