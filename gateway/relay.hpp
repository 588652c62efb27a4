// The bridge from I/O threads to actors. Each I/O thread has its own relay,
// an event-based actor that runs the jobs the thread hands it: a job sends
// asynchronous requests (always with a time-out) and, from the reply or the
// error, answers its exchange, which posts the answer back to the
// connection's loop. No thread ever blocks waiting for an actor.
//
// `entity_access` is how a relay reaches entities: through the node's router
// when the gateway runs inside the node, or through a node actor over CAF's
// network layer when it runs as `griddle-gateway`.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/make_message.hpp>
#include <caf/timespan.hpp>

#include "runtime/entity/entity_ref.hpp"
#include "runtime/entity/entity_router.hpp"
#include "runtime/type_ids.hpp"

namespace griddle::gateway {

class entity_access {
 public:
  /// Reaches entities through the router of the node this gateway runs in.
  explicit entity_access(entity::entity_router& router) : router_(&router) {}

  /// Reaches entities through `node`, a node actor (possibly remote, and
  /// possibly invalid until the first connect).
  entity_access(caf::actor_system& sys, caf::actor node);

  ~entity_access();

  entity_access(const entity_access&) = delete;
  entity_access& operator=(const entity_access&) = delete;

  /// Sends `xs...` to `ref` as a request from `self`; the reply or an error
  /// (at the latest after `timeout`) arrives through the returned handle.
  template <class... Ts>
  auto request(caf::event_based_actor* self, const entity_ref& ref, caf::timespan timeout,
               Ts&&... xs) {
    if (router_ != nullptr)
      return router_->request(self, ref, timeout, std::forward<Ts>(xs)...);
    return self->request(node(), timeout, route_atom_v, ref,
                         caf::make_message(std::forward<Ts>(xs)...));
  }

  /// The node actor (remote mode); while no node is connected, an actor
  /// that answers every request with "unreachable" (503).
  caf::actor node() const {
    std::shared_lock<std::shared_mutex> guard{mtx_};
    return node_ ? node_ : unreachable_;
  }

  /// Replaces the node actor after a reconnect (remote mode).
  void set_node(caf::actor node) {
    std::unique_lock<std::shared_mutex> guard{mtx_};
    node_ = std::move(node);
  }

  bool embedded() const noexcept { return router_ != nullptr; }

  /// The router of the node this gateway runs in; null in remote mode.
  entity::entity_router* router() const noexcept { return router_; }

 private:
  entity::entity_router* router_ = nullptr;
  mutable std::shared_mutex mtx_;
  caf::actor node_;
  caf::actor unreachable_;
};

/// A piece of request handling that runs inside a relay actor.
struct relay_job {
  std::function<void(caf::event_based_actor*)> run;
};

/// One relay actor per I/O thread.
class relay_pool {
 public:
  relay_pool(caf::actor_system& sys, size_t threads);
  ~relay_pool();

  /// Runs `job` in the relay of I/O thread `io_index`; false (and `job`
  /// dropped) once the relays have stopped.
  bool run(size_t io_index, std::function<void(caf::event_based_actor*)> job);

  /// Ends the relays; jobs already queued still run.
  void stop();

 private:
  mutable std::shared_mutex mtx_;
  std::vector<caf::actor> relays_;
};

}  // namespace griddle::gateway

// A relay job never leaves the process: it is handed from an I/O thread to
// an actor of the same process and cannot be serialized.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(griddle::gateway::relay_job)
