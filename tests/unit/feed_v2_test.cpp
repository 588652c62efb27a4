// feed@2 (actors/feed_v2.hpp): given events, when a page is asked, then these
// items in this order; and the comparison of feed@1 and feed@2 replies,
// which must tell the intended changes from a fault.
#define CAF_SUITE feed_v2
#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "actors/events.hpp"
#include "actors/feed_projection.hpp"
#include "actors/feed_v2.hpp"
#include "actors/social_types.hpp"
#include "actors/state_projection.hpp"

using namespace griddle;
using namespace griddle::actors;
using nlohmann::json;

namespace {

using strings = std::vector<std::string>;
using events_list = std::vector<store::recorded_event>;

/// One event as recorded at `position`.
store::recorded_event event(uint64_t position, const std::string& type, const json& data,
                            const std::string& stream = "activity/x") {
  store::recorded_event ev;
  ev.position = position;
  ev.stream = stream;
  ev.type = type;
  ev.timestamp_ms = 7;
  ev.payload = data.dump();
  return ev;
}

json rel(const std::string& by, const std::string& target, int64_t at) {
  return {{"by", by}, {"target", target}, {"at_ms", at}};
}

json visit(const std::string& by, const std::string& target, int64_t at) {
  return {{"by", by}, {"target", target}, {"day", "2027-01-15"}, {"at_ms", at}};
}

json photo(const std::string& id) {
  return {{"photo_id", id}, {"url", "/" + id + ".jpg"}};
}

/// Applies `ev` to `state`.
template <class State>
void deliver(State& state, const store::recorded_event& ev) {
  state.apply(ev, json::parse(ev.payload));
}

strings kinds(const feed_page& page) {
  strings result;
  for (auto& x : page.items)
    result.push_back(x.kind + ":" + x.user_id);
  return result;
}

/// User 1's history: a match with 2 whom 2 then visits twice, three visits
/// by 3, a favourite and a photo by 4, a like by 5.
events_list match_then_visits() {
  return {event(1, events::liked, rel("1", "2", 10)),
          event(2, events::profile_visited, visit("3", "1", 20)),
          event(3, events::liked, rel("2", "1", 30)),
          event(4, events::profile_visited, visit("2", "1", 40)),
          event(5, events::profile_visited, visit("3", "1", 50)),
          event(6, events::favourited, rel("4", "1", 60)),
          event(7, events::photo_added, photo("p1"), "user/4"),
          event(8, events::profile_visited, visit("2", "1", 80)),
          event(9, events::liked, rel("5", "1", 90)),
          event(10, events::profile_visited, visit("3", "1", 100))};
}

/// As `match_then_visits` without the trigger of the fault: 2 visits only
/// before the match.
events_list visits_then_match() {
  return {event(1, events::profile_visited, visit("2", "1", 10)),
          event(2, events::profile_visited, visit("3", "1", 20)),
          event(3, events::profile_visited, visit("2", "1", 30)),
          event(4, events::liked, rel("1", "2", 40)),
          event(5, events::liked, rel("2", "1", 50)),
          event(6, events::profile_visited, visit("3", "1", 60))};
}

/// The meaning of user 1's whole feed under `State`, after `history`.
template <class State>
json meaning_after(const events_list& history) {
  auto st = fold_events(State{"1"}, history);
  return feed_page_meaning(feed_page_to_json(st.page(0, 100)));
}

}  // namespace

CAF_TEST(repeated visits by one user fold into one item at the latest visit) {
  feed_state_v2 st{"1"};
  deliver(st, event(1, events::profile_visited, visit("2", "1", 10)));
  deliver(st, event(2, events::profile_visited, visit("3", "1", 20)));
  deliver(st, event(3, events::profile_visited, visit("2", "1", 30)));
  deliver(st, event(4, events::profile_visited, visit("1", "1", 40)));  // own: no news
  deliver(st, event(5, events::profile_visited, visit("2", "5", 50)));  // not about 1
  auto page = st.page(0, 10);
  CAF_CHECK_EQUAL(kinds(page), (strings{"visited:2", "visited:3"}));
  CAF_CHECK_EQUAL(page.items.front(), (feed_item{3, "visited", "2", 30, {}, {}}));
  CAF_CHECK_EQUAL(st.size(), 2u);
}

CAF_TEST(matched items come first within each page) {
  events_list history{event(1, events::liked, rel("1", "2", 10)),
                      event(2, events::profile_visited, visit("3", "1", 20)),
                      event(3, events::liked, rel("2", "1", 30)),
                      event(4, events::profile_visited, visit("4", "1", 40)),
                      event(5, events::favourited, rel("5", "1", 50)),
                      event(6, events::liked, rel("1", "6", 60)),
                      event(7, events::liked, rel("6", "1", 70))};
  auto st = fold_events(feed_state_v2{"1"}, history);
  CAF_CHECK_EQUAL(kinds(st.page(0, 10)),
                  (strings{"matched:6", "matched:2", "favourited:5", "visited:4", "visited:3"}));
  // Pages hold what feed@1's pages hold and continue below their smallest
  // cursor, not below their last item: cursors 7 5 | 4 3 | 2.
  auto first = st.page(0, 2);
  CAF_CHECK_EQUAL(kinds(first), (strings{"matched:6", "favourited:5"}));
  CAF_CHECK_EQUAL(first.next_cursor, 5u);
  auto second = st.page(first.next_cursor, 2);
  CAF_CHECK_EQUAL(kinds(second), (strings{"matched:2", "visited:4"}));
  CAF_CHECK_EQUAL(second.next_cursor, 3u);
  auto third = st.page(second.next_cursor, 2);
  CAF_CHECK_EQUAL(kinds(third), (strings{"visited:3"}));
  CAF_CHECK_EQUAL(third.next_cursor, 0u);
  // Without repeated visits, feed@1 pages the same cursors.
  auto v1 = fold_events(feed_state{"1"}, history);
  std::set<std::pair<uint64_t, uint64_t>> differ;
  auto cursors = [](const feed_page& pg) {
    std::multiset<uint64_t> xs;
    for (auto& x : pg.items)
      xs.insert(x.cursor);
    return xs;
  };
  for (uint64_t before = 0; before <= 8; ++before)
    for (uint32_t limit = 1; limit <= 6; ++limit) {
      auto want = v1.page(before, limit);
      auto got = st.page(before, limit);
      if (cursors(got) != cursors(want) || got.next_cursor != want.next_cursor)
        differ.emplace(before, limit);
    }
  CAF_CHECK(differ.empty());
}

CAF_TEST(cursor paging visits every item once) {
  feed_state_v2 st{"1"};
  uint64_t pos = 0;
  for (int round = 0; round < 6; ++round)
    for (int u = 2; u < 12; ++u) {
      auto user = std::to_string(u);
      deliver(st, event(++pos, events::profile_visited, visit(user, "1", 0)));
      if (round == u % 6)
        deliver(st, event(++pos, events::liked, rel(user, "1", 0)));
      if (round == u % 6 && u % 2 == 0)
        deliver(st, event(++pos, events::liked, rel("1", user, 0)));
    }
  auto whole = st.page(0, 100);
  CAF_REQUIRE_EQUAL(whole.items.size(), st.size());
  CAF_CHECK_EQUAL(st.size(), 25u);  // 10 visitors, 10 likes, 5 of them matches
  std::multiset<uint64_t> seen;
  size_t pages = 0;
  uint64_t before = 0;
  do {
    auto page = st.page(before, 4);
    ++pages;
    for (auto& x : page.items)
      seen.insert(x.cursor);
    auto first_other = std::find_if(page.items.begin(), page.items.end(),
                                    [](const feed_item& x) { return x.kind != "matched"; });
    auto late_match = std::find_if(first_other, page.items.end(),
                                   [](const feed_item& x) { return x.kind == "matched"; });
    CAF_CHECK(late_match == page.items.end());
    before = page.next_cursor;
  } while (before != 0 && pages < 100);
  CAF_CHECK_EQUAL(pages, 7u);
  std::multiset<uint64_t> all;
  for (auto& x : whole.items)
    all.insert(x.cursor);
  CAF_CHECK(seen == all);
}

CAF_TEST(the published view pages exactly as the projection) {
  feed_state_v2 st{"1", 40};
  // Gaps between cursors, so `before` falls on items and between them.
  for (uint64_t i = 1; i <= 50; ++i) {
    auto user = std::to_string(i % 13 + 2);
    deliver(st, event(i * 3, events::profile_visited, visit(user, "1", 0)));
    if (i % 4 == 0)
      deliver(st, event(i * 3 + 1, events::liked, rel(user, "1", 0)));
    if (i % 8 == 0)
      deliver(st, event(i * 3 + 2, events::liked, rel("1", user, 0)));
  }
  auto view = st.view();
  CAF_CHECK_EQUAL(view.size(), st.size());
  size_t compared = 0;
  for (uint64_t before = 0; before <= 160; ++before)
    for (uint32_t limit : {0u, 1u, 2u, 7u, 20u, 39u, 40u, 100u, 500u}) {
      auto want = st.page(before, limit);
      auto got = view.page(before, limit);
      if (!(got == want))
        CAF_FAIL("before " << before << " limit " << limit << ": view and projection differ");
      ++compared;
    }
  CAF_CHECK_EQUAL(compared, 161u * 9u);
  auto empty = feed_state_v2{"2"}.view().page(0, 20);
  CAF_CHECK_EQUAL(empty.items.size(), 0u);
}

CAF_TEST(snapshots round trip and a feed v1 snapshot loads folded) {
  auto history = match_then_visits();
  auto st = fold_events(feed_state_v2{"1"}, history);
  feed_state_v2 restored{"1"};
  restored.from_json(st.to_json());
  CAF_CHECK_EQUAL(restored.to_json(), st.to_json());
  CAF_CHECK_EQUAL(restored.page(0, 100), st.page(0, 100));
  auto v1 = fold_events(feed_state{"1"}, history);
  feed_state_v2 upgraded{"1"};
  upgraded.from_json(v1.to_json());
  CAF_CHECK_EQUAL(upgraded.page(0, 100), st.page(0, 100));
  // The relations survive too: an unlike still ends the match.
  deliver(upgraded, event(11, events::unliked, rel("2", "1", 110)));
  auto after_unlike = kinds(upgraded.page(0, 100));
  CAF_CHECK_EQUAL(std::count(after_unlike.begin(), after_unlike.end(), "matched:2"), 0);
}

CAF_TEST(the capacity counts folded items) {
  feed_state_v2 st{"1", 3};
  deliver(st, event(1, events::profile_visited, visit("2", "1", 0)));
  deliver(st, event(2, events::profile_visited, visit("3", "1", 0)));
  deliver(st, event(3, events::profile_visited, visit("2", "1", 0)));
  deliver(st, event(4, events::profile_visited, visit("2", "1", 0)));
  CAF_CHECK_EQUAL(st.size(), 2u);
  CAF_CHECK_EQUAL(kinds(st.page(0, 10)), (strings{"visited:2", "visited:3"}));
  deliver(st, event(5, events::profile_visited, visit("4", "1", 0)));
  deliver(st, event(6, events::profile_visited, visit("5", "1", 0)));
  CAF_CHECK_EQUAL(st.size(), 3u);
  CAF_CHECK_EQUAL(kinds(st.page(0, 10)), (strings{"visited:5", "visited:4", "visited:2"}));
}

CAF_TEST(feed v1 and feed v2 replies mean the same) {
  auto history = match_then_visits();
  auto v1 = fold_events(feed_state{"1"}, history).page(0, 100);
  auto v2 = fold_events(feed_state_v2{"1"}, history).page(0, 100);
  // The replies differ as intended: fewer items, match first.
  CAF_CHECK_EQUAL(v1.items.size(), 9u);
  CAF_CHECK_EQUAL(kinds(v2), (strings{"matched:2", "visited:3", "liked:5", "visited:2", "photo:4",
                                      "favourited:4"}));
  CAF_CHECK_NOT_EQUAL(feed_page_to_json(v1), feed_page_to_json(v2));
  auto want = json::parse(R"([["favourited","4",""],["liked","5",""],["matched","2",""],
      ["photo","4","p1"],["visited","2",""],["visited","3",""]])");
  auto v1_meaning = feed_page_meaning(feed_page_to_json(v1));
  auto v2_meaning = feed_page_meaning(feed_page_to_json(v2));
  CAF_CHECK_EQUAL(v1_meaning, want);
  CAF_CHECK_EQUAL(v2_meaning, want);
  auto second = visits_then_match();
  auto v1_second = meaning_after<feed_state>(second);
  auto v2_second = meaning_after<feed_state_v2>(second);
  CAF_CHECK_EQUAL(v1_second, v2_second);
}

CAF_TEST(the faulty variant means something else when a match visits) {
  auto history = match_then_visits();
  auto faulty = fold_events(feed_state_v2_faulty{"1"}, history).page(0, 100);
  auto faulty_kinds = kinds(faulty);
  CAF_CHECK_EQUAL(std::count(faulty_kinds.begin(), faulty_kinds.end(), "matched:2"), 0);
  auto v1_meaning = meaning_after<feed_state>(history);
  auto faulty_meaning = feed_page_meaning(feed_page_to_json(faulty));
  CAF_CHECK_NOT_EQUAL(faulty_meaning, v1_meaning);
  // Without the trigger it agrees with feed v1 and feed v2.
  auto quiet = visits_then_match();
  auto v1_quiet = meaning_after<feed_state>(quiet);
  auto faulty_quiet = meaning_after<feed_state_v2_faulty>(quiet);
  CAF_CHECK_EQUAL(faulty_quiet, v1_quiet);
  // A snapshot restored into the faulty variant carries the same fault.
  feed_state_v2_faulty restored{"1"};
  restored.from_json(fold_events(feed_state{"1"}, history).to_json());
  CAF_CHECK_EQUAL(restored.page(0, 100), faulty);
}

CAF_TEST(the registrations are feed version 2 with feed v1 subscriptions) {
  auto v1 = feed_type();
  for (auto type : {feed_v2_type(), feed_v2_faulty_type()}) {
    CAF_CHECK_EQUAL(type.name, "feed");
    CAF_CHECK_EQUAL(type.version, "2");
    CAF_CHECK(type.subscribes_to == v1.subscribes_to);
    CAF_CHECK_EQUAL(type.tag_prefix, v1.tag_prefix);
    CAF_CHECK(static_cast<bool>(type.factory));
  }
}

CAF_TEST(short first pages of both versions agree on the range they share) {
  auto history = match_then_visits();
  auto v1 = fold_events(feed_state{"1"}, history);
  auto v2 = fold_events(feed_state_v2{"1"}, history);
  auto bad = fold_events(feed_state_v2_faulty{"1"}, history);
  for (uint32_t limit = 1; limit <= 10; ++limit) {
    auto stable = feed_page_to_json(v1.page(0, limit));
    auto candidate = feed_page_to_json(v2.page(0, limit));
    feed_pages_agree(stable, candidate);
    CAF_CHECK_EQUAL(stable, candidate);
  }
  auto stable = feed_page_to_json(v1.page(0, 100));
  auto candidate = feed_page_to_json(bad.page(0, 100));
  feed_pages_agree(stable, candidate);
  CAF_CHECK_NOT_EQUAL(stable, candidate);
}
