#include "runtime/flags/allocation.hpp"

#include <algorithm>
#include <iterator>
#include <string>

#include "runtime/flags/bucketing.hpp"
#include "runtime/flags/flag_error.hpp"

namespace griddle::flags {

std::vector<uint32_t> apportion(const std::vector<uint32_t>& weights) {
  uint64_t total = 0;
  for (auto w : weights)
    total += w;
  std::vector<uint32_t> counts(weights.size(), 0);
  if (total == 0)
    return counts;
  std::vector<uint64_t> remainders(weights.size(), 0);
  uint32_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    auto scaled = uint64_t{weights[i]} * bucket_count;
    counts[i] = static_cast<uint32_t>(scaled / total);
    remainders[i] = scaled % total;
    given += counts[i];
  }
  std::vector<size_t> order(weights.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t x, size_t y) { return remainders[x] > remainders[y]; });
  // Fewer buckets are left over than there are arms, so one pass suffices.
  for (size_t k = 0; given < bucket_count; ++k, ++given)
    ++counts[order[k]];
  return counts;
}

bucket_allocation allocate(const std::vector<uint32_t>& counts) {
  bucket_allocation result;
  uint32_t next = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0)
      continue;
    result.push_back({next, next + counts[i], static_cast<uint32_t>(i)});
    next += counts[i];
  }
  return result;
}

bucket_allocation rebalance(const bucket_allocation& current,
                            const std::vector<uint32_t>& targets) {
  auto have = counts_of(current, targets.size());
  bucket_allocation kept = current;
  bucket_allocation freed;
  for (uint32_t arm = 0; arm < targets.size(); ++arm) {
    auto surplus = have[arm] > targets[arm] ? have[arm] - targets[arm] : 0;
    for (auto i = kept.size(); i > 0 && surplus > 0; --i) {
      auto& range = kept[i - 1];
      if (range.arm != arm)
        continue;
      auto take = std::min(surplus, range.to - range.from);
      freed.push_back({range.to - take, range.to, arm});
      range.to -= take;
      surplus -= take;
    }
  }
  kept.erase(std::remove_if(kept.begin(), kept.end(), [](auto& r) { return r.from == r.to; }),
             kept.end());
  std::sort(freed.begin(), freed.end(), [](auto& x, auto& y) { return x.from < y.from; });
  size_t next = 0;
  for (uint32_t arm = 0; arm < targets.size(); ++arm) {
    auto deficit = have[arm] < targets[arm] ? targets[arm] - have[arm] : 0;
    while (deficit > 0 && next < freed.size()) {
      auto& piece = freed[next];
      auto take = std::min(deficit, piece.to - piece.from);
      kept.push_back({piece.from, piece.from + take, arm});
      piece.from += take;
      deficit -= take;
      if (piece.from == piece.to)
        ++next;
    }
  }
  std::sort(kept.begin(), kept.end(), [](auto& x, auto& y) { return x.from < y.from; });
  return merged(std::move(kept));
}

std::vector<uint32_t> counts_of(const bucket_allocation& allocation, size_t arm_count) {
  std::vector<uint32_t> counts(arm_count, 0);
  for (const auto& range : allocation)
    if (range.arm < arm_count)
      counts[range.arm] += range.to - range.from;
  return counts;
}

uint32_t arm_at(const bucket_allocation& allocation, uint32_t bucket) {
  auto i = std::upper_bound(allocation.begin(), allocation.end(), bucket,
                            [](uint32_t b, const bucket_range& r) { return b < r.from; });
  return std::prev(i)->arm;
}

void check_allocation(const bucket_allocation& allocation, size_t arm_count) {
  if (allocation.empty())
    throw_invalid("allocation", "must cover buckets 0 to 10000");
  uint32_t expected = 0;
  for (size_t i = 0; i < allocation.size(); ++i) {
    const auto& range = allocation[i];
    auto field = "allocation[" + std::to_string(i) + "]";
    if (range.from != expected)
      throw_invalid(field + ".from", "must be " + std::to_string(expected) +
                                         " (ranges must be sorted, without gap or overlap)");
    if (range.to <= range.from || range.to > bucket_count)
      throw_invalid(field + ".to", "must be greater than from and at most 10000");
    if (range.arm >= arm_count)
      throw_invalid(field + ".arm", "names no arm of the experiment");
    expected = range.to;
  }
  if (expected != bucket_count)
    throw_invalid("allocation",
                  "must cover buckets 0 to 10000, ends at " + std::to_string(expected));
}

bucket_allocation merged(bucket_allocation allocation) {
  bucket_allocation result;
  for (const auto& range : allocation) {
    if (!result.empty() && result.back().arm == range.arm && result.back().to == range.from)
      result.back().to = range.to;
    else
      result.push_back(range);
  }
  return result;
}

}  // namespace griddle::flags
