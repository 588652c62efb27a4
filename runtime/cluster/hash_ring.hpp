// A consistent hash ring with virtual nodes: maps a 64-bit key hash to the
// name of the node that owns it. Adding or removing a node moves only the keys
// in the arcs that node's virtual nodes cover.
//
// A `hash_ring` is a value: build a new one for each membership change and
// share it read-only (`entity_router` swaps whole rings).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace griddle::cluster {

class hash_ring {
 public:
  /// Virtual nodes per member unless a weight says otherwise.
  static constexpr size_t default_vnodes = 128;

  /// Adds `node` with `vnodes` points on the ring. Adding a member twice is a no-op.
  void add(const std::string& node, size_t vnodes = default_vnodes);

  /// Removes `node` and all its points.
  void remove(const std::string& node);

  /// Returns the owner of `hash`; an empty string when the ring is empty.
  const std::string& owner(uint64_t hash) const;

  /// Returns the members, sorted by name.
  std::vector<std::string> members() const;

  bool empty() const noexcept { return points_.empty(); }

 private:
  /// Points sorted by position; each names its member by index into members_.
  std::vector<std::pair<uint64_t, uint32_t>> points_;
  std::vector<std::string> members_;
};

}  // namespace griddle::cluster
