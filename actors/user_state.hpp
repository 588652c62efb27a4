// The state of one user/<id> entity: the fold of its events
// (user_registered, profile_updated, user_blocked, user_unblocked,
// photo_added, fan_added, fan_removed; see actors/events.hpp). Owned by one
// activation; not thread-safe.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/account_messages.hpp"

namespace griddle::actors {

struct user_state {
  bool registered = false;
  std::string email;
  /// Argon2id hash string; never part of a reply.
  std::string password_hash;
  std::string name;
  int32_t birth_year = 0;
  std::string city;
  std::string bio;
  std::string looking_for;
  int64_t registered_ms = 0;
  /// Users this user blocked.
  std::set<std::string> blocked;
  /// Oldest first; photos are never removed, so ids are 1, 2, ...
  std::vector<photo> photos;
  /// Users who made this user a favourite.
  std::set<std::string> fans;

  /// Applies one event of the user stream; ignores unknown types.
  void apply(const std::string& type, const nlohmann::json& data);

  /// The public profile of user `id`.
  profile view(const std::string& id) const;

  /// The profile fields `update` sets to a different value, as the payload of
  /// a `profile_updated` event (empty when nothing changes).
  nlohmann::json changes(const profile_update& update) const;

  nlohmann::json to_json() const;
  static user_state from_json(const nlohmann::json& doc);
};

}  // namespace griddle::actors
