#include "runtime/cluster/hash_ring.hpp"

#include <algorithm>

namespace griddle::cluster {

namespace {

// SplitMix64 finaliser: spreads "node#i" hashes evenly around the ring.
uint64_t mix(uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

uint64_t point_of(const std::string& node, size_t i) noexcept {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : node) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return mix(h ^ mix(i));
}

const std::string empty_owner;

}  // namespace

void hash_ring::add(const std::string& node, size_t vnodes) {
  if (std::find(members_.begin(), members_.end(), node) != members_.end())
    return;
  auto index = static_cast<uint32_t>(members_.size());
  members_.push_back(node);
  for (size_t i = 0; i < vnodes; ++i)
    points_.emplace_back(point_of(node, i), index);
  std::sort(points_.begin(), points_.end());
}

void hash_ring::remove(const std::string& node) {
  auto i = std::find(members_.begin(), members_.end(), node);
  if (i == members_.end())
    return;
  auto index = static_cast<uint32_t>(i - members_.begin());
  members_.erase(i);
  points_.erase(std::remove_if(points_.begin(), points_.end(),
                               [index](auto& p) { return p.second == index; }),
                points_.end());
  for (auto& p : points_)
    if (p.second > index)
      --p.second;
}

const std::string& hash_ring::owner(uint64_t hash) const {
  if (points_.empty())
    return empty_owner;
  auto i = std::lower_bound(points_.begin(), points_.end(), std::make_pair(hash, uint32_t{0}));
  if (i == points_.end())
    i = points_.begin();
  return members_[i->second];
}

std::vector<std::string> hash_ring::members() const {
  auto result = members_;
  std::sort(result.begin(), result.end());
  return result;
}

}  // namespace griddle::cluster
