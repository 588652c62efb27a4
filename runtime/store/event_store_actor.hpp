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
//   (read_atom, tagged_atom, std::string tag, uint64_t from_position, uint64_t max)
//                                                            -> std::vector<recorded_event>
//   (load_atom, std::string stream)                          -> snapshot_result
//   (save_atom, stream_snapshot)                             -> void, once durable
//
// Commit feed:
//   (subscribe_atom, caf::actor subscriber)                  -> void
// From then on the subscriber receives `(committed_atom,
// std::vector<recorded_event>)` for every commit, in commit order (positions
// increase without gaps from one message to the next). The actor monitors
// subscribers and drops them when they go down. Events committed before the
// subscription are not replayed: read them with `read_atom` first.
//
// State-store protocol, so the actor can be the entities' snapshot store
// (like memory_state_store.hpp); the snapshot of `ref` is the one of stream
// `to_string(ref)` ("type/key"), saved with version 0:
//   (load_atom, entity_ref)                                  -> entity::stored_state
//   (save_atom, entity_ref, std::string data)                -> void, at once
// A save returns before the data is durable (`save_snapshot_async`); until
// it is, the actor keeps the data and answers loads of that ref from it, so
// a load always sees the newest save it received. Should a save fail, the
// actor keeps answering loads with its data and reports the error on stderr;
// the next successful save of that ref replaces it.
//
// The actor installs the store's commit listener when it starts and stops
// forwarding when it ends; run one actor per store. The store object is
// shared with the actor and must not be destroyed before the actor ends.
#pragma once

#include <memory>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "runtime/store/event_store.hpp"

namespace griddle::store {

caf::actor spawn_event_store_actor(caf::actor_system& sys, std::shared_ptr<event_store> store);

}  // namespace griddle::store
