// sessions/<user id>: the live sessions of one user, from the session
// events tagged with the user's id. It keeps each session's digest (not a
// secret: it cannot be turned back into the token, and authenticating needs
// the token) so the owner can revoke a session by its short id. Like every
// projection it lags the sessions by a moment.
#include <algorithm>
#include <map>

#include <caf/event_based_actor.hpp>

#include "actors/account_types.hpp"
#include "actors/accounts.hpp"
#include "actors/events.hpp"
#include "runtime/entity/entity_router.hpp"
#include "runtime/entity/projection.hpp"
#include "runtime/errc.hpp"

namespace griddle::actors {

namespace {

/// Prefix of a session stream's name; the rest is the digest.
constexpr std::string_view session_stream_prefix = "session/";

struct session_entry {
  std::string digest;
  int64_t created_ms = 0;
  int64_t expires_ms = 0;
  int64_t last_seen_ms = 0;
};

class sessions_projection final : public entity::projection_behavior {
 public:
  sessions_projection(const entity::stored_state& st, std::shared_ptr<const services> svc)
      : projection_behavior(st), svc_(std::move(svc)) {}

  void apply(const store::recorded_event& ev, const nlohmann::json& data) override {
    auto id = data.at("session_id").get<std::string>();
    if (ev.type == events::session_started) {
      auto created = data.at("created_ms").get<int64_t>();
      auto digest = ev.stream.substr(std::min(ev.stream.size(), session_stream_prefix.size()));
      sessions_[id] = {digest, created, data.at("expires_ms").get<int64_t>(), created};
      forget_long_expired();
    } else if (ev.type == events::session_renewed) {
      if (auto i = sessions_.find(id); i != sessions_.end()) {
        i->second.last_seen_ms = data.at("seen_ms").get<int64_t>();
        i->second.expires_ms = data.at("expires_ms").get<int64_t>();
      }
    } else if (ev.type == events::session_ended) {
      sessions_.erase(id);
    }
  }

  nlohmann::json save_state() const override {
    auto result = nlohmann::json::object();
    for (auto& [id, x] : sessions_)
      result[id] = {{"digest", x.digest},
                    {"created_ms", x.created_ms},
                    {"expires_ms", x.expires_ms},
                    {"last_seen_ms", x.last_seen_ms}};
    return result;
  }

  void load_state(const nlohmann::json& state) override {
    sessions_.clear();
    for (auto& [id, x] : state.items())
      sessions_[id] = {x.at("digest").get<std::string>(), x.at("created_ms").get<int64_t>(),
                       x.at("expires_ms").get<int64_t>(), x.at("last_seen_ms").get<int64_t>()};
  }

  caf::behavior handlers(entity::entity_context& ctx) override {
    return {
        [this](sessions_atom) {
          auto now = svc_->now_ms();
          std::vector<session_info> result;
          for (auto& [id, x] : sessions_)
            if (x.expires_ms > now)
              result.push_back({id, x.created_ms, x.expires_ms, x.last_seen_ms});
          std::sort(result.begin(), result.end(), [](const session_info& a, const session_info& b) {
            return a.created_ms != b.created_ms ? a.created_ms > b.created_ms
                                                : a.session_id < b.session_id;
          });
          return result;
        },
        [this, &ctx](revoke_atom, const std::string& session_id) -> caf::result<void> {
          auto i = sessions_.find(session_id);
          if (i == sessions_.end() || i->second.expires_ms <= svc_->now_ms())
            return make_error(errc::not_found, "no such session");
          // The session checks the owner itself and answers the caller.
          auto rp = ctx.self()->make_response_promise();
          ctx.router().delegate(rp, entity_ref{"session", i->second.digest}, revoke_atom_v,
                                ctx.ref().key);
          return rp;
        },
    };
  }

 private:
  /// Expiry writes no event, so queries skip expired sessions and the state
  /// forgets them only once a late renewal cannot be in flight any more.
  void forget_long_expired() {
    auto cutoff = svc_->now_ms() - svc_->session_ttl.count();
    for (auto i = sessions_.begin(); i != sessions_.end();)
      i = i->second.expires_ms < cutoff ? sessions_.erase(i) : std::next(i);
  }

  std::shared_ptr<const services> svc_;
  /// By session id.
  std::map<std::string, session_entry> sessions_;
};

}  // namespace

entity::entity_type sessions_type(std::shared_ptr<const services> svc) {
  return entity::make_projection_type(
      "sessions", {events::session_started, events::session_renewed, events::session_ended},
      [svc](const entity_ref&, const entity::stored_state& st) {
        return std::make_unique<sessions_projection>(st, svc);
      });
}

}  // namespace griddle::actors
