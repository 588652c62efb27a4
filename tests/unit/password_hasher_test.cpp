// The password hasher pool on a real (threaded) actor system: hash and verify
// requests, concurrent requests, hashing off the scheduler threads, errors as
// replies, and workers that stop with the pool.
#define CAF_SUITE password_hasher
#include <caf/test/unit_test.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/password_hasher.hpp"
#include "actors/type_ids.hpp"
#include "test_config.hpp"

using namespace griddle;
using namespace griddle::actors;
using namespace std::chrono_literals;

namespace {

constexpr auto timeout = 30s;

struct hasher_config : test::test_config {
  hasher_config() {
    add_message_types<caf::id_block::griddle_actors>();
    // A single scheduler thread, so one blocked actor blocks the scheduler.
    set("scheduler.max-threads", size_t{1});
    set("logger.file-verbosity", caf::atom("quiet"));
  }
};

struct fixture {
  hasher_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  caf::actor pool = spawn_password_hasher(sys, 4, password_strength::minimum());

  ~fixture() { caf::anon_send_exit(pool, caf::exit_reason::user_shutdown); }

  caf::expected<std::string> hash(const caf::actor& hasher, const std::string& password) {
    caf::expected<std::string> result = caf::sec::request_timeout;
    self->request(hasher, timeout, hash_atom_v, password)
        .receive([&](std::string& x) { result = std::move(x); },
                 [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  caf::expected<bool> verify(const caf::actor& hasher, const std::string& stored_hash,
                             const std::string& password) {
    caf::expected<bool> result = caf::sec::request_timeout;
    self->request(hasher, timeout, verify_atom_v, stored_hash, password)
        .receive([&](bool x) { result = x; }, [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  /// The pool's current workers.
  std::vector<caf::actor> workers_of(const caf::actor& hasher) {
    std::vector<caf::actor> result;
    self->request(hasher, timeout, caf::sys_atom_v, caf::get_atom_v)
        .receive([&](std::vector<caf::actor>& xs) { result = std::move(xs); },
                 [&](caf::error& err) { CAF_FAIL("workers: " << sys.render(err)); });
    return result;
  }

  /// Waits until the system runs `count` actors; false after the time-out.
  bool await_running(size_t count) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (sys.registry().running() != count) {
      if (std::chrono::steady_clock::now() > deadline)
        return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(password_hasher_tests, fixture)

CAF_TEST(a hash from the pool verifies its password) {
  auto stored = hash(pool, "correct horse");
  CAF_REQUIRE(stored);
  CAF_CHECK_EQUAL(stored->rfind("$argon2id$", 0), 0u);
  auto ok = verify(pool, *stored, "correct horse");
  CAF_REQUIRE(ok);
  CAF_CHECK(*ok);
  auto wrong = verify(pool, *stored, "incorrect horse");
  CAF_REQUIRE(wrong);
  CAF_CHECK(!*wrong);
}

CAF_TEST(eight concurrent hash requests all succeed) {
  using handle = decltype(self->request(pool, timeout, hash_atom_v, std::string{}));
  std::vector<std::string> passwords;
  std::vector<handle> pending;
  for (int i = 0; i < 8; ++i) {
    passwords.push_back("password-" + std::to_string(i));
    pending.push_back(self->request(pool, timeout, hash_atom_v, passwords.back()));
  }
  std::vector<std::string> hashes;
  for (auto& request : pending)
    request.receive([&](std::string& x) { hashes.push_back(std::move(x)); },
                    [&](caf::error& err) { CAF_FAIL("hash: " << sys.render(err)); });
  CAF_REQUIRE_EQUAL(hashes.size(), 8u);
  for (size_t i = 0; i < hashes.size(); ++i) {
    auto ok = verify(pool, hashes[i], passwords[i]);
    CAF_REQUIRE(ok);
    CAF_CHECK(*ok);
    auto crossed = verify(pool, hashes[i], passwords[(i + 1) % passwords.size()]);
    CAF_REQUIRE(crossed);
    CAF_CHECK(!*crossed);
  }
}

CAF_TEST(hashing completes while every scheduler thread is blocked) {
  // Occupy the only scheduler thread until the hash is done: were hashing on
  // a scheduler thread (or on the requester's), the request would time out.
  auto started = std::make_shared<std::promise<std::thread::id>>();
  auto scheduler_thread = started->get_future();
  std::promise<void> release;
  struct release_guard {
    std::promise<void>& release;
    ~release_guard() { release.set_value(); }
  } guard{release};
  sys.spawn([started, released = release.get_future().share()](caf::event_based_actor*) {
    started->set_value(std::this_thread::get_id());
    released.wait_for(timeout);
    return caf::behavior{};
  });
  CAF_REQUIRE(scheduler_thread.wait_for(timeout) == std::future_status::ready);
  CAF_CHECK_NOT_EQUAL(scheduler_thread.get(), std::this_thread::get_id());
  auto stored = hash(pool, "while blocked");
  CAF_REQUIRE(stored);
  auto ok = verify(pool, *stored, "while blocked");
  CAF_REQUIRE(ok);
  CAF_CHECK(*ok);
}

CAF_TEST(a failed hash is an error reply and the worker survives it) {
  auto broken = spawn_password_hasher(sys, 1, password_strength{0, 0});
  auto stored = hash(broken, "secret");
  CAF_REQUIRE(!stored);
  CAF_CHECK_EQUAL(stored.error(), caf::sec::runtime_error);
  auto good = hash(pool, "secret");
  CAF_REQUIRE(good);
  auto ok = verify(broken, *good, "secret");
  CAF_REQUIRE(ok);
  CAF_CHECK(*ok);
  caf::anon_send_exit(broken, caf::exit_reason::user_shutdown);
}

CAF_TEST(zero workers are rejected) {
  bool thrown = false;
  try {
    spawn_password_hasher(sys, 0, password_strength::minimum());
  } catch (const std::invalid_argument&) {
    thrown = true;
  }
  CAF_CHECK(thrown);
}

CAF_TEST(workers stop when the pool exits) {
  auto baseline = sys.registry().running();
  for (auto reason :
       {caf::exit_reason::user_shutdown, caf::exit_reason::normal, caf::exit_reason::kill}) {
    auto hasher = spawn_password_hasher(sys, 3, password_strength::minimum());
    // Holding the workers' handles keeps them from being destroyed with the
    // pool: they must quit on their own.
    auto held = workers_of(hasher);
    CAF_CHECK_EQUAL(held.size(), 3u);
    CAF_CHECK(hash(hasher, "secret"));
    caf::anon_send_exit(hasher, reason);
    CAF_CHECK(await_running(baseline));
  }
}

CAF_TEST(workers stop when the last pool handle is dropped) {
  auto baseline = sys.registry().running();
  std::vector<caf::actor> held;
  {
    auto hasher = spawn_password_hasher(sys, 3, password_strength::minimum());
    held = workers_of(hasher);
    CAF_CHECK_EQUAL(held.size(), 3u);
    CAF_CHECK(hash(hasher, "secret"));
  }
  CAF_CHECK(await_running(baseline));
}

CAF_TEST_FIXTURE_SCOPE_END()
