// The experiment arms a request carries to an entity (request_arms.hpp).
#define CAF_SUITE request_arms

#include <caf/test/unit_test.hpp>

#include <caf/all.hpp>

#include "runtime/entity/request_arms.hpp"

using namespace griddle;

CAF_TEST(arms encode as experiment equals arm pairs) {
  auto text = entity::encode_arms({{"feed-ranking", "matched_first"}, {"colours", "b"}});
  CAF_CHECK_EQUAL(text, "feed-ranking=matched_first;colours=b");
  CAF_CHECK_EQUAL(entity::encode_arms({}), "");
}

CAF_TEST(find_arm names the arm of one experiment) {
  std::string text = "feed-ranking=matched_first;colours=b";
  CAF_CHECK_EQUAL(entity::find_arm(text, "feed-ranking"), "matched_first");
  CAF_CHECK_EQUAL(entity::find_arm(text, "colours"), "b");
  CAF_CHECK_EQUAL(entity::find_arm(text, "feed"), "");
  CAF_CHECK_EQUAL(entity::find_arm(text, "ranking"), "");
  CAF_CHECK_EQUAL(entity::find_arm("", "colours"), "");
  CAF_CHECK_EQUAL(entity::find_arm("broken;colours=", "colours"), "");
}

CAF_TEST(with_arms wraps a message only when there are arms) {
  auto plain = entity::with_arms("", caf::get_atom_v, uint64_t{0}, uint32_t{20});
  CAF_CHECK((plain.match_elements<caf::get_atom, uint64_t, uint32_t>()));
  auto wrapped = entity::with_arms("feed-ranking=b", caf::get_atom_v, uint64_t{0}, uint32_t{20});
  CAF_REQUIRE((wrapped.match_elements<caf::atom_value, std::string, caf::message>()));
  CAF_CHECK_EQUAL(wrapped.get_as<caf::atom_value>(0), arms_atom::value);
  CAF_CHECK_EQUAL(wrapped.get_as<std::string>(1), "feed-ranking=b");
  auto inner = wrapped.get_as<caf::message>(2);
  CAF_CHECK((inner.match_elements<caf::get_atom, uint64_t, uint32_t>()));
}
