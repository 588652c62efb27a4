#include "runtime/flags/flag_table.hpp"

#include <utility>

namespace griddle::flags {

namespace {

void publish(std::mutex& mtx, std::shared_ptr<const flag_set>& slot,
             std::shared_ptr<const flag_set> next) {
  {
    std::lock_guard<std::mutex> guard{mtx};
    slot.swap(next);
  }
  // `next` now holds the old set, released here, outside the lock.
}

}  // namespace

flag_table::flag_table() : current_(std::make_shared<const flag_set>()) {}

flag_table::flag_table(flag_set initial)
    : current_(std::make_shared<const flag_set>(std::move(initial))) {}

std::shared_ptr<const flag_set> flag_table::snapshot() const {
  std::lock_guard<std::mutex> guard{read_mtx_};
  return current_;
}

void flag_table::replace(std::shared_ptr<const flag_set> next) {
  if (next == nullptr)
    next = std::make_shared<const flag_set>();
  std::lock_guard<std::mutex> guard{write_mtx_};
  publish(read_mtx_, current_, std::move(next));
}

void flag_table::replace(flag_set next) {
  replace(std::make_shared<const flag_set>(std::move(next)));
}

void flag_table::apply(const std::function<void(flag_set&)>& change) {
  std::lock_guard<std::mutex> guard{write_mtx_};
  auto copy = std::make_shared<flag_set>(*snapshot());
  change(*copy);
  publish(read_mtx_, current_, std::move(copy));
}

}  // namespace griddle::flags
