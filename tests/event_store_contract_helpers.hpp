// Helpers of the event store contract checks (event_store_contract.hpp and
// event_store_contract_feed.hpp): synchronous appends, reads of everything,
// a recording commit listener, waiting with a time-out.
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

}  // namespace griddle::test::contract
