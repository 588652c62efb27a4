// session/<digest> and the sessions/<user> projection: login, authentication
// with sliding renewal, expiry on the manual clock, logout, revocation, the
// list of live sessions, and tokens that never reach the store.
#define CAF_SUITE session
#include <caf/test/dsl.hpp>

#include <algorithm>
#include <cctype>

#include "actors/account_types.hpp"
#include "actors/accounts.hpp"
#include "actors/events.hpp"
#include "actors/session_view.hpp"
#include "app_world.hpp"
#include "runtime/errc.hpp"

using namespace griddle;
using namespace griddle::actors;
using namespace griddle::test;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

struct fixture {
  app_world world;
  const std::string password = "correct horse battery";

  fixture() {
    auto hash = hash_password(password, password_strength::minimum());
    json data{{"email", "ann@example.com"}, {"password_hash", hash}, {"name", "Ann"},
              {"birth_year", 1990},         {"city", "Stockholm"},   {"bio", ""},
              {"looking_for", "men"},       {"registered_ms", 1}};
    if (!world.given("user/42", {{events::user_registered, data, {"42"}}}))
      CAF_FAIL("cannot register user 42");
  }

  /// Logs user 42 in; returns the token.
  std::string login() {
    auto res = world.ask<login_result>(entity_ref{"user", "42"}, login_atom_v, password);
    if (!res)
      CAF_FAIL("login failed: " << world.sys().render(res.error()));
    return res->token;
  }

  static entity_ref session_of(const std::string& token) {
    return {"session", token_digest(token)};
  }

  static std::string stream_of(const std::string& token) {
    return "session/" + token_digest(token);
  }

  static std::string id_of(const std::string& token) { return token_digest(token).substr(0, 16); }

  caf::expected<std::string> authenticate(const std::string& token) {
    return world.ask<std::string>(session_of(token), authenticate_atom_v, token);
  }

  std::vector<session_info> sessions(const std::string& user = "42") {
    auto xs = world.ask<std::vector<session_info>>(entity_ref{"sessions", user}, sessions_atom_v);
    return xs ? *xs : std::vector<session_info>{};
  }

  std::chrono::milliseconds ttl() { return world.services().session_ttl; }
  std::chrono::milliseconds renew_every() { return world.services().session_renew_every; }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(session_tests, fixture)

// -- start and authenticate --------------------------------------------------------

CAF_TEST(login starts a session whose token authenticates) {
  auto token = login();
  CAF_CHECK_EQUAL(token.size(), 43u);
  CAF_CHECK(std::all_of(token.begin(), token.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  }));
  auto stream = stream_of(token);
  CAF_CHECK_EQUAL(world.types_of(stream), (names{events::session_started}));
  CAF_CHECK_EQUAL(world.payload_of(stream, 1),
                  (json{{"user_id", "42"},
                        {"session_id", id_of(token)},
                        {"created_ms", world.now_ms()},
                        {"expires_ms", world.now_ms() + ttl().count()}}));
  CAF_CHECK_EQUAL(world.tags_of(stream, 1),
                  (names{"42", online_tag("42", world.services().online_shards)}));
  auto user = authenticate(token);
  CAF_REQUIRE(user);
  CAF_CHECK_EQUAL(*user, "42");
  CAF_CHECK_EQUAL(world.types_of(stream).size(), 1u);
}

CAF_TEST(a wrong token or an unknown session is unauthenticated) {
  auto token = login();
  auto other = new_session_token();
  auto wrong = world.ask<std::string>(session_of(token), authenticate_atom_v, other);
  CAF_REQUIRE(!wrong);
  CAF_CHECK(is(wrong.error(), errc::unauthenticated));
  auto unknown = authenticate(other);
  CAF_REQUIRE(!unknown);
  CAF_CHECK(is(unknown.error(), errc::unauthenticated));
  CAF_CHECK_EQUAL(world.sys().render(wrong.error()), world.sys().render(unknown.error()));
  CAF_CHECK(world.types_of(stream_of(other)).empty());
}

CAF_TEST(starting a session twice is a conflict) {
  auto token = login();
  auto again = world.ask<int64_t>(session_of(token), start_session_atom_v, std::string{"43"});
  CAF_REQUIRE(!again);
  CAF_CHECK(is(again.error(), errc::conflict));
  CAF_CHECK_EQUAL(world.types_of(stream_of(token)).size(), 1u);
}

// -- logout and expiry ---------------------------------------------------------------

CAF_TEST(logout ends the session) {
  auto token = login();
  world.advance(5s);
  CAF_CHECK(
      is(world.tell(session_of(token), logout_atom_v, new_session_token()), errc::unauthenticated));
  CAF_CHECK_EQUAL(world.tell(session_of(token), logout_atom_v, token), caf::error{});
  auto stream = stream_of(token);
  CAF_CHECK_EQUAL(world.types_of(stream), (names{events::session_started, events::session_ended}));
  CAF_CHECK_EQUAL(world.payload_of(stream, 2), (json{{"user_id", "42"},
                                                     {"session_id", id_of(token)},
                                                     {"reason", "logout"},
                                                     {"ended_ms", world.now_ms()}}));
  auto user = authenticate(token);
  CAF_REQUIRE(!user);
  CAF_CHECK(is(user.error(), errc::unauthenticated));
  // A second logout changes nothing.
  CAF_CHECK_EQUAL(world.tell(session_of(token), logout_atom_v, token), caf::error{});
  CAF_CHECK_EQUAL(world.types_of(stream).size(), 2u);
}

CAF_TEST(a session expires ttl after its last renewal without an event) {
  auto token = login();
  world.advance(ttl());
  auto user = authenticate(token);
  CAF_REQUIRE(!user);
  CAF_CHECK(is(user.error(), errc::unauthenticated));
  CAF_CHECK_EQUAL(world.types_of(stream_of(token)), (names{events::session_started}));
}

// -- sliding renewal -----------------------------------------------------------------

CAF_TEST(use renews the session at most once per renew interval) {
  auto token = login();
  auto stream = stream_of(token);
  world.advance(renew_every() - 1ms);
  CAF_CHECK(authenticate(token));
  CAF_CHECK_EQUAL(world.types_of(stream).size(), 1u);
  world.advance(1ms);
  CAF_CHECK(authenticate(token));
  CAF_CHECK_EQUAL(world.types_of(stream),
                  (names{events::session_started, events::session_renewed}));
  CAF_CHECK_EQUAL(world.payload_of(stream, 2),
                  (json{{"user_id", "42"},
                        {"session_id", id_of(token)},
                        {"seen_ms", world.now_ms()},
                        {"expires_ms", world.now_ms() + ttl().count()}}));
  CAF_CHECK_EQUAL(world.tags_of(stream, 2),
                  (names{"42", online_tag("42", world.services().online_shards)}));
  CAF_CHECK(authenticate(token));
  world.advance(renew_every() / 2);
  CAF_CHECK(authenticate(token));
  CAF_CHECK_EQUAL(world.types_of(stream).size(), 2u);
  world.advance(renew_every() / 2);
  CAF_CHECK(authenticate(token));
  CAF_CHECK_EQUAL(world.types_of(stream).size(), 3u);
}

CAF_TEST(a renewed session outlives its first expiry) {
  auto token = login();
  world.advance(ttl() - 1min);
  CAF_CHECK(authenticate(token));
  world.advance(2min);
  auto user = authenticate(token);
  CAF_CHECK(user);
  world.advance(ttl());
  CAF_CHECK(!authenticate(token));
}

// -- revoke ------------------------------------------------------------------------

// -- published views -----------------------------------------------------------------

CAF_TEST(a live session publishes a view that logout withdraws before it answers) {
  auto token = login();
  auto view = [&] { return world.router().views().read<session_view>(session_of(token)); };
  CAF_REQUIRE(authenticate(token));
  // Published right after the answer.
  CAF_REQUIRE(app_world::eventually([&] { return view() != nullptr; }));
  auto published = view();
  CAF_REQUIRE(published != nullptr);
  CAF_CHECK_EQUAL(published->user_id, "42");
  CAF_CHECK(published->fresh());
  // Usable until the next renewal is due, then the entity must be asked.
  CAF_CHECK_EQUAL(published->fresh_until_ms, world.now_ms() + renew_every().count());
  world.advance(renew_every());
  CAF_CHECK(!published->fresh());
  CAF_REQUIRE(authenticate(token));
  auto renewed = view();
  CAF_REQUIRE(renewed != nullptr);
  CAF_CHECK(renewed->fresh());
  CAF_CHECK_EQUAL(renewed->fresh_until_ms, world.now_ms() + renew_every().count());
  CAF_CHECK_EQUAL(world.tell(session_of(token), logout_atom_v, token), caf::error{});
  CAF_CHECK(view() == nullptr);
  CAF_CHECK(!authenticate(token));
  CAF_CHECK(view() == nullptr);
}

CAF_TEST(a wrong token publishes nothing and an expired session withdraws its view) {
  auto token = login();
  auto other = new_session_token();
  CAF_CHECK(!world.ask<std::string>(session_of(token), authenticate_atom_v, other));
  CAF_CHECK(world.router().views().read<session_view>(session_of(other)) == nullptr);
  CAF_REQUIRE(authenticate(token));
  CAF_CHECK(app_world::eventually(
      [&] { return world.router().views().read<session_view>(session_of(token)) != nullptr; }));
  auto old = world.router().views().read<session_view>(session_of(token));
  CAF_REQUIRE(old != nullptr);
  world.advance(ttl());
  // Stale at once (readers check the clock), withdrawn after the next use.
  CAF_CHECK(!old->fresh());
  CAF_CHECK(!authenticate(token));
  CAF_CHECK(app_world::eventually(
      [&] { return world.router().views().read<session_view>(session_of(token)) == nullptr; }));
}

CAF_TEST(only the owner may revoke a session) {
  auto token = login();
  auto stream = stream_of(token);
  CAF_CHECK(is(world.tell(session_of(token), revoke_atom_v, std::string{"43"}), errc::forbidden));
  CAF_CHECK_EQUAL(world.types_of(stream).size(), 1u);
  CAF_CHECK(authenticate(token));
  CAF_CHECK_EQUAL(world.tell(session_of(token), revoke_atom_v, std::string{"42"}), caf::error{});
  CAF_CHECK_EQUAL(world.types_of(stream), (names{events::session_started, events::session_ended}));
  CAF_CHECK_EQUAL(world.payload_field(stream, 2, "reason"), "revoked");
  CAF_CHECK(!authenticate(token));
  auto unknown = new_session_token();
  CAF_CHECK(is(world.tell(session_of(unknown), revoke_atom_v, std::string{"42"}), errc::not_found));
}

// -- the sessions projection ---------------------------------------------------------

CAF_TEST(the projection lists live sessions newest first) {
  auto first = login();
  auto t1 = world.now_ms();
  world.advance(1s);
  auto second = login();
  auto t2 = world.now_ms();
  auto expected = std::vector<session_info>{{id_of(second), t2, t2 + ttl().count(), t2},
                                            {id_of(first), t1, t1 + ttl().count(), t1}};
  CAF_CHECK(app_world::eventually([&] { return sessions() == expected; }));
  // A renewal shows as last seen.
  world.advance(renew_every());
  CAF_CHECK(authenticate(first));
  auto t3 = world.now_ms();
  expected[1].last_seen_ms = t3;
  expected[1].expires_ms = t3 + ttl().count();
  CAF_CHECK(app_world::eventually([&] { return sessions() == expected; }));
  // An ended session leaves the list.
  CAF_CHECK_EQUAL(world.tell(session_of(second), logout_atom_v, second), caf::error{});
  CAF_CHECK(app_world::eventually([&] { return sessions() == std::vector{expected[1]}; }));
  // Nobody else sees them.
  CAF_CHECK(sessions("43").empty());
}

CAF_TEST(expired sessions leave the list) {
  login();
  CAF_CHECK(app_world::eventually([&] { return sessions().size() == 1; }));
  world.advance(ttl());
  CAF_CHECK(sessions().empty());
}

CAF_TEST(the owner revokes a session by its id) {
  auto token = login();
  auto id = id_of(token);
  CAF_CHECK(app_world::eventually([&] { return sessions().size() == 1; }));
  // Another user's projection does not know the session.
  CAF_CHECK(is(world.tell(entity_ref{"sessions", "43"}, revoke_atom_v, id), errc::not_found));
  CAF_CHECK(is(world.tell(entity_ref{"sessions", "42"}, revoke_atom_v, std::string{"0000"}),
               errc::not_found));
  CAF_CHECK(authenticate(token));
  // when
  CAF_CHECK_EQUAL(world.tell(entity_ref{"sessions", "42"}, revoke_atom_v, id), caf::error{});
  // then
  CAF_CHECK_EQUAL(world.types_of(stream_of(token)),
                  (names{events::session_started, events::session_ended}));
  CAF_CHECK_EQUAL(world.payload_field(stream_of(token), 2, "reason"), "revoked");
  CAF_CHECK(!authenticate(token));
  CAF_CHECK(app_world::eventually([&] { return sessions().empty(); }));
}

// -- secrets -------------------------------------------------------------------------

CAF_TEST(only digests of tokens reach the store) {
  std::vector<std::string> tokens{login(), login()};
  world.advance(renew_every());
  CAF_CHECK(authenticate(tokens[0]));
  CAF_CHECK_EQUAL(world.tell(session_of(tokens[1]), logout_atom_v, tokens[1]), caf::error{});
  auto all = world.events().read_all(1, 1'000'000);
  CAF_REQUIRE(all);
  size_t session_events = 0;
  for (auto& ev : *all) {
    if (ev.stream.rfind("session/", 0) == 0)
      ++session_events;
    for (auto& token : tokens) {
      CAF_CHECK_EQUAL(token.size(), 43u);
      CAF_CHECK_EQUAL(ev.payload.find(token), std::string::npos);
      CAF_CHECK_EQUAL(ev.stream.find(token), std::string::npos);
      CAF_CHECK_EQUAL(ev.event_id.find(token), std::string::npos);
      for (auto& tag : ev.tags)
        CAF_CHECK_EQUAL(tag.find(token), std::string::npos);
    }
  }
  CAF_CHECK_EQUAL(session_events, 4u);
  CAF_CHECK_EQUAL(world.types_of(stream_of(tokens[0])).size(), 2u);
}

CAF_TEST_FIXTURE_SCOPE_END()
