// How an experiment's 10,000 buckets are split among its arms, kept as sorted
// ranges so that weight changes can be sticky: a fresh allocation lays arms
// out contiguously in arm order; a rebalance moves the fewest buckets that
// reach the new counts, so every user in an unmoved bucket keeps their arm.
//
// Plain values and pure functions; no shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace griddle::flags {

/// Buckets [from, to) belong to arm number `arm`.
struct bucket_range {
  uint32_t from = 0;
  uint32_t to = 0;
  uint32_t arm = 0;

  friend bool operator==(const bucket_range& x, const bucket_range& y) {
    return x.from == y.from && x.to == y.to && x.arm == y.arm;
  }
};

/// An allocation: ranges sorted by `from`, covering [0, 10,000) without gap
/// or overlap, no range empty, neighbours with the same arm merged.
using bucket_allocation = std::vector<bucket_range>;

/// Bucket counts proportional to `weights` that sum to 10,000 exactly:
/// each arm gets the floor of its quota, and the buckets left over go one
/// each to the largest remainders (ties to the earlier arm). Requires a
/// positive sum of weights.
std::vector<uint32_t> apportion(const std::vector<uint32_t>& weights);

/// Contiguous ranges in arm order with the given counts (summing to 10,000).
bucket_allocation allocate(const std::vector<uint32_t>& counts);

/// Moves buckets so that arm i holds `targets[i]` (summing to 10,000). Arms
/// holding more than their target give up the surplus from the end of their
/// highest ranges; the freed buckets, in bucket order, go to the arms short
/// of their target, in arm order. Nothing else moves, so the number of moved
/// buckets is the sum of the surpluses: the least possible. Every arm in
/// `current` must be below `targets.size()`.
bucket_allocation rebalance(const bucket_allocation& current, const std::vector<uint32_t>& targets);

/// The number of buckets each of `arm_count` arms holds.
std::vector<uint32_t> counts_of(const bucket_allocation& allocation, size_t arm_count);

/// The arm holding `bucket`; requires a valid allocation and bucket < 10,000.
uint32_t arm_at(const bucket_allocation& allocation, uint32_t bucket);

/// Throws `flag_error` (invalid, field "allocation[i]" or "allocation")
/// unless the ranges are non-empty, sorted, cover [0, 10,000) without gap or
/// overlap, and only name arms below `arm_count`. Unmerged neighbours pass.
void check_allocation(const bucket_allocation& allocation, size_t arm_count);

/// `allocation` with neighbouring ranges of the same arm merged.
bucket_allocation merged(bucket_allocation allocation);

}  // namespace griddle::flags
