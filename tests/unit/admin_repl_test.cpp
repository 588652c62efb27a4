// The griddle-admin REPL without a terminal: TAB completion as a pure
// function over a catalogue, the session fetching what completion needs,
// built-ins, script mode over a string stream with a stand-in transport, and
// the bounded history file.
#define CAF_SUITE admin_repl
#include "caf/test/dsl.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "admin/completion.hpp"
#include "admin/history.hpp"
#include "admin/invocation.hpp"
#include "admin/repl.hpp"
#include "admin/run_command.hpp"
#include "admin/usage_error.hpp"

using namespace griddle::admin;

namespace {

using words = std::vector<std::string>;

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool contains(const words& list, const std::string& word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

catalogue sample_catalogue() {
  catalogue c;
  c.types = std::map<std::string, words>{{"feed", {"1", "2"}}, {"inbox", {"1"}}};
  c.keys["feed"] = {"u1", "u2", "x9"};
  c.toggles = words{"new-inbox", "online-roulette"};
  c.experiments = words{"feed-ranking"};
  return c;
}

env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    auto i = vars.find(name);
    return i == vars.end() ? nullptr : i->second.c_str();
  };
}

/// A node that answers from canned bodies by target, and records requests.
struct fake_node {
  std::map<std::string, http_response> answers;
  std::vector<http_request> sent;
  std::vector<std::string> connected_to;

  repl_session::connector connector() {
    return [this](const settings& s) -> transport {
      parse_url(s.url);
      connected_to.push_back(s.url);
      return [this](const http_request& request) {
        sent.push_back(request);
        auto i = answers.find(request.target);
        if (i == answers.end())
          return http_response{404, R"({"error": {"code": "not_found", "message": "none"}})"};
        return i->second;
      };
    };
  }

  size_t count(const std::string& target) const {
    size_t n = 0;
    for (const auto& r : sent)
      n += r.target == target ? 1 : 0;
    return n;
  }
};

std::string scratch_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("griddle_admin_repl_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

words lines_of(const std::string& path) {
  words result;
  std::ifstream in{path};
  for (std::string line; std::getline(in, line);)
    result.push_back(line);
  return result;
}

}  // namespace

CAF_TEST(completion offers command words) {
  catalogue none;
  auto rol = complete("rol", none);
  CAF_CHECK_EQUAL(rol, words{"rollout"});
  auto e = complete("e", none);
  CAF_CHECK_EQUAL(e, (words{"exit", "experiment"}));
  auto all = complete("", none);
  for (auto w : {"nodes",   "types", "actors",  "inspect", "trace",      "passivate", "supervisors",
                 "metrics", "watch", "rollout", "toggle",  "experiment", "flags",     "help",
                 "exit",    "quit",  "history", "connect", "json",       "refresh"})
    CAF_CHECK(contains(all, w));
  auto ops = complete("rollout ", none);
  CAF_CHECK_EQUAL(ops, (words{"ghost", "guard", "mismatches", "promote", "ramp", "rollback",
                              "schedule", "status", "watch"}));
  auto st = complete("rollout st", none);
  CAF_CHECK_EQUAL(st, words{"status"});
  auto toggle = complete("  toggle  ", none);
  CAF_CHECK_EQUAL(toggle, (words{"delete", "list", "set"}));
  auto json = complete("json ", none);
  CAF_CHECK_EQUAL(json, (words{"off", "on"}));
  auto nothing = complete("nodes ", none);
  CAF_CHECK(nothing.empty());
  auto unknown = complete("deploy x", none);
  CAF_CHECK(unknown.empty());
}

CAF_TEST(completion offers types keys and versions) {
  auto c = sample_catalogue();
  auto f = complete("inspect f", c);
  CAF_CHECK_EQUAL(f, words{"feed"});
  auto types = complete("rollout status ", c);
  CAF_CHECK_EQUAL(types, (words{"feed", "inbox"}));
  auto traced = complete("trace i", c);
  CAF_CHECK_EQUAL(traced, words{"inbox"});
  auto keys = complete("inspect feed u", c);
  CAF_CHECK_EQUAL(keys, (words{"u1", "u2"}));
  auto all_keys = complete("passivate feed ", c);
  CAF_CHECK_EQUAL(all_keys, (words{"u1", "u2", "x9"}));
  auto after_key = complete("inspect feed u1 ", c);
  CAF_CHECK(after_key.empty());
  auto versions = complete("rollout ghost feed ", c);
  CAF_CHECK_EQUAL(versions, (words{"1", "2"}));
  auto quoted = complete(R"(inspect "fe)", c);
  CAF_CHECK_EQUAL(quoted, words{"feed"});
}

CAF_TEST(completion offers toggle and experiment names) {
  auto c = sample_catalogue();
  auto toggles = complete("toggle set ", c);
  CAF_CHECK_EQUAL(toggles, (words{"new-inbox", "online-roulette"}));
  auto deleted = complete("toggle delete o", c);
  CAF_CHECK_EQUAL(deleted, words{"online-roulette"});
  auto experiments = complete("experiment results ", c);
  CAF_CHECK_EQUAL(experiments, words{"feed-ranking"});
  auto set = complete("experiment set f", c);
  CAF_CHECK_EQUAL(set, words{"feed-ranking"});
}

CAF_TEST(completion offers options and their values) {
  catalogue none;
  auto options = complete("actors feed --", none);
  CAF_CHECK_EQUAL(options, (words{"--limit", "--top"}));
  auto tops = complete("actors feed --top ", none);
  CAF_CHECK_EQUAL(tops, (words{"latency", "mailbox", "messages"}));
  auto m = complete("actors feed --top m", none);
  CAF_CHECK_EQUAL(m, (words{"mailbox", "messages"}));
  auto unused = complete("actors feed --top mailbox --", none);
  CAF_CHECK_EQUAL(unused, words{"--limit"});
  auto activate = complete("inspect feed u1 --a", none);
  CAF_CHECK_EQUAL(activate, words{"--activate"});
  auto guard = complete("rollout guard feed --o", none);
  CAF_CHECK_EQUAL(guard, (words{"--off", "--on"}));
  auto free_value = complete("actors feed --limit ", none);
  CAF_CHECK(free_value.empty());
}

CAF_TEST(completion inside watch offers read only commands) {
  auto c = sample_catalogue();
  auto first = complete("watch ", c);
  CAF_CHECK(contains(first, "nodes"));
  CAF_CHECK(contains(first, "rollout"));
  CAF_CHECK(contains(first, "inspect"));
  CAF_CHECK(!contains(first, "passivate"));
  CAF_CHECK(!contains(first, "trace"));
  CAF_CHECK(!contains(first, "exit"));
  CAF_CHECK(!contains(first, "watch"));
  auto rollout = complete("watch rollout ", c);
  CAF_CHECK_EQUAL(rollout, words{"status"});
  auto type = complete("watch --interval 2 inspect f", c);
  CAF_CHECK_EQUAL(type, words{"feed"});
  auto options = complete("watch nodes --", c);
  CAF_CHECK_EQUAL(options, (words{"--count", "--interval"}));
  auto value = complete("watch --interval ", c);
  CAF_CHECK(value.empty());
}

CAF_TEST(completion says what it lacks) {
  catalogue none;
  CAF_CHECK(needed_for("inspect f", none).types);
  CAF_CHECK(needed_for("rollout ghost feed ", none).types);
  CAF_CHECK(!needed_for("rol", none).any());
  CAF_CHECK(!needed_for("actors feed --top ", none).any());
  CAF_CHECK(needed_for("toggle set ", none).flags);
  auto keys = needed_for("inspect feed ", none).keys_of.value_or("(none)");
  CAF_CHECK_EQUAL(keys, "feed");
  auto c = sample_catalogue();
  CAF_CHECK(!needed_for("inspect f", c).any());
  CAF_CHECK(!needed_for("inspect feed u", c).any());
  auto other = needed_for("inspect inbox ", c).keys_of.value_or("(none)");
  CAF_CHECK_EQUAL(other, "inbox");
}

CAF_TEST(catalogue readers take the documented shapes) {
  catalogue c;
  read_types(nlohmann::json::parse(R"({"types": [{"name": "feed", "versions": ["1", "2"]},
    {"name": "inbox"}, {"versions": ["3"]}, 7]})"),
             c);
  CAF_REQUIRE(c.types.has_value());
  CAF_CHECK_EQUAL(c.types->size(), 2u);
  auto feed = c.types->at("feed");
  CAF_CHECK_EQUAL(feed, (words{"1", "2"}));
  read_keys("feed", nlohmann::json::parse(R"({"actors": [{"key": "u1"}, {"key": 5}]})"), c);
  auto keys = c.keys.at("feed");
  CAF_CHECK_EQUAL(keys, words{"u1"});
  read_flags(nlohmann::json::parse(R"({"toggles": [{"name": "t"}], "experiments": []})"), c);
  CAF_CHECK_EQUAL(c.toggles.value_or(words{}), words{"t"});
  CAF_CHECK(c.experiments.has_value());
  catalogue broken;
  read_types(nlohmann::json{}, broken);
  CAF_CHECK(broken.types.has_value() && broken.types->empty());
  auto keys_target = keys_request("a/b").target;
  CAF_CHECK_EQUAL(keys_target, "/admin/v1/types/a%2Fb/actors?limit=200");
}

CAF_TEST(the session fetches what completion needs once) {
  fake_node node;
  node.answers["/admin/v1/types"] = {200, R"({"types": [{"name": "feed", "versions": ["1"]}]})"};
  node.answers["/admin/v1/types/feed/actors?limit=200"] = {
      200, R"({"type": "feed", "actors": [{"key": "u1"}, {"key": "u2"}]})"};
  node.answers["/admin/v1/flags"] = {200, R"({"toggles": [{"name": "dark-mode"}],
    "experiments": [{"name": "ranking"}]})"};
  settings s;
  s.operator_name = "alice";
  repl_session session{s, node.connector()};
  auto types = session.candidates("inspect f");
  CAF_CHECK_EQUAL(types, words{"feed"});
  auto again = session.candidates("actors ");
  CAF_CHECK_EQUAL(again, words{"feed"});
  CAF_CHECK_EQUAL(node.count("/admin/v1/types"), 1u);
  auto keys = session.candidates("inspect feed ");
  CAF_CHECK_EQUAL(keys, (words{"u1", "u2"}));
  auto toggles = session.candidates("toggle delete d");
  CAF_CHECK_EQUAL(toggles, words{"dark-mode"});
  auto experiments = session.candidates("experiment results ");
  CAF_CHECK_EQUAL(experiments, words{"ranking"});
  CAF_CHECK_EQUAL(node.count("/admin/v1/flags"), 1u);
  CAF_REQUIRE(!node.sent.empty());
  const auto& fetch = node.sent.front();
  CAF_CHECK(fetch.timeout.has_value());
  auto stamped_with = fetch.headers.empty() ? std::string{} : fetch.headers.front().second;
  CAF_CHECK_EQUAL(stamped_with, "alice");
  std::ostringstream out;
  std::ostringstream err;
  CAF_CHECK_EQUAL(session.run_line("refresh", out, err), 0);
  session.candidates("inspect f");
  CAF_CHECK_EQUAL(node.count("/admin/v1/types"), 2u);
  // A node that cannot answer: no candidates, no error, and no retry on every TAB.
  fake_node down;
  repl_session lonely{settings{}, down.connector()};
  auto nothing = lonely.candidates("inspect f");
  CAF_CHECK(nothing.empty());
  lonely.candidates("inspect x");
  CAF_CHECK_EQUAL(down.count("/admin/v1/types"), 1u);
}

CAF_TEST(built ins change the session) {
  fake_node node;
  node.answers["/admin/v1/nodes"] = {200, R"({"nodes": []})"};
  repl_session session{settings{}, node.connector()};
  std::ostringstream out;
  std::ostringstream err;
  CAF_CHECK_EQUAL(session.prompt(), "griddle 127.0.0.1:8081> ");
  CAF_CHECK_EQUAL(session.run_line("json on", out, err), 0);
  CAF_CHECK(session.current().json);
  CAF_CHECK_EQUAL(session.run_line("nodes", out, err), 0);
  CAF_CHECK(has(out.str(), "\"nodes\": []"));
  CAF_CHECK_EQUAL(session.run_line("json maybe", out, err), 2);
  CAF_CHECK(has(err.str(), "usage: json on|off"));
  CAF_CHECK_EQUAL(session.run_line("connect http://10.0.0.7:9000", out, err), 0);
  CAF_CHECK_EQUAL(session.prompt(), "griddle 10.0.0.7:9000> ");
  CAF_CHECK_EQUAL(node.connected_to.back(), "http://10.0.0.7:9000");
  CAF_CHECK_EQUAL(session.run_line("connect https://x", out, err), 2);
  CAF_CHECK_EQUAL(session.prompt(), "griddle 10.0.0.7:9000> ");
  CAF_CHECK_EQUAL(session.run_line("connect", out, err), 2);
  out.str("");
  CAF_CHECK_EQUAL(session.run_line("help", out, err), 0);
  CAF_CHECK(has(out.str(), "connect URL"));
  CAF_CHECK(has(out.str(), "inspect TYPE KEY [--activate]"));
  command_history history{""};
  history.add("nodes");
  history.add("types");
  session.use_history(&history);
  out.str("");
  CAF_CHECK_EQUAL(session.run_line("history", out, err), 0);
  CAF_CHECK_EQUAL(out.str(), "    1  nodes\n    2  types\n");
  CAF_CHECK(!session.finished());
  CAF_CHECK_EQUAL(session.run_line("quit now", out, err), 2);
  CAF_CHECK(!session.finished());
  CAF_CHECK_EQUAL(session.run_line("exit", out, err), 0);
  CAF_CHECK(session.finished());
}

CAF_TEST(script mode runs each line and returns the last failure) {
  fake_node node;
  node.answers["/admin/v1/types"] = {200, R"({"types": []})"};
  node.answers["/admin/v1/nodes"] = {200, R"({"nodes": []})"};
  node.answers["/admin/v1/supervisors"] = {500, "boom"};
  repl_session session{settings{}, node.connector()};
  std::istringstream in{"# a comment\n\n  types  \nactors\nnodes\r\nexit\nnodes\n"};
  std::ostringstream out;
  std::ostringstream err;
  auto rc = run_script(session, in, out, err);
  CAF_CHECK_EQUAL(rc, 2);
  CAF_CHECK_EQUAL(node.count("/admin/v1/types"), 1u);
  CAF_CHECK_EQUAL(node.count("/admin/v1/nodes"), 1u);  // not after exit
  CAF_CHECK(has(out.str(), "no entity types\n"));
  CAF_CHECK(has(out.str(), "no nodes\n"));
  CAF_CHECK(has(err.str(), "error: missing TYPE\n"));
  CAF_CHECK(!has(out.str(), "griddle 127.0.0.1"));  // no prompt
  repl_session later{settings{}, node.connector()};
  std::istringstream mixed{"actors\nsupervisors\ntypes\n"};
  CAF_CHECK_EQUAL(run_script(later, mixed, out, err), 1);
  repl_session fine{settings{}, node.connector()};
  std::istringstream good{"types\nnodes\n"};
  CAF_CHECK_EQUAL(run_script(fine, good, out, err), 0);
  repl_session empty{settings{}, node.connector()};
  std::istringstream nothing{""};
  CAF_CHECK_EQUAL(run_script(empty, nothing, out, err), 0);
}

CAF_TEST(the program reads commands from stdin when it is no terminal) {
  std::istringstream in{"help\nbogus\n"};
  std::ostringstream out;
  std::ostringstream err;
  program_io io{in, out, err, false, false};
  auto rc = run_program({"--url", "http://127.0.0.1:9"}, env_of({}), io);
  CAF_CHECK_EQUAL(rc, 2);
  CAF_CHECK(has(out.str(), "shell commands:"));
  CAF_CHECK(has(err.str(), "unknown command 'bogus'"));
  std::istringstream shell_in{"help\n"};
  program_io shell_io{shell_in, out, err, false, false};
  CAF_CHECK_EQUAL(run_program({"shell"}, env_of({}), shell_io), 0);
  bool both = false;
  try {
    parse_invocation({"-c", "nodes", "shell"});
  } catch (const usage_error&) {
    both = true;
  }
  CAF_CHECK(both);
}

CAF_TEST(the history file keeps the newest lines) {
  auto path = scratch_path("history/admin_history");
  std::filesystem::remove_all(std::filesystem::path{path}.parent_path());
  {
    command_history history{path, 5};
    history.load();
    CAF_CHECK(history.entries().empty());
    for (int i = 1; i <= 7; ++i)
      CAF_CHECK(history.add("inspect feed u" + std::to_string(i)));
    history.add("inspect feed u7");  // a repeat of the newest
    history.add("   ");
    CAF_CHECK_EQUAL(history.entries().size(), 5u);
  }
  auto saved = lines_of(path);
  CAF_CHECK_EQUAL(saved, (words{"inspect feed u3", "inspect feed u4", "inspect feed u5",
                                "inspect feed u6", "inspect feed u7"}));
  auto mode = std::filesystem::status(path).permissions() & std::filesystem::perms::all;
  CAF_CHECK(mode == (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  command_history smaller{path, 3};
  smaller.load();
  CAF_CHECK_EQUAL(smaller.entries().front(), "inspect feed u5");
  command_history full{path};
  full.load();
  for (int i = 0; i < 1005; ++i)
    full.add("nodes " + std::to_string(i));
  auto lines = lines_of(path);
  CAF_CHECK_EQUAL(lines.size(), command_history::default_capacity);
  CAF_CHECK_EQUAL(lines.back(), "nodes 1004");
  CAF_CHECK_EQUAL(lines.front(), "nodes 5");
  std::filesystem::remove_all(std::filesystem::path{path}.parent_path());
  auto xdg = default_history_path(env_of({{"XDG_STATE_HOME", "/s"}, {"HOME", "/h"}}));
  CAF_CHECK_EQUAL(xdg, "/s/griddle/admin_history");
  auto home = default_history_path(env_of({{"HOME", "/h"}}));
  CAF_CHECK_EQUAL(home, "/h/.griddle_admin_history");
  auto nowhere = default_history_path(env_of({}));
  CAF_CHECK_EQUAL(nowhere, "");
}
