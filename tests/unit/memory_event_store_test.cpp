// The in-memory event store against the event store contract, plus what this
// back end promises beyond it.
#define CAF_SUITE memory_event_store
#include <caf/test/unit_test.hpp>

#include <thread>

#include "event_store_contract.hpp"
#include "event_store_contract_feed.hpp"
#include "runtime/store/memory_event_store.hpp"

using namespace griddle;
using griddle::store::memory_event_store;

namespace contract = griddle::test::contract;

CAF_TEST(append and read) {
  memory_event_store es;
  contract::append_and_read(es);
}

CAF_TEST(conflict) {
  memory_event_store es;
  contract::conflict(es);
}

CAF_TEST(no stream and any version) {
  memory_event_store es;
  contract::no_stream_and_any_version(es);
}

CAF_TEST(read all from position) {
  memory_event_store es;
  contract::read_all_from_position(es);
}

CAF_TEST(ordering across streams) {
  memory_event_store es;
  contract::ordering_across_streams(es);
}

CAF_TEST(idempotent retry) {
  memory_event_store es;
  contract::idempotent_retry(es);
}

CAF_TEST(snapshots) {
  memory_event_store es;
  contract::snapshots(es);
}

CAF_TEST(invalid arguments) {
  memory_event_store es;
  contract::invalid_arguments(es);
}

CAF_TEST(stats count) {
  memory_event_store es;
  contract::stats_count(es);
}

CAF_TEST(concurrent appenders) {
  memory_event_store es;
  contract::concurrent_appenders(es, 8, 200);
}

CAF_TEST(tags round trip) {
  memory_event_store es;
  contract::tags_round_trip(es);
}

CAF_TEST(read tagged order and limits) {
  memory_event_store es;
  contract::read_tagged_order_and_limits(es);
}

CAF_TEST(duplicate tags counted once) {
  memory_event_store es;
  contract::duplicate_tags_counted_once(es);
}

CAF_TEST(commit listener order) {
  memory_event_store es;
  contract::commit_listener_order(es);
}

CAF_TEST(commit listener skips refused and retried) {
  memory_event_store es;
  contract::commit_listener_skips_refused_and_retried(es);
}

CAF_TEST(async snapshot order) {
  memory_event_store es;
  contract::async_snapshot_order(es);
}

CAF_TEST(async snapshot visible after done) {
  memory_event_store es;
  contract::async_snapshot_visible_after_done(es);
}

CAF_TEST(append calls done on the caller thread before returning) {
  memory_event_store es;
  int calls = 0;
  std::thread::id caller;
  es.append("s", store::no_stream, {contract::make_event("a", "{}")},
            [&](caf::expected<store::append_result> res) {
              ++calls;
              caller = std::this_thread::get_id();
              CAF_CHECK(res);
            });
  CAF_CHECK_EQUAL(calls, 1);
  CAF_CHECK(caller == std::this_thread::get_id());
}

CAF_TEST(done may call back into the store) {
  memory_event_store es;
  uint64_t seen = 0;
  es.append("s", store::no_stream, {contract::make_event("a", "{}")},
            [&](caf::expected<store::append_result>) {
              auto version = es.stream_version("s");
              seen = version ? *version : 0;
            });
  CAF_CHECK_EQUAL(seen, 1u);
}

CAF_TEST(one transaction per append) {
  memory_event_store es;
  for (uint64_t v = 0; v < 5; ++v)
    CAF_REQUIRE(contract::append_sync(es, "s", v, {contract::make_event("a", "{}")}));
  CAF_CHECK(!contract::append_sync(es, "s", 0, {contract::make_event("a", "{}")}));
  auto st = es.stats();
  CAF_CHECK_EQUAL(st.appends, 5u);
  CAF_CHECK_EQUAL(st.transactions, 5u);
}

CAF_TEST(the commit listener runs before append returns) {
  memory_event_store es;
  std::vector<uint64_t> seen;
  es.set_commit_listener([&](std::vector<store::recorded_event> events) {
    for (auto& ev : events)
      seen.push_back(ev.position);
  });
  bool listener_first = false;
  es.append("s", store::no_stream,
            {contract::make_event("a", "{}"), contract::make_event("b", "{}")},
            [&](caf::expected<store::append_result>) { listener_first = seen.size() == 2; });
  CAF_CHECK(listener_first);
  CAF_CHECK_EQUAL(seen, (std::vector<uint64_t>{1, 2}));
}

CAF_TEST(save_snapshot_async calls done before returning) {
  memory_event_store es;
  int calls = 0;
  es.save_snapshot_async({"s", 1, "x"}, [&](caf::error err) {
    ++calls;
    CAF_CHECK(!err);
  });
  CAF_CHECK_EQUAL(calls, 1);
  es.save_snapshot_async({"", 1, "x"}, [&](caf::error err) {
    ++calls;
    CAF_CHECK(is(err, errc::invalid_argument));
  });
  CAF_CHECK_EQUAL(calls, 2);
}
