// The event store contract, continued: tags and the tag index, the commit
// listener, asynchronous snapshots. Used like event_store_contract.hpp: each
// function runs in its own CAF_TEST on a fresh, empty store.
#pragma once

#include "event_store_contract_helpers.hpp"

namespace griddle::test::contract {

// -- tags -----------------------------------------------------------------------

/// Tags come back with every read, as appended, whatever characters they hold.
inline void tags_round_trip(event_store& es) {
  std::map<uint64_t, std::vector<std::string>> tags_at{
      {1, {"user/2"}},
      {2, {}},
      {3, {"user/1", "user/3"}},
      // Newlines, a backslash before an n, a trailing backslash, an empty tag.
      {4, {"line\nbreak", "back\\n", "ends\\", "", "\n"}},
  };
  CAF_REQUIRE(append_sync(es, "user/1", store::no_stream,
                          {make_tagged("liked", tags_at[1]), make_tagged("seen", tags_at[2])}));
  CAF_REQUIRE(append_sync(es, "user/2", store::no_stream, {make_tagged("matched", tags_at[3])}));
  CAF_REQUIRE(append_sync(es, "user/3", store::no_stream, {make_tagged("odd", tags_at[4])}));
  auto check = [&](const std::vector<recorded_event>& events, const char* read) {
    CAF_MESSAGE("checking tags from " << read);
    for (const auto& ev : events)
      CAF_CHECK_EQUAL(ev.tags, tags_at[ev.position]);
  };
  auto all = read_everything(es);
  CAF_CHECK_EQUAL(all.size(), 4u);
  check(all, "read_all");
  for (const auto* stream : {"user/1", "user/2", "user/3"}) {
    auto events = es.read_stream(stream, 1, 100);
    CAF_REQUIRE(events);
    CAF_CHECK(!events->empty());
    check(*events, "read_stream");
  }
  for (const auto& [position, tags] : tags_at) {
    for (const auto& tag : tags) {
      auto tagged = read_tag(es, tag);
      check(tagged, "read_tagged");
      CAF_CHECK(std::any_of(tagged.begin(), tagged.end(),
                            [p = position](const recorded_event& ev) { return ev.position == p; }));
    }
  }
  CAF_CHECK_EQUAL(positions_of(read_tag(es, "user/2")), (std::vector<uint64_t>{1}));
  CAF_CHECK_EQUAL(positions_of(read_tag(es, "")), (std::vector<uint64_t>{4}));
}

/// read_tagged returns the events carrying the tag in position order, from a
/// position on, at most `max`; an unknown tag (or a prefix of one) finds none.
inline void read_tagged_order_and_limits(event_store& es) {
  std::vector<uint64_t> hot;
  std::map<std::string, uint64_t> versions;
  for (int i = 0; i < 12; ++i) {
    auto stream = "s-" + std::to_string(i % 3);
    std::vector<std::string> tags;
    if (i % 2 == 0)
      tags.push_back("hot");
    if (i % 3 == 0)
      tags.push_back("cold");
    auto res = append_sync(es, stream, versions[stream],
                           {make_tagged("t" + std::to_string(i), std::move(tags))});
    CAF_REQUIRE(res);
    versions[stream] = res->version;
    if (i % 2 == 0)
      hot.push_back(res->first_position);
  }
  auto all_hot = read_tag(es, "hot");
  CAF_CHECK_EQUAL(positions_of(all_hot), hot);
  for (size_t i = 0; i < all_hot.size(); ++i)
    CAF_CHECK_EQUAL(all_hot[i].type, "t" + std::to_string(2 * i));
  CAF_CHECK_EQUAL(positions_of(read_tag(es, "cold")), (std::vector<uint64_t>{1, 4, 7, 10}));
  // From a tagged position, and from one between two tagged events.
  CAF_CHECK_EQUAL(positions_of(read_tag(es, "hot", hot[2])),
                  std::vector<uint64_t>(hot.begin() + 2, hot.end()));
  CAF_CHECK_EQUAL(positions_of(read_tag(es, "hot", hot[2] + 1)),
                  std::vector<uint64_t>(hot.begin() + 3, hot.end()));
  CAF_CHECK_EQUAL(positions_of(read_tag(es, "hot", 0, 2)),
                  std::vector<uint64_t>(hot.begin(), hot.begin() + 2));
  CAF_CHECK_EQUAL(positions_of(read_tag(es, "hot", hot[1], 3)),
                  std::vector<uint64_t>(hot.begin() + 1, hot.begin() + 4));
  CAF_CHECK(read_tag(es, "hot", hot.back() + 1).empty());
  CAF_CHECK(read_tag(es, "hot", 1, 0).empty());
  CAF_CHECK(read_tag(es, "warm").empty());
  CAF_CHECK(read_tag(es, "ho").empty());
  CAF_CHECK(read_tag(es, "hot ").empty());
}

/// A tag repeated on one event is stored once: reads return it once and
/// read_tagged finds the event once.
inline void duplicate_tags_counted_once(event_store& es) {
  CAF_REQUIRE(append_sync(es, "s", store::no_stream,
                          {make_tagged("a", {"x", "y", "x", "x", "y"}), make_tagged("b", {"x"})}));
  auto events = es.read_stream("s", 1, 10);
  CAF_REQUIRE(events);
  CAF_REQUIRE_EQUAL(events->size(), 2u);
  CAF_CHECK_EQUAL(events->at(0).tags, (std::vector<std::string>{"x", "y"}));
  CAF_CHECK_EQUAL(events->at(1).tags, (std::vector<std::string>{"x"}));
  CAF_CHECK_EQUAL(positions_of(read_tag(es, "x")), (std::vector<uint64_t>{1, 2}));
  CAF_CHECK_EQUAL(positions_of(read_tag(es, "y")), (std::vector<uint64_t>{1}));
  auto all = read_everything(es);
  CAF_REQUIRE_EQUAL(all.size(), 2u);
  CAF_CHECK_EQUAL(all.front().tags, (std::vector<std::string>{"x", "y"}));
}

// -- commit listener ------------------------------------------------------------

/// The listener sees every committed event once, in position order without
/// gaps, as the reads return it, in calls that never overlap, also while
/// several threads append; removing it stops the calls.
inline void commit_listener_order(event_store& es) {
  auto log = std::make_shared<listener_log>();
  es.set_commit_listener(listener_log::attach(log));
  CAF_REQUIRE(append_sync(es, "a", store::no_stream,
                          {make_tagged("a1", {"t"}), make_event("a2", "{}", "id-a2")}));
  CAF_REQUIRE(append_sync(es, "b", store::no_stream, {make_event("b1", R"({"x":1})")}));
  await_events(*log, 3);
  auto calls = log->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 2u);
  CAF_CHECK_EQUAL(positions_of(calls[0]), (std::vector<uint64_t>{1, 2}));
  CAF_CHECK_EQUAL(calls[0][0].tags, (std::vector<std::string>{"t"}));
  CAF_CHECK_EQUAL(positions_of(calls[1]), (std::vector<uint64_t>{3}));
  // Now from several threads at once, so a back end may group commits.
  std::vector<std::thread> workers;
  std::atomic<size_t> failures{0};
  for (size_t t = 0; t < 4; ++t) {
    workers.emplace_back([&es, &failures, t] {
      auto stream = "worker-" + std::to_string(t);
      for (uint64_t i = 0; i < 25; ++i) {
        auto res = try_append_sync(es, stream, 2 * i,
                                   {make_tagged("tick", {stream}), make_event("tock", "{}")});
        if (!res || !*res)
          ++failures;
      }
    });
  }
  for (auto& w : workers)
    w.join();
  CAF_CHECK_EQUAL(failures.load(), 0u);
  await_events(*log, 3 + 4 * 25 * 2);
  check_listener_matches_log(es, *log);
  es.set_commit_listener({});
  auto calls_before = log->calls().size();
  CAF_REQUIRE(append_sync(es, "c", store::no_stream, {make_event("c1", "{}")}));
  CAF_CHECK_EQUAL(log->calls().size(), calls_before);
}

/// Refused appends (conflicts, bad arguments) and recognised retries write
/// nothing, so the listener hears nothing of them.
inline void commit_listener_skips_refused_and_retried(event_store& es) {
  auto log = std::make_shared<listener_log>();
  es.set_commit_listener(listener_log::attach(log));
  CAF_REQUIRE(append_sync(es, "s", store::no_stream, {make_event("a", "{}", "id-1")}));
  CAF_REQUIRE(!append_sync(es, "s", store::no_stream, {make_event("b", "{}")}));
  CAF_REQUIRE(!append_sync(es, "t", 5, {make_event("b", "{}")}));
  CAF_REQUIRE(!append_sync(es, "s", 1, {}));
  auto retry = append_sync(es, "s", store::no_stream, {make_event("a", "{}", "id-1")});
  CAF_REQUIRE(retry && retry->duplicate);
  CAF_REQUIRE(append_sync(es, "s", 1, {make_event("c", "{}")}));
  await_events(*log, 2);
  auto calls = log->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 2u);
  CAF_CHECK_EQUAL(positions_of(calls[0]), (std::vector<uint64_t>{1}));
  CAF_CHECK_EQUAL(calls[0][0].type, "a");
  CAF_CHECK_EQUAL(positions_of(calls[1]), (std::vector<uint64_t>{2}));
  CAF_CHECK_EQUAL(calls[1][0].type, "c");
  CAF_CHECK_EQUAL(calls[1][0].version, 2u);
  check_listener_matches_log(es, *log);
  es.set_commit_listener({});
}

// -- asynchronous snapshots -----------------------------------------------------

/// Waits for the `done` of `save_snapshot_async`; fails the test on time-out.
class snapshot_waiter {
 public:
  /// A `done` for one save that records its error under `index`.
  std::function<void(caf::error)> done(size_t index) {
    return [st = state_, index](caf::error err) {
      std::lock_guard<std::mutex> guard{st->mtx};
      st->results.emplace_back(index, std::move(err));
    };
  }

  /// Waits until `n` saves reported and returns their errors by index.
  std::map<size_t, caf::error> wait(size_t n) {
    auto reported = [this] {
      std::lock_guard<std::mutex> guard{state_->mtx};
      return state_->results.size();
    };
    if (!wait_until([&] { return reported() >= n; }))
      CAF_FAIL("only " << reported() << " of " << n << " snapshot saves reported");
    std::lock_guard<std::mutex> guard{state_->mtx};
    std::map<size_t, caf::error> result;
    for (auto& [index, err] : state_->results)
      CAF_CHECK(result.emplace(index, err).second);
    return result;
  }

 private:
  struct state {
    std::mutex mtx;
    std::vector<std::pair<size_t, caf::error>> results;
  };
  std::shared_ptr<state> state_ = std::make_shared<state>();
};

/// Async saves of one stream apply in call order: after all of them reported,
/// the last one is the snapshot; each `done` runs once, without error.
inline void async_snapshot_order(event_store& es) {
  snapshot_waiter waiter;
  constexpr size_t saves = 20;
  for (size_t i = 1; i <= saves; ++i) {
    es.save_snapshot_async({"cart", i, "state-" + std::to_string(i)}, waiter.done(i));
    es.save_snapshot_async({"other", i, "other-" + std::to_string(i)}, waiter.done(saves + i));
  }
  auto results = waiter.wait(2 * saves);
  CAF_CHECK_EQUAL(results.size(), 2 * saves);
  for (auto& [index, err] : results)
    CAF_CHECK(!err);
  auto cart = es.load_snapshot("cart");
  CAF_REQUIRE(cart && cart->has_value());
  CAF_CHECK_EQUAL((*cart)->version, saves);
  CAF_CHECK_EQUAL((*cart)->data, "state-" + std::to_string(saves));
  auto other = es.load_snapshot("other");
  CAF_REQUIRE(other && other->has_value());
  CAF_CHECK_EQUAL((*other)->data, "other-" + std::to_string(saves));
  CAF_CHECK(read_everything(es).empty());
}

/// Once `done` ran, a load sees the snapshot; `done` may be empty, and async
/// and blocking saves of one stream apply in call order.
inline void async_snapshot_visible_after_done(event_store& es) {
  snapshot_waiter waiter;
  es.save_snapshot_async({"cart", 1, "one"}, waiter.done(0));
  auto results = waiter.wait(1);
  CAF_CHECK(!results[0]);
  auto first = es.load_snapshot("cart");
  CAF_REQUIRE(first && first->has_value());
  CAF_CHECK_EQUAL((*first)->version, 1u);
  CAF_CHECK_EQUAL((*first)->data, "one");
  es.save_snapshot_async({"cart", 2, "two"}, {});
  CAF_REQUIRE(!es.save_snapshot({"cart", 3, "three"}));
  es.save_snapshot_async({"cart", 4, "four"}, {});
  es.save_snapshot_async({"cart", 5, "five"}, waiter.done(1));
  waiter.wait(2);
  auto last = es.load_snapshot("cart");
  CAF_REQUIRE(last && last->has_value());
  CAF_CHECK_EQUAL((*last)->version, 5u);
  CAF_CHECK_EQUAL((*last)->data, "five");
}

}  // namespace griddle::test::contract
