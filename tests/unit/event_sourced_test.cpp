// Event-sourced entities and projections on the runtime alone: a tiny
// `wallet` entity (deposits, withdrawals that may not overdraw) and a
// `ledger` projection of the deposits tagged with a payer.
#define CAF_SUITE event_sourced

#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>

#include <caf/all.hpp>

#include "runtime/entity/entity_host.hpp"
#include "runtime/entity/entity_router.hpp"
#include "runtime/entity/event_sourced.hpp"
#include "runtime/entity/projection.hpp"
#include "runtime/entity/projector.hpp"
#include "runtime/errc.hpp"
#include "runtime/store/event_store_actor.hpp"
#include "runtime/store/memory_event_store.hpp"
#include "test_config.hpp"

using namespace griddle;
using entity::new_event;

namespace {

/// Protocol: (add_atom, int64 amount, string payer) -> int64 balance;
/// (sub_atom, int64) -> int64 or conflict; (get_atom) -> int64;
/// (caf::delete_atom) throws.
class wallet final : public entity::event_sourced_behavior {
 public:
  using event_sourced_behavior::event_sourced_behavior;

  void apply(const store::recorded_event& ev, const nlohmann::json& data) override {
    if (ev.type == "deposited")
      balance_ += data["amount"].get<int64_t>();
    else if (ev.type == "withdrawn")
      balance_ -= data["amount"].get<int64_t>();
  }

  nlohmann::json save_state() const override { return {{"balance", balance_}}; }
  void load_state(const nlohmann::json& st) override { balance_ = st["balance"].get<int64_t>(); }

  caf::behavior handlers(entity::entity_context&) override {
    return {
        [this](caf::add_atom, int64_t amount, const std::string& payer) -> caf::result<int64_t> {
          if (amount <= 0)
            return make_validation_error("amount", "must be positive");
          return commit<int64_t>({{"deposited", {{"amount", amount}}, {payer}}},
                                 [this] { return balance_; });
        },
        [this](caf::sub_atom, int64_t amount) -> caf::result<int64_t> {
          if (amount > balance_)
            return make_error(errc::conflict, "insufficient funds");
          return commit<int64_t>({{"withdrawn", {{"amount", amount}}, {}}},
                                 [this] { return balance_; });
        },
        [this](caf::get_atom) { return balance_; },
        [](caf::delete_atom) -> int64_t { throw std::runtime_error("wallet crashed on purpose"); },
    };
  }

 private:
  int64_t balance_ = 0;
};

/// Sums what each payer paid: (get_atom) -> int64 total, uint64 events.
class ledger final : public entity::projection_behavior {
 public:
  using projection_behavior::projection_behavior;

  void apply(const store::recorded_event&, const nlohmann::json& data) override {
    total_ += data["amount"].get<int64_t>();
    ++count_;
  }

  nlohmann::json save_state() const override { return {{"total", total_}, {"count", count_}}; }
  void load_state(const nlohmann::json& st) override {
    total_ = st["total"].get<int64_t>();
    count_ = st["count"].get<uint64_t>();
  }

  caf::behavior handlers(entity::entity_context&) override {
    return {
        [this](caf::get_atom) { return caf::make_message(total_, count_, position()); },
    };
  }

 private:
  int64_t total_ = 0;
  uint64_t count_ = 0;
};

struct fixture {
  test::test_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::shared_ptr<store::memory_event_store> events = std::make_shared<store::memory_event_store>();
  caf::actor store = store::spawn_event_store_actor(sys, events);
  std::unique_ptr<entity::entity_router> router =
      std::make_unique<entity::entity_router>(sys, "test-node");
  entity::entity_type_registry types;
  std::vector<caf::actor> hosts;
  caf::actor projector;

  fixture() {
    entity::entity_type w;
    w.name = "wallet";
    w.factory = [](const entity_ref&, const entity::stored_state& st) {
      return std::make_unique<wallet>(st);
    };
    types.add(std::move(w));
    types.add(entity::make_projection_type("ledger", {"deposited"},
                                           [](const entity_ref&, const entity::stored_state& st) {
                                             return std::make_unique<ledger>(st);
                                           }));
    for (auto* t : types.all())
      hosts.push_back(entity::spawn_entity_host(sys, *t, *router, store));
    projector = entity::spawn_projector(sys, types, *router, store);
  }

  ~fixture() {
    for (auto& x : hosts)
      stop(x);
    stop(projector);
    stop(store);
    router.reset();
  }

  void stop(const caf::actor& x) {
    self->monitor(x);
    self->send_exit(x, caf::exit_reason::user_shutdown);
    self->receive([](caf::down_msg&) {}, caf::after(std::chrono::seconds(30)) >> [] {});
  }

  template <class... Ts>
  caf::expected<int64_t> ask(const std::string& key, Ts&&... xs) {
    caf::expected<int64_t> result{caf::error{}};
    router->request(self.ptr(), entity_ref{"wallet", key}, std::chrono::seconds(10), xs...)
        .receive([&](int64_t x) { result = x; }, [&](caf::error& err) { result = err; });
    return result;
  }

  struct ledger_view {
    int64_t total = -1;
    uint64_t count = 0;
  };

  /// What ledger/<payer> holds; total -1 when it did not answer.
  ledger_view ledger_of(const std::string& payer) {
    ledger_view result;
    router
        ->request(self.ptr(), entity_ref{"ledger", payer}, std::chrono::seconds(10),
                  caf::get_atom_v)
        .receive(
            [&](int64_t t, uint64_t n, uint64_t) {
              result.total = t;
              result.count = n;
            },
            [&](caf::error&) {});
    return result;
  }

  int64_t total_of(const std::string& payer) { return ledger_of(payer).total; }
  uint64_t count_of(const std::string& payer) { return ledger_of(payer).count; }

  static bool eventually(const std::function<bool()>& pred) {
    for (int i = 0; i < 1000; ++i) {
      if (pred())
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  std::vector<std::string> types_of(const std::string& stream) {
    std::vector<std::string> result;
    auto read = events->read_stream(stream, 1, 1000);
    if (read)
      for (auto& ev : *read)
        result.push_back(ev.type);
    return result;
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(event_sourced_tests, fixture)

CAF_TEST(a command appends its events and answers from the new state) {
  CAF_CHECK_EQUAL(ask("w1", caf::add_atom_v, int64_t{5}, std::string{"p1"}), int64_t{5});
  CAF_CHECK_EQUAL(ask("w1", caf::add_atom_v, int64_t{7}, std::string{"p1"}), int64_t{12});
  CAF_CHECK_EQUAL(types_of("wallet/w1"), (std::vector<std::string>{"deposited", "deposited"}));
  auto evs = events->read_stream("wallet/w1", 1, 10);
  CAF_REQUIRE(evs && evs->size() == 2);
  std::vector<std::string> tags = (*evs)[1].tags;
  CAF_CHECK_EQUAL(tags, (std::vector<std::string>{"p1"}));
  int amount = nlohmann::json::parse((*evs)[1].payload)["amount"].get<int>();
  CAF_CHECK_EQUAL(amount, 7);
}

CAF_TEST(a refused command writes nothing) {
  auto r = ask("w2", caf::sub_atom_v, int64_t{1});
  CAF_REQUIRE(!r);
  CAF_CHECK(is(r.error(), errc::conflict));
  auto v = ask("w2", caf::add_atom_v, int64_t{-1}, std::string{"p"});
  CAF_REQUIRE(!v);
  CAF_CHECK(is(v.error(), errc::validation_failed));
  CAF_CHECK(types_of("wallet/w2").empty());
}

CAF_TEST(activation replays events written earlier) {
  for (int i = 0; i < 1200; ++i) {
    std::vector<store::event_data> one{{"deposited", 1, R"({"amount":1})", {}, {}}};
    events->append("wallet/w3", store::any_version, std::move(one), [](auto) {});
  }
  // More than two replay pages.
  CAF_CHECK_EQUAL(ask("w3", caf::get_atom_v), int64_t{1200});
  CAF_CHECK_EQUAL(ask("w3", caf::add_atom_v, int64_t{1}, std::string{"p"}), int64_t{1201});
}

CAF_TEST(commands sent together see each other s effects) {
  CAF_CHECK_EQUAL(ask("w4", caf::add_atom_v, int64_t{10}, std::string{"p"}), int64_t{10});
  // Ten withdrawals of 3 in flight at once: exactly three fit.
  std::atomic<int> ok{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> senders;
  for (int i = 0; i < 10; ++i)
    senders.emplace_back([&] {
      caf::scoped_actor s{sys};
      router
          ->request(s.ptr(), entity_ref{"wallet", "w4"}, std::chrono::seconds(10), caf::sub_atom_v,
                    int64_t{3})
          .receive([&](int64_t) { ++ok; },
                   [&](caf::error& err) { refused += is(err, errc::conflict) ? 1 : 0; });
    });
  for (auto& t : senders)
    t.join();
  CAF_CHECK_EQUAL(ok.load(), 3);
  CAF_CHECK_EQUAL(refused.load(), 7);
  CAF_CHECK_EQUAL(ask("w4", caf::get_atom_v), int64_t{1});
}

CAF_TEST(a crash restarts the entity from its stream) {
  CAF_CHECK_EQUAL(ask("w5", caf::add_atom_v, int64_t{4}, std::string{"p"}), int64_t{4});
  auto crashed = ask("w5", caf::delete_atom_v);
  CAF_REQUIRE(!crashed);
  CAF_CHECK(is(crashed.error(), errc::entity_crashed));
  CAF_CHECK(eventually([&] {
    auto x = ask("w5", caf::get_atom_v);
    return x && *x == 4;
  }));
}

CAF_TEST(projections see committed events once and catch up on activation) {
  // Written while ledger/p9 was never active: it reads them when it activates.
  CAF_CHECK_EQUAL(ask("w6", caf::add_atom_v, int64_t{2}, std::string{"p9"}), int64_t{2});
  CAF_CHECK_EQUAL(ask("w7", caf::add_atom_v, int64_t{3}, std::string{"p9"}), int64_t{3});
  CAF_CHECK_EQUAL(total_of("p9"), 5);
  // Now active: new events arrive through the projector.
  CAF_CHECK_EQUAL(ask("w6", caf::add_atom_v, int64_t{10}, std::string{"p9"}), int64_t{12});
  CAF_CHECK(eventually([&] { return total_of("p9") == 15; }));
  CAF_CHECK_EQUAL(count_of("p9"), 3u);
  // Withdrawals are not tagged and not subscribed: nothing changes.
  CAF_CHECK_EQUAL(ask("w6", caf::sub_atom_v, int64_t{1}), int64_t{11});
  CAF_CHECK_EQUAL(count_of("p9"), 3u);
}

CAF_TEST(delivering an event twice changes nothing) {
  CAF_CHECK_EQUAL(ask("w8", caf::add_atom_v, int64_t{6}, std::string{"p8"}), int64_t{6});
  CAF_CHECK_EQUAL(total_of("p8"), 6);
  auto read = events->read_stream("wallet/w8", 1, 1);
  CAF_REQUIRE(read && read->size() == 1);
  store::recorded_event ev = read->front();
  for (int i = 0; i < 3; ++i)
    router->send(self.ptr(), entity_ref{"ledger", "p8"}, project_atom_v, ev);
  auto after = ledger_of("p8");
  int64_t total = after.total;
  uint64_t count = after.count;
  CAF_CHECK_EQUAL(total, 6);
  CAF_CHECK_EQUAL(count, 1u);
}

CAF_TEST(a projection restarted from its snapshot catches up) {
  CAF_CHECK_EQUAL(ask("w9", caf::add_atom_v, int64_t{1}, std::string{"p7"}), int64_t{1});
  CAF_CHECK_EQUAL(total_of("p7"), 1);
  // Kill the active projection, then write more while it is down.
  auto handle = router->find_active(entity_ref{"ledger", "p7"});
  CAF_REQUIRE(handle);
  self->send_exit(handle, caf::exit_reason::kill);
  CAF_CHECK_EQUAL(ask("w9", caf::add_atom_v, int64_t{2}, std::string{"p7"}), int64_t{3});
  CAF_CHECK(eventually([&] { return total_of("p7") == 3; }));
  CAF_CHECK_EQUAL(count_of("p7"), 2u);
}

CAF_TEST(only entities with new events save a snapshot when they stop) {
  CAF_CHECK_EQUAL(ask("w10", caf::get_atom_v), int64_t{0});
  CAF_CHECK_EQUAL(ask("w11", caf::add_atom_v, int64_t{2}, std::string{"p"}), int64_t{2});
  // Stopping the host passivates both; each passivation may save a snapshot.
  auto host = router->host("wallet");
  CAF_REQUIRE(host);
  stop(host);
  hosts.erase(std::find(hosts.begin(), hosts.end(), host));
  auto snapshot_of = [&](const std::string& key) {
    entity::stored_state result;
    self->request(store, std::chrono::seconds(10), load_atom_v, entity_ref{"wallet", key})
        .receive([&](entity::stored_state& st) { result = std::move(st); }, [&](caf::error&) {});
    return result;
  };
  CAF_CHECK(eventually([&] { return snapshot_of("w11").found; }));
  auto saved = snapshot_of("w11");
  auto version = nlohmann::json::parse(saved.data)["v"].get<uint64_t>();
  CAF_CHECK_EQUAL(version, 1u);
  CAF_CHECK(!snapshot_of("w10").found);
}

CAF_TEST_FIXTURE_SCOPE_END()
