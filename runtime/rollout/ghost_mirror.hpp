// The actor in front of a mirrored entity in the ghost phase. The node's
// directory points at it instead of the live activation, so every message
// for the key reaches it first; it hands each one, in arrival order, to the
// live activation and to the ghost (and to the noise copy, if any) as
// `(mirrored_atom, seq, message)`. The live reply goes to the original
// sender at once; the ghost's never leaves the mirror. Once every side has
// answered message `seq`, the mirror takes each side's effects of `seq`
// from its effect log and hands the exchange to the rollout's statistics.
//
// Failure: the live activation's end is the mirror's end, with the same
// reason (the host sees a crash or a passivation, as without a mirror). A
// ghost that crashes, ends or times out is a failed comparison and never
// touches the live reply. On `passivate` the mirror passes it to the live
// activation, ends the ghost and the copy, and forwards whatever still
// reaches it to the host, like a passivated entity.
#pragma once

#include <memory>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/timespan.hpp>

#include "runtime/entity/entity_ref.hpp"
#include "runtime/rollout/effect_log.hpp"
#include "runtime/rollout/rollout_stats.hpp"

namespace griddle::rollout {

struct mirror_args {
  entity_ref ref;
  caf::actor host;
  caf::actor live;
  std::shared_ptr<effect_log> live_effects;
  /// Invalid when the ghost could not be built (every message then counts
  /// as a ghost failure).
  caf::actor ghost;
  std::shared_ptr<effect_log> ghost_effects;
  /// Invalid without a noise floor.
  caf::actor noise;
  std::shared_ptr<effect_log> noise_effects;
  std::shared_ptr<rollout_stats> stats;
  /// Why the ghost could not be built, when it could not.
  std::string ghost_failure;
  /// How long the ghost (and the copy) may take per message.
  caf::timespan ghost_timeout = std::chrono::seconds(5);
};

caf::actor spawn_ghost_mirror(caf::actor_system& sys, mirror_args args);

}  // namespace griddle::rollout
