// One running node: the event store and its actor, the root supervisor with
// the projector and one entity host per registered type under it, the router,
// and the node actor published on the network. `run_node` is the whole `griddle-node` program
// behind `main`.
//
// Shutdown order: the root supervisor stops its children in reverse start
// order (entity hosts passivate their entities, which save their snapshots,
// then the projector, then the store actor), then the node actor and the
// network layer go; the event store closes last, after its queued writes.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/expected.hpp>
#include <caf/scoped_actor.hpp>

#include "runtime/entity/entity_router.hpp"
#include "runtime/entity/entity_type.hpp"
#include "runtime/node/node_config.hpp"
#include "runtime/store/event_store.hpp"

namespace griddle::node {

class node;

/// What an application plugs into a node.
struct application {
  /// Registers the application's message types (its type ID block).
  std::function<void(caf::actor_system_config&)> add_message_types;
  /// Registers the application's entity types; called once at boot.
  std::function<void(entity::entity_type_registry&)> add_entity_types;
  /// Starts the application's own services (e.g. worker pools) once the
  /// actor system runs, before the node serves.
  std::function<void(caf::actor_system&)> start;
  /// Stops them after the node has stopped, before the actor system ends.
  std::function<void(caf::actor_system&)> stop;
  /// Adds the front ends' own options (e.g. the HTTP gateway's) to the
  /// configuration before it is parsed.
  std::function<void(caf::config_option_set&)> add_options;
  /// Checks the front ends' options after parsing; an error stops the boot.
  std::function<caf::error()> check_options;
  /// Opens the front ends once the node serves; returns the lines for the
  /// start-up banner (empty when there is nothing to open) or an error.
  std::function<caf::expected<std::string>(caf::actor_system&, node&)> open_front;
  /// Closes the front ends on SIGINT or SIGTERM before the node stops: stop
  /// accepting, finish in-flight work (bounded), close. Blocks.
  std::function<void()> close_front;
};

class node {
 public:
  node(caf::actor_system& sys, const node_config& cfg, entity::entity_type_registry types);
  ~node();

  node(const node&) = delete;
  node& operator=(const node&) = delete;

  /// Opens the event store, starts the supervision tree and the node actor, and publishes
  /// the node actor unless the port is -1.
  caf::error start();

  /// Stops everything in order; blocks, so call it from a non-actor thread.
  void stop();

  /// True once the root supervisor ended on its own (escalation).
  bool failed() const noexcept { return root_down_->load(); }

  /// The bound port of the node actor, or 0 when not published.
  uint16_t port() const noexcept { return port_; }

  entity::entity_router& router() noexcept { return *router_; }

  /// The entity types this node hosts (with the controllers it adds).
  const entity::entity_type_registry& types() const noexcept { return types_; }
  caf::actor node_actor() const { return node_actor_; }

  /// The node's store actor (event store and snapshot protocols).
  caf::actor store() const { return current_store(); }

  /// Where the events live, for the start-up banner.
  std::string store_description() const;

 private:
  caf::actor current_store() const;
  caf::error restore_controllers(caf::scoped_actor& self);

  caf::actor_system& sys_;
  const node_config& cfg_;
  entity::entity_type_registry types_;
  std::unique_ptr<entity::entity_router> router_;
  std::shared_ptr<store::event_store> events_;
  mutable std::mutex store_mtx_;
  caf::actor store_;
  caf::actor root_;
  caf::actor node_actor_;
  uint16_t port_ = 0;
  /// Shared with a functor attached to the root, which may run on any thread.
  std::shared_ptr<std::atomic<bool>> root_down_ = std::make_shared<std::atomic<bool>>(false);
  bool stopping_ = false;
};

/// The `griddle-node` program: parses the configuration, boots a node with
/// the types `app` adds, serves until SIGINT or SIGTERM, shuts down in
/// order. Returns the process exit code (0 after a clean shutdown).
int run_node(int argc, char** argv, const application& app);

}  // namespace griddle::node
