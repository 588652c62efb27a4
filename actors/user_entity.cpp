// user/<id>: the account, profile, blocks, photos and fans of one user
// (protocol in actors/accounts.hpp, state in actors/user_state.hpp).
#include <algorithm>

#include "actors/account_types.hpp"
#include "actors/account_validation.hpp"
#include "actors/accounts.hpp"
#include "actors/chat_types.hpp"
#include "actors/credentials.hpp"
#include "actors/events.hpp"
#include "actors/type_ids.hpp"
#include "actors/user_state.hpp"
#include "runtime/entity/entity_router.hpp"
#include "runtime/entity/event_sourced.hpp"
#include "runtime/entity/view_board.hpp"
#include "runtime/errc.hpp"

namespace griddle::actors {

namespace {

bool is_user_id(const std::string& x) {
  return !x.empty() && x.size() <= 20 &&
         std::all_of(x.begin(), x.end(), [](char c) { return c >= '0' && c <= '9'; });
}

caf::error not_registered() {
  return make_error(errc::not_found, "no such user");
}

class user_entity final : public entity::event_sourced_behavior {
 public:
  user_entity(const entity::stored_state& st, std::shared_ptr<const services> svc)
      : event_sourced_behavior(st), svc_(std::move(svc)) {}

  void apply(const store::recorded_event& ev, const nlohmann::json& data) override {
    // The published profile goes before the state it shows changes.
    slot_.withdraw();
    stale_ = true;
    st_.apply(ev.type, data);
  }

  /// Publishes the profile (a `profile` on the node's view board) once the
  /// user is registered and after each change, for the gateway's reads and
  /// its "does this user exist" checks.
  void handled() override {
    if (!stale_ || !st_.registered || !slot_.bound())
      return;
    slot_.publish(std::make_shared<const profile>(st_.view(id_)));
    stale_ = false;
  }

  nlohmann::json save_state() const override { return st_.to_json(); }

  void load_state(const nlohmann::json& state) override { st_ = user_state::from_json(state); }

  caf::behavior handlers(entity::entity_context& ctx) override {
    id_ = ctx.ref().key;
    entity::bind_view(slot_, ctx);
    return {
        [this](create_atom, account_record& rec) -> caf::result<void> {
          if (st_.registered)
            return make_error(errc::conflict, "user " + id_ + " already exists");
          nlohmann::json data{{"email", rec.email},
                              {"password_hash", rec.password_hash},
                              {"name", rec.name},
                              {"birth_year", rec.birth_year},
                              {"city", rec.city},
                              {"bio", rec.bio},
                              {"looking_for", rec.looking_for},
                              {"registered_ms", svc_->now_ms()}};
          return commit_void({{events::user_registered, std::move(data), {id_}}});
        },
        [this](caf::get_atom) -> caf::result<profile> {
          if (!st_.registered)
            return not_registered();
          return st_.view(id_);
        },
        [this](update_profile_atom, const profile_update& update) -> caf::result<profile> {
          if (!st_.registered)
            return not_registered();
          if (auto err = validate_profile_update(update, svc_->now_ms()))
            return err;
          auto data = st_.changes(update);
          if (data.empty())
            return st_.view(id_);
          return commit<profile>({{events::profile_updated, std::move(data), {id_}}},
                                 [this] { return st_.view(id_); });
        },
        [this](block_atom, const std::string& target) -> caf::result<void> {
          return set_block(target, true);
        },
        [this](unblock_atom, const std::string& target) -> caf::result<void> {
          return set_block(target, false);
        },
        [this](blocked_atom) -> caf::result<std::vector<std::string>> {
          if (!st_.registered)
            return not_registered();
          return std::vector<std::string>(st_.blocked.begin(), st_.blocked.end());
        },
        [this](add_photo_atom, const std::string& url) -> caf::result<photo> {
          if (!st_.registered)
            return not_registered();
          if (auto err = validate_photo_url(url))
            return err;
          photo added{std::to_string(st_.photos.size() + 1), url};
          // The fans' feeds read new photos by tag; the cap bounds one event's
          // fan-out (fans beyond it see the photo on the profile).
          std::vector<std::string> tags{id_};
          for (auto i = st_.fans.begin(); i != st_.fans.end() && tags.size() <= max_tagged_fans;
               ++i)
            tags.push_back(*i);
          return commit<photo>(
              {{events::photo_added, {{"photo_id", added.photo_id}, {"url", url}}, tags}},
              [added] { return added; });
        },
        [this](fan_atom, const std::string& fan, bool added) -> caf::result<void> {
          if (!st_.registered)
            return not_registered();
          if (!is_user_id(fan))
            return make_validation_error("fan", "is not a user id");
          if (st_.fans.count(fan) == (added ? 1u : 0u))
            return caf::unit;
          auto type = added ? events::fan_added : events::fan_removed;
          return commit_void({{type, {{"fan", fan}}, {}}});
        },
        [this](login_atom, std::string& password) -> caf::result<login_result> {
          return on_login(std::move(password));
        },
    };
  }

 private:
  /// Appends `events` and answers with no value once they are applied.
  caf::result<void> commit_void(std::vector<entity::new_event> events) {
    auto rp = context().self()->make_response_promise();
    append(std::move(events), [rp](const caf::error& err) mutable {
      if (err)
        rp.deliver(err);
      else
        rp.deliver(caf::unit);
    });
    return rp;
  }

  caf::result<void> set_block(const std::string& target, bool blocked) {
    if (!st_.registered)
      return not_registered();
    if (target == id_)
      return make_validation_error("target", "cannot block or unblock yourself");
    if (!is_user_id(target))
      return make_validation_error("target", "is not a user id");
    std::vector<entity::new_event> events;
    if (st_.blocked.count(target) != (blocked ? 1u : 0u))
      events.push_back({blocked ? events::user_blocked : events::user_unblocked,
                        {{"target", target}},
                        {id_, target}});
    // A repeated command writes nothing but still tells the conversation, so
    // a retry after a failed notification brings the two back in line.
    auto rp = context().self()->make_response_promise();
    append(std::move(events), [this, rp, target, blocked](const caf::error& err) mutable {
      if (err)
        rp.deliver(err);
      else
        notify_conversation(rp, target, blocked);
    });
    return rp;
  }

  /// Puts the block in force in the conversation with `target`, then answers.
  /// `then`, not `await`: the conversation may ask this user something while
  /// it handles the block, which must not deadlock.
  void notify_conversation(caf::response_promise rp, const std::string& target, bool blocked) {
    auto& ctx = context();
    ctx.router()
        .request(ctx.self(), entity_ref{"conversation", conversation_key(id_, target)},
                 account_request_timeout, set_block_atom_v, id_, blocked)
        .then([rp]() mutable { rp.deliver(caf::unit); },
              [rp](caf::error& err) mutable {
                // Until the chat area registers `conversation` the router answers
                // unknown_entity_type; the block then stands on its own.
                if (is(err, errc::unknown_entity_type))
                  rp.deliver(caf::unit);
                else
                  rp.deliver(std::move(err));
              });
  }

  caf::result<login_result> on_login(std::string password) {
    if (!st_.registered)
      return make_error(errc::unauthenticated, login_failed_message);
    auto& ctx = context();
    auto rp = ctx.self()->make_response_promise<login_result>();
    // `then`: the entity keeps serving its profile while the hasher works.
    ctx.self()
        ->request(svc_->hasher, hasher_timeout, verify_atom_v, st_.password_hash,
                  std::move(password))
        .then(
            [this, rp](bool ok) mutable {
              if (ok)
                start_session(rp);
              else
                rp.deliver(make_error(errc::unauthenticated, login_failed_message));
            },
            [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
    return rp;
  }

  void start_session(caf::typed_response_promise<login_result> rp) {
    auto token = new_session_token();
    auto& ctx = context();
    ctx.router()
        .request(ctx.self(), entity_ref{"session", token_digest(token)}, account_request_timeout,
                 start_session_atom_v, id_)
        .then(
            [this, rp, token](int64_t expires_ms) mutable {
              rp.deliver(login_result{id_, token, expires_ms});
            },
            [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  }

  std::shared_ptr<const services> svc_;
  std::string id_;
  user_state st_;
  /// Whether the state changed since the profile was published.
  bool stale_ = true;
  /// Declared last: withdraws the profile first when the activation ends.
  entity::view_slot slot_;
};

}  // namespace

entity::entity_type user_type(std::shared_ptr<const services> svc) {
  entity::entity_type result;
  result.name = "user";
  result.factory = [svc](const entity_ref&, const entity::stored_state& st) {
    return std::make_unique<user_entity>(st, svc);
  };
  // Peeks (operators, the admin shell) never show the password hash.
  result.redact = [](const std::string& snapshot) {
    auto doc = nlohmann::json::parse(snapshot, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
      return std::string{"(unreadable snapshot)"};
    if (doc.contains("s") && doc["s"].is_object() && doc["s"].contains("password_hash"))
      doc["s"]["password_hash"] = "(redacted)";
    return doc.dump();
  };
  return result;
}

}  // namespace griddle::actors
