// conversation: the chat between two users, an event-sourced entity keyed by
// `conversation_key(a, b)` ("a~b", the smaller id as a string first). Its
// stream `conversation/a~b` is the conversation's full history; the
// activation keeps only a bounded part of it in memory (conversation_state.hpp).
//
// Protocol (every reply may instead be an error):
//   (send_message_atom, std::string from, std::string to, std::string text)
//       -> chat_message
//     Writes `message_sent` (tags [from, to]) with the next seq. The text is
//     stored trimmed of ASCII whitespace.
//     errors: `from` not a participant -> forbidden; `to` not the other
//     participant -> validation "to"; text empty after trimming, not UTF-8
//     or over 2,000 code points -> validation "text"; either participant
//     blocked the other -> forbidden.
//   (caf::get_atom, std::string reader, uint64_t before_seq, uint32_t limit)
//       -> chat_page
//     Up to `limit` messages with seq < `before_seq` (0: from the newest),
//     newest first; `next_cursor` is the `before_seq` of the next older
//     page, 0 when there is none. Pages older than the messages in memory
//     are read from the stream.
//     errors: reader not a participant -> forbidden; limit outside 1..100
//     -> validation "limit".
//   (mark_read_atom, std::string reader, uint64_t up_to_seq) -> uint64_t
//     Moves the reader's read mark to `up_to_seq`, clamped to the newest
//     seq, writing `messages_read` (tags [reader]) only when the mark moves
//     forward; answers the reader's unread count afterwards.
//     errors: reader not a participant -> forbidden.
//   (set_block_atom, std::string by_user, bool blocked) -> void
//     Writes `conversation_blocked` when `by_user`'s flag changes. Once
//     answered, sends in either direction are forbidden (until unblocked).
//     errors: by_user not a participant -> forbidden.
#pragma once

#include <memory>

#include "actors/services.hpp"
#include "runtime/entity/entity_type.hpp"

namespace griddle::actors {

/// The most messages one history page holds.
constexpr uint32_t max_history_page = 100;

/// The registration of the `conversation` type.
entity::entity_type conversation_type(std::shared_ptr<const services> svc);

}  // namespace griddle::actors
