#include "bench/seed/append_window.hpp"

#include <utility>

#include <caf/error.hpp>

namespace griddle::bench {

bool append_window::append(seed_append&& x) {
  {
    std::unique_lock<std::mutex> guard{mtx_};
    cv_.wait(guard, [this] { return in_flight_ < limit_ || !failure_.empty(); });
    if (!failure_.empty())
      return false;
    ++in_flight_;
  }
  auto count = x.events.size();
  auto stream = x.stream;  // for the error message; x.stream moves into the store
  // Called without the lock: the in-memory store answers on this thread.
  store_.append(
      std::move(x.stream), x.expected_version, std::move(x.events),
      [this, count, stream = std::move(stream)](caf::expected<store::append_result> result) {
        std::lock_guard<std::mutex> guard{mtx_};
        if (result)
          acknowledged_ += count;
        else if (failure_.empty())
          failure_ = "append to " + stream + ": " + caf::to_string(result.error());
        --in_flight_;
        cv_.notify_all();
      });
  return true;
}

std::string append_window::finish() {
  std::unique_lock<std::mutex> guard{mtx_};
  cv_.wait(guard, [this] { return in_flight_ == 0; });
  return failure_;
}

}  // namespace griddle::bench
