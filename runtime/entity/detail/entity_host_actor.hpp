// The actor behind `spawn_entity_host` (see entity_host.hpp for what it
// guarantees). Split over entity_host.cpp (message paths, activation) and
// entity_host_lifecycle.cpp (passivation, crashes, ordered stop).
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <caf/event_based_actor.hpp>

#include "runtime/entity/entity_actor.hpp"
#include "runtime/entity/entity_directory.hpp"
#include "runtime/entity/entity_host.hpp"
#include "runtime/metrics/registry.hpp"
#include "runtime/supervision/restart_tracker.hpp"

namespace griddle::entity::detail {

class entity_host_actor : public caf::event_based_actor {
 public:
  entity_host_actor(caf::actor_config& cfg, const entity_type& type, entity_router& router,
                    caf::actor store, host_options opts);

  const char* name() const override { return "griddle.entity_host"; }

 protected:
  caf::behavior make_behavior() override;
  void on_exit() override;

 private:
  enum class phase { loading, active, draining, restarting };

  /// A message waiting for its entity, with the promise that answers its sender.
  struct waiting_message {
    caf::message payload;
    caf::response_promise promise;
    /// Counted in the directory's via-host count (came through the router).
    bool counted;
  };

  /// What waits for an entity that is not active. Allocated only then, so an
  /// active entity's record stays small.
  struct waiting {
    /// Forwarded by the passivated activation; delivered before `pending`.
    std::vector<waiting_message> leftovers;
    std::vector<waiting_message> pending;
    /// Peeks that wait for a passivating entity's saved state.
    std::vector<caf::response_promise> peeks;
  };

  struct activation {
    phase state = phase::loading;
    /// Strong only while loading or active; a draining entity must be free to end.
    caf::actor handle;
    caf::actor_addr addr;
    activation_record record;
    std::unique_ptr<waiting> queue;
    /// The behaviour version, and ghost if any, this activation runs, when
    /// not the type's own alone (then null: most entities, kept small).
    std::unique_ptr<rollout::activation_plan> plan;

    waiting& wait() {
      if (!queue)
        queue = std::make_unique<waiting>();
      return *queue;
    }
  };

  /// Passivations in flight at most, so that a sweep or a stop of many
  /// entities neither stalls the host nor floods one scheduler queue.
  static constexpr size_t passivation_batch = 1000;

  entity_ref ref_of(const std::string& key) const { return {type_.name, key}; }
  uint64_t hash_of(const std::string& key) const { return stable_hash(type_.name, key); }

  // -- message paths (entity_host.cpp) -----------------------------------------

  void route(const std::string& key, caf::message payload, caf::response_promise rp, bool counted);
  void deliver(const std::string& key, const caf::actor& handle, waiting_message& msg);
  void fail(const std::string& key, waiting_message& msg, const caf::error& err);
  void fail_all(const std::string& key, activation& act, const caf::error& err);
  void peek(const std::string& key, caf::response_promise rp);
  void serve_peek_from_store(const std::string& key, caf::response_promise rp);

  // -- activation (entity_host.cpp) --------------------------------------------

  void start_activation(const std::string& key);
  void on_loaded(const std::string& key, const stored_state& st);
  void on_load_failed(const std::string& key, const caf::error& err);

  // -- rollouts (entity_host_rollout.cpp) ----------------------------------------

  /// What `key` should run now: the rollout table's plan, limited to the
  /// versions this node has.
  rollout::activation_plan plan_for(const std::string& key) const;
  /// The plan `act` runs (`default_plan_` when it has none of its own).
  const rollout::activation_plan& plan_of(const activation& act) const;
  void set_plan(activation& act, rollout::activation_plan plan);
  /// The registry's copy of the name `version` (the type's own when unknown).
  const std::string* version_name(const std::string& version) const;
  /// Spawns the live activation of `key` (and, per its plan, a ghost and a
  /// mirror in front of both); returns the handle the directory publishes
  /// and sets `live` to the live activation itself.
  caf::actor spawn_activation(const std::string& key, activation& act,
                              std::unique_ptr<entity_behavior> behavior, caf::actor& live);
  /// The arguments every activation of `ref` shares.
  activation_args base_args(const entity_ref& ref, std::unique_ptr<entity_behavior> behavior);
  /// Spawns a sandboxed activation of `version` built from the events alone.
  caf::actor spawn_sandboxed(const std::string& key, const std::string& version,
                             std::shared_ptr<rollout::effect_log> log, std::string& why);
  /// Passivates the active entities whose plan changed (they come back
  /// with the new one on their next message).
  void reconsider();

  // -- the admin API's views (entity_host_admin.cpp) -------------------------------

  /// The active entities, sorted by `top` ("messages", "mailbox", "latency"
  /// or "idle"), at most `limit`, as JSON text.
  std::string list_actors(const std::string& top, uint32_t limit) const;
  /// Delegates `rp` to the activation's own inspect; without one, activates
  /// it when `activate`, else answers {"active": false}.
  void inspect(const std::string& key, bool activate, caf::response_promise rp);
  /// Starts a bounded trace of `key` (now if active, and at each activation
  /// until the tracer ends it with `count` 0).
  void start_trace(const std::string& key, uint32_t count, caf::actor tracer);
  /// Sends the trace of `key`, if one runs, to its new activation.
  void begin_pending_trace(const std::string& key, const caf::actor& handle);
  /// Passivates `key` if active (retried by the sweep while messages are on
  /// their way to it); false when it is not active.
  bool passivate_now(const std::string& key);

  // -- passivation, crashes, stop (entity_host_lifecycle.cpp) --------------------

  /// Activity stamps at or before this mark belong to idle entities.
  int64_t idle_cutoff();
  void sweep();
  void passivate_some();
  void passivate(const std::string& key, activation& act);
  void end_lingering();
  void on_entity_down(const std::string& key, caf::actor_id id, const caf::error& reason);
  void on_crash(const std::string& key, activation& act);
  void begin_stop(caf::error reason);
  void finish_stop_if_done();

  // -- state -------------------------------------------------------------------

  const entity_type& type_;
  entity_router& router_;
  entity_directory& directory_;
  caf::actor store_;
  host_options opts_;
  caf::timespan sweep_interval_;
  supervision::restart_tracker intensity_;
  std::unordered_map<std::string, activation> activations_;
  std::unordered_map<std::string, supervision::restart_tracker> backoff_;
  /// Keys waiting for `passivate_some`, newest last.
  std::vector<std::string> to_passivate_;
  /// Active keys whose plan changed: passivated even though busy.
  std::unordered_set<std::string> switching_;
  /// The rollout table's generation for this type when last reconsidered.
  uint64_t rollout_generation_ = 0;
  /// The type's own version, no ghost, no rollout.
  rollout::activation_plan default_plan_;
  /// Shared by the ghosts, which the idle sweep never looks at.
  activation_record sandboxed_record_;
  /// Passivated activations in the order they were told, with when; the
  /// ones still alive after the grace period are ended by `end_lingering`.
  std::deque<std::pair<caf::actor_clock::time_point, caf::actor_addr>> draining_;
  /// The traces running, by key: given to each new activation of the key.
  std::unordered_map<std::string, std::pair<uint32_t, caf::actor>> pending_traces_;
  /// Activations told to passivate that have not ended yet.
  size_t draining_count_ = 0;
  bool stopping_ = false;
  caf::error stop_reason_;
  metrics::counter* activations_total_;
  metrics::counter* passivations_total_;
  metrics::counter* restarts_total_;
  metrics::counter* failures_total_;
  metrics::gauge* active_;
  /// Messages waiting in the active entities' mailboxes, summed and the
  /// largest, as of the last sweep.
  metrics::gauge* mailbox_total_;
  metrics::gauge* mailbox_max_;
  metrics::latency_histogram* latency_;
};

}  // namespace griddle::entity::detail
