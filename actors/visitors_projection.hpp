// visitors: who looked at a user's profile, one entry per visitor per UTC
// day, newest first. A projection keyed by user id, read from
// `profile_visited` (tags [target]). The activity entity writes one event per
// visitor, target and day, but the projection deduplicates again by (visitor,
// day), so a second event for the same pair changes nothing.
//
// Keeps the newest `visitors_capacity` entries; older ones fall off.
//
// Query: (get_atom, uint64_t before, uint32_t limit) -> visitors_page, the
// entries with cursor < `before` (0: from the newest), at most `limit`
// (0 or more than 100: 100). The cursor is the event's log position.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/paged_view.hpp"
#include "actors/social_types.hpp"
#include "runtime/entity/entity_type.hpp"
#include "runtime/store/event_store.hpp"

namespace griddle::actors {

/// Entries a visitors projection keeps.
constexpr size_t visitors_capacity = 1000;

/// The state of visitors/<owner>.
/// What visitors/<owner> publishes on its node's view board: its entries,
/// newest first, paged as the projection pages them.
using visitors_view = paged_view<visit_entry, visitors_page>;

class visitors_state {
 public:
  explicit visitors_state(std::string owner, size_t capacity = visitors_capacity);

  static std::vector<std::string> event_types();

  void apply(const store::recorded_event& ev, const nlohmann::json& data);

  visitors_page page(uint64_t before, uint32_t limit) const;

  /// The entries, newest first, as a view to publish.
  visitors_view view() const { return visitors_view::of(visits_); }

  /// Entries held.
  size_t size() const noexcept { return visits_.size(); }

  nlohmann::json to_json() const;
  void from_json(const nlohmann::json& doc);

 private:
  void add(visit_entry entry);

  std::string owner_;
  size_t capacity_;
  /// Cursor -> entry.
  std::map<uint64_t, visit_entry> visits_;
  /// (visitor, day) of every entry, for deduplication.
  std::set<std::pair<std::string, std::string>> seen_;
};

/// The registration of the `visitors` projection type.
entity::entity_type visitors_type();

}  // namespace griddle::actors
