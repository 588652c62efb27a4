// A value that goes up and down (mailbox depth, active entities, open
// connections). Every operation is one relaxed atomic instruction: safe from
// any thread, never blocks, never allocates. Owned by a `registry`, which
// hands out references that stay valid for the registry's lifetime.
#pragma once

#include <atomic>
#include <cstdint>

namespace griddle::metrics {

/// A signed 64-bit gauge. Aligned to a cache line so that two hot gauges never
/// share one.
class alignas(64) gauge {
 public:
  gauge() noexcept = default;
  gauge(const gauge&) = delete;
  gauge& operator=(const gauge&) = delete;

  /// Replaces the value.
  void set(int64_t x) noexcept { value_.store(x, std::memory_order_relaxed); }

  /// Adds `x` (which may be negative).
  void add(int64_t x) noexcept { value_.fetch_add(x, std::memory_order_relaxed); }

  /// Subtracts `x`.
  void sub(int64_t x) noexcept { value_.fetch_sub(x, std::memory_order_relaxed); }

  /// Adds one.
  void inc() noexcept { add(1); }

  /// Subtracts one.
  void dec() noexcept { sub(1); }

  /// The current value; concurrent updates may or may not be included.
  int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

}  // namespace griddle::metrics
