// The live flag set of a process, for evaluation on hot paths: readers take
// an immutable snapshot (a shared pointer copy) and evaluate it lock-free for
// as long as they like; writers publish a whole new set.
//
// Thread-safe. A reader holds the table's lock only to copy one pointer; a
// superseded set is destroyed outside the lock, by whoever drops the last
// snapshot of it. `apply` serialises writers so concurrent changes compose.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "runtime/flags/flag_set.hpp"

namespace griddle::flags {

class flag_table {
 public:
  /// Starts with an empty set.
  flag_table();

  explicit flag_table(flag_set initial);

  flag_table(const flag_table&) = delete;
  flag_table& operator=(const flag_table&) = delete;

  /// The current set; never null. Stays valid and unchanged while held.
  std::shared_ptr<const flag_set> snapshot() const;

  /// Publishes `next` (null means an empty set).
  void replace(std::shared_ptr<const flag_set> next);

  /// Publishes `next`.
  void replace(flag_set next);

  /// Copies the current set, runs `change` on the copy and publishes it;
  /// when `change` throws, nothing is published and the exception propagates.
  /// Writers calling `apply` run one at a time, so no change is lost.
  void apply(const std::function<void(flag_set&)>& change);

 private:
  /// Serialises `apply` (and `replace`, so it cannot interleave with one).
  std::mutex write_mtx_;
  /// Guards `current_` only for the length of a pointer copy or swap.
  mutable std::mutex read_mtx_;
  std::shared_ptr<const flag_set> current_;
};

}  // namespace griddle::flags
