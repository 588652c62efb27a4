// The rollout controller: an event-sourced entity of type "rollout", one per
// entity type (key: the type's name, e.g. rollout/feed), so a rollout's
// state is durable (its events, in stream "rollout/<type>"), has one writer,
// and is restored when a node starts. On every change it installs the state
// in the node's rollout table and tells the type's host to reconsider its
// entities. While a rollout is in progress it checks the guard and the ramp
// schedule once a second (`check_interval`).
//
// Protocol, one message: (rollout_atom, std::string op, std::string args)
// -> std::string, a JSON document; `args` is a JSON object ("" for none).
//   status                                  the state and statistics
//   start     {candidate, mirror_percent?, noise_floor?}   ghost phase
//   ramp      {percent}                     ramp phase at `percent`
//   schedule  {steps: [1, 5, 25, 50, 100], hold_s?, promote_at_end?}
//   promote   {}                            candidate becomes stable
//   rollback  {reason?}                     every key back to stable
//   guard     {enabled?, max_mismatch_rate?, max_error_rate_increase?,
//              max_p99_ratio?, p99_slack_ms?, min_samples?, window_s?}
//   mismatches                              the kept mismatch samples
// Errors: validation_failed (field, reason) for bad arguments, conflict for
// a step the current phase does not allow, not_found for an unknown type or
// version.
#pragma once

#include <chrono>

#include <caf/timespan.hpp>

#include "runtime/entity/entity_type.hpp"

namespace griddle::rollout {

/// The entity type name of rollout controllers.
constexpr const char* controller_type_name = "rollout";

/// How often a controller with a rollout in progress checks the guard.
constexpr caf::timespan check_interval = std::chrono::seconds(1);

/// The registration of the controller type for the types in `types`, which
/// must outlive every node that uses it.
entity::entity_type controller_type(const entity::entity_type_registry* types);

}  // namespace griddle::rollout
