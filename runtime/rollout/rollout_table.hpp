// The rollouts a node knows: per entity type, the current rollout state and
// the statistics of the rollout in progress. The rollout controller writes
// it; entity hosts read it when they activate an entity, to pick the
// behaviour version and whether a ghost runs beside it.
//
// Threading: shared by the node's actors; every member may be called
// concurrently. Readers copy shared pointers under a shared lock.
#pragma once

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "runtime/rollout/rollout_state.hpp"
#include "runtime/rollout/rollout_stats.hpp"

namespace griddle::rollout {

/// What a host does for one key.
struct activation_plan {
  /// The version the live activation runs (empty: the type's own).
  std::string version;
  /// Whether that is the rollout's candidate (ramp phase).
  bool candidate = false;
  /// The candidate a ghost runs beside it (empty: no ghost).
  std::string ghost;
  /// Whether a sandboxed stable copy runs too, for the noise floor.
  bool noise_copy = false;
  /// The rollout's statistics (null when no rollout is in progress).
  std::shared_ptr<rollout_stats> stats;

  friend bool operator==(const activation_plan& x, const activation_plan& y) {
    return x.version == y.version && x.ghost == y.ghost && x.noise_copy == y.noise_copy &&
           x.stats == y.stats;
  }
  friend bool operator!=(const activation_plan& x, const activation_plan& y) { return !(x == y); }
};

class rollout_table {
 public:
  /// Installs `type`'s state; `stats` is null when no rollout is in progress.
  void set(const std::string& type, rollout_state st, std::shared_ptr<rollout_stats> stats);

  /// The state of `type`, or null when it never had one.
  std::shared_ptr<const rollout_state> state(const std::string& type) const;

  /// The statistics of `type`'s rollout in progress, or null.
  std::shared_ptr<rollout_stats> stats(const std::string& type) const;

  /// What to run for `type`/`key`.
  activation_plan plan(const std::string& type, const std::string& key) const;

  /// Bumped by every `set` of `type`: hosts re-check their entities when it moves.
  uint64_t generation(const std::string& type) const;

 private:
  struct entry {
    std::shared_ptr<const rollout_state> state;
    std::shared_ptr<rollout_stats> stats;
    uint64_t generation = 0;
  };

  mutable std::shared_mutex mtx_;
  std::unordered_map<std::string, entry> entries_;
};

}  // namespace griddle::rollout
