// Message types of the chat entities (conversation, inbox): CAF type ID
// block `griddle_chat`, IDs 400-439.
#pragma once

#include <caf/type_id.hpp>

#include "runtime/type_ids.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(griddle_chat, 400)

CAF_ADD_ATOM(griddle_chat, griddle::actors, send_message_atom, "sendmsg")
/// To conversation/<key>: (set_block_atom, std::string by_user, bool blocked)
/// -> void. Sent (as a request, awaited) by user/<by_user> after it recorded
/// `user_blocked` / `user_unblocked`, so a block is in force once answered.
CAF_ADD_ATOM(griddle_chat, griddle::actors, set_block_atom, "setblock")

CAF_END_TYPE_ID_BLOCK(griddle_chat)

#include <string>

namespace griddle::actors {

/// The key of the conversation between two users: both ids, the smaller
/// (as strings) first, joined by '~'.
inline std::string conversation_key(const std::string& a, const std::string& b) {
  return a < b ? a + "~" + b : b + "~" + a;
}

}  // namespace griddle::actors
