// online: who is online now. The users are spread over `services::
// online_shards` projections keyed "online:0" ... "online:N-1" (tag prefix
// "online"; `online_tag` picks a user's shard). Each reads its users'
// session_started / session_renewed / session_ended events (tags [user_id,
// online:N]) and keeps, per user, the last time each open session was seen
// (created_ms / seen_ms). A user is online while one of their sessions was
// seen within `services::online_window` of the clock at query time; ending
// one session leaves the user's other sessions open. Users not seen within
// the window of the newest event are dropped, so a shard stays small.
//
// Query (one shard): (get_atom) -> online_users, most recently seen first.
// All shards: `request_online` asks every shard and merges the answers with
// `merge_online`; a caller with its own fan-out can merge the same way.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/services.hpp"
#include "actors/social_types.hpp"
#include "runtime/entity/entity_router.hpp"
#include "runtime/entity/entity_type.hpp"
#include "runtime/store/event_store.hpp"

namespace griddle::actors {

/// What an online shard publishes on its node's view board
/// (runtime/entity/view_board.hpp): everyone it tracks, most recently seen
/// first, with the window and the clock to pick who is online at read time.
class online_view {
 public:
  online_view(std::vector<social_entry> newest_first, std::chrono::milliseconds window,
              std::shared_ptr<const services> svc)
      : entries_(std::move(newest_first)), window_(window), svc_(std::move(svc)) {}

  /// The users the shard would answer now (`online_state::online_at` with
  /// the clock's time), at most `limit` of them.
  online_users online_now(size_t limit) const;

 private:
  std::vector<social_entry> entries_;
  std::chrono::milliseconds window_;
  std::shared_ptr<const services> svc_;
};

/// The state of one online shard.
class online_state {
 public:
  explicit online_state(std::chrono::milliseconds window);

  static std::vector<std::string> event_types();

  void apply(const store::recorded_event& ev, const nlohmann::json& data);

  /// The users seen within the window before `now_ms`, newest first.
  online_users online_at(int64_t now_ms) const;

  /// Everyone tracked, as a view to publish.
  online_view view(std::shared_ptr<const services> svc) const;

  /// Users the shard holds (online or not yet dropped).
  size_t tracked() const noexcept { return sessions_.size(); }

  nlohmann::json to_json() const;
  void from_json(const nlohmann::json& doc);

 private:
  void seen(const std::string& user, const std::string& session, int64_t at_ms);
  void ended(const std::string& user, const std::string& session);
  /// Re-indexes `user` after its sessions changed.
  void reindex(const std::string& user);
  void drop_stale();

  std::chrono::milliseconds window_;
  /// The newest event time applied.
  int64_t latest_ms_ = 0;
  /// User -> open session -> last seen.
  std::map<std::string, std::map<std::string, int64_t>> sessions_;
  /// Derived from sessions_: user -> last seen, and (last seen, user).
  std::map<std::string, int64_t> last_seen_;
  std::set<std::pair<int64_t, std::string>> by_seen_;
};

/// The key of online shard `index`, e.g. "online:3".
inline std::string online_shard_key(uint32_t index) {
  return "online:" + std::to_string(index);
}

/// The shards' lists merged: most recently seen first, each user once (with
/// their latest time), at most `limit`.
online_users merge_online(const std::vector<online_users>& shards,
                          size_t limit = std::numeric_limits<size_t>::max());

/// Asks each of the `shards` online projections from `self` (an event-based
/// actor) and calls `done` once: with the merged list, or with the first
/// error when a shard fails to answer within `timeout`.
template <class Self>
void request_online(Self* self, entity::entity_router& router, uint32_t shards,
                    caf::timespan timeout, std::function<void(caf::expected<online_users>)> done) {
  struct gathering {
    std::vector<online_users> parts;
    caf::error err;
    uint32_t pending = 0;
    std::function<void(caf::expected<online_users>)> done;
    void arrived() {
      if (--pending != 0)
        return;
      if (err)
        done(std::move(err));
      else
        done(merge_online(parts));
    }
  };
  if (shards == 0) {
    done(online_users{});
    return;
  }
  auto g = std::make_shared<gathering>();
  g->pending = shards;
  g->done = std::move(done);
  for (uint32_t i = 0; i < shards; ++i)
    router.request(self, entity_ref{"online", online_shard_key(i)}, timeout, caf::get_atom_v)
        .then(
            [g](online_users& part) {
              g->parts.push_back(std::move(part));
              g->arrived();
            },
            [g](caf::error& err) {
              if (!g->err)
                g->err = std::move(err);
              g->arrived();
            });
}

/// The registration of the `online` projection type.
entity::entity_type online_type(std::shared_ptr<const services> svc);

}  // namespace griddle::actors
