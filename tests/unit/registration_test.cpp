// Registration and login through email/<address>: validation of every field,
// one owner per address even under concurrent registrations, and logins that
// fail the same way for an unknown address and a wrong password.
#define CAF_SUITE registration
#include <caf/test/dsl.hpp>

#include <atomic>
#include <functional>
#include <thread>

#include "actors/account_types.hpp"
#include "actors/account_validation.hpp"
#include "actors/events.hpp"
#include "app_world.hpp"
#include "runtime/errc.hpp"

using namespace griddle;
using namespace griddle::actors;
using namespace griddle::test;

namespace {

struct fixture {
  app_world world;

  registration valid(std::string email = "Ann@Example.com") {
    return {std::move(email),
            "correct horse battery",
            "Ann",
            year_of(world.now_ms()) - 30,
            "Stockholm",
            "Hello.",
            "men"};
  }

  static entity_ref email_of(const std::string& address) {
    return {"email", normalize_email(address)};
  }

  caf::expected<std::string> register_user(const registration& x) {
    return world.ask<std::string>(email_of(x.email), register_atom_v, x);
  }

  caf::expected<login_result> login(const std::string& address, const std::string& password) {
    return world.ask<login_result>(email_of(address), login_atom_v, password);
  }

  /// Sends `n` registrations of `x` at once, each from its own thread and
  /// scoped actor; returns the ids of the successes and the errors.
  std::pair<std::vector<std::string>, std::vector<caf::error>> register_concurrently(
      const registration& x, size_t n) {
    std::vector<std::string> ids(n);
    std::vector<caf::error> errors(n);
    std::atomic<size_t> ready{0};
    std::vector<std::thread> threads;
    for (size_t i = 0; i < n; ++i)
      threads.emplace_back([&, i] {
        caf::scoped_actor self{world.sys()};
        ++ready;
        while (ready.load() < n)
          std::this_thread::yield();
        world.router()
            .request(self.ptr(), email_of(x.email), app_world::ask_timeout, register_atom_v, x)
            .receive([&](std::string& id) { ids[i] = id; },
                     [&](caf::error& err) { errors[i] = err; });
      });
    for (auto& t : threads)
      t.join();
    std::vector<std::string> successes;
    std::vector<caf::error> failures;
    for (size_t i = 0; i < n; ++i) {
      if (errors[i])
        failures.push_back(errors[i]);
      else
        successes.push_back(ids[i]);
    }
    return {successes, failures};
  }

  /// Number of events of `type` in the whole store.
  size_t count_events(const std::string& type) {
    auto all = world.events().read_all(1, 1'000'000);
    size_t n = 0;
    if (all)
      for (auto& ev : *all)
        n += ev.type == type ? 1 : 0;
    return n;
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(registration_tests, fixture)

// -- valid registration ------------------------------------------------------

CAF_TEST(a valid registration claims the address and creates the user) {
  // given: nothing
  // when
  auto id = register_user(valid());
  // then
  CAF_REQUIRE(id);
  CAF_CHECK(!id->empty());
  CAF_CHECK(std::all_of(id->begin(), id->end(), [](char c) { return c >= '0' && c <= '9'; }));
  CAF_CHECK_EQUAL(world.types_of("email/ann@example.com"), (names{events::email_claimed}));
  CAF_CHECK_EQUAL(world.payload_field("email/ann@example.com", 1, "user_id"), *id);
  CAF_CHECK_EQUAL(world.types_of("user/" + *id), (names{events::user_registered}));
  auto user = world.payload_of("user/" + *id, 1);
  CAF_CHECK_EQUAL(user["email"], "ann@example.com");
  CAF_CHECK_EQUAL(user["name"], "Ann");
  CAF_CHECK_EQUAL(user["birth_year"], year_of(world.now_ms()) - 30);
  CAF_CHECK_EQUAL(user["city"], "Stockholm");
  CAF_CHECK_EQUAL(user["bio"], "Hello.");
  CAF_CHECK_EQUAL(user["looking_for"], "men");
  CAF_CHECK_EQUAL(user["registered_ms"], world.now_ms());
  auto hash = user["password_hash"].get<std::string>();
  CAF_CHECK_EQUAL(hash.rfind("$argon2id$", 0), 0u);
  CAF_CHECK(verify_password(hash, "correct horse battery"));
  CAF_CHECK_EQUAL(world.tags_of("user/" + *id, 1), (names{*id}));
  auto prof = world.ask<profile>(entity_ref{"user", *id}, caf::get_atom_v);
  CAF_REQUIRE(prof);
  CAF_CHECK_EQUAL(prof->name, "Ann");
}

CAF_TEST(boundary values are accepted) {
  auto year = year_of(world.now_ms());
  std::vector<std::function<void(registration&)>> edits{
      [](registration& x) { x.password = std::string(8, 'p'); },
      [](registration& x) { x.password = std::string(1024, 'p'); },
      [](registration& x) { x.name = std::string(64, 'n'); },
      [](registration& x) { x.name = "Åsa Öberg"; },
      [year](registration& x) { x.birth_year = year - 18; },
      [year](registration& x) { x.birth_year = year - 120; },
      [](registration& x) { x.city = std::string(64, 'c'); },
      [](registration& x) { x.bio = ""; },
      [](registration& x) { x.bio = std::string(2000, 'b'); },
      [](registration& x) { x.looking_for = "women"; },
      [](registration& x) { x.looking_for = "everyone"; },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    auto x = valid("edge" + std::to_string(i) + "@example.com");
    edits[i](x);
    auto id = register_user(x);
    CAF_CHECK(id);
    if (!id)
      CAF_MESSAGE("case " << i << ": " << world.sys().render(id.error()));
  }
}

// -- invalid registrations ---------------------------------------------------

CAF_TEST(each invalid field is named and nothing is written) {
  auto year = year_of(world.now_ms());
  struct invalid_case {
    std::string field;
    std::function<void(registration&)> edit;
  };
  std::vector<invalid_case> cases{
      {"email", [](registration& x) { x.email = ""; }},
      {"email", [](registration& x) { x.email = "not-an-email"; }},
      {"email", [](registration& x) { x.email = "ann@localhost"; }},
      {"email", [](registration& x) { x.email = "ann@@example.com"; }},
      {"email", [](registration& x) { x.email = "an n@example.com"; }},
      {"email", [](registration& x) { x.email = ".ann@example.com"; }},
      {"password", [](registration& x) { x.password = "short"; }},
      {"password", [](registration& x) { x.password = std::string(7, 'p'); }},
      {"password", [](registration& x) { x.password = std::string(1025, 'p'); }},
      {"name", [](registration& x) { x.name = ""; }},
      {"name", [](registration& x) { x.name = "   "; }},
      {"name", [](registration& x) { x.name = std::string(65, 'n'); }},
      {"name", [](registration& x) { x.name = "bad\xff"; }},
      {"name", [](registration& x) { x.name = "line\nbreak"; }},
      {"birth_year", [year](registration& x) { x.birth_year = year - 17; }},
      {"birth_year", [year](registration& x) { x.birth_year = year - 121; }},
      {"birth_year", [](registration& x) { x.birth_year = 0; }},
      {"city", [](registration& x) { x.city = ""; }},
      {"city", [](registration& x) { x.city = std::string(65, 'c'); }},
      {"bio", [](registration& x) { x.bio = std::string(2001, 'b'); }},
      {"looking_for", [](registration& x) { x.looking_for = "aliens"; }},
      {"looking_for", [](registration& x) { x.looking_for = ""; }},
  };
  for (auto& c : cases) {
    // given: a registration that is valid but for one field
    auto x = valid();
    c.edit(x);
    // when
    auto id = register_user(x);
    // then
    CAF_REQUIRE(!id);
    CAF_CHECK(is(id.error(), errc::validation_failed));
    CAF_CHECK_EQUAL(field_of(id.error()), c.field);
  }
  CAF_CHECK_EQUAL(world.types_of("email/ann@example.com"), names{});
  CAF_CHECK_EQUAL(count_events(events::user_registered), 0u);
}

CAF_TEST(the first invalid field is reported) {
  auto x = valid();
  x.password = "short";
  x.looking_for = "aliens";
  auto id = register_user(x);
  CAF_REQUIRE(!id);
  CAF_CHECK_EQUAL(field_of(id.error()), "password");
}

CAF_TEST(a registration sent to another address entity is refused) {
  auto id = world.ask<std::string>(entity_ref{"email", "bob@example.com"}, register_atom_v,
                                   valid("ann@example.com"));
  CAF_REQUIRE(!id);
  CAF_CHECK(is(id.error(), errc::invalid_argument));
  CAF_CHECK_EQUAL(world.types_of("email/bob@example.com"), names{});
}

// -- duplicates ---------------------------------------------------------------

CAF_TEST(a registered address is a conflict whatever its case and spacing) {
  // given
  auto first = register_user(valid());
  CAF_REQUIRE(first);
  // when
  auto again = register_user(valid());
  auto shouted = register_user(valid("  ANN@EXAMPLE.COM\t"));
  // then
  CAF_REQUIRE(!again);
  CAF_CHECK(is(again.error(), errc::conflict));
  CAF_REQUIRE(!shouted);
  CAF_CHECK(is(shouted.error(), errc::conflict));
  CAF_CHECK_EQUAL(world.types_of("email/ann@example.com"), (names{events::email_claimed}));
  CAF_CHECK_EQUAL(count_events(events::user_registered), 1u);
}

CAF_TEST(given a claimed address in the store a registration is a conflict) {
  CAF_REQUIRE(
      world.given("email/ann@example.com", {{events::email_claimed, {{"user_id", "7"}}, {}}}));
  auto id = register_user(valid());
  CAF_REQUIRE(!id);
  CAF_CHECK(is(id.error(), errc::conflict));
  CAF_CHECK_EQUAL(count_events(events::user_registered), 0u);
}

CAF_TEST(two concurrent registrations of one address yield one success) {
  auto [ids, errors] = register_concurrently(valid(), 2);
  CAF_CHECK_EQUAL(ids.size(), 1u);
  CAF_REQUIRE_EQUAL(errors.size(), 1u);
  CAF_CHECK(is(errors[0], errc::conflict));
  CAF_CHECK_EQUAL(world.types_of("email/ann@example.com"), (names{events::email_claimed}));
  CAF_CHECK_EQUAL(count_events(events::email_claimed), 1u);
  CAF_CHECK_EQUAL(count_events(events::user_registered), 1u);
}

CAF_TEST(eight concurrent registrations of one address yield one success) {
  auto [ids, errors] = register_concurrently(valid(), 8);
  CAF_REQUIRE_EQUAL(ids.size(), 1u);
  CAF_CHECK_EQUAL(errors.size(), 7u);
  for (auto& err : errors)
    CAF_CHECK(is(err, errc::conflict));
  CAF_CHECK_EQUAL(world.types_of("email/ann@example.com"), (names{events::email_claimed}));
  CAF_CHECK_EQUAL(world.payload_field("email/ann@example.com", 1, "user_id"), ids[0]);
  CAF_CHECK_EQUAL(count_events(events::user_registered), 1u);
}

// -- login ---------------------------------------------------------------------

CAF_TEST(login with the right password answers a session token) {
  // given
  auto id = register_user(valid());
  CAF_REQUIRE(id);
  // when
  auto res = login("ann@example.com", "correct horse battery");
  // then
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->user_id, *id);
  CAF_CHECK_EQUAL(res->token.size(), 43u);
  CAF_CHECK_EQUAL(res->expires_ms, world.now_ms() + world.services().session_ttl.count());
  CAF_CHECK_EQUAL(world.types_of("session/" + token_digest(res->token)),
                  (names{events::session_started}));
}

CAF_TEST(login normalizes the address) {
  CAF_REQUIRE(register_user(valid()));
  auto res = login(" Ann@EXAMPLE.com ", "correct horse battery");
  CAF_CHECK(res);
}

CAF_TEST(a wrong password and an unknown address fail alike) {
  // given
  CAF_REQUIRE(register_user(valid()));
  // when
  auto wrong = login("ann@example.com", "incorrect horse");
  auto unknown = login("nobody@example.com", "correct horse battery");
  // then
  CAF_REQUIRE(!wrong);
  CAF_REQUIRE(!unknown);
  CAF_CHECK(is(wrong.error(), errc::unauthenticated));
  CAF_CHECK(is(unknown.error(), errc::unauthenticated));
  CAF_CHECK_EQUAL(world.sys().render(wrong.error()), world.sys().render(unknown.error()));
  CAF_CHECK_EQUAL(count_events(events::session_started), 0u);
  CAF_CHECK_EQUAL(world.types_of("email/nobody@example.com"), names{});
}

CAF_TEST_FIXTURE_SCOPE_END()
