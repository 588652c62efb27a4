// The one handler both sides of the routing benchmark answer, so they differ
// only in how a request reaches it:
//   (caf::add_atom, int32_t n) -> int64_t   adds n to a counter, returns the sum
//
// `spawn_raw_counter` is a plain CAF actor; `counter_entity_type` is the
// minimal entity type (an int64 counter, never persisted by the handler).
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/timespan.hpp>

#include "runtime/entity/entity_type.hpp"

namespace griddle::bench {

/// The name under which `counter_entity_type` registers.
constexpr const char* counter_type_name = "bench_counter";

/// Spawns a plain event-based actor with the counter handler.
caf::actor spawn_raw_counter(caf::actor_system& sys);

/// Returns the counter entity type; entities idle longer than `idle_timeout`
/// passivate.
entity::entity_type counter_entity_type(caf::timespan idle_timeout);

}  // namespace griddle::bench
