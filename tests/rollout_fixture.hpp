// A node's worth of runtime for the rollout suites: an in-memory event
// store, a router, the `tally` entity type with several behaviour versions
// (correct and deliberately wrong ones), an `audit` type that counts what
// reaches it, and the rollout controller. `restart()` brings the runtime
// up again on the same store, as a node restart would.
//
// tally protocol: (add_atom, int64 n) -> int64 total (appends "added", and
// sends (add_atom, n) to audit/all);
// (get_atom) -> int64 total; (ok_atom) -> string version;
// (put_atom) -> string JSON {"total", "nonce"} (nonce random: noise).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>

#include "runtime/entity/entity_host.hpp"
#include "runtime/entity/entity_router.hpp"
#include "runtime/entity/event_sourced.hpp"
#include "runtime/errc.hpp"
#include "runtime/flags/bucketing.hpp"
#include "runtime/rollout/rollout_controller.hpp"
#include "runtime/rollout/sandbox_store.hpp"
#include "runtime/store/event_store_actor.hpp"
#include "runtime/store/memory_event_store.hpp"
#include "runtime/type_ids.hpp"
#include "test_config.hpp"

namespace griddle::test {

/// What every tally of version "2" saw, in order (only ghosts run it in the
/// ghost-phase tests), and how many adds reached an audit entity.
struct rollout_probe {
  std::mutex mtx;
  std::vector<int64_t> v2_seen;
  std::atomic<int> audited{0};

  std::vector<int64_t> seen() {
    std::lock_guard<std::mutex> guard{mtx};
    return v2_seen;
  }
};

inline rollout_probe& probe() {
  static rollout_probe instance;
  return instance;
}

enum class flavour { v1, v2, faulty_reply, faulty_effect, faulty_message, failing, slow };

class tally final : public entity::event_sourced_behavior {
 public:
  tally(const entity::stored_state& st, flavour f, std::string version)
      : event_sourced_behavior(st), flavour_(f), version_name_(std::move(version)) {}

  void apply(const store::recorded_event& ev, const nlohmann::json& data) override {
    if (ev.type == "added")
      total_ += data.at("n").get<int64_t>();
  }

  nlohmann::json save_state() const override { return {{"total", total_}}; }
  void load_state(const nlohmann::json& st) override { total_ = st.at("total").get<int64_t>(); }

  caf::behavior handlers(entity::entity_context& ctx) override {
    return {
        [this, &ctx](caf::add_atom, int64_t n) -> caf::result<int64_t> {
          nlohmann::json data{{"n", n}};
          // Every version tells audit/all; faulty_message tells it a wrong number.
          auto told = flavour_ == flavour::faulty_message ? n + 1 : n;
          ctx.router().send(ctx.self(), entity_ref{"audit", "all"}, caf::add_atom_v, told);
          switch (flavour_) {
            case flavour::v2: {
              std::lock_guard<std::mutex> guard{probe().mtx};
              probe().v2_seen.push_back(n);
            } break;
            case flavour::faulty_effect:
              data["extra"] = true;
              break;
            case flavour::failing:
              if (n % 2 == 0)
                return make_error(errc::conflict, "failing on purpose");
              break;
            case flavour::slow:
              std::this_thread::sleep_for(std::chrono::milliseconds(4));
              break;
            default:
              break;
          }
          auto bump = flavour_ == flavour::faulty_reply && n >= 10 ? 1 : 0;
          return commit<int64_t>({{"added", std::move(data), {}}},
                                 [this, bump] { return total_ + bump; });
        },
        [this](caf::get_atom) { return total_; },
        [this](caf::ok_atom) { return version_name_; },
        [this](caf::put_atom) {
          static thread_local std::mt19937_64 rng{std::random_device{}()};
          return nlohmann::json{{"total", total_}, {"nonce", rng()}}.dump();
        },
    };
  }

 private:
  flavour flavour_;
  std::string version_name_;
  int64_t total_ = 0;
};

/// Counts the adds that reach it (in `probe().audited`).
class audit final : public entity::event_sourced_behavior {
 public:
  using event_sourced_behavior::event_sourced_behavior;
  void apply(const store::recorded_event&, const nlohmann::json&) override {}
  nlohmann::json save_state() const override { return nlohmann::json::object(); }
  void load_state(const nlohmann::json&) override {}
  caf::behavior handlers(entity::entity_context&) override {
    return {[](caf::add_atom, int64_t) { ++probe().audited; }};
  }
};

inline entity::entity_factory tally_factory(flavour f, std::string version) {
  return [f, version](const entity_ref&, const entity::stored_state& st) {
    return std::make_unique<tally>(st, f, version);
  };
}

struct rollout_fixture {
  test_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::shared_ptr<store::memory_event_store> events = std::make_shared<store::memory_event_store>();
  caf::actor store = store::spawn_event_store_actor(sys, events);
  entity::entity_type_registry types;
  std::unique_ptr<entity::entity_router> router;
  std::vector<caf::actor> hosts;

  rollout_fixture() {
    probe().v2_seen.clear();
    probe().audited = 0;
    entity::entity_type t;
    t.name = "tally";
    t.factory = tally_factory(flavour::v1, "1");
    t.comparison.describe = [](const caf::message& msg) -> nlohmann::json {
      if (msg.match_elements<std::string>() && msg.get_as<std::string>(0).rfind("{", 0) == 0)
        return nlohmann::json::parse(msg.get_as<std::string>(0));
      return nullptr;
    };
    types.add(std::move(t));
    types.add_version("tally", {"2", tally_factory(flavour::v2, "2"), {}});
    types.add_version("tally", {"2-faulty", tally_factory(flavour::faulty_reply, "2-faulty"), {}});
    types.add_version("tally", {"2-effect", tally_factory(flavour::faulty_effect, "2-effect"), {}});
    types.add_version("tally",
                      {"2-message", tally_factory(flavour::faulty_message, "2-message"), {}});
    types.add_version("tally", {"2-failing", tally_factory(flavour::failing, "2-failing"), {}});
    types.add_version("tally", {"2-slow", tally_factory(flavour::slow, "2-slow"), {}});
    entity::entity_type a;
    a.name = "audit";
    a.factory = [](const entity_ref&, const entity::stored_state& st) {
      return std::make_unique<audit>(st);
    };
    types.add(std::move(a));
    types.add(rollout::controller_type(&types));
    start();
  }

  ~rollout_fixture() {
    halt();
    stop(store);
  }

  void start() {
    router = std::make_unique<entity::entity_router>(sys, "test-node");
    for (auto* t : types.all())
      hosts.push_back(entity::spawn_entity_host(sys, *t, *router, store));
  }

  void halt() {
    for (auto& x : hosts)
      stop(x);
    hosts.clear();
    router.reset();
  }

  /// Stops every host and starts them again on the same store.
  void restart() {
    halt();
    start();
  }

  void stop(const caf::actor& x) {
    self->monitor(x);
    self->send_exit(x, caf::exit_reason::user_shutdown);
    self->receive([](caf::down_msg&) {}, caf::after(std::chrono::seconds(30)) >> [] {});
  }

  /// Runs a rollout operation; returns the JSON reply, or {"error": ...}.
  nlohmann::json rollout(const std::string& op, nlohmann::json args = nlohmann::json::object()) {
    nlohmann::json result;
    router
        ->request(self.ptr(), entity_ref{"rollout", "tally"}, std::chrono::seconds(10),
                  rollout_atom_v, op, args.dump())
        .receive([&](std::string& text) { result = nlohmann::json::parse(text); },
                 [&](caf::error& err) {
                   result = {{"error", sys.render(err)}};
                 });
    return result;
  }

  template <class T, class... Ts>
  caf::expected<T> ask(const std::string& key, Ts&&... xs) {
    caf::expected<T> result{caf::error{}};
    router->request(self.ptr(), entity_ref{"tally", key}, std::chrono::seconds(10), xs...)
        .receive([&](T& x) { result = std::move(x); }, [&](caf::error& err) { result = err; });
    return result;
  }

  caf::expected<int64_t> add(const std::string& key, int64_t n) {
    return ask<int64_t>(key, caf::add_atom_v, n);
  }

  std::string version_of(const std::string& key) {
    auto v = ask<std::string>(key, caf::ok_atom_v);
    return v ? *v : "(error: " + sys.render(v.error()) + ")";
  }

  size_t stream_size(const std::string& stream) {
    auto read = events->read_stream(stream, 1, 100'000);
    return read ? read->size() : 0;
  }

  static bool eventually(const std::function<bool()>& pred, int seconds = 10) {
    for (int i = 0; i < seconds * 200; ++i) {
      if (pred())
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }
};

}  // namespace griddle::test
