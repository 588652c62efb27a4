#include "actors/activity_entity.hpp"

#include <cstdio>
#include <utility>
#include <vector>

#include <caf/event_based_actor.hpp>

#include "actors/account_types.hpp"
#include "actors/events.hpp"
#include "actors/social_fields.hpp"
#include "actors/social_types.hpp"
#include "runtime/entity/entity_router.hpp"
#include "runtime/entity/event_sourced.hpp"
#include "runtime/errc.hpp"

namespace griddle::actors {

// -- activity_state ------------------------------------------------------------

void activity_state::apply(const std::string& type, const nlohmann::json& data) {
  auto target = text_field(data, "target");
  if (type == events::liked) {
    liked_.insert(target);
  } else if (type == events::unliked) {
    liked_.erase(target);
  } else if (type == events::favourited) {
    favourites_.insert(target);
  } else if (type == events::unfavourited) {
    favourites_.erase(target);
  } else if (type == events::profile_visited) {
    auto day = text_field(data, "day");
    if (day != visit_day_) {
      // A new day: yesterday's visits no longer matter.
      visit_day_ = day;
      visited_today_.clear();
    }
    visited_today_.insert(target);
  }
}

nlohmann::json activity_state::to_json() const {
  return {{"liked", liked_},
          {"favourites", favourites_},
          {"visit_day", visit_day_},
          {"visited", visited_today_}};
}

void activity_state::from_json(const nlohmann::json& doc) {
  liked_ = doc.at("liked").get<std::set<std::string>>();
  favourites_ = doc.at("favourites").get<std::set<std::string>>();
  visit_day_ = doc.at("visit_day").get<std::string>();
  visited_today_ = doc.at("visited").get<std::set<std::string>>();
}

// -- helpers -------------------------------------------------------------------

std::string utc_day(int64_t unix_ms) {
  // Howard Hinnant's civil_from_days, on days since 1970-01-01.
  constexpr int64_t ms_per_day = 86'400'000;
  int64_t days = unix_ms / ms_per_day - (unix_ms % ms_per_day < 0 ? 1 : 0);
  days += 719'468;
  int64_t era = (days >= 0 ? days : days - 146'096) / 146'097;
  auto doe = days - era * 146'097;
  auto yoe = (doe - doe / 1'460 + doe / 36'524 - doe / 146'096) / 365;
  auto doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  auto mp = (5 * doy + 2) / 153;
  auto day = doy - (153 * mp + 2) / 5 + 1;
  auto month = mp < 10 ? mp + 3 : mp - 9;
  auto year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld-%02lld-%02lld", static_cast<long long>(year),
                static_cast<long long>(month), static_cast<long long>(day));
  return buf;
}

namespace {

/// Whether `id` looks like a user id: 1 to 20 decimal digits.
bool is_user_id(const std::string& id) {
  if (id.empty() || id.size() > 20)
    return false;
  for (auto c : id)
    if (c < '0' || c > '9')
      return false;
  return true;
}

/// How long the fan notification to user/<target> may take.
constexpr auto fan_notice_timeout = std::chrono::seconds(10);

class activity final : public entity::event_sourced_behavior {
 public:
  activity(const entity::stored_state& st, std::shared_ptr<const services> svc)
      : event_sourced_behavior(st), svc_(std::move(svc)) {}

  void apply(const store::recorded_event& ev, const nlohmann::json& data) override {
    state_.apply(ev.type, data);
  }

  nlohmann::json save_state() const override { return state_.to_json(); }

  void load_state(const nlohmann::json& doc) override { state_.from_json(doc); }

  caf::behavior handlers(entity::entity_context& ctx) override {
    me_ = ctx.ref().key;
    return {
        [this](like_atom, const std::string& target) {
          return relate(target, relation::like, true);
        },
        [this](unlike_atom, const std::string& target) {
          return relate(target, relation::like, false);
        },
        [this](favourite_atom, const std::string& target) {
          return relate(target, relation::favourite, true);
        },
        [this](unfavourite_atom, const std::string& target) {
          return relate(target, relation::favourite, false);
        },
        [this](visit_atom, const std::string& target) { return visit(target); },
        [this](alerts_seen_atom, const std::string& kind) { return alerts_seen(kind); },
        [this](caf::get_atom, const std::string& target) -> caf::result<relation_state> {
          if (auto err = check_target(target))
            return err;
          return view(target, false);
        },
    };
  }

 private:
  caf::error check_target(const std::string& target) const {
    if (!is_user_id(target))
      return make_validation_error("target", "must be a user id");
    if (target == me_)
      return make_validation_error("target", "must be another user");
    return {};
  }

  relation_state view(const std::string& target, bool changed) const {
    return relation_state{target, state_.likes(target), state_.favours(target), changed};
  }

  nlohmann::json payload(const std::string& target, int64_t at_ms) const {
    return {{"by", me_}, {"target", target}, {"at_ms", at_ms}};
  }

  enum class relation { like, favourite };

  /// like / unlike / favourite / unfavourite: sets `rel` to `on`.
  caf::result<relation_state> relate(const std::string& target, relation rel, bool on) {
    if (auto err = check_target(target))
      return err;
    bool like = rel == relation::like;
    bool is_on = like ? state_.likes(target) : state_.favours(target);
    if (is_on == on)
      return view(target, false);
    auto type = like ? (on ? events::liked : events::unliked)
                     : (on ? events::favourited : events::unfavourited);
    std::vector<entity::new_event> evs{{type, payload(target, svc_->now_ms()), {me_, target}}};
    if (like)
      return commit<relation_state>(std::move(evs), [this, target] { return view(target, true); });
    auto rp = context().self()->make_response_promise<relation_state>();
    append(std::move(evs), [this, rp, target, on](const caf::error& err) mutable {
      if (err) {
        rp.deliver(err);
        return;
      }
      tell_fan(target, on);
      rp.deliver(view(target, true));
    });
    return rp;
  }

  /// Lets user/<target> count its fans; the answer (or its absence) changes nothing here.
  void tell_fan(const std::string& target, bool added) {
    auto& ctx = context();
    ctx.router()
        .request(ctx.self(), entity_ref{"user", target}, fan_notice_timeout, fan_atom_v, me_, added)
        .then([] {}, [](caf::error&) {});
  }

  caf::result<relation_state> visit(const std::string& target) {
    if (auto err = check_target(target))
      return err;
    auto now = svc_->now_ms();
    auto day = utc_day(now);
    if (state_.visited(target, day))
      return view(target, false);
    auto data = payload(target, now);
    data["day"] = day;
    std::vector<entity::new_event> evs{{events::profile_visited, std::move(data), {target}}};
    return commit<relation_state>(std::move(evs), [this, target] { return view(target, true); });
  }

  caf::result<int64_t> alerts_seen(const std::string& kind) {
    if (kind != "likes" && kind != "visitors" && kind != "messages")
      return make_validation_error("kind", "must be likes, visitors or messages");
    auto now = svc_->now_ms();
    nlohmann::json data{{"by", me_}, {"kind", kind}, {"at_ms", now}};
    std::vector<entity::new_event> evs{{events::alerts_seen, std::move(data), {me_}}};
    return commit<int64_t>(std::move(evs), [now] { return now; });
  }

  std::shared_ptr<const services> svc_;
  std::string me_;
  activity_state state_;
};

}  // namespace

entity::entity_type activity_type(std::shared_ptr<const services> svc) {
  entity::entity_type result;
  result.name = "activity";
  result.factory = [svc](const entity_ref&, const entity::stored_state& st) {
    return std::make_unique<activity>(st, svc);
  };
  return result;
}

}  // namespace griddle::actors
