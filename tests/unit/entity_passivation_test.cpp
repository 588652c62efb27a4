// Passivation of idle entities, restore on re-activation, and peek.
#define CAF_SUITE entity_passivation
#include "entity_fixture.hpp"

using namespace griddle;
using namespace griddle::test;

CAF_TEST_FIXTURE_SCOPE(entity_passivation_tests, entity_fixture)

CAF_TEST(an idle entity passivates and restores its state on the next message) {
  auto rh = add(counter("p"), 7);
  run();
  CAF_CHECK_EQUAL(value_of(rh), 7);
  CAF_CHECK_EQUAL(active_count(), 1u);
  // Not idle long enough yet.
  sched.advance_time(std::chrono::seconds(30));
  run();
  CAF_CHECK_EQUAL(active_count(), 1u);
  sched.advance_time(std::chrono::seconds(45));
  run();
  CAF_CHECK_EQUAL(active_count(), 0u);
  end_grace();
  CAF_CHECK(!router.find_active(counter("p")));
  CAF_CHECK_EQUAL(data->get(counter("p")).value_or(""), "7");
  auto again = add(counter("p"), 1);
  run();
  CAF_CHECK_EQUAL(value_of(again), 8);
  CAF_CHECK_EQUAL(log->activations, 2);
}

CAF_TEST(activity keeps an entity active) {
  for (int i = 0; i < 5; ++i) {
    auto rh = add(counter("busy"), 1);
    run();
    CAF_CHECK_EQUAL(value_of(rh), i + 1);
    sched.advance_time(std::chrono::seconds(40));
    run();
  }
  CAF_CHECK_EQUAL(log->activations, 1);
  CAF_CHECK_EQUAL(active_count(), 1u);
}

CAF_TEST(peek reads an active entity without touching it) {
  auto rh = add(counter("k"), 3);
  run();
  CAF_CHECK_EQUAL(value_of(rh), 3);
  auto seen = peek(counter("k"));
  CAF_CHECK(seen.active);
  CAF_CHECK_EQUAL(seen.snapshot, "3");
  CAF_CHECK_EQUAL(log->activations, 1);
}

CAF_TEST(peek does not activate an inactive entity) {
  auto never = peek(counter("never"));
  CAF_CHECK(!never.active);
  CAF_CHECK_EQUAL(never.snapshot, "");
  CAF_CHECK_EQUAL(log->activations, 0);
  CAF_CHECK_EQUAL(active_count(), 0u);
  // A passivated entity shows its stored state, still without activation.
  auto rh = add(counter("k"), 4);
  run();
  CAF_CHECK_EQUAL(value_of(rh), 4);
  sched.advance_time(std::chrono::seconds(90));
  run();
  CAF_REQUIRE_EQUAL(active_count(), 0u);
  end_grace();
  auto stored = peek(counter("k"));
  CAF_CHECK(!stored.active);
  CAF_CHECK_EQUAL(stored.snapshot, "4");
  CAF_CHECK_EQUAL(log->activations, 1);
}

CAF_TEST(peek does not keep an entity from passivating) {
  auto rh = add(counter("k"), 1);
  run();
  CAF_CHECK_EQUAL(value_of(rh), 1);
  for (int i = 0; i < 2; ++i) {
    sched.advance_time(std::chrono::seconds(25));
    run();
    CAF_CHECK(peek(counter("k")).active);
  }
  sched.advance_time(std::chrono::seconds(25));
  run();
  CAF_CHECK_EQUAL(active_count(), 0u);
  // A peek during the grace period waits for the saved state.
  auto late_peek = router.peek(self.ptr(), counter("k"), caf::infinite);
  run();
  end_grace();
  late_peek.receive(
      [&](entity::peek_result& x) {
        CAF_CHECK(!x.active);
        CAF_CHECK_EQUAL(x.snapshot, "1");
      },
      [&](caf::error& err) { CAF_FAIL(sys.render(err)); });
}

CAF_TEST(a message racing with passivation is forwarded and not lost) {
  auto rh = add(counter("r"), 1);
  run();
  CAF_CHECK_EQUAL(value_of(rh), 1);
  auto old = router.find_active(counter("r"));
  CAF_REQUIRE(old);
  // A sender that looked the entity up just before it passivated still holds
  // the old handle (which keeps the passivated actor alive).
  sched.advance_time(std::chrono::seconds(75));
  run();
  CAF_CHECK_EQUAL(active_count(), 0u);
  auto late = self->request(old, caf::infinite, caf::add_atom_v, int32_t{5});
  old = nullptr;
  run();
  end_grace();
  CAF_CHECK_EQUAL(value_of(late), 6);
  CAF_CHECK_EQUAL(log->activations, 2);
  CAF_CHECK_EQUAL(log->handled, std::vector<std::string>({"r:1", "r:5"}));
}

CAF_TEST_FIXTURE_SCOPE_END()
