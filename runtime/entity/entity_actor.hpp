// The actor that runs one activation of an entity: the application's
// behaviour plus the runtime's handlers for peek and passivation.
//
// Life cycle: spawned by its type's host once the stored state is loaded;
// answers messages; on `passivate` it saves its snapshot and turns into a
// forwarder that hands any message still reaching it back to the host, and
// terminates when nobody references it or when the host tells it a second time. An exception in a
// handler fails the current request with `errc::entity_crashed` and terminates the actor with that
// error, which the host treats as a crash.
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <memory>

#include <caf/event_based_actor.hpp>

#include "runtime/entity/entity_type.hpp"
#include "runtime/metrics/histogram.hpp"
#include "runtime/rollout/rollout_stats.hpp"

namespace griddle::entity {

/// What the host shares with one activation. Owned by the host; outlives the
/// activation (the host drops it only after the activation's down message).
struct activation_record {
  /// Time of the last handled application message, in clock ticks since epoch.
  std::atomic<int64_t> last_active{0};
  /// Application messages handled, their total and largest handling time,
  /// and the mailbox length after the last one (the admin API's `actors`).
  /// Written by the activation only; read by the host.
  std::atomic<uint64_t> messages{0};
  std::atomic<uint64_t> busy_ns{0};
  std::atomic<uint32_t> max_us{0};
  std::atomic<uint32_t> mailbox{0};
};

/// Everything an activation needs at spawn time.
struct activation_args {
  entity_ref ref;
  std::unique_ptr<entity_behavior> behavior;
  activation_record* record = nullptr;
  caf::actor host;
  caf::actor store;
  entity_router* router = nullptr;
  metrics::latency_histogram* latency = nullptr;
  /// The entity's type (owned by the type registry): its `redact`, applied to
  /// peeks and inspections, and where snapshots go.
  const entity_type* type = nullptr;
  /// The behaviour version this activation runs: the type's `version` or one
  /// of its `versions[i].name` (owned by the registry). Its snapshots go to
  /// `snapshot_ref(*type, *version, key)`.
  const std::string* version = nullptr;
  /// A ghost or stable copy: writes nothing, publishes nothing, and its
  /// store and router capture what it sends (sandbox_store.hpp).
  bool sandboxed = false;

  /// What a rollout needs of an activation (runtime/rollout); allocated only
  /// for the activations a rollout involves, so an idle entity stays small.
  struct rollout_part {
    /// Set while a mirror compares this activation's effects.
    std::shared_ptr<rollout::effect_log> effects;
    /// Set during a ramp: each handled message is counted for the guard, on
    /// the candidate's side when `candidate`.
    std::shared_ptr<rollout::rollout_stats> tally;
    bool candidate = false;
  };
  std::unique_ptr<rollout_part> rollout;

  rollout::effect_log* effects() const noexcept {
    return rollout ? rollout->effects.get() : nullptr;
  }
  rollout::rollout_stats* tally() const noexcept {
    return rollout ? rollout->tally.get() : nullptr;
  }
};

class entity_actor : public caf::event_based_actor, public entity_context {
 public:
  entity_actor(caf::actor_config& cfg, activation_args args);

  // -- entity_context ---------------------------------------------------------

  const entity_ref& ref() const override { return args_.ref; }
  caf::event_based_actor* self() override { return this; }
  entity_router& router() override { return *args_.router; }
  const caf::actor& store() override { return args_.store; }
  void persist() override;
  view_board* views() override;
  rollout::effect_log* effects() override { return args_.effects(); }
  std::string_view arm_of(std::string_view experiment) const override;

  const char* name() const override { return "griddle.entity"; }

  /// Drops the handles an ended activation no longer needs: its object may
  /// outlive it (a pending time-out references it) and must not keep the
  /// host or the store alive meanwhile.
  void on_exit() override;

 protected:
  caf::behavior make_behavior() override;

 private:
  friend class entity_behavior_impl;

  /// Saves the snapshot and forwards everything that still arrives to the host.
  void become_forwarder();

  /// Notes one handled application message: statistics, history, trace.
  void handled(const caf::type_erased_tuple& xs, int64_t end_ns, uint64_t ns, bool failed);

  /// Sends one handled message to the trace in progress.
  void trace(const caf::type_erased_tuple& xs, int64_t end_ns, uint64_t ns, bool failed);

  /// The admin API's view of this activation, as JSON text.
  std::string inspect_json();

  /// One message handled recently, for `inspect`; 16 bytes, as every
  /// active entity keeps `history_size` of them.
  struct history_entry {
    /// The message's first element when it is an atom, else 0.
    uint64_t atom = 0;
    /// When it ended, in milliseconds of the actor clock modulo 2^32.
    uint32_t at_ms = 0;
    /// Handling time in microseconds; the top bit is set when it failed.
    uint32_t latency_us = 0;
  };
  static constexpr size_t history_size = 4;

  /// A trace in progress (admin API); allocated only while one runs.
  struct trace_state {
    caf::actor tracer;
    uint32_t left = 0;
    uint32_t skipped = 0;
    int64_t last_ns = 0;
  };

  activation_args args_;
  /// The arms of the message being handled (request_arms.hpp); points into
  /// that message, so only valid while its handler runs.
  const std::string* arms_ = nullptr;
  /// The last `history_size` messages, oldest overwritten first.
  std::array<history_entry, history_size> history_{};
  uint32_t history_next_ = 0;
  std::unique_ptr<trace_state> trace_;
};

}  // namespace griddle::entity
