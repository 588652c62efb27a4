// griddle-bench seed, run as a real process: the same seed writes the same
// events, another seed other events; the counts are the ones asked for; the
// popularity is skewed; a store that holds events is refused; bad options
// exit with 2; and the application's entities and projections read the
// seeded events as their own.
#define CAF_SUITE seed
#include <caf/test/unit_test.hpp>

#ifdef GRIDDLE_BENCH_BINARY

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/account_types.hpp"
#include "actors/activity_entity.hpp"
#include "actors/chat_types.hpp"
#include "actors/credentials.hpp"
#include "actors/social_types.hpp"
#include "app_world.hpp"
#include "runtime/store/sqlite_event_store.hpp"
#include "scratch_db.hpp"

using namespace griddle;
using namespace std::chrono_literals;
using griddle::test::app_world;
using griddle::test::scratch_db;
using nlohmann::json;

namespace {

struct run_result {
  int exit_code = -1;
  std::string output;
};

/// Runs griddle-bench with `args`, its stdout and stderr to a file; kills it
/// after a minute.
run_result run_bench(const std::vector<std::string>& args) {
  char out_path[] = "/tmp/griddle-seed-out-XXXXXX";
  auto fd = mkstemp(out_path);
  CAF_REQUIRE(fd >= 0);
  std::vector<char*> argv{const_cast<char*>(GRIDDLE_BENCH_BINARY)};
  for (auto& arg : args)
    argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  auto pid = fork();
  if (pid == 0) {
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    execv(GRIDDLE_BENCH_BINARY, argv.data());
    _exit(127);
  }
  close(fd);
  CAF_REQUIRE(pid > 0);
  run_result result;
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      CAF_FAIL("griddle-bench did not finish within a minute");
    }
    std::this_thread::sleep_for(10ms);
  }
  if (WIFEXITED(status))
    result.exit_code = WEXITSTATUS(status);
  std::ifstream in{out_path};
  std::stringstream text;
  text << in.rdbuf();
  result.output = text.str();
  unlink(out_path);
  return result;
}

// The dataset every test seeds: small enough for a few seconds per run.
constexpr uint64_t users = 300;
constexpr uint64_t likes = 2000;
constexpr uint64_t visits = 1500;
constexpr uint64_t favourites = 300;
constexpr uint64_t messages = 3000;

std::vector<std::string> seed_args(const std::string& path, int seed) {
  return {"seed",
          "--store=sqlite:" + path,
          "--users=" + std::to_string(users),
          "--messages=" + std::to_string(messages),
          "--likes=" + std::to_string(likes),
          "--visits=" + std::to_string(visits),
          "--favourites=" + std::to_string(favourites),
          "--days=7",
          "--seed=" + std::to_string(seed)};
}

std::vector<store::recorded_event> read_all(const std::string& path) {
  store::sqlite_options opts;
  opts.path = path;
  auto st = store::sqlite_event_store::open(opts);
  CAF_REQUIRE(st);
  auto all = (*st)->read_all(1, 10'000'000);
  CAF_REQUIRE(all);
  return std::move(*all);
}

/// What a test compares: everything but positions and commit times.
using content =
    std::tuple<std::string, uint64_t, std::string, std::string, std::vector<std::string>>;

std::vector<content> contents(const std::vector<store::recorded_event>& events) {
  std::vector<content> result;
  for (auto& ev : events)
    result.emplace_back(ev.stream, ev.version, ev.type, ev.payload, ev.tags);
  return result;
}

std::map<std::string, uint64_t> count_types(const std::vector<store::recorded_event>& events) {
  std::map<std::string, uint64_t> result;
  for (auto& ev : events)
    ++result[ev.type];
  return result;
}

/// One database seeded with seed 7.
struct fixture {
  scratch_db db{"griddle-seed"};
  std::vector<store::recorded_event> events;

  fixture() {
    auto run = run_bench(seed_args(db.path, 7));
    CAF_REQUIRE_EQUAL(run.exit_code, 0);
    events = read_all(db.path);
  }

  json payload(size_t i) const { return json::parse(events[i].payload); }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(seed_tests, fixture)

CAF_TEST(the same seed writes the same events) {
  scratch_db other{"griddle-seed"};
  auto run = run_bench(seed_args(other.path, 7));
  CAF_REQUIRE_EQUAL(run.exit_code, 0);
  auto again = read_all(other.path);
  CAF_REQUIRE_EQUAL(again.size(), events.size());
  auto a = contents(events);
  auto b = contents(again);
  auto mismatch = std::mismatch(a.begin(), a.end(), b.begin());
  if (mismatch.first != a.end())
    CAF_FAIL("first difference at event " << mismatch.first - a.begin() + 1 << " of stream "
                                          << std::get<0>(*mismatch.first));
  size_t moved = 0;
  for (size_t i = 0; i < events.size(); ++i)
    moved += events[i].position != again[i].position;
  CAF_CHECK_EQUAL(moved, 0u);
}

CAF_TEST(another seed writes other events) {
  scratch_db other{"griddle-seed"};
  auto run = run_bench(seed_args(other.path, 8));
  CAF_REQUIRE_EQUAL(run.exit_code, 0);
  auto again = read_all(other.path);
  CAF_CHECK_EQUAL(again.size(), events.size());
  CAF_CHECK(contents(again) != contents(events));
}

CAF_TEST(the counts are the ones asked for) {
  auto types = count_types(events);
  CAF_CHECK_EQUAL(events.size(), 2 * users + likes + visits + 2 * favourites + messages);
  CAF_CHECK_EQUAL(types["email_claimed"], users);
  CAF_CHECK_EQUAL(types["user_registered"], users);
  CAF_CHECK_EQUAL(types["liked"], likes);
  CAF_CHECK_EQUAL(types["favourited"], favourites);
  CAF_CHECK_EQUAL(types["fan_added"], favourites);
  CAF_CHECK_EQUAL(types["profile_visited"], visits);
  CAF_CHECK_EQUAL(types["message_sent"], messages);
  CAF_CHECK_EQUAL(types.size(), 7u);
}

CAF_TEST(the events follow the catalogue) {
  std::set<std::pair<std::string, std::string>> liked;
  std::set<std::tuple<std::string, std::string, std::string>> visited;
  std::map<std::string, uint64_t> last_seq;
  size_t bad = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& ev = events[i];
    auto data = payload(i);
    if (ev.type == "user_registered") {
      auto id = ev.stream.substr(5);
      bad += ev.tags != std::vector<std::string>{id};
      bad += !data.at("registered_ms").is_number() || !data.at("birth_year").is_number();
      for (auto field : {"email", "password_hash", "name", "city", "bio", "looking_for"})
        bad += !data.at(field).is_string();
    } else if (ev.type == "email_claimed") {
      bad += !ev.tags.empty() || ev.stream.rfind("email/", 0) != 0;
    } else if (ev.type == "liked" || ev.type == "favourited") {
      auto by = data.at("by").get<std::string>();
      auto target = data.at("target").get<std::string>();
      bad += ev.stream != "activity/" + by || by == target;
      bad += ev.tags != std::vector<std::string>{by, target};
      if (ev.type == "liked")
        bad += !liked.emplace(by, target).second;
    } else if (ev.type == "profile_visited") {
      auto by = data.at("by").get<std::string>();
      auto target = data.at("target").get<std::string>();
      auto day = data.at("day").get<std::string>();
      bad += ev.stream != "activity/" + by || ev.tags != std::vector<std::string>{target};
      bad += day != actors::utc_day(data.at("at_ms").get<int64_t>());
      bad += !visited.emplace(by, target, day).second;
    } else if (ev.type == "message_sent") {
      auto from = data.at("from").get<std::string>();
      auto to = data.at("to").get<std::string>();
      bad += ev.stream != "conversation/" + actors::conversation_key(from, to);
      bad += ev.tags != std::vector<std::string>{from, to};
      auto seq = data.at("seq").get<uint64_t>();
      bad += seq != ++last_seq[ev.stream] || seq != ev.version;
    }
  }
  CAF_CHECK_EQUAL(bad, 0u);
  // Every user logs in with the documented password.
  CAF_CHECK(actors::verify_password(payload(1).at("password_hash").get<std::string>(),
                                    "seed-password-1"));
}

CAF_TEST(popular users get far more than the median) {
  std::vector<uint64_t> received(users + 1, 0);
  for (size_t i = 0; i < events.size(); ++i)
    if (events[i].type == "liked")
      ++received[std::stoul(payload(i).at("target").get<std::string>())];
  std::sort(received.begin() + 1, received.end());
  auto median = received[1 + users / 2];
  auto most = received.back();
  CAF_MESSAGE("most likes received: " << most << ", median: " << median);
  CAF_CHECK_GREATER_OR_EQUAL(most, 10 * std::max<uint64_t>(median, 1));
}

CAF_TEST(a store with events is refused unless appending) {
  auto refused = run_bench(seed_args(db.path, 7));
  CAF_CHECK_EQUAL(refused.exit_code, 1);
  CAF_CHECK_NOT_EQUAL(refused.output.find("already holds events"), std::string::npos);
  CAF_CHECK_EQUAL(read_all(db.path).size(), events.size());
  // --append with the same ids fails at the first stream that exists.
  auto args = seed_args(db.path, 7);
  args.push_back("--append");
  auto clash = run_bench(args);
  CAF_CHECK_EQUAL(clash.exit_code, 1);
  CAF_CHECK_NOT_EQUAL(clash.output.find("conflict"), std::string::npos);
  // --append with ids after the first dataset's adds a second one.
  scratch_db fresh{"griddle-seed"};
  auto base = seed_args(fresh.path, 7);
  CAF_REQUIRE_EQUAL(run_bench(base).exit_code, 0);
  base.push_back("--append");
  base.push_back("--first-id=" + std::to_string(users + 1));
  CAF_CHECK_EQUAL(run_bench(base).exit_code, 0);
  CAF_CHECK_EQUAL(read_all(fresh.path).size(), 2 * events.size());
}

CAF_TEST(bad options exit with 2) {
  using args = std::vector<std::string>;
  for (const auto& x : {
           args{},
           args{"frobnicate"},
           args{"seed", "--users=10"},
           args{"seed", "--store=memory"},
           args{"seed", "--store=memory", "--users=ten"},
           args{"seed", "--store=memory", "--users=10", "--bogus=1"},
           args{"seed", "--store=memory", "--users=10", "--sync=sometimes"},
           args{"seed", "--store=postgres:x", "--users=10"},
           args{"seed", "--store=memory", "--users=10", "--likes=91"},
           args{"seed", "--store=memory", "--users=10", "--zipf=0"},
           args{"seed", "--store=memory", "--users=10", "--days=0"},
           args{"seed", "--store=memory", "--users=10", "--append=yes"},
       }) {
    auto run = run_bench(x);
    CAF_CHECK_EQUAL(run.exit_code, 2);
  }
  CAF_CHECK_EQUAL(run_bench({"seed", "--store=memory", "--users=10", "--likes=90"}).exit_code, 0);
}

CAF_TEST(the application reads the seeded events as its own) {
  app_world world;
  size_t refused = 0;
  for (const auto& ev : events) {
    store::event_data x{ev.type, ev.schema_version, ev.payload, ev.event_id, ev.tags};
    world.events().append(ev.stream, store::any_version, {x},
                          [&](caf::expected<store::append_result> res) { refused += !res; });
  }
  CAF_REQUIRE_EQUAL(refused, 0u);
  // The user entity: profile and login with the documented password.
  auto first = payload(1);
  auto who = world.ask<actors::profile>(entity_ref{"user", "1"}, caf::get_atom_v);
  CAF_REQUIRE(who);
  CAF_CHECK_EQUAL(who->name, first.at("name").get<std::string>());
  auto login = world.ask<actors::login_result>(entity_ref{"user", "1"}, actors::login_atom_v,
                                               std::string{"seed-password-1"});
  CAF_REQUIRE(login);
  CAF_CHECK_EQUAL(login->user_id, "1");
  // The activity entity knows the likes; the likes projection counts them.
  std::map<std::string, uint32_t> received;
  std::pair<std::string, std::string> a_like;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].type != "liked")
      continue;
    auto data = payload(i);
    a_like = {data.at("by").get<std::string>(), data.at("target").get<std::string>()};
    ++received[a_like.second];
  }
  auto rel = world.ask<actors::relation_state>(entity_ref{"activity", a_like.first},
                                               caf::get_atom_v, a_like.second);
  CAF_REQUIRE(rel);
  CAF_CHECK(rel->liked);
  auto top = std::max_element(received.begin(), received.end(),
                              [](auto& x, auto& y) { return x.second < y.second; });
  uint32_t counted = 0;
  CAF_CHECK(app_world::eventually([&] {
    auto view = world.ask<actors::relations_view>(entity_ref{"likes", top->first}, caf::get_atom_v);
    counted = view ? view->received_count : 0;
    return counted == top->second;
  }));
  CAF_CHECK_EQUAL(counted, top->second);
  // The conversation entity pages its history.
  auto last = std::find_if(events.rbegin(), events.rend(),
                           [](auto& ev) { return ev.type == "message_sent"; });
  auto data = json::parse(last->payload);
  auto page = world.ask<actors::chat_page>(entity_ref{"conversation", last->stream.substr(13)},
                                           caf::get_atom_v, data.at("from").get<std::string>(),
                                           uint64_t{0}, uint32_t{5});
  CAF_REQUIRE(page);
  CAF_REQUIRE(!page->messages.empty());
  CAF_CHECK_EQUAL(page->messages.front().seq, last->version);
  CAF_CHECK_EQUAL(page->messages.front().text, data.at("text").get<std::string>());
}

CAF_TEST_FIXTURE_SCOPE_END()

#else

CAF_TEST(griddle - bench is not built) {
  CAF_MESSAGE("configure with GRIDDLE_BUILD_BENCH=ON to run this suite");
}

#endif
