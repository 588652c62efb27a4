// The SQLite event store against the event store contract, plus what this
// back end promises beyond it: durability across reopen, schema migration,
// group commit, and per-append failure inside a batch.
#define CAF_SUITE sqlite_event_store
#include <caf/test/unit_test.hpp>

#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sqlite3.h>

#include "event_store_contract.hpp"
#include "event_store_contract_feed.hpp"
#include "runtime/store/sqlite_event_store.hpp"
#include "runtime/store/sqlite_schema.hpp"
#include "scratch_db.hpp"

using namespace griddle;
using griddle::store::sqlite_event_store;
using griddle::store::sqlite_options;

namespace contract = griddle::test::contract;

namespace {

// A fresh database file under /tmp with the options to open it.
struct temp_db : griddle::test::scratch_db {
  temp_db() : scratch_db("griddle-sqlite") {}

  sqlite_options options(bool group_commit = true) const {
    sqlite_options result;
    result.path = path;
    result.group_commit = group_commit;
    return result;
  }
};

std::unique_ptr<sqlite_event_store> open_store(const sqlite_options& options) {
  auto es = sqlite_event_store::open(options);
  if (!es)
    CAF_FAIL("open failed: " << contract::error_text(es.error()));
  return std::move(*es);
}

// Runs one query on the file directly, bypassing the store; returns the
// first column of the first row as text.
std::string query(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  CAF_REQUIRE_EQUAL(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  CAF_REQUIRE_EQUAL(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), SQLITE_OK);
  CAF_REQUIRE_EQUAL(sqlite3_step(stmt), SQLITE_ROW);
  std::string result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return result;
}

void exec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  CAF_REQUIRE_EQUAL(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  CAF_REQUIRE_EQUAL(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

// The schema of version 1 as it shipped (migrations[0] in sqlite_schema.cpp),
// plus the schema_version table the migrator keeps.
constexpr const char* schema_v1 =
    "CREATE TABLE events("
    "  position INTEGER PRIMARY KEY,"
    "  stream TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  type TEXT NOT NULL,"
    "  schema_version INTEGER NOT NULL,"
    "  timestamp_ms INTEGER NOT NULL,"
    "  payload TEXT NOT NULL,"
    "  event_id TEXT,"
    "  UNIQUE(stream, version));"
    "CREATE INDEX events_by_event_id ON events(stream, event_id) WHERE event_id IS NOT NULL;"
    "CREATE TABLE streams(stream TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE snapshots("
    "  stream TEXT PRIMARY KEY, version INTEGER NOT NULL, data BLOB NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE schema_version(version INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL);";

// Holds the writer thread inside the `done` of a snapshot save until
// released, so whatever is queued behind it stays queued.
class writer_stall {
 public:
  explicit writer_stall(sqlite_event_store& es) {
    auto entered = std::make_shared<std::promise<void>>();
    auto in_writer = entered->get_future();
    es.save_snapshot_async({"stall", 1, "x"}, [entered, release = release_](caf::error) {
      entered->set_value();
      release->wait();
    });
    CAF_REQUIRE(in_writer.wait_for(std::chrono::seconds{30}) == std::future_status::ready);
  }

  ~writer_stall() { release(); }

  void release() {
    if (!released_) {
      released_ = true;
      gate_.set_value();
    }
  }

 private:
  std::promise<void> gate_;
  std::shared_ptr<std::shared_future<void>> release_ =
      std::make_shared<std::shared_future<void>>(gate_.get_future().share());
  bool released_ = false;
};

// `threads` threads make `per_thread` appends each to a stream of their own,
// waiting for each answer; returns the failures, checked on the test thread.
std::vector<std::string> hammer(sqlite_event_store& es, size_t threads, size_t per_thread) {
  std::mutex mtx;
  std::vector<std::string> failures;
  std::vector<std::thread> workers;
  for (size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      auto stream = "worker-" + std::to_string(t);
      for (size_t i = 0; i < per_thread; ++i) {
        auto res = contract::try_append_sync(es, stream, i,
                                             {contract::make_event("tick", std::to_string(i))});
        if (!res || !*res || (*res)->version != i + 1) {
          std::lock_guard<std::mutex> guard{mtx};
          failures.push_back(stream + " append " + std::to_string(i) + " failed");
          return;
        }
      }
    });
  }
  for (auto& w : workers)
    w.join();
  return failures;
}

}  // namespace

// -- the contract, group commit on ---------------------------------------------

CAF_TEST(contract append and read) {
  temp_db db;
  contract::append_and_read(*open_store(db.options()));
}

CAF_TEST(contract conflict) {
  temp_db db;
  contract::conflict(*open_store(db.options()));
}

CAF_TEST(contract no stream and any version) {
  temp_db db;
  contract::no_stream_and_any_version(*open_store(db.options()));
}

CAF_TEST(contract read all from position) {
  temp_db db;
  contract::read_all_from_position(*open_store(db.options()));
}

CAF_TEST(contract ordering across streams) {
  temp_db db;
  contract::ordering_across_streams(*open_store(db.options()));
}

CAF_TEST(contract idempotent retry) {
  temp_db db;
  contract::idempotent_retry(*open_store(db.options()));
}

CAF_TEST(contract snapshots) {
  temp_db db;
  contract::snapshots(*open_store(db.options()));
}

CAF_TEST(contract invalid arguments) {
  temp_db db;
  contract::invalid_arguments(*open_store(db.options()));
}

CAF_TEST(contract stats count) {
  temp_db db;
  contract::stats_count(*open_store(db.options()));
}

CAF_TEST(contract commit listener order without group commit) {
  temp_db db;
  contract::commit_listener_order(*open_store(db.options(false)));
}

CAF_TEST(contract concurrent appenders) {
  temp_db db;
  contract::concurrent_appenders(*open_store(db.options()), 8, 200);
}

CAF_TEST(contract tags round trip) {
  temp_db db;
  contract::tags_round_trip(*open_store(db.options()));
}

CAF_TEST(contract read tagged order and limits) {
  temp_db db;
  contract::read_tagged_order_and_limits(*open_store(db.options()));
}

CAF_TEST(contract duplicate tags counted once) {
  temp_db db;
  contract::duplicate_tags_counted_once(*open_store(db.options()));
}

CAF_TEST(contract commit listener order) {
  temp_db db;
  contract::commit_listener_order(*open_store(db.options()));
}

CAF_TEST(contract commit listener skips refused and retried) {
  temp_db db;
  contract::commit_listener_skips_refused_and_retried(*open_store(db.options()));
}

CAF_TEST(contract async snapshot order) {
  temp_db db;
  contract::async_snapshot_order(*open_store(db.options()));
}

CAF_TEST(contract async snapshot visible after done) {
  temp_db db;
  contract::async_snapshot_visible_after_done(*open_store(db.options()));
}

// -- durability and schema -----------------------------------------------------

CAF_TEST(data survives close and reopen and positions continue) {
  temp_db db;
  {
    auto es = open_store(db.options());
    auto first = contract::append_sync(
        *es, "a", store::no_stream,
        {contract::make_event("x", "1", "id-1"), contract::make_event("y", "2")});
    CAF_REQUIRE(first);
    CAF_CHECK_EQUAL(first->last_position, 2u);
    CAF_REQUIRE(!es->save_snapshot({"a", 2, "state-2"}));
  }
  auto es = open_store(db.options());
  auto version = es->stream_version("a");
  CAF_REQUIRE(version);
  CAF_CHECK_EQUAL(*version, 2u);
  auto events = es->read_stream("a", 1, 10);
  CAF_REQUIRE(events);
  CAF_REQUIRE_EQUAL(events->size(), 2u);
  CAF_CHECK_EQUAL((*events)[0].payload, "1");
  CAF_CHECK_EQUAL((*events)[0].event_id, "id-1");
  CAF_CHECK_EQUAL((*events)[1].type, "y");
  auto snapshot = es->load_snapshot("a");
  CAF_REQUIRE(snapshot && snapshot->has_value());
  CAF_CHECK_EQUAL((*snapshot)->data, "state-2");
  // The retry is still recognised after the reopen.
  auto retry = contract::append_sync(
      *es, "a", store::no_stream,
      {contract::make_event("x", "1", "id-1"), contract::make_event("y", "2")});
  CAF_REQUIRE(retry);
  CAF_CHECK(retry->duplicate);
  CAF_CHECK_EQUAL(retry->last_position, 2u);
  auto next = contract::append_sync(*es, "b", store::no_stream, {contract::make_event("z", "3")});
  CAF_REQUIRE(next);
  CAF_CHECK_EQUAL(next->first_position, 3u);
  CAF_CHECK_EQUAL(next->version, 1u);
}

CAF_TEST(schema_version holds the current version and reopening does not migrate again) {
  temp_db db;
  open_store(db.options()).reset();
  const char* max_sql = "SELECT MAX(version) FROM schema_version";
  const char* count_sql = "SELECT COUNT(*) FROM schema_version";
  auto current = std::to_string(store::sqlite_schema_version);
  CAF_CHECK_EQUAL(query(db.path, max_sql), current);
  // One row per migration applied.
  CAF_CHECK_EQUAL(query(db.path, count_sql), current);
  open_store(db.options()).reset();
  CAF_CHECK_EQUAL(query(db.path, count_sql), current);
  CAF_CHECK_EQUAL(query(db.path, "PRAGMA journal_mode"), "wal");
}

CAF_TEST(a newer schema version refuses to open) {
  temp_db db;
  open_store(db.options()).reset();
  auto newer = std::to_string(store::sqlite_schema_version + 1);
  exec(db.path,
       ("INSERT INTO schema_version(version, applied_ms) VALUES(" + newer + ", 0)").c_str());
  auto es = sqlite_event_store::open(db.options());
  CAF_REQUIRE(!es);
  CAF_CHECK(is(es.error(), errc::store_failure));
  auto text = contract::error_text(es.error());
  CAF_MESSAGE("error: " << text);
  CAF_CHECK(text.find("schema version " + newer) != std::string::npos);
  CAF_CHECK(text.find(db.path) != std::string::npos);
}

// -- group commit --------------------------------------------------------------

CAF_TEST(group commit runs many appends per transaction) {
  temp_db db;
  auto es = open_store(db.options(true));
  auto failures = hammer(*es, 64, 50);
  for (auto& failure : failures)
    CAF_MESSAGE(failure);
  CAF_CHECK(failures.empty());
  auto st = es->stats();
  CAF_MESSAGE("group commit on: " << st.appends << " appends in " << st.transactions
                                  << " transactions");
  CAF_CHECK_EQUAL(st.appends, 64u * 50u);
  CAF_CHECK_EQUAL(st.events, 64u * 50u);
  CAF_CHECK_LESS_OR_EQUAL(st.transactions * 4, st.appends);
  auto all = es->read_all(1, SIZE_MAX);
  CAF_REQUIRE(all);
  CAF_CHECK_EQUAL(all->size(), 64u * 50u);
  CAF_CHECK_EQUAL(all->back().position, 64u * 50u);
}

CAF_TEST(without group commit every append is its own transaction) {
  temp_db db;
  auto es = open_store(db.options(false));
  auto failures = hammer(*es, 8, 25);
  CAF_CHECK(failures.empty());
  auto st = es->stats();
  CAF_MESSAGE("group commit off: " << st.appends << " appends in " << st.transactions
                                   << " transactions");
  CAF_CHECK_EQUAL(st.appends, 8u * 25u);
  CAF_CHECK_EQUAL(st.transactions, st.appends);
}

CAF_TEST(a conflicting append fails alone inside its batch) {
  temp_db db;
  auto options = db.options(true);
  // Hold the batch open until all four appends are queued.
  options.max_batch = 4;
  options.max_delay = std::chrono::seconds{10};
  auto es = open_store(options);
  using result_type = caf::expected<store::append_result>;
  std::vector<std::promise<result_type>> promises(4);
  auto done = [&](size_t i) {
    return [&promises, i](result_type res) { promises[i].set_value(std::move(res)); };
  };
  es->append("s", store::no_stream, {contract::make_event("a", "1", "id-a")}, done(0));
  // Sees the first append of its batch, so expecting an empty stream conflicts.
  es->append("s", store::no_stream, {contract::make_event("b", "2")}, done(1));
  // Sees the first append too, so version 1 is right.
  es->append("s", 1, {contract::make_event("c", "3")}, done(2));
  es->append("t", store::no_stream, {contract::make_event("d", "4")}, done(3));
  std::vector<result_type> results;
  for (auto& p : promises) {
    auto fut = p.get_future();
    CAF_REQUIRE(fut.wait_for(std::chrono::seconds{30}) == std::future_status::ready);
    results.push_back(fut.get());
  }
  CAF_REQUIRE(results[0]);
  CAF_CHECK_EQUAL(results[0]->version, 1u);
  CAF_REQUIRE(!results[1]);
  CAF_CHECK(is(results[1].error(), errc::conflict));
  auto text = contract::error_text(results[1].error());
  CAF_MESSAGE("conflict: " << text);
  CAF_CHECK(text.find("'s'") != std::string::npos);
  CAF_CHECK(text.find("expected version 0") != std::string::npos);
  CAF_CHECK(text.find("actual version 1") != std::string::npos);
  CAF_REQUIRE(results[2]);
  CAF_CHECK_EQUAL(results[2]->version, 2u);
  CAF_CHECK_EQUAL(results[2]->first_position, 2u);
  CAF_REQUIRE(results[3]);
  CAF_CHECK_EQUAL(results[3]->first_position, 3u);
  auto st = es->stats();
  CAF_CHECK_EQUAL(st.transactions, 1u);
  CAF_CHECK_EQUAL(st.appends, 3u);
  CAF_CHECK_EQUAL(st.conflicts, 1u);
  auto all = es->read_all(1, 10);
  CAF_REQUIRE(all);
  CAF_CHECK_EQUAL(all->size(), 3u);
}

CAF_TEST(closing answers every queued append) {
  temp_db db;
  auto options = db.options(true);
  options.max_delay = std::chrono::seconds{10};
  auto es = open_store(options);
  std::atomic<size_t> answered{0};
  std::atomic<size_t> succeeded{0};
  for (size_t i = 0; i < 100; ++i)
    es->append("s", store::any_version, {contract::make_event("x", std::to_string(i))},
               [&](caf::expected<store::append_result> res) {
                 ++answered;
                 if (res)
                   ++succeeded;
               });
  es.reset();
  CAF_CHECK_EQUAL(answered.load(), 100u);
  CAF_CHECK_EQUAL(succeeded.load(), 100u);
  auto reopened = open_store(db.options());
  auto version = reopened->stream_version("s");
  CAF_REQUIRE(version);
  CAF_CHECK_EQUAL(*version, 100u);
}

CAF_TEST(a version 1 database migrates to version 2 and keeps its events) {
  temp_db db;
  exec(db.path, schema_v1);
  exec(db.path,
       "INSERT INTO schema_version(version, applied_ms) VALUES(1, 0);"
       "INSERT INTO events(position, stream, version, type, schema_version, timestamp_ms,"
       "  payload, event_id) VALUES(1, 'old', 1, 'created', 1, 1000, '{\"n\":1}', 'old-1');"
       "INSERT INTO streams(stream, version) VALUES('old', 1);"
       "INSERT INTO snapshots(stream, version, data) VALUES('old', 1, 'state-1');");
  auto es = open_store(db.options());
  CAF_CHECK_EQUAL(query(db.path, "SELECT MAX(version) FROM schema_version"), "2");
  CAF_CHECK_EQUAL(query(db.path, "SELECT COUNT(*) FROM schema_version"), "2");
  CAF_CHECK_EQUAL(
      query(db.path,
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'event_tags'"),
      "1");
  CAF_CHECK_EQUAL(
      query(db.path, "SELECT COUNT(*) FROM pragma_table_info('events') WHERE name = 'tags'"), "1");
  auto old = es->read_stream("old", 1, 10);
  CAF_REQUIRE(old);
  CAF_REQUIRE_EQUAL(old->size(), 1u);
  const auto& ev = old->front();
  CAF_CHECK_EQUAL(ev.position, 1u);
  CAF_CHECK_EQUAL(ev.type, "created");
  CAF_CHECK_EQUAL(ev.timestamp_ms, 1000);
  CAF_CHECK_EQUAL(ev.payload, R"({"n":1})");
  CAF_CHECK_EQUAL(ev.event_id, "old-1");
  CAF_CHECK(ev.tags.empty());
  auto all = es->read_all(1, 10);
  CAF_REQUIRE(all);
  CAF_REQUIRE_EQUAL(all->size(), 1u);
  CAF_CHECK(all->front().tags.empty());
  auto snapshot = es->load_snapshot("old");
  CAF_REQUIRE(snapshot && snapshot->has_value());
  CAF_CHECK_EQUAL((*snapshot)->data, "state-1");
  // A retry of the old append is still recognised; new events take tags.
  auto retry = contract::append_sync(*es, "old", store::no_stream,
                                     {contract::make_event("created", "{}", "old-1")});
  CAF_REQUIRE(retry);
  CAF_CHECK(retry->duplicate);
  auto next = contract::append_sync(*es, "old", 1, {contract::make_tagged("renamed", {"old"})});
  CAF_REQUIRE(next);
  CAF_CHECK_EQUAL(next->first_position, 2u);
  CAF_CHECK_EQUAL(contract::positions_of(contract::read_tag(*es, "old")),
                  (std::vector<uint64_t>{2}));
  es.reset();
  open_store(db.options()).reset();
  CAF_CHECK_EQUAL(query(db.path, "SELECT COUNT(*) FROM schema_version"), "2");
}

CAF_TEST(tags survive close and reopen and are indexed once per event) {
  temp_db db;
  {
    auto es = open_store(db.options());
    CAF_REQUIRE(contract::append_sync(
        *es, "a", store::no_stream,
        {contract::make_tagged("x", {"t1", "t2", "t1"}), contract::make_tagged("y", {})}));
    CAF_REQUIRE(
        contract::append_sync(*es, "b", store::no_stream, {contract::make_tagged("z", {"t2"})}));
  }
  CAF_CHECK_EQUAL(query(db.path, "SELECT COUNT(*) FROM event_tags"), "3");
  CAF_CHECK_EQUAL(query(db.path, "SELECT COUNT(*) FROM events WHERE tags IS NULL"), "1");
  auto es = open_store(db.options());
  auto events = es->read_stream("a", 1, 10);
  CAF_REQUIRE(events);
  CAF_REQUIRE_EQUAL(events->size(), 2u);
  CAF_CHECK_EQUAL(events->at(0).tags, (std::vector<std::string>{"t1", "t2"}));
  CAF_CHECK(events->at(1).tags.empty());
  CAF_CHECK_EQUAL(contract::positions_of(contract::read_tag(*es, "t1")),
                  (std::vector<uint64_t>{1}));
  CAF_CHECK_EQUAL(contract::positions_of(contract::read_tag(*es, "t2")),
                  (std::vector<uint64_t>{1, 3}));
}

// -- asynchronous snapshots and the commit listener -----------------------------

CAF_TEST(save_snapshot_async returns before the snapshot is durable) {
  temp_db db;
  auto es = open_store(db.options());
  contract::snapshot_waiter waiter;
  {
    writer_stall stall{*es};
    es->save_snapshot_async({"cart", 1, "one"}, waiter.done(0));
    es->save_snapshot_async({"cart", 2, "two"}, waiter.done(1));
    auto loaded = es->load_snapshot("cart");
    CAF_REQUIRE(loaded);
    CAF_CHECK(!loaded->has_value());
  }
  auto results = waiter.wait(2);
  CAF_CHECK(!results[0]);
  CAF_CHECK(!results[1]);
  auto loaded = es->load_snapshot("cart");
  CAF_REQUIRE(loaded && loaded->has_value());
  CAF_CHECK_EQUAL((*loaded)->data, "two");
}

CAF_TEST(an async snapshot joins the transaction of queued appends) {
  temp_db db;
  auto es = open_store(db.options());
  auto log = std::make_shared<contract::listener_log>();
  es->set_commit_listener(contract::listener_log::attach(log));
  contract::snapshot_waiter waiter;
  std::atomic<size_t> acked{0};
  auto count = [&acked](caf::expected<store::append_result> res) {
    if (res)
      ++acked;
  };
  {
    // Everything below queues behind the stall and forms the next batch.
    writer_stall stall{*es};
    es->append("s", store::no_stream, {contract::make_event("a", "{}")}, count);
    es->save_snapshot_async({"s", 1, "after-a"}, waiter.done(0));
    es->append("s", 1, {contract::make_event("b", "{}")}, count);
    es->append("s", 1, {contract::make_event("conflict", "{}")}, count);
  }
  auto results = waiter.wait(1);
  CAF_CHECK(!results[0]);
  contract::await_events(*log, 2);
  CAF_CHECK(contract::wait_until([&] { return acked.load() == 2; }));
  // The stall's own snapshot committed alone; the batch behind it once.
  CAF_CHECK_EQUAL(es->stats().transactions, 2u);
  auto calls = log->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 1u);
  CAF_CHECK_EQUAL(contract::positions_of(calls[0]), (std::vector<uint64_t>{1, 2}));
  CAF_CHECK_EQUAL(calls[0][1].type, "b");
  auto loaded = es->load_snapshot("s");
  CAF_REQUIRE(loaded && loaded->has_value());
  CAF_CHECK_EQUAL((*loaded)->data, "after-a");
  es->set_commit_listener({});
}

CAF_TEST(async snapshots queued before closing are written) {
  temp_db db;
  auto es = open_store(db.options());
  contract::snapshot_waiter waiter;
  constexpr size_t saves = 50;
  for (size_t i = 1; i <= saves; ++i)
    es->save_snapshot_async({"s", i, "state-" + std::to_string(i)}, waiter.done(i));
  es.reset();
  auto results = waiter.wait(saves);
  for (auto& [index, err] : results)
    CAF_CHECK(!err);
  auto reopened = open_store(db.options());
  auto loaded = reopened->load_snapshot("s");
  CAF_REQUIRE(loaded && loaded->has_value());
  CAF_CHECK_EQUAL((*loaded)->data, "state-" + std::to_string(saves));
}
