// The node actor: the node's front desk on CAF's network layer, published on
// the node's port. Gateways, the admin shell and tests reach entities through it.
//
// Protocol:
//   (route_atom, entity_ref, caf::message) -> the entity's reply
//   (peek_atom, entity_ref)                -> entity::peek_result
//   (count_atom, std::string type)         -> uint64_t active entities
//   (status_atom)                          -> std::string, the entity counts
//   (subscribe_atom, caf::actor)           -> void; the subscriber gets the
//                                             store's commit feed (see
//                                             store/event_store_actor.hpp)
// It also logs the status every `state_interval` (zero: never).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/timespan.hpp>

#include "runtime/entity/entity_router.hpp"

namespace griddle::node {

struct node_actor_args {
  std::string node_name;
  entity::entity_router* router = nullptr;
  std::vector<std::string> types;
  caf::timespan state_interval{0};
  /// The node's current store actor, for commit-feed subscriptions.
  std::function<caf::actor()> store;
};

caf::actor spawn_node_actor(caf::actor_system& sys, node_actor_args args);

/// One line with each type's active entities, activations, passivations and
/// restarts since the process started; `skip_unused` leaves out the types
/// that were never activated.
std::string entity_status_line(const std::vector<std::string>& types, bool skip_unused = false);

}  // namespace griddle::node
