// The social read models: first their state classes alone (events in, views
// out, snapshots), then each projection queried after commands and events.
#define CAF_SUITE social_projections
#include <caf/test/unit_test.hpp>

#include <chrono>
#include <future>
#include <string>

#include <caf/event_based_actor.hpp>

#include "actors/alerts_projection.hpp"
#include "actors/events.hpp"
#include "actors/feed_projection.hpp"
#include "actors/likes_projection.hpp"
#include "actors/online_projection.hpp"
#include "actors/services.hpp"
#include "actors/social_types.hpp"
#include "actors/visitors_projection.hpp"
#include "app_world.hpp"

using namespace griddle;
using namespace griddle::actors;
using griddle::test::app_world;
using nlohmann::json;

namespace {

using entries = std::vector<social_entry>;

/// Applies one event, as recorded at `position`, to `state`.
template <class State>
void feed(State& state, uint64_t position, const std::string& type, const json& data,
          const std::string& stream = "activity/x") {
  store::recorded_event ev;
  ev.position = position;
  ev.stream = stream;
  ev.type = type;
  ev.timestamp_ms = 7;
  ev.payload = data.dump();
  state.apply(ev, data);
}

json rel(const std::string& by, const std::string& target, int64_t at) {
  return {{"by", by}, {"target", target}, {"at_ms", at}};
}

json visit(const std::string& by, const std::string& target, const std::string& day, int64_t at) {
  return {{"by", by}, {"target", target}, {"day", day}, {"at_ms", at}};
}

json sent(const std::string& from, const std::string& to, uint64_t seq) {
  return {{"from", from}, {"to", to}, {"seq", seq}, {"text", "hi"}, {"at_ms", 1}};
}

json session(const std::string& user, const std::string& id, const char* field, int64_t at) {
  return {{"user_id", user}, {"session_id", id}, {field, at}};
}

/// Whether `state` equals its own snapshot restored into `fresh`.
template <class State>
bool survives_snapshot(const State& state, State fresh) {
  fresh.from_json(state.to_json());
  return fresh.to_json() == state.to_json();
}

std::vector<std::string> kinds(const feed_page& page) {
  std::vector<std::string> result;
  for (auto& x : page.items)
    result.push_back(x.kind + ":" + x.user_id);
  return result;
}

using strings = std::vector<std::string>;

}  // namespace

// -- likes and favourites ---------------------------------------------------------

CAF_TEST(likes lists given received and matches newest first) {
  likes_state st{"1"};
  feed(st, 10, events::liked, rel("1", "2", 100));
  feed(st, 11, events::liked, rel("3", "1", 110));
  feed(st, 12, events::liked, rel("1", "3", 120));
  feed(st, 13, events::liked, rel("4", "1", 130));
  feed(st, 14, events::liked, rel("5", "6", 140));  // not about 1
  auto v = st.view();
  CAF_CHECK_EQUAL(v.given, (entries{{"3", 120}, {"2", 100}}));
  CAF_CHECK_EQUAL(v.received, (entries{{"4", 130}, {"3", 110}}));
  CAF_CHECK_EQUAL(v.matches, (entries{{"3", 120}}));
  CAF_CHECK_EQUAL(v.given_count, 2u);
  CAF_CHECK_EQUAL(v.received_count, 2u);
  CAF_CHECK_EQUAL(v.matches_count, 1u);
  auto cut = st.view(1);
  CAF_CHECK_EQUAL(cut.received, (entries{{"4", 130}}));
  CAF_CHECK_EQUAL(cut.received_count, 2u);
  CAF_CHECK(survives_snapshot(st, likes_state{"1"}));
}

CAF_TEST(an unlike removes the like and the match and a repeated like keeps the first) {
  likes_state st{"1"};
  feed(st, 1, events::liked, rel("1", "2", 10));
  feed(st, 2, events::liked, rel("2", "1", 20));
  feed(st, 3, events::liked, rel("2", "1", 30));
  CAF_CHECK_EQUAL(st.view().received, (entries{{"2", 20}}));
  feed(st, 4, events::unliked, rel("2", "1", 40));
  CAF_CHECK_EQUAL(st.view().received, entries{});
  CAF_CHECK_EQUAL(st.view().matches, entries{});
  CAF_CHECK_EQUAL(st.view().given, (entries{{"2", 10}}));
}

CAF_TEST(favourites list given and received and never matches) {
  favourites_state st{"1"};
  feed(st, 1, events::favourited, rel("1", "2", 10));
  feed(st, 2, events::favourited, rel("2", "1", 20));
  feed(st, 3, events::liked, rel("1", "3", 30));  // another relation
  auto v = st.view();
  CAF_CHECK_EQUAL(v.given, (entries{{"2", 10}}));
  CAF_CHECK_EQUAL(v.received, (entries{{"2", 20}}));
  CAF_CHECK_EQUAL(v.matches, entries{});
  feed(st, 4, events::unfavourited, rel("1", "2", 40));
  CAF_CHECK_EQUAL(st.view().given, entries{});
  CAF_CHECK(survives_snapshot(st, favourites_state{"1"}));
}

// -- visitors ------------------------------------------------------------------------

CAF_TEST(visitors are kept once per visitor and day and paged newest first) {
  visitors_state st{"1"};
  feed(st, 1, events::profile_visited, visit("2", "1", "2027-01-15", 10));
  feed(st, 2, events::profile_visited, visit("2", "1", "2027-01-15", 11));  // again: no entry
  feed(st, 3, events::profile_visited, visit("3", "1", "2027-01-15", 12));
  feed(st, 4, events::profile_visited, visit("2", "1", "2027-01-16", 13));
  feed(st, 5, events::profile_visited, visit("4", "5", "2027-01-16", 14));  // not about 1
  CAF_CHECK_EQUAL(st.size(), 3u);
  auto first = st.page(0, 2);
  CAF_CHECK_EQUAL(first.items, (std::vector<visit_entry>{{"2", "2027-01-16", 13, 4},
                                                         {"3", "2027-01-15", 12, 3}}));
  CAF_CHECK_EQUAL(first.next_cursor, 3u);
  auto second = st.page(first.next_cursor, 2);
  CAF_CHECK_EQUAL(second.items, (std::vector<visit_entry>{{"2", "2027-01-15", 10, 1}}));
  CAF_CHECK_EQUAL(second.next_cursor, 0u);
  CAF_CHECK_EQUAL(st.page(0, 0).items.size(), 3u);
  CAF_CHECK(survives_snapshot(st, visitors_state{"1"}));
}

CAF_TEST(visitors beyond the capacity fall off oldest first) {
  visitors_state st{"1", 2};
  for (uint64_t i = 1; i <= 3; ++i)
    feed(st, i, events::profile_visited, visit(std::to_string(i + 1), "1", "d", 0));
  CAF_CHECK_EQUAL(st.size(), 2u);
  auto page = st.page(0, 10);
  CAF_CHECK_EQUAL(page.items.back().user_id, "3");
}

// -- feed ------------------------------------------------------------------------------

CAF_TEST(the feed shows likes visits favourites and photos of favourites newest first) {
  feed_state st{"1"};
  feed(st, 1, events::liked, rel("2", "1", 10));
  feed(st, 2, events::profile_visited, visit("3", "1", "2027-01-15", 20));
  feed(st, 3, events::favourited, rel("4", "1", 30));
  feed(st, 4, events::photo_added, {{"photo_id", "p1"}, {"url", "/p1.jpg"}}, "user/5");
  feed(st, 5, events::photo_added, {{"photo_id", "p2"}, {"url", "/p2.jpg"}}, "user/1");  // own
  feed(st, 6, events::liked, rel("1", "7", 60));  // given: no news
  auto page = st.page(0, 10);
  CAF_CHECK_EQUAL(kinds(page), (strings{"photo:5", "favourited:4", "visited:3", "liked:2"}));
  CAF_CHECK_EQUAL(page.items.front(), (feed_item{4, "photo", "5", 7, "p1", "/p1.jpg"}));
  CAF_CHECK_EQUAL(page.items.back(), (feed_item{1, "liked", "2", 10, {}, {}}));
  CAF_CHECK_EQUAL(page.next_cursor, 0u);
  auto first = st.page(0, 3);
  CAF_CHECK_EQUAL(first.next_cursor, 2u);
  CAF_CHECK_EQUAL(kinds(st.page(first.next_cursor, 3)), (strings{"liked:2"}));
  CAF_CHECK(survives_snapshot(st, feed_state{"1"}));
}

CAF_TEST(a mutual like is a match on both sides) {
  feed_state one{"1"};
  feed_state two{"2"};
  for (auto* st : {&one, &two}) {
    feed(*st, 1, events::liked, rel("1", "2", 10));
    feed(*st, 2, events::liked, rel("2", "1", 20));
  }
  CAF_CHECK_EQUAL(kinds(one.page(0, 10)), (strings{"matched:2"}));
  CAF_CHECK_EQUAL(kinds(two.page(0, 10)), (strings{"matched:1", "liked:1"}));
  CAF_CHECK(survives_snapshot(two, feed_state{"2"}));
}

CAF_TEST(the feed drops news of relations that ended) {
  feed_state st{"1"};
  feed(st, 1, events::liked, rel("2", "1", 10));
  feed(st, 2, events::liked, rel("1", "2", 20));
  feed(st, 3, events::favourited, rel("2", "1", 30));
  feed(st, 4, events::profile_visited, visit("2", "1", "d", 40));
  CAF_CHECK_EQUAL(kinds(st.page(0, 10)),
                  (strings{"visited:2", "favourited:2", "matched:2", "liked:2"}));
  feed(st, 5, events::unliked, rel("1", "2", 50));
  CAF_CHECK_EQUAL(kinds(st.page(0, 10)), (strings{"visited:2", "favourited:2", "liked:2"}));
  feed(st, 6, events::unliked, rel("2", "1", 60));
  feed(st, 7, events::unfavourited, rel("2", "1", 70));
  CAF_CHECK_EQUAL(kinds(st.page(0, 10)), (strings{"visited:2"}));
}

CAF_TEST(the feed keeps its capacity) {
  feed_state st{"1", 3};
  for (uint64_t i = 1; i <= 5; ++i)
    feed(st, i, events::profile_visited, visit(std::to_string(i + 1), "1", "d", 0));
  CAF_CHECK_EQUAL(st.size(), 3u);
  CAF_CHECK_EQUAL(kinds(st.page(0, 10)), (strings{"visited:6", "visited:5", "visited:4"}));
}

CAF_TEST(the published feed view pages exactly as the projection) {
  feed_state st{"1", 40};
  // Gaps between cursors, so `before` falls on items and between them.
  for (uint64_t i = 1; i <= 50; ++i)
    feed(st, i * 3, events::profile_visited, visit(std::to_string(i + 1), "1", "d", 0));
  auto view = st.view();
  auto cursors = [](const feed_page& pg) {
    std::vector<uint64_t> xs;
    for (auto& x : pg.items)
      xs.push_back(x.cursor);
    xs.push_back(pg.next_cursor);
    return xs;
  };
  size_t compared = 0;
  for (uint64_t before = 0; before <= 160; ++before)
    for (uint32_t limit : {0u, 1u, 2u, 7u, 20u, 39u, 40u, 100u, 500u}) {
      auto want = st.page(before, limit);
      auto got = view.page(before, limit);
      if (cursors(got) != cursors(want) || kinds(got) != kinds(want))
        CAF_FAIL("before " << before << " limit " << limit << ": view and projection differ");
      ++compared;
    }
  CAF_CHECK_EQUAL(compared, 161u * 9u);
  CAF_CHECK_EQUAL(feed_state{"2"}.view().page(0, 20).items.size(), 0u);
}

// -- alerts ------------------------------------------------------------------------------

CAF_TEST(unread messages are counted per conversation and cleared by reads) {
  alerts_state st{"1"};
  feed(st, 1, events::message_sent, sent("2", "1", 1), "conversation/1~2");
  feed(st, 2, events::message_sent, sent("1", "2", 2), "conversation/1~2");  // mine
  feed(st, 3, events::message_sent, sent("2", "1", 3), "conversation/1~2");
  feed(st, 4, events::message_sent, sent("3", "1", 1), "conversation/1~3");
  CAF_CHECK_EQUAL(st.view(), (alerts_view{3, 0, 0, 3}));
  CAF_CHECK_EQUAL(st.unread_by_conversation(),
                  (std::map<std::string, uint32_t>{{"1~2", 2}, {"1~3", 1}}));
  feed(st, 5, events::messages_read, {{"by", "1"}, {"up_to_seq", 1}}, "conversation/1~2");
  CAF_CHECK_EQUAL(st.view().unread_messages, 2u);
  feed(st, 6, events::messages_read, {{"by", "2"}, {"up_to_seq", 3}}, "conversation/1~2");
  CAF_CHECK_EQUAL(st.view().unread_messages, 2u);  // the other side read
  feed(st, 7, events::messages_read, {{"by", "1"}, {"up_to_seq", 3}}, "conversation/1~2");
  CAF_CHECK_EQUAL(st.unread_by_conversation(), (std::map<std::string, uint32_t>{{"1~3", 1}}));
  CAF_CHECK(survives_snapshot(st, alerts_state{"1"}));
}

CAF_TEST(alerts count what arrived since the user last looked) {
  alerts_state st{"1"};
  feed(st, 1, events::liked, rel("2", "1", 0));
  feed(st, 2, events::liked, rel("3", "1", 0));
  feed(st, 3, events::profile_visited, visit("2", "1", "d1", 0));
  feed(st, 4, events::profile_visited, visit("2", "1", "d2", 0));
  feed(st, 5, events::message_sent, sent("2", "1", 1), "conversation/1~2");
  CAF_CHECK_EQUAL(st.view(), (alerts_view{1, 2, 1, 1}));
  feed(st, 6, events::unliked, rel("3", "1", 0));
  CAF_CHECK_EQUAL(st.view().likes, 1u);
  feed(st, 7, events::alerts_seen, {{"by", "1"}, {"kind", "likes"}});
  feed(st, 8, events::alerts_seen, {{"by", "1"}, {"kind", "messages"}});
  feed(st, 9, events::alerts_seen, {{"by", "2"}, {"kind", "visitors"}});  // someone else
  CAF_CHECK_EQUAL(st.view(), (alerts_view{0, 0, 1, 1}));
  feed(st, 10, events::message_sent, sent("2", "1", 2), "conversation/1~2");
  feed(st, 11, events::alerts_seen, {{"by", "1"}, {"kind", "visitors"}});
  CAF_CHECK_EQUAL(st.view(), (alerts_view{1, 0, 0, 2}));
  CAF_CHECK(survives_snapshot(st, alerts_state{"1"}));
}

// -- online ------------------------------------------------------------------------------

CAF_TEST(a user is online while a session was seen within the window) {
  using std::chrono::minutes;
  online_state st{minutes(5)};
  auto t0 = int64_t{1'000'000'000};
  const int64_t m = 60'000;
  feed(st, 1, events::session_started, session("1", "a", "created_ms", t0));
  feed(st, 2, events::session_started, session("2", "b", "created_ms", t0 + m));
  CAF_CHECK_EQUAL(st.online_at(t0 + m).users, (entries{{"2", t0 + m}, {"1", t0}}));
  CAF_CHECK_EQUAL(st.online_at(t0 + 5 * m + 1).users, (entries{{"2", t0 + m}}));
  feed(st, 3, events::session_renewed, session("1", "a", "seen_ms", t0 + 4 * m));
  CAF_CHECK_EQUAL(st.online_at(t0 + 5 * m + 1).users, (entries{{"1", t0 + 4 * m}, {"2", t0 + m}}));
  // A second session keeps the user online when the first ends.
  feed(st, 4, events::session_started, session("1", "c", "created_ms", t0 + 2 * m));
  feed(st, 5, events::session_ended, session("1", "a", "ended_ms", t0 + 4 * m));
  CAF_CHECK_EQUAL(st.online_at(t0 + 4 * m).users, (entries{{"1", t0 + 2 * m}, {"2", t0 + m}}));
  feed(st, 6, events::session_ended, session("2", "b", "ended_ms", t0 + 4 * m));
  CAF_CHECK_EQUAL(st.online_at(t0 + 4 * m).users, (entries{{"1", t0 + 2 * m}}));
  CAF_CHECK(survives_snapshot(st, online_state{minutes(5)}));
}

CAF_TEST(the published online view answers as the shard at the time of the clock) {
  using std::chrono::minutes;
  online_state st{minutes(5)};
  auto t0 = int64_t{1'000'000'000};
  const int64_t m = 60'000;
  for (int i = 0; i < 30; ++i)
    feed(st, static_cast<uint64_t>(i + 1), events::session_started,
         session(std::to_string(i), "s" + std::to_string(i), "created_ms", t0 + i * m / 4));
  auto now = t0;
  auto svc = std::make_shared<services>();
  svc->now_ms = [&now] { return now; };
  auto view = st.view(svc);
  for (now = t0; now <= t0 + 15 * m; now += m / 8)
    for (size_t limit : {size_t{1}, size_t{5}, size_t{20}, size_t{100}}) {
      auto want = st.online_at(now).users;
      if (want.size() > limit)
        want.resize(limit);
      if (view.online_now(limit).users != want)
        CAF_FAIL("at " << now - t0 << " ms limit " << limit << ": view and shard differ");
    }
  // Started at t0 + i * m / 4: five minutes before t0 + 8 m, users 12 to 29.
  now = t0 + 8 * m;
  CAF_CHECK_EQUAL(view.online_now(100).users.size(), 18u);
}

CAF_TEST(the published visitors view pages exactly as the projection) {
  visitors_state st{"1", 25};
  for (uint64_t i = 1; i <= 40; ++i)
    feed(st, i * 2, events::profile_visited,
         visit(std::to_string(i + 1), "1", "d" + std::to_string(i % 3), static_cast<int64_t>(i)));
  auto view = st.view();
  for (uint64_t before = 0; before <= 90; ++before)
    for (uint32_t limit : {0u, 1u, 3u, 20u, 24u, 25u, 100u})
      if (!(view.page(before, limit) == st.page(before, limit)))
        CAF_FAIL("before " << before << " limit " << limit << ": view and projection differ");
  CAF_CHECK_EQUAL(view.size(), 25u);
}

CAF_TEST(users not seen within the window of the newest event are dropped) {
  online_state st{std::chrono::minutes(5)};
  feed(st, 1, events::session_started, session("1", "a", "created_ms", 0));
  feed(st, 2, events::session_started, session("2", "b", "created_ms", 300'000));
  CAF_CHECK_EQUAL(st.tracked(), 2u);
  feed(st, 3, events::session_started, session("3", "c", "created_ms", 300'001));
  CAF_CHECK_EQUAL(st.tracked(), 2u);
  CAF_CHECK_EQUAL(st.online_at(300'001).users, (entries{{"3", 300'001}, {"2", 300'000}}));
}

CAF_TEST(merged shards list each user once newest first) {
  online_users a{{{"1", 50}, {"2", 10}}};
  online_users b{{{"3", 30}, {"1", 40}}};
  CAF_CHECK_EQUAL(merge_online({a, b}).users, (entries{{"1", 50}, {"3", 30}, {"2", 10}}));
  CAF_CHECK_EQUAL(merge_online({a, b}, 2).users, (entries{{"1", 50}, {"3", 30}}));
  CAF_CHECK_EQUAL(merge_online({}).users, entries{});
}

// -- the projections, queried -------------------------------------------------------------

namespace {

struct fixture {
  app_world world;

  /// Polls `ref` with `xs...` until it answers `want`; prints the last answer if it never does.
  template <class T, class... Ts>
  bool settles(const T& want, const entity_ref& ref, Ts... xs) {
    caf::expected<T> last{caf::error{}};
    auto ok = app_world::eventually([&] {
      last = world.ask<T>(ref, xs...);
      return last && *last == want;
    });
    if (!ok)
      CAF_MESSAGE("last answer of "
                  << to_string(ref) << ": "
                  << (last ? caf::deep_to_string(*last) : world.sys().render(last.error())));
    return ok;
  }

  void seen(const std::string& by, const std::string& kind) {
    auto reply = world.ask<int64_t>(entity_ref{"activity", by}, alerts_seen_atom_v, kind);
    if (!reply)
      CAF_FAIL("alerts_seen failed: " << world.sys().render(reply.error()));
  }

  entity::new_event session_event(const char* type, const std::string& user, const char* time_field,
                                  int64_t at_ms) {
    auto shards = world.services().online_shards;
    return {type,
            {{"user_id", user}, {"session_id", "s" + user}, {time_field, at_ms}},
            {user, online_tag(user, shards)}};
  }

  caf::expected<online_users> all_online() {
    std::promise<caf::expected<online_users>> answer;
    auto shards = world.services().online_shards;
    world.sys().spawn([&, shards](caf::event_based_actor* self) {
      request_online(self, world.router(), shards, std::chrono::seconds(5),
                     [&answer](caf::expected<online_users> x) { answer.set_value(std::move(x)); });
    });
    auto f = answer.get_future();
    if (f.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
      return caf::error{};
    return f.get();
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(queried_projections, fixture)

CAF_TEST(likes and matches follow like commands) {
  auto t0 = world.now_ms();
  world.act(like_atom_v, "1", "2");
  world.act(like_atom_v, "2", "1");
  world.act(like_atom_v, "1", "3");
  world.act(like_atom_v, "4", "2");
  // given, received, matches, then their counts
  relations_view one{
      {{"3", t0 + 2000}, {"2", t0}}, {{"2", t0 + 1000}}, {{"2", t0 + 1000}}, 2, 1, 1};
  CAF_CHECK(settles(one, entity_ref{"likes", "1"}, caf::get_atom_v));
  world.act(unlike_atom_v, "2", "1");
  relations_view two{{}, {{"4", t0 + 3000}, {"1", t0}}, {}, 0, 2, 0};
  CAF_CHECK(settles(two, entity_ref{"likes", "2"}, caf::get_atom_v));
  relations_view two_cut = two;
  two_cut.received.pop_back();
  CAF_CHECK(settles(two_cut, entity_ref{"likes", "2"}, caf::get_atom_v, uint32_t{1}));
}

CAF_TEST(favourites follow favourite commands) {
  auto t0 = world.now_ms();
  world.act(favourite_atom_v, "1", "2");
  world.act(favourite_atom_v, "3", "1");
  world.act(like_atom_v, "1", "4");
  relations_view one{{{"2", t0}}, {{"3", t0 + 1000}}, {}, 1, 1, 0};
  CAF_CHECK(settles(one, entity_ref{"favourites", "1"}, caf::get_atom_v));
}

CAF_TEST(visitors follow visits once per visitor and day) {
  auto t0 = world.now_ms();
  world.act(visit_atom_v, "2", "1");
  world.act(visit_atom_v, "3", "1");
  world.act(visit_atom_v, "2", "1");  // same day: not recorded
  world.advance(std::chrono::hours(24));
  world.act(visit_atom_v, "2", "1");
  auto ref = entity_ref{"visitors", "1"};
  caf::expected<visitors_page> all{caf::error{}};
  CAF_CHECK(app_world::eventually([&] {
    all = world.ask<visitors_page>(ref, caf::get_atom_v, uint64_t{0}, uint32_t{10});
    return all && all->items.size() == 3;
  }));
  CAF_REQUIRE(all && all->items.size() == 3);
  CAF_CHECK_EQUAL(all->items[0].user_id, "2");
  CAF_CHECK_EQUAL(all->items[0].day, "2027-01-16");
  CAF_CHECK_EQUAL(all->items[0].at_ms, t0 + 3000 + 24 * 3600 * 1000);
  CAF_CHECK_EQUAL(all->items[1].user_id, "3");
  CAF_CHECK_EQUAL(all->items[2].user_id, "2");
  CAF_CHECK_EQUAL(all->items[2].at_ms, t0);
  auto first = world.ask<visitors_page>(ref, caf::get_atom_v, uint64_t{0}, uint32_t{2});
  CAF_REQUIRE(first);
  CAF_CHECK_EQUAL(first->next_cursor, all->items[1].cursor);
  auto rest = world.ask<visitors_page>(ref, caf::get_atom_v, first->next_cursor, uint32_t{2});
  CAF_REQUIRE(rest);
  CAF_CHECK_EQUAL(rest->items, (std::vector<visit_entry>{all->items[2]}));
  CAF_CHECK_EQUAL(rest->next_cursor, 0u);
}

CAF_TEST(the feed follows activity and photos of favourites) {
  world.act(like_atom_v, "2", "1");
  world.act(visit_atom_v, "3", "1");
  world.act(favourite_atom_v, "1", "4");
  world.act(favourite_atom_v, "4", "1");
  world.act(like_atom_v, "1", "2");
  // user/4 adds a photo; its fans (1) are tagged.
  CAF_REQUIRE(world.given(
      "user/4", {{events::photo_added, {{"photo_id", "p1"}, {"url", "/p/1.jpg"}}, {"4", "1"}}}));
  auto ref = entity_ref{"feed", "1"};
  caf::expected<feed_page> page{caf::error{}};
  auto expected = strings{"photo:4", "matched:2", "favourited:4", "visited:3", "liked:2"};
  CAF_CHECK(app_world::eventually([&] {
    page = world.ask<feed_page>(ref, caf::get_atom_v, uint64_t{0}, uint32_t{0});
    return page && kinds(*page) == expected;
  }));
  CAF_REQUIRE(page);
  CAF_CHECK_EQUAL(kinds(*page), expected);
  CAF_CHECK_EQUAL(page->items.front().photo_url, "/p/1.jpg");
  auto older = world.ask<feed_page>(ref, caf::get_atom_v, page->items[1].cursor, uint32_t{2});
  CAF_REQUIRE(older);
  CAF_CHECK_EQUAL(kinds(*older), (strings{"favourited:4", "visited:3"}));
  CAF_CHECK_EQUAL(older->next_cursor, page->items[3].cursor);
  // The projection published its items for the gateway (right after it
  // answered); an event withdraws them until the next query.
  std::shared_ptr<const feed_view> published;
  auto read_view = [&] {
    published = world.router().views().read<feed_view>(ref);
    return published != nullptr;
  };
  CAF_REQUIRE(app_world::eventually(read_view));
  CAF_CHECK_EQUAL(kinds(published->page(0, 0)), expected);
  world.act(visit_atom_v, "5", "1");
  CAF_CHECK(app_world::eventually(
      [&] { return world.router().views().read<feed_view>(ref) == nullptr; }));
  CAF_REQUIRE(world.ask<feed_page>(ref, caf::get_atom_v, uint64_t{0}, uint32_t{1}));
  CAF_REQUIRE(app_world::eventually(read_view));
  CAF_CHECK_EQUAL(kinds(published->page(0, 1)), (strings{"visited:5"}));
  // user 2 sees the match too.
  CAF_CHECK(app_world::eventually([&] {
    auto two =
        world.ask<feed_page>(entity_ref{"feed", "2"}, caf::get_atom_v, uint64_t{0}, uint32_t{10});
    return two && kinds(*two) == strings{"matched:1"};
  }));
}

CAF_TEST(alerts follow messages likes visits and alerts seen) {
  CAF_REQUIRE(
      world.given("conversation/1~2", {{events::message_sent, sent("2", "1", 1), {"2", "1"}},
                                       {events::message_sent, sent("2", "1", 2), {"2", "1"}}}));
  world.act(like_atom_v, "2", "1");
  world.act(like_atom_v, "3", "1");
  world.act(visit_atom_v, "3", "1");
  auto ref = entity_ref{"alerts", "1"};
  CAF_CHECK(settles(alerts_view{2, 2, 1, 2}, ref, caf::get_atom_v));
  seen("1", "likes");
  CAF_CHECK(settles(alerts_view{2, 0, 1, 2}, ref, caf::get_atom_v));
  seen("1", "messages");
  CAF_CHECK(settles(alerts_view{0, 0, 1, 2}, ref, caf::get_atom_v));
  CAF_REQUIRE(
      world.given("conversation/1~2",
                  {{events::messages_read, {{"by", "1"}, {"up_to_seq", 1}, {"at_ms", 1}}, {"1"}}}));
  CAF_CHECK(settles(alerts_view{0, 0, 1, 1}, ref, caf::get_atom_v));
  seen("1", "visitors");
  CAF_CHECK(settles(alerts_view{0, 0, 0, 1}, ref, caf::get_atom_v));
}

CAF_TEST(online lists users whose sessions were seen within the window) {
  auto now = world.now_ms();
  CAF_REQUIRE(world.given("session/a",
                          {session_event(events::session_started, "1", "created_ms", now - 1000)}));
  CAF_REQUIRE(world.given("session/b",
                          {session_event(events::session_started, "2", "created_ms", now - 2000)}));
  CAF_REQUIRE(world.given("session/c",
                          {session_event(events::session_started, "3", "created_ms", now - 3000),
                           session_event(events::session_ended, "3", "ended_ms", now - 500)}));
  // One shard answers for its own users only.
  auto shards = world.services().online_shards;
  auto shard = online_tag("1", shards);
  online_users in_shard;
  for (auto& x : entries{{"1", now - 1000}, {"2", now - 2000}})
    if (online_tag(x.user_id, shards) == shard)
      in_shard.users.push_back(x);
  CAF_CHECK(settles(in_shard, entity_ref{"online", shard}, caf::get_atom_v));
  // All shards, merged; user 3 logged out.
  auto all = all_online();
  CAF_REQUIRE(all);
  CAF_CHECK_EQUAL(all->users, (entries{{"1", now - 1000}, {"2", now - 2000}}));
  // Time passes without renewals: user 2 drops out of the window, then user 1.
  world.advance(world.services().online_window - std::chrono::milliseconds(1500));
  all = all_online();
  CAF_REQUIRE(all);
  CAF_CHECK_EQUAL(all->users, (entries{{"1", now - 1000}}));
  world.advance(std::chrono::seconds(1));
  CAF_REQUIRE(world.given(
      "session/b", {session_event(events::session_renewed, "2", "seen_ms", world.now_ms())}));
  CAF_CHECK(app_world::eventually([&] {
    auto x = all_online();
    return x && x->users == entries{{"2", world.now_ms()}};
  }));
}

CAF_TEST_FIXTURE_SCOPE_END()
