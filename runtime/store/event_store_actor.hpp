// The actor in front of an event store: how entities, projections and tools
// reach it with messages. It runs detached, on a thread of its own, because
// reads and snapshots block on I/O; appends only queue and are answered from
// the store's writer thread once durable.
//
// Protocol (every reply may instead be an error, e.g. `griddle::conflict`):
//   (append_atom, std::string stream, uint64_t expected_version,
//    std::vector<event_data>)                                -> append_result
//   (read_atom, std::string stream, uint64_t from_version, uint64_t max)
//                                                            -> std::vector<recorded_event>
//   (read_atom, uint64_t from_position, uint64_t max)        -> std::vector<recorded_event>
//   (load_atom, std::string stream)                          -> snapshot_result
//   (save_atom, stream_snapshot)                             -> void
//
// The store object is shared with the actor and must not be destroyed before
// the actor ends.
#pragma once

#include <memory>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "runtime/store/event_store.hpp"

namespace griddle::store {

caf::actor spawn_event_store_actor(caf::actor_system& sys, std::shared_ptr<event_store> store);

}  // namespace griddle::store
