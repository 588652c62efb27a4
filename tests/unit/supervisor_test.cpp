#define CAF_SUITE supervisor

#include "runtime/supervision/supervisor.hpp"

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <caf/test/dsl.hpp>

#include "runtime/errc.hpp"
#include "test_config.hpp"

using namespace std::chrono_literals;
using namespace griddle::supervision;
using griddle::errc;
using griddle::shutdown_atom_v;
using griddle::status_atom_v;

namespace {

/// What the children did, shared between the test and its actors.
struct world {
  std::vector<std::string> log;               // "start:NAME" and "stop:NAME"
  std::map<std::string, caf::actor> live;     // the latest instance per name
  std::map<std::string, caf::error> reasons;  // the last exit reason per name
  std::map<std::string, int> starts;
};

using world_ptr = std::shared_ptr<world>;

/// A child that logs its start and stop; "crash" makes it fail, "finish" makes
/// it exit normally. A stubborn child ignores exit messages (but not a kill).
caf::behavior worker(caf::event_based_actor* self, std::string name, world_ptr w, bool stubborn) {
  w->log.push_back("start:" + name);
  ++w->starts[name];
  self->attach_functor([w, name](const caf::error& reason) {
    w->log.push_back("stop:" + name);
    w->reasons[name] = reason;
  });
  if (stubborn)
    self->set_exit_handler([](caf::exit_msg&) {});
  return {
      [self](const std::string& cmd) {
        if (cmd == "crash")
          self->quit(caf::sec::runtime_error);
        else if (cmd == "throw")
          throw std::runtime_error("boom");
        else if (cmd == "finish")
          self->quit();
      },
  };
}

struct fixture : test_coordinator_fixture<griddle::test::test_config> {
  world_ptr w = std::make_shared<world>();
  std::vector<caf::actor> supervisors;
  std::shared_ptr<std::map<std::string, caf::error>> sup_exits =
      std::make_shared<std::map<std::string, caf::error>>();

  ~fixture() override {
    for (auto& sup : supervisors)
      caf::anon_send_exit(sup, caf::exit_reason::kill);
    run();
    // A safety net, so that a supervisor bug fails checks instead of hanging
    // the actor system's shutdown; the tests check that it is not needed.
    for (auto& entry : w->live)
      caf::anon_send_exit(entry.second, caf::exit_reason::kill);
    run();
    // The actors' initial arguments hold `w`; break the cycle.
    w->live.clear();
  }

  child_spec child(std::string name, restart_policy policy = restart_policy::permanent,
                   bool stubborn = false) {
    child_spec spec;
    spec.name = name;
    spec.policy = policy;
    spec.start = [w = w, name, stubborn](caf::actor_system& sys) {
      auto hdl = sys.spawn(worker, name, w, stubborn);
      w->live[name] = hdl;
      return hdl;
    };
    return spec;
  }

  /// A child that is itself a supervisor; its exit reasons land in `sup_exits`.
  child_spec nested(supervisor_spec inner) {
    child_spec spec;
    spec.name = inner.name;
    spec.start = [inner, w = w, exits = sup_exits](caf::actor_system& sys) {
      auto hdl = spawn_supervisor(sys, inner);
      w->live[inner.name] = hdl;
      hdl->attach_functor(
          [exits, name = inner.name](const caf::error& reason) { (*exits)[name] = reason; });
      return hdl;
    };
    return spec;
  }

  caf::actor start(supervisor_spec spec) {
    auto name = spec.name;
    auto hdl = spawn_supervisor(sys, std::move(spec));
    hdl->attach_functor(
        [exits = sup_exits, name](const caf::error& reason) { (*exits)[name] = reason; });
    supervisors.push_back(hdl);
    return hdl;
  }

  void tell(const std::string& name, std::string cmd) {
    self->send(w->live.at(name), std::move(cmd));
  }

  /// Returns the log since the last call, space-separated.
  std::string take_log() {
    std::string result;
    for (auto& entry : w->log)
      result += (result.empty() ? "" : " ") + entry;
    w->log.clear();
    return result;
  }

  bool terminated(const std::string& sup_name) const { return sup_exits->count(sup_name) > 0; }

  /// Asks `sup` for its status line. (The DSL's `request` helper does not
  /// compile on CAF 0.17.6, hence a client actor.)
  std::string status(const caf::actor& sup) {
    auto result = std::make_shared<std::string>("<no reply>");
    sys.spawn([sup, result](caf::event_based_actor* client) {
      client->request(sup, 10s, status_atom_v)
          .then([result](std::string& line) { *result = std::move(line); },
                [result](caf::error& err) { *result = "<error: " + to_string(err) + ">"; });
    });
    run();
    return *result;
  }
};

supervisor_spec spec_of(std::string name, strategy how, std::vector<child_spec> children) {
  supervisor_spec result;
  result.name = std::move(name);
  result.how = how;
  result.children = std::move(children);
  return result;
}

/// `griddle::is` requires a non-empty error.
bool intensity_exceeded(const caf::error& reason) {
  return reason && griddle::is(reason, errc::restart_intensity_exceeded);
}

}  // namespace

CAF_TEST_FIXTURE_SCOPE(supervisor_tests, fixture)

CAF_TEST(children start in order) {
  auto sup = start(spec_of("sup", strategy::one_for_one, {child("a"), child("b"), child("c")}));
  run();
  CAF_CHECK_EQUAL(take_log(), "start:a start:b start:c");
  CAF_CHECK_EQUAL(status(sup), "sup (one_for_one, running): a=running b=running c=running");
}

CAF_TEST(one_for_one restarts only the failed child) {
  start(spec_of("sup", strategy::one_for_one, {child("a"), child("b"), child("c")}));
  run();
  take_log();
  auto a = w->live["a"];
  auto b = w->live["b"];
  auto c = w->live["c"];
  tell("b", "crash");
  run();
  CAF_CHECK_EQUAL(take_log(), "stop:b start:b");
  CAF_CHECK(w->live["a"] == a);
  CAF_CHECK(w->live["b"] != b);
  CAF_CHECK(w->live["c"] == c);
}

CAF_TEST(a thrown exception counts as a failure) {
  start(spec_of("sup", strategy::one_for_one, {child("a")}));
  run();
  take_log();
  tell("a", "throw");
  run();
  CAF_CHECK_EQUAL(take_log(), "stop:a start:a");
}

CAF_TEST(one_for_all stops the others in reverse order and restarts all in order) {
  start(spec_of("sup", strategy::one_for_all, {child("a"), child("b"), child("c")}));
  run();
  take_log();
  tell("b", "crash");
  run();
  CAF_CHECK_EQUAL(take_log(), "stop:b stop:c stop:a start:a start:b start:c");
  CAF_CHECK(w->reasons["c"] == caf::exit_reason::user_shutdown);
  CAF_CHECK(w->reasons["a"] == caf::exit_reason::user_shutdown);
}

CAF_TEST(rest_for_one restarts the failed child and the later ones only) {
  auto sup = start(
      spec_of("sup", strategy::rest_for_one, {child("a"), child("b"), child("c"), child("d")}));
  run();
  take_log();
  auto a = w->live["a"];
  tell("b", "crash");
  run();
  CAF_CHECK_EQUAL(take_log(), "stop:b stop:d stop:c start:b start:c start:d");
  CAF_CHECK(w->live["a"] == a);
  CAF_CHECK_EQUAL(status(sup),
                  "sup (rest_for_one, running): a=running b=running c=running d=running");
}

CAF_TEST(a transient child restarts only after an abnormal exit) {
  auto sup = start(
      spec_of("sup", strategy::one_for_one, {child("a"), child("t", restart_policy::transient)}));
  run();
  take_log();
  tell("t", "crash");
  run();
  CAF_CHECK_EQUAL(take_log(), "stop:t start:t");
  tell("t", "finish");
  run();
  CAF_CHECK_EQUAL(take_log(), "stop:t");
  CAF_CHECK_EQUAL(status(sup), "sup (one_for_one, running): a=running t=stopped");
}

CAF_TEST(a temporary child never restarts) {
  auto sup = start(
      spec_of("sup", strategy::one_for_all, {child("a"), child("tmp", restart_policy::temporary)}));
  run();
  take_log();
  tell("tmp", "crash");
  run();
  CAF_CHECK_EQUAL(take_log(), "stop:tmp");
  CAF_CHECK_EQUAL(status(sup), "sup (one_for_all, running): a=running tmp=stopped");
}

CAF_TEST(a sibling failure does not restart a temporary child) {
  start(spec_of("sup", strategy::one_for_all,
                {child("a"), child("tmp", restart_policy::temporary), child("c")}));
  run();
  take_log();
  tell("a", "crash");
  run();
  CAF_CHECK_EQUAL(take_log(), "stop:a stop:c stop:tmp start:a start:c");
}

CAF_TEST(a child that fails while waiting to be stopped joins the round) {
  auto spec = spec_of("sup", strategy::one_for_all,
                      {child("a"), child("b", restart_policy::permanent, true), child("c")});
  spec.children[1].shutdown_timeout = 1s;
  auto sup = start(std::move(spec));
  run();
  take_log();
  tell("c", "crash");
  consume_messages();
  // b ignores its exit message; a crashes while it waits for its turn.
  tell("a", "crash");
  consume_messages();
  CAF_CHECK_EQUAL(take_log(), "stop:c stop:a");
  advance_time(1s);
  consume_messages();
  CAF_CHECK_EQUAL(take_log(), "stop:b start:a start:b start:c");
  CAF_CHECK_EQUAL(status(sup), "sup (one_for_all, running): a=running b=running c=running");
}

CAF_TEST(exceeding the intensity stops all children and fails the supervisor) {
  auto spec = spec_of("sup", strategy::one_for_one, {child("a"), child("b")});
  spec.limits.max_restarts = 2;
  start(std::move(spec));
  run();
  take_log();
  for (int i = 0; i < 2; ++i) {
    tell("b", "crash");
    run();
    CAF_CHECK_EQUAL(take_log(), "stop:b start:b");
  }
  CAF_CHECK(!terminated("sup"));
  tell("b", "crash");
  run();
  CAF_CHECK_EQUAL(take_log(), "stop:b stop:a");
  CAF_REQUIRE(terminated("sup"));
  auto& reason = sup_exits->at("sup");
  CAF_REQUIRE(intensity_exceeded(reason));
  CAF_REQUIRE(reason.context().match_elements<std::string>());
  CAF_CHECK_EQUAL(reason.context().get_as<std::string>(0), "sup");
}

CAF_TEST(an escalating supervisor is restarted by its parent) {
  auto inner = spec_of("inner", strategy::one_for_one, {child("w")});
  inner.limits.max_restarts = 1;
  auto outer = start(spec_of("outer", strategy::one_for_one, {nested(inner), child("x")}));
  run();
  // The outer supervisor spawns in order; the inner one starts w when it runs.
  CAF_CHECK_EQUAL(take_log(), "start:x start:w");
  auto first_inner = w->live["inner"];
  tell("w", "crash");
  run();
  CAF_CHECK_EQUAL(take_log(), "stop:w start:w");
  tell("w", "crash");
  run();
  // The inner supervisor gives up; the outer one starts a fresh inner one.
  CAF_CHECK_EQUAL(take_log(), "stop:w start:w");
  CAF_REQUIRE(terminated("inner"));
  CAF_CHECK(intensity_exceeded(sup_exits->at("inner")));
  CAF_CHECK(w->live["inner"] != first_inner);
  CAF_CHECK(!terminated("outer"));
  CAF_CHECK_EQUAL(status(outer), "outer (one_for_one, running): inner=running x=running");
}

CAF_TEST(restarts wait for the back-off on the actor clock) {
  auto spec = spec_of("sup", strategy::one_for_one, {child("a")});
  spec.limits.backoff_initial = 100ms;
  spec.limits.backoff_cap = 150ms;
  start(std::move(spec));
  run();
  CAF_CHECK_EQUAL(w->starts["a"], 1);
  // The first failure in the window restarts at once.
  tell("a", "crash");
  consume_messages();
  CAF_CHECK_EQUAL(w->starts["a"], 2);
  // The second waits backoff_initial.
  tell("a", "crash");
  consume_messages();
  advance_time(99ms);
  consume_messages();
  CAF_CHECK_EQUAL(w->starts["a"], 2);
  advance_time(1ms);
  consume_messages();
  CAF_CHECK_EQUAL(w->starts["a"], 3);
  // The third would wait 200ms but the cap is 150ms.
  tell("a", "crash");
  consume_messages();
  advance_time(149ms);
  consume_messages();
  CAF_CHECK_EQUAL(w->starts["a"], 3);
  advance_time(1ms);
  consume_messages();
  CAF_CHECK_EQUAL(w->starts["a"], 4);
}

CAF_TEST(a shutdown request stops children one at a time in reverse order) {
  auto spec = spec_of("sup", strategy::one_for_one,
                      {child("a"), child("b", restart_policy::permanent, true), child("c")});
  spec.children[1].shutdown_timeout = 1s;
  auto sup = start(std::move(spec));
  run();
  take_log();
  auto replied = std::make_shared<bool>(false);
  sys.spawn([sup, replied](caf::event_based_actor* client) {
    client->request(sup, 10s, shutdown_atom_v).then([replied] { *replied = true; });
  });
  consume_messages();
  // b ignores the exit message, so a must wait until b's time-out.
  CAF_CHECK_EQUAL(take_log(), "stop:c");
  advance_time(999ms);
  consume_messages();
  CAF_CHECK_EQUAL(take_log(), "");
  CAF_CHECK(!*replied);
  advance_time(1ms);
  consume_messages();
  CAF_CHECK_EQUAL(take_log(), "stop:b stop:a");
  CAF_CHECK(w->reasons["b"] == caf::exit_reason::kill);
  CAF_CHECK(w->reasons["a"] == caf::exit_reason::user_shutdown);
  CAF_CHECK(*replied);
  CAF_REQUIRE(terminated("sup"));
  CAF_CHECK(sup_exits->at("sup") == caf::exit_reason::user_shutdown);
}

CAF_TEST(an exit message stops children in reverse order) {
  auto sup = start(spec_of("sup", strategy::one_for_all, {child("a"), child("b"), child("c")}));
  run();
  take_log();
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  run();
  CAF_CHECK_EQUAL(take_log(), "stop:c stop:b stop:a");
  CAF_REQUIRE(terminated("sup"));
  CAF_CHECK(sup_exits->at("sup") == caf::exit_reason::user_shutdown);
}

CAF_TEST(a shutdown during a restart round cancels it and stays sequential) {
  auto spec = spec_of("sup", strategy::one_for_all,
                      {child("a"), child("b", restart_policy::permanent, true), child("c")});
  spec.children[1].shutdown_timeout = 1s;
  auto sup = start(std::move(spec));
  run();
  take_log();
  tell("c", "crash");
  consume_messages();
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  consume_messages();
  // b still has its turn; a waits for it.
  CAF_CHECK_EQUAL(take_log(), "stop:c");
  advance_time(1s);
  run();
  CAF_CHECK_EQUAL(take_log(), "stop:b stop:a");
  CAF_REQUIRE(terminated("sup"));
  CAF_CHECK(sup_exits->at("sup") == caf::exit_reason::user_shutdown);
}

CAF_TEST(no child outlives a killed supervisor) {
  auto inner = spec_of("inner", strategy::one_for_one, {child("w")});
  auto outer = start(spec_of("outer", strategy::one_for_one, {child("a"), nested(inner)}));
  run();
  take_log();
  caf::anon_send_exit(outer, caf::exit_reason::kill);
  run();
  CAF_CHECK(terminated("outer"));
  CAF_CHECK(terminated("inner"));
  CAF_CHECK(w->reasons["a"] == caf::exit_reason::kill);
  CAF_CHECK(w->reasons["w"] == caf::exit_reason::kill);
  CAF_CHECK_EQUAL(w->log.size(), 2u);
}

CAF_TEST(a failing factory counts as a failure of its child) {
  auto attempts = std::make_shared<int>(0);
  child_spec flaky;
  flaky.name = "flaky";
  flaky.start = [attempts, w = w](caf::actor_system& sys) {
    if (++*attempts == 1)
      throw std::runtime_error("not yet");
    return sys.spawn(worker, std::string{"flaky"}, w, false);
  };
  auto sup = start(spec_of("sup", strategy::one_for_one, {flaky, child("b")}));
  run();
  CAF_CHECK_EQUAL(*attempts, 2);
  CAF_CHECK_EQUAL(take_log(), "start:b start:flaky");
  CAF_CHECK_EQUAL(status(sup), "sup (one_for_one, running): flaky=running b=running");
}

CAF_TEST(a factory that never yields an actor escalates) {
  child_spec broken;
  broken.name = "broken";
  broken.start = [](caf::actor_system&) { return caf::actor{}; };
  auto spec = spec_of("sup", strategy::rest_for_one, {child("a"), broken, child("c")});
  spec.limits.max_restarts = 3;
  start(std::move(spec));
  run();
  CAF_CHECK_EQUAL(take_log(), "start:a stop:a");
  CAF_REQUIRE(terminated("sup"));
  CAF_CHECK(intensity_exceeded(sup_exits->at("sup")));
}

CAF_TEST(a supervisor may escalate while it starts) {
  child_spec broken;
  broken.name = "broken";
  broken.start = [](caf::actor_system&) -> caf::actor { throw std::runtime_error("no"); };
  auto spec = spec_of("sup", strategy::one_for_one, {broken});
  spec.limits.max_restarts = 0;
  start(std::move(spec));
  run();
  CAF_REQUIRE(terminated("sup"));
  CAF_CHECK(intensity_exceeded(sup_exits->at("sup")));
}

CAF_TEST(a supervisor without children shuts down at once) {
  auto sup = start(spec_of("sup", strategy::rest_for_one, {}));
  run();
  CAF_CHECK_EQUAL(status(sup), "sup (rest_for_one, running):");
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  run();
  CAF_REQUIRE(terminated("sup"));
  CAF_CHECK(sup_exits->at("sup") == caf::exit_reason::user_shutdown);
}

CAF_TEST_FIXTURE_SCOPE_END()
