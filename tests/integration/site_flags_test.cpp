// The site's toggle and experiment, driven through the admin API of a real
// node: the "feed-ranking" experiment orders /v1/feed by arm and counts its
// requests per arm; the "online-roulette" toggle shuffles /v1/online.
#define CAF_SUITE site_flags

#include <caf/test/unit_test.hpp>

#include <set>
#include <thread>

#include "gateway_fixture.hpp"

using namespace griddle;
using namespace std::chrono_literals;

namespace {

constexpr const char* admin_token = "site-flags-admin-token-0123";

std::vector<std::string> node_args(std::vector<std::string> extra = {}) {
  extra.push_back("--admin=0");
  extra.push_back(std::string{"--admin-token="} + admin_token);
  return extra;
}

struct fixture : test::gateway_fixture {
  explicit fixture(std::vector<std::string> args = node_args())
      : gateway_fixture(std::move(args)) {}

  nlohmann::json admin(std::string_view method, std::string_view target,
                       const nlohmann::json& body) {
    test::http_connection conn{node.admin_port()};
    auto res = conn.request(method, target, body.dump(), test::bearer(admin_token));
    CAF_REQUIRE_EQUAL(res.status, 200);
    return res.json();
  }

  nlohmann::json as(const test::site_user& u, std::string_view method, std::string_view target) {
    return call(method, target, {}, test::bearer(u.token)).json();
  }

  void set_ranking(int control, int matched_first) {
    admin("PUT", "/admin/v1/experiments/feed-ranking",
          {{"enabled", true},
           {"arms",
            {{{"name", "control"}, {"weight", control}},
             {{"name", "matched_first"}, {"weight", matched_first}}}}});
  }

  /// Ada and Bob like each other (a match, older), then Cara visits Bob
  /// (newer); returns Bob once his feed shows both.
  test::site_user matched_and_visited_bob() {
    auto ada = join("ada");
    auto bob = join("bob");
    auto cara = join("cara");
    as(ada, "POST", "/v1/users/" + bob.id + "/like");
    as(bob, "POST", "/v1/users/" + ada.id + "/like");
    std::this_thread::sleep_for(50ms);
    as(cara, "GET", "/v1/users/" + bob.id);
    bool both = false;
    for (int i = 0; i < 200 && !both; ++i) {
      auto items = as(bob, "GET", "/v1/feed?limit=20")["items"];
      std::set<std::string> kinds;
      for (auto& x : items)
        kinds.insert(x["kind"].get<std::string>());
      both = kinds.count("matched") != 0 && kinds.count("visited") != 0;
      if (!both)
        std::this_thread::sleep_for(20ms);
    }
    CAF_REQUIRE(both);
    return bob;
  }

  uint64_t exposures() {
    uint64_t n = 0;
    auto results = admin("GET", "/admin/v1/experiments/feed-ranking/results", nullptr);
    for (auto& arm : results["arms"])
      n += arm["exposures"].get<uint64_t>();
    return n;
  }

  std::string first_kind(const test::site_user& u) {
    auto items = as(u, "GET", "/v1/feed?limit=20")["items"];
    return items.empty() ? std::string{} : items[0]["kind"].get<std::string>();
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(site_flags_tests, fixture)

CAF_TEST(the feed ranking experiment orders the feed by arm) {
  auto bob = matched_and_visited_bob();
  CAF_CHECK_EQUAL(first_kind(bob), "visited");  // newest first without an experiment
  set_ranking(0, 1);
  CAF_CHECK_EQUAL(first_kind(bob), "matched");
  set_ranking(1, 0);
  CAF_CHECK_EQUAL(first_kind(bob), "visited");
  auto results = admin("GET", "/admin/v1/experiments/feed-ranking/results", nullptr);
  for (auto& arm : results["arms"]) {
    CAF_MESSAGE(arm.dump());
    CAF_CHECK_GREATER_OR_EQUAL(arm["exposures"].get<uint64_t>(), 1u);
    CAF_CHECK_GREATER_OR_EQUAL(arm["requests"].get<uint64_t>(), 1u);
  }
  auto metrics = call("GET", "/metrics").body;
  CAF_CHECK(metrics.find("griddle_experiment_requests_total{arm=\"matched_first\","
                         "experiment=\"feed-ranking\"}") != std::string::npos);
}

CAF_TEST(the online roulette toggle shuffles who is online) {
  std::vector<test::site_user> users;
  for (auto name : {"u1", "u2", "u3", "u4", "u5", "u6"})
    users.push_back(join(name));
  auto& me = users[0];
  auto order = [&] {
    std::vector<std::string> ids;
    auto page = as(me, "GET", "/v1/online?limit=20");
    if (!page.contains("items"))
      CAF_MESSAGE("online: " << page.dump());
    for (auto& x : page["items"])
      ids.push_back(x["user_id"].get<std::string>());
    return ids;
  };
  std::vector<std::string> plain;
  for (int i = 0; i < 200 && plain.size() < users.size(); ++i) {
    plain = order();
    if (plain.size() < users.size())
      std::this_thread::sleep_for(20ms);
  }
  CAF_REQUIRE_EQUAL(plain.size(), users.size());
  CAF_CHECK_EQUAL(order(), plain);  // stable without the toggle
  admin("PUT", "/admin/v1/toggles/online-roulette",
        {{"enabled", true}, {"rules", {{{"user_ids", {me.id}}}}}});
  std::set<std::vector<std::string>> seen;
  for (int i = 0; i < 10; ++i) {
    auto o = order();
    CAF_CHECK_EQUAL(std::set<std::string>(o.begin(), o.end()),
                    std::set<std::string>(plain.begin(), plain.end()));
    seen.insert(o);
  }
  CAF_CHECK_GREATER(seen.size(), 1u);
  // Another user, whom no rule names, still sees the usual order.
  auto other = call("GET", "/v1/online?limit=20", {}, test::bearer(users[1].token)).json();
  CAF_CHECK_EQUAL(other["items"].size(), users.size());
}

CAF_TEST(experiment rules on city and age follow the published profile) {
  auto lisa = join("lisa", "Lisbon");
  auto sam = join("sam");
  // Both were born in 1990 (gateway_fixture::join).
  auto aim = [&](int age_min, int age_max) {
    admin("PUT", "/admin/v1/experiments/feed-ranking",
          {{"enabled", true},
           {"arms",
            {{{"name", "control"}, {"weight", 1}}, {{"name", "matched_first"}, {"weight", 1}}}},
           {"rules", {{{"cities", {"lisbon"}}, {"age_min", age_min}, {"age_max", age_max}}}}});
  };
  aim(18, 99);
  auto before = exposures();
  as(sam, "GET", "/v1/feed?limit=20");
  CAF_CHECK_EQUAL(exposures(), before);  // Stockholm: not aimed at
  as(lisa, "GET", "/v1/feed?limit=20");
  CAF_CHECK_EQUAL(exposures(), before + 1);
  aim(60, 99);
  as(lisa, "GET", "/v1/feed?limit=20");
  CAF_CHECK_EQUAL(exposures(), before + 1);  // too young for the rule now
}

CAF_TEST_FIXTURE_SCOPE_END()

namespace {

/// The gateway asks the feed entity for every page (no view reads), so a
/// ranked page proves the arm reached the entity with the request.
struct entity_reads_fixture : fixture {
  entity_reads_fixture() : fixture(node_args({"--http-no-read-views"})) {}
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(site_flags_entity_tests, entity_reads_fixture)

CAF_TEST(the arm travels with the feed request to the entity) {
  auto bob = matched_and_visited_bob();
  CAF_CHECK_EQUAL(first_kind(bob), "visited");
  set_ranking(0, 1);
  CAF_CHECK_EQUAL(first_kind(bob), "matched");
  set_ranking(1, 0);
  CAF_CHECK_EQUAL(first_kind(bob), "visited");
  auto metrics = call("GET", "/metrics").body;
  CAF_CHECK(metrics.find("griddle_experiment_requests_total{arm=\"matched_first\","
                         "experiment=\"feed-ranking\"}") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
