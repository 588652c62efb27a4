// Activation of virtual actors: on the first message, exactly once under
// concurrent first messages, and in order for messages queued meanwhile.
#define CAF_SUITE entity_activation
#include "entity_fixture.hpp"

#include "runtime/errc.hpp"

using namespace griddle;
using namespace griddle::test;

CAF_TEST_FIXTURE_SCOPE(entity_activation_tests, entity_fixture)

CAF_TEST(the first message activates the entity) {
  CAF_CHECK_EQUAL(active_count(), 0u);
  CAF_CHECK(!router.find_active(counter("a")));
  auto rh = add(counter("a"), 5);
  run();
  CAF_CHECK_EQUAL(value_of(rh), 5);
  CAF_CHECK_EQUAL(log->activations, 1);
  CAF_CHECK_EQUAL(active_count(), 1u);
  CAF_CHECK(router.find_active(counter("a")));
}

CAF_TEST(later messages reach the active entity directly) {
  auto first = add(counter("a"), 1);
  run();
  CAF_CHECK_EQUAL(value_of(first), 1);
  auto active = router.find_active(counter("a"));
  CAF_REQUIRE(active);
  auto second = add(counter("a"), 2);
  // The request went straight into the entity's mailbox, not to the host.
  expect((caf::add_atom, int32_t), from(self).to(active).with(caf::add_atom_v, 2));
  CAF_CHECK_EQUAL(value_of(second), 3);
  CAF_CHECK_EQUAL(log->activations, 1);
}

CAF_TEST(concurrent first messages activate exactly once) {
  std::vector<std::unique_ptr<caf::scoped_actor>> senders;
  for (int i = 0; i < 10; ++i)
    senders.emplace_back(std::make_unique<caf::scoped_actor>(sys));
  std::vector<caf::response_handle<caf::blocking_actor, caf::message, true>> replies;
  for (auto& s : senders)
    replies.push_back(router.request(s->ptr(), counter("hot"), caf::infinite, caf::add_atom_v, 1));
  run();
  CAF_CHECK_EQUAL(log->activations, 1);
  std::vector<int64_t> sums;
  for (auto& rh : replies)
    rh.receive([&](int64_t x) { sums.push_back(x); },
               [&](caf::error& err) { CAF_FAIL(sys.render(err)); });
  CAF_CHECK_EQUAL(sums, std::vector<int64_t>({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  CAF_CHECK_EQUAL(active_count(), 1u);
}

CAF_TEST(messages queued during activation arrive in order) {
  std::vector<caf::response_handle<caf::blocking_actor, caf::message, true>> replies;
  for (int32_t n = 1; n <= 5; ++n)
    replies.push_back(add(counter("q"), n));
  // Nothing ran yet: all five wait in the host while the state loads.
  run();
  CAF_CHECK_EQUAL(log->handled, std::vector<std::string>({"q:1", "q:2", "q:3", "q:4", "q:5"}));
  int64_t expected = 0;
  for (int32_t n = 1; n <= 5; ++n) {
    expected += n;
    CAF_CHECK_EQUAL(value_of(replies[static_cast<size_t>(n - 1)]), expected);
  }
}

CAF_TEST(messages that pass through the host keep their order with direct ones) {
  // Queue two messages through the host, then activate, then send directly:
  // the direct path opens only after the host delivered the counted ones.
  auto a = add(counter("o"), 1);
  auto b = add(counter("o"), 2);
  run();
  auto c = add(counter("o"), 3);
  run();
  CAF_CHECK_EQUAL(log->handled, std::vector<std::string>({"o:1", "o:2", "o:3"}));
  CAF_CHECK_EQUAL(value_of(a), 1);
  CAF_CHECK_EQUAL(value_of(b), 3);
  CAF_CHECK_EQUAL(value_of(c), 6);
}

CAF_TEST(different keys are different entities) {
  auto a = add(counter("x"), 1);
  auto b = add(counter("y"), 10);
  run();
  CAF_CHECK_EQUAL(value_of(a), 1);
  CAF_CHECK_EQUAL(value_of(b), 10);
  CAF_CHECK_EQUAL(log->activations, 2);
  CAF_CHECK_EQUAL(active_count(), 2u);
}

CAF_TEST(an unknown entity type answers with an error) {
  auto rh = router.request(self.ptr(), entity_ref{"nope", "1"}, caf::infinite, caf::get_atom_v);
  run();
  auto err = error_of(rh);
  CAF_CHECK(is(err, errc::unknown_entity_type));
  CAF_CHECK_EQUAL(router.directory("nope").size(), 0u);
}

CAF_TEST(a failing factory fails the waiting requests) {
  type.factory = [](const entity_ref&,
                    const entity::stored_state&) -> std::unique_ptr<entity::entity_behavior> {
    throw std::runtime_error("bad state");
  };
  auto rh = add(counter("bad"), 1);
  run();
  auto err = error_of(rh);
  CAF_CHECK(is(err, errc::activation_failed));
  CAF_CHECK_EQUAL(active_count(), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()
