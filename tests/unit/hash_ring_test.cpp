// The consistent hash ring: stable owners, even spread, minimal movement.
#define CAF_SUITE hash_ring
#include <caf/test/unit_test.hpp>

#include <map>

#include "runtime/cluster/hash_ring.hpp"
#include "runtime/entity/entity_ref.hpp"

using namespace griddle;
using griddle::cluster::hash_ring;

CAF_TEST(an empty ring owns nothing) {
  hash_ring ring;
  CAF_CHECK(ring.empty());
  CAF_CHECK_EQUAL(ring.owner(42), "");
}

CAF_TEST(a single member owns every key) {
  hash_ring ring;
  ring.add("a");
  for (uint64_t k = 0; k < 1000; ++k)
    CAF_CHECK_EQUAL(ring.owner(stable_hash(entity_ref{"user", k})), "a");
}

CAF_TEST(keys spread evenly over members) {
  hash_ring ring;
  ring.add("a");
  ring.add("b");
  ring.add("c");
  std::map<std::string, int> counts;
  for (uint64_t k = 0; k < 30000; ++k)
    ++counts[ring.owner(stable_hash(entity_ref{"user", k}))];
  CAF_CHECK_EQUAL(counts.size(), 3u);
  for (auto& kvp : counts) {
    CAF_MESSAGE(kvp.first << " owns " << kvp.second);
    CAF_CHECK_GREATER(kvp.second, 8000);
    CAF_CHECK_LESS(kvp.second, 12000);
  }
}

CAF_TEST(adding a member moves only keys to that member) {
  hash_ring before;
  before.add("a");
  before.add("b");
  auto after = before;
  after.add("c");
  int moved = 0;
  for (uint64_t k = 0; k < 10000; ++k) {
    auto h = stable_hash(entity_ref{"user", k});
    if (before.owner(h) != after.owner(h)) {
      ++moved;
      CAF_CHECK_EQUAL(after.owner(h), "c");
    }
  }
  CAF_CHECK_GREATER(moved, 2000);
  CAF_CHECK_LESS(moved, 4700);
}

CAF_TEST(removing a member returns its keys and nothing else moves) {
  hash_ring ring;
  ring.add("a");
  ring.add("b");
  auto two = ring;
  ring.add("c");
  ring.remove("c");
  for (uint64_t k = 0; k < 5000; ++k) {
    auto h = stable_hash(entity_ref{"user", k});
    CAF_CHECK_EQUAL(ring.owner(h), two.owner(h));
  }
  CAF_CHECK_EQUAL(ring.members(), std::vector<std::string>({"a", "b"}));
}

CAF_TEST(the stable hash is the same in every process) {
  // FNV-1a test vectors over "user", 0xff, "4711": fixed forever, since the
  // ring and the rollout buckets depend on them.
  CAF_CHECK_EQUAL(stable_hash(entity_ref{"user", "4711"}),
                  stable_hash(entity_ref{"user", uint64_t{4711}}));
  CAF_CHECK_NOT_EQUAL(stable_hash(entity_ref{"ab", "c"}), stable_hash(entity_ref{"a", "bc"}));
  CAF_CHECK_EQUAL(stable_hash(entity_ref{"", ""}), 0xaf64724c8602eb6eull);
}
