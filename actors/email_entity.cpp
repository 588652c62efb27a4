// email/<normalized address>: who owns an address. Registration runs here
// from validation to `email_claimed` while the entity handles nothing else
// (every step is awaited), so of concurrent registrations of one address
// exactly one succeeds and the others see it claimed.
#include <cstdint>
#include <stdexcept>

#include <sodium.h>

#include "actors/account_types.hpp"
#include "actors/account_validation.hpp"
#include "actors/accounts.hpp"
#include "actors/events.hpp"
#include "actors/type_ids.hpp"
#include "runtime/entity/entity_router.hpp"
#include "runtime/entity/event_sourced.hpp"
#include "runtime/errc.hpp"

namespace griddle::actors {

namespace {

/// New user ids tried before a registration gives up (a collision of random
/// 63-bit ids is already unlikely once).
constexpr int max_id_attempts = 5;

/// A random positive 63-bit number in decimal.
std::string new_user_id() {
  static const bool sodium_ready = sodium_init() >= 0;
  if (!sodium_ready)
    throw std::runtime_error("libsodium failed to initialise");
  uint64_t x = 0;
  while (x == 0) {
    randombytes_buf(&x, sizeof(x));
    x &= static_cast<uint64_t>(INT64_MAX);
  }
  return std::to_string(x);
}

class email_entity final : public entity::event_sourced_behavior {
 public:
  email_entity(const entity::stored_state& st, std::shared_ptr<const services> svc)
      : event_sourced_behavior(st), svc_(std::move(svc)) {}

  void apply(const store::recorded_event& ev, const nlohmann::json& data) override {
    if (ev.type == events::email_claimed)
      user_id_ = data.at("user_id").get<std::string>();
  }

  nlohmann::json save_state() const override { return {{"user_id", user_id_}}; }

  void load_state(const nlohmann::json& state) override {
    user_id_ = state.value("user_id", std::string{});
  }

  caf::behavior handlers(entity::entity_context&) override {
    return {
        [this](register_atom, registration& x) -> caf::result<std::string> {
          return on_register(std::move(x));
        },
        [this](login_atom, std::string& password) -> caf::result<login_result> {
          return on_login(std::move(password));
        },
    };
  }

 private:
  caf::result<std::string> on_register(registration x) {
    if (auto err = validate_registration(x, svc_->now_ms()))
      return err;
    auto address = normalize_email(x.email);
    if (address != context().ref().key)
      return make_error(errc::invalid_argument, "the address belongs to another email entity");
    if (!user_id_.empty())
      return make_error(errc::conflict, "the email address is already registered");
    account_record rec{address, {}, x.name, x.birth_year, x.city, x.bio, x.looking_for};
    auto rp = context().self()->make_response_promise<std::string>();
    context()
        .self()
        ->request(svc_->hasher, hasher_timeout, hash_atom_v, std::move(x.password))
        .await(
            [this, rp, rec](std::string& hash) mutable {
              rec.password_hash = std::move(hash);
              create_user(std::move(rec), max_id_attempts, rp);
            },
            [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
    return rp;
  }

  /// Asks a fresh user/<id> to create itself; another id if that one exists.
  void create_user(account_record rec, int attempts_left,
                   caf::typed_response_promise<std::string> rp) {
    auto id = new_user_id();
    auto& ctx = context();
    ctx.router()
        .request(ctx.self(), entity_ref{"user", id}, account_request_timeout, create_atom_v, rec)
        .await([this, id, rp]() mutable { claim(id, rp); },
               [this, rec, attempts_left, rp](caf::error& err) mutable {
                 if (is(err, errc::conflict) && attempts_left > 1)
                   create_user(std::move(rec), attempts_left - 1, rp);
                 else
                   rp.deliver(std::move(err));
               });
  }

  void claim(const std::string& id, caf::typed_response_promise<std::string> rp) {
    append({{events::email_claimed, {{"user_id", id}}, {}}},
           [id, rp](const caf::error& err) mutable {
             if (err)
               rp.deliver(err);
             else
               rp.deliver(id);
           });
  }

  caf::result<login_result> on_login(std::string password) {
    auto& ctx = context();
    if (!user_id_.empty()) {
      auto rp = ctx.self()->make_response_promise();
      ctx.router().delegate(rp, entity_ref{"user", user_id_}, login_atom_v, std::move(password));
      return rp;
    }
    // Hash the password anyway: an unknown address then costs what a wrong
    // password costs, so the answer's timing does not reveal who is a member.
    auto rp = ctx.self()->make_response_promise<login_result>();
    ctx.self()
        ->request(svc_->hasher, hasher_timeout, hash_atom_v, std::move(password))
        .then(
            [rp](std::string&) mutable {
              rp.deliver(make_error(errc::unauthenticated, login_failed_message));
            },
            [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
    return rp;
  }

  std::shared_ptr<const services> svc_;
  /// The owner; empty while the address is free.
  std::string user_id_;
};

}  // namespace

entity::entity_type email_type(std::shared_ptr<const services> svc) {
  entity::entity_type result;
  result.name = "email";
  result.idle_timeout = std::chrono::minutes(1);
  result.factory = [svc](const entity_ref&, const entity::stored_state& st) {
    return std::make_unique<email_entity>(st, svc);
  };
  return result;
}

}  // namespace griddle::actors
