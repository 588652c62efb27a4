// The guard: decides from a rollout's statistics whether the candidate has
// crossed one of its bounds (rollout_state.hpp, `guard_bounds`). Pure: the
// controller calls it once a second and rolls back with the reason it gives.
//
// Ghost phase: ghost vs live on the mirrored messages of the window: the
// mismatch rate, the ghost's error rate (failures count) against the live
// one, the ghost's p99 against the live p99. Ramp phase: the candidate's
// live activations against the stable ones, on error rate and p99. A bound
// is judged only once the candidate side has `min_samples` observations in
// the window; p99 needs as many on the stable side too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "runtime/rollout/rollout_state.hpp"
#include "runtime/rollout/rollout_stats.hpp"

namespace griddle::rollout {

/// Why the rollout must end, or nothing while every bound holds.
std::optional<std::string> check_guard(const rollout_state& st, const rollout_stats& stats,
                                       int64_t now_ms);

}  // namespace griddle::rollout
