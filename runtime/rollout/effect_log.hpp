// What one activation did while handling mirrored messages, beyond its
// reply: the events it appended (live: performed; ghost: captured by the
// sandbox instead). Each effect carries the sequence number of the mirrored
// message being handled when it happened, so the mirror compares the
// effects of one message with the effects of the same message.
//
// Threading: the activation records, its mirror takes, on other threads;
// one mutex. Bounded: effects nobody takes (e.g. after a ghost time-out)
// fall off after `capacity`.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace griddle::rollout {

class effect_log {
 public:
  static constexpr size_t capacity = 1024;

  /// Marks the start of mirrored message `seq`; later effects belong to it.
  void begin(uint64_t seq) noexcept;

  /// Records one effect of the current message.
  void record(std::string kind, nlohmann::json detail);

  /// Removes the effects of every message up to `seq` and returns those of
  /// `seq` itself as [{"kind": ..., ...detail}].
  nlohmann::json take(uint64_t seq);

 private:
  struct entry {
    uint64_t seq;
    nlohmann::json effect;
  };

  std::mutex mtx_;
  uint64_t current_ = 0;
  std::deque<entry> entries_;
};

}  // namespace griddle::rollout
