// A running slice of a node for the reference application's tests: a real
// actor system (the store actor and the password hasher run on their own
// threads), an in-memory event store, a router with a host per entity type,
// the projector, and services with a manual clock and the cheapest password
// hashing.
//
// Given / when / then:
//   world.given("user/42", {{events::user_registered, {...}, {"42"}}});
//   auto reply = world.ask<T>(entity_ref{"user", "42"}, some_atom_v, ...);
//   CAF_CHECK_EQUAL(world.types_of("user/42"), (names{"user_registered", ...}));
//
// Projections are updated asynchronously; use `eventually` to wait for a
// condition. Call `check`-style assertions from the test's thread only.
//
// Helpers the suites share: `field_of` (the field a validation error names),
// `world.act(...)` (a relation command that must succeed), and
// `world.tags_of` / `world.payload_field` (copies, safe to check).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "actors/application.hpp"
#include "actors/credentials.hpp"
#include "actors/password_hasher.hpp"
#include "actors/social_types.hpp"
#include "runtime/entity/entity_host.hpp"
#include "runtime/entity/entity_router.hpp"
#include "runtime/entity/event_sourced.hpp"
#include "runtime/entity/projector.hpp"
#include "runtime/errc.hpp"
#include "runtime/store/event_store_actor.hpp"
#include "runtime/store/memory_event_store.hpp"
#include "test_config.hpp"

namespace griddle::test {

using names = std::vector<std::string>;

// -- errors -----------------------------------------------------------------------

/// The field a validation error names, or "" for any other error.
inline std::string field_of(const caf::error& err) {
  if (!is(err, errc::validation_failed) ||
      !err.context().match_elements<std::string, std::string>())
    return {};
  return err.context().get_as<std::string>(0);
}

// -- the world ----------------------------------------------------------------------

struct app_config : test_config {
  app_config() {
    actors::add_actor_types(*this);
    set("scheduler.max-threads", 2);
    set("logger.console", caf::atom("none"));
  }
};

class app_world {
 public:
  /// How long `ask` waits for a reply.
  static constexpr std::chrono::seconds ask_timeout{10};

  app_world() : sys_(cfg_), self_(sys_) {
    svc_->now_ms = [clock = clock_] { return clock->load(); };
    svc_->hasher = actors::spawn_password_hasher(sys_, 2, actors::password_strength::minimum());
    store_ = store::spawn_event_store_actor(sys_, events_);
    router_ = std::make_unique<entity::entity_router>(sys_, "test-node");
    actors::register_entity_types(types_, svc_);
    for (auto* type : types_.all())
      hosts_.push_back(entity::spawn_entity_host(sys_, *type, *router_, store_));
    projector_ = entity::spawn_projector(sys_, types_, *router_, store_);
  }

  ~app_world() {
    // Hosts first (their entities save snapshots through the store), then the rest.
    stop_all(hosts_);
    stop_all({projector_, store_, svc_->hasher});
    router_.reset();
  }

  app_world(const app_world&) = delete;
  app_world& operator=(const app_world&) = delete;

  // -- given ----------------------------------------------------------------------

  /// Appends `events` to `stream` directly, as if an entity had written them
  /// earlier. Returns false when the store refused them.
  bool given(const std::string& stream, const std::vector<entity::new_event>& events) {
    std::vector<store::event_data> data;
    for (auto& ev : events)
      data.push_back(entity::to_event_data(ev));
    bool ok = false;
    self_->request(store_, ask_timeout, append_atom_v, stream, store::any_version, std::move(data))
        .receive([&](store::append_result&) { ok = true; }, [&](caf::error&) { ok = false; });
    return ok;
  }

  // -- when -----------------------------------------------------------------------

  /// Sends `xs...` to `ref` and waits for a reply of type `T` or an error.
  template <class T, class... Ts>
  caf::expected<T> ask(const entity_ref& ref, Ts&&... xs) {
    caf::expected<T> result{caf::error{}};
    router_->request(self_.ptr(), ref, ask_timeout, std::forward<Ts>(xs)...)
        .receive([&](T& x) { result = std::move(x); }, [&](caf::error& err) { result = err; });
    return result;
  }

  /// Like `ask` for commands that answer with no value; returns the error, if any.
  template <class... Ts>
  caf::error tell(const entity_ref& ref, Ts&&... xs) {
    caf::error result;
    router_->request(self_.ptr(), ref, ask_timeout, std::forward<Ts>(xs)...)
        .receive([] {}, [&](caf::error& err) { result = err; });
    return result;
  }

  /// Sends the relation command `atom` about `target` to activity/<by>,
  /// requires success, then advances the clock by a second.
  template <class Atom>
  void act(Atom atom, const std::string& by, const std::string& target) {
    auto reply = ask<actors::relation_state>(entity_ref{"activity", by}, atom, target);
    if (!reply)
      CAF_FAIL("command failed: " << sys_.render(reply.error()));
    advance(std::chrono::seconds(1));
  }

  // -- then -----------------------------------------------------------------------

  /// Every event of `stream`, in order.
  std::vector<store::recorded_event> events_of(const std::string& stream) {
    auto x = events_->read_stream(stream, 1, 1'000'000);
    return x ? std::move(*x) : std::vector<store::recorded_event>{};
  }

  /// The type names of `stream`'s events, in order.
  names types_of(const std::string& stream) {
    names result;
    for (auto& ev : events_of(stream))
      result.push_back(ev.type);
    return result;
  }

  /// The payload of `stream`'s event at `version` (1-based) as JSON; null if none.
  nlohmann::json payload_of(const std::string& stream, uint64_t version) {
    auto all = events_of(stream);
    if (version == 0 || version > all.size())
      return nullptr;
    return nlohmann::json::parse(all[version - 1].payload);
  }

  /// The tags of `stream`'s event at `version` (1-based), copied: the
  /// checks must not refer into temporaries.
  names tags_of(const std::string& stream, size_t version) {
    auto all = events_of(stream);
    return version >= 1 && version <= all.size() ? all[version - 1].tags : names{};
  }

  /// One field of the payload of `stream`'s event at `version`, copied.
  nlohmann::json payload_field(const std::string& stream, uint64_t version, const char* key) {
    auto payload = payload_of(stream, version);
    return payload.is_object() && payload.contains(key) ? payload[key] : nlohmann::json{};
  }

  /// Polls `pred` every 5 ms until it holds or `timeout` passes.
  static bool eventually(const std::function<bool()>& pred,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
      if (std::chrono::steady_clock::now() > deadline)
        return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  // -- access ---------------------------------------------------------------------

  /// Moves the manual clock.
  void advance(std::chrono::milliseconds d) { clock_->fetch_add(d.count()); }
  int64_t now_ms() const { return clock_->load(); }

  caf::actor_system& sys() { return sys_; }
  caf::scoped_actor& self() { return self_; }
  entity::entity_router& router() { return *router_; }
  store::memory_event_store& events() { return *events_; }
  const caf::actor& store() const { return store_; }
  actors::services& services() { return *svc_; }

 private:
  void stop_all(const std::vector<caf::actor>& actors) {
    for (auto& x : actors) {
      if (!x)
        continue;
      self_->monitor(x);
      self_->send_exit(x, caf::exit_reason::user_shutdown);
      self_->receive([](caf::down_msg&) {}, caf::after(std::chrono::seconds(30)) >> [] {});
    }
  }

  app_config cfg_;
  caf::actor_system sys_;
  caf::scoped_actor self_;
  std::shared_ptr<std::atomic<int64_t>> clock_ =
      std::make_shared<std::atomic<int64_t>>(int64_t{1'800'000'000'000});
  std::shared_ptr<actors::services> svc_ = std::make_shared<actors::services>();
  std::shared_ptr<store::memory_event_store> events_ =
      std::make_shared<store::memory_event_store>();
  entity::entity_type_registry types_;
  caf::actor store_;
  std::unique_ptr<entity::entity_router> router_;
  std::vector<caf::actor> hosts_;
  caf::actor projector_;
};

}  // namespace griddle::test
