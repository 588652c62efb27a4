// The directory's path decisions: through the host until active and drained,
// then direct.
#define CAF_SUITE entity_directory
#include <caf/test/dsl.hpp>

#include "runtime/entity/entity_directory.hpp"
#include "test_config.hpp"

using namespace griddle;
using griddle::entity::entity_directory;

namespace {

struct fixture : test_coordinator_fixture<griddle::test::test_config> {
  entity_directory dir;
  std::string ref = "1";
  uint64_t hash = stable_hash(entity_ref{"user", ref});
  caf::actor dummy = sys.spawn([] { return caf::behavior{[](int) {}}; });
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(entity_directory_tests, fixture)

CAF_TEST(unknown entities go through the host and are counted) {
  CAF_CHECK(!dir.route_for(ref, hash).direct);
  CAF_CHECK(!dir.route_for(ref, hash).direct);
  CAF_CHECK_EQUAL(dir.size(), 1u);
  // Two messages in flight: the entry cannot be removed.
  CAF_CHECK(!dir.try_remove(ref, hash));
}

CAF_TEST(the direct path opens only after the host delivered every counted message) {
  dir.route_for(ref, hash);
  dir.route_for(ref, hash);
  dir.publish(ref, hash, dummy);
  CAF_CHECK(!dir.route_for(ref, hash).direct);  // a third one, still via the host
  dir.host_delivered(ref, hash);
  dir.host_delivered(ref, hash);
  dir.host_delivered(ref, hash);  // the third
  CAF_CHECK_EQUAL(dir.route_for(ref, hash).direct, dummy);
  CAF_CHECK_EQUAL(dir.find_active(ref, hash), dummy);
}

CAF_TEST(unpublish closes the direct path and try_remove drops drained entries) {
  dir.publish(ref, hash, dummy);
  CAF_CHECK_EQUAL(dir.route_for(ref, hash).direct, dummy);
  dir.unpublish(ref, hash);
  CAF_CHECK(!dir.route_for(ref, hash).direct);
  CAF_CHECK(!dir.try_remove(ref, hash));
  dir.host_delivered(ref, hash);
  CAF_CHECK(dir.try_remove(ref, hash));
  CAF_CHECK_EQUAL(dir.size(), 0u);
}

CAF_TEST(clear drops every entry) {
  std::string other = "2";
  dir.publish(ref, hash, dummy);
  dir.publish(other, 42, dummy);
  CAF_CHECK_EQUAL(dir.size(), 2u);
  dir.clear();
  CAF_CHECK(!dir.find_active(ref, hash));
  CAF_CHECK(!dir.find_active(other, 42));
  CAF_CHECK_EQUAL(dir.size(), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()
