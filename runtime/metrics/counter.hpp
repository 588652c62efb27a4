// A monotonically increasing count (requests served, messages dropped).
// Every operation is one relaxed atomic instruction: safe from any thread,
// never blocks, never allocates. Owned by a `registry`, which hands out
// references that stay valid for the registry's lifetime.
#pragma once

#include <atomic>
#include <cstdint>

namespace griddle::metrics {

/// A 64-bit counter that only goes up. Aligned to a cache line so that two
/// hot counters never share one.
class alignas(64) counter {
 public:
  counter() noexcept = default;
  counter(const counter&) = delete;
  counter& operator=(const counter&) = delete;

  /// Adds one.
  void inc() noexcept { value_.fetch_add(1, std::memory_order_relaxed); }

  /// Adds `n`.
  void inc(uint64_t n) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }

  /// The current value; concurrent increments may or may not be included.
  uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

}  // namespace griddle::metrics
