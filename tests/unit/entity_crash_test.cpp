// Supervision of entities by their host: a crash answers the caller with an
// error, the entity restarts from its stored state with back-off, and too many
// crashes escalate to the host's supervisor.
#define CAF_SUITE entity_crash
#include "entity_fixture.hpp"

#include "runtime/errc.hpp"

using namespace griddle;
using namespace griddle::test;

CAF_TEST_FIXTURE_SCOPE(entity_crash_tests, entity_fixture)

CAF_TEST(the caller of a crashing entity gets an error and not a hang) {
  auto rh = add(counter("c"), 2);
  run();
  CAF_CHECK_EQUAL(value_of(rh), 2);
  auto boom = router.request(self.ptr(), counter("c"), caf::infinite, caf::delete_atom_v);
  run();
  auto err = error_of(boom);
  CAF_CHECK(is(err, errc::entity_crashed));
}

CAF_TEST(a crashed entity restarts from its stored state) {
  auto rh = add(counter("c"), 2);
  run();
  CAF_CHECK_EQUAL(value_of(rh), 2);
  auto boom = router.request(self.ptr(), counter("c"), caf::infinite, caf::delete_atom_v);
  run();
  error_of(boom);
  // The first restart is immediate and eager.
  CAF_CHECK_EQUAL(log->activations, 2);
  CAF_CHECK_EQUAL(active_count(), 1u);
  auto after = add(counter("c"), 1);
  run();
  CAF_CHECK_EQUAL(value_of(after), 3);
}

CAF_TEST(repeated crashes of one key back off) {
  type.limits.max_restarts = 10;
  for (int i = 0; i < 2; ++i) {
    auto boom = router.request(self.ptr(), counter("b"), caf::infinite, caf::delete_atom_v);
    run();
    error_of(boom);
  }
  // Second crash: restart waits backoff_initial (100 ms) on the clock.
  CAF_CHECK_EQUAL(log->activations, 2);
  auto waiting = add(counter("b"), 1);
  run();
  CAF_CHECK_EQUAL(log->activations, 2);
  sched.advance_time(std::chrono::milliseconds(99));
  run();
  CAF_CHECK_EQUAL(log->activations, 2);
  sched.advance_time(std::chrono::milliseconds(1));
  run();
  CAF_CHECK_EQUAL(log->activations, 3);
  // The message that arrived during the back-off was kept and delivered.
  CAF_CHECK_EQUAL(value_of(waiting), 1);
}

CAF_TEST(too many crashes escalate so the host quits with restart_intensity_exceeded) {
  auto host_reason = std::make_shared<caf::error>();
  host->attach_functor([host_reason](const caf::error& reason) { *host_reason = reason; });
  for (int i = 0; i < 4; ++i) {
    auto boom =
        router.request(self.ptr(), counter(std::to_string(i)), caf::infinite, caf::delete_atom_v);
    run();
    error_of(boom);
  }
  CAF_CHECK(is(*host_reason, errc::restart_intensity_exceeded));
  CAF_CHECK(!router.host("counter"));
  // Senders now get an error instead of waiting forever.
  auto rh = add(counter("z"), 1);
  run();
  auto err = error_of(rh);
  CAF_CHECK(is(err, errc::unknown_entity_type));
}

CAF_TEST(crashes spread over time do not escalate) {
  auto host_reason = std::make_shared<caf::error>();
  host->attach_functor([host_reason](const caf::error& reason) { *host_reason = reason; });
  for (int i = 0; i < 6; ++i) {
    auto boom =
        router.request(self.ptr(), counter(std::to_string(i)), caf::infinite, caf::delete_atom_v);
    run();
    error_of(boom);
    sched.advance_time(std::chrono::seconds(6));
    run();
  }
  CAF_CHECK(!*host_reason);
  CAF_CHECK(router.host("counter"));
}

CAF_TEST(an ordered stop saves every active entity) {
  auto a = add(counter("s1"), 4);
  auto b = add(counter("s2"), 5);
  run();
  CAF_CHECK_EQUAL(value_of(a), 4);
  CAF_CHECK_EQUAL(value_of(b), 5);
  auto host_reason = std::make_shared<caf::error>();
  host->attach_functor([host_reason](const caf::error& reason) { *host_reason = reason; });
  caf::anon_send_exit(host, caf::exit_reason::user_shutdown);
  run();
  CAF_CHECK_EQUAL(data->get(counter("s1")).value_or(""), "4");
  CAF_CHECK_EQUAL(*host_reason, caf::exit_reason::user_shutdown);
  CAF_CHECK_EQUAL(data->get(counter("s1")).value_or(""), "4");
  CAF_CHECK_EQUAL(data->get(counter("s2")).value_or(""), "5");
  CAF_CHECK_EQUAL(router.directory("counter").size(), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()
