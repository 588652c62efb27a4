// A deterministic fixture for entity tests: a test coordinator, a memory
// store, a router and the host of a small `counter` entity type.
//
// The counter protocol:
//   (caf::add_atom, int32_t n) -> int64_t   adds n, persists, returns the sum
//   (caf::get_atom)            -> int64_t
//   (caf::delete_atom)         -> throws (a crash)
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/test/dsl.hpp>

#include "runtime/entity/entity_host.hpp"
#include "runtime/entity/entity_router.hpp"
#include "runtime/store/memory_state_store.hpp"
#include "test_config.hpp"

namespace griddle::test {

/// Counts what happened to counter entities, shared with the fixture.
struct counter_log {
  int activations = 0;
  std::vector<std::string> handled;  // "key:n" per add, in handling order
};

class counter_behavior : public entity::entity_behavior {
 public:
  counter_behavior(std::string key, int64_t value, std::shared_ptr<counter_log> log)
      : key_(std::move(key)), value_(value), log_(std::move(log)) {}

  caf::behavior make_behavior(entity::entity_context& ctx) override {
    return {
        [this, &ctx](caf::add_atom, int32_t n) {
          value_ += n;
          log_->handled.push_back(key_ + ":" + std::to_string(n));
          ctx.persist();
          return value_;
        },
        [this](caf::get_atom) { return value_; },
        [](caf::delete_atom) -> int64_t { throw std::runtime_error("counter crashed on purpose"); },
    };
  }

  std::string snapshot() const override { return std::to_string(value_); }

 private:
  std::string key_;
  int64_t value_;
  std::shared_ptr<counter_log> log_;
};

inline entity::entity_type counter_type(std::shared_ptr<counter_log> log) {
  entity::entity_type t;
  t.name = "counter";
  t.idle_timeout = std::chrono::seconds(60);
  t.limits.max_restarts = 3;
  t.limits.period = std::chrono::seconds(10);
  t.limits.backoff_initial = std::chrono::milliseconds(100);
  t.limits.backoff_cap = std::chrono::seconds(1);
  t.factory = [log](const entity_ref& ref, const entity::stored_state& st) {
    ++log->activations;
    return std::make_unique<counter_behavior>(ref.key, st.found ? std::stoll(st.data) : 0, log);
  };
  return t;
}

/// A deterministic actor system with the counter type, its log, the data of
/// a memory store and a router; what the entity fixtures share.
struct counter_world : test_coordinator_fixture<test_config> {
  std::shared_ptr<counter_log> log = std::make_shared<counter_log>();
  std::shared_ptr<store::memory_state_data> data = std::make_shared<store::memory_state_data>();
  entity::entity_type type = counter_type(log);
  entity::entity_router router{sys, "test-node"};
  caf::actor store;

  /// Receives an int64 reply or fails the test.
  template <class Handle>
  int64_t value_of(Handle& rh) {
    int64_t result = -1;
    rh.receive([&](int64_t x) { result = x; },
               [&](caf::error& err) { CAF_FAIL("unexpected error: " << sys.render(err)); });
    return result;
  }

  /// Receives an error reply or fails the test.
  template <class Handle>
  caf::error error_of(Handle& rh) {
    caf::error result;
    rh.receive([&](int64_t x) { CAF_FAIL("unexpected value " << x); },
               [&](caf::error& err) { result = std::move(err); });
    return result;
  }
};

struct entity_fixture : counter_world {
  caf::actor host;

  entity_fixture() {
    store = store::spawn_memory_state_store(sys, data);
    host = entity::spawn_entity_host(sys, type, router, store);
    run();
  }

  ~entity_fixture() override {
    // The host must be gone before the router it points into.
    auto done = std::make_shared<bool>(false);
    host->attach_functor([done](const caf::error&) { *done = true; });
    caf::anon_send_exit(host, caf::exit_reason::user_shutdown);
    for (int i = 0; i < 1000 && !*done; ++i) {
      run();
      sched.advance_time(std::chrono::milliseconds(250));
    }
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
    run();
  }

  /// Runs every queued message but, unlike the base fixture, never fires
  /// timers: the host's sweep timer would otherwise run forever. Tests move
  /// time with `sched.advance_time`.
  size_t run() { return sched.run(); }

  /// Lets passivated activations reach the end of their grace period.
  void end_grace() {
    sched.advance_time(std::chrono::milliseconds(250));
    run();
  }

  static entity_ref counter(const std::string& key) { return {"counter", key}; }

  /// Sends `(add, n)` to `ref` as a request from `self` through the router.
  auto add(const entity_ref& ref, int32_t n) {
    return router.request(self.ptr(), ref, caf::infinite, caf::add_atom_v, n);
  }

  uint64_t active_count() {
    auto rh = router.count_active(self.ptr(), "counter", caf::infinite);
    run();
    uint64_t result = 0;
    rh.receive([&](uint64_t x) { result = x; },
               [&](caf::error& err) { CAF_FAIL("count failed: " << sys.render(err)); });
    return result;
  }

  entity::peek_result peek(const entity_ref& ref) {
    auto rh = router.peek(self.ptr(), ref, caf::infinite);
    run();
    entity::peek_result result;
    rh.receive([&](entity::peek_result& x) { result = std::move(x); },
               [&](caf::error& err) { CAF_FAIL("peek failed: " << sys.render(err)); });
    return result;
  }
};

}  // namespace griddle::test
