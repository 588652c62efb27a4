// Message types of the account entities (email, user, session, sessions):
// CAF type ID block `griddle_accounts`, IDs 320-359.
#pragma once

#include <caf/type_id.hpp>

#include "runtime/type_ids.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(griddle_accounts, 320)

CAF_ADD_ATOM(griddle_accounts, griddle::actors, register_atom, "register")
/// To user/<target>: (fan_atom, std::string fan, bool added) -> void. Sent by
/// activity/<fan> after it recorded `favourited` / `unfavourited`.
CAF_ADD_ATOM(griddle_accounts, griddle::actors, fan_atom, "fan")

CAF_END_TYPE_ID_BLOCK(griddle_accounts)
