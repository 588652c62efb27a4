// activity: what one user does to others — likes, favourites, profile visits,
// and when they last looked at their alerts. Event-sourced, keyed by the
// ACTING user's id, stream `activity/<id>`; the events (actors/events.hpp,
// activity section) feed the likes, favourites, visitors, feed and alerts
// projections of both sides.
//
// Protocol: see actors/social_types.hpp. Commands are idempotent where that
// is natural: liking a liked user, unliking a user not liked (same for
// favourites) and a second visit on the same UTC day write nothing and answer
// the current state with `changed == false`. After `favourited` /
// `unfavourited` the entity tells user/<target> `(fan_atom, me, added)`
// without waiting for the answer (a failure there is ignored: the event is
// the record).
//
// Errors: validation_failed on field "target" (not a decimal user id, or the
// user themself) or "kind" (not likes, visitors or messages).
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/services.hpp"
#include "runtime/entity/entity_type.hpp"

namespace griddle::actors {

/// The activity entity's state, without the actor: the fold of its events.
class activity_state {
 public:
  /// Applies one event of the activity stream (unknown types are ignored).
  void apply(const std::string& type, const nlohmann::json& data);

  nlohmann::json to_json() const;
  void from_json(const nlohmann::json& doc);

  bool likes(const std::string& target) const { return liked_.count(target) != 0; }
  bool favours(const std::string& target) const { return favourites_.count(target) != 0; }

  /// Whether a visit to `target` on `day` ("YYYY-MM-DD") is already recorded.
  /// Only the latest day with visits is remembered.
  bool visited(const std::string& target, const std::string& day) const {
    return day == visit_day_ && visited_today_.count(target) != 0;
  }

 private:
  std::set<std::string> liked_;
  std::set<std::string> favourites_;
  std::string visit_day_;
  std::set<std::string> visited_today_;
};

/// The UTC calendar day of a Unix time in milliseconds, as "YYYY-MM-DD".
std::string utc_day(int64_t unix_ms);

/// The registration of the `activity` entity type.
entity::entity_type activity_type(std::shared_ptr<const services> svc);

}  // namespace griddle::actors
