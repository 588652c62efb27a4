// The reference application's CAF type ID block (IDs from 300 on; the runtime
// uses 200-299).
#pragma once

#include <caf/actor_system_config.hpp>
#include <caf/type_id.hpp>

#include "actors/presence.hpp"
#include "runtime/type_ids.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(griddle_actors, 300)

CAF_ADD_TYPE_ID(griddle_actors, (griddle::actors::presence_info))

CAF_ADD_ATOM(griddle_actors, griddle::actors, touch_atom, "touch")
CAF_ADD_ATOM(griddle_actors, griddle::actors, hash_atom, "hash")
CAF_ADD_ATOM(griddle_actors, griddle::actors, verify_atom, "verify")

CAF_END_TYPE_ID_BLOCK(griddle_actors)
