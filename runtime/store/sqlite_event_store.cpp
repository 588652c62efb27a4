#include "runtime/store/sqlite_event_store.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <future>
#include <limits>
#include <unordered_map>
#include <utility>

#include "runtime/errc.hpp"
#include "runtime/metrics/registry.hpp"
#include "runtime/store/detail/event_tags.hpp"
#include "runtime/store/detail/sqlite_connection.hpp"
#include "runtime/store/sqlite_schema.hpp"

namespace griddle::store {

using namespace detail;

// -- writing a batch ----------------------------------------------------------

namespace {

using append_outcome = caf::expected<append_result>;
using version_map = std::unordered_map<std::string, uint64_t>;

// Finds an earlier append to `stream` whose first event carries `event_id`
// and answers with what it wrote. A retry carries the same events, so the
// original append covers `count` versions from the one found.
caf::error find_original(detail::sqlite_write_side& w, const std::string& stream,
                         const std::string& event_id, size_t count,
                         std::optional<append_result>& out) {
  uint64_t first_version = 0;
  {
    stmt_use use{w.find_event_id};
    bind_text(use.get(), 1, stream);
    bind_text(use.get(), 2, event_id);
    auto rc = sqlite3_step(use.get());
    if (rc == SQLITE_DONE)
      return {};
    if (rc != SQLITE_ROW)
      return fail(w.db.get(), w.path, "looking up an event id");
    first_version = column_u64(use.get(), 0);
  }
  stmt_use use{w.original_extent};
  bind_text(use.get(), 1, stream);
  bind_u64(use.get(), 2, first_version);
  bind_u64(use.get(), 3, first_version + count - 1);
  if (sqlite3_step(use.get()) != SQLITE_ROW)
    return fail(w.db.get(), w.path, "reading an earlier append");
  append_result original;
  original.first_position = column_u64(use.get(), 0);
  original.last_position = column_u64(use.get(), 1);
  original.version = column_u64(use.get(), 2);
  original.duplicate = true;
  out = original;
  return {};
}

caf::error current_version(detail::sqlite_write_side& w, const std::string& stream,
                           version_map& versions, uint64_t& out) {
  if (auto i = versions.find(stream); i != versions.end()) {
    out = i->second;
    return {};
  }
  stmt_use use{w.current_version};
  bind_text(use.get(), 1, stream);
  auto rc = sqlite3_step(use.get());
  if (rc == SQLITE_ROW)
    out = column_u64(use.get(), 0);
  else if (rc == SQLITE_DONE)
    out = 0;
  else
    return fail(w.db.get(), w.path, "reading a stream version");
  versions.emplace(stream, out);
  return {};
}

// Indexes the tags of the event at `position` (already free of duplicates).
caf::error write_tags(detail::sqlite_write_side& w, const std::vector<std::string>& tags,
                      uint64_t position) {
  for (const auto& tag : tags) {
    stmt_use use{w.insert_tag};
    bind_text(use.get(), 1, tag);
    bind_u64(use.get(), 2, position);
    if (sqlite3_step(use.get()) != SQLITE_DONE)
      return fail(w.db.get(), w.path, "inserting an event tag");
  }
  return {};
}

// Checks and writes one append inside the open transaction. Its own failures
// (a conflict) land in `out`; a returned error fails the batch. `append`
// refused bad arguments before queueing.
caf::error write_append(detail::sqlite_write_side& w, const std::string& stream,
                        uint64_t expected_version, const std::vector<event_data>& events,
                        int64_t timestamp_ms, version_map& versions, append_outcome& out) {
  if (!events.front().event_id.empty()) {
    std::optional<append_result> original;
    if (auto err = find_original(w, stream, events.front().event_id, events.size(), original))
      return err;
    if (original) {
      out = *original;
      return {};
    }
  }
  uint64_t current = 0;
  if (auto err = current_version(w, stream, versions, current))
    return err;
  if (auto err = check_expected_version(stream, expected_version, current)) {
    out = std::move(err);
    return {};
  }
  append_result result;
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& ev = events[i];
    auto packed_tags = ev.tags.empty() ? std::string{} : pack_tags(ev.tags);
    stmt_use use{w.insert_event};
    auto stmt = use.get();
    bind_text(stmt, 1, stream);
    bind_u64(stmt, 2, current + i + 1);
    bind_text(stmt, 3, ev.type);
    sqlite3_bind_int64(stmt, 4, ev.schema_version);
    sqlite3_bind_int64(stmt, 5, timestamp_ms);
    bind_text(stmt, 6, ev.payload);
    if (ev.event_id.empty())
      sqlite3_bind_null(stmt, 7);
    else
      bind_text(stmt, 7, ev.event_id);
    if (ev.tags.empty())
      sqlite3_bind_null(stmt, 8);
    else
      bind_text(stmt, 8, packed_tags);
    if (sqlite3_step(stmt) != SQLITE_DONE)
      return fail(w.db.get(), w.path, "inserting an event");
    auto position = static_cast<uint64_t>(sqlite3_last_insert_rowid(w.db.get()));
    if (auto err = write_tags(w, ev.tags, position))
      return err;
    if (i == 0)
      result.first_position = position;
    result.last_position = position;
  }
  result.version = current + events.size();
  {
    stmt_use use{w.upsert_stream};
    bind_text(use.get(), 1, stream);
    bind_u64(use.get(), 2, result.version);
    if (sqlite3_step(use.get()) != SQLITE_DONE)
      return fail(w.db.get(), w.path, "updating a stream version");
  }
  versions[stream] = result.version;
  out = result;
  return {};
}

caf::error write_snapshot(detail::sqlite_write_side& w, const stream_snapshot& snapshot) {
  stmt_use use{w.save_snapshot};
  bind_text(use.get(), 1, snapshot.stream);
  bind_u64(use.get(), 2, snapshot.version);
  sqlite3_bind_blob64(use.get(), 3, snapshot.data.data(), snapshot.data.size(), SQLITE_STATIC);
  if (sqlite3_step(use.get()) != SQLITE_DONE)
    return fail(w.db.get(), w.path, "saving a snapshot");
  return {};
}

}  // namespace

// -- sqlite_event_store -------------------------------------------------------

caf::expected<std::unique_ptr<sqlite_event_store>> sqlite_event_store::open(
    sqlite_options options) {
  if (options.path.empty())
    return make_error(errc::invalid_argument, "sqlite_event_store: empty path");
  if (options.max_batch == 0)
    return make_error(errc::invalid_argument, "sqlite_event_store: max_batch must be at least 1");
  auto write = open_write_side(options);
  if (!write)
    return std::move(write.error());
  auto read = open_read_side(options);
  if (!read)
    return std::move(read.error());
  return std::unique_ptr<sqlite_event_store>{
      new sqlite_event_store(std::move(options), std::move(*write), std::move(*read))};
}

sqlite_event_store::sqlite_event_store(sqlite_options options,
                                       std::unique_ptr<detail::sqlite_write_side> write,
                                       std::unique_ptr<detail::sqlite_read_side> read)
    : options_(std::move(options)), write_(std::move(write)), read_(std::move(read)) {
  writer_ = std::thread{[this] { run_writer(); }};
}

sqlite_event_store::~sqlite_event_store() {
  {
    std::lock_guard<std::mutex> guard{queue_mtx_};
    stopping_ = true;
  }
  queue_cv_.notify_all();
  writer_.join();
}

bool sqlite_event_store::enqueue(job&& item) {
  size_t queued = 0;
  {
    std::lock_guard<std::mutex> guard{queue_mtx_};
    if (stopping_)
      return false;
    queue_.push_back(std::move(item));
    queued = queue_.size();
  }
  // Wake the writer when it idles (first job) or waits for a batch to fill.
  if (queued == 1 || queued >= options_.max_batch)
    queue_cv_.notify_one();
  return true;
}

void sqlite_event_store::append(std::string stream, uint64_t expected_version,
                                std::vector<event_data> events, append_callback done) {
  if (auto err = check_append(stream, events)) {
    done(std::move(err));
    return;
  }
  // Here, not on the writer thread, which every append waits for.
  drop_duplicate_tags(events);
  job item;
  item.stream = std::move(stream);
  item.expected_version = expected_version;
  item.events = std::move(events);
  item.done = std::move(done);
  // `enqueue` moves from `item` only when it queues it.
  if (!enqueue(std::move(item)))
    item.done(make_error(errc::shutting_down, "sqlite_event_store is closing"));
}

void sqlite_event_store::run_writer() {
  auto limit = options_.group_commit ? options_.max_batch : size_t{1};
  std::deque<job> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> guard{queue_mtx_};
      queue_cv_.wait(guard, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty())
        return;
      if (limit > 1 && options_.max_delay.count() > 0 && queue_.size() < limit && !stopping_) {
        auto deadline = std::chrono::steady_clock::now() + options_.max_delay;
        queue_cv_.wait_until(guard, deadline, [&] { return stopping_ || queue_.size() >= limit; });
      }
      auto n = std::min(limit, queue_.size());
      std::move(queue_.begin(), queue_.begin() + n, std::back_inserter(batch));
      queue_.erase(queue_.begin(), queue_.begin() + n);
    }
    commit_batch(batch);
    batch.clear();
  }
}

namespace {

/// The writer's metrics (docs/metrics.md), shared by every SQLite store of
/// the process.
struct writer_metrics {
  metrics::counter& appends;
  metrics::counter& events;
  metrics::counter& conflicts;
  metrics::counter& batches;
  metrics::counter& batched_jobs;
  metrics::gauge& last_batch;
  metrics::latency_histogram& commit_latency;

  static writer_metrics& get() {
    auto& reg = metrics::registry::global();
    static writer_metrics m{
        reg.counter("griddle_store_appends_total"),      reg.counter("griddle_store_events_total"),
        reg.counter("griddle_store_conflicts_total"),    reg.counter("griddle_store_batches_total"),
        reg.counter("griddle_store_batched_jobs_total"), reg.gauge("griddle_store_last_batch_jobs"),
        reg.histogram("griddle_store_commit_latency_ns")};
    return m;
  }
};

}  // namespace

void sqlite_event_store::commit_batch(std::deque<job>& batch) {
  auto& m = writer_metrics::get();
  auto started = std::chrono::steady_clock::now();
  m.batches.inc();
  m.batched_jobs.inc(batch.size());
  m.last_batch.set(static_cast<int64_t>(batch.size()));
  auto& w = *write_;
  std::vector<append_outcome> outcomes(batch.size(), append_outcome{caf::error{}});
  bool committed = false;
  auto timestamp = unix_now_ms();
  auto transaction = [&]() -> caf::error {
    if (auto err = run(w.db.get(), w.path, w.begin, "beginning a transaction"))
      return err;
    version_map versions;
    bool wrote = false;
    for (size_t i = 0; i < batch.size(); ++i) {
      auto& item = batch[i];
      auto err = item.snapshot ? write_snapshot(w, *item.snapshot)
                               : write_append(w, item.stream, item.expected_version, item.events,
                                              timestamp, versions, outcomes[i]);
      if (err)
        return err;
      wrote = wrote || item.snapshot || (outcomes[i] && !outcomes[i]->duplicate);
    }
    // A batch of conflicts and retries read committed data only: nothing to
    // make durable, so it ends without a COMMIT.
    if (!wrote)
      return run(w.db.get(), w.path, w.rollback, "ending a read-only transaction");
    committed = true;
    return run(w.db.get(), w.path, w.commit, "committing");
  };
  auto failure = transaction();
  if (failure) {
    // Undo whatever the failed transaction left; harmless when SQLite
    // already rolled it back.
    run(w.db.get(), w.path, w.rollback, "rolling back");
  } else {
    if (committed)
      transactions_.fetch_add(1, std::memory_order_relaxed);
    for (size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].snapshot)
        continue;
      if (!outcomes[i]) {
        if (is(outcomes[i].error(), errc::conflict)) {
          conflicts_.fetch_add(1, std::memory_order_relaxed);
          m.conflicts.inc();
        }
      } else if (!outcomes[i]->duplicate) {
        appends_.fetch_add(1, std::memory_order_relaxed);
        events_.fetch_add(batch[i].events.size(), std::memory_order_relaxed);
        m.appends.inc();
        m.events.inc(batch[i].events.size());
      }
    }
    if (committed)
      m.commit_latency.record(std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::steady_clock::now() - started));
    if (committed)
      publish(batch, outcomes, timestamp);
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    auto& item = batch[i];
    if (item.snapshot)
      item.snapshot_saved(failure);
    else if (failure)
      item.done(failure);
    else
      item.done(std::move(outcomes[i]));
  }
}

void sqlite_event_store::publish(std::deque<job>& batch,
                                 const std::vector<append_outcome>& outcomes,
                                 int64_t timestamp_ms) {
  std::lock_guard<std::mutex> guard{listener_mtx_};
  if (!listener_)
    return;
  // The batch's appends were written in queue order, so their positions
  // ascend without gaps; the jobs' events are not needed after this.
  std::vector<recorded_event> events;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].snapshot || !outcomes[i] || outcomes[i]->duplicate)
      continue;
    auto& item = batch[i];
    const auto& result = *outcomes[i];
    auto first_version = result.version - item.events.size() + 1;
    for (size_t k = 0; k < item.events.size(); ++k) {
      auto& ev = item.events[k];
      recorded_event rec;
      rec.position = result.first_position + k;
      rec.stream = item.stream;
      rec.version = first_version + k;
      rec.type = std::move(ev.type);
      rec.schema_version = ev.schema_version;
      rec.timestamp_ms = timestamp_ms;
      rec.payload = std::move(ev.payload);
      rec.event_id = std::move(ev.event_id);
      rec.tags = std::move(ev.tags);
      events.push_back(std::move(rec));
    }
  }
  if (!events.empty())
    listener_(std::move(events));
}

void sqlite_event_store::set_commit_listener(commit_listener listener) {
  std::lock_guard<std::mutex> guard{listener_mtx_};
  listener_ = std::move(listener);
}

// -- reads --------------------------------------------------------------------

caf::expected<std::vector<recorded_event>> sqlite_event_store::read_stream(
    const std::string& stream, uint64_t from_version, size_t max) {
  if (max == 0)
    return std::vector<recorded_event>{};
  std::lock_guard<std::mutex> guard{read_mtx_};
  stmt_use use{read_->read_stream};
  bind_text(use.get(), 1, stream);
  bind_u64(use.get(), 2, from_version);
  bind_u64(use.get(), 3, max);
  return collect_events(*read_, use.get());
}

caf::expected<std::vector<recorded_event>> sqlite_event_store::read_all(uint64_t from_position,
                                                                        size_t max) {
  if (max == 0)
    return std::vector<recorded_event>{};
  std::lock_guard<std::mutex> guard{read_mtx_};
  stmt_use use{read_->read_all};
  bind_u64(use.get(), 1, from_position);
  bind_u64(use.get(), 2, max);
  return collect_events(*read_, use.get());
}

caf::expected<std::vector<recorded_event>> sqlite_event_store::read_tagged(const std::string& tag,
                                                                           uint64_t from_position,
                                                                           size_t max) {
  if (max == 0)
    return std::vector<recorded_event>{};
  std::lock_guard<std::mutex> guard{read_mtx_};
  stmt_use use{read_->read_tagged};
  bind_text(use.get(), 1, tag);
  bind_u64(use.get(), 2, from_position);
  bind_u64(use.get(), 3, max);
  return collect_events(*read_, use.get());
}

caf::expected<uint64_t> sqlite_event_store::stream_version(const std::string& stream) {
  std::lock_guard<std::mutex> guard{read_mtx_};
  stmt_use use{read_->stream_version};
  bind_text(use.get(), 1, stream);
  auto rc = sqlite3_step(use.get());
  if (rc == SQLITE_ROW)
    return column_u64(use.get(), 0);
  if (rc == SQLITE_DONE)
    return uint64_t{0};
  return fail(read_->db.get(), read_->path, "reading a stream version");
}

caf::error sqlite_event_store::save_snapshot(const stream_snapshot& snapshot) {
  // Shared: the writer may still be inside set_value when get() returns.
  auto saved = std::make_shared<std::promise<caf::error>>();
  auto result = saved->get_future();
  save_snapshot_async(snapshot, [saved](caf::error err) { saved->set_value(std::move(err)); });
  return result.get();
}

void sqlite_event_store::save_snapshot_async(stream_snapshot snapshot,
                                             std::function<void(caf::error)> done) {
  if (!done)
    done = [](caf::error) {};
  if (snapshot.stream.empty()) {
    done(make_error(errc::invalid_argument, "save_snapshot: empty stream name"));
    return;
  }
  job item;
  item.snapshot = std::move(snapshot);
  item.snapshot_saved = std::move(done);
  // `enqueue` moves from `item` only when it queues it.
  if (!enqueue(std::move(item)))
    item.snapshot_saved(make_error(errc::shutting_down, "sqlite_event_store is closing"));
}

caf::expected<std::optional<stream_snapshot>> sqlite_event_store::load_snapshot(
    const std::string& stream) {
  std::lock_guard<std::mutex> guard{read_mtx_};
  stmt_use use{read_->load_snapshot};
  bind_text(use.get(), 1, stream);
  auto rc = sqlite3_step(use.get());
  if (rc == SQLITE_DONE)
    return std::optional<stream_snapshot>{};
  if (rc != SQLITE_ROW)
    return fail(read_->db.get(), read_->path, "loading a snapshot");
  stream_snapshot result;
  result.stream = stream;
  result.version = column_u64(use.get(), 0);
  result.data = column_string(use.get(), 1);
  return std::optional<stream_snapshot>{std::move(result)};
}

store_stats sqlite_event_store::stats() const {
  store_stats result;
  result.appends = appends_.load(std::memory_order_relaxed);
  result.events = events_.load(std::memory_order_relaxed);
  result.transactions = transactions_.load(std::memory_order_relaxed);
  result.conflicts = conflicts_.load(std::memory_order_relaxed);
  return result;
}

}  // namespace griddle::store
