// Message types of the account entities (email, user, session, sessions):
// CAF type ID block `griddle_accounts`, IDs 320-359. The protocols that use
// them are documented in actors/accounts.hpp.
#pragma once

#include <vector>

#include <caf/type_id.hpp>

#include "actors/account_messages.hpp"
#include "runtime/type_ids.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(griddle_accounts, 320)

CAF_ADD_TYPE_ID(griddle_accounts, (griddle::actors::registration))
CAF_ADD_TYPE_ID(griddle_accounts, (griddle::actors::account_record))
CAF_ADD_TYPE_ID(griddle_accounts, (griddle::actors::photo))
CAF_ADD_TYPE_ID(griddle_accounts, (griddle::actors::profile))
CAF_ADD_TYPE_ID(griddle_accounts, (griddle::actors::profile_update))
CAF_ADD_TYPE_ID(griddle_accounts, (griddle::actors::login_result))
CAF_ADD_TYPE_ID(griddle_accounts, (griddle::actors::session_info))
CAF_ADD_TYPE_ID(griddle_accounts, (std::vector<griddle::actors::session_info>))

CAF_ADD_ATOM(griddle_accounts, griddle::actors, register_atom, "register")
/// To user/<target>: (fan_atom, std::string fan, bool added) -> void. Sent by
/// activity/<fan> after it recorded `favourited` / `unfavourited`.
CAF_ADD_ATOM(griddle_accounts, griddle::actors, fan_atom, "fan")
CAF_ADD_ATOM(griddle_accounts, griddle::actors, login_atom, "login")
CAF_ADD_ATOM(griddle_accounts, griddle::actors, create_atom, "create")
CAF_ADD_ATOM(griddle_accounts, griddle::actors, update_profile_atom, "updprofile")
CAF_ADD_ATOM(griddle_accounts, griddle::actors, block_atom, "block")
CAF_ADD_ATOM(griddle_accounts, griddle::actors, unblock_atom, "unblock")
CAF_ADD_ATOM(griddle_accounts, griddle::actors, blocked_atom, "blocked")
CAF_ADD_ATOM(griddle_accounts, griddle::actors, add_photo_atom, "addphoto")
CAF_ADD_ATOM(griddle_accounts, griddle::actors, start_session_atom, "startsess")
CAF_ADD_ATOM(griddle_accounts, griddle::actors, authenticate_atom, "auth")
CAF_ADD_ATOM(griddle_accounts, griddle::actors, logout_atom, "logout")
CAF_ADD_ATOM(griddle_accounts, griddle::actors, revoke_atom, "revoke")
CAF_ADD_ATOM(griddle_accounts, griddle::actors, sessions_atom, "sessions")

CAF_END_TYPE_ID_BLOCK(griddle_accounts)
