// The node's admin HTTP API (docs/operations.md, "Admin API"): rollouts,
// feature toggles and experiments, for griddle-admin and scripts. Served on
// its own port (admin_options.hpp), inside the node, so it reaches the
// rollout and flags controllers through the node's router.
//
// Also the node's own views (node_views.cpp): nodes, entity types, active
// entities, inspection, bounded traces, passivation, the supervision tree
// and metrics, as JSON, and /metrics in Prometheus' text format.
//
// Every request needs `Authorization: Bearer <token>` (401 otherwise, with
// the token compared in constant time). Mutating requests are written to the
// audit log (and stderr) with when, who (the X-Griddle-Operator header and
// the client's address) and what (method, path, body). Errors are JSON
// `{"error": {"code", "message", "field"?}}` like the site's API.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <caf/actor_system.hpp>

#include "gateway/exchange.hpp"
#include "gateway/relay.hpp"
#include "gateway/route_table.hpp"
#include "runtime/entity/entity_router.hpp"
#include "runtime/entity/entity_type.hpp"

namespace griddle::gateway::admin {

/// What the `nodes` view says about this node.
struct node_info {
  std::string id;
  /// The site's address ("127.0.0.1:8080"); empty when it serves none.
  std::function<std::string()> address;
  std::string version;
  std::chrono::system_clock::time_point started = std::chrono::system_clock::now();
  size_t scheduler_threads = 0;
};

class admin_api {
 public:
  /// `audit_log`: where mutating requests are appended as JSON lines (empty:
  /// stderr only).
  admin_api(caf::actor_system& sys, entity::entity_router& router,
            const entity::entity_type_registry* types, std::string token, node_info info = {},
            std::string audit_log = {});
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

  // -- the node's views (node_views.cpp) --------------------------------------

  void add_node_routes();
  void serve_nodes(const exchange_ptr& ex);
  void serve_types(const exchange_ptr& ex);
  void serve_actors(const exchange_ptr& ex, const std::string& type);
  void serve_inspect(const exchange_ptr& ex, const std::string& type, const std::string& key);
  void serve_trace(const exchange_ptr& ex, const std::string& type, const std::string& key);
  void serve_passivate(const exchange_ptr& ex, const std::string& type, const std::string& key);
  void serve_supervisors(const exchange_ptr& ex);
  void serve_metrics_json(const exchange_ptr& ex);
  /// The host of `type` on this node; answers 404 and returns none when the
  /// type is unknown.
  caf::actor host_of(const exchange_ptr& ex, const std::string& type);
  /// Runs `job` in the relay, or answers 503.
  void in_relay(const exchange_ptr& ex, std::function<void(self_ptr)> job);

  /// Appends one mutating request to the audit log (and stderr).
  void audit(const exchange_ptr& ex);

  entity::entity_router& router_;
  const entity::entity_type_registry* types_;
  std::string token_;
  node_info info_;
  std::string audit_path_;
  std::mutex audit_mtx_;
  /// Per type: the counters at the last `types` view, to show rates.
  struct type_sample {
    std::chrono::steady_clock::time_point at;
    uint64_t activations = 0, passivations = 0, restarts = 0;
    double activations_per_s = 0, passivations_per_s = 0, restarts_per_s = 0;
  };
  std::mutex samples_mtx_;
  std::map<std::string, type_sample> samples_;
  /// The site's request counter at the last `nodes` view.
  std::pair<std::chrono::steady_clock::time_point, uint64_t> requests_sample_;
  double requests_per_s_ = 0;
  route_table routes_;
  relay_pool relays_;
};

}  // namespace griddle::gateway::admin
