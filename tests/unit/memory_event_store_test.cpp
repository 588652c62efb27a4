// The in-memory event store against the event store contract, plus what this
// back end promises beyond it.
#define CAF_SUITE memory_event_store
#include <caf/test/unit_test.hpp>

#include <thread>

#include "event_store_contract.hpp"
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
