// inbox: a user's conversations, newest activity first, with unread counts.
// A projection keyed by user id that reads `message_sent` (tagged with both
// participants) and `messages_read` (tagged with the reader). A conversation
// appears with its first message; unread counts the partner's messages after
// the user's read mark. Activity is ordered by the last message's `at_ms`,
// ties by commit order.
//
// Protocol:
//   (caf::get_atom)                                  -> inbox_view (all)
//   (caf::get_atom, uint32_t offset, uint32_t limit) -> inbox_view
//     The conversations at [offset, offset + limit) of the order above;
//     `total` and `total_unread` cover the whole inbox. New activity between
//     two pages moves conversations to the front, so pages may overlap.
//     errors: limit outside 1..100 -> validation "limit".
#pragma once

#include "runtime/entity/entity_type.hpp"

namespace griddle::actors {

/// The most conversations one inbox page holds.
constexpr uint32_t max_inbox_page = 100;

/// The registration of the `inbox` projection type.
entity::entity_type inbox_type();

}  // namespace griddle::actors
