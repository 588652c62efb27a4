// The site API end to end: a griddle-node with the embedded gateway, real
// sockets, a signed-in user journey through every part of the site, live
// push on /v1/events, and a graceful shutdown under traffic.
#define CAF_SUITE gateway_api
#include <caf/test/unit_test.hpp>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <thread>

#include "gateway_fixture.hpp"

using namespace griddle;
using namespace griddle::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

/// Calls `fetch` until `ok` holds for its answer or 10 s pass (projections
/// follow the commit feed, a few milliseconds behind the write).
json eventually(const std::function<http_response()>& fetch,
                const std::function<bool(const json&)>& ok) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  json last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto res = fetch();
    if (res.status == 200) {
      last = res.json();
      if (ok(last))
        return last;
    }
    std::this_thread::sleep_for(20ms);
  }
  return last;
}

/// A field of a response's JSON body by path, as a value: checks must not
/// hold references into a temporary document.
template <class... Keys>
json field_of(const http_response& res, Keys... keys) {
  json doc = res.json();
  json* at = &doc;
  ((at = &at->at(keys)), ...);
  return *at;
}

bool has_user(const json& page, const std::string& id) {
  for (auto& item : page.at("items"))
    if (item.at("user_id") == id)
      return true;
  return false;
}

bool has_kind(const json& page, const std::string& kind, const std::string& id) {
  for (auto& item : page.at("items"))
    if (item.at("kind") == kind && item.at("user_id") == id)
      return true;
  return false;
}

}  // namespace

CAF_TEST_FIXTURE_SCOPE(gateway_api_tests, gateway_fixture)

CAF_TEST(a signed in user journey through the whole site) {
  auto ada = join("ada");
  auto bob = join("bob", "Oslo");
  auto as = [this](const site_user& u) {
    return
        [this, &u](std::string_view method, std::string_view target, std::string_view body = {}) {
          return call(method, target, body, bearer(u.token));
        };
  };
  auto ada_call = as(ada);
  auto bob_call = as(bob);
  // Edit the profile.
  auto edited = ada_call("PATCH", "/v1/me", R"({"bio": "Likes engines.", "city": "Uppsala"})");
  CAF_REQUIRE_EQUAL(edited.status, 200);
  CAF_CHECK_EQUAL(field_of(edited, "bio"), "Likes engines.");
  auto me = ada_call("GET", "/v1/me");
  CAF_CHECK_EQUAL(me.status, 200);
  CAF_CHECK_EQUAL(field_of(me, "city"), "Uppsala");
  CAF_CHECK_EQUAL(field_of(me, "id"), ada.id);
  CAF_CHECK(!me.json().contains("email"));
  // Visit: Ada reads Bob's profile, Bob sees her among his visitors.
  auto profile = ada_call("GET", "/v1/users/" + bob.id);
  CAF_REQUIRE_EQUAL(profile.status, 200);
  CAF_CHECK_EQUAL(field_of(profile, "name"), "bob");
  auto visitors = eventually([&] { return bob_call("GET", "/v1/visitors"); },
                             [&](const json& p) { return has_user(p, ada.id); });
  CAF_CHECK(has_user(visitors, ada.id));
  // Like both ways: a match.
  auto liked = ada_call("POST", "/v1/users/" + bob.id + "/like");
  CAF_REQUIRE_EQUAL(liked.status, 200);
  CAF_CHECK_EQUAL(field_of(liked, "liked"), true);
  CAF_CHECK_EQUAL(field_of(liked, "changed"), true);
  auto likes = eventually([&] { return bob_call("GET", "/v1/likes"); },
                          [&](const json& p) { return has_user(p, ada.id); });
  CAF_CHECK(has_user(likes, ada.id));
  CAF_CHECK_EQUAL(bob_call("POST", "/v1/users/" + ada.id + "/like").status, 200);
  auto matches = eventually([&] { return ada_call("GET", "/v1/matches"); },
                            [&](const json& p) { return has_user(p, bob.id); });
  CAF_CHECK(has_user(matches, bob.id));
  // Favourite, then the feed shows what happened to Bob.
  auto favourite = ada_call("POST", "/v1/users/" + bob.id + "/favourite");
  CAF_CHECK_EQUAL(field_of(favourite, "favourite"), true);
  auto feed = eventually([&] { return bob_call("GET", "/v1/feed?limit=20"); },
                         [&](const json& p) {
                           return has_kind(p, "liked", ada.id) && has_kind(p, "visited", ada.id) &&
                                  has_kind(p, "favourited", ada.id);
                         });
  CAF_CHECK(has_kind(feed, "liked", ada.id));
  CAF_CHECK(has_kind(feed, "visited", ada.id));
  CAF_CHECK(has_kind(feed, "favourited", ada.id));
  // Ada's favourites hold Bob; his new photo reaches her feed.
  auto favourites = eventually([&] { return ada_call("GET", "/v1/favourites"); },
                               [&](const json& p) { return has_user(p, bob.id); });
  CAF_CHECK(has_user(favourites, bob.id));
  auto photo = bob_call("POST", "/v1/me/photos", R"({"url": "https://img.example.org/bob.jpg"})");
  CAF_REQUIRE_EQUAL(photo.status, 201);
  CAF_CHECK_EQUAL(field_of(photo, "id"), "1");
  CAF_CHECK_EQUAL(field_of(bob_call("GET", "/v1/me"), "photos").size(), 1u);
  auto ada_feed = eventually([&] { return ada_call("GET", "/v1/feed"); },
                             [&](const json& p) { return has_kind(p, "photo", bob.id); });
  CAF_CHECK(has_kind(ada_feed, "photo", bob.id));
  CAF_CHECK_EQUAL(bob_call("POST", "/v1/me/photos", R"({"url": "ftp://x"})").status, 422);
  // Paging: one item per page, the next page holds another one.
  auto first = bob_call("GET", "/v1/feed?limit=1").json();
  CAF_REQUIRE_EQUAL(first.at("items").size(), 1u);
  CAF_REQUIRE(first.at("next_cursor").is_string());
  auto second =
      bob_call("GET", "/v1/feed?limit=1&cursor=" + first.at("next_cursor").get<std::string>())
          .json();
  CAF_REQUIRE_EQUAL(second.at("items").size(), 1u);
  CAF_CHECK_NOT_EQUAL(second.at("items")[0], first.at("items")[0]);
  // Chat: Ada writes, Bob sees the conversation unread, reads, marks it read.
  auto sent =
      ada_call("POST", "/v1/conversations/" + bob.id + "/messages", R"({"text": "  Hej Bob!  "})");
  CAF_REQUIRE_EQUAL(sent.status, 201);
  CAF_CHECK_EQUAL(field_of(sent, "id"), "1");
  CAF_CHECK_EQUAL(field_of(sent, "text"), "Hej Bob!");
  CAF_CHECK(field_of(sent, "at").is_string());
  auto inbox = eventually([&] { return bob_call("GET", "/v1/conversations"); },
                          [&](const json& p) { return has_user(p, ada.id); });
  CAF_REQUIRE(has_user(inbox, ada.id));
  CAF_CHECK_EQUAL(inbox.at("items")[0].at("unread"), 1);
  auto history = bob_call("GET", "/v1/conversations/" + ada.id + "/messages");
  CAF_REQUIRE_EQUAL(history.status, 200);
  auto newest = field_of(history, "items").at(0);
  CAF_CHECK_EQUAL(newest.at("text"), "Hej Bob!");
  CAF_CHECK_EQUAL(newest.at("from"), ada.id);
  auto read = bob_call("POST", "/v1/conversations/" + ada.id + "/read");
  CAF_CHECK_EQUAL(read.status, 200);
  CAF_CHECK_EQUAL(field_of(read, "unread"), 0);
  // Alerts: Bob was liked; the count is there until he marks likes seen.
  auto alerts = eventually([&] { return bob_call("GET", "/v1/alerts"); },
                           [&](const json& a) { return a.at("likes") == 1; });
  CAF_CHECK_EQUAL(alerts.at("likes"), 1);
  CAF_CHECK_EQUAL(bob_call("POST", "/v1/alerts/likes/seen").status, 200);
  alerts = eventually([&] { return bob_call("GET", "/v1/alerts"); },
                      [&](const json& a) { return a.at("likes") == 0; });
  CAF_CHECK_EQUAL(alerts.at("likes"), 0);
  // Online: both signed in just now.
  auto online = eventually([&] { return ada_call("GET", "/v1/online"); },
                           [&](const json& p) { return has_user(p, bob.id); });
  CAF_CHECK(has_user(online, bob.id));
  // Block: Bob blocks Ada, her messages are refused; unblocked, they pass.
  CAF_CHECK_EQUAL(bob_call("POST", "/v1/users/" + ada.id + "/block").status, 200);
  auto refused =
      ada_call("POST", "/v1/conversations/" + bob.id + "/messages", R"({"text": "hello?"})");
  CAF_CHECK_EQUAL(refused.status, 403);
  CAF_CHECK_EQUAL(field_of(refused, "error", "code"), "forbidden");
  CAF_CHECK_EQUAL(bob_call("DELETE", "/v1/users/" + ada.id + "/block").status, 200);
  CAF_CHECK_EQUAL(
      ada_call("POST", "/v1/conversations/" + bob.id + "/messages", R"({"text": "hello!"})").status,
      201);
  // Undo: unlike and unfavourite report the new state.
  auto unliked = ada_call("DELETE", "/v1/users/" + bob.id + "/like");
  CAF_CHECK_EQUAL(unliked.status, 200);
  CAF_CHECK_EQUAL(field_of(unliked, "liked"), false);
  auto unfavoured = ada_call("DELETE", "/v1/users/" + bob.id + "/favourite");
  CAF_CHECK_EQUAL(unfavoured.status, 200);
  CAF_CHECK_EQUAL(field_of(unfavoured, "favourite"), false);
  // Logout: the token no longer works.
  CAF_CHECK_EQUAL(ada_call("DELETE", "/v1/sessions/current").status, 200);
  auto after = ada_call("GET", "/v1/me");
  CAF_CHECK_EQUAL(after.status, 401);
  CAF_CHECK_EQUAL(field_of(after, "error", "code"), "unauthenticated");
}

CAF_TEST(account errors have their statuses and name their fields) {
  auto ada = join("ada");
  json dup{{"email", "ADA@example.org"},
           {"password", "another password"},
           {"name", "Ada"},
           {"birth_year", 1991},
           {"city", "Lund"}};
  auto conflict = call("POST", "/v1/users", dup.dump());
  CAF_CHECK_EQUAL(conflict.status, 409);
  CAF_CHECK_EQUAL(field_of(conflict, "error", "code"), "conflict");
  json bad_email = dup;
  bad_email["email"] = "not an address";
  auto invalid = call("POST", "/v1/users", bad_email.dump());
  CAF_CHECK_EQUAL(invalid.status, 422);
  CAF_CHECK_EQUAL(field_of(invalid, "error", "field"), "email");
  json young = dup;
  young["email"] = "young@example.org";
  young["birth_year"] = 2030;
  auto too_young = call("POST", "/v1/users", young.dump());
  CAF_CHECK_EQUAL(too_young.status, 422);
  CAF_CHECK_EQUAL(field_of(too_young, "error", "field"), "birth_year");
  auto wrong = call("POST", "/v1/sessions", R"({"email": "ada@example.org", "password": "nope"})");
  CAF_CHECK_EQUAL(wrong.status, 401);
  auto unknown = call("POST", "/v1/sessions", R"({"email": "who@example.org", "password": "x"})");
  CAF_CHECK_EQUAL(unknown.status, 401);
  CAF_CHECK_EQUAL(field_of(unknown, "error", "message"), field_of(wrong, "error", "message"));
  auto missing = call("GET", "/v1/users/42", {}, bearer(ada.token));
  CAF_CHECK_EQUAL(missing.status, 404);
  auto like_missing = call("POST", "/v1/users/42/like", {}, bearer(ada.token));
  CAF_CHECK_EQUAL(like_missing.status, 404);
  auto like_self = call("POST", "/v1/users/" + ada.id + "/like", {}, bearer(ada.token));
  CAF_CHECK_EQUAL(like_self.status, 422);
  auto to_self = call("POST", "/v1/conversations/" + ada.id + "/messages", R"({"text": "hi me"})",
                      bearer(ada.token));
  CAF_CHECK_EQUAL(to_self.status, 422);
  CAF_CHECK_EQUAL(field_of(to_self, "error", "field"), "id");
}

CAF_TEST(operational endpoints) {
  CAF_CHECK_EQUAL(call("GET", "/healthz").status, 200);
  CAF_CHECK_EQUAL(call("GET", "/readyz").status, 200);
  auto spec = call("GET", "/openapi.json");
  CAF_REQUIRE_EQUAL(spec.status, 200);
  CAF_CHECK(field_of(spec, "openapi").get<std::string>().rfind("3.", 0) == 0);
  CAF_CHECK(field_of(spec, "paths").contains("/v1/feed"));
  // Served byte for byte as docs/openapi.json holds it.
  std::ifstream file{GRIDDLE_SOURCE_DIR "/docs/openapi.json", std::ios::binary};
  std::string text{std::istreambuf_iterator<char>{file}, std::istreambuf_iterator<char>{}};
  CAF_CHECK(!text.empty());
  CAF_CHECK(spec.body == text);
  auto metrics = call("GET", "/metrics");
  CAF_REQUIRE_EQUAL(metrics.status, 200);
  CAF_CHECK(metrics.header("Content-Type").find("version=0.0.4") != std::string::npos);
  CAF_CHECK(metrics.body.find("griddle_http_requests_total{method=\"GET\",route=\"/readyz\","
                              "status=\"200\"} 1") != std::string::npos);
  CAF_CHECK(metrics.body.find("griddle_http_request_duration_seconds_bucket{method=\"GET\","
                              "route=\"/healthz\",status=\"200\",le=\"+Inf\"} 1") !=
            std::string::npos);
  // The runtime's own metrics are there too.
  CAF_CHECK(metrics.body.find("griddle_entities_active") != std::string::npos);
}

CAF_TEST(live push delivers messages and alerts on an open event stream) {
  auto ada = join("ada");
  auto bob = join("bob");
  http_connection stream{port};
  CAF_REQUIRE(stream.start_events("/v1/events", bearer(bob.token)));
  auto ready = stream.next_event(5s);
  CAF_REQUIRE(ready);
  CAF_CHECK_EQUAL(ready->event, "ready");
  auto sent_at = std::chrono::steady_clock::now();
  CAF_REQUIRE_EQUAL(call("POST", "/v1/conversations/" + bob.id + "/messages",
                         R"({"text": "are you there?"})", bearer(ada.token))
                        .status,
                    201);
  auto pushed = stream.next_event(5s);
  auto delay = std::chrono::steady_clock::now() - sent_at;
  CAF_REQUIRE(pushed);
  CAF_CHECK_EQUAL(pushed->event, "message");
  auto msg = json::parse(pushed->data);
  CAF_CHECK_EQUAL(msg.at("text"), "are you there?");
  CAF_CHECK_EQUAL(msg.at("from"), ada.id);
  CAF_MESSAGE(
      "message pushed " << std::chrono::duration_cast<std::chrono::microseconds>(delay).count()
                        << " us after the send was sent");
  CAF_REQUIRE_EQUAL(call("POST", "/v1/users/" + bob.id + "/like", {}, bearer(ada.token)).status,
                    200);
  auto alert = stream.next_event(5s);
  CAF_REQUIRE(alert);
  CAF_CHECK_EQUAL(alert->event, "alert");
  auto alert_data = json::parse(alert->data);
  std::string kind = alert_data.at("kind");
  std::string by = alert_data.at("user_id");
  CAF_CHECK_EQUAL(kind, "like");
  CAF_CHECK_EQUAL(by, ada.id);
  // Without a token there is no stream.
  http_connection anonymous{port};
  CAF_CHECK(!anonymous.start_events("/v1/events"));
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(SIGTERM drains with readyz 503 and in flight requests answered then exits 0) {
  gateway_fixture f{{"--http-drain-grace=3s"}};
  auto conn = f.connect();
  // Registration waits for Argon2id: it is still in flight at the signal.
  json reg{{"email", "late@example.org"},
           {"password", "correct horse battery"},
           {"name", "Late"},
           {"birth_year", 1990},
           {"city", "Bergen"}};
  conn.send_raw(
      "POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(reg.dump().size()) + "\r\n\r\n" + reg.dump());
  f.node.signal(SIGTERM);
  CAF_REQUIRE(f.node.wait_for("shutting down", 5s));
  // During the grace period new connections are served, readyz says 503.
  auto ready = f.call("GET", "/readyz");
  CAF_CHECK_EQUAL(ready.status, 503);
  CAF_CHECK_EQUAL(ready.header("Connection"), "close");
  CAF_CHECK_EQUAL(f.call("GET", "/healthz").status, 200);
  auto answer = conn.read_response();
  CAF_REQUIRE(answer);
  CAF_CHECK_EQUAL(answer->status, 201);
  CAF_CHECK_EQUAL(answer->header("Connection"), "close");
  CAF_CHECK_EQUAL(f.node.wait_exit(30s), 0);
  auto refused = false;
  try {
    http_connection late{f.port};
  } catch (const std::runtime_error&) {
    refused = true;
  }
  CAF_CHECK(refused);
}

// The feed and the session check are read from published views by default
// (runtime/entity/view_board.hpp) and from the entities with
// --http-no-read-views: both answer the same and follow every change.
static void feed_follows_changes(gateway_fixture& f, std::vector<std::string>& bodies) {
  auto ann = f.join("ann");
  auto bob = f.join("bob");
  auto cid = f.join("cid");
  auto feed = [&] { return f.call("GET", "/v1/feed?limit=5", {}, bearer(ann.token)); };
  CAF_REQUIRE_EQUAL(f.call("POST", "/v1/users/" + ann.id + "/like", {}, bearer(bob.token)).status,
                    200);
  auto page = eventually(feed, [&](const json& p) { return has_kind(p, "liked", bob.id); });
  CAF_REQUIRE(has_kind(page, "liked", bob.id));
  for (int i = 0; i < 5; ++i) {
    auto res = feed();
    CAF_CHECK_EQUAL(res.status, 200);
    CAF_CHECK_EQUAL(res.json(), page);
  }
  CAF_REQUIRE_EQUAL(f.call("GET", "/v1/users/" + ann.id, {}, bearer(cid.token)).status, 200);
  page = eventually(feed, [&](const json& p) { return has_kind(p, "visited", cid.id); });
  CAF_CHECK(has_kind(page, "visited", cid.id));
  auto visitors = [&] { return f.call("GET", "/v1/visitors", {}, bearer(ann.token)); };
  auto seen = eventually(visitors, [&](const json& p) { return has_user(p, cid.id); });
  CAF_CHECK(has_user(seen, cid.id));
  CAF_CHECK_EQUAL(visitors().json(), seen);
  auto online = [&] { return f.call("GET", "/v1/online?limit=10", {}, bearer(bob.token)); };
  auto everyone = eventually(online, [&](const json& p) {
    return has_user(p, ann.id) && has_user(p, bob.id) && has_user(p, cid.id);
  });
  CAF_CHECK(has_user(everyone, ann.id) && has_user(everyone, bob.id) && has_user(everyone, cid.id));
  CAF_CHECK_EQUAL(online().json(), everyone);
  auto first = f.call("GET", "/v1/online?limit=1", {}, bearer(bob.token));
  CAF_CHECK_EQUAL(first.status, 200);
  CAF_CHECK_EQUAL(field_of(first, "items").size(), 1u);
  CAF_REQUIRE_EQUAL(f.call("POST", "/v1/users/" + bob.id + "/like", {}, bearer(ann.token)).status,
                    200);
  page = eventually(feed, [&](const json& p) { return has_kind(p, "matched", bob.id); });
  CAF_CHECK(has_kind(page, "matched", bob.id));
  auto body = f.call("GET", "/v1/feed?limit=5", {}, bearer(ann.token)).body;
  // Ids and times differ between nodes: keep the shape.
  for (auto* id : {&ann.id, &bob.id, &cid.id})
    for (size_t at; (at = body.find("\"" + *id + "\"")) != std::string::npos;)
      body.replace(at, id->size() + 2, "\"ID\"");
  for (size_t at = 0; (at = body.find("\"at\":\"", at)) != std::string::npos; at += 6)
    body.replace(at + 6, 24, "TIME");
  bodies.push_back(body);
  // A logged-out token is refused at once, with or without views.
  CAF_REQUIRE_EQUAL(f.call("DELETE", "/v1/sessions/current", {}, bearer(ann.token)).status, 200);
  CAF_CHECK_EQUAL(feed().status, 401);
  CAF_CHECK_EQUAL(f.call("GET", "/v1/me", {}, bearer(ann.token)).status, 401);
}

CAF_TEST(the feed follows changes and reads the same with and without published views) {
  std::vector<std::string> bodies;
  {
    gateway_fixture with_views;
    feed_follows_changes(with_views, bodies);
  }
  {
    gateway_fixture without_views{{"--http-no-read-views"}};
    feed_follows_changes(without_views, bodies);
  }
  CAF_REQUIRE_EQUAL(bodies.size(), 2u);
  CAF_CHECK_EQUAL(bodies[0], bodies[1]);
  CAF_CHECK_NOT_EQUAL(bodies[0].find(R"({"at":"TIME","kind":"matched","user_id":"ID"})"),
                      std::string::npos);
}

CAF_TEST(the access log writes one JSON line per request) {
  gateway_fixture f{{"--http-access-log"}};
  CAF_REQUIRE_EQUAL(f.call("GET", "/healthz?probe=1").status, 200);
  CAF_REQUIRE_EQUAL(f.call("GET", "/v1/nothing").status, 404);
  CAF_REQUIRE(f.node.wait_for("\"target\":\"/v1/nothing\"", 5s));
  auto& out = f.node.output();
  auto start = out.find("{\"bytes\"");
  CAF_REQUIRE_NOT_EQUAL(start, std::string::npos);
  auto line = json::parse(out.substr(start, out.find('\n', start) - start));
  CAF_CHECK_EQUAL(line.at("route").get<std::string>(), "/healthz");
  CAF_CHECK_EQUAL(line.at("target").get<std::string>(), "/healthz?probe=1");
  CAF_CHECK_EQUAL(line.at("status").get<int>(), 200);
  CAF_CHECK_EQUAL(line.at("client").get<std::string>(), "127.0.0.1");
  CAF_CHECK(line.at("ms").is_number());
  CAF_CHECK(line.at("ts").is_string());
}
