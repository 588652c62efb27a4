// session/<token digest>: one login. Keyed by the digest of its token, so
// the store never holds a token; a caller proves it holds the token by
// sending it, and the entity checks its digest against the key in constant
// time. A session expires `session_ttl` after it was last renewed; using it
// renews it (one `session_renewed` per `session_renew_every` at most).
#include <algorithm>

#include "actors/account_types.hpp"
#include "actors/accounts.hpp"
#include "actors/credentials.hpp"
#include "actors/events.hpp"
#include "actors/session_view.hpp"
#include "runtime/entity/entity_router.hpp"
#include "runtime/entity/event_sourced.hpp"
#include "runtime/entity/view_board.hpp"
#include "runtime/errc.hpp"

namespace griddle::actors {

namespace {

/// Hex characters of the digest that name a session (`session_info::session_id`).
constexpr size_t session_id_length = 16;

/// Hex characters of a token digest (credentials.hpp).
constexpr size_t digest_length = 64;

caf::error invalid_session() {
  return make_error(errc::unauthenticated, "invalid or expired session");
}

class session_entity final : public entity::event_sourced_behavior {
 public:
  session_entity(const entity::stored_state& st, std::shared_ptr<const services> svc)
      : event_sourced_behavior(st), svc_(std::move(svc)) {}

  void apply(const store::recorded_event& ev, const nlohmann::json& data) override {
    if (ev.type == events::session_started) {
      user_id_ = data.at("user_id").get<std::string>();
      created_ms_ = data.at("created_ms").get<int64_t>();
      renewed_ms_ = created_ms_;
      expires_ms_ = data.at("expires_ms").get<int64_t>();
    } else if (ev.type == events::session_renewed) {
      renewed_ms_ = data.at("seen_ms").get<int64_t>();
      expires_ms_ = data.at("expires_ms").get<int64_t>();
    } else if (ev.type == events::session_ended) {
      ended_ = true;
    }
  }

  nlohmann::json save_state() const override {
    return {{"user_id", user_id_},
            {"created_ms", created_ms_},
            {"renewed_ms", renewed_ms_},
            {"expires_ms", expires_ms_},
            {"ended", ended_}};
  }

  void load_state(const nlohmann::json& state) override {
    user_id_ = state.at("user_id").get<std::string>();
    created_ms_ = state.at("created_ms").get<int64_t>();
    renewed_ms_ = state.at("renewed_ms").get<int64_t>();
    expires_ms_ = state.at("expires_ms").get<int64_t>();
    ended_ = state.at("ended").get<bool>();
  }

  void handled() override { publish_view(); }

  /// Publishes the session's view while it is live and withdraws it
  /// otherwise (session_view.hpp).
  void publish_view() {
    auto until = std::min(expires_ms_, renewed_ms_ + svc_->session_renew_every.count());
    if (user_id_.empty() || ended_ || ending_ || !live(svc_->now_ms())) {
      slot_.withdraw();
      return;
    }
    if (slot_.published() && until == published_until_)
      return;
    slot_.publish(std::make_shared<const session_view>(session_view{user_id_, until, svc_}));
    published_until_ = until;
  }

  caf::behavior handlers(entity::entity_context& ctx) override {
    digest_ = ctx.ref().key;
    entity::bind_view(slot_, ctx);
    return {
        [this](start_session_atom, const std::string& user_id) -> caf::result<int64_t> {
          if (!user_id_.empty())
            return make_error(errc::conflict, "the session exists");
          if (user_id.empty() || digest_.size() != digest_length)
            return make_error(errc::invalid_argument, "a session needs a user id and a digest key");
          auto now = svc_->now_ms();
          nlohmann::json data{{"user_id", user_id},
                              {"session_id", session_id()},
                              {"created_ms", now},
                              {"expires_ms", now + svc_->session_ttl.count()}};
          return commit<int64_t>({{events::session_started, std::move(data), tags(user_id)}},
                                 [this] { return expires_ms_; });
        },
        [this](authenticate_atom, const std::string& token) -> caf::result<std::string> {
          auto now = svc_->now_ms();
          if (!holds(token) || !live(now))
            return invalid_session();
          if (now - renewed_ms_ < svc_->session_renew_every.count())
            return user_id_;
          nlohmann::json data{{"user_id", user_id_},
                              {"session_id", session_id()},
                              {"seen_ms", now},
                              {"expires_ms", now + svc_->session_ttl.count()}};
          return commit<std::string>({{events::session_renewed, std::move(data), tags(user_id_)}},
                                     [this] {
                                       publish_view();
                                       return user_id_;
                                     });
        },
        [this](logout_atom, const std::string& token) -> caf::result<void> {
          if (!holds(token))
            return invalid_session();
          return end("logout");
        },
        [this](revoke_atom, const std::string& by_user) -> caf::result<void> {
          if (user_id_.empty())
            return make_error(errc::not_found, "no such session");
          if (by_user != user_id_)
            return make_error(errc::forbidden, "the session belongs to another user");
          return end("revoked");
        },
    };
  }

 private:
  std::string session_id() const { return digest_.substr(0, session_id_length); }

  std::vector<std::string> tags(const std::string& user_id) const {
    return {user_id, online_tag(user_id, svc_->online_shards)};
  }

  /// Whether `token` is this session's token (and the session exists).
  bool holds(const std::string& token) const {
    return !user_id_.empty() && digests_equal(token_digest(token), digest_);
  }

  bool live(int64_t now) const { return !ended_ && now < expires_ms_; }

  /// Ends a live session for `reason`; an ended or expired one stays as it is.
  caf::result<void> end(const char* reason) {
    auto now = svc_->now_ms();
    if (!live(now))
      return caf::unit;
    // No reader may use the session from here on.
    ending_ = true;
    slot_.withdraw();
    auto rp = context().self()->make_response_promise();
    nlohmann::json data{
        {"user_id", user_id_}, {"session_id", session_id()}, {"reason", reason}, {"ended_ms", now}};
    append({{events::session_ended, std::move(data), tags(user_id_)}},
           [this, rp](const caf::error& err) mutable {
             ending_ = false;
             if (err)
               rp.deliver(err);
             else
               rp.deliver(caf::unit);
           });
    return rp;
  }

  std::shared_ptr<const services> svc_;
  std::string digest_;
  /// Empty until the session started.
  std::string user_id_;
  int64_t created_ms_ = 0;
  /// When the session was started or last renewed.
  int64_t renewed_ms_ = 0;
  int64_t expires_ms_ = 0;
  bool ended_ = false;
  /// Set while the end of the session is being stored.
  bool ending_ = false;
  /// The `fresh_until_ms` of the published view.
  int64_t published_until_ = 0;
  /// Declared last: withdraws the view first when the activation ends.
  entity::view_slot slot_;
};

}  // namespace

entity::entity_type session_type(std::shared_ptr<const services> svc) {
  entity::entity_type result;
  result.name = "session";
  // Every request names a session, most often an idle one: let them go soon.
  result.idle_timeout = std::chrono::minutes(2);
  result.factory = [svc](const entity_ref&, const entity::stored_state& st) {
    return std::make_unique<session_entity>(st, svc);
  };
  return result;
}

}  // namespace griddle::actors
