// A point-in-time copy of a `latency_histogram`: plain values, no atomics, so
// exporters and tests can read percentiles, merge snapshots taken from many
// histograms (or threads) and walk the buckets. A regular value type: copy,
// move and compare freely; like any standard container, not synchronized.
#pragma once

#include <cstdint>
#include <vector>

namespace griddle::metrics {

class latency_histogram;

/// The values a histogram held when the snapshot was taken, bucketed with 3
/// significant decimal digits. Keeps only non-empty buckets (16 bytes each),
/// so a snapshot of a typical latency distribution takes a few KiB.
class histogram_snapshot {
 public:
  /// An empty snapshot, the identity of `merge`.
  histogram_snapshot() = default;

  // -- summary ----------------------------------------------------------------

  /// Number of recorded values.
  uint64_t count() const noexcept { return count_; }

  /// Sum of recorded values (after clamping to the trackable range).
  int64_t sum() const noexcept { return sum_; }

  /// Smallest recorded value, exact; 0 when empty.
  int64_t min() const noexcept { return min_; }

  /// Largest recorded value, exact; 0 when empty.
  int64_t max() const noexcept { return max_; }

  /// `sum() / count()`; 0 when empty.
  double mean() const noexcept;

  /// How many recorded values exceeded the trackable range and were clamped.
  uint64_t overflow_count() const noexcept { return overflow_count_; }

  /// The nearest-rank percentile `p` (0 to 100; out-of-range values are
  /// clamped): the smallest bucket bound with at least `p`% of values at or
  /// below it. Within 0.1% of the exact value, never above `max()`, never
  /// below `min()`; `p = 0` gives `min()`, `p = 100` gives `max()`.
  int64_t value_at_percentile(double p) const noexcept;

  // -- combining and walking --------------------------------------------------

  /// Adds `other`'s values, as if they had been recorded into this histogram.
  void merge(const histogram_snapshot& other);

  /// Calls `f(int64_t upper_bound, uint64_t count)` for each non-empty bucket
  /// in ascending order; `upper_bound` is inclusive (Prometheus `le`).
  template <class F>
  void for_each_bucket(F f) const {
    for (const auto& b : buckets_)
      f(b.upper_bound, b.count);
  }

  friend bool operator==(const histogram_snapshot& x, const histogram_snapshot& y) noexcept;
  friend bool operator!=(const histogram_snapshot& x, const histogram_snapshot& y) noexcept {
    return !(x == y);
  }

 private:
  friend class latency_histogram;

  struct bucket {
    int64_t upper_bound;
    uint64_t count;
  };

  std::vector<bucket> buckets_;  // ascending by upper_bound, no zero counts
  uint64_t count_ = 0;
  int64_t sum_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
  uint64_t overflow_count_ = 0;
};

}  // namespace griddle::metrics
