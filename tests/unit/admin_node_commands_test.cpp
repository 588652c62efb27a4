// griddle-admin's commands that look into a node (nodes, types, actors,
// inspect, trace, passivate, supervisors, metrics, watch): the request each
// stands for, usage errors with exit code 2, renderings of sample answers, and
// the operator header every request carries.
#define CAF_SUITE admin_node_commands
#include "caf/test/dsl.hpp"

#include <chrono>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "admin/command_line.hpp"
#include "admin/commands.hpp"
#include "admin/invocation.hpp"
#include "admin/render.hpp"
#include "admin/run_command.hpp"
#include "admin/usage_error.hpp"
#include "admin_cli_helpers.hpp"

using namespace griddle::admin;
using griddle::test::env_of;
using griddle::test::error_of;
using griddle::test::has;
using griddle::test::rendered;
using griddle::test::request_of;

namespace {

/// Runs `line` over a transport that records the requests and answers `body`.
struct recorded_run {
  std::vector<http_request> sent;
  std::string out;
  std::string err;
  int rc = -1;

  recorded_run(const std::string& line, const std::string& body, settings s = {}) {
    transport fake = [&](const http_request& request) {
      sent.push_back(request);
      return http_response{200, body};
    };
    std::ostringstream o;
    std::ostringstream e;
    rc = run_command(line, s, fake, o, e);
    out = o.str();
    err = e.str();
  }
};

std::string header_of(const http_request& request, const std::string& name) {
  for (const auto& [key, value] : request.headers)
    if (key == name)
      return value;
  return "(none)";
}

}  // namespace

CAF_TEST(node commands map to their requests) {
  CAF_CHECK_EQUAL(request_of("nodes"), "GET /admin/v1/nodes");
  CAF_CHECK_EQUAL(request_of("types"), "GET /admin/v1/types");
  CAF_CHECK_EQUAL(request_of("actors feed"),
                  "GET /admin/v1/types/feed/actors?top=messages&limit=20");
  CAF_CHECK_EQUAL(request_of("actors feed --top mailbox --limit 5"),
                  "GET /admin/v1/types/feed/actors?top=mailbox&limit=5");
  CAF_CHECK_EQUAL(request_of("actors feed --top=latency"),
                  "GET /admin/v1/types/feed/actors?top=latency&limit=20");
  CAF_CHECK_EQUAL(request_of("inspect feed u1"), "GET /admin/v1/types/feed/actors/u1");
  CAF_CHECK_EQUAL(request_of("inspect feed u1 --activate"),
                  "GET /admin/v1/types/feed/actors/u1?activate=true");
  CAF_CHECK_EQUAL(request_of(R"(inspect feed "a b/c")"),
                  "GET /admin/v1/types/feed/actors/a%20b%2Fc");
  CAF_CHECK_EQUAL(request_of("trace feed u1"),
                  R"(POST /admin/v1/types/feed/actors/u1/trace {"count":20,"seconds":10})");
  CAF_CHECK_EQUAL(request_of("trace feed u1 --count 5 --seconds 0.5"),
                  R"(POST /admin/v1/types/feed/actors/u1/trace {"count":5,"seconds":0.5})");
  CAF_CHECK_EQUAL(request_of("passivate feed u1"),
                  "POST /admin/v1/types/feed/actors/u1/passivate {}");
  CAF_CHECK_EQUAL(request_of("supervisors"), "GET /admin/v1/supervisors");
  CAF_CHECK_EQUAL(request_of("metrics"), "GET /admin/v1/metrics");
  CAF_CHECK_EQUAL(request_of("metrics griddle_http*"),
                  "GET /admin/v1/metrics?pattern=griddle_http%2A");
  CAF_CHECK_EQUAL(request_of(R"(metrics "a b&c=d")"),
                  "GET /admin/v1/metrics?pattern=a%20b%26c%3Dd");
  auto views_match = parse_command(split_words("nodes")).shows == view::nodes &&
                     parse_command(split_words("types")).shows == view::types &&
                     parse_command(split_words("actors feed")).shows == view::actors &&
                     parse_command(split_words("inspect feed u1")).shows == view::actor &&
                     parse_command(split_words("trace feed u1")).shows == view::trace &&
                     parse_command(split_words("passivate feed u1")).shows == view::passivated &&
                     parse_command(split_words("supervisors")).shows == view::supervisors &&
                     parse_command(split_words("metrics")).shows == view::metrics;
  CAF_CHECK(views_match);
}

CAF_TEST(a trace waits longer than its bound) {
  auto plain = parse_command(split_words("inspect feed u1"));
  CAF_CHECK(!plain.request.timeout.has_value());
  auto trace = parse_command(split_words("trace feed u1 --seconds 45"));
  CAF_REQUIRE(trace.request.timeout.has_value());
  auto ms = trace.request.timeout->count();
  CAF_CHECK_GREATER(ms, 45'000);
  CAF_CHECK_LESS_OR_EQUAL(ms, 60'000);
  auto fallback = parse_command(split_words("trace feed u1"));
  CAF_REQUIRE(fallback.request.timeout.has_value());
  CAF_CHECK_GREATER(fallback.request.timeout->count(), 10'000);
}

CAF_TEST(watch repeats a read only command) {
  auto cmd = parse_command(split_words("watch actors feed --top mailbox --interval 0.5 --count 3"));
  CAF_REQUIRE(cmd.watch.has_value());
  CAF_CHECK_EQUAL(cmd.watch->interval_s, 0.5);
  CAF_CHECK_EQUAL(cmd.watch->count, 3u);
  CAF_CHECK_EQUAL(cmd.request.target, "/admin/v1/types/feed/actors?top=mailbox&limit=20");
  CAF_CHECK(cmd.shows == view::actors);
  auto leading = parse_command(split_words("watch --interval=2 rollout status feed"));
  CAF_REQUIRE(leading.watch.has_value());
  CAF_CHECK_EQUAL(leading.watch->interval_s, 2.0);
  CAF_CHECK_EQUAL(leading.watch->count, 0u);
  CAF_CHECK_EQUAL(leading.request.target, "/admin/v1/rollouts/feed");
  for (auto line : {"watch nodes", "watch types", "watch supervisors", "watch metrics x",
                    "watch inspect feed u1", "watch rollout status"})
    CAF_CHECK_EQUAL(error_of(line), "");
}

CAF_TEST(bad node command lines are usage errors) {
  std::string usage;
  CAF_CHECK_EQUAL(error_of("actors", &usage), "missing TYPE");
  CAF_CHECK(has(usage, "actors TYPE [--top mailbox|latency|messages] [--limit N]"));
  CAF_CHECK(has(error_of("actors feed --top speed"), "bad --top 'speed'"));
  CAF_CHECK(has(error_of("actors feed --limit 0"), "bad --limit '0'"));
  CAF_CHECK(has(error_of("actors feed --limit 1001"), "bad --limit"));
  CAF_CHECK(has(error_of("actors feed extra"), "unexpected argument 'extra'"));
  CAF_CHECK_EQUAL(error_of("inspect feed"), "missing KEY");
  CAF_CHECK(has(error_of("inspect feed u1 u2"), "unexpected argument 'u2'"));
  CAF_CHECK(has(error_of("inspect feed u1 --activate=yes"), "takes no value"));
  CAF_CHECK(has(error_of("trace feed u1 --count 0"), "bad --count '0'"));
  CAF_CHECK(has(error_of("trace feed u1 --count 1001"), "bad --count '1001'"));
  CAF_CHECK(has(error_of("trace feed u1 --seconds 0.05"), "bad --seconds '0.05'"));
  CAF_CHECK(has(error_of("trace feed u1 --seconds 61", &usage), "bad --seconds '61'"));
  CAF_CHECK_EQUAL(usage, "trace TYPE KEY [--count N] [--seconds S]");
  CAF_CHECK(has(error_of("trace feed"), "missing KEY"));
  CAF_CHECK(has(error_of("passivate feed"), "missing KEY"));
  CAF_CHECK(has(error_of("nodes all"), "unexpected argument 'all'"));
  CAF_CHECK(has(error_of("supervisors x"), "unexpected argument"));
  CAF_CHECK(has(error_of("metrics a b"), "unexpected argument 'b'"));
  CAF_CHECK(has(error_of("watch"), "missing COMMAND"));
  CAF_CHECK(has(error_of("watch passivate feed u1"), "cannot watch 'passivate'"));
  CAF_CHECK(has(error_of("watch rollout ramp feed 5"), "cannot watch 'rollout ramp'"));
  CAF_CHECK(has(error_of("watch watch nodes"), "cannot watch 'watch'"));
  CAF_CHECK(has(error_of("watch nodes --interval 0"), "bad --interval"));
  CAF_CHECK(has(error_of("watch nodes --count"), "--count needs a value"));
  CAF_CHECK(has(error_of("watch launch"), "unknown command 'launch'"));
  // Through run_command: exit code 2 and nothing sent.
  recorded_run run{"trace feed u1 --seconds 100", "{}"};
  CAF_CHECK_EQUAL(run.rc, 2);
  CAF_CHECK(run.sent.empty());
  CAF_CHECK(has(run.err, "usage: trace TYPE KEY"));
  recorded_run watched{"watch passivate feed u1", "{}"};
  CAF_CHECK_EQUAL(watched.rc, 2);
  CAF_CHECK(watched.sent.empty());
}

CAF_TEST(nodes and types render as tables) {
  auto nodes = rendered(view::nodes, R"({"nodes": [{"id": "node-1", "address": "127.0.0.1:8080",
    "version": "0.6.0", "uptime_s": 12.5, "load": {"active_entities": 120,
    "requests_per_s": 3500.5, "scheduler_threads": 2}}, {"id": "node-2",
    "address": "127.0.0.1:8090", "version": "0.6.0", "uptime_s": 7384,
    "load": {"active_entities": 7, "requests_per_s": 0, "scheduler_threads": 4}}]})");
  CAF_MESSAGE("rendered:\n" << nodes);
  CAF_CHECK(has(nodes, "NODE    ADDRESS         VERSION  UPTIME  ACTIVE  REQUESTS/S  THREADS\n"));
  CAF_CHECK(has(nodes, "node-1  127.0.0.1:8080  0.6.0     12.5s     120      3500.5        2\n"));
  CAF_CHECK(has(nodes, "node-2  127.0.0.1:8090  0.6.0    2h 03m       7         0.0        4\n"));
  auto none = rendered(view::nodes, R"({"nodes": []})");
  CAF_CHECK_EQUAL(none, "no nodes\n");
  auto types = rendered(view::types, R"({"types": [{"name": "feed", "versions": ["1", "2"],
    "stable": "1", "candidate": "2", "phase": "ramp", "active": 12, "activations": 100,
    "passivations": 88, "restarts": 0, "activations_per_s": 1.5, "passivations_per_s": 0.3,
    "restarts_per_s": 0.0}, {"name": "inbox", "versions": ["1"], "stable": "1",
    "candidate": null, "phase": "none", "active": 3, "activations": 3, "passivations": 0,
    "restarts": 1, "activations_per_s": 0, "passivations_per_s": 0, "restarts_per_s": 0.01}]})");
  CAF_MESSAGE("rendered:\n" << types);
  CAF_CHECK(has(types, "TYPE   VERSIONS  STABLE  CANDIDATE  PHASE  ACTIVE  ACTIVATIONS"));
  CAF_CHECK(has(types,
                "feed   1,2       1       2          ramp       12  100 (1.5/s)  "
                "  88 (0.3/s)     0 (0/s)\n"));
  CAF_CHECK(has(types,
                "inbox  1         1       -          none        3      3 (0/s)  "
                "     0 (0/s)  1 (0.01/s)\n"));
}

CAF_TEST(actors inspect trace and passivate render their figures) {
  auto actors = rendered(view::actors, R"({"type": "feed", "top": "messages", "active": 123,
    "actors": [{"key": "u1", "version": "1", "mailbox": 0, "messages": 12, "mean_ms": 0.21,
    "max_ms": 0.5, "idle_ms": 1500}, {"key": "u22", "version": "2", "mailbox": 4, "messages": 9,
    "mean_ms": 1.5, "max_ms": 12.25, "idle_ms": 95000}]})");
  CAF_MESSAGE("rendered:\n" << actors);
  CAF_CHECK(has(actors, "feed: 123 active, top 2 by messages\n"));
  CAF_CHECK(has(actors, "  KEY  VERSION  MAILBOX  MESSAGES  MEAN MS  MAX MS    IDLE\n"));
  CAF_CHECK(has(actors, "  u1   1              0        12     0.21    0.50    1.5s\n"));
  CAF_CHECK(has(actors, "  u22  2              4         9     1.50   12.25  1m 35s\n"));
  auto inspected = rendered(view::actor, R"json({"type": "feed", "key": "u1", "active": true,
    "activated": false, "version": "1", "mailbox": 0, "messages": 12,
    "state": {"items": [1, 2], "owner": "u1"},
    "last_messages": [{"at_ms": 1764200000000, "message": "(get_atom, 0, 20)",
                       "latency_ms": 0.1, "outcome": "ok"}]})json");
  CAF_MESSAGE("rendered:\n" << inspected);
  CAF_CHECK(has(inspected, "feed/u1: active, version 1, mailbox 0, 12 messages\n"));
  CAF_CHECK(has(inspected,
                "state:\n  {\n    \"items\": [\n      1,\n      2\n    ],\n"
                "    \"owner\": \"u1\"\n  }\n"));
  CAF_CHECK(has(inspected, "last messages:\n"));
  CAF_CHECK(has(inspected, "  23:33:20.000  0.10 ms  ok       (get_atom, 0, 20)\n"));
  auto loaded = rendered(view::actor, R"({"type": "feed", "key": "u9", "active": true,
    "activated": true, "version": "2", "mailbox": 0, "messages": 0, "state": null})");
  CAF_CHECK(has(loaded, "feed/u9: activated now, version 2"));
  CAF_CHECK(has(loaded, "state:\n  null\n"));
  auto inactive = rendered(view::actor, R"({"type": "feed", "key": "u1", "active": false})");
  CAF_CHECK_EQUAL(inactive, "feed/u1 is not active (use --activate to load it)\n");
  auto trace = rendered(view::trace, R"json({"type": "feed", "key": "u1", "stopped": "time",
    "messages": [{"at_ms": 1764200000123, "message": "(get_atom, 0, 20)", "latency_ms": 0.1,
    "outcome": "ok"}, {"at_ms": 1764200001005, "message": "(post_atom, \"hi\")",
    "latency_ms": 12.25, "outcome": "error: unauthorized"}]})json");
  CAF_MESSAGE("rendered:\n" << trace);
  CAF_CHECK(has(trace, "  23:33:20.123   0.10 ms  ok                   (get_atom, 0, 20)\n"));
  CAF_CHECK(has(trace, "  23:33:21.005  12.25 ms  error: unauthorized  (post_atom, \"hi\")\n"));
  CAF_CHECK(has(trace, "stopped after 2 messages (time)\n"));
  auto quiet = rendered(view::trace, R"({"type": "feed", "key": "u1", "stopped": "time",
    "messages": []})");
  CAF_CHECK_EQUAL(quiet, "stopped after 0 messages (time)\n");
  auto passivated =
      rendered(view::passivated, R"({"type": "feed", "key": "u1", "passivated": true})");
  CAF_CHECK_EQUAL(passivated, "feed/u1 passivated\n");
  auto idle = rendered(view::passivated, R"({"type": "feed", "key": "u1", "passivated": false})");
  CAF_CHECK_EQUAL(idle, "feed/u1 was not active\n");
}

CAF_TEST(supervisors and metrics render) {
  auto tree = rendered(view::supervisors, R"({"tree": {"name": "root", "strategy": "one_for_one",
    "restarts": 0, "children": [{"name": "host/feed", "restarts": 1, "children": [
    {"name": "feed/u1", "restarts": 3, "children": []}]}, {"name": "host/inbox",
    "restarts": 0, "children": []}]}})");
  CAF_MESSAGE("rendered:\n" << tree);
  CAF_CHECK_EQUAL(tree,
                  "supervision tree:\n"
                  "  root (one_for_one): 0 restarts\n"
                  "    host/feed: 1 restart\n"
                  "      feed/u1: 3 restarts\n"
                  "    host/inbox: 0 restarts\n");
  auto metrics = rendered(view::metrics, R"({"metrics": [
    {"name": "griddle_http_requests_total", "labels": {"route": "/v1/feed", "status": "200"},
     "kind": "counter", "value": 123},
    {"name": "griddle_active_entities", "labels": {}, "kind": "gauge", "value": 5.5},
    {"name": "griddle_http_request_latency", "labels": {"route": "/v1/feed"},
     "kind": "histogram", "count": 10, "p50_ms": 0.2, "p99_ms": 1.1, "max_ms": 2.0}]})");
  CAF_MESSAGE("rendered:\n" << metrics);
  CAF_CHECK(has(metrics,
                "griddle_http_requests_total{route=\"/v1/feed\",status=\"200\"}  "
                "counter    123\n"));
  CAF_CHECK(has(metrics, "griddle_active_entities  "));
  CAF_CHECK(has(metrics, "gauge      5.5\n"));
  CAF_CHECK(has(metrics, "griddle_http_request_latency{route=\"/v1/feed\"}  "));
  CAF_CHECK(has(metrics, "histogram  count 10, p50 0.20 ms, p99 1.10 ms, max 2.00 ms\n"));
  auto none = rendered(view::metrics, R"({"metrics": []})");
  CAF_CHECK_EQUAL(none, "no metrics\n");
}

CAF_TEST(json prints the server document) {
  settings s;
  s.json = true;
  recorded_run run{"passivate feed u1", R"({"type":"feed","key":"u1","passivated":true})", s};
  CAF_CHECK_EQUAL(run.rc, 0);
  CAF_CHECK_EQUAL(run.out,
                  "{\n  \"key\": \"u1\",\n  \"passivated\": true,\n  \"type\": \"feed\"\n}\n");
}

CAF_TEST(every request names its operator) {
  settings s;
  s.operator_name = "alice";
  recorded_run run{"nodes", R"({"nodes": []})", s};
  CAF_REQUIRE_EQUAL(run.sent.size(), 1u);
  CAF_CHECK_EQUAL(header_of(run.sent[0], "X-Griddle-Operator"), "alice");
  recorded_run watched{"watch types --interval 0.01 --count 2", R"({"types": []})", s};
  CAF_REQUIRE_EQUAL(watched.sent.size(), 2u);
  CAF_CHECK_EQUAL(header_of(watched.sent[1], "X-Griddle-Operator"), "alice");
  // --as, then GRIDDLE_ADMIN_OPERATOR, then USER, then "unknown".
  auto env = env_of({{"GRIDDLE_ADMIN_OPERATOR", "ops-bot"}, {"USER", "bob"}});
  auto from_flag = resolve_operator(std::string{"carol"}, env);
  CAF_CHECK_EQUAL(from_flag, "carol");
  auto from_env = resolve_operator(std::nullopt, env);
  CAF_CHECK_EQUAL(from_env, "ops-bot");
  auto from_user = resolve_operator(std::nullopt, env_of({{"USER", "bob"}}));
  CAF_CHECK_EQUAL(from_user, "bob");
  auto nobody = resolve_operator(std::nullopt, env_of({}));
  CAF_CHECK_EQUAL(nobody, "unknown");
  bool rejected = false;
  try {
    resolve_operator(std::string{"eve\r\nX-Evil: 1"}, env);
  } catch (const usage_error&) {
    rejected = true;
  }
  CAF_CHECK(rejected);
  auto how = parse_invocation({"--as", "dave", "nodes"});
  auto loaded = load_settings(how, env_of({{"USER", "bob"}}));
  CAF_CHECK_EQUAL(loaded.operator_name, "dave");
}

CAF_TEST(a stop request ends a watch quietly) {
  int sent = 0;
  transport fake = [&](const http_request&) {
    ++sent;
    return http_response{200, R"({"nodes": []})"};
  };
  std::ostringstream out;
  std::ostringstream err;
  auto started = std::chrono::steady_clock::now();
  auto rc = run_words(split_words("watch nodes --interval 30"), settings{}, fake, out, err,
                      [&] { return sent >= 1; });
  auto waited = std::chrono::steady_clock::now() - started;
  CAF_CHECK_EQUAL(rc, 0);
  CAF_CHECK_EQUAL(sent, 1);
  CAF_CHECK(waited < std::chrono::seconds{20});
  CAF_CHECK_EQUAL(err.str(), "");
}
