// The in-memory event store: every stream, the global log and the snapshots
// live in process memory behind one mutex, for tests and for nodes that run
// without durability. Nothing survives the object.
//
// Durability: none. An append is acknowledged once its events are in memory.
// Threading: every member may be called from any thread. `append` and
// `save_snapshot_async` do their work synchronously and run `done` on the
// caller's thread before returning (the caller's thread is "a thread of the
// store" for this back end), after the lock is released, so `done` may call
// back into the store. The commit listener runs on the appending thread while
// the lock is held, so its calls are ordered like the commits.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/store/event_store.hpp"

namespace griddle::store {

class memory_event_store : public event_store {
 public:
  memory_event_store() = default;
  memory_event_store(const memory_event_store&) = delete;
  memory_event_store& operator=(const memory_event_store&) = delete;

  // -- event_store ----------------------------------------------------------

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

  caf::error save_snapshot(const stream_snapshot& snapshot) override;

  void save_snapshot_async(stream_snapshot snapshot, std::function<void(caf::error)> done) override;

  caf::expected<std::optional<stream_snapshot>> load_snapshot(const std::string& stream) override;

  void set_commit_listener(commit_listener listener) override;

  store_stats stats() const override;

 private:
  struct stream_state {
    /// Indexes into `log_`, one per version: `positions[v - 1]` is version v.
    std::vector<size_t> positions;
    /// The result of the append that wrote each event ID of this stream.
    std::unordered_map<std::string, append_result> results_by_event_id;
  };

  caf::expected<append_result> append_locked(const std::string& stream, uint64_t expected_version,
                                             std::vector<event_data>& events);

  mutable std::mutex mtx_;
  /// The global log; the event at index i has position i + 1.
  std::vector<recorded_event> log_;
  std::unordered_map<std::string, stream_state> streams_;
  /// Positions of the events carrying each tag, ascending.
  std::unordered_map<std::string, std::vector<uint64_t>> positions_by_tag_;
  std::unordered_map<std::string, stream_snapshot> snapshots_;
  int64_t last_timestamp_ms_ = 0;
  commit_listener listener_;
  store_stats stats_;
};

}  // namespace griddle::store
