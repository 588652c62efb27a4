#include "actors/alerts_projection.hpp"

#include <utility>

#include "actors/chat_types.hpp"
#include "actors/events.hpp"
#include "actors/social_fields.hpp"
#include "actors/state_projection.hpp"

namespace griddle::actors {

alerts_state::alerts_state(std::string owner) : owner_(std::move(owner)) {}

std::vector<std::string> alerts_state::event_types() {
  return {events::message_sent, events::messages_read,   events::liked,
          events::unliked,      events::profile_visited, events::alerts_seen};
}

void alerts_state::apply(const store::recorded_event& ev, const nlohmann::json& data) {
  auto by = text_field(data, "by");
  auto to_me = text_field(data, "target") == owner_ && !by.empty() && by != owner_;
  if (ev.type == events::message_sent) {
    auto from = text_field(data, "from");
    if (text_field(data, "to") == owner_ && from != owner_)
      unread_[conversation_key(from, owner_)].emplace(static_cast<uint64_t>(int_field(data, "seq")),
                                                      ev.position);
  } else if (ev.type == events::messages_read) {
    // The stream is conversation/<conversation_key>.
    auto i = unread_.find(stream_key(ev.stream));
    if (by != owner_ || i == unread_.end())
      return;
    auto up_to = static_cast<uint64_t>(int_field(data, "up_to_seq"));
    i->second.erase(i->second.begin(), i->second.upper_bound(up_to));
    if (i->second.empty())
      unread_.erase(i);
  } else if (ev.type == events::liked && to_me) {
    new_likers_.insert(by);
  } else if (ev.type == events::unliked && to_me) {
    new_likers_.erase(by);
  } else if (ev.type == events::profile_visited && to_me) {
    new_visitors_.insert(by);
  } else if (ev.type == events::alerts_seen && by == owner_) {
    auto kind = text_field(data, "kind");
    if (kind == "likes")
      new_likers_.clear();
    else if (kind == "visitors")
      new_visitors_.clear();
    else if (kind == "messages")
      messages_seen_at_ = ev.position;
  }
}

alerts_view alerts_state::view() const {
  alerts_view result;
  for (auto& [key, seqs] : unread_)
    for (auto& [seq, position] : seqs) {
      ++result.unread_messages;
      if (position > messages_seen_at_)
        ++result.messages;
    }
  result.likes = static_cast<uint32_t>(new_likers_.size());
  result.visitors = static_cast<uint32_t>(new_visitors_.size());
  return result;
}

std::map<std::string, uint32_t> alerts_state::unread_by_conversation() const {
  std::map<std::string, uint32_t> result;
  for (auto& [key, seqs] : unread_)
    result.emplace(key, static_cast<uint32_t>(seqs.size()));
  return result;
}

nlohmann::json alerts_state::to_json() const {
  auto unread = nlohmann::json::object();
  for (auto& [key, seqs] : unread_) {
    auto pairs = nlohmann::json::array();
    for (auto& [seq, position] : seqs)
      pairs.push_back({seq, position});
    unread[key] = std::move(pairs);
  }
  return {{"unread", std::move(unread)},
          {"messages_seen_at", messages_seen_at_},
          {"likers", new_likers_},
          {"visitors", new_visitors_}};
}

void alerts_state::from_json(const nlohmann::json& doc) {
  unread_.clear();
  for (auto& [key, pairs] : doc.at("unread").items())
    for (auto& x : pairs)
      unread_[key].emplace(x.at(0).get<uint64_t>(), x.at(1).get<uint64_t>());
  messages_seen_at_ = doc.at("messages_seen_at").get<uint64_t>();
  new_likers_ = doc.at("likers").get<std::set<std::string>>();
  new_visitors_ = doc.at("visitors").get<std::set<std::string>>();
}

entity::entity_type alerts_type() {
  return make_state_projection<alerts_state>(
      "alerts", [](const entity_ref& ref) { return alerts_state{ref.key}; },
      [](const alerts_state& state, entity::entity_context&) -> caf::behavior {
        return {
            [&state](caf::get_atom) { return state.view(); },
        };
      });
}

}  // namespace griddle::actors
