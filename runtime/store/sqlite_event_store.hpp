// The SQLite back end of the event store: one database file in WAL mode,
// schema created and migrated on open (see sqlite_schema.hpp).
//
// Writes: a dedicated writer thread owns the only write connection. `append`
// enqueues and returns; the writer takes up to `max_batch` queued appends and
// runs them in one transaction (group commit). It starts as soon as an append
// is queued: appends that arrive during a COMMIT form the next batch, so
// batches grow with load without a timer. A nonzero `max_delay` makes it wait
// up to that long for a batch to fill instead. Each append is checked on its
// own, so a conflicting append fails alone; callbacks run on the writer thread after
// COMMIT returns. Snapshots also go through the writer thread: a snapshot
// job joins the next transaction (`save_snapshot_async` returns at once,
// `save_snapshot` blocks until the commit), so the file has exactly one
// writer and no connection ever waits on another for the lock. Jobs run in
// queue order, so saves of one stream apply in call order.
//
// Commit feed: after each COMMIT that wrote events, the writer thread calls
// the commit listener (when one is set) with them, before the callbacks of
// that transaction's appends. The events are built from the queued appends,
// not read back, and only while a listener is set.
//
// Reads use a second connection guarded by a mutex; WAL lets it read while
// the writer writes, and every read sees a committed prefix of the log.
//
// Durability: with the default `synchronous = full`, SQLite syncs the WAL on
// every COMMIT, so an acknowledged append survives kill -9 and power loss.
// `normal` survives kill -9 but may lose the last commits on power loss.
//
// Destruction stops accepting appends (later ones fail with
// `errc::shutting_down`), answers every queued append, joins the writer and
// closes both connections.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <caf/expected.hpp>

#include "runtime/store/event_store.hpp"

namespace griddle::store {

/// SQLite's `PRAGMA synchronous` levels.
enum class sqlite_synchronous { off, normal, full, extra };

struct sqlite_options {
  /// The database file; created when missing.
  std::string path;
  /// Run many queued appends in one transaction; off means one per append.
  bool group_commit = true;
  /// Most appends in one transaction.
  size_t max_batch = 256;
  /// How long the writer waits for a batch to fill once the first append is
  /// queued; 0 (the default) starts at once with whatever is queued.
  std::chrono::microseconds max_delay{0};
  /// `full` (the default) survives kill -9 and power loss; see above.
  sqlite_synchronous synchronous = sqlite_synchronous::full;
  /// How long a connection waits for a lock another process holds.
  std::chrono::milliseconds busy_timeout = std::chrono::seconds{5};
};

namespace detail {
struct sqlite_write_side;
struct sqlite_read_side;
}  // namespace detail

class sqlite_event_store final : public event_store {
 public:
  /// Opens (creating and migrating when needed) the database at
  /// `options.path` and starts the writer thread.
  static caf::expected<std::unique_ptr<sqlite_event_store>> open(sqlite_options options);

  ~sqlite_event_store() override;

  sqlite_event_store(const sqlite_event_store&) = delete;
  sqlite_event_store& operator=(const sqlite_event_store&) = delete;

  // -- event_store ------------------------------------------------------------

  /// `done` must not throw; it runs on the writer thread.
  void append(std::string stream, uint64_t expected_version, std::vector<event_data> events,
              append_callback done) override;

  caf::expected<std::vector<recorded_event>> read_stream(const std::string& stream,
                                                         uint64_t from_version,
                                                         size_t max) override;

  caf::expected<std::vector<recorded_event>> read_all(uint64_t from_position, size_t max) override;

  caf::expected<std::vector<recorded_event>> read_tagged(const std::string& tag,
                                                         uint64_t from_position,
                                                         size_t max) override;

  caf::expected<uint64_t> stream_version(const std::string& stream) override;

  /// Blocks until the writer has committed the snapshot; must not be called
  /// on the writer thread (from a callback or the commit listener).
  caf::error save_snapshot(const stream_snapshot& snapshot) override;

  /// Queues the snapshot for the writer's next transaction; `done` runs on
  /// the writer thread after its COMMIT (or on the caller's thread with
  /// `errc::shutting_down` once the store is closing). Snapshots queued
  /// before destruction are still written.
  void save_snapshot_async(stream_snapshot snapshot, std::function<void(caf::error)> done) override;

  caf::expected<std::optional<stream_snapshot>> load_snapshot(const std::string& stream) override;

  /// Waits for a running call of the previous listener to return.
  void set_commit_listener(commit_listener listener) override;

  /// `appends` and `events`: what was written (retries and refused appends
  /// are not counted); `transactions`: COMMITs executed. A batch that writes
  /// nothing (only conflicts and retries) ends without a COMMIT.
  store_stats stats() const override;

  const sqlite_options& options() const noexcept { return options_; }

 private:
  /// One unit of work for the writer: an append, or a snapshot when
  /// `snapshot` is set.
  struct job {
    std::string stream;
    uint64_t expected_version = 0;
    std::vector<event_data> events;
    append_callback done;
    std::optional<stream_snapshot> snapshot;
    std::function<void(caf::error)> snapshot_saved;
  };

  sqlite_event_store(sqlite_options options, std::unique_ptr<detail::sqlite_write_side> writer,
                     std::unique_ptr<detail::sqlite_read_side> reader);

  /// False when the store is shutting down and `item` was not queued.
  bool enqueue(job&& item);
  void run_writer();
  void commit_batch(std::deque<job>& batch);
  /// Hands the events `batch` wrote (`outcomes` says which) to the listener.
  void publish(std::deque<job>& batch, const std::vector<caf::expected<append_result>>& outcomes,
               int64_t timestamp_ms);

  sqlite_options options_;
  std::unique_ptr<detail::sqlite_write_side> write_;
  std::unique_ptr<detail::sqlite_read_side> read_;

  std::mutex read_mtx_;

  /// Guards `listener_`; the writer holds it while it calls the listener.
  std::mutex listener_mtx_;
  commit_listener listener_;

  std::mutex queue_mtx_;
  std::condition_variable queue_cv_;
  std::deque<job> queue_;
  bool stopping_ = false;

  std::atomic<uint64_t> appends_{0};
  std::atomic<uint64_t> events_{0};
  std::atomic<uint64_t> transactions_{0};
  std::atomic<uint64_t> conflicts_{0};

  std::thread writer_;
};

}  // namespace griddle::store
