// Latency distributions recorded from hot paths: request handling, store
// writes, entity activation. HdrHistogram's log-linear layout: 2048 linear
// sub-buckets per power of two, so every value keeps 3 significant decimal
// digits (relative error below 0.1%) from 1 ns up to 2^42 - 1 ns (73 min).
//
// Threading: `record` is lock-free and never allocates; any number of threads
// may record and take snapshots at the same time. Memory: 33,792 64-bit
// counters, 264 KiB per histogram, allocated once by the constructor.
// Histograms are usually owned by a `registry`; cache the reference.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include "runtime/metrics/histogram_snapshot.hpp"

namespace griddle::metrics {

/// A concurrent histogram of nanosecond values with 3 significant digits.
class latency_histogram {
 public:
  /// The largest value kept as is; larger values are clamped to it and counted
  /// in `histogram_snapshot::overflow_count()`.
  static constexpr int64_t highest_trackable_value = (int64_t{1} << 42) - 1;

  latency_histogram();
  latency_histogram(const latency_histogram&) = delete;
  latency_histogram& operator=(const latency_histogram&) = delete;

  /// Adds one value. Negative values (a clock stepping back) count as 0.
  void record(int64_t value_ns) noexcept;

  /// Adds one duration.
  void record(std::chrono::nanoseconds value) noexcept { record(value.count()); }

  /// Copies the current state. While other threads record, the copy's sum and
  /// overflow count may include a few values still in flight, but its min and
  /// max always bound every value its buckets hold.
  histogram_snapshot snapshot() const;

 private:
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  // Each hot word on its own cache line, so recorders do not contend on more
  // lines than they have to.
  alignas(64) std::atomic<int64_t> sum_{0};
  alignas(64) std::atomic<int64_t> min_;
  std::atomic<int64_t> max_{0};
  std::atomic<uint64_t> overflow_count_{0};
};

}  // namespace griddle::metrics
