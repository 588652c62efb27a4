// What session/<token digest> publishes on its node's view board
// (runtime/entity/view_board.hpp), so the gateway checks a bearer token on
// its own thread: the board's key is the token's digest, so finding the view
// means the token is the session's.
//
// A view is published only for a live session and withdrawn before the
// session ends (logout, revocation). It stays usable until the earlier of the
// session's expiry and its next renewal; after that the gateway asks the
// entity, which renews the session (an event) and publishes a fresh view.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "actors/services.hpp"

namespace griddle::actors {

struct session_view {
  std::string user_id;
  /// The earlier of the session's expiry and its next renewal.
  int64_t fresh_until_ms = 0;
  /// The clock the session entity uses.
  std::shared_ptr<const services> svc;

  bool fresh() const { return svc->now_ms() < fresh_until_ms; }
};

}  // namespace griddle::actors
