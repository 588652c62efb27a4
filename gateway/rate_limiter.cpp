#include "gateway/rate_limiter.hpp"

#include <algorithm>
#include <functional>

namespace griddle::gateway {

namespace {

/// A shard holding more buckets than this drops the ones that are full.
constexpr size_t evict_above = 4096;

}  // namespace

rate_limiter::rate_limiter(double rate, double burst)
    : rate_(rate), burst_(burst > 0 ? burst : 2 * rate) {
  if (burst_ < 1)
    burst_ = 1;
}

bool rate_limiter::allow(const std::string& client, clock::time_point now) {
  if (rate_ <= 0)
    return true;
  auto& s = shards_[std::hash<std::string>{}(client) % shards_.size()];
  std::lock_guard<std::mutex> guard{s.mtx};
  auto [i, added] = s.buckets.try_emplace(client, bucket{burst_, now});
  auto& b = i->second;
  if (!added) {
    auto elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + std::max(0.0, elapsed) * rate_);
    b.last = now;
  }
  if (b.tokens < 1) {
    return false;
  }
  b.tokens -= 1;
  if (added && s.buckets.size() > evict_above)
    evict_full(s, now);
  return true;
}

void rate_limiter::evict_full(shard& s, clock::time_point now) {
  for (auto i = s.buckets.begin(); i != s.buckets.end();) {
    auto elapsed = std::chrono::duration<double>(now - i->second.last).count();
    if (i->second.tokens + elapsed * rate_ >= burst_)
      i = s.buckets.erase(i);
    else
      ++i;
  }
}

}  // namespace griddle::gateway
