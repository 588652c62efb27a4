// One node's entity machinery for the benchmark's counter type, set up as a
// Griddle program does: the runtime's message types, a memory state store, a
// router and the counter type's host.
//
// Construct and destroy on the main thread (the blocking calls below must not
// run inside an actor). Destruction stops the host with `user_shutdown`, waits
// until it and its entities are done, then stops the store; the actor system's
// destructor waits for the rest.
#pragma once

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/timespan.hpp>

#include "runtime/entity/entity_router.hpp"
#include "runtime/entity/entity_type.hpp"

namespace griddle::bench {

/// The configuration of every benchmark's actor system: the runtime's types
/// and `threads` scheduler threads.
struct bench_config : caf::actor_system_config {
  explicit bench_config(size_t threads);
};

class counter_runtime {
 public:
  counter_runtime(caf::actor_system& sys, caf::timespan idle_timeout);
  ~counter_runtime();

  counter_runtime(const counter_runtime&) = delete;
  counter_runtime& operator=(const counter_runtime&) = delete;

  entity::entity_router& router() noexcept { return router_; }

  /// The counter entity with key `key`.
  static entity_ref ref(uint64_t key);

  /// Sends one add through the router and waits for the reply, then until the
  /// entity is reachable in one hop. Throws std::runtime_error on failure.
  void activate(const entity_ref& ref);

  /// The host's number of active entities. Throws std::runtime_error on failure.
  uint64_t count_active();

 private:
  caf::actor_system& sys_;
  entity::entity_type type_;
  entity::entity_router router_;
  caf::actor store_;
  caf::actor host_;
};

}  // namespace griddle::bench
