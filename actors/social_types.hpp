// Message types of the social entities (activity, likes, favourites,
// visitors, feed, alerts, online): CAF type ID block `griddle_social`, IDs 360-399.
//
// Protocols (all ids are decimal user ids as strings):
//   activity/<me>   (like_atom, target)         -> relation_state
//                   (unlike_atom, target)       -> relation_state
//                   (favourite_atom, target)    -> relation_state
//                   (unfavourite_atom, target)  -> relation_state
//                   (visit_atom, target)        -> relation_state
//                   (alerts_seen_atom, kind)    -> int64_t  time recorded (ms)
//                   (get_atom, target)          -> relation_state
//   likes/<me>      (get_atom) | (get_atom, uint32_t limit)  -> relations_view
//   favourites/<me> (get_atom) | (get_atom, uint32_t limit)  -> relations_view
//   visitors/<me>   (get_atom, uint64_t before, uint32_t limit) -> visitors_page
//   feed/<me>       (get_atom, uint64_t before, uint32_t limit) -> feed_page
//   alerts/<me>     (get_atom)                  -> alerts_view
//   online/online:N (get_atom)                  -> online_users  (one shard;
//                   online_projection.hpp merges all shards)
// Cursor paging: `before` 0 asks for the newest items; a page's `next_cursor`
// is the `before` of the next (older) page, 0 when there is none.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/type_id.hpp>

#include "runtime/type_ids.hpp"

namespace griddle::actors {

/// The most items one page holds.
constexpr uint32_t max_page_size = 100;

/// A page's `limit` clamped to 1..max_page_size (0 means the maximum).
inline uint32_t page_size(uint32_t limit) {
  return limit == 0 || limit > max_page_size ? max_page_size : limit;
}

/// What the acting user has done to one target, after a command.
struct relation_state {
  std::string target;
  bool liked = false;
  bool favourite = false;
  /// Whether the command wrote an event (false: it was a no-op).
  bool changed = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, relation_state& x) {
  return f(caf::meta::type_name("relation_state"), x.target, x.liked, x.favourite, x.changed);
}

/// One user in a list, with the time the entry was made.
struct social_entry {
  std::string user_id;
  int64_t at_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, social_entry& x) {
  return f(caf::meta::type_name("social_entry"), x.user_id, x.at_ms);
}

/// Likes or favourites of one user, each list newest first; the counts are
/// the full sizes even when a limit shortened the lists. `matches` (mutual
/// likes) is empty for favourites.
struct relations_view {
  std::vector<social_entry> given;
  std::vector<social_entry> received;
  std::vector<social_entry> matches;
  uint32_t given_count = 0;
  uint32_t received_count = 0;
  uint32_t matches_count = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, relations_view& x) {
  return f(caf::meta::type_name("relations_view"), x.given, x.received, x.matches, x.given_count,
           x.received_count, x.matches_count);
}

/// One visitor on one UTC day.
struct visit_entry {
  std::string user_id;
  /// "YYYY-MM-DD" (UTC).
  std::string day;
  int64_t at_ms = 0;
  uint64_t cursor = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, visit_entry& x) {
  return f(caf::meta::type_name("visit_entry"), x.user_id, x.day, x.at_ms, x.cursor);
}

struct visitors_page {
  std::vector<visit_entry> items;
  uint64_t next_cursor = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, visitors_page& x) {
  return f(caf::meta::type_name("visitors_page"), x.items, x.next_cursor);
}

/// One news item. `kind`: "liked" (user liked you), "matched" (you and user
/// like each other), "visited", "favourited" (user made you a favourite),
/// "photo" (user, one of your favourites, added photo_id / photo_url).
struct feed_item {
  uint64_t cursor = 0;
  std::string kind;
  std::string user_id;
  int64_t at_ms = 0;
  std::string photo_id;
  std::string photo_url;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, feed_item& x) {
  return f(caf::meta::type_name("feed_item"), x.cursor, x.kind, x.user_id, x.at_ms, x.photo_id,
           x.photo_url);
}

struct feed_page {
  std::vector<feed_item> items;
  uint64_t next_cursor = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, feed_page& x) {
  return f(caf::meta::type_name("feed_page"), x.items, x.next_cursor);
}

/// Unread counts for the navigation bar.
struct alerts_view {
  /// Unread messages that arrived since the user last looked (alerts_seen messages).
  uint32_t messages = 0;
  /// Users who liked the user since alerts_seen(likes) and still do.
  uint32_t likes = 0;
  /// Distinct visitors since alerts_seen(visitors).
  uint32_t visitors = 0;
  /// All unread messages, over every conversation.
  uint32_t unread_messages = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alerts_view& x) {
  return f(caf::meta::type_name("alerts_view"), x.messages, x.likes, x.visitors, x.unread_messages);
}

/// Users online now, most recently seen first (`at_ms`: last seen).
struct online_users {
  std::vector<social_entry> users;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, online_users& x) {
  return f(caf::meta::type_name("online_users"), x.users);
}

// -- comparison (tests, ghost comparisons) --------------------------------------

inline bool operator==(const relation_state& x, const relation_state& y) {
  return std::tie(x.target, x.liked, x.favourite, x.changed) ==
         std::tie(y.target, y.liked, y.favourite, y.changed);
}

inline bool operator==(const social_entry& x, const social_entry& y) {
  return x.user_id == y.user_id && x.at_ms == y.at_ms;
}

inline bool operator==(const relations_view& x, const relations_view& y) {
  return std::tie(x.given, x.received, x.matches, x.given_count, x.received_count,
                  x.matches_count) ==
         std::tie(y.given, y.received, y.matches, y.given_count, y.received_count, y.matches_count);
}

inline bool operator==(const visit_entry& x, const visit_entry& y) {
  return std::tie(x.user_id, x.day, x.at_ms, x.cursor) ==
         std::tie(y.user_id, y.day, y.at_ms, y.cursor);
}

inline bool operator==(const visitors_page& x, const visitors_page& y) {
  return x.items == y.items && x.next_cursor == y.next_cursor;
}

inline bool operator==(const feed_item& x, const feed_item& y) {
  return std::tie(x.cursor, x.kind, x.user_id, x.at_ms, x.photo_id, x.photo_url) ==
         std::tie(y.cursor, y.kind, y.user_id, y.at_ms, y.photo_id, y.photo_url);
}

inline bool operator==(const feed_page& x, const feed_page& y) {
  return x.items == y.items && x.next_cursor == y.next_cursor;
}

inline bool operator==(const alerts_view& x, const alerts_view& y) {
  return std::tie(x.messages, x.likes, x.visitors, x.unread_messages) ==
         std::tie(y.messages, y.likes, y.visitors, y.unread_messages);
}

inline bool operator==(const online_users& x, const online_users& y) {
  return x.users == y.users;
}

}  // namespace griddle::actors

CAF_BEGIN_TYPE_ID_BLOCK(griddle_social, 360)

CAF_ADD_TYPE_ID(griddle_social, (griddle::actors::relation_state))
CAF_ADD_TYPE_ID(griddle_social, (griddle::actors::relations_view))
CAF_ADD_TYPE_ID(griddle_social, (griddle::actors::visitors_page))
CAF_ADD_TYPE_ID(griddle_social, (griddle::actors::feed_page))
CAF_ADD_TYPE_ID(griddle_social, (griddle::actors::alerts_view))
CAF_ADD_TYPE_ID(griddle_social, (griddle::actors::online_users))

CAF_ADD_ATOM(griddle_social, griddle::actors, like_atom, "like")
CAF_ADD_ATOM(griddle_social, griddle::actors, unlike_atom, "unlike")
CAF_ADD_ATOM(griddle_social, griddle::actors, favourite_atom, "favourite")
CAF_ADD_ATOM(griddle_social, griddle::actors, unfavourite_atom, "unfavour")
CAF_ADD_ATOM(griddle_social, griddle::actors, visit_atom, "visit")
CAF_ADD_ATOM(griddle_social, griddle::actors, alerts_seen_atom, "alertsseen")

CAF_END_TYPE_ID_BLOCK(griddle_social)
