// The activity entity, given / when / then: likes, favourites, profile visits
// and alerts_seen; validation; the commands that change nothing.
#define CAF_SUITE activity
#include <caf/test/unit_test.hpp>

#include <chrono>
#include <string>

#include "actors/account_types.hpp"
#include "actors/activity_entity.hpp"
#include "actors/events.hpp"
#include "actors/social_types.hpp"
#include "app_world.hpp"
#include "runtime/errc.hpp"

using namespace griddle;
using namespace griddle::actors;
using griddle::test::app_world;
using griddle::test::field_of;
using griddle::test::names;
using nlohmann::json;

namespace {

entity::new_event relation_event(const char* type, const std::string& by, const std::string& target,
                                 int64_t at_ms) {
  return {type, {{"by", by}, {"target", target}, {"at_ms", at_ms}}, {by, target}};
}

entity::new_event visit_event(const std::string& by, const std::string& target,
                              const std::string& day, int64_t at_ms) {
  return {events::profile_visited,
          {{"by", by}, {"target", target}, {"day", day}, {"at_ms", at_ms}},
          {target}};
}

struct fixture {
  app_world world;
  const std::string me = "42";
  const std::string stream = "activity/42";
  const entity_ref ref{"activity", "42"};

  template <class Atom>
  caf::expected<relation_state> command(Atom atom, const std::string& target) {
    return world.ask<relation_state>(ref, atom, target);
  }

  /// The tags of the stream's event at `index` (0-based).
  names tags_of(size_t index) { return world.events_of(stream).at(index).tags; }

  /// Whether the command wrote an event; false on an error too.
  template <class Atom>
  bool changes(Atom atom, const std::string& target) {
    auto reply = command(atom, target);
    if (!reply)
      CAF_FAIL("unexpected error: " << world.sys().render(reply.error()));
    return reply->changed;
  }

  caf::expected<int64_t> seen(const std::string& kind) {
    return world.ask<int64_t>(ref, alerts_seen_atom_v, kind);
  }
};

}  // namespace

CAF_TEST(utc days follow the proleptic gregorian calendar) {
  CAF_CHECK_EQUAL(utc_day(0), "1970-01-01");
  CAF_CHECK_EQUAL(utc_day(-1), "1969-12-31");
  CAF_CHECK_EQUAL(utc_day(1'800'000'000'000), "2027-01-15");
  CAF_CHECK_EQUAL(utc_day(1'709'164'800'000), "2024-02-29");
  CAF_CHECK_EQUAL(utc_day(1'709'164'799'999), "2024-02-28");
  CAF_CHECK_EQUAL(utc_day(951'782'400'000), "2000-02-29");
}

CAF_TEST(the activity state survives its snapshot) {
  activity_state st;
  st.apply(events::liked, {{"by", "1"}, {"target", "2"}});
  st.apply(events::favourited, {{"by", "1"}, {"target", "3"}});
  st.apply(events::profile_visited, {{"by", "1"}, {"target", "4"}, {"day", "2027-01-15"}});
  activity_state copy;
  copy.from_json(st.to_json());
  CAF_CHECK_EQUAL(copy.to_json(), st.to_json());
  CAF_CHECK(copy.likes("2") && copy.favours("3") && copy.visited("4", "2027-01-15"));
  CAF_CHECK(!copy.likes("3") && !copy.visited("4", "2027-01-16"));
}

CAF_TEST_FIXTURE_SCOPE(activity_tests, fixture)

// -- like / unlike ------------------------------------------------------------------

CAF_TEST(a like is recorded with both users as tags) {
  auto reply = command(like_atom_v, "43");
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(*reply, (relation_state{"43", true, false, true}));
  CAF_CHECK_EQUAL(world.types_of(stream), (names{"liked"}));
  CAF_CHECK_EQUAL(world.payload_of(stream, 1),
                  (json{{"by", "42"}, {"target", "43"}, {"at_ms", world.now_ms()}}));
  CAF_CHECK_EQUAL(tags_of(0), (names{"42", "43"}));
}

CAF_TEST(liking a liked user records nothing and answers the state) {
  CAF_REQUIRE(command(like_atom_v, "43"));
  auto again = command(like_atom_v, "43");
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(*again, (relation_state{"43", true, false, false}));
  CAF_CHECK_EQUAL(world.types_of(stream), (names{"liked"}));
}

CAF_TEST(given a like when unliking then unliked is recorded) {
  CAF_REQUIRE(world.given(stream, {relation_event(events::liked, me, "43", 5)}));
  auto reply = command(unlike_atom_v, "43");
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(*reply, (relation_state{"43", false, false, true}));
  CAF_CHECK_EQUAL(world.types_of(stream), (names{"liked", "unliked"}));
  CAF_CHECK_EQUAL(world.payload_of(stream, 2),
                  (json{{"by", "42"}, {"target", "43"}, {"at_ms", world.now_ms()}}));
  CAF_CHECK_EQUAL(tags_of(1), (names{"42", "43"}));
}

CAF_TEST(given a like when liking again then nothing is recorded) {
  CAF_REQUIRE(world.given(stream, {relation_event(events::liked, me, "43", 5)}));
  auto reply = command(like_atom_v, "43");
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(*reply, (relation_state{"43", true, false, false}));
  CAF_CHECK_EQUAL(world.types_of(stream), (names{"liked"}));
}

CAF_TEST(unliking a user not liked records nothing) {
  auto reply = command(unlike_atom_v, "43");
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(*reply, (relation_state{"43", false, false, false}));
  CAF_REQUIRE(world.given(stream, {relation_event(events::liked, me, "43", 5),
                                   relation_event(events::unliked, me, "43", 6)}));
  CAF_CHECK(!changes(unlike_atom_v, "43"));
  CAF_CHECK_EQUAL(world.types_of(stream), (names{"liked", "unliked"}));
}

CAF_TEST(a target that is not another user id is a validation error on target) {
  for (auto bad : {"", "abc", "4 3", "-43", "43x", "123456789012345678901", "42"}) {
    CAF_MESSAGE("target '" << bad << "'");
    CAF_CHECK_EQUAL(field_of(command(like_atom_v, bad).error()), "target");
    CAF_CHECK_EQUAL(field_of(command(unlike_atom_v, bad).error()), "target");
    CAF_CHECK_EQUAL(field_of(command(favourite_atom_v, bad).error()), "target");
    CAF_CHECK_EQUAL(field_of(command(unfavourite_atom_v, bad).error()), "target");
    CAF_CHECK_EQUAL(field_of(command(visit_atom_v, bad).error()), "target");
    CAF_CHECK_EQUAL(
        field_of(world.ask<relation_state>(ref, caf::get_atom_v, std::string{bad}).error()),
        "target");
  }
  CAF_CHECK(world.types_of(stream).empty());
}

// -- favourite / unfavourite --------------------------------------------------------

CAF_TEST(a favourite is recorded and a second one is a no - op) {
  auto reply = command(favourite_atom_v, "43");
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(*reply, (relation_state{"43", false, true, true}));
  CAF_CHECK(!changes(favourite_atom_v, "43"));
  CAF_CHECK_EQUAL(world.types_of(stream), (names{"favourited"}));
  CAF_CHECK_EQUAL(world.payload_of(stream, 1),
                  (json{{"by", "42"}, {"target", "43"}, {"at_ms", world.now_ms()}}));
  CAF_CHECK_EQUAL(tags_of(0), (names{"42", "43"}));
}

CAF_TEST(given a favourite when unfavouriting then unfavourited is recorded once) {
  CAF_REQUIRE(world.given(stream, {relation_event(events::favourited, me, "43", 5)}));
  auto reply = command(unfavourite_atom_v, "43");
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(*reply, (relation_state{"43", false, false, true}));
  CAF_CHECK(!changes(unfavourite_atom_v, "43"));
  CAF_CHECK_EQUAL(world.types_of(stream), (names{"favourited", "unfavourited"}));
  CAF_CHECK_EQUAL(tags_of(1), (names{"42", "43"}));
}

CAF_TEST(unfavouriting a user not favoured records nothing) {
  auto reply = command(unfavourite_atom_v, "43");
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(*reply, (relation_state{"43", false, false, false}));
  CAF_CHECK(world.types_of(stream).empty());
}

CAF_TEST(likes and favourites are independent) {
  CAF_REQUIRE(command(like_atom_v, "43"));
  auto reply = command(favourite_atom_v, "43");
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(*reply, (relation_state{"43", true, true, true}));
  auto unliked = command(unlike_atom_v, "43");
  CAF_REQUIRE(unliked);
  CAF_CHECK(unliked->favourite);
  auto now = world.ask<relation_state>(ref, caf::get_atom_v, std::string{"43"});
  CAF_REQUIRE(now);
  CAF_CHECK_EQUAL(*now, (relation_state{"43", false, true, false}));
}

CAF_TEST(a favourite tells the target user about the new fan) {
  // The user entity belongs to the accounts area; it records fans it is told of.
  CAF_REQUIRE(world.given(
      "user/43", {{events::user_registered, {{"email", "b@example.com"}, {"name", "B"}}, {"43"}}}));
  CAF_REQUIRE(command(favourite_atom_v, "43"));
  CAF_CHECK(app_world::eventually([&] {
    return world.types_of("user/43") == names{"user_registered", "fan_added"};
  }));
  CAF_CHECK_EQUAL(world.payload_of("user/43", 2), (json{{"fan", "42"}}));
  CAF_REQUIRE(command(unfavourite_atom_v, "43"));
  CAF_CHECK(app_world::eventually([&] {
    return world.types_of("user/43") == names{"user_registered", "fan_added", "fan_removed"};
  }));
}

CAF_TEST(a favourite of an unknown user is still recorded) {
  // user/44 does not exist: the notice fails, the activity stands.
  CAF_REQUIRE(command(favourite_atom_v, "44"));
  CAF_CHECK_EQUAL(world.types_of(stream), (names{"favourited"}));
  CAF_CHECK(changes(unfavourite_atom_v, "44"));
}

// -- visit ---------------------------------------------------------------------------

CAF_TEST(a visit is recorded once per target and utc day) {
  auto reply = command(visit_atom_v, "43");
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(*reply, (relation_state{"43", false, false, true}));
  CAF_CHECK_EQUAL(
      world.payload_of(stream, 1),
      (json{{"by", "42"}, {"target", "43"}, {"at_ms", world.now_ms()}, {"day", "2027-01-15"}}));
  CAF_CHECK_EQUAL(tags_of(0), (names{"43"}));
  // 08:00 + 15 h is still the same UTC day.
  world.advance(std::chrono::hours(15));
  CAF_CHECK(!changes(visit_atom_v, "43"));
  CAF_CHECK(changes(visit_atom_v, "44"));
  CAF_CHECK_EQUAL(world.types_of(stream), (names{"profile_visited", "profile_visited"}));
  // 08:00 + 16 h is the next day.
  world.advance(std::chrono::hours(1));
  CAF_CHECK(changes(visit_atom_v, "43"));
  auto third = world.payload_of(stream, 3);
  CAF_CHECK_EQUAL(third["day"], "2027-01-16");
  CAF_CHECK(changes(visit_atom_v, "44"));
  CAF_CHECK_EQUAL(world.types_of(stream).size(), 4u);
}

CAF_TEST(given a visit today when visiting again then nothing is recorded) {
  CAF_REQUIRE(world.given(stream, {visit_event(me, "43", "2027-01-15", 1)}));
  CAF_CHECK(!changes(visit_atom_v, "43"));
  CAF_CHECK_EQUAL(world.types_of(stream), (names{"profile_visited"}));
}

CAF_TEST(given a visit yesterday when visiting again then a visit is recorded) {
  CAF_REQUIRE(world.given(stream, {visit_event(me, "43", "2027-01-14", 1)}));
  CAF_CHECK(changes(visit_atom_v, "43"));
  CAF_CHECK_EQUAL(world.types_of(stream), (names{"profile_visited", "profile_visited"}));
}

// -- alerts_seen ---------------------------------------------------------------------

CAF_TEST(alerts seen is recorded for each kind every time) {
  for (auto kind : {"likes", "visitors", "messages", "likes"}) {
    auto reply = seen(kind);
    CAF_REQUIRE(reply);
    CAF_CHECK_EQUAL(*reply, world.now_ms());
    world.advance(std::chrono::seconds(1));
  }
  CAF_CHECK_EQUAL(world.types_of(stream).size(), 4u);
  CAF_CHECK_EQUAL(world.payload_of(stream, 2),
                  (json{{"by", "42"}, {"kind", "visitors"}, {"at_ms", world.now_ms() - 3000}}));
  CAF_CHECK_EQUAL(tags_of(0), (names{"42"}));
}

CAF_TEST(an unknown alert kind is a validation error on kind) {
  for (auto bad : {"", "like", "photos", "LIKES"})
    CAF_CHECK_EQUAL(field_of(seen(bad).error()), "kind");
  CAF_CHECK(world.types_of(stream).empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
