// alerts: the unread counts of a user's navigation bar. A projection keyed by
// user id that reads
//   message_sent  (tags [from, to])  a message to the user is unread ...
//   messages_read (tags [by])        ... until the user reads up to its seq
//   liked / unliked (tags [by, target])  who liked the user since last seen
//   profile_visited (tags [target])      who visited since last seen
//   alerts_seen   (tags [by])        the user looked at likes / visitors /
//                                    messages: that count starts over
// Unread messages are kept per conversation (conversation_key), as the set of
// unread seqs, so a read of one conversation clears exactly its messages.
// `messages` counts the unread ones that arrived after alerts_seen(messages);
// `unread_messages` counts them all. An unlike before the user looked takes
// the like back out of `likes`.
//
// Query: (get_atom) -> alerts_view.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/social_types.hpp"
#include "runtime/entity/entity_type.hpp"
#include "runtime/store/event_store.hpp"

namespace griddle::actors {

/// The state of alerts/<owner>.
class alerts_state {
 public:
  explicit alerts_state(std::string owner);

  static std::vector<std::string> event_types();

  void apply(const store::recorded_event& ev, const nlohmann::json& data);

  alerts_view view() const;

  /// Unread messages per conversation key (only conversations with any).
  std::map<std::string, uint32_t> unread_by_conversation() const;

  nlohmann::json to_json() const;
  void from_json(const nlohmann::json& doc);

 private:
  std::string owner_;
  /// Conversation key -> unread seq -> the position of its message_sent.
  std::map<std::string, std::map<uint64_t, uint64_t>> unread_;
  /// Position of the last alerts_seen(messages).
  uint64_t messages_seen_at_ = 0;
  std::set<std::string> new_likers_;
  std::set<std::string> new_visitors_;
};

/// The registration of the `alerts` projection type.
entity::entity_type alerts_type();

}  // namespace griddle::actors
