// What one activation did while handling mirrored messages, beyond its
// reply: the events it appended and the messages it sent to other entities
// through the router while a handler ran (live: performed; ghost: captured by
// the sandbox instead). Each effect carries the sequence number of the mirrored
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
  /// The log of the activation whose handler runs on this thread, if a
  /// mirror compares its effects (set by effect_scope); else null.
  static effect_log* active() noexcept;

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

/// Makes `log` the thread's active log for the scope's lifetime (one message
/// handler), so that what the handler sends through the entity router is
/// recorded as a "message" effect. Nests; a null log records nothing.
class effect_scope {
 public:
  explicit effect_scope(effect_log* log) noexcept;
  ~effect_scope();
  effect_scope(const effect_scope&) = delete;
  effect_scope& operator=(const effect_scope&) = delete;

 private:
  effect_log* outer_;
};

}  // namespace griddle::rollout
