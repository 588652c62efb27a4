// presence: when a user was last seen and how often, per user id. The first
// entity type of the reference application; the "online now" list reads it.
//
// Protocol:
//   (touch_atom, int64_t now_ms) -> presence_info   records a sighting
//   (caf::get_atom)              -> presence_info
#pragma once

#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>

#include "runtime/entity/entity_type.hpp"

namespace griddle::actors {

struct presence_info {
  /// Unix time of the last sighting in milliseconds; 0 when never seen.
  int64_t last_seen_ms = 0;
  uint64_t sightings = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, presence_info& x) {
  return f(caf::meta::type_name("presence_info"), x.last_seen_ms, x.sightings);
}

/// The registration of the `presence` type.
entity::entity_type presence_type();

}  // namespace griddle::actors
