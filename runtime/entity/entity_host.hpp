// The host of one entity type on one node: activates entities on demand
// (exactly once per key, buffering what arrives meanwhile), passivates idle
// ones, supervises them one-for-one (restart from stored state with back-off,
// escalation when the type's restart intensity is exceeded), answers peeks
// without activating, and stops its entities in order on shutdown.
//
// The host is a child of the node's root supervisor; spawn it through
// `spawn_entity_host`, which also installs it in the router.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/timespan.hpp>

#include "runtime/entity/entity_router.hpp"
#include "runtime/entity/entity_type.hpp"

namespace griddle::entity {

/// Knobs of a host that are not part of the type.
struct host_options {
  /// How often idle entities are looked for; zero picks idle_timeout / 4,
  /// clamped to [10 ms, 10 s].
  caf::timespan sweep_interval{0};
  /// Time-out for each request the host sends to the state store.
  caf::timespan store_timeout = std::chrono::seconds(10);
  /// How long a passivated entity that someone still references may forward
  /// late messages to the host before the host ends it (and may activate the
  /// key again). Unreferenced ones end at once.
  caf::timespan passivation_grace = std::chrono::milliseconds(250);
  /// How long an ordered stop waits for entities to save and end.
  caf::timespan stop_timeout = std::chrono::seconds(10);
};

/// Spawns the host of `type` (which must outlive it), registers it with
/// `router` and returns it. `store` answers `(load_atom, entity_ref)` with a
/// `stored_state` and takes `(save_atom, entity_ref, std::string)`.
caf::actor spawn_entity_host(caf::actor_system& sys, const entity_type& type, entity_router& router,
                             caf::actor store, host_options opts = {});

}  // namespace griddle::entity
