#include "bench/seed/dataset.hpp"

#include <nlohmann/json.hpp>

#include "actors/activity_entity.hpp"
#include "actors/chat_types.hpp"
#include "actors/events.hpp"
#include "bench/seed/seed_text.hpp"
#include "bench/seed/zipf.hpp"

namespace griddle::bench {

namespace ev = actors::events;

namespace {

constexpr uint64_t purpose_profile = 10;
constexpr uint64_t purpose_text = 11;

constexpr int64_t year_ms = 365 * ms_per_day;

store::event_data make_event(const char* type, const nlohmann::json& data,
                             std::vector<std::string> tags) {
  store::event_data x;
  x.type = type;
  // What event_sourced_behavior::append stores: the payload's dump().
  x.payload = data.dump();
  x.tags = std::move(tags);
  return x;
}

std::string lower(std::string text) {
  for (auto& c : text)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return text;
}

}  // namespace

dataset::dataset(const seed_parameters& p, std::string password_hash)
    : p_(p),
      password_hash_(std::move(password_hash)),
      plan_(plan_activity(p)),
      user_versions_(p.users, 0),
      activity_versions_(p.users, 0),
      conversation_versions_(plan_.conversations.size(), 0) {
  counts_.conversations = plan_.conversations.size();
}

bool dataset::next(seed_append& out) {
  out.events.clear();
  if (registered_ < p_.users)
    next_registration(out);
  else if (!fans_.empty() || cursor_ < plan_.actions.size())
    next_activity(out);
  else
    return false;
  ++counts_.appends;
  return true;
}

void dataset::next_registration(seed_append& out) {
  auto index = static_cast<uint32_t>(registered_);
  auto id = id_of(index);
  if (email_sent_) {
    out.stream = "user/" + id;
    out.expected_version = store::no_stream;
    store::event_data x;
    x.type = ev::user_registered;
    x.payload = std::move(pending_user_payload_);
    x.tags = {id};
    out.events.push_back(std::move(x));
    user_versions_[index] = 1;
    email_sent_ = false;
    ++registered_;
    ++counts_.users;
    return;
  }
  seeded_random rng{p_.seed, purpose_profile, index};
  auto name = seed_name(rng);
  auto email = lower(name) + "." + id + "@example.com";
  // Over the year before the epoch, in id order, jittered within a slot.
  auto slot = year_ms / static_cast<int64_t>(p_.users);
  auto registered_ms = seed_epoch_ms - year_ms + static_cast<int64_t>(index) * slot +
                       static_cast<int64_t>(rng.below(static_cast<uint64_t>(slot) + 1));
  auto age = 19 + rng.below(20) + rng.below(25);
  nlohmann::json data{{"email", email},
                      {"password_hash", password_hash_},
                      {"name", name},
                      {"birth_year", 2026 - static_cast<int32_t>(age)},
                      {"city", seed_city(rng)},
                      {"bio", seed_bio(rng)},
                      {"looking_for", seed_looking_for(rng)},
                      {"registered_ms", registered_ms}};
  pending_user_payload_ = data.dump();
  out.stream = "email/" + email;
  out.expected_version = store::no_stream;
  out.events.push_back(make_event(ev::email_claimed, {{"user_id", id}}, {}));
  email_sent_ = true;
}

void dataset::next_activity(seed_append& out) {
  if (!fans_.empty()) {
    auto [target, fan] = fans_.front();
    fans_.pop_front();
    out.stream = "user/" + id_of(target);
    out.expected_version = user_versions_[target]++;
    out.events.push_back(make_event(ev::fan_added, {{"fan", id_of(fan)}}, {}));
    ++counts_.fans;
    return;
  }
  if (plan_.actions[cursor_].kind == action_kind::message) {
    next_chat(out);
    return;
  }
  auto user = plan_.actions[cursor_].stream;
  auto by = id_of(user);
  out.stream = "activity/" + by;
  out.expected_version = activity_versions_[user];
  const auto& first = plan_.actions[cursor_];
  for (; cursor_ < plan_.actions.size() && same_run(first, plan_.actions[cursor_]) &&
         out.events.size() < max_events_per_append;
       ++cursor_) {
    const auto& x = plan_.actions[cursor_];
    auto target = id_of(x.other);
    nlohmann::json data{{"by", by}, {"target", target}, {"at_ms", x.at_ms}};
    switch (x.kind) {
      case action_kind::like:
        out.events.push_back(make_event(ev::liked, data, {by, target}));
        ++counts_.likes;
        break;
      case action_kind::favourite:
        out.events.push_back(make_event(ev::favourited, data, {by, target}));
        fans_.emplace_back(x.other, user);
        ++counts_.favourites;
        break;
      default:
        data["day"] = actors::utc_day(x.at_ms);
        out.events.push_back(make_event(ev::profile_visited, data, {target}));
        ++counts_.visits;
        break;
    }
  }
  activity_versions_[user] += static_cast<uint32_t>(out.events.size());
}

void dataset::next_chat(seed_append& out) {
  auto c = plan_.actions[cursor_].stream;
  const auto& pair = plan_.conversations[c];
  std::string ids[2] = {id_of(pair.initiator), id_of(pair.other)};
  out.stream = "conversation/" + actors::conversation_key(ids[0], ids[1]);
  out.expected_version = conversation_versions_[c];
  const auto& first = plan_.actions[cursor_];
  for (; cursor_ < plan_.actions.size() && same_run(first, plan_.actions[cursor_]) &&
         out.events.size() < max_events_per_append;
       ++cursor_) {
    const auto& x = plan_.actions[cursor_];
    // The stream holds only messages, so a message's seq is its version.
    uint64_t seq = conversation_versions_[c] + out.events.size() + 1;
    seeded_random rng{p_.seed, purpose_text, c, seq};
    const auto& from = ids[x.other];
    const auto& to = ids[1 - x.other];
    nlohmann::json data{{"from", from},
                        {"to", to},
                        {"seq", seq},
                        {"text", seed_message(rng, seq == 1)},
                        {"at_ms", x.at_ms}};
    out.events.push_back(make_event(ev::message_sent, data, {from, to}));
    ++counts_.messages;
  }
  conversation_versions_[c] += static_cast<uint32_t>(out.events.size());
}

}  // namespace griddle::bench
