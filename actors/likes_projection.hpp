// likes and favourites: per user, whom they like (favour) and who likes
// (favours) them; for likes also the matches, users who like each other.
// Projections keyed by user id, read from the activity events `liked` /
// `unliked` and `favourited` / `unfavourited` (tags [by, target]): the
// projection of `by` records a given entry, the projection of `target` a
// received one. An unlike removes the entry; a later like adds it anew.
//
// Queries: (get_atom) -> relations_view; (get_atom, uint32_t limit) ->
// relations_view with each list cut to `limit` (the counts stay complete).
// Lists are newest first, by event position.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/social_types.hpp"
#include "runtime/entity/entity_type.hpp"
#include "runtime/store/event_store.hpp"

namespace griddle::actors {

/// When an entry was made: the event's time and its position in the log.
struct entry_mark {
  int64_t at_ms = 0;
  uint64_t position = 0;
};

/// User id -> when the entry was made.
using marked_users = std::map<std::string, entry_mark>;

/// The entries of `users`, newest first, at most `limit`.
std::vector<social_entry> newest_first(const marked_users& users, uint32_t limit);

/// One relation (like or favourite) as seen by its owner: given and received.
class relations_state {
 public:
  /// `add` and `remove` are the event types that set and clear the relation.
  relations_state(std::string owner, std::string add, std::string remove, bool with_matches);

  /// Applies an `add` or `remove` event; ignores events not about the owner.
  /// Adding an entry that exists keeps the first one.
  void apply(const store::recorded_event& ev, const nlohmann::json& data);

  /// The lists, each cut to `limit`.
  relations_view view(uint32_t limit = std::numeric_limits<uint32_t>::max()) const;

  nlohmann::json to_json() const;
  void from_json(const nlohmann::json& doc);

  const marked_users& given() const noexcept { return given_; }
  const marked_users& received() const noexcept { return received_; }

 private:
  std::string owner_;
  std::string add_;
  std::string remove_;
  bool with_matches_;
  marked_users given_;
  marked_users received_;
};

/// The state of likes/<owner>.
class likes_state : public relations_state {
 public:
  explicit likes_state(std::string owner);
  static std::vector<std::string> event_types();
};

/// The state of favourites/<owner>.
class favourites_state : public relations_state {
 public:
  explicit favourites_state(std::string owner);
  static std::vector<std::string> event_types();
};

/// The registration of the `likes` projection type.
entity::entity_type likes_type();

/// The registration of the `favourites` projection type.
entity::entity_type favourites_type();

}  // namespace griddle::actors
