// feed: a user's news, newest first. A projection keyed by user id that reads
//   liked / unliked            (tags [by, target])  "liked", "matched"
//   favourited / unfavourited  (tags [by, target])  "favourited"
//   profile_visited            (tags [target])      "visited"
//   photo_added                (tags [owner, fans]) "photo" (by a favourite)
// Item kinds are described at `feed_item` (social_types.hpp). A like that
// makes two users like each other gives both a "matched" item (for the user
// liked back it replaces "liked": one item per event, so the event position
// is a unique cursor). The feed shows relations that still hold: an unlike
// removes that user's "liked" and "matched" items, an unfavourite their
// "favourited" items; visits and photos stay.
//
// Keeps the newest `feed_capacity` items; older ones fall off.
//
// Query: (get_atom, uint64_t before, uint32_t limit) -> feed_page, the items
// with cursor < `before` (0: from the newest), at most `limit` (0 or more than
// 100: 100). The cursor is the event's log position.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/paged_view.hpp"
#include "actors/social_types.hpp"
#include "runtime/entity/entity_type.hpp"
#include "runtime/store/event_store.hpp"

namespace griddle::actors {

/// Items a feed keeps.
constexpr size_t feed_capacity = 500;

/// What feed/<owner> publishes on its node's view board (view_board.hpp):
/// its items, newest first, paged exactly as the projection pages them, so
/// the gateway reads a feed page on its own thread.
using feed_view = paged_view<feed_item, feed_page>;

/// The state of feed/<owner>.
class feed_state {
 public:
  explicit feed_state(std::string owner, size_t capacity = feed_capacity);

  static std::vector<std::string> event_types();

  void apply(const store::recorded_event& ev, const nlohmann::json& data);

  feed_page page(uint64_t before, uint32_t limit) const;

  /// The items, newest first, as a view to publish.
  feed_view view() const;

  /// Items held.
  size_t size() const noexcept { return items_.size(); }

  nlohmann::json to_json() const;
  void from_json(const nlohmann::json& doc);

  // -- for later versions built on this one (feed_v2.hpp) ----------------------

  /// The items by cursor, oldest first.
  const std::map<uint64_t, feed_item>& items() const noexcept { return items_; }

  /// Removes the items `pred` selects.
  void remove_if(const std::function<bool(const feed_item&)>& pred);

 private:
  void on_like(const store::recorded_event& ev, const nlohmann::json& data, bool added);
  void add(feed_item item);

  std::string owner_;
  size_t capacity_;
  /// Cursor -> item.
  std::map<uint64_t, feed_item> items_;
  /// Whom the owner likes and who likes the owner, to see matches happen.
  std::set<std::string> likes_;
  std::set<std::string> liked_by_;
};

/// The registration of the `feed` projection type.
entity::entity_type feed_type();

/// The experiment on feed ranking and its arm that puts mutual likes first
/// (the other arms keep newest first). The gateway assigns the arm and sends
/// it with each feed request (runtime/entity/request_arms.hpp).
constexpr const char* feed_ranking_experiment = "feed-ranking";
constexpr std::string_view matched_first_arm = "matched_first";

/// Moves the "matched" items of `page` to its front, keeping both groups' order.
void put_matches_first(feed_page& page);

/// Ranks `page` for `arm` of the feed-ranking experiment: matched first for
/// `matched_first_arm`, unchanged otherwise.
void rank_feed_page(feed_page& page, std::string_view arm);

}  // namespace griddle::actors
