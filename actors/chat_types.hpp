// Message types of the chat entities (conversation, inbox): CAF type ID
// block `griddle_chat`, IDs 400-439. The protocols themselves are documented
// in conversation_entity.hpp and inbox_projection.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/type_id.hpp>

#include "runtime/type_ids.hpp"

namespace griddle::actors {

/// One message of a conversation.
struct chat_message {
  /// 1, 2, 3... per conversation, in the order the messages were sent.
  uint64_t seq = 0;
  std::string from;
  std::string to;
  /// Trimmed; 1 to 2,000 code points of UTF-8.
  std::string text;
  int64_t at_ms = 0;
};

inline bool operator==(const chat_message& x, const chat_message& y) {
  return x.seq == y.seq && x.from == y.from && x.to == y.to && x.text == y.text &&
         x.at_ms == y.at_ms;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_message& x) {
  return f(caf::meta::type_name("chat_message"), x.seq, x.from, x.to, x.text, x.at_ms);
}

/// One page of a conversation's history, newest message first.
struct chat_page {
  std::vector<chat_message> messages;
  /// The `before_seq` that asks for the next (older) page; 0 when there is none.
  uint64_t next_cursor = 0;
  /// Messages to the reader that the reader has not marked read.
  uint64_t unread_for_reader = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_page& x) {
  return f(caf::meta::type_name("chat_page"), x.messages, x.next_cursor, x.unread_for_reader);
}

/// One conversation in a user's inbox.
struct inbox_entry {
  /// The other participant.
  std::string partner;
  /// The first 100 code points of the last message.
  std::string preview;
  int64_t last_at_ms = 0;
  uint64_t last_seq = 0;
  /// Messages from the partner after the user's read mark.
  uint64_t unread = 0;
};

inline bool operator==(const inbox_entry& x, const inbox_entry& y) {
  return x.partner == y.partner && x.preview == y.preview && x.last_at_ms == y.last_at_ms &&
         x.last_seq == y.last_seq && x.unread == y.unread;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, inbox_entry& x) {
  return f(caf::meta::type_name("inbox_entry"), x.partner, x.preview, x.last_at_ms, x.last_seq,
           x.unread);
}

/// A user's conversations (or a page of them), newest activity first.
struct inbox_view {
  std::vector<inbox_entry> conversations;
  /// Unread messages over all the user's conversations.
  uint64_t total_unread = 0;
  /// Number of conversations in the whole inbox.
  uint64_t total = 0;
};

inline bool operator==(const inbox_view& x, const inbox_view& y) {
  return x.conversations == y.conversations && x.total_unread == y.total_unread &&
         x.total == y.total;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, inbox_view& x) {
  return f(caf::meta::type_name("inbox_view"), x.conversations, x.total_unread, x.total);
}

}  // namespace griddle::actors

CAF_BEGIN_TYPE_ID_BLOCK(griddle_chat, 400)

CAF_ADD_TYPE_ID(griddle_chat, (griddle::actors::chat_message))
CAF_ADD_TYPE_ID(griddle_chat, (griddle::actors::chat_page))
CAF_ADD_TYPE_ID(griddle_chat, (griddle::actors::inbox_view))

CAF_ADD_ATOM(griddle_chat, griddle::actors, send_message_atom, "sendmsg")
/// To conversation/<key>: (set_block_atom, std::string by_user, bool blocked)
/// -> void. Sent (as a request, awaited) by user/<by_user> after it recorded
/// `user_blocked` / `user_unblocked`, so a block is in force once answered.
CAF_ADD_ATOM(griddle_chat, griddle::actors, set_block_atom, "setblock")
CAF_ADD_ATOM(griddle_chat, griddle::actors, mark_read_atom, "markread")

CAF_END_TYPE_ID_BLOCK(griddle_chat)

namespace griddle::actors {

/// The key of the conversation between two users: both ids, the smaller
/// (as strings) first, joined by '~'.
inline std::string conversation_key(const std::string& a, const std::string& b) {
  return a < b ? a + "~" + b : b + "~" + a;
}

}  // namespace griddle::actors
