// Event-sourced entities: the state of an entity is the fold of its stream of
// events. A command is validated against the state, its events are appended
// to the entity's stream (named `type/key`, e.g. "user/42"), and only once the
// store has acknowledged them durably are they applied and the command
// answered. While an append is in flight the entity handles nothing else, so
// every command sees the state its predecessors left and versions never race.
//
// Activation: the factory's stored state is the entity's latest snapshot
// (JSON `{"v": version, "s": state}`); `make_behavior` loads it and replays
// the events written after it before the first message is handled. Snapshots
// are written on passivation and every `snapshot_every` events, so replay
// stays short.
//
// Failure: when an append fails the command is answered with the error and
// the activation ends with it (the outcome of a timed-out append is unknown,
// and a conflict means another writer moved the stream): its supervisor
// restarts it from the store.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/result.hpp>
#include <caf/timespan.hpp>
#include <nlohmann/json.hpp>

#include "runtime/entity/entity_type.hpp"
#include "runtime/store/event_store.hpp"

namespace griddle::entity {

/// How long an entity waits for the event store before it gives up.
constexpr caf::timespan event_store_timeout = std::chrono::seconds(10);

/// Events read per request while an entity or projection catches up.
constexpr uint64_t replay_page_size = 512;

/// An event a command decided on, before the store records it.
struct new_event {
  std::string type;
  nlohmann::json data;
  /// Keys of the other entities the event concerns (see `event_data::tags`).
  std::vector<std::string> tags;
  uint32_t schema_version = 1;
};

/// The event as the store takes it (payload rendered as JSON text).
store::event_data to_event_data(const new_event& ev);

/// Base of an event-sourced entity's behaviour; the application derives from
/// it and implements the four hooks.
class event_sourced_behavior : public entity_behavior {
 public:
  explicit event_sourced_behavior(const stored_state& st);

  // -- written by the application ---------------------------------------------

  /// Applies one recorded event to the state. Must accept every event this
  /// type has ever emitted; must not fail.
  virtual void apply(const store::recorded_event& ev, const nlohmann::json& data) = 0;

  /// The state as JSON, for snapshots.
  virtual nlohmann::json save_state() const = 0;

  /// Restores the state from `save_state()`'s output.
  virtual void load_state(const nlohmann::json& state) = 0;

  /// The command and query handlers.
  virtual caf::behavior handlers(entity_context& ctx) = 0;

  // -- for handlers -----------------------------------------------------------

  /// Appends `events` (none: answers at once), applies them once durable and
  /// answers with `answer()` evaluated on the new state. Return its result
  /// from the handler.
  template <class T>
  caf::result<T> commit(std::vector<new_event> events, std::function<T()> answer) {
    auto rp = ctx_->self()->make_response_promise<T>();
    append(std::move(events), [rp, answer = std::move(answer)](const caf::error& err) mutable {
      if (err)
        rp.deliver(err);
      else
        rp.deliver(answer());
    });
    return rp;
  }

  /// Appends `events` and calls `done` after they are applied (or with the
  /// error). Later messages wait until then.
  void append(std::vector<new_event> events, std::function<void(const caf::error&)> done);

  /// The stream version the state reflects: the number of events applied.
  uint64_t version() const noexcept { return version_; }

  /// The activation's context; valid once `handlers` has been called.
  entity_context& context() const noexcept { return *ctx_; }

  /// Write a snapshot after this many events (0: only on passivation).
  void snapshot_every(uint64_t n) noexcept { snapshot_every_ = n; }

  // -- entity_behavior ---------------------------------------------------------

  caf::behavior make_behavior(entity_context& ctx) final;
  std::string snapshot() const final;
  bool needs_save() const final { return version_ != saved_version_; }
  void saved() final { saved_version_ = version_; }

 private:
  void replay_from(uint64_t from_version);
  void applied(uint64_t count);

  std::string stream_;
  std::string stored_;
  bool found_ = false;
  uint64_t version_ = 0;
  /// The version of the newest snapshot written or loaded.
  uint64_t saved_version_ = 0;
  uint64_t snapshot_every_ = 200;
  uint64_t since_snapshot_ = 0;
  entity_context* ctx_ = nullptr;
};

}  // namespace griddle::entity
