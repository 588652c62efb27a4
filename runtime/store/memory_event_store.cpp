#include "runtime/store/memory_event_store.hpp"

#include <algorithm>
#include <utility>

#include "runtime/errc.hpp"
#include "runtime/store/detail/event_tags.hpp"

namespace griddle::store {

void memory_event_store::append(std::string stream, uint64_t expected_version,
                                std::vector<event_data> events, append_callback done) {
  detail::drop_duplicate_tags(events);
  caf::expected<append_result> result{append_result{}};
  {
    std::lock_guard<std::mutex> guard{mtx_};
    result = append_locked(stream, expected_version, events);
  }
  // Outside the lock, so the callback may use the store.
  done(std::move(result));
}

caf::expected<append_result> memory_event_store::append_locked(const std::string& stream,
                                                               uint64_t expected_version,
                                                               std::vector<event_data>& events) {
  if (auto err = check_append(stream, events))
    return err;
  auto found = streams_.find(stream);
  // A retry is recognised before the version check: the retried append
  // carries the expected version the original one already advanced.
  if (found != streams_.end() && !events.front().event_id.empty()) {
    const auto& results = found->second.results_by_event_id;
    auto i = results.find(events.front().event_id);
    if (i != results.end()) {
      auto original = i->second;
      original.duplicate = true;
      return original;
    }
  }
  uint64_t current = found == streams_.end() ? 0 : found->second.positions.size();
  if (auto err = check_expected_version(stream, expected_version, current)) {
    ++stats_.conflicts;
    return err;
  }
  auto& state = found == streams_.end() ? streams_[stream] : found->second;
  last_timestamp_ms_ = std::max(last_timestamp_ms_, unix_now_ms());
  append_result result;
  result.first_position = log_.size() + 1;
  for (auto& ev : events) {
    recorded_event rec;
    rec.position = log_.size() + 1;
    rec.stream = stream;
    rec.version = state.positions.size() + 1;
    rec.type = std::move(ev.type);
    rec.schema_version = ev.schema_version;
    rec.timestamp_ms = last_timestamp_ms_;
    rec.payload = std::move(ev.payload);
    rec.event_id = std::move(ev.event_id);
    rec.tags = std::move(ev.tags);
    for (const auto& tag : rec.tags)
      positions_by_tag_[tag].push_back(rec.position);
    state.positions.push_back(log_.size());
    log_.push_back(std::move(rec));
  }
  result.last_position = log_.size();
  result.version = state.positions.size();
  for (auto i = result.first_position; i <= result.last_position; ++i) {
    const auto& id = log_[i - 1].event_id;
    if (!id.empty())
      state.results_by_event_id.emplace(id, result);
  }
  ++stats_.appends;
  ++stats_.transactions;
  stats_.events += events.size();
  // Under the lock, so listener calls follow the commit order.
  if (listener_)
    listener_(std::vector<recorded_event>(log_.begin() + (result.first_position - 1),
                                          log_.begin() + result.last_position));
  return result;
}

caf::expected<std::vector<recorded_event>> memory_event_store::read_stream(
    const std::string& stream, uint64_t from_version, size_t max) {
  if (stream.empty())
    return make_error(errc::invalid_argument, "read_stream: empty stream name");
  std::lock_guard<std::mutex> guard{mtx_};
  std::vector<recorded_event> result;
  auto i = streams_.find(stream);
  if (i == streams_.end())
    return result;
  const auto& positions = i->second.positions;
  for (auto v = std::max<uint64_t>(from_version, 1); v <= positions.size() && result.size() < max;
       ++v)
    result.push_back(log_[positions[v - 1]]);
  return result;
}

caf::expected<std::vector<recorded_event>> memory_event_store::read_all(uint64_t from_position,
                                                                        size_t max) {
  std::lock_guard<std::mutex> guard{mtx_};
  std::vector<recorded_event> result;
  for (auto p = std::max<uint64_t>(from_position, 1); p <= log_.size() && result.size() < max; ++p)
    result.push_back(log_[p - 1]);
  return result;
}

caf::expected<std::vector<recorded_event>> memory_event_store::read_tagged(const std::string& tag,
                                                                           uint64_t from_position,
                                                                           size_t max) {
  std::lock_guard<std::mutex> guard{mtx_};
  std::vector<recorded_event> result;
  auto i = positions_by_tag_.find(tag);
  if (i == positions_by_tag_.end())
    return result;
  const auto& positions = i->second;
  auto first = std::lower_bound(positions.begin(), positions.end(), from_position);
  for (auto p = first; p != positions.end() && result.size() < max; ++p)
    result.push_back(log_[*p - 1]);
  return result;
}

caf::expected<uint64_t> memory_event_store::stream_version(const std::string& stream) {
  if (stream.empty())
    return make_error(errc::invalid_argument, "stream_version: empty stream name");
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = streams_.find(stream);
  return i == streams_.end() ? uint64_t{0} : uint64_t{i->second.positions.size()};
}

caf::error memory_event_store::save_snapshot(const stream_snapshot& snapshot) {
  if (snapshot.stream.empty())
    return make_error(errc::invalid_argument, "save_snapshot: empty stream name");
  std::lock_guard<std::mutex> guard{mtx_};
  snapshots_[snapshot.stream] = snapshot;
  return caf::none;
}

void memory_event_store::save_snapshot_async(stream_snapshot snapshot,
                                             std::function<void(caf::error)> done) {
  caf::error err;
  if (snapshot.stream.empty()) {
    err = make_error(errc::invalid_argument, "save_snapshot: empty stream name");
  } else {
    std::lock_guard<std::mutex> guard{mtx_};
    auto key = snapshot.stream;
    snapshots_[key] = std::move(snapshot);
  }
  if (done)
    done(std::move(err));
}

caf::expected<std::optional<stream_snapshot>> memory_event_store::load_snapshot(
    const std::string& stream) {
  if (stream.empty())
    return make_error(errc::invalid_argument, "load_snapshot: empty stream name");
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = snapshots_.find(stream);
  if (i == snapshots_.end())
    return std::optional<stream_snapshot>{};
  return std::optional<stream_snapshot>{i->second};
}

void memory_event_store::set_commit_listener(commit_listener listener) {
  std::lock_guard<std::mutex> guard{mtx_};
  listener_ = std::move(listener);
}

store_stats memory_event_store::stats() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return stats_;
}

}  // namespace griddle::store
