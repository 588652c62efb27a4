// griddle-admin's pure parts: splitting a line into words, each command's
// request (method, target, JSON body), usage errors with exit code 2,
// settings precedence (flags > environment > config file), renderings that
// carry the key figures, and exit codes over a stand-in transport.
#define CAF_SUITE admin_cli
#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "admin/admin_client.hpp"
#include "admin/command_line.hpp"
#include "admin/commands.hpp"
#include "admin/invocation.hpp"
#include "admin/render.hpp"
#include "admin/run_command.hpp"
#include "admin/usage_error.hpp"
#include "admin_cli_helpers.hpp"

#include <unistd.h>

using namespace griddle::admin;
using griddle::test::env_of;
using griddle::test::error_of;
using griddle::test::has;
using griddle::test::rendered;
using griddle::test::request_of;

namespace {

/// Whether `f` throws usage_error.
template <class F>
bool rejects(F f) {
  try {
    f();
  } catch (const usage_error&) {
    return true;
  }
  return false;
}

using args = std::vector<std::string>;

const char* ghost_status = R"({"type": "feed", "stable": "1", "candidate": "2", "phase": "ghost",
  "mirror_percent": 100.0, "noise_floor": true, "ramp_percent": 0.0,
  "guard": {"enabled": true, "max_mismatch_rate": 0.01, "max_error_rate_increase": 0.01,
            "max_p99_ratio": 2.0, "p99_slack_ms": 1.0, "min_samples": 100, "window_s": 30},
  "last_outcome": "rolled back 3: by the guard: mismatch rate 5.00%", "rollout_id": 2,
  "history": [{"at_ms": 1795734604000, "what": "ghost 2 beside 1 on 100% of keys"}],
  "versions": ["1", "2", "3"],
  "stats": {"mirrored": 1300, "compared": 1200, "mismatched": 3, "noise_suppressed": 40,
    "ghost_failures": 0, "window_s": 30,
    "window": {"comparisons": {"count": 1200, "flagged": 3, "rate": 0.0025, "p50_ms": 0, "p99_ms": 0},
               "live": {"count": 1200, "flagged": 0, "rate": 0, "p50_ms": 0.2, "p99_ms": 0.41},
               "ghost": {"count": 1200, "flagged": 0, "rate": 0, "p50_ms": 0.3, "p99_ms": 0.52}},
    "mismatches_by_message": {"get": 3}, "noisy_fields": ["/reply/nonce"]}})";

}  // namespace

CAF_TEST(lines split at blanks with double quotes grouping) {
  auto words = split_words(R"(  rollout rollback  feed "bad \"latency\" spike"  "" x)");
  args want{"rollout", "rollback", "feed", R"(bad "latency" spike)", "", "x"};
  CAF_CHECK_EQUAL(words, want);
  auto glued = split_words(R"(--users="4 2",43)");
  auto want_glued = args{"--users=4 2,43"};
  CAF_CHECK_EQUAL(glued, want_glued);
  CAF_CHECK(split_words(" \t ").empty());
  auto unclosed = std::string{};
  try {
    split_words(R"(rollout rollback feed "oops)");
  } catch (const usage_error& e) {
    unclosed = e.what();
  }
  CAF_CHECK_EQUAL(unclosed, "unclosed double quote");
}

CAF_TEST(rollout commands map to their requests) {
  CAF_CHECK_EQUAL(request_of("rollout status"), "GET /admin/v1/rollouts");
  CAF_CHECK_EQUAL(request_of("rollout status feed"), "GET /admin/v1/rollouts/feed");
  CAF_CHECK_EQUAL(request_of("rollout ghost feed 2"),
                  R"(POST /admin/v1/rollouts/feed/start {"candidate":"2","mirror_percent":100,)"
                  R"("noise_floor":true})");
  CAF_CHECK_EQUAL(request_of("rollout ghost feed 3 --mirror 12.5 --no-noise-floor"),
                  R"(POST /admin/v1/rollouts/feed/start {"candidate":"3","mirror_percent":12.5,)"
                  R"("noise_floor":false})");
  CAF_CHECK_EQUAL(request_of("rollout ramp feed 25"),
                  R"(POST /admin/v1/rollouts/feed/ramp {"percent":25})");
  CAF_CHECK_EQUAL(request_of("rollout schedule feed 1,5,25,50,100 --hold=30 --promote-at-end"),
                  R"(POST /admin/v1/rollouts/feed/schedule {"hold_s":30,"promote_at_end":true,)"
                  R"("steps":[1,5,25,50,100]})");
  CAF_CHECK_EQUAL(request_of("rollout schedule feed 0.5,2"),
                  R"(POST /admin/v1/rollouts/feed/schedule {"hold_s":60,"promote_at_end":false,)"
                  R"("steps":[0.5,2]})");
  CAF_CHECK_EQUAL(request_of("rollout promote feed"), "POST /admin/v1/rollouts/feed/promote {}");
  CAF_CHECK_EQUAL(request_of("rollout rollback feed"), "POST /admin/v1/rollouts/feed/rollback {}");
  CAF_CHECK_EQUAL(request_of(R"(rollout rollback feed p99 "too high" again)"),
                  R"(POST /admin/v1/rollouts/feed/rollback {"reason":"p99 too high again"})");
  CAF_CHECK_EQUAL(request_of("rollout guard feed --off"),
                  R"(POST /admin/v1/rollouts/feed/guard {"enabled":false})");
  CAF_CHECK_EQUAL(
      request_of("rollout guard feed --on --max-mismatch-rate 2% --max-error-rate-increase 0.01 "
                 "--max-p99-ratio 3 --p99-slack-ms 1.5 --min-samples 50 --window 60"),
      R"(POST /admin/v1/rollouts/feed/guard {"enabled":true,"max_error_rate_increase":0.01,)"
      R"("max_mismatch_rate":0.02,"max_p99_ratio":3,"min_samples":50,"p99_slack_ms":1.5,)"
      R"("window_s":60})");
  CAF_CHECK_EQUAL(request_of("rollout mismatches feed"), "GET /admin/v1/rollouts/feed/mismatches");
  auto limited = parse_command(split_words("rollout mismatches feed --limit 5"));
  CAF_CHECK_EQUAL(limited.limit, 5u);
  CAF_CHECK(limited.shows == view::mismatches);
  auto watch = parse_command(split_words("rollout watch feed --interval 0.5 --count 3"));
  CAF_REQUIRE(watch.watch.has_value());
  CAF_CHECK_EQUAL(watch.watch->interval_s, 0.5);
  CAF_CHECK_EQUAL(watch.watch->count, 3u);
  CAF_CHECK_EQUAL(watch.request.target, "/admin/v1/rollouts/feed");
  auto forever = parse_command(split_words("rollout watch feed"));
  CAF_CHECK_EQUAL(forever.watch->interval_s, 1.0);
  CAF_CHECK_EQUAL(forever.watch->count, 0u);
  CAF_CHECK_EQUAL(request_of("rollout status a/b"), "GET /admin/v1/rollouts/a%2Fb");
}

CAF_TEST(flag commands map to their requests) {
  CAF_CHECK_EQUAL(request_of("flags"), "GET /admin/v1/flags");
  CAF_CHECK_EQUAL(request_of("toggle list"), "GET /admin/v1/flags");
  CAF_CHECK_EQUAL(request_of("experiment list"), "GET /admin/v1/flags");
  CAF_CHECK_EQUAL(request_of("toggle set new-inbox"),
                  R"(PUT /admin/v1/toggles/new-inbox {"enabled":true,"name":"new-inbox",)"
                  R"("percentage_bp":0,"rules":[]})");
  CAF_CHECK_EQUAL(
      request_of("toggle set online-roulette --percent 25 --users 42,43 --cities Berlin "
                 "--age 18-30"),
      R"(PUT /admin/v1/toggles/online-roulette {"enabled":true,"name":"online-roulette",)"
      R"("percentage_bp":2500,"rules":[{"age_max":30,"age_min":18,"cities":["Berlin"],)"
      R"("user_ids":["42","43"]}]})");
  CAF_CHECK_EQUAL(request_of("toggle set x --off --percent 0.5 --age 18-"),
                  R"(PUT /admin/v1/toggles/x {"enabled":false,"name":"x","percentage_bp":50,)"
                  R"("rules":[{"age_min":18}]})");
  CAF_CHECK_EQUAL(request_of("toggle delete x"), "DELETE /admin/v1/toggles/x");
  CAF_CHECK_EQUAL(request_of("experiment set feed-ranking control=1 matched_first=3"),
                  R"(PUT /admin/v1/experiments/feed-ranking {"arms":[{"name":"control",)"
                  R"("weight":1},{"name":"matched_first","weight":3}],"enabled":true,)"
                  R"("name":"feed-ranking","rules":[]})");
  CAF_CHECK_EQUAL(request_of("experiment set e a=1 --off --reshuffle"),
                  R"(PUT /admin/v1/experiments/e?reshuffle=true {"arms":[{"name":"a",)"
                  R"("weight":1}],"enabled":false,"name":"e","rules":[]})");
  CAF_CHECK_EQUAL(request_of("experiment delete e"), "DELETE /admin/v1/experiments/e");
  CAF_CHECK_EQUAL(request_of("experiment results e"), "GET /admin/v1/experiments/e/results");
  auto help = parse_command(split_words("help"));
  CAF_CHECK(help.help);
}

CAF_TEST(bad command lines are usage errors naming the command usage) {
  std::string usage;
  CAF_CHECK_EQUAL(error_of("rollout ramp feed", &usage), "missing PERCENT");
  CAF_CHECK_EQUAL(usage, "rollout ramp TYPE PERCENT");
  CAF_CHECK(has(error_of("rollout ramp feed 101"), "bad PERCENT '101'"));
  CAF_CHECK(has(error_of("rollout ramp feed 2x"), "bad PERCENT '2x'"));
  CAF_CHECK(has(error_of("rollout ramp feed 25 26"), "unexpected argument '26'"));
  CAF_CHECK(has(error_of("rollout ghost feed"), "missing VERSION"));
  CAF_CHECK(has(error_of("rollout ghost feed 2 --mirror"), "--mirror needs a value"));
  CAF_CHECK(has(error_of("rollout ghost feed 2 --fast"), "unknown option --fast"));
  CAF_CHECK(has(error_of("rollout schedule feed 1,,5"), "empty item"));
  CAF_CHECK(has(error_of("rollout schedule feed 1,5 --hold 0"), "bad --hold SECONDS '0'"));
  CAF_CHECK(has(error_of("rollout guard feed"), "nothing to change"));
  CAF_CHECK(has(error_of("rollout guard feed --on --off"), "exclude each other"));
  CAF_CHECK(has(error_of("rollout guard feed --max-mismatch-rate 2"), "--max-mismatch-rate"));
  CAF_CHECK(has(error_of("rollout mismatches feed --limit -1"), "bad --limit"));
  CAF_CHECK(has(error_of("rollout watch feed --interval 0"), "bad --interval"));
  CAF_CHECK(has(error_of("rollout status feed --json"), "unknown option --json"));
  CAF_CHECK(has(error_of("rollout"), "rollout needs one of: status, ghost"));
  CAF_CHECK(has(error_of("rollout launch feed"), "unknown command 'rollout launch'"));
  CAF_CHECK(has(error_of("deploy"), "unknown command 'deploy'"));
  CAF_CHECK(has(error_of(""), "no command"));
  CAF_CHECK(has(error_of("toggle set x --age 30-18"), "MIN exceeds MAX"));
  CAF_CHECK(has(error_of("toggle set x --percent 25 --percent 30"), "given twice"));
  CAF_CHECK(has(error_of("experiment set e", &usage), "missing ARM=WEIGHT"));
  CAF_CHECK(has(usage, "experiment set NAME ARM=WEIGHT"));
  CAF_CHECK(has(error_of("experiment set e control"), "bad arm 'control'"));
  CAF_CHECK(has(error_of("experiment set e a=-1"), "bad WEIGHT"));
  CAF_CHECK(has(error_of("flags extra"), "unexpected argument"));
  // Through run_command: exit code 2, the usage line, nothing sent.
  int sent = 0;
  transport count = [&](const http_request&) {
    ++sent;
    return http_response{200, "{}"};
  };
  std::ostringstream out;
  std::ostringstream err;
  auto rc = run_command("rollout ramp feed lots", settings{}, count, out, err);
  CAF_CHECK_EQUAL(rc, 2);
  CAF_CHECK_EQUAL(sent, 0);
  CAF_CHECK(has(err.str(), "usage: rollout ramp TYPE PERCENT"));
}

CAF_TEST(settings come from flags then environment then config file) {
  auto file = parse_config("# the staging node\n\n url = http://10.0.0.5:9000 \ntoken=file-t\n",
                           "admin.conf");
  auto env = from_environment(
      env_of({{"GRIDDLE_ADMIN_URL", "http://127.0.0.1:9001"}, {"GRIDDLE_ADMIN_TOKEN", ""}}));
  setting_values flags;
  flags.token = "flag-t";
  auto s = resolve_settings(flags, env, file);
  CAF_CHECK_EQUAL(s.url, "http://127.0.0.1:9001");  // environment beats the file
  CAF_CHECK_EQUAL(s.token, "flag-t");               // a flag beats both
  flags.url = "http://[::1]:9002";
  s = resolve_settings(flags, env, file);
  CAF_CHECK_EQUAL(s.url, "http://[::1]:9002");
  s = resolve_settings({}, {}, file);
  CAF_CHECK_EQUAL(s.url, "http://10.0.0.5:9000");
  CAF_CHECK_EQUAL(s.token, "file-t");  // an empty variable is unset
  s = resolve_settings({}, {}, {});
  CAF_CHECK_EQUAL(s.url, "http://127.0.0.1:8081");
  CAF_CHECK_EQUAL(s.token, "");
  auto xdg = default_config_path(env_of({{"XDG_CONFIG_HOME", "/x"}, {"HOME", "/h"}}));
  CAF_CHECK_EQUAL(xdg, "/x/griddle/admin.conf");
  auto home = default_config_path(env_of({{"HOME", "/h"}}));
  CAF_CHECK_EQUAL(home, "/h/.config/griddle/admin.conf");
  auto bad_key = std::string{};
  try {
    parse_config("url = http://a:1\nuser = me\n", "admin.conf");
  } catch (const usage_error& e) {
    bad_key = e.what();
  }
  CAF_CHECK(has(bad_key, "admin.conf:2"));
  setting_values https;
  https.url = "https://127.0.0.1:8081";
  CAF_CHECK(rejects([&] { resolve_settings(https, {}, {}); }));
  auto to = parse_url("http://localhost:8081/");
  CAF_CHECK_EQUAL(to.host, "localhost");
  CAF_CHECK_EQUAL(to.port, "8081");
  CAF_CHECK(rejects([&] { parse_url("http://127.0.0.1:8081/admin"); }));
  CAF_CHECK(rejects([&] { parse_url("http://127.0.0.1:99999"); }));
}

CAF_TEST(program options pick the config file and the token file) {
  auto dir = std::string{"/tmp/griddle_admin_cli_test_"} + std::to_string(::getpid());
  auto conf = dir + ".conf";
  auto token = dir + ".token";
  std::ofstream(conf) << "url = http://127.0.0.1:7000\ntoken = from-file\n";
  std::ofstream(token) << "  from-token-file  \nsecond line\n";
  auto env = env_of({{"GRIDDLE_ADMIN_TOKEN", "from-env"}});
  auto how = parse_invocation(args{"--config", conf, "--json", "rollout", "status"});
  CAF_CHECK(how.json);
  auto want_words = args{"rollout", "status"};
  CAF_CHECK_EQUAL(how.words, want_words);
  auto s = load_settings(how, env);
  CAF_CHECK_EQUAL(s.url, "http://127.0.0.1:7000");
  CAF_CHECK_EQUAL(s.token, "from-env");
  CAF_CHECK(s.json);
  how = parse_invocation(args{"--config=" + conf, "--token-file", token, "-c", "flags"});
  CAF_CHECK_EQUAL(how.line.value_or(""), "flags");
  s = load_settings(how, env);
  CAF_CHECK_EQUAL(s.token, "from-token-file");
  CAF_CHECK(rejects([&] {
    parse_invocation(args{"--token", "a", "--token-file", token, "flags"});
  }));
  CAF_CHECK(rejects([&] { parse_invocation(args{"-c", "flags", "flags"}); }));
  CAF_CHECK(rejects([&] { parse_invocation(args{"--colour", "flags"}); }));
  CAF_CHECK(rejects([&] {
    load_settings(parse_invocation(args{"--config", dir + ".none", "flags"}), env);
  }));
  std::remove(conf.c_str());
  std::remove(token.c_str());
}

CAF_TEST(a ghost status renders its key figures) {
  auto text = rendered(view::status, ghost_status);
  CAF_MESSAGE("rendered:\n" << text);
  CAF_CHECK(has(text,
                "feed: phase ghost, stable 1, candidate 2 (mirroring 100% of keys, noise "
                "floor on)\n"));
  CAF_CHECK(has(text,
                "compared 1200, mismatched 3 (0.25%), noise suppressed 40, ghost "
                "failures 0\n"));
  CAF_CHECK(has(text, "window 30 s: live p99 0.41 ms, ghost p99 0.52 ms; mismatch rate 0.25%\n"));
  CAF_CHECK(has(text, "by message: get 3\n"));
  CAF_CHECK(has(text, "noisy fields: /reply/nonce\n"));
  CAF_CHECK(has(text,
                "guard: on, mismatch <= 1.00%, error increase <= 1.00 pt, p99 <= 2.00 x + "
                "1.00 ms, min 100 samples"));
  CAF_CHECK(has(text, "last: rolled back 3: by the guard"));
  CAF_CHECK(has(text, "    2026-11-26 23:10:04  ghost 2 beside 1 on 100% of keys\n"));
  auto list = rendered(view::status_list, std::string{R"({"rollouts": [)"} + ghost_status + ", " +
                                              ghost_status + "]}");
  CAF_CHECK_EQUAL(list, text + "\n" + text);
}

CAF_TEST(a ramp status renders the two sides and the schedule) {
  auto text = rendered(view::status, R"({"type": "feed", "stable": "1", "candidate": "2",
    "phase": "ramp", "ramp_percent": 25.0, "history": [],
    "schedule": {"steps_percent": [1, 5, 25, 50], "hold_s": 60, "promote_at_end": true,
                 "reached": 2, "next_at_ms": 1795734604000},
    "stats": {"window_s": 30, "window": {
      "stable": {"count": 800, "flagged": 0, "rate": 0, "p50_ms": 0.2, "p99_ms": 0.41},
      "candidate": {"count": 200, "flagged": 1, "rate": 0.005, "p50_ms": 0.3, "p99_ms": 0.52}}}})");
  CAF_MESSAGE("rendered:\n" << text);
  CAF_CHECK(has(text, "feed: phase ramp, stable 1, candidate 2 (25% of keys on the candidate)\n"));
  CAF_CHECK(has(text,
                "schedule: 1% 5% 25% 50%, hold 60 s, at step 3 of 4, next at 2026-11-26 "
                "23:10:04, then promote\n"));
  CAF_CHECK(has(text,
                "window 30 s: stable 800 requests, 0.00% errors, p99 0.41 ms; candidate "
                "200 requests, 0.50% errors, p99 0.52 ms\n"));
}

CAF_TEST(mismatches and results render their figures) {
  auto text = rendered(view::mismatches, R"json({"type": "feed", "samples": [{"key": "42",
    "at_ms": 1795734604000, "message": "(get)", "message_kind": "get", "live": {}, "ghost": {},
    "diff": ["/reply/items/0/kind: \"matched\" -> \"liked\""]}]})json");
  CAF_CHECK(has(text, "feed: 1 mismatch sample, newest last\n"));
  CAF_CHECK(has(text, "  2026-11-26 23:10:04  key 42  (get)\n"));
  CAF_CHECK(has(text, "    /reply/items/0/kind: \"matched\" -> \"liked\"\n"));
  auto none = rendered(view::mismatches, R"({"type": "feed", "samples": []})");
  CAF_CHECK_EQUAL(none, "feed: no mismatch samples\n");
  auto results = rendered(view::results, R"({"experiment": "feed-ranking", "arms": [
    {"arm": "control", "exposures": 1000, "requests": 5000, "errors": 5, "p50_ms": 0.4,
     "p99_ms": 1.2},
    {"arm": "matched_first", "exposures": 990, "requests": 4800, "errors": 48, "p50_ms": 0.5,
     "p99_ms": 1.9}]})");
  CAF_MESSAGE("rendered:\n" << results);
  CAF_CHECK(has(results, "feed-ranking:\n  ARM            EXPOSURES  REQUESTS  ERRORS"));
  CAF_CHECK(
      has(results, "  control             1000      5000       5       0.10%    0.40    1.20"));
  CAF_CHECK(
      has(results, "  matched_first        990      4800      48       1.00%    0.50    1.90"));
  auto flags = rendered(view::flags, R"({"toggles": [{"name": "online-roulette", "enabled": true,
    "percentage_bp": 2500, "rules": [{"user_ids": ["42"]}, {"cities": ["Berlin"], "age_min": 18,
    "age_max": 30}]}], "experiments": [{"name": "feed-ranking", "enabled": true, "arms": [
    {"name": "control", "weight": 1}, {"name": "ranked", "weight": 3}], "rules": [],
    "generation": 0, "allocation": [{"from": 0, "to": 2500, "arm": "control"},
    {"from": 2500, "to": 10000, "arm": "ranked"}]}]})");
  CAF_MESSAGE("rendered:\n" << flags);
  CAF_CHECK(has(flags, "online-roulette  on       25%  users 42; cities Berlin, age 18-30\n"));
  CAF_CHECK(has(flags, "feed-ranking  on              0  control=1 (25%), ranked=3 (75%)\n"));
}

CAF_TEST(answers map to exit codes and output) {
  std::vector<http_request> sent;
  http_response answer{200, ghost_status};
  bool reachable = true;
  transport fake = [&](const http_request& request) {
    sent.push_back(request);
    if (!reachable)
      throw transport_error("Connection refused");
    return answer;
  };
  auto run = [&](const std::string& line, const settings& s, std::string& out, std::string& err) {
    std::ostringstream o;
    std::ostringstream e;
    auto rc = run_command(line, s, fake, o, e);
    out = o.str();
    err = e.str();
    return rc;
  };
  std::string out;
  std::string err;
  settings s;
  CAF_CHECK_EQUAL(run("rollout status feed", s, out, err), 0);
  CAF_CHECK(has(out, "feed: phase ghost"));
  s.json = true;
  CAF_CHECK_EQUAL(run("rollout status feed", s, out, err), 0);
  CAF_CHECK_EQUAL(out, nlohmann::json::parse(ghost_status).dump(2) + "\n");
  answer = {200, R"({"type": "feed", "samples": [{"key": "1"}, {"key": "2"}, {"key": "3"}]})"};
  CAF_CHECK_EQUAL(run("rollout mismatches feed --limit 2", s, out, err), 0);
  auto kept = nlohmann::json::parse(out)["samples"].dump();
  CAF_CHECK_EQUAL(kept, R"([{"key":"2"},{"key":"3"}])");
  answer = {409, R"({"error": {"code": "conflict", "message": "no rollout in progress"}})"};
  CAF_CHECK_EQUAL(run("rollout promote feed", s, out, err), 1);
  CAF_CHECK_EQUAL(err, "error: conflict: no rollout in progress\n");
  answer = {401, R"({"error": {"code": "unauthorized", "message": "bad token"}})"};
  CAF_CHECK_EQUAL(run("flags", s, out, err), 1);
  CAF_CHECK(has(err, "error: unauthorized: bad token\nhint: no token given"));
  answer = {422, R"({"error": {"code": "invalid", "message": "too big", "field": "percent"}})"};
  CAF_CHECK_EQUAL(run("rollout ramp feed 50", s, out, err), 1);
  CAF_CHECK_EQUAL(err, "error: invalid: too big (field percent)\n");
  answer = {503, "overloaded"};
  CAF_CHECK_EQUAL(run("flags", s, out, err), 1);
  CAF_CHECK_EQUAL(err, "error: 503: overloaded\n");
  reachable = false;
  CAF_CHECK_EQUAL(run("flags", s, out, err), 3);
  CAF_CHECK_EQUAL(err, "error: cannot reach http://127.0.0.1:8081: Connection refused\n");
  reachable = true;
  answer = {200, ghost_status};
  sent.clear();
  s.json = false;
  CAF_CHECK_EQUAL(run("rollout watch feed --interval 0.01 --count 3", s, out, err), 0);
  CAF_CHECK_EQUAL(sent.size(), 3u);
  auto rounds = std::count(out.begin(), out.end(), '\x1b');
  CAF_CHECK_EQUAL(rounds, 0);  // not a terminal: no redraw
  CAF_CHECK(has(out, "\n\n-- "));
  s.redraw = true;
  CAF_CHECK_EQUAL(run("rollout watch feed --interval 0.01 --count 2", s, out, err), 0);
  CAF_CHECK(has(out, "\x1b[2J\x1b[H"));
}
