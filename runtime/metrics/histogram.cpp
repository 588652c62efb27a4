#include "runtime/metrics/histogram.hpp"

#include <limits>

namespace griddle::metrics {

namespace {

// The layout of HdrHistogram with lowest value 1, 3 significant digits and
// highest value `highest_trackable_value`. Bucket b >= 1 holds the values in
// [2^(b+10), 2^(b+11)) in 1024 sub-buckets of width 2^b; values below 2048
// have a counter each.
constexpr int sub_bucket_half_magnitude = 10;
constexpr int64_t sub_bucket_half_count = int64_t{1} << sub_bucket_half_magnitude;
constexpr uint64_t sub_bucket_mask = (uint64_t{1} << (sub_bucket_half_magnitude + 1)) - 1;
constexpr int bucket_count = 32;
constexpr size_t counts_len = (bucket_count + 1) * sub_bucket_half_count;

size_t index_of(int64_t value) noexcept {
  auto v = static_cast<uint64_t>(value);
  auto bucket = 63 - sub_bucket_half_magnitude - __builtin_clzll(v | sub_bucket_mask);
  auto sub_bucket = static_cast<int64_t>(v >> bucket);
  return static_cast<size_t>(((bucket + 1) << sub_bucket_half_magnitude) + sub_bucket -
                             sub_bucket_half_count);
}

/// The largest value that maps to counter `index`.
int64_t upper_bound_of(size_t index) noexcept {
  auto bucket = static_cast<int>(index >> sub_bucket_half_magnitude) - 1;
  auto sub_bucket =
      static_cast<int64_t>(index & (sub_bucket_half_count - 1)) + sub_bucket_half_count;
  if (bucket < 0) {
    bucket = 0;
    sub_bucket -= sub_bucket_half_count;
  }
  return (sub_bucket << bucket) + (int64_t{1} << bucket) - 1;
}

/// Lowers `x` to `v` if `v` is smaller.
void lower_to(std::atomic<int64_t>& x, int64_t v) noexcept {
  auto cur = x.load(std::memory_order_relaxed);
  while (v < cur && !x.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
    // A failed exchange reloads `cur`; retry while `v` is still smaller.
  }
}

/// Raises `x` to `v` if `v` is larger.
void raise_to(std::atomic<int64_t>& x, int64_t v) noexcept {
  auto cur = x.load(std::memory_order_relaxed);
  while (v > cur && !x.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
    // A failed exchange reloads `cur`; retry while `v` is still larger.
  }
}

static_assert(latency_histogram::highest_trackable_value ==
                  (int64_t{2} * sub_bucket_half_count << (bucket_count - 1)) - 1,
              "the top counter must end at highest_trackable_value");

}  // namespace

latency_histogram::latency_histogram()
    : counts_(new std::atomic<uint64_t>[counts_len]()), min_(std::numeric_limits<int64_t>::max()) {}

void latency_histogram::record(int64_t value_ns) noexcept {
  auto v = value_ns < 0 ? 0 : value_ns;
  if (v > highest_trackable_value) {
    v = highest_trackable_value;
    overflow_count_.fetch_add(1, std::memory_order_relaxed);
  }
  lower_to(min_, v);
  raise_to(max_, v);
  sum_.fetch_add(v, std::memory_order_relaxed);
  // Release (free on x86): a snapshot that sees this count also sees the
  // min, max and sum updates above.
  counts_[index_of(v)].fetch_add(1, std::memory_order_release);
}

histogram_snapshot latency_histogram::snapshot() const {
  histogram_snapshot result;
  for (size_t i = 0; i < counts_len; ++i) {
    if (auto n = counts_[i].load(std::memory_order_acquire); n != 0) {
      result.buckets_.push_back({upper_bound_of(i), n});
      result.count_ += n;
    }
  }
  if (result.count_ == 0)
    return result;
  result.sum_ = sum_.load(std::memory_order_relaxed);
  result.min_ = min_.load(std::memory_order_relaxed);
  result.max_ = max_.load(std::memory_order_relaxed);
  result.overflow_count_ = overflow_count_.load(std::memory_order_relaxed);
  return result;
}

}  // namespace griddle::metrics
