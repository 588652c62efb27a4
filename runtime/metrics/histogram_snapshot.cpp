#include "runtime/metrics/histogram_snapshot.hpp"

#include <algorithm>
#include <cmath>

namespace griddle::metrics {

double histogram_snapshot::mean() const noexcept {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_);
}

int64_t histogram_snapshot::value_at_percentile(double p) const noexcept {
  if (count_ == 0 || !(p > 0.0))  // also catches NaN
    return min_;
  if (p >= 100.0)
    return max_;
  // Multiplying first keeps decimal percentiles such as 99.9 exact for
  // decimal counts, so the rank does not drift one past the intended one.
  auto exact_rank = std::ceil(p * static_cast<double>(count_) / 100.0);
  auto rank = std::clamp(static_cast<uint64_t>(exact_rank), uint64_t{1}, count_);
  uint64_t seen = 0;
  for (const auto& b : buckets_) {
    seen += b.count;
    if (seen >= rank)
      return std::clamp(b.upper_bound, min_, max_);
  }
  return max_;
}

void histogram_snapshot::merge(const histogram_snapshot& other) {
  if (other.count_ == 0)
    return;
  if (count_ == 0) {
    *this = other;
    return;
  }
  std::vector<bucket> merged;
  merged.reserve(buckets_.size() + other.buckets_.size());
  auto i = buckets_.begin();
  auto j = other.buckets_.begin();
  while (i != buckets_.end() || j != other.buckets_.end()) {
    if (j == other.buckets_.end() || (i != buckets_.end() && i->upper_bound < j->upper_bound)) {
      merged.push_back(*i++);
    } else if (i == buckets_.end() || j->upper_bound < i->upper_bound) {
      merged.push_back(*j++);
    } else {
      merged.push_back({i->upper_bound, i->count + j->count});
      ++i;
      ++j;
    }
  }
  buckets_ = std::move(merged);
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  overflow_count_ += other.overflow_count_;
}

bool operator==(const histogram_snapshot& x, const histogram_snapshot& y) noexcept {
  auto same_bucket = [](const histogram_snapshot::bucket& a, const histogram_snapshot::bucket& b) {
    return a.upper_bound == b.upper_bound && a.count == b.count;
  };
  return x.count_ == y.count_ && x.sum_ == y.sum_ && x.min_ == y.min_ && x.max_ == y.max_ &&
         x.overflow_count_ == y.overflow_count_ &&
         std::equal(x.buckets_.begin(), x.buckets_.end(), y.buckets_.begin(), y.buckets_.end(),
                    same_bucket);
}

}  // namespace griddle::metrics
