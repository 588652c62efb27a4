#include "gateway/api/push_hub.hpp"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/events.hpp"
#include "gateway/api/response_codec.hpp"
#include "runtime/type_ids.hpp"

namespace griddle::gateway::api {

namespace {

std::string frame(const char* event, const json& data) {
  return std::string{"event: "} + event + "\ndata: " + dump(data) + "\n\n";
}

struct hub_state {
  std::unordered_map<std::string, std::vector<std::shared_ptr<event_sink>>> streams;
  static inline const char* name = "griddle.push_hub";
};

void drop_closed(hub_state& st, const std::string& user) {
  auto i = st.streams.find(user);
  if (i == st.streams.end())
    return;
  auto& sinks = i->second;
  sinks.erase(std::remove_if(sinks.begin(), sinks.end(), [](auto& s) { return s->closed(); }),
              sinks.end());
  if (sinks.empty())
    st.streams.erase(i);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> push_frames(const store::recorded_event& ev) {
  namespace events = actors::events;
  std::vector<std::pair<std::string, std::string>> result;
  const char* alert = nullptr;
  if (ev.type == events::liked)
    alert = "like";
  else if (ev.type == events::favourited)
    alert = "favourite";
  else if (ev.type == events::profile_visited)
    alert = "visit";
  else if (ev.type != events::message_sent)
    return result;
  auto data = json::parse(ev.payload, nullptr, false);
  if (!data.is_object())
    return result;
  auto text = [&](const char* key) {
    auto i = data.find(key);
    return i != data.end() && i->is_string() ? i->get<std::string>() : std::string{};
  };
  auto number = [&](const char* key) {
    auto i = data.find(key);
    return i != data.end() && i->is_number() ? i->get<int64_t>() : int64_t{0};
  };
  if (alert != nullptr) {
    auto target = text("target");
    if (!target.empty())
      result.emplace_back(target, frame("alert", {{"kind", alert},
                                                  {"user_id", text("by")},
                                                  {"at", iso_time(number("at_ms"))}}));
    return result;
  }
  actors::chat_message msg;
  msg.seq = static_cast<uint64_t>(number("seq"));
  msg.from = text("from");
  msg.to = text("to");
  msg.text = text("text");
  msg.at_ms = number("at_ms");
  auto body = frame("message", to_json(msg));
  result.emplace_back(msg.to, body);
  if (msg.from != msg.to)
    result.emplace_back(msg.from, std::move(body));
  return result;
}

caf::actor spawn_push_hub(caf::actor_system& sys, caf::actor feed) {
  return sys.spawn([feed](caf::stateful_actor<hub_state>* self) -> caf::behavior {
    if (feed)
      self->send(feed, subscribe_atom_v, caf::actor_cast<caf::actor>(self));
    return {
        [self](push_subscription& sub) {
          // The first frame tells the client its stream is live.
          if (sub.sink->push("event: ready\ndata: {}\n\n"))
            self->state.streams[sub.user].push_back(std::move(sub.sink));
        },
        [self](push_unsubscription& sub) { drop_closed(self->state, sub.user); },
        [self](subscribe_atom, const caf::actor& new_feed) {
          self->send(new_feed, subscribe_atom_v, caf::actor_cast<caf::actor>(self));
        },
        [self](committed_atom, const std::vector<store::recorded_event>& events) {
          auto& streams = self->state.streams;
          if (streams.empty())
            return;
          for (auto& ev : events) {
            // Events name their users in tags: skip those nobody here listens for.
            auto wanted = std::any_of(ev.tags.begin(), ev.tags.end(), [&](const std::string& tag) {
              return streams.count(tag) > 0;
            });
            if (!wanted)
              continue;
            for (auto& [user, text] : push_frames(ev)) {
              auto i = streams.find(user);
              if (i == streams.end())
                continue;
              auto lost = false;
              for (auto& sink : i->second)
                lost |= !sink->push(text);
              if (lost)
                drop_closed(self->state, user);
            }
          }
        },
    };
  });
}

}  // namespace griddle::gateway::api
