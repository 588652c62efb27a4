// How events reach the social projections: a duplicate delivery changes
// nothing; the live state equals a rebuild from the log; a projection that was
// inactive or crashed catches up on everything.
//
// Rebuild check: the live projections are activated first, so the projector
// feeds them event by event. The rebuild runs the same state class over the
// store's tag index for the projection's key (`fold_events`, the catch-up
// path) in a plain object. The live state, read with a peek (the activation's
// snapshot), must equal the rebuilt one as JSON, and its queries must answer
// what the rebuilt state answers.
#define CAF_SUITE projection_delivery
#include <caf/test/unit_test.hpp>

#include <chrono>
#include <set>
#include <string>

#include "actors/alerts_projection.hpp"
#include "actors/events.hpp"
#include "actors/feed_projection.hpp"
#include "actors/likes_projection.hpp"
#include "actors/online_projection.hpp"
#include "actors/social_types.hpp"
#include "actors/state_projection.hpp"
#include "actors/visitors_projection.hpp"
#include "app_world.hpp"

using namespace griddle;
using namespace griddle::actors;
using griddle::test::app_world;
using nlohmann::json;

namespace {

constexpr uint64_t everything = 1'000'000;

struct fixture {
  app_world world;

  template <class T, class... Ts>
  caf::expected<T> ask(const entity_ref& ref, Ts... xs) {
    return world.ask<T>(ref, xs...);
  }

  /// The live snapshot {"p": position, "s": state} of an active projection; null if none.
  json peek(const entity_ref& ref) {
    json result;
    world.router()
        .peek(world.self().ptr(), ref, caf::duration{app_world::ask_timeout})
        .receive(
            [&](entity::peek_result& x) {
              if (x.active)
                result = json::parse(x.snapshot);
            },
            [](caf::error&) {});
    return result;
  }

  /// The live state of an active projection; null if none.
  json state_of(const entity_ref& ref) {
    auto x = peek(ref);
    return x.is_object() ? x.at("s") : json{};
  }

  std::vector<store::recorded_event> tagged(const std::string& key) {
    auto events = world.events().read_tagged(key, 1, everything);
    return events ? std::move(*events) : std::vector<store::recorded_event>{};
  }

  /// Waits until the active projection `ref` applied every event of `State`'s
  /// types tagged with its key; returns its live state (null on time-out).
  template <class State>
  json caught_up(const entity_ref& ref) {
    auto types = State::event_types();
    std::set<std::string> wanted(types.begin(), types.end());
    uint64_t last = 0;
    for (auto& ev : tagged(ref.key))
      if (wanted.count(ev.type) != 0)
        last = ev.position;
    json live;
    app_world::eventually([&] {
      live = peek(ref);
      return live.is_object() && live.at("p").get<uint64_t>() >= last;
    });
    return live.is_object() ? live.at("s") : json{};
  }

  /// Sends every event tagged with `ref.key` to the projection again, directly.
  void redeliver(const entity_ref& ref) {
    for (auto& ev : tagged(ref.key))
      world.router()
          .request(world.self().ptr(), ref, app_world::ask_timeout, project_atom_v, ev)
          .receive([] {}, [&](caf::error& err) { CAF_FAIL(world.sys().render(err)); });
  }

  void given_photo(const std::string& owner, const std::string& fan, const std::string& id) {
    CAF_REQUIRE(
        world.given("user/" + owner,
                    {{events::photo_added, {{"photo_id", id}, {"url", "/" + id}}, {owner, fan}}}));
  }

  void given_session(const std::string& user, const char* type, const char* time_field) {
    auto shards = world.services().online_shards;
    CAF_REQUIRE(world.given(
        "session/" + user, {{type,
                             {{"user_id", user}, {"session_id", "s"}, {time_field, world.now_ms()}},
                             {user, online_tag(user, shards)}}}));
  }

  /// Activates `ref` with a query of its type.
  void activate(const entity_ref& ref) {
    bool ok = false;
    if (ref.type == "visitors")
      ok = static_cast<bool>(ask<visitors_page>(ref, caf::get_atom_v, uint64_t{0}, uint32_t{1}));
    else if (ref.type == "feed")
      ok = static_cast<bool>(ask<feed_page>(ref, caf::get_atom_v, uint64_t{0}, uint32_t{1}));
    else if (ref.type == "alerts")
      ok = static_cast<bool>(ask<alerts_view>(ref, caf::get_atom_v));
    else if (ref.type == "online")
      ok = static_cast<bool>(ask<online_users>(ref, caf::get_atom_v));
    else
      ok = static_cast<bool>(ask<relations_view>(ref, caf::get_atom_v));
    if (!ok)
      CAF_FAIL("cannot activate " << to_string(ref));
  }

  /// A history that touches every social projection of user 1.
  void drive_history() {
    world.act(like_atom_v, "1", "2");
    world.act(like_atom_v, "2", "1");
    world.act(like_atom_v, "3", "1");
    world.act(like_atom_v, "1", "3");
    world.act(unlike_atom_v, "3", "1");
    world.act(favourite_atom_v, "2", "1");
    world.act(favourite_atom_v, "1", "4");
    world.act(unfavourite_atom_v, "1", "4");
    world.act(visit_atom_v, "2", "1");
    world.act(visit_atom_v, "3", "1");
    world.advance(std::chrono::hours(24));
    world.act(visit_atom_v, "2", "1");
    given_photo("2", "1", "p1");
    CAF_REQUIRE(world.given("conversation/1~2",
                            {{events::message_sent,
                              {{"from", "2"}, {"to", "1"}, {"seq", 1}, {"text", "a"}},
                              {"2", "1"}},
                             {events::message_sent,
                              {{"from", "2"}, {"to", "1"}, {"seq", 2}, {"text", "b"}},
                              {"2", "1"}},
                             {events::messages_read, {{"by", "1"}, {"up_to_seq", 1}}, {"1"}}}));
    CAF_REQUIRE(
        world.ask<int64_t>(entity_ref{"activity", "1"}, alerts_seen_atom_v, std::string{"likes"}));
    world.act(like_atom_v, "4", "1");
    given_session("1", events::session_started, "created_ms");
    given_session("2", events::session_started, "created_ms");
    given_session("2", events::session_ended, "ended_ms");
  }
};

std::vector<entity_ref> user_projections(const std::string& user) {
  return {
      {"likes", user}, {"favourites", user}, {"visitors", user}, {"feed", user}, {"alerts", user}};
}

}  // namespace

CAF_TEST_FIXTURE_SCOPE(projection_delivery_tests, fixture)

CAF_TEST(a duplicate delivery changes nothing) {
  auto online = entity_ref{"online", online_tag("1", world.services().online_shards)};
  for (auto& ref : user_projections("1"))
    activate(ref);
  activate(online);
  drive_history();
  auto likes_before = caught_up<likes_state>({"likes", "1"});
  auto favourites_before = caught_up<favourites_state>({"favourites", "1"});
  auto visitors_before = caught_up<visitors_state>({"visitors", "1"});
  auto feed_before = caught_up<feed_state>({"feed", "1"});
  auto alerts_before = caught_up<alerts_state>({"alerts", "1"});
  auto online_before = caught_up<online_state>(online);
  auto likes = ask<relations_view>({"likes", "1"}, caf::get_atom_v);
  auto feed = ask<feed_page>({"feed", "1"}, caf::get_atom_v, uint64_t{0}, uint32_t{0});
  auto alerts = ask<alerts_view>({"alerts", "1"}, caf::get_atom_v);
  CAF_REQUIRE(likes && feed && alerts);
  // The history is all there (so the comparison below means something).
  CAF_CHECK_EQUAL(likes->given_count, 2u);
  CAF_CHECK_EQUAL(likes->received_count, 2u);
  CAF_CHECK_EQUAL(feed->items.size(), 7u);
  CAF_CHECK_EQUAL(*alerts, (alerts_view{1, 1, 2, 1}));
  for (auto& ref : user_projections("1"))
    redeliver(ref);
  redeliver(online);
  CAF_CHECK_EQUAL(state_of({"likes", "1"}), likes_before);
  CAF_CHECK_EQUAL(state_of({"favourites", "1"}), favourites_before);
  CAF_CHECK_EQUAL(state_of({"visitors", "1"}), visitors_before);
  CAF_CHECK_EQUAL(state_of({"feed", "1"}), feed_before);
  CAF_CHECK_EQUAL(state_of({"alerts", "1"}), alerts_before);
  CAF_CHECK_EQUAL(state_of(online), online_before);
  auto likes_after = ask<relations_view>({"likes", "1"}, caf::get_atom_v);
  auto feed_after = ask<feed_page>({"feed", "1"}, caf::get_atom_v, uint64_t{0}, uint32_t{0});
  auto alerts_after = ask<alerts_view>({"alerts", "1"}, caf::get_atom_v);
  CAF_REQUIRE(likes_after && feed_after && alerts_after);
  CAF_CHECK_EQUAL(*likes_after, *likes);
  CAF_CHECK_EQUAL(*feed_after, *feed);
  CAF_CHECK_EQUAL(*alerts_after, *alerts);
}

CAF_TEST(the live state equals a rebuild from the log) {
  auto shards = world.services().online_shards;
  auto window = world.services().online_window;
  std::vector<entity_ref> online{{"online", online_tag("1", shards)},
                                 {"online", online_tag("2", shards)}};
  for (auto& user : {"1", "2", "3"})
    for (auto& ref : user_projections(user))
      activate(ref);
  for (auto& ref : online)
    activate(ref);
  drive_history();
  for (auto& user : {"1", "2", "3"}) {
    CAF_MESSAGE("user " << user);
    entity_ref likes{"likes", user};
    auto rebuilt_likes = fold_events(likes_state{user}, tagged(user));
    CAF_CHECK_EQUAL(caught_up<likes_state>(likes), rebuilt_likes.to_json());
    auto live_likes = ask<relations_view>(likes, caf::get_atom_v);
    CAF_REQUIRE(live_likes);
    CAF_CHECK_EQUAL(*live_likes, rebuilt_likes.view());
    entity_ref favourites{"favourites", user};
    auto rebuilt_favourites = fold_events(favourites_state{user}, tagged(user));
    CAF_CHECK_EQUAL(caught_up<favourites_state>(favourites), rebuilt_favourites.to_json());
    entity_ref visitors{"visitors", user};
    auto rebuilt_visitors = fold_events(visitors_state{user}, tagged(user));
    CAF_CHECK_EQUAL(caught_up<visitors_state>(visitors), rebuilt_visitors.to_json());
    auto live_visitors = ask<visitors_page>(visitors, caf::get_atom_v, uint64_t{0}, uint32_t{0});
    CAF_REQUIRE(live_visitors);
    CAF_CHECK_EQUAL(*live_visitors, rebuilt_visitors.page(0, 0));
    entity_ref feed{"feed", user};
    auto rebuilt_feed = fold_events(feed_state{user}, tagged(user));
    CAF_CHECK_EQUAL(caught_up<feed_state>(feed), rebuilt_feed.to_json());
    auto live_feed = ask<feed_page>(feed, caf::get_atom_v, uint64_t{0}, uint32_t{0});
    CAF_REQUIRE(live_feed);
    CAF_CHECK_EQUAL(*live_feed, rebuilt_feed.page(0, 0));
    entity_ref alerts{"alerts", user};
    auto rebuilt_alerts = fold_events(alerts_state{user}, tagged(user));
    CAF_CHECK_EQUAL(caught_up<alerts_state>(alerts), rebuilt_alerts.to_json());
    auto live_alerts = ask<alerts_view>(alerts, caf::get_atom_v);
    CAF_REQUIRE(live_alerts);
    CAF_CHECK_EQUAL(*live_alerts, rebuilt_alerts.view());
  }
  for (auto& ref : online) {
    auto rebuilt = fold_events(online_state{window}, tagged(ref.key));
    CAF_CHECK_EQUAL(caught_up<online_state>(ref), rebuilt.to_json());
    auto live = ask<online_users>(ref, caf::get_atom_v);
    CAF_REQUIRE(live);
    CAF_CHECK_EQUAL(*live, rebuilt.online_at(world.now_ms()));
  }
}

CAF_TEST(events appended while a projection is active reach it) {
  entity_ref likes{"likes", "1"};
  entity_ref feed{"feed", "1"};
  activate(likes);
  activate(feed);
  CAF_REQUIRE(world.given(
      "activity/2", {{events::liked, {{"by", "2"}, {"target", "1"}, {"at_ms", 5}}, {"2", "1"}}}));
  given_photo("3", "1", "p1");
  CAF_CHECK(app_world::eventually([&] {
    auto x = ask<relations_view>(likes, caf::get_atom_v);
    return x && x->received == std::vector<social_entry>{{"2", 5}};
  }));
  CAF_CHECK(app_world::eventually([&] {
    auto x = ask<feed_page>(feed, caf::get_atom_v, uint64_t{0}, uint32_t{0});
    return x && x->items.size() == 2 && x->items[0].photo_id == "p1";
  }));
}

CAF_TEST(events appended while a projection is inactive are there when it activates) {
  CAF_REQUIRE(world.given(
      "activity/2", {{events::liked, {{"by", "2"}, {"target", "1"}, {"at_ms", 5}}, {"2", "1"}}}));
  given_photo("3", "1", "p1");
  given_session("1", events::session_started, "created_ms");
  CAF_CHECK(peek({"likes", "1"}).is_null());
  // No waiting: activation catches up before it answers the first query.
  auto likes = ask<relations_view>({"likes", "1"}, caf::get_atom_v);
  CAF_REQUIRE(likes);
  CAF_CHECK_EQUAL(likes->received, (std::vector<social_entry>{{"2", 5}}));
  auto feed = ask<feed_page>({"feed", "1"}, caf::get_atom_v, uint64_t{0}, uint32_t{0});
  CAF_REQUIRE(feed);
  CAF_CHECK_EQUAL(feed->items.size(), 2u);
  auto online = ask<online_users>({"online", online_tag("1", world.services().online_shards)},
                                  caf::get_atom_v);
  CAF_REQUIRE(online);
  CAF_CHECK_EQUAL(online->users, (std::vector<social_entry>{{"1", world.now_ms()}}));
}

CAF_TEST(a crashed projection restarts with every event) {
  entity_ref likes{"likes", "1"};
  world.act(like_atom_v, "2", "1");
  activate(likes);
  world.act(like_atom_v, "3", "1");
  CAF_REQUIRE(app_world::eventually([&] {
    auto x = ask<relations_view>(likes, caf::get_atom_v);
    return x && x->received_count == 2;
  }));
  auto victim = world.router().find_active(likes);
  CAF_REQUIRE(victim);
  world.self()->monitor(victim);
  world.self()->send_exit(victim, caf::exit_reason::kill);
  world.self()->receive([](caf::down_msg&) {}, caf::after(std::chrono::seconds(10)) >>
                                                   [] { CAF_FAIL("no down message"); });
  // While it restarts: more events, through the entity and directly.
  world.act(like_atom_v, "4", "1");
  CAF_REQUIRE(world.given(
      "activity/5", {{events::liked, {{"by", "5"}, {"target", "1"}, {"at_ms", 5}}, {"5", "1"}}}));
  world.act(unlike_atom_v, "2", "1");
  caf::expected<relations_view> after{caf::error{}};
  CAF_CHECK(app_world::eventually([&] {
    after = ask<relations_view>(likes, caf::get_atom_v);
    return after && after->received_count == 3;
  }));
  CAF_REQUIRE(after);
  std::vector<std::string> ids;
  for (auto& x : after->received)
    ids.push_back(x.user_id);
  CAF_CHECK_EQUAL(ids, (std::vector<std::string>{"5", "4", "3"}));
  auto restarted = world.router().find_active(likes);
  CAF_CHECK(restarted && restarted != victim);
  CAF_CHECK_EQUAL(caught_up<likes_state>(likes),
                  fold_events(likes_state{"1"}, tagged("1")).to_json());
}

CAF_TEST_FIXTURE_SCOPE_END()
