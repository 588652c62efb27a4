// Tests latency_histogram and histogram_snapshot: exactness of count, sum,
// min and max, 3-significant-digit percentiles, overflow, merging, and
// recording from several threads at once.
#define CAF_SUITE histogram
#include <caf/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "runtime/metrics/histogram.hpp"

using griddle::metrics::histogram_snapshot;
using griddle::metrics::latency_histogram;

namespace {

constexpr int64_t highest = latency_histogram::highest_trackable_value;

/// |got - expected| / expected, the error the 3-digit guarantee bounds by 0.001.
double relative_error(int64_t got, int64_t expected) {
  return std::abs(static_cast<double>(got - expected)) / static_cast<double>(expected);
}

/// The exact nearest-rank percentile of the values 1..n.
int64_t nearest_rank(double p, int64_t n) {
  return static_cast<int64_t>(std::ceil(p * static_cast<double>(n) / 100.0));
}

/// Values spread log-uniformly over the trackable range, the same every run.
std::vector<int64_t> log_uniform_values(size_t n, uint64_t seed) {
  std::mt19937_64 rng{seed};
  std::uniform_real_distribution<double> exponent{0.0, std::log(static_cast<double>(highest))};
  std::vector<int64_t> result;
  for (size_t i = 0; i < n; ++i)
    result.push_back(static_cast<int64_t>(std::exp(exponent(rng))));
  return result;
}

}  // namespace

CAF_TEST(an empty snapshot reports zeros) {
  latency_histogram h;
  auto s = h.snapshot();
  CAF_CHECK_EQUAL(s.count(), 0u);
  CAF_CHECK_EQUAL(s.sum(), 0);
  CAF_CHECK_EQUAL(s.min(), 0);
  CAF_CHECK_EQUAL(s.max(), 0);
  CAF_CHECK_EQUAL(s.mean(), 0.0);
  CAF_CHECK_EQUAL(s.value_at_percentile(50), 0);
  size_t buckets = 0;
  s.for_each_bucket([&](int64_t, uint64_t) { ++buckets; });
  CAF_CHECK_EQUAL(buckets, 0u);
}

CAF_TEST(values below 2048 are kept exactly) {
  latency_histogram h;
  for (int64_t v = 0; v < 2048; ++v)
    h.record(v);
  auto s = h.snapshot();
  int64_t expected_bound = 0;
  bool all_exact = true;
  s.for_each_bucket([&](int64_t upper_bound, uint64_t count) {
    all_exact = all_exact && upper_bound == expected_bound++ && count == 1;
  });
  CAF_CHECK(all_exact);
  CAF_CHECK_EQUAL(expected_bound, 2048);
  CAF_CHECK_EQUAL(s.value_at_percentile(50), 1023);
  CAF_CHECK_EQUAL(s.value_at_percentile(0.1), 2);
  CAF_CHECK_EQUAL(s.value_at_percentile(99.9), 2045);
}

CAF_TEST(percentiles of 1 to 100000 are within one part in a thousand) {
  constexpr int64_t n = 100000;
  latency_histogram h;
  for (int64_t v = 1; v <= n; ++v)
    h.record(v);
  auto s = h.snapshot();
  CAF_CHECK_EQUAL(s.count(), static_cast<uint64_t>(n));
  CAF_CHECK_EQUAL(s.sum(), n * (n + 1) / 2);
  CAF_CHECK_EQUAL(s.min(), 1);
  CAF_CHECK_EQUAL(s.max(), n);
  CAF_CHECK_EQUAL(s.mean(), 50000.5);
  CAF_CHECK_EQUAL(s.value_at_percentile(0), 1);
  CAF_CHECK_EQUAL(s.value_at_percentile(100), n);
  for (double p : {1.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 99.99}) {
    auto got = s.value_at_percentile(p);
    auto expected = nearest_rank(p, n);
    CAF_MESSAGE("p" << p << ": got " << got << ", expected " << expected);
    CAF_CHECK_LESS_OR_EQUAL(relative_error(got, expected), 0.001);
    CAF_CHECK_GREATER_OR_EQUAL(got, expected);
    CAF_CHECK_LESS_OR_EQUAL(got, s.max());
  }
}

CAF_TEST(every magnitude keeps three significant digits) {
  auto values = log_uniform_values(200, 42);
  for (int64_t v :
       {int64_t{1}, int64_t{2047}, int64_t{2048}, int64_t{2049}, int64_t{4095}, int64_t{4096},
        int64_t{1'000'001}, int64_t{999'999'999}, int64_t{3'600'000'000'000}, highest - 1})
    values.push_back(v);
  for (auto v : values) {
    // Recording `highest` as well keeps p50 from being clamped to max().
    latency_histogram h;
    h.record(v);
    h.record(highest);
    auto got = h.snapshot().value_at_percentile(50);
    CAF_CHECK_GREATER_OR_EQUAL(got, v);
    CAF_CHECK_LESS_OR_EQUAL(relative_error(got, v), 0.001);
  }
}

CAF_TEST(durations record as nanoseconds) {
  latency_histogram h;
  h.record(std::chrono::microseconds{5});
  h.record(std::chrono::hours{1});
  auto s = h.snapshot();
  CAF_CHECK_EQUAL(s.min(), 5000);
  CAF_CHECK_EQUAL(s.max(), 3'600'000'000'000);
  CAF_CHECK_EQUAL(s.sum(), 3'600'000'005'000);
  CAF_CHECK_EQUAL(s.overflow_count(), 0u);
  CAF_CHECK_LESS_OR_EQUAL(relative_error(s.value_at_percentile(50), 5000), 0.001);
}

CAF_TEST(values above the range are clamped into the top bucket and counted) {
  latency_histogram h;
  h.record(highest);
  h.record(highest + 1);
  h.record(std::chrono::hours{2});
  h.record(std::numeric_limits<int64_t>::max());
  auto s = h.snapshot();
  CAF_CHECK_EQUAL(s.count(), 4u);
  CAF_CHECK_EQUAL(s.overflow_count(), 3u);
  CAF_CHECK_EQUAL(s.max(), highest);
  CAF_CHECK_EQUAL(s.sum(), 4 * highest);
  CAF_CHECK_EQUAL(s.value_at_percentile(50), highest);
  size_t buckets = 0;
  s.for_each_bucket([&](int64_t upper_bound, uint64_t count) {
    ++buckets;
    CAF_CHECK_EQUAL(upper_bound, highest);
    CAF_CHECK_EQUAL(count, 4u);
  });
  CAF_CHECK_EQUAL(buckets, 1u);
}

CAF_TEST(negative values count as zero) {
  latency_histogram h;
  h.record(-5);
  h.record(10);
  auto s = h.snapshot();
  CAF_CHECK_EQUAL(s.count(), 2u);
  CAF_CHECK_EQUAL(s.min(), 0);
  CAF_CHECK_EQUAL(s.sum(), 10);
}

CAF_TEST(buckets are ascending and cumulative counts are exact at their bounds) {
  constexpr int64_t n = 100000;
  latency_histogram h;
  for (int64_t v = 1; v <= n; ++v)
    h.record(v);
  int64_t previous_bound = -1;
  uint64_t cumulative = 0;
  bool ascending = true;
  bool exact = true;
  h.snapshot().for_each_bucket([&](int64_t upper_bound, uint64_t count) {
    ascending = ascending && upper_bound > previous_bound;
    previous_bound = upper_bound;
    cumulative += count;
    // Every integer 1..n was recorded once, so exactly min(bound, n) lie at or below `bound`.
    exact = exact && cumulative == static_cast<uint64_t>(std::min(upper_bound, n));
  });
  CAF_CHECK(ascending);
  CAF_CHECK(exact);
  CAF_CHECK_EQUAL(cumulative, static_cast<uint64_t>(n));
  CAF_CHECK_GREATER_OR_EQUAL(previous_bound, n);
}

CAF_TEST(merged snapshots equal one histogram that saw every value) {
  auto values = log_uniform_values(50000, 7);
  for (int64_t v = 1; v <= 5000; ++v)
    values.push_back(v);  // so both halves share many buckets
  values.push_back(highest + 10);
  latency_histogram all;
  latency_histogram even;
  latency_histogram odd;
  for (size_t i = 0; i < values.size(); ++i) {
    all.record(values[i]);
    (i % 2 == 0 ? even : odd).record(values[i]);
  }
  auto expected = all.snapshot();
  auto merged = even.snapshot();
  merged.merge(odd.snapshot());
  CAF_CHECK(merged == expected);
  CAF_CHECK_EQUAL(merged.count(), values.size());
  CAF_CHECK_EQUAL(merged.overflow_count(), 1u);
  auto reversed = odd.snapshot();
  reversed.merge(even.snapshot());
  CAF_CHECK(reversed == expected);
  CAF_CHECK_EQUAL(merged.value_at_percentile(99.9), expected.value_at_percentile(99.9));
  histogram_snapshot empty;
  auto from_empty = empty;
  from_empty.merge(expected);
  CAF_CHECK(from_empty == expected);
  merged.merge(empty);
  CAF_CHECK(merged == expected);
  CAF_CHECK(merged != empty);
}

CAF_TEST(four threads recording at once lose nothing) {
  constexpr int64_t per_thread = 250000;
  constexpr int64_t n = 4 * per_thread;
  latency_histogram shared;
  std::vector<std::thread> threads;
  for (int64_t t = 0; t < 4; ++t)
    threads.emplace_back([&shared, t] {
      for (int64_t v = t * per_thread + 1; v <= (t + 1) * per_thread; ++v)
        shared.record(v);
    });
  for (auto& th : threads)
    th.join();
  latency_histogram sequential;
  for (int64_t v = 1; v <= n; ++v)
    sequential.record(v);
  auto s = shared.snapshot();
  CAF_CHECK_EQUAL(s.count(), static_cast<uint64_t>(n));
  CAF_CHECK_EQUAL(s.sum(), n * (n + 1) / 2);
  CAF_CHECK_EQUAL(s.min(), 1);
  CAF_CHECK_EQUAL(s.max(), n);
  CAF_CHECK(s == sequential.snapshot());
  CAF_CHECK_LESS_OR_EQUAL(relative_error(s.value_at_percentile(50), n / 2), 0.001);
}

CAF_TEST(snapshots taken while recording are consistent) {
  latency_histogram h;
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int64_t t = 0; t < 4; ++t)
    threads.emplace_back([&h, &done, t] {
      for (int64_t v = 1; v <= 200000; ++v)
        h.record(v * 1000 + t);  // rising, so max() keeps moving
      done = true;
    });
  uint64_t previous_count = 0;
  bool consistent = true;
  size_t snapshots = 0;
  while (!done || snapshots == 0) {
    auto s = h.snapshot();
    ++snapshots;
    int64_t top_bound = 0;
    s.for_each_bucket([&](int64_t upper_bound, uint64_t) { top_bound = upper_bound; });
    // max() may not lag behind the buckets: the top bucket's values are all
    // within 0.1% of its upper bound.
    if (s.count() > 0 && static_cast<double>(top_bound) > static_cast<double>(s.max()) * 1.001)
      consistent = false;
    if (s.count() < previous_count || s.value_at_percentile(99) > s.max())
      consistent = false;
    previous_count = s.count();
  }
  for (auto& th : threads)
    th.join();
  CAF_CHECK(consistent);
  CAF_CHECK_EQUAL(h.snapshot().count(), 800000u);
}
