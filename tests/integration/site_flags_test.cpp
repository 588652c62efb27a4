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

struct fixture : test::gateway_fixture {
  fixture() : gateway_fixture({"--admin=0", std::string{"--admin-token="} + admin_token}) {}

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

  std::string first_kind(const test::site_user& u) {
    auto items = as(u, "GET", "/v1/feed?limit=20")["items"];
    return items.empty() ? std::string{} : items[0]["kind"].get<std::string>();
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(site_flags_tests, fixture)

CAF_TEST(the feed ranking experiment orders the feed by arm) {
  auto ada = join("ada");
  auto bob = join("bob");
  auto cara = join("cara");
  // Ada and Bob like each other (a match, older), then Cara visits Bob (newer).
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

CAF_TEST_FIXTURE_SCOPE_END()
