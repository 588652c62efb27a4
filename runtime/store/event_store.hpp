// The event store: append-only streams of events with optimistic concurrency,
// a global log in commit order, and one snapshot per stream. Entities append
// their events here and apply them only once an append is acknowledged.
//
// Guarantees every back end gives (tests/event_store_contract.hpp):
// - An append is acknowledged (its callback runs with a result) only after
//   its events are durable to the degree the back end documents.
// - Appends to one stream are serialised: an append whose expected version is
//   not the stream's current version fails with `errc::conflict` and writes
//   nothing.
// - An append whose first event carries an `event_id` that the stream already
//   holds is a retry: it writes nothing and answers with the original result
//   (`duplicate` set), so a client may retry after a time-out safely.
// - Global positions start at 1 and increase by one per event in commit
//   order; stream versions start at 1 and increase by one per event.
// - An append without events or with an empty stream name fails with
//   `errc::invalid_argument`.
//
// Threading: every member may be called from any thread. `append` never
// blocks on I/O; reads and snapshots do, so call them off the CAF scheduler
// and I/O threads (the store's actor wrapper does).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

namespace griddle::store {

/// An event as an entity hands it to the store.
struct event_data {
  /// The event's type name, e.g. "user_registered".
  std::string type;
  /// Version of the payload's schema for this type.
  uint32_t schema_version = 1;
  /// JSON text.
  std::string payload;
  /// Unique per stream when set; makes a retried append harmless.
  std::string event_id;
  /// Keys of the entities this event concerns beyond its own stream (e.g. the
  /// user who was liked). `read_tagged` finds events by tag, so a projection
  /// keyed by a user can catch up on exactly the events about that user.
  /// A tag repeated on one event is stored once, where it first occurs.
  std::vector<std::string> tags;
};

/// An event as the store recorded it.
struct recorded_event {
  uint64_t position = 0;
  std::string stream;
  uint64_t version = 0;
  std::string type;
  uint32_t schema_version = 1;
  /// Unix time of the commit in milliseconds.
  int64_t timestamp_ms = 0;
  std::string payload;
  std::string event_id;
  std::vector<std::string> tags;
};

/// The latest snapshot of a stream: the state after event `version`.
struct stream_snapshot {
  std::string stream;
  uint64_t version = 0;
  std::string data;
};

/// What an acknowledged append did.
struct append_result {
  /// Global position of the first and last event written.
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  /// The stream's version after the append.
  uint64_t version = 0;
  /// True when the append was recognised as a retry and wrote nothing.
  bool duplicate = false;
};

/// Counters a back end keeps about itself.
struct store_stats {
  uint64_t appends = 0;
  uint64_t events = 0;
  uint64_t transactions = 0;
  uint64_t conflicts = 0;
};

/// Expected version for a stream that must not exist yet.
constexpr uint64_t no_stream = 0;
/// Expected version that accepts any current version.
constexpr uint64_t any_version = UINT64_MAX;

// -- checks every back end makes the same way ---------------------------------

/// `errc::invalid_argument` for an empty stream name or no events, else none.
caf::error check_append(const std::string& stream, const std::vector<event_data>& events);

/// `errc::conflict` naming the stream and both versions when `current` is not
/// what `expected` asks for (`any_version` accepts every version), else none.
caf::error check_expected_version(const std::string& stream, uint64_t expected, uint64_t current);

/// Unix time in milliseconds, for `recorded_event::timestamp_ms`.
int64_t unix_now_ms();

class event_store {
 public:
  using append_callback = std::function<void(caf::expected<append_result>)>;

  /// Receives the events of each commit, in position order.
  using commit_listener = std::function<void(std::vector<recorded_event>)>;

  virtual ~event_store() = default;

  /// Appends `events` (at least one) to `stream` if its current version is
  /// `expected_version`. `done` runs exactly once, on a thread of the store,
  /// after the events are durable or with the error that prevented it.
  virtual void append(std::string stream, uint64_t expected_version, std::vector<event_data> events,
                      append_callback done) = 0;

  /// Events of `stream` with version >= `from_version`, at most `max`, in order.
  virtual caf::expected<std::vector<recorded_event>> read_stream(const std::string& stream,
                                                                 uint64_t from_version,
                                                                 size_t max) = 0;

  /// Events of all streams with position >= `from_position`, at most `max`.
  virtual caf::expected<std::vector<recorded_event>> read_all(uint64_t from_position,
                                                              size_t max) = 0;

  /// Events carrying `tag` with position >= `from_position`, at most `max`,
  /// in position order.
  virtual caf::expected<std::vector<recorded_event>> read_tagged(const std::string& tag,
                                                                 uint64_t from_position,
                                                                 size_t max) = 0;

  /// The stream's current version; 0 when it has no events.
  virtual caf::expected<uint64_t> stream_version(const std::string& stream) = 0;

  /// Replaces the stream's snapshot.
  virtual caf::error save_snapshot(const stream_snapshot& snapshot) = 0;

  /// Replaces the stream's snapshot without waiting; `done` (may be empty)
  /// runs once on a thread of the store when it is durable or has failed.
  /// Saves of one stream are applied in call order.
  virtual void save_snapshot_async(stream_snapshot snapshot,
                                   std::function<void(caf::error)> done) = 0;

  /// The stream's latest snapshot, if any.
  virtual caf::expected<std::optional<stream_snapshot>> load_snapshot(
      const std::string& stream) = 0;

  /// Installs the one listener that sees every committed event: it is called
  /// after each commit (on a thread of the store, never concurrently with
  /// itself) with that commit's events, and successive calls carry
  /// increasing positions without gaps. Refused appends and recognised
  /// retries write nothing and produce no call. Set it before the first
  /// append: events committed earlier are not replayed. An empty function
  /// removes it. It must not call back into the store.
  virtual void set_commit_listener(commit_listener listener) = 0;

  virtual store_stats stats() const = 0;
};

}  // namespace griddle::store
