// The runtime's CAF type ID block: every message type and atom the runtime
// sends. Programs register it with `griddle::add_runtime_types(cfg)` so the
// types can be serialized between nodes. Application blocks start at 300.
#pragma once

#include <caf/actor_system_config.hpp>
#include <caf/type_id.hpp>

#include "runtime/entity/entity_messages.hpp"
#include "runtime/entity/entity_ref.hpp"
#include "runtime/store/store_messages.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(griddle_runtime, caf::first_custom_type_id)

CAF_ADD_TYPE_ID(griddle_runtime, (griddle::entity_ref))
CAF_ADD_TYPE_ID(griddle_runtime, (griddle::entity::peek_result))
CAF_ADD_TYPE_ID(griddle_runtime, (griddle::entity::stored_state))
CAF_ADD_TYPE_ID(griddle_runtime, (griddle::store::event_data))
CAF_ADD_TYPE_ID(griddle_runtime, (std::vector<griddle::store::event_data>))
CAF_ADD_TYPE_ID(griddle_runtime, (griddle::store::recorded_event))
CAF_ADD_TYPE_ID(griddle_runtime, (std::vector<griddle::store::recorded_event>))
CAF_ADD_TYPE_ID(griddle_runtime, (griddle::store::append_result))
CAF_ADD_TYPE_ID(griddle_runtime, (griddle::store::stream_snapshot))
CAF_ADD_TYPE_ID(griddle_runtime, (griddle::store::snapshot_result))

// -- entity protocol
CAF_ADD_ATOM(griddle_runtime, griddle, route_atom, "route")
CAF_ADD_ATOM(griddle_runtime, griddle, passivate_atom, "passivate")
CAF_ADD_ATOM(griddle_runtime, griddle, peek_atom, "peek")
CAF_ADD_ATOM(griddle_runtime, griddle, count_atom, "count")
CAF_ADD_ATOM(griddle_runtime, griddle, leftover_atom, "leftover")
CAF_ADD_ATOM(griddle_runtime, griddle, sweep_atom, "sweep")
CAF_ADD_ATOM(griddle_runtime, griddle, entity_down_atom, "entdown")
CAF_ADD_ATOM(griddle_runtime, griddle, linger_atom, "linger")
CAF_ADD_ATOM(griddle_runtime, griddle, notify_atom, "notify")
CAF_ADD_ATOM(griddle_runtime, griddle, project_atom, "project")

// -- state store and event store
CAF_ADD_ATOM(griddle_runtime, griddle, load_atom, "load")
CAF_ADD_ATOM(griddle_runtime, griddle, save_atom, "save")
CAF_ADD_ATOM(griddle_runtime, griddle, append_atom, "append")
CAF_ADD_ATOM(griddle_runtime, griddle, read_atom, "read")
CAF_ADD_ATOM(griddle_runtime, griddle, tagged_atom, "tagged")
CAF_ADD_ATOM(griddle_runtime, griddle, subscribe_atom, "subscribe")
CAF_ADD_ATOM(griddle_runtime, griddle, committed_atom, "committed")
CAF_ADD_ATOM(griddle_runtime, griddle, saved_atom, "saved")

// -- supervision and node life cycle
CAF_ADD_ATOM(griddle_runtime, griddle, restart_atom, "restart")
CAF_ADD_ATOM(griddle_runtime, griddle, shutdown_atom, "shutdown")
CAF_ADD_ATOM(griddle_runtime, griddle, status_atom, "status")
CAF_ADD_ATOM(griddle_runtime, griddle, stop_timeout_atom, "stoptmo")

CAF_ADD_ATOM(griddle_runtime, griddle, mirrored_atom, "mirrored")
CAF_ADD_ATOM(griddle_runtime, griddle, rollout_atom, "rollout")
CAF_ADD_ATOM(griddle_runtime, griddle, reconsider_atom, "reconsider")
CAF_ADD_ATOM(griddle_runtime, griddle, guard_tick_atom, "guardtick")
CAF_ADD_ATOM(griddle_runtime, griddle, flags_atom, "flags")
CAF_ADD_ATOM(griddle_runtime, griddle, arms_atom, "arms")
CAF_ADD_ATOM(griddle_runtime, griddle, inspect_atom, "inspect")
CAF_ADD_ATOM(griddle_runtime, griddle, trace_atom, "trace")
CAF_ADD_ATOM(griddle_runtime, griddle, actors_atom, "actors")

CAF_END_TYPE_ID_BLOCK(griddle_runtime)

namespace griddle {

/// Registers the runtime's message types and error category with `cfg`.
void add_runtime_types(caf::actor_system_config& cfg);

}  // namespace griddle
