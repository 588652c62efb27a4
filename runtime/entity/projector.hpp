// The projector: carries committed events to the projections that read them.
// It subscribes to the node's event store actor, receives every commit's
// events in global position order, and for each event notifies the
// projection types subscribed to its type, one projection per tag that names
// one of its keys (`entity_type::tag_prefix`), with
// `(project_atom, recorded_event)`. Only active (or activating) projections
// are notified: an inactive one reads what it missed from the store's tag
// index when it activates (projection.hpp), so skipping it loses nothing.
//
// Because one actor sends every event in position order and the router keeps
// one sender's messages to one entity in order, each projection sees events
// in position order and can drop redeliveries by position alone.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "runtime/entity/entity_router.hpp"
#include "runtime/entity/entity_type.hpp"

namespace griddle::entity {

/// Spawns a projector for the projection types in `types` (those with a
/// non-empty `subscribes_to`) and subscribes it to `store`. `router` must
/// outlive the projector.
caf::actor spawn_projector(caf::actor_system& sys, const entity_type_registry& types,
                           entity_router& router, const caf::actor& store);

}  // namespace griddle::entity
