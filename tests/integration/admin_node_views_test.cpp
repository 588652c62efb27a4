// The admin API's views of the node, on a real griddle-node: nodes, types,
// active entities, inspection (without activating), bounded traces,
// passivation, the supervision tree, metrics, and the audit log of
// mutating requests.
#define CAF_SUITE admin_node_views

#include <caf/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <future>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "gateway_fixture.hpp"

using namespace griddle;
using namespace std::chrono_literals;

namespace {

constexpr const char* admin_token = "node-views-admin-token-0123";

std::string audit_path() {
  static int n = 0;
  return "/tmp/griddle-audit-" + std::to_string(::getpid()) + "-" + std::to_string(++n) + ".log";
}

struct fixture : test::gateway_fixture {
  std::string audit_file;

  explicit fixture(std::string file = audit_path())
      : gateway_fixture({"--admin=0", std::string{"--admin-token="} + admin_token,
                         "--admin-audit-log=" + file}),
        audit_file(std::move(file)) {}

  ~fixture() { std::remove(audit_file.c_str()); }

  test::http_response admin_call(std::string_view method, std::string_view target,
                                 const std::string& body = {}, const std::string& who = {}) {
    test::http_connection conn{node.admin_port()};
    auto headers = test::bearer(admin_token);
    if (!who.empty())
      headers.emplace_back("X-Griddle-Operator", who);
    return conn.request(method, target, body, headers);
  }

  nlohmann::json admin(std::string_view method, std::string_view target,
                       const std::string& body = {}) {
    auto res = admin_call(method, target, body);
    if (res.status != 200)
      CAF_MESSAGE(method << " " << target << ": " << res.status << " " << res.body);
    CAF_REQUIRE_EQUAL(res.status, 200);
    return res.json();
  }

  nlohmann::json inspect(const std::string& type, const std::string& key,
                         const std::string& query = {}) {
    return admin("GET", "/admin/v1/types/" + type + "/actors/" + key + query);
  }

  bool listed(const std::string& type, const std::string& key) {
    auto doc = admin("GET", "/admin/v1/types/" + type + "/actors?limit=1000");
    for (auto& a : doc["actors"])
      if (a["key"] == key)
        return true;
    return false;
  }

  /// Changes the profile of `u`: a message that always reaches user/<id>.
  void touch(const test::site_user& u, int i) {
    auto res = call("PATCH", "/v1/me", nlohmann::json{{"bio", "bio " + std::to_string(i)}}.dump(),
                    test::bearer(u.token));
    CAF_CHECK_EQUAL(res.status, 200);
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(admin_node_views_tests, fixture)

CAF_TEST(nodes and types describe the running node) {
  auto ada = join("ada");
  auto nodes = admin("GET", "/admin/v1/nodes")["nodes"];
  CAF_REQUIRE_EQUAL(nodes.size(), 1u);
  auto n = nodes[0];
  CAF_MESSAGE(n.dump());
  CAF_CHECK(!n["id"].get<std::string>().empty());
  CAF_CHECK_EQUAL(n["address"].get<std::string>(), "127.0.0.1:" + std::to_string(port));
  CAF_CHECK(!n["version"].get<std::string>().empty());
  CAF_CHECK_GREATER_OR_EQUAL(n["uptime_s"].get<double>(), 0.0);
  CAF_CHECK_GREATER_OR_EQUAL(n["load"]["scheduler_threads"].get<int>(), 1);
  CAF_CHECK_GREATER_OR_EQUAL(n["load"]["active_entities"].get<int>(), 1);
  auto types = admin("GET", "/admin/v1/types")["types"];
  bool found_user = false;
  for (auto& t : types) {
    if (t["name"] != "user")
      continue;
    found_user = true;
    CAF_CHECK_EQUAL(t["versions"], nlohmann::json::array({"1"}));
    CAF_CHECK_EQUAL(t["phase"].get<std::string>(), "none");
    CAF_CHECK_GREATER_OR_EQUAL(t["active"].get<int>(), 1);
    CAF_CHECK_GREATER_OR_EQUAL(t["activations"].get<int>(), 1);
  }
  CAF_CHECK(found_user);
}

CAF_TEST(inspect without activate leaves an inactive entity inactive) {
  auto ada = join("ada");
  // A key nobody used.
  auto none = inspect("user", "4242424242");
  CAF_CHECK_EQUAL(none["active"], false);
  CAF_CHECK(!listed("user", "4242424242"));
  auto still = inspect("user", "4242424242");
  CAF_CHECK_EQUAL(still["active"], false);
  // Ada's user entity is active after joining: inspect shows its state.
  auto live = inspect("user", ada.id);
  CAF_MESSAGE(live.dump());
  CAF_REQUIRE_EQUAL(live["active"], true);
  CAF_CHECK_EQUAL(live["activated"], false);
  CAF_CHECK_EQUAL(live["version"].get<std::string>(), "1");
  CAF_CHECK(live["state"].is_object());
  CAF_CHECK_GREATER_OR_EQUAL(live["messages"].get<int>(), 1);
  CAF_CHECK(!live["last_messages"].empty());
  // Passivated on request, then inactive, until inspected with activate.
  auto p = admin("POST", "/admin/v1/types/user/actors/" + ada.id + "/passivate");
  CAF_CHECK_EQUAL(p["passivated"], true);
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    auto now = inspect("user", ada.id);
    gone = now["active"] == false && now["phase"] == "inactive";
    if (!gone)
      std::this_thread::sleep_for(10ms);
  }
  CAF_REQUIRE(gone);
  CAF_CHECK(!listed("user", ada.id));
  auto again = admin("POST", "/admin/v1/types/user/actors/" + ada.id + "/passivate");
  CAF_CHECK_EQUAL(again["passivated"], false);
  auto back = inspect("user", ada.id, "?activate=true");
  CAF_CHECK_EQUAL(back["active"], true);
  CAF_CHECK_EQUAL(back["activated"], true);
  CAF_CHECK(listed("user", ada.id));
}

CAF_TEST(actors lists active entities and refuses bad queries) {
  auto ada = join("ada");
  for (int i = 0; i < 3; ++i)
    touch(ada, i);
  auto top = admin("GET", "/admin/v1/types/user/actors?top=messages&limit=5");
  CAF_CHECK_EQUAL(top["type"].get<std::string>(), "user");
  CAF_REQUIRE(!top["actors"].empty());
  CAF_CHECK_LESS_OR_EQUAL(top["actors"].size(), 5u);
  CAF_CHECK_EQUAL(top["actors"][0]["key"].get<std::string>(), ada.id);
  CAF_CHECK_GREATER_OR_EQUAL(top["actors"][0]["messages"].get<int>(), 3);
  CAF_CHECK_EQUAL(admin_call("GET", "/admin/v1/types/user/actors?top=size").status, 400);
  CAF_CHECK_EQUAL(admin_call("GET", "/admin/v1/types/user/actors?limit=0").status, 400);
  CAF_CHECK_EQUAL(admin_call("GET", "/admin/v1/types/nosuch/actors").status, 404);
  CAF_CHECK_EQUAL(admin_call("POST", "/admin/v1/types/nosuch/actors/1/passivate").status, 404);
}

CAF_TEST(a trace stops at its count or its time) {
  auto ada = join("ada");
  auto traced = std::async(std::launch::async, [this, &ada] {
    return admin_call("POST", "/admin/v1/types/user/actors/" + ada.id + "/trace",
                      R"({"count": 3, "seconds": 20})");
  });
  std::this_thread::sleep_for(200ms);  // the trace reaches the entity first
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 50 && traced.wait_for(20ms) != std::future_status::ready; ++i)
    touch(ada, i);
  CAF_REQUIRE(traced.wait_for(10s) == std::future_status::ready);
  auto res = traced.get();
  CAF_REQUIRE_EQUAL(res.status, 200);
  auto doc = res.json();
  CAF_MESSAGE(doc.dump());
  CAF_CHECK_EQUAL(doc["stopped"].get<std::string>(), "count");
  CAF_REQUIRE_EQUAL(doc["messages"].size(), 3u);
  for (auto& m : doc["messages"]) {
    CAF_CHECK(m["message"].get<std::string>().find("profile_update") != std::string::npos);
    CAF_CHECK_EQUAL(m["outcome"].get<std::string>(), "ok");
  }
  CAF_CHECK_LESS(std::chrono::steady_clock::now() - started, 10s);
  // Nothing handled: the time bound ends it.
  auto quiet = admin_call("POST", "/admin/v1/types/user/actors/" + ada.id + "/trace",
                          R"({"count": 50, "seconds": 0.5})");
  CAF_REQUIRE_EQUAL(quiet.status, 200);
  CAF_CHECK_EQUAL(quiet.json()["stopped"].get<std::string>(), "time");
  CAF_CHECK_EQUAL(quiet.json()["messages"].size(), 0u);
  auto path = "/admin/v1/types/user/actors/" + ada.id + "/trace";
  CAF_CHECK_EQUAL(admin_call("POST", path, R"({"count": 0})").status, 400);
  CAF_CHECK_EQUAL(admin_call("POST", path, R"({"count": 5000})").status, 400);
  CAF_CHECK_EQUAL(admin_call("POST", path, R"({"seconds": 600})").status, 400);
  CAF_CHECK_EQUAL(admin_call("POST", path, R"([1, 2])").status, 400);
}

CAF_TEST(supervisors show the tree with the entity hosts) {
  auto doc = admin("GET", "/admin/v1/supervisors");
  CAF_MESSAGE(doc.dump());
  auto tree = doc["tree"];
  CAF_REQUIRE(tree.is_object());
  CAF_CHECK(!tree["name"].get<std::string>().empty());
  bool host = false;
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& node) {
    for (auto& c : node["children"]) {
      if (c["name"].get<std::string>() == "host:user") {
        host = true;
        CAF_CHECK_EQUAL(c["state"].get<std::string>(), "running");
        CAF_CHECK_EQUAL(c["restarts"].get<int>(), 0);
      }
      walk(c);
    }
  };
  walk(tree);
  CAF_CHECK(host);
}

CAF_TEST(metrics come as JSON by pattern and as Prometheus text) {
  join("ada");
  auto doc = admin("GET", "/admin/v1/metrics?pattern=griddle_entity_activations");
  CAF_REQUIRE(!doc["metrics"].empty());
  for (auto& m : doc["metrics"]) {
    CAF_CHECK(m["name"].get<std::string>().find("griddle_entity_activations") != std::string::npos);
    CAF_CHECK_EQUAL(m["kind"].get<std::string>(), "counter");
  }
  auto glob = admin("GET", "/admin/v1/metrics?pattern=griddle_http_*_total");
  CAF_REQUIRE(!glob["metrics"].empty());
  CAF_CHECK_EQUAL(admin_call("GET", "/admin/v1/metrics?pattern=%zz").status, 400);
  test::http_connection conn{node.admin_port()};
  CAF_CHECK_EQUAL(conn.request("GET", "/metrics").status, 401);
  auto text = admin_call("GET", "/metrics");
  CAF_CHECK_EQUAL(text.status, 200);
  CAF_CHECK(text.body.find("# TYPE griddle_entity_activations_total counter") != std::string::npos);
}

CAF_TEST(the admin port serves well formed Prometheus text) {
  auto ada = join("ada");
  touch(ada, 1);
  auto res = admin_call("GET", "/metrics");
  CAF_REQUIRE_EQUAL(res.status, 200);
  // Every sample: NAME{LABELS} VALUE, its name declared by a # TYPE line.
  std::regex sample{R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?[0-9.e+]+|\+Inf|NaN)$)"};
  std::set<std::string> declared;
  std::istringstream in{res.body};
  std::string line;
  size_t samples = 0;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream words{line.substr(7)};
      std::string name, kind;
      words >> name >> kind;
      CAF_CHECK(kind == "counter" || kind == "gauge" || kind == "histogram");
      declared.insert(name);
      continue;
    }
    std::smatch m;
    if (!std::regex_match(line, m, sample)) {
      CAF_FAIL("not a sample line: " << line);
    }
    ++samples;
    auto name = m[1].str();
    for (auto suffix : {"_bucket", "_sum", "_count"})
      if (declared.count(name) == 0 && name.size() > std::strlen(suffix) &&
          name.compare(name.size() - std::strlen(suffix), std::string::npos, suffix) == 0)
        name.resize(name.size() - std::strlen(suffix));
    CAF_CHECK(declared.count(name) != 0);
  }
  CAF_CHECK_GREATER(samples, 50u);
  for (auto name : {"griddle_http_requests_total", "griddle_http_request_duration_seconds",
                    "griddle_entities_active", "griddle_entity_activations_total",
                    "griddle_entity_passivations_total", "griddle_entity_restarts_total",
                    "griddle_entity_mailbox_messages", "griddle_entity_mailbox_max",
                    "griddle_entity_message_latency_ns_seconds"})
    if (declared.count(name) == 0)
      CAF_FAIL("no # TYPE line for " << name);
  CAF_CHECK(res.body.find("griddle_entity_activations_total{type=\"user\"}") != std::string::npos);
}

CAF_TEST(mutating requests go to the audit log with who and what) {
  auto ada = join("ada");
  auto res =
      admin_call("POST", "/admin/v1/types/user/actors/" + ada.id + "/passivate", {}, "alice");
  CAF_CHECK_EQUAL(res.status, 200);
  admin_call("GET", "/admin/v1/types", {}, "bob");  // reads are not audited
  std::ifstream in{audit_file};
  std::string line;
  std::vector<nlohmann::json> lines;
  while (std::getline(in, line))
    lines.push_back(nlohmann::json::parse(line));
  CAF_REQUIRE_EQUAL(lines.size(), 1u);
  CAF_MESSAGE(lines[0].dump());
  CAF_CHECK_EQUAL(lines[0]["operator"].get<std::string>(), "alice");
  CAF_CHECK_EQUAL(lines[0]["method"].get<std::string>(), "POST");
  CAF_CHECK_EQUAL(lines[0]["target"].get<std::string>(),
                  "/admin/v1/types/user/actors/" + ada.id + "/passivate");
  CAF_CHECK(lines[0]["at"].get<std::string>().size() >= 20);
  CAF_CHECK(lines[0]["client"].get<std::string>().find("127.0.0.1") != std::string::npos);
}

CAF_TEST(griddle admin one shot commands against the node) {
  auto ada = join("ada");
  // Runs griddle-admin with `args`; returns its exit code and stdout.
  auto run = [this](const std::string& args, const std::string& token = admin_token) {
    auto cmd = std::string{GRIDDLE_ADMIN_BINARY} +
               " --url http://127.0.0.1:" + std::to_string(node.admin_port()) + " --token " +
               token + " " + args + " 2>/dev/null";
    std::string out;
    auto* pipe = ::popen(cmd.c_str(), "r");
    CAF_REQUIRE(pipe != nullptr);
    char buf[4096];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0)
      out.append(buf, n);
    auto status = ::pclose(pipe);
    return std::make_pair(WIFEXITED(status) ? WEXITSTATUS(status) : -1, out);
  };
  auto [rc, out] = run("--json types");
  CAF_CHECK_EQUAL(rc, 0);
  auto doc = nlohmann::json::parse(out, nullptr, false);
  CAF_REQUIRE(doc.is_object());
  bool user = false;
  for (auto& t : doc["types"])
    user = user || t["name"] == "user";
  CAF_CHECK(user);
  auto inspected = run("--json inspect user " + ada.id);
  CAF_CHECK_EQUAL(inspected.first, 0);
  auto one = nlohmann::json::parse(inspected.second, nullptr, false);
  CAF_CHECK_EQUAL(one["active"], true);
  CAF_CHECK_EQUAL(one["key"].get<std::string>(), ada.id);
  auto none = run("inspect user 4242424242");
  CAF_CHECK_EQUAL(none.first, 0);
  CAF_CHECK(none.second.find("is not active") != std::string::npos);
  CAF_CHECK_EQUAL(run("trace user " + ada.id + " --count 0").first, 2);
  CAF_CHECK_EQUAL(run("actors nosuch").first, 1);
  CAF_CHECK_EQUAL(run("types", "wrong-token-0123456789").first, 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
