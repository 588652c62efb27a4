// The actor in front of the event store, on a real (threaded) actor system,
// with both back ends: appends answered once durable, errors as replies,
// reads of a stream, of the global log and by tag, snapshots, the commit feed
// and the state-store protocol.
#define CAF_SUITE event_store_actor
#include <caf/test/unit_test.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

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

std::vector<event_data> one_event(const std::string& id, std::vector<std::string> tags = {}) {
  event_data ev;
  ev.type = "counted";
  ev.payload = "{\"id\":\"" + id + "\"}";
  ev.event_id = id;
  ev.tags = std::move(tags);
  return {std::move(ev)};
}

/// An actor system with the store actor over `store` and a scoped actor to
/// talk to it; the store must outlive it.
struct actor_env {
  threaded_config cfg;
  caf::actor_system sys{cfg};
  caf::actor actor;
  caf::scoped_actor self{sys};

  explicit actor_env(std::shared_ptr<event_store> store)
      : actor(spawn_event_store_actor(sys, std::move(store))) {}

  ~actor_env() { self->send_exit(actor, caf::exit_reason::user_shutdown); }

  caf::expected<append_result> append(const std::string& stream, uint64_t expected,
                                      const std::string& id, std::vector<std::string> tags = {}) {
    caf::expected<append_result> result = caf::sec::request_timeout;
    self->request(actor, 10s, append_atom_v, stream, expected, one_event(id, std::move(tags)))
        .receive([&](append_result& x) { result = x; },
                 [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  std::vector<recorded_event> read_tagged(const std::string& tag, uint64_t from, uint64_t max) {
    std::vector<recorded_event> result;
    self->request(actor, 10s, read_atom_v, tagged_atom_v, tag, from, max)
        .receive([&](std::vector<recorded_event>& events) { result = std::move(events); },
                 [&](caf::error& err) { CAF_FAIL("read_tagged: " << sys.render(err)); });
    return result;
  }

  entity::stored_state load(const entity_ref& ref) {
    entity::stored_state result;
    self->request(actor, 10s, load_atom_v, ref)
        .receive([&](entity::stored_state& x) { result = std::move(x); },
                 [&](caf::error& err) { CAF_FAIL("load: " << sys.render(err)); });
    return result;
  }

  /// The next commit feed message to `self`.
  std::vector<recorded_event> next_commit() {
    std::vector<recorded_event> result;
    bool received = false;
    self->receive(
        [&](committed_atom, std::vector<recorded_event>& events) {
          result = std::move(events);
          received = true;
        },
        caf::after(10s) >> [] {});
    if (!received)
      CAF_FAIL("no commit message within 10 s");
    return result;
  }
};

std::vector<uint64_t> positions_of(const std::vector<recorded_event>& events) {
  std::vector<uint64_t> result;
  for (const auto& ev : events)
    result.push_back(ev.position);
  return result;
}

std::shared_ptr<event_store> open_sqlite(const test::scratch_db& db) {
  sqlite_options opts;
  opts.path = db.path;
  auto store = sqlite_event_store::open(opts);
  if (!store)
    CAF_FAIL("open: " << to_string(store.error()));
  return std::shared_ptr<event_store>{std::move(*store)};
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

/// Tagged reads through the actor: position order, from and max.
void exercise_tagged_read(std::shared_ptr<event_store> store) {
  actor_env env{store};
  CAF_REQUIRE(env.append("user/1", no_stream, "l1", {"user/2"}));
  CAF_REQUIRE(env.append("user/3", no_stream, "l2", {"user/2", "user/1"}));
  CAF_REQUIRE(env.append("user/1", 1, "n1"));
  CAF_REQUIRE(env.append("user/4", no_stream, "l3", {"user/2"}));
  auto all = env.read_tagged("user/2", 1, 100);
  CAF_CHECK_EQUAL(positions_of(all), (std::vector<uint64_t>{1, 2, 4}));
  CAF_REQUIRE_EQUAL(all.size(), 3u);
  CAF_CHECK_EQUAL(all[1].tags, (std::vector<std::string>{"user/2", "user/1"}));
  CAF_CHECK_EQUAL(all[2].stream, "user/4");
  CAF_CHECK_EQUAL(positions_of(env.read_tagged("user/2", 2, 1)), (std::vector<uint64_t>{2}));
  CAF_CHECK_EQUAL(positions_of(env.read_tagged("user/2", 3, 100)), (std::vector<uint64_t>{4}));
  CAF_CHECK(env.read_tagged("user/9", 1, 100).empty());
}

/// A subscriber gets every commit after its subscription, in order and
/// without gaps, and nothing for refused appends; a dead one is dropped.
void exercise_subscribe(std::shared_ptr<event_store> store) {
  actor_env env{store};
  CAF_REQUIRE(env.append("a", no_stream, "before"));
  {
    // Subscribes and goes away: the actor must carry on without it.
    caf::scoped_actor gone{env.sys};
    gone->send(env.actor, subscribe_atom_v, caf::actor_cast<caf::actor>(gone));
  }
  env.self->send(env.actor, subscribe_atom_v, caf::actor_cast<caf::actor>(env.self));
  // Subscribing twice changes nothing.
  env.self->send(env.actor, subscribe_atom_v, caf::actor_cast<caf::actor>(env.self));
  CAF_REQUIRE(env.append("a", 1, "a2", {"t"}));
  CAF_REQUIRE(env.append("b", no_stream, "b1"));
  CAF_REQUIRE(!env.append("a", no_stream, "refused"));
  auto retry = env.append("b", no_stream, "b1");
  CAF_REQUIRE(retry && retry->duplicate);
  CAF_REQUIRE(env.append("a", 2, "a3"));
  auto first = env.next_commit();
  CAF_CHECK_EQUAL(positions_of(first), (std::vector<uint64_t>{2}));
  CAF_REQUIRE_EQUAL(first.size(), 1u);
  CAF_CHECK_EQUAL(first[0].event_id, "a2");
  CAF_CHECK_EQUAL(first[0].tags, (std::vector<std::string>{"t"}));
  CAF_CHECK_EQUAL(positions_of(env.next_commit()), (std::vector<uint64_t>{3}));
  auto third = env.next_commit();
  CAF_CHECK_EQUAL(positions_of(third), (std::vector<uint64_t>{4}));
  CAF_REQUIRE_EQUAL(third.size(), 1u);
  CAF_CHECK_EQUAL(third[0].event_id, "a3");
  // Appends from another sender, not waited for one by one: still in order.
  caf::scoped_actor other{env.sys};
  for (int i = 0; i < 20; ++i)
    other->send(env.actor, append_atom_v, std::string{"c"}, any_version,
                one_event("c" + std::to_string(i)));
  uint64_t next = 5;
  while (next < 25) {
    for (const auto& ev : env.next_commit()) {
      CAF_CHECK_EQUAL(ev.position, next);
      CAF_CHECK_EQUAL(ev.event_id, "c" + std::to_string(next - 5));
      ++next;
    }
  }
  CAF_CHECK_EQUAL(next, 25u);
}

/// Holds the SQLite writer inside the `done` of a snapshot save until
/// released, so whatever is queued behind it stays queued.
class writer_stall {
 public:
  explicit writer_stall(event_store& store) {
    auto entered = std::make_shared<std::promise<void>>();
    auto in_writer = entered->get_future();
    store.save_snapshot_async({"stall", 1, "x"}, [entered, released = released_](caf::error) {
      entered->set_value();
      released.wait();
    });
    CAF_REQUIRE(in_writer.wait_for(10s) == std::future_status::ready);
  }

  ~writer_stall() { release(); }

  void release() {
    if (!done_) {
      done_ = true;
      gate_.set_value();
    }
  }

 private:
  std::promise<void> gate_;
  std::shared_future<void> released_ = gate_.get_future().share();
  bool done_ = false;
};

/// The state-store protocol: a load sees the newest save even before the
/// store made it durable; once durable, loads read the store again. With
/// `stall`, the saves stay queued behind a stalled writer (SQLite only).
void exercise_state_store(std::shared_ptr<event_store> store, bool stall) {
  actor_env env{store};
  entity_ref ref{"user", "7"};
  CAF_CHECK(!env.load(ref).found);
  std::optional<writer_stall> release;
  if (stall)
    release.emplace(*store);
  env.self->send(env.actor, save_atom_v, ref, std::string{"v1"});
  auto first = env.load(ref);
  CAF_CHECK(first.found);
  CAF_CHECK_EQUAL(first.data, "v1");
  if (release) {
    // Not durable yet: the actor answered from what it holds.
    auto durable = store->load_snapshot("user/7");
    CAF_REQUIRE(durable);
    CAF_CHECK(!durable->has_value());
  }
  env.self->send(env.actor, save_atom_v, ref, std::string{"v2"});
  env.self->send(env.actor, save_atom_v, ref, std::string{"v3"});
  CAF_CHECK_EQUAL(env.load(ref).data, "v3");
  // The stream-named load sees the same.
  env.self->request(env.actor, 10s, load_atom_v, std::string{"user/7"})
      .receive(
          [&](snapshot_result& x) {
            CAF_CHECK(x.found);
            CAF_CHECK_EQUAL(x.snapshot.data, "v3");
          },
          [&](caf::error& err) { CAF_FAIL("load: " << env.sys.render(err)); });
  if (release)
    release->release();
  auto durable = [&] {
    auto x = store->load_snapshot("user/7");
    return x && x->has_value() && (*x)->data == "v3";
  };
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!durable() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  CAF_REQUIRE(durable());
  auto saved = store->load_snapshot("user/7");
  CAF_CHECK_EQUAL((*saved)->version, 0u);
  // Once the newest save landed the actor forgets its copy, so a snapshot
  // written behind its back becomes visible.
  CAF_REQUIRE(!store->save_snapshot({"user/7", 0, "external"}));
  std::string seen;
  while (std::chrono::steady_clock::now() < deadline) {
    seen = env.load(ref).data;
    if (seen == "external")
      break;
    std::this_thread::sleep_for(1ms);
  }
  CAF_CHECK_EQUAL(seen, "external");
  // Another ref is independent.
  CAF_CHECK(!env.load(entity_ref{"user", "8"}).found);
}

}  // namespace

CAF_TEST(the actor serves the memory back end) {
  exercise(std::make_shared<memory_event_store>());
}

CAF_TEST(the actor serves the sqlite back end) {
  test::scratch_db db{"griddle-store-actor"};
  exercise(open_sqlite(db));
}

CAF_TEST(tagged reads through the actor with the memory back end) {
  exercise_tagged_read(std::make_shared<memory_event_store>());
}

CAF_TEST(tagged reads through the actor with the sqlite back end) {
  test::scratch_db db{"griddle-store-actor"};
  exercise_tagged_read(open_sqlite(db));
}

CAF_TEST(subscribers get committed batches in order with the memory back end) {
  exercise_subscribe(std::make_shared<memory_event_store>());
}

CAF_TEST(subscribers get committed batches in order with the sqlite back end) {
  test::scratch_db db{"griddle-store-actor"};
  exercise_subscribe(open_sqlite(db));
}

CAF_TEST(the state store protocol with the memory back end) {
  exercise_state_store(std::make_shared<memory_event_store>(), false);
}

CAF_TEST(the state store protocol with the sqlite back end sees saves in flight) {
  test::scratch_db db{"griddle-store-actor"};
  exercise_state_store(open_sqlite(db), true);
}
