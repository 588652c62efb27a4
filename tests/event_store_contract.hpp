// The event store contract: what every back end of `griddle::store::event_store`
// guarantees, as reusable checks. A back end's suite defines `CAF_SUITE`,
// includes <caf/test/unit_test.hpp>, then this header, and runs each function
// below in its own CAF_TEST on a fresh, empty store.
//
// The checks call `append` through `append_sync`, which tolerates `done`
// running on any thread; `concurrent_appenders` keeps every CAF_CHECK on the
// test's thread because the test engine is not thread-safe.
#pragma once

#include "event_store_contract_helpers.hpp"

namespace griddle::test::contract {

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

}  // namespace griddle::test::contract
