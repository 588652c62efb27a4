// The actor in front of the event store, on a real (threaded) actor system,
// with both back ends: appends answered once durable, errors as replies,
// reads of a stream and of the global log, snapshots.
#define CAF_SUITE event_store_actor
#include <caf/test/unit_test.hpp>

#include <chrono>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "runtime/errc.hpp"
#include "runtime/store/event_store_actor.hpp"
#include "runtime/store/memory_event_store.hpp"
#include "runtime/store/sqlite_event_store.hpp"
#include "runtime/type_ids.hpp"
#include "scratch_db.hpp"
#include "test_config.hpp"

using namespace griddle;
using namespace griddle::store;
using namespace std::chrono_literals;

namespace {

struct threaded_config : test::test_config {
  threaded_config() {
    set("scheduler.max-threads", size_t{2});
    set("logger.file-verbosity", caf::atom("quiet"));
  }
};

std::vector<event_data> one_event(const std::string& id) {
  return {event_data{"counted", 1, "{\"id\":\"" + id + "\"}", id}};
}

/// Runs the protocol checks against the actor over `store`.
void exercise(std::shared_ptr<event_store> store) {
  threaded_config cfg;
  caf::actor_system sys{cfg};
  auto actor = spawn_event_store_actor(sys, store);
  caf::scoped_actor self{sys};
  auto append = [&](const std::string& stream, uint64_t expected, const std::string& id) {
    caf::expected<append_result> result = caf::sec::request_timeout;
    self->request(actor, 10s, append_atom_v, stream, expected, one_event(id))
        .receive([&](append_result& x) { result = x; },
                 [&](caf::error& err) { result = std::move(err); });
    return result;
  };
  auto first = append("a", no_stream, "a1");
  CAF_REQUIRE(first);
  CAF_CHECK_EQUAL(first->first_position, 1u);
  CAF_CHECK_EQUAL(first->version, 1u);
  auto second = append("b", no_stream, "b1");
  CAF_REQUIRE(second);
  CAF_CHECK_EQUAL(second->first_position, 2u);
  auto third = append("a", 1, "a2");
  CAF_REQUIRE(third);
  CAF_CHECK_EQUAL(third->version, 2u);
  // A stale expected version is a conflict, answered as an error.
  auto stale = append("a", 1, "a3");
  CAF_REQUIRE(!stale);
  CAF_CHECK(is(stale.error(), errc::conflict));
  // A retry of an acknowledged append is answered with the original result.
  auto retry = append("a", 0, "a2");
  CAF_REQUIRE(retry);
  CAF_CHECK(retry->duplicate);
  CAF_CHECK_EQUAL(retry->version, 2u);
  self->request(actor, 10s, read_atom_v, std::string{"a"}, uint64_t{1}, uint64_t{10})
      .receive(
          [&](std::vector<recorded_event>& events) {
            CAF_REQUIRE_EQUAL(events.size(), 2u);
            CAF_CHECK_EQUAL(events[0].event_id, "a1");
            CAF_CHECK_EQUAL(events[1].event_id, "a2");
            CAF_CHECK_EQUAL(events[1].position, 3u);
          },
          [&](caf::error& err) { CAF_FAIL("read_stream: " << sys.render(err)); });
  self->request(actor, 10s, read_atom_v, uint64_t{2}, uint64_t{10})
      .receive(
          [&](std::vector<recorded_event>& events) {
            CAF_REQUIRE_EQUAL(events.size(), 2u);
            CAF_CHECK_EQUAL(events[0].stream, "b");
            CAF_CHECK_EQUAL(events[1].stream, "a");
          },
          [&](caf::error& err) { CAF_FAIL("read_all: " << sys.render(err)); });
  self->request(actor, 10s, load_atom_v, std::string{"a"})
      .receive([&](snapshot_result& x) { CAF_CHECK(!x.found); },
               [&](caf::error& err) { CAF_FAIL("load: " << sys.render(err)); });
  self->request(actor, 10s, save_atom_v, stream_snapshot{"a", 2, "state-at-2"})
      .receive([] {}, [&](caf::error& err) { CAF_FAIL("save: " << sys.render(err)); });
  self->request(actor, 10s, load_atom_v, std::string{"a"})
      .receive(
          [&](snapshot_result& x) {
            CAF_CHECK(x.found);
            CAF_CHECK_EQUAL(x.snapshot.version, 2u);
            CAF_CHECK_EQUAL(x.snapshot.data, "state-at-2");
          },
          [&](caf::error& err) { CAF_FAIL("load: " << sys.render(err)); });
  self->send_exit(actor, caf::exit_reason::user_shutdown);
}

}  // namespace

CAF_TEST(the actor serves the memory back end) {
  exercise(std::make_shared<memory_event_store>());
}

CAF_TEST(the actor serves the sqlite back end) {
  test::scratch_db db{"griddle-store-actor"};
  sqlite_options opts;
  opts.path = db.path;
  auto store = sqlite_event_store::open(opts);
  CAF_REQUIRE(store);
  exercise(std::shared_ptr<event_store>{std::move(*store)});
}
