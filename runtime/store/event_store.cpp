#include "runtime/store/event_store.hpp"

#include <chrono>

#include "runtime/errc.hpp"

namespace griddle::store {

caf::error check_append(const std::string& stream, const std::vector<event_data>& events) {
  if (stream.empty())
    return make_error(errc::invalid_argument, "append without a stream name");
  if (events.empty())
    return make_error(errc::invalid_argument, "append to stream '" + stream + "' has no events");
  return caf::none;
}

caf::error check_expected_version(const std::string& stream, uint64_t expected, uint64_t current) {
  if (expected == any_version || expected == current)
    return caf::none;
  auto wanted = expected == no_stream ? std::string{"0 (no stream)"} : std::to_string(expected);
  return make_error(errc::conflict, "conflict on stream '" + stream + "': expected version " +
                                        wanted + ", actual version " + std::to_string(current));
}

int64_t unix_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace griddle::store
