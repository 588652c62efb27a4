// The node's admin port as an operator meets it: a real griddle-node on
// 127.0.0.1, its token, rollouts and flags driven over HTTP, and what
// survives a restart of the node on the same store.
#define CAF_SUITE admin_api

#include <caf/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "http_client.hpp"
#include "node_process.hpp"
#include "scratch_db.hpp"

using namespace griddle;
using test::http_connection;
using test::node_process;

namespace {

constexpr const char* token = "admin-test-token-0123456789";

struct admin_node {
  node_process node;
  http_connection conn;

  explicit admin_node(const std::string& store)
      : node({"--port=-1", "--state-interval=0s", "--store=" + store, "--http=127.0.0.1:0",
              "--admin=0", std::string{"--admin-token="} + token}),
        conn((started(node), node.admin_port())) {}

  static void started(node_process& n) {
    if (!n.wait_for("admin: http://", std::chrono::seconds(30)))
      throw std::runtime_error("griddle-node did not start: " + n.output());
  }

  test::http_response call(std::string_view method, std::string_view target,
                           const nlohmann::json& body = nullptr) {
    return conn.request(method, target, body.is_null() ? std::string{} : body.dump(),
                        test::bearer(token));
  }

  nlohmann::json json(std::string_view method, std::string_view target,
                      const nlohmann::json& body = nullptr) {
    return call(method, target, body).json();
  }

  void stop() {
    node.signal(SIGTERM);
    node.wait_exit(std::chrono::seconds(30));
  }
};

}  // namespace

CAF_TEST(the admin port wants its token) {
  admin_node n{"memory"};
  auto none = n.conn.request("GET", "/admin/v1/rollouts");
  CAF_CHECK_EQUAL(none.status, 401);
  auto wrong =
      n.conn.request("GET", "/admin/v1/rollouts", {}, test::bearer("admin-test-token-0123456780"));
  CAF_CHECK_EQUAL(wrong.status, 401);
  auto right = n.call("GET", "/admin/v1/rollouts");
  CAF_CHECK_EQUAL(right.status, 200);
  auto types = right.json()["rollouts"];
  CAF_REQUIRE_EQUAL(types.size(), 1u);
  CAF_CHECK_EQUAL(types[0]["type"].get<std::string>(), "feed");
  CAF_CHECK_EQUAL(types[0]["versions"], nlohmann::json::array({"1", "2"}));
  n.stop();
}

CAF_TEST(the admin port refuses a remote address unless allowed) {
  node_process node{{"--port=-1", "--store=memory", "--admin=0.0.0.0:0"}};
  CAF_CHECK_NOT_EQUAL(node.wait_exit(std::chrono::seconds(30)), 0);
  CAF_CHECK(node.output().find("admin: http://") == std::string::npos);
}

CAF_TEST(malformed admin requests get clear errors) {
  admin_node n{"memory"};
  auto bad_body = n.call("POST", "/admin/v1/rollouts/feed/start");
  CAF_CHECK_EQUAL(bad_body.status, 422);
  CAF_CHECK_EQUAL(bad_body.json()["error"]["field"].get<std::string>(), "candidate");
  auto not_json =
      n.conn.request("POST", "/admin/v1/rollouts/feed/ramp", "{oops", test::bearer(token));
  CAF_CHECK_EQUAL(not_json.status, 400);
  auto unknown_version = n.call("POST", "/admin/v1/rollouts/feed/start", {{"candidate", "7"}});
  CAF_CHECK_EQUAL(unknown_version.status, 404);
  auto unknown_type = n.call("GET", "/admin/v1/rollouts/nosuchtype");
  CAF_CHECK_EQUAL(unknown_type.status, 404);
  auto unknown_op = n.call("POST", "/admin/v1/rollouts/feed/explode", nlohmann::json::object());
  CAF_CHECK_EQUAL(unknown_op.status, 404);
  auto no_rollout = n.call("POST", "/admin/v1/rollouts/feed/promote", nlohmann::json::object());
  CAF_CHECK_EQUAL(no_rollout.status, 409);
  auto bad_percent = n.call("PUT", "/admin/v1/toggles/online-roulette",
                            {{"enabled", true}, {"percentage_bp", 10001}});
  CAF_CHECK_EQUAL(bad_percent.status, 422);
  CAF_CHECK_EQUAL(bad_percent.json()["error"]["field"].get<std::string>(), "percentage_bp");
  n.stop();
}

CAF_TEST(rollouts and flags survive a restart of the node) {
  test::scratch_db db{"griddle-admin-api"};
  auto store = "sqlite:" + db.path;
  {
    admin_node n{store};
    auto started = n.json("POST", "/admin/v1/rollouts/feed/start", {{"candidate", "2"}});
    CAF_CHECK_EQUAL(started["phase"].get<std::string>(), "ghost");
    auto ramped = n.json("POST", "/admin/v1/rollouts/feed/ramp", {{"percent", 20}});
    CAF_CHECK_EQUAL(ramped["ramp_percent"].get<double>(), 20.0);
    auto exp = n.json(
        "PUT", "/admin/v1/experiments/feed-ranking",
        {{"enabled", true},
         {"arms",
          {{{"name", "control"}, {"weight", 1}}, {{"name", "matched_first"}, {"weight", 1}}}}});
    CAF_CHECK_EQUAL(exp["allocation"].size(), 2u);
    auto tog = n.json("PUT", "/admin/v1/toggles/online-roulette",
                      {{"enabled", true}, {"percentage_bp", 2500}});
    CAF_CHECK_EQUAL(tog["percentage_bp"].get<int>(), 2500);
    // The controllers' appends went through the SQLite writer, and the
    // rollout's phase and ramp are gauges.
    auto text = n.call("GET", "/metrics").body;
    for (auto name : {"# TYPE griddle_store_appends_total counter",
                      "# TYPE griddle_store_batches_total counter",
                      "# TYPE griddle_store_commit_latency_ns_seconds histogram",
                      "griddle_rollout_phase{type=\"feed\"} 2",
                      "griddle_rollout_ramp_basis_points{type=\"feed\"} 2000"})
      if (text.find(name) == std::string::npos)
        CAF_FAIL("/metrics lacks " << name);
    auto appends = n.json("GET", "/admin/v1/metrics?pattern=griddle_store_appends_total");
    CAF_REQUIRE_EQUAL(appends["metrics"].size(), 1u);
    CAF_CHECK_GREATER_OR_EQUAL(appends["metrics"][0]["value"].get<int>(), 4);
    n.stop();
  }
  admin_node again{store};
  auto st = again.json("GET", "/admin/v1/rollouts/feed");
  CAF_CHECK_EQUAL(st["phase"].get<std::string>(), "ramp");
  CAF_CHECK_EQUAL(st["ramp_percent"].get<double>(), 20.0);
  auto flags = again.json("GET", "/admin/v1/flags");
  CAF_REQUIRE_EQUAL(flags["toggles"].size(), 1u);
  CAF_CHECK_EQUAL(flags["toggles"][0]["name"].get<std::string>(), "online-roulette");
  CAF_REQUIRE_EQUAL(flags["experiments"].size(), 1u);
  auto results = again.json("GET", "/admin/v1/experiments/feed-ranking/results");
  CAF_CHECK_EQUAL(results["arms"].size(), 2u);
  auto deleted = again.json("DELETE", "/admin/v1/toggles/online-roulette");
  CAF_CHECK_EQUAL(deleted["deleted"].get<std::string>(), "online-roulette");
  auto back = again.json("POST", "/admin/v1/rollouts/feed/rollback", {{"reason", "test over"}});
  CAF_CHECK_EQUAL(back["phase"].get<std::string>(), "none");
  again.stop();
}
