// Entity hosts under a supervisor, as a node runs them: a host that exceeds
// its restart intensity is restarted by its supervisor and serves again from
// the stored state; a restarted store restarts the hosts after it.
#define CAF_SUITE host_supervision
#include "entity_fixture.hpp"

#include "runtime/errc.hpp"
#include "runtime/supervision/supervisor.hpp"

using namespace griddle;
using namespace griddle::test;

namespace {

struct fixture : counter_world {
  caf::actor root;

  fixture() {
    supervision::supervisor_spec spec;
    spec.name = "root";
    spec.how = supervision::strategy::rest_for_one;
    spec.children.push_back({"store", [this](caf::actor_system& sys) {
                               store = store::spawn_memory_state_store(sys, data);
                               return store;
                             }});
    spec.children.push_back({"host:counter", [this](caf::actor_system& sys) {
                               return entity::spawn_entity_host(sys, type, router, store);
                             }});
    root = supervision::spawn_supervisor(sys, std::move(spec));
    sched.run();
  }

  ~fixture() override {
    auto rh = self->request(root, caf::infinite, shutdown_atom_v);
    for (int i = 0; i < 100 && sched.has_job(); ++i)
      sched.run();
    rh.receive([] {}, [](caf::error&) {});
  }

  int64_t add(const std::string& key, int32_t n) {
    auto rh =
        router.request(self.ptr(), entity_ref{"counter", key}, caf::infinite, caf::add_atom_v, n);
    sched.run();
    return value_of(rh);
  }

  void crash(const std::string& key) {
    auto rh =
        router.request(self.ptr(), entity_ref{"counter", key}, caf::infinite, caf::delete_atom_v);
    sched.run();
    CAF_CHECK(is(error_of(rh), errc::entity_crashed));
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(host_supervision_tests, fixture)

CAF_TEST(the supervisor starts the store and the host) {
  CAF_REQUIRE(router.host("counter"));
  CAF_CHECK_EQUAL(add("a", 2), 2);
}

CAF_TEST(an escalating host is restarted and serves from stored state) {
  CAF_CHECK_EQUAL(add("a", 2), 2);
  auto first_host = router.host("counter");
  CAF_REQUIRE(first_host);
  for (int i = 0; i < 4; ++i)
    crash("k" + std::to_string(i));
  sched.run();
  auto second_host = router.host("counter");
  CAF_REQUIRE(second_host);
  CAF_CHECK_NOT_EQUAL(first_host, second_host);
  // The state of "a" was saved before the crashes and survives the new host.
  CAF_CHECK_EQUAL(add("a", 3), 5);
}

CAF_TEST(a restarted store restarts the host after it) {
  auto first_host = router.host("counter");
  auto first_store = store;
  caf::anon_send_exit(store, caf::exit_reason::kill);
  sched.run();
  CAF_CHECK_NOT_EQUAL(store, first_store);
  CAF_CHECK_NOT_EQUAL(router.host("counter"), first_host);
  CAF_CHECK_EQUAL(add("b", 1), 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
