#include "actors/online_projection.hpp"

#include <algorithm>
#include <unordered_set>

#include "actors/events.hpp"
#include "actors/social_fields.hpp"
#include "actors/state_projection.hpp"

namespace griddle::actors {

online_state::online_state(std::chrono::milliseconds window) : window_(window) {}

std::vector<std::string> online_state::event_types() {
  return {events::session_started, events::session_renewed, events::session_ended};
}

void online_state::apply(const store::recorded_event& ev, const nlohmann::json& data) {
  auto user = text_field(data, "user_id");
  auto session = text_field(data, "session_id");
  if (user.empty())
    return;
  if (ev.type == events::session_started)
    seen(user, session, int_field(data, "created_ms"));
  else if (ev.type == events::session_renewed)
    seen(user, session, int_field(data, "seen_ms"));
  else if (ev.type == events::session_ended)
    ended(user, session);
  latest_ms_ = std::max(latest_ms_, int_field(data, "ended_ms", latest_ms_));
  drop_stale();
}

void online_state::seen(const std::string& user, const std::string& session, int64_t at_ms) {
  auto& last = sessions_[user][session];
  last = std::max(last, at_ms);
  latest_ms_ = std::max(latest_ms_, at_ms);
  reindex(user);
}

void online_state::ended(const std::string& user, const std::string& session) {
  auto i = sessions_.find(user);
  if (i == sessions_.end())
    return;
  i->second.erase(session);
  if (i->second.empty())
    sessions_.erase(i);
  reindex(user);
}

void online_state::reindex(const std::string& user) {
  auto old = last_seen_.find(user);
  if (old != last_seen_.end()) {
    by_seen_.erase({old->second, user});
    last_seen_.erase(old);
  }
  auto i = sessions_.find(user);
  if (i == sessions_.end())
    return;
  int64_t last = 0;
  for (auto& [session, at_ms] : i->second)
    last = std::max(last, at_ms);
  last_seen_.emplace(user, last);
  by_seen_.emplace(last, user);
}

void online_state::drop_stale() {
  // Depends only on event times, so a rebuild from the log drops the same users.
  auto cutoff = latest_ms_ - window_.count();
  while (!by_seen_.empty() && by_seen_.begin()->first < cutoff) {
    auto user = by_seen_.begin()->second;
    sessions_.erase(user);
    reindex(user);
  }
}

online_users online_state::online_at(int64_t now_ms) const {
  online_users result;
  auto cutoff = now_ms - window_.count();
  for (auto i = by_seen_.rbegin(); i != by_seen_.rend() && i->first >= cutoff; ++i)
    result.users.push_back(social_entry{i->second, i->first});
  return result;
}

online_view online_state::view(std::shared_ptr<const services> svc) const {
  std::vector<social_entry> entries;
  entries.reserve(by_seen_.size());
  for (auto i = by_seen_.rbegin(); i != by_seen_.rend(); ++i)
    entries.push_back(social_entry{i->second, i->first});
  return online_view{std::move(entries), window_, std::move(svc)};
}

online_users online_view::online_now(size_t limit) const {
  online_users result;
  auto cutoff = svc_->now_ms() - window_.count();
  for (auto& x : entries_) {
    if (x.at_ms < cutoff || result.users.size() >= limit)
      break;
    result.users.push_back(x);
  }
  return result;
}

nlohmann::json online_state::to_json() const {
  return {{"latest", latest_ms_}, {"sessions", sessions_}};
}

void online_state::from_json(const nlohmann::json& doc) {
  latest_ms_ = doc.at("latest").get<int64_t>();
  sessions_ = doc.at("sessions").get<std::map<std::string, std::map<std::string, int64_t>>>();
  last_seen_.clear();
  by_seen_.clear();
  for (auto& [user, sessions] : sessions_)
    reindex(user);
}

online_users merge_online(const std::vector<online_users>& shards, size_t limit) {
  std::vector<social_entry> all;
  for (auto& shard : shards)
    all.insert(all.end(), shard.users.begin(), shard.users.end());
  std::sort(all.begin(), all.end(), [](const social_entry& x, const social_entry& y) {
    return x.at_ms != y.at_ms ? x.at_ms > y.at_ms : x.user_id > y.user_id;
  });
  online_users result;
  std::unordered_set<std::string> taken;
  for (auto& x : all)
    if (result.users.size() < limit && taken.insert(x.user_id).second)
      result.users.push_back(x);
  return result;
}

entity::entity_type online_type(std::shared_ptr<const services> svc) {
  return make_state_projection<online_state>(
      "online", [svc](const entity_ref&) { return online_state{svc->online_window}; },
      [svc](const online_state& state, entity::entity_context&) -> caf::behavior {
        return {
            [&state, svc](caf::get_atom) { return state.online_at(svc->now_ms()); },
        };
      },
      "online",
      [svc](const online_state& state, entity::view_slot& slot) {
        slot.publish(std::make_shared<const online_view>(state.view(svc)));
      });
}

}  // namespace griddle::actors
