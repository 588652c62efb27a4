// The node's admin HTTP API (docs/operations.md, "Admin API"): rollouts,
// feature toggles and experiments, for griddle-admin and scripts. Served on
// its own port (admin_options.hpp), inside the node, so it reaches the
// rollout and flags controllers through the node's router.
//
// Every request needs `Authorization: Bearer <token>` (401 otherwise, with
// the token compared in constant time). Mutating requests are logged to
// stderr with the client, method, path and body. Errors are JSON
// `{"error": {"code", "message", "field"?}}` like the site's API.
#pragma once

#include <memory>
#include <string>

#include <caf/actor_system.hpp>

#include "gateway/exchange.hpp"
#include "gateway/relay.hpp"
#include "gateway/route_table.hpp"
#include "runtime/entity/entity_router.hpp"
#include "runtime/entity/entity_type.hpp"

namespace griddle::gateway::admin {

class admin_api {
 public:
  admin_api(caf::actor_system& sys, entity::entity_router& router,
            const entity::entity_type_registry* types, std::string token);
  ~admin_api();

  admin_api(const admin_api&) = delete;
  admin_api& operator=(const admin_api&) = delete;

  /// The request handler for an `http_server`.
  void handle(const exchange_ptr& ex);

  /// Ends the relay.
  void stop();

 private:
  using self_ptr = caf::event_based_actor*;

  void add_routes();
  bool authorized(const exchange_ptr& ex) const;

  /// Asks controller `ref` to run `op` with `args` (a JSON object as text)
  /// and answers with its JSON reply, or the error.
  void ask(const exchange_ptr& ex, entity_ref ref, caf::atom_value atom, std::string op,
           std::string args);

  /// The request body as a JSON object ("{}" when empty); answers 400 and
  /// returns nothing when it is not one.
  static std::optional<std::string> body_object(const exchange_ptr& ex);

  void list_rollouts(const exchange_ptr& ex);
  void experiment_results(const exchange_ptr& ex, const std::string& name);

  entity::entity_router& router_;
  const entity::entity_type_registry* types_;
  std::string token_;
  route_table routes_;
  relay_pool relays_;
};

}  // namespace griddle::gateway::admin
