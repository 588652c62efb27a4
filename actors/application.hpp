// The reference application as a node plugs it in: its message types, its
// entity types and its services. `griddle-node` runs `make_application()`;
// tests register the same entity types with services of their own (a manual
// clock, the cheapest password hashing).
#pragma once

#include <memory>

#include <caf/actor_system_config.hpp>

#include "actors/services.hpp"
#include "runtime/entity/entity_type.hpp"
#include "runtime/node/node.hpp"

namespace griddle::actors {

/// Registers every message type of the application (all its type ID blocks).
void add_actor_types(caf::actor_system_config& cfg);

/// Registers every entity type of the application; entities use `svc`.
void register_entity_types(entity::entity_type_registry& registry,
                           std::shared_ptr<const services> svc);

// -- one per area of the site --------------------------------------------------

/// email, user, session, sessions (accounts.cpp).
void register_account_types(entity::entity_type_registry& registry,
                            std::shared_ptr<const services> svc);

/// activity, likes, favourites, visitors, feed, alerts, online (social.cpp).
void register_social_types(entity::entity_type_registry& registry,
                           std::shared_ptr<const services> svc);

/// conversation, inbox (chat.cpp).
void register_chat_types(entity::entity_type_registry& registry,
                         std::shared_ptr<const services> svc);

/// The application for `griddle-node`: services with the real clock and a
/// password hashing pool started with the actor system.
node::application make_application();

}  // namespace griddle::actors
