// The event store contract: what every back end of `griddle::store::event_store`
// guarantees, as reusable checks. A back end's suite defines `CAF_SUITE`,
// includes <caf/test/unit_test.hpp>, then this header, and runs each function
// below in its own CAF_TEST on a fresh, empty store.
//
// The checks call `append` through `append_sync`, which tolerates `done`
// running on any thread; `concurrent_appenders` keeps every CAF_CHECK on the
// test's thread because the test engine is not thread-safe.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <caf/test/unit_test.hpp>

#include "runtime/errc.hpp"
#include "runtime/store/event_store.hpp"

namespace griddle::test::contract {

using store::append_result;
using store::event_data;
using store::event_store;
using store::recorded_event;
using store::stream_snapshot;

/// How long `append_sync` waits for `done` before failing the test.
constexpr std::chrono::seconds append_timeout{30};

// -- helpers ------------------------------------------------------------------

/// An event with a payload that names it, so reads can be matched to appends.
inline event_data make_event(std::string type, std::string payload, std::string event_id = {}) {
  event_data ev;
  ev.type = std::move(type);
  ev.payload = std::move(payload);
  ev.event_id = std::move(event_id);
  return ev;
}

/// An event with tags.
inline event_data make_tagged(std::string type, std::vector<std::string> tags,
                              std::string event_id = {}) {
  auto ev = make_event(std::move(type), "{}", std::move(event_id));
  ev.tags = std::move(tags);
  return ev;
}

/// Polls `pred` until it holds or `append_timeout` passes; returns its last value.
template <class Predicate>
bool wait_until(Predicate pred) {
  auto deadline = std::chrono::steady_clock::now() + append_timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
  }
  return true;
}

/// Calls `append` and waits up to `append_timeout` for `done`; nullopt on
/// time-out. Safe to call from any thread: it asserts nothing.
inline std::optional<caf::expected<append_result>> try_append_sync(event_store& es,
                                                                   std::string stream,
                                                                   uint64_t expected_version,
                                                                   std::vector<event_data> events) {
  using result_type = caf::expected<append_result>;
  // Shared, so a callback that fires after a time-out touches live memory.
  struct state {
    std::promise<result_type> promise;
    std::atomic<int> calls{0};
  };
  auto st = std::make_shared<state>();
  auto fut = st->promise.get_future();
  es.append(std::move(stream), expected_version, std::move(events), [st](result_type res) {
    if (st->calls.fetch_add(1) == 0)
      st->promise.set_value(std::move(res));
  });
  if (fut.wait_for(append_timeout) != std::future_status::ready)
    return std::nullopt;
  return fut.get();
}

/// Calls `append` and waits for `done`; fails the test on time-out.
inline caf::expected<append_result> append_sync(event_store& es, std::string stream,
                                                uint64_t expected_version,
                                                std::vector<event_data> events) {
  auto res = try_append_sync(es, std::move(stream), expected_version, std::move(events));
  if (!res)
    CAF_FAIL("append did not call done within " << append_timeout.count() << " s");
  return std::move(*res);
}

/// Reads everything in the global log.
inline std::vector<recorded_event> read_everything(event_store& es) {
  auto events = es.read_all(1, SIZE_MAX);
  CAF_REQUIRE(events);
  return std::move(*events);
}

/// Positions of `events`, in the order given.
inline std::vector<uint64_t> positions_of(const std::vector<recorded_event>& events) {
  std::vector<uint64_t> result;
  for (const auto& ev : events)
    result.push_back(ev.position);
  return result;
}

/// Reads the events carrying `tag` from `from_position` on, at most `max`.
inline std::vector<recorded_event> read_tag(event_store& es, const std::string& tag,
                                            uint64_t from_position = 1, size_t max = SIZE_MAX) {
  auto events = es.read_tagged(tag, from_position, max);
  CAF_REQUIRE(events);
  return std::move(*events);
}

/// Records what a commit listener sees; safe to share with the store's
/// threads, inspected on the test's thread.
class listener_log {
 public:
  /// A listener that records into this log; it holds the log alive.
  static event_store::commit_listener attach(const std::shared_ptr<listener_log>& log) {
    return [log](std::vector<recorded_event> events) { log->record(std::move(events)); };
  }

  std::vector<std::vector<recorded_event>> calls() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return calls_;
  }

  size_t event_count() const {
    std::lock_guard<std::mutex> guard{mtx_};
    size_t n = 0;
    for (const auto& call : calls_)
      n += call.size();
    return n;
  }

  /// True when two calls overlapped.
  bool overlapped() const { return overlapped_.load(); }

 private:
  void record(std::vector<recorded_event> events) {
    if (in_call_.fetch_add(1) != 0)
      overlapped_ = true;
    // Widen the window in which an overlapping call would be noticed.
    std::this_thread::yield();
    {
      std::lock_guard<std::mutex> guard{mtx_};
      calls_.push_back(std::move(events));
    }
    in_call_.fetch_sub(1);
  }

  mutable std::mutex mtx_;
  std::vector<std::vector<recorded_event>> calls_;
  std::atomic<int> in_call_{0};
  std::atomic<bool> overlapped_{false};
};

/// Waits until `log` has seen `n` events; fails the test on time-out.
inline void await_events(const listener_log& log, size_t n) {
  if (!wait_until([&] { return log.event_count() >= n; }))
    CAF_FAIL("the commit listener saw " << log.event_count() << " of " << n << " events");
}

/// Checks that the listener's calls are non-empty, carry increasing
/// positions without gaps starting at `first_position`, and equal the log.
inline void check_listener_matches_log(event_store& es, const listener_log& log,
                                       uint64_t first_position = 1) {
  CAF_CHECK(!log.overlapped());
  auto all = read_everything(es);
  auto next = first_position;
  for (const auto& call : log.calls()) {
    CAF_CHECK(!call.empty());
    for (const auto& ev : call) {
      CAF_REQUIRE_EQUAL(ev.position, next);
      CAF_REQUIRE_LESS_OR_EQUAL(ev.position, all.size());
      const auto& stored = all[ev.position - 1];
      CAF_CHECK_EQUAL(ev.stream, stored.stream);
      CAF_CHECK_EQUAL(ev.version, stored.version);
      CAF_CHECK_EQUAL(ev.type, stored.type);
      CAF_CHECK_EQUAL(ev.schema_version, stored.schema_version);
      CAF_CHECK_EQUAL(ev.timestamp_ms, stored.timestamp_ms);
      CAF_CHECK_EQUAL(ev.payload, stored.payload);
      CAF_CHECK_EQUAL(ev.event_id, stored.event_id);
      CAF_CHECK_EQUAL(ev.tags, stored.tags);
      ++next;
    }
  }
  CAF_CHECK_EQUAL(next, all.size() + 1);
}

/// The text an error carries, for checking what a message names.
inline std::string error_text(const caf::error& err) {
  if (err.context().match_elements<std::string>())
    return err.context().get_as<std::string>(0);
  return to_string(err);
}

// -- the contract -------------------------------------------------------------

/// Appends return positions and versions from 1; reads return what was written.
inline void append_and_read(event_store& es) {
  using namespace std::chrono;
  auto before = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  auto first = make_event("user_registered", R"({"name":"ada"})", "reg-1");
  first.schema_version = 2;
  auto r1 = append_sync(es, "user-1", store::no_stream,
                        {std::move(first), make_event("email_changed", R"({"email":"a@b"})")});
  CAF_REQUIRE(r1);
  CAF_CHECK_EQUAL(r1->first_position, 1u);
  CAF_CHECK_EQUAL(r1->last_position, 2u);
  CAF_CHECK_EQUAL(r1->version, 2u);
  CAF_CHECK(!r1->duplicate);
  auto r2 = append_sync(es, "user-1", 2, {make_event("user_renamed", R"({"name":"bob"})")});
  CAF_REQUIRE(r2);
  CAF_CHECK_EQUAL(r2->first_position, 3u);
  CAF_CHECK_EQUAL(r2->last_position, 3u);
  CAF_CHECK_EQUAL(r2->version, 3u);
  auto after = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  auto events = es.read_stream("user-1", 1, 100);
  CAF_REQUIRE(events);
  CAF_REQUIRE_EQUAL(events->size(), 3u);
  const auto& evs = *events;
  for (uint64_t i = 0; i < 3; ++i) {
    CAF_CHECK_EQUAL(evs[i].position, i + 1);
    CAF_CHECK_EQUAL(evs[i].version, i + 1);
    CAF_CHECK_EQUAL(evs[i].stream, "user-1");
    // Generous bounds: the clock is the back end's, but it must be unix ms.
    CAF_CHECK_GREATER_OR_EQUAL(evs[i].timestamp_ms, before - 60000);
    CAF_CHECK_LESS_OR_EQUAL(evs[i].timestamp_ms, after + 60000);
    if (i > 0)
      CAF_CHECK_GREATER_OR_EQUAL(evs[i].timestamp_ms, evs[i - 1].timestamp_ms);
  }
  CAF_CHECK_EQUAL(evs[0].type, "user_registered");
  CAF_CHECK_EQUAL(evs[0].schema_version, 2u);
  CAF_CHECK_EQUAL(evs[0].payload, R"({"name":"ada"})");
  CAF_CHECK_EQUAL(evs[0].event_id, "reg-1");
  CAF_CHECK_EQUAL(evs[1].type, "email_changed");
  CAF_CHECK_EQUAL(evs[1].schema_version, 1u);
  CAF_CHECK_EQUAL(evs[1].payload, R"({"email":"a@b"})");
  CAF_CHECK_EQUAL(evs[1].event_id, "");
  CAF_CHECK_EQUAL(evs[2].type, "user_renamed");
  auto middle = es.read_stream("user-1", 2, 1);
  CAF_REQUIRE(middle);
  CAF_REQUIRE_EQUAL(middle->size(), 1u);
  CAF_CHECK_EQUAL(middle->front().version, 2u);
  CAF_CHECK_EQUAL(middle->front().type, "email_changed");
  auto tail = es.read_stream("user-1", 4, 100);
  CAF_REQUIRE(tail);
  CAF_CHECK(tail->empty());
  auto unknown = es.read_stream("user-2", 1, 100);
  CAF_REQUIRE(unknown);
  CAF_CHECK(unknown->empty());
  auto version = es.stream_version("user-1");
  CAF_REQUIRE(version);
  CAF_CHECK_EQUAL(*version, 3u);
  auto no_version = es.stream_version("user-2");
  CAF_REQUIRE(no_version);
  CAF_CHECK_EQUAL(*no_version, 0u);
}

/// A stale or future expected version fails with errc::conflict, naming the
/// stream and both versions, and writes nothing.
inline void conflict(event_store& es) {
  CAF_REQUIRE(append_sync(es, "conflict-stream", store::no_stream,
                          {make_event("a", "{}"), make_event("b", "{}"), make_event("c", "{}")}));
  for (uint64_t expected : {uint64_t{1}, uint64_t{17}}) {
    auto res = append_sync(es, "conflict-stream", expected, {make_event("d", "{}", "d-1")});
    CAF_REQUIRE(!res);
    CAF_CHECK(is(res.error(), errc::conflict));
    auto text = error_text(res.error());
    CAF_MESSAGE("conflict error: " << text);
    CAF_CHECK_NOT_EQUAL(text.find("conflict-stream"), std::string::npos);
    CAF_CHECK_NOT_EQUAL(text.find(std::to_string(expected)), std::string::npos);
    CAF_CHECK_NOT_EQUAL(text.find('3'), std::string::npos);
  }
  auto version = es.stream_version("conflict-stream");
  CAF_REQUIRE(version);
  CAF_CHECK_EQUAL(*version, 3u);
  CAF_CHECK_EQUAL(read_everything(es).size(), 3u);
  // The rejected event's ID was not recorded: a later append with it writes.
  auto res = append_sync(es, "conflict-stream", 3, {make_event("d", "{}", "d-1")});
  CAF_REQUIRE(res);
  CAF_CHECK(!res->duplicate);
  CAF_CHECK_EQUAL(res->version, 4u);
}

/// `no_stream` (0) requires an empty stream; `any_version` skips the check.
inline void no_stream_and_any_version(event_store& es) {
  auto created = append_sync(es, "fresh", store::no_stream, {make_event("created", "{}")});
  CAF_REQUIRE(created);
  CAF_CHECK_EQUAL(created->version, 1u);
  auto again = append_sync(es, "fresh", store::no_stream, {make_event("created", "{}")});
  CAF_REQUIRE(!again);
  CAF_CHECK(is(again.error(), errc::conflict));
  auto any = append_sync(es, "fresh", store::any_version, {make_event("touched", "{}")});
  CAF_REQUIRE(any);
  CAF_CHECK_EQUAL(any->version, 2u);
  CAF_CHECK_EQUAL(any->first_position, 2u);
  auto any_new = append_sync(es, "other", store::any_version, {make_event("created", "{}")});
  CAF_REQUIRE(any_new);
  CAF_CHECK_EQUAL(any_new->version, 1u);
  CAF_CHECK_EQUAL(any_new->first_position, 3u);
  // A failed append to a missing stream leaves it missing.
  auto missing = append_sync(es, "missing", 4, {make_event("x", "{}")});
  CAF_REQUIRE(!missing);
  CAF_CHECK(is(missing.error(), errc::conflict));
  auto created_late = append_sync(es, "missing", store::no_stream, {make_event("x", "{}")});
  CAF_REQUIRE(created_late);
  CAF_CHECK_EQUAL(created_late->version, 1u);
}

/// read_all starts at a position and returns at most `max` events.
inline void read_all_from_position(event_store& es) {
  CAF_REQUIRE(
      append_sync(es, "a", store::no_stream, {make_event("a1", "{}"), make_event("a2", "{}")}));
  CAF_REQUIRE(append_sync(es, "b", store::no_stream, {make_event("b1", "{}")}));
  CAF_REQUIRE(append_sync(es, "a", 2, {make_event("a3", "{}")}));
  auto all = read_everything(es);
  CAF_REQUIRE_EQUAL(all.size(), 4u);
  std::vector<std::string> types;
  for (uint64_t i = 0; i < all.size(); ++i) {
    CAF_CHECK_EQUAL(all[i].position, i + 1);
    types.push_back(all[i].type);
  }
  CAF_CHECK_EQUAL(types, (std::vector<std::string>{"a1", "a2", "b1", "a3"}));
  CAF_CHECK_EQUAL(all[2].stream, "b");
  CAF_CHECK_EQUAL(all[2].version, 1u);
  CAF_CHECK_EQUAL(all[3].stream, "a");
  CAF_CHECK_EQUAL(all[3].version, 3u);
  auto from3 = es.read_all(3, 100);
  CAF_REQUIRE(from3);
  CAF_REQUIRE_EQUAL(from3->size(), 2u);
  CAF_CHECK_EQUAL(from3->at(0).position, 3u);
  CAF_CHECK_EQUAL(from3->at(1).position, 4u);
  auto page = es.read_all(2, 2);
  CAF_REQUIRE(page);
  CAF_REQUIRE_EQUAL(page->size(), 2u);
  CAF_CHECK_EQUAL(page->at(0).position, 2u);
  CAF_CHECK_EQUAL(page->at(1).position, 3u);
  auto beyond = es.read_all(5, 100);
  CAF_REQUIRE(beyond);
  CAF_CHECK(beyond->empty());
}

/// Interleaved appends to several streams: one gap-free global order, each
/// stream in version order within it, and results that point at their events.
inline void ordering_across_streams(event_store& es) {
  const std::vector<std::string> streams{"s-0", "s-1", "s-2"};
  std::map<std::string, uint64_t> versions;
  std::map<uint64_t, std::pair<std::string, std::string>> expected_at;  // position -> stream, type
  for (int round = 0; round < 10; ++round) {
    for (size_t s = 0; s < streams.size(); ++s) {
      const auto& name = streams[s];
      std::vector<event_data> batch;
      size_t n = 1 + (round + s) % 3;
      for (size_t k = 0; k < n; ++k)
        batch.push_back(
            make_event(name + "/" + std::to_string(round) + "/" + std::to_string(k), "{}"));
      auto types = batch;
      auto res = append_sync(es, name, versions[name], std::move(batch));
      CAF_REQUIRE(res);
      CAF_REQUIRE_EQUAL(res->last_position - res->first_position + 1, n);
      CAF_CHECK_EQUAL(res->version, versions[name] + n);
      versions[name] = res->version;
      for (size_t k = 0; k < n; ++k)
        expected_at[res->first_position + k] = {name, types[k].type};
    }
  }
  auto all = read_everything(es);
  CAF_REQUIRE_EQUAL(all.size(), expected_at.size());
  std::map<std::string, uint64_t> seen;
  for (uint64_t i = 0; i < all.size(); ++i) {
    const auto& ev = all[i];
    CAF_CHECK_EQUAL(ev.position, i + 1);
    CAF_CHECK_EQUAL(ev.stream, expected_at[ev.position].first);
    CAF_CHECK_EQUAL(ev.type, expected_at[ev.position].second);
    CAF_CHECK_EQUAL(ev.version, ++seen[ev.stream]);
  }
  for (const auto& name : streams) {
    CAF_CHECK_EQUAL(seen[name], versions[name]);
    auto events = es.read_stream(name, 1, SIZE_MAX);
    CAF_REQUIRE(events);
    CAF_REQUIRE_EQUAL(events->size(), versions[name]);
    for (uint64_t v = 1; v <= events->size(); ++v) {
      CAF_CHECK_EQUAL(events->at(v - 1).version, v);
      if (v > 1)
        CAF_CHECK_GREATER(events->at(v - 1).position, events->at(v - 2).position);
    }
  }
}

/// Re-sending an append whose first event ID the stream holds writes nothing
/// and answers with the original result; IDs are scoped to their stream.
inline void idempotent_retry(event_store& es) {
  auto batch = [] {
    return std::vector<event_data>{make_event("ordered", "{}", "cmd-1/0"),
                                   make_event("paid", "{}", "cmd-1/1")};
  };
  auto original = append_sync(es, "order-1", store::no_stream, batch());
  CAF_REQUIRE(original);
  CAF_CHECK(!original->duplicate);
  auto retry = append_sync(es, "order-1", store::no_stream, batch());
  CAF_REQUIRE(retry);
  CAF_CHECK(retry->duplicate);
  CAF_CHECK_EQUAL(retry->first_position, original->first_position);
  CAF_CHECK_EQUAL(retry->last_position, original->last_position);
  CAF_CHECK_EQUAL(retry->version, original->version);
  CAF_CHECK_EQUAL(read_everything(es).size(), 2u);
  auto next = append_sync(es, "order-1", 2, {make_event("shipped", "{}", "cmd-2/0")});
  CAF_REQUIRE(next);
  CAF_CHECK(!next->duplicate);
  CAF_CHECK_EQUAL(next->version, 3u);
  // A late retry carries a stale expected version and still answers the original.
  auto late = append_sync(es, "order-1", store::no_stream, batch());
  CAF_REQUIRE(late);
  CAF_CHECK(late->duplicate);
  CAF_CHECK_EQUAL(late->first_position, 1u);
  CAF_CHECK_EQUAL(late->last_position, 2u);
  CAF_CHECK_EQUAL(late->version, 2u);
  auto version = es.stream_version("order-1");
  CAF_REQUIRE(version);
  CAF_CHECK_EQUAL(*version, 3u);
  // The same ID on another stream is a different event.
  auto other = append_sync(es, "order-2", store::no_stream, batch());
  CAF_REQUIRE(other);
  CAF_CHECK(!other->duplicate);
  CAF_CHECK_EQUAL(other->first_position, 4u);
  // Events without an ID are never taken for retries.
  auto anon1 = append_sync(es, "order-3", store::any_version, {make_event("noted", "{}")});
  auto anon2 = append_sync(es, "order-3", store::any_version, {make_event("noted", "{}")});
  CAF_REQUIRE(anon1 && anon2);
  CAF_CHECK(!anon2->duplicate);
  CAF_CHECK_EQUAL(anon2->version, 2u);
  CAF_CHECK_EQUAL(read_everything(es).size(), 7u);
  CAF_CHECK_EQUAL(es.stats().events, 7u);
}

/// One snapshot per stream; saving replaces it.
inline void snapshots(event_store& es) {
  auto none = es.load_snapshot("cart-1");
  CAF_REQUIRE(none);
  CAF_CHECK(!none->has_value());
  CAF_REQUIRE(!es.save_snapshot({"cart-1", 3, R"({"items":3})"}));
  CAF_REQUIRE(!es.save_snapshot({"cart-2", 1, R"({"items":1})"}));
  auto first = es.load_snapshot("cart-1");
  CAF_REQUIRE(first && first->has_value());
  CAF_CHECK_EQUAL((*first)->stream, "cart-1");
  CAF_CHECK_EQUAL((*first)->version, 3u);
  CAF_CHECK_EQUAL((*first)->data, R"({"items":3})");
  CAF_REQUIRE(!es.save_snapshot({"cart-1", 5, R"({"items":5})"}));
  auto second = es.load_snapshot("cart-1");
  CAF_REQUIRE(second && second->has_value());
  CAF_CHECK_EQUAL((*second)->version, 5u);
  CAF_CHECK_EQUAL((*second)->data, R"({"items":5})");
  auto other = es.load_snapshot("cart-2");
  CAF_REQUIRE(other && other->has_value());
  CAF_CHECK_EQUAL((*other)->version, 1u);
  CAF_CHECK_EQUAL((*other)->data, R"({"items":1})");
  // Snapshots are not events.
  CAF_CHECK(read_everything(es).empty());
}

/// An append without events or without a stream name is refused and writes nothing.
inline void invalid_arguments(event_store& es) {
  auto no_events = append_sync(es, "s", store::no_stream, {});
  CAF_REQUIRE(!no_events);
  CAF_CHECK(is(no_events.error(), errc::invalid_argument));
  auto no_name = append_sync(es, "", store::any_version, {make_event("x", "{}")});
  CAF_REQUIRE(!no_name);
  CAF_CHECK(is(no_name.error(), errc::invalid_argument));
  CAF_CHECK(read_everything(es).empty());
  CAF_CHECK_EQUAL(es.stats().events, 0u);
  auto version = es.stream_version("s");
  CAF_REQUIRE(version);
  CAF_CHECK_EQUAL(*version, 0u);
}

/// Stats count appends, events and conflicts; a back end may group several
/// appends into one transaction, never split one.
inline void stats_count(event_store& es) {
  auto zero = es.stats();
  CAF_CHECK_EQUAL(zero.appends, 0u);
  CAF_CHECK_EQUAL(zero.events, 0u);
  CAF_CHECK_EQUAL(zero.transactions, 0u);
  CAF_CHECK_EQUAL(zero.conflicts, 0u);
  CAF_REQUIRE(append_sync(es, "s", store::no_stream, {make_event("a", "{}", "id-a")}));
  CAF_REQUIRE(append_sync(es, "s", 1, {make_event("b", "{}"), make_event("c", "{}")}));
  CAF_REQUIRE(!append_sync(es, "s", 1, {make_event("d", "{}")}));
  CAF_REQUIRE(!append_sync(es, "t", 7, {make_event("d", "{}")}));
  auto retry = append_sync(es, "s", store::no_stream, {make_event("a", "{}", "id-a")});
  CAF_REQUIRE(retry && retry->duplicate);
  auto st = es.stats();
  CAF_CHECK_EQUAL(st.appends, 2u);
  CAF_CHECK_EQUAL(st.events, 3u);
  CAF_CHECK_EQUAL(st.conflicts, 2u);
  CAF_CHECK_GREATER_OR_EQUAL(st.transactions, 1u);
  CAF_CHECK_LESS_OR_EQUAL(st.transactions, st.appends);
}

/// `threads` threads each make `per_thread` appends, alternating between a
/// stream of their own (exact expected versions) and one shared stream
/// (`any_version`). Every append succeeds; the log has positions 1..total
/// without gaps or duplicates; each stream has versions 1..k in order; every
/// acknowledged event is readable where its result says.
inline void concurrent_appenders(event_store& es, size_t threads, size_t per_thread) {
  struct acked {
    std::string stream;
    std::vector<std::string> payloads;
    append_result result;
  };
  struct worker_log {
    std::vector<acked> acks;
    std::vector<std::string> failures;
  };
  std::vector<worker_log> logs(threads);
  std::vector<std::thread> workers;
  for (size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&es, &log = logs[t], t, per_thread] {
      auto own = "own-" + std::to_string(t);
      uint64_t own_version = 0;
      for (size_t i = 0; i < per_thread; ++i) {
        bool shared = i % 2 == 1;
        auto stream = shared ? std::string{"shared"} : own;
        std::vector<event_data> batch;
        std::vector<std::string> payloads;
        for (size_t k = 0; k < 1 + i % 3; ++k) {
          payloads.push_back(std::to_string(t) + "/" + std::to_string(i) + "/" + std::to_string(k));
          batch.push_back(make_event("tick", payloads.back()));
        }
        auto expected = shared ? store::any_version : own_version;
        auto res = try_append_sync(es, stream, expected, std::move(batch));
        if (!res) {
          log.failures.push_back(stream + ": time-out");
        } else if (!*res) {
          log.failures.push_back(stream + ": " + to_string(res->error()));
        } else {
          if (!shared)
            own_version = (*res)->version;
          log.acks.push_back({stream, std::move(payloads), **res});
        }
      }
    });
  }
  for (auto& w : workers)
    w.join();
  size_t total = 0;
  for (auto& log : logs) {
    for (auto& failure : log.failures)
      CAF_MESSAGE("append failed: " << failure);
    CAF_CHECK(log.failures.empty());
    for (auto& ack : log.acks)
      total += ack.payloads.size();
  }
  auto all = read_everything(es);
  CAF_REQUIRE_EQUAL(all.size(), total);
  std::map<std::string, uint64_t> versions;
  for (uint64_t i = 0; i < all.size(); ++i) {
    CAF_CHECK_EQUAL(all[i].position, i + 1);
    CAF_CHECK_EQUAL(all[i].version, ++versions[all[i].stream]);
  }
  for (const auto& [stream, version] : versions) {
    auto current = es.stream_version(stream);
    CAF_REQUIRE(current);
    CAF_CHECK_EQUAL(*current, version);
  }
  std::set<uint64_t> claimed;
  for (auto& log : logs) {
    for (auto& ack : log.acks) {
      CAF_CHECK(!ack.result.duplicate);
      CAF_REQUIRE_EQUAL(ack.result.last_position - ack.result.first_position + 1,
                        ack.payloads.size());
      for (size_t k = 0; k < ack.payloads.size(); ++k) {
        auto pos = ack.result.first_position + k;
        CAF_CHECK(claimed.insert(pos).second);
        CAF_REQUIRE_GREATER_OR_EQUAL(pos, 1u);
        CAF_REQUIRE_LESS_OR_EQUAL(pos, all.size());
        const auto& ev = all[pos - 1];
        CAF_CHECK_EQUAL(ev.stream, ack.stream);
        CAF_CHECK_EQUAL(ev.payload, ack.payloads[k]);
      }
      CAF_CHECK_EQUAL(all[ack.result.last_position - 1].version, ack.result.version);
    }
  }
  CAF_CHECK_EQUAL(claimed.size(), total);
  CAF_CHECK_EQUAL(es.stats().events, total);
}

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
