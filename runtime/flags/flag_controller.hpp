// The flags controller: an event-sourced entity (flags/all) that owns the
// feature toggles and experiments, so they are durable (stream "flags/all")
// and have one writer. On every change it installs the new set in the
// node's flag table (entity_router::flags()), where the gateway and the
// entities evaluate it in memory.
//
// Protocol, one message: (flags_atom, std::string op, std::string args)
// -> std::string, a JSON document; `args` is a JSON object ("" for none).
//   get                                   {"toggles": [...], "experiments": [...]}
//   put_toggle          TOGGLE            creates or replaces; -> the toggle
//   delete_toggle       {name}            -> {"deleted": name}
//   put_experiment      SPEC + {reshuffle?}   creates, or changes weights
//                                         keeping assigned users (flag_set.hpp);
//                                         -> the experiment with its allocation
//   delete_experiment   {name}
// JSON shapes: runtime/flags/flag_json.hpp. Errors: validation_failed (field,
// problem), not_found, conflict.
#pragma once

#include "runtime/entity/entity_type.hpp"

namespace griddle::flags {

/// The entity type name and the one key of the flags controller.
constexpr const char* controller_type_name = "flags";
constexpr const char* controller_key = "all";

entity::entity_type controller_type();

}  // namespace griddle::flags
