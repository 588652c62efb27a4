// feed@2: the second behaviour version of the `feed` projection
// (feed_projection.hpp). It reads the same events and makes the same kinds of
// items as feed@1, with two changes:
//   - Visits fold: a visit by X removes X's older "visited" item, so X
//     appears once, at the position and time of the latest visit.
//   - Mutual likes first: within each page the "matched" items come before
//     the others; each group stays newest first.
// Which items a page holds, and its `next_cursor`, follow feed@1's rules over
// feed@2's (folded) items: the newest `page_size(limit)` items with cursor <
// `before`; `next_cursor` the smallest cursor of the page when older items
// remain, else 0. Only the order inside a page changes.
//
// Snapshots have feed@1's format; `from_json` folds a feed@1 snapshot.
//
// `feed_state_v2_faulty` is feed@2 with a deliberate bug, to prove that ghost
// comparison catches faults (see the class). Never register it in production.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/feed_projection.hpp"
#include "actors/social_types.hpp"
#include "runtime/entity/entity_type.hpp"
#include "runtime/store/event_store.hpp"

namespace griddle::actors {

/// What feed@2 publishes on its node's view board: its items, paged exactly
/// as `feed_state_v2::page` pages them. A `feed_view` (paged_view) cannot be
/// used: its pages are slices of one list, and matched-first order depends on
/// where a page starts and ends. Immutable; safe to read from any thread.
class feed_view_v2 {
 public:
  explicit feed_view_v2(feed_view newest_first) : items_(std::move(newest_first)) {}

  feed_page page(uint64_t before, uint32_t limit) const;

  size_t size() const noexcept { return items_.size(); }

 private:
  feed_view items_;
};

/// The state of feed/<owner> under feed@2. Same interface as `feed_state`.
class feed_state_v2 {
 public:
  explicit feed_state_v2(std::string owner, size_t capacity = feed_capacity);

  static std::vector<std::string> event_types() { return feed_state::event_types(); }

  void apply(const store::recorded_event& ev, const nlohmann::json& data);

  feed_page page(uint64_t before, uint32_t limit) const;

  /// The items as a view to publish.
  feed_view_v2 view() const;

  /// Items held.
  size_t size() const noexcept { return items_.size(); }

  nlohmann::json to_json() const { return items_.to_json(); }

  /// Restores a snapshot of feed@1 or feed@2, folding the visits in it.
  void from_json(const nlohmann::json& doc);

 protected:
  /// Whether a newer visit by `visitor` supersedes item `x`.
  using fold_rule = bool (*)(const feed_item& x, const std::string& visitor);

  feed_state_v2(std::string owner, size_t capacity, fold_rule folds);

 private:
  std::string owner_;
  /// feed@1's items, relations and capacity, with folded visits removed.
  feed_state items_;
  fold_rule folds_;
};

/// feed@2 with a deliberate fault: a visit by X also removes X's "matched"
/// item (the fold tests the kind against "visited" or "matched"). A user whom
/// a match visits afterwards loses that match from the feed; nothing crashes.
class feed_state_v2_faulty : public feed_state_v2 {
 public:
  explicit feed_state_v2_faulty(std::string owner, size_t capacity = feed_capacity);
};

/// The `feed` projection type with behaviour version "2": name, query, tag
/// prefix and view publishing as `feed_type()`, publishing `feed_view_v2`.
entity::entity_type feed_v2_type();

/// As `feed_v2_type()`, running `feed_state_v2_faulty` (tests and drills only).
entity::entity_type feed_v2_faulty_type();

// -- comparing feed@1 and feed@2 replies ----------------------------------------

/// `{"items": [{cursor, kind, user_id, at_ms, photo_id, photo_url}...], "next_cursor"}`.
nlohmann::json feed_page_to_json(const feed_page& page);

/// What feed@1 and feed@2 must agree on in a page (`feed_page_to_json`): the
/// sorted distinct `[kind, user_id, photo_id]` of its items, so order, cursors,
/// times and repeated visits do not count. Only meaningful for a page that
/// holds a whole feed (`page(0, 100)` of fewer than 100 items): folding
/// removes items, so page boundaries and `next_cursor` differ between versions.
/// Fits `entity::behaviour_version::meaning`.
nlohmann::json feed_page_meaning(const nlohmann::json& page_json);

/// What a first page of feed@1 (`stable`) and of feed@2 (`candidate`) must
/// agree on, rewriting both in place: the `feed_page_meaning` of the items
/// in the cursor range the stable page covers (all of it when the stable
/// page holds the whole feed). Fits `entity::behaviour_version::agree`.
void feed_pages_agree(nlohmann::json& stable, nlohmann::json& candidate);

/// How feed replies are compared in a rollout: pages as `feed_page_to_json`.
rollout::comparison_rules feed_comparison();

/// Registers feed@2 (and, with `faulty`, feed@2-faulty) as versions of the
/// registered `feed` type, compared by `feed_page_meaning`.
void add_feed_versions(entity::entity_type_registry& registry, bool faulty);

}  // namespace griddle::actors
