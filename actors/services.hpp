// What the reference application's entities share on one node: the password
// hashing pool, the clock and the tunables. Created before the node starts;
// `hasher` is filled in once the actor system runs (application.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <caf/actor.hpp>

#include "runtime/entity/entity_ref.hpp"

namespace griddle::actors {

struct services {
  /// The password hashing pool (password_hasher.hpp); hashing never runs on
  /// scheduler threads.
  caf::actor hasher;
  /// Unix time in milliseconds; tests replace it with a manual clock.
  std::function<int64_t()> now_ms;
  /// A session expires this long after it was last used.
  std::chrono::milliseconds session_ttl = std::chrono::hours(24 * 7);
  /// A session is renewed (an event written) at most this often.
  std::chrono::milliseconds session_renew_every = std::chrono::minutes(1);
  /// "Online now" means seen within this window.
  std::chrono::milliseconds online_window = std::chrono::minutes(5);
  /// Number of `online` projection shards ("online:0" ...).
  uint32_t online_shards = 16;
  /// Also registers deliberately wrong behaviour versions (feed@2-faulty),
  /// to show a rollout catching them; for demos and tests only.
  bool faulty_versions = false;
};

/// The tag of the `online` projection shard that tracks `user_id`.
inline std::string online_tag(const std::string& user_id, uint32_t shards) {
  return "online:" + std::to_string(stable_hash("online", user_id) % shards);
}

}  // namespace griddle::actors
