// Renderings of single actors: a type's busiest actors, one actor inspected
// (its state as indented JSON), a trace of its messages and a passivation.
#include <string>

#include "admin/detail/render_parts.hpp"

namespace griddle::admin::detail {

namespace {

std::string actor_name(const nlohmann::json& doc) {
  return text(doc, "type") + "/" + text(doc, "key");
}

bool flag(const nlohmann::json& doc, const char* key) {
  if (!doc.is_object())
    return false;
  auto i = doc.find(key);
  return i != doc.end() && i->is_boolean() && i->get<bool>();
}

/// One line per message: time of day, latency, outcome, the message.
void message_lines(const nlohmann::json& messages, std::ostream& out) {
  text_table table{{"TIME (UTC)", "LATENCY", "OUTCOME", "MESSAGE"}, {false, true, false, false}};
  for (const auto& m : messages)
    table.add({time_of_day(static_cast<int64_t>(number(m, "at_ms"))),
               fixed(number(m, "latency_ms"), 2) + " ms", text(m, "outcome"), text(m, "message")});
  table.print(out, "  ");
}

}  // namespace

void render_actors(const nlohmann::json& doc, std::ostream& out) {
  const auto& actors = child(doc, "actors");
  auto type = text(doc, "type");
  auto active = figure(number(doc, "active"));
  if (!actors.is_array() || actors.empty()) {
    out << type << ": " << active << " active, none to show\n";
    return;
  }
  out << type << ": " << active << " active, top " << actors.size() << " by " << text(doc, "top")
      << '\n';
  text_table table{{"KEY", "VERSION", "MAILBOX", "MESSAGES", "MEAN MS", "MAX MS", "IDLE"},
                   {false, false, true, true, true, true, true}};
  for (const auto& a : actors)
    table.add({text(a, "key"), text(a, "version"), figure(number(a, "mailbox")),
               figure(number(a, "messages")), fixed(number(a, "mean_ms"), 2),
               fixed(number(a, "max_ms"), 2), duration(number(a, "idle_ms") / 1000)});
  table.print(out, "  ");
}

void render_actor(const nlohmann::json& doc, std::ostream& out) {
  auto name = actor_name(doc);
  if (!flag(doc, "active") && !flag(doc, "activated")) {
    out << name << " is not active (use --activate to load it)\n";
    return;
  }
  out << name << ": " << (flag(doc, "activated") ? "activated now" : "active") << ", version "
      << text(doc, "version") << ", mailbox " << figure(number(doc, "mailbox")) << ", "
      << figure(number(doc, "messages")) << " messages\n";
  auto state = doc.find("state");
  if (state != doc.end()) {
    out << "state:\n";
    auto dumped = state->dump(2);
    size_t start = 0;
    while (start <= dumped.size()) {
      auto end = dumped.find('\n', start);
      if (end == std::string::npos)
        end = dumped.size();
      out << "  " << dumped.substr(start, end - start) << '\n';
      start = end + 1;
    }
  }
  const auto& last = child(doc, "last_messages");
  if (last.is_array() && !last.empty()) {
    out << "last messages:\n";
    message_lines(last, out);
  }
}

void render_trace(const nlohmann::json& doc, std::ostream& out) {
  const auto& messages = child(doc, "messages");
  auto count = messages.is_array() ? messages.size() : 0;
  if (count > 0)
    message_lines(messages, out);
  out << "stopped after " << count << (count == 1 ? " message" : " messages");
  if (auto why = text(doc, "stopped"); !why.empty())
    out << " (" << why << ")";
  out << '\n';
}

void render_passivated(const nlohmann::json& doc, std::ostream& out) {
  out << actor_name(doc) << (flag(doc, "passivated") ? " passivated" : " was not active") << '\n';
}

}  // namespace griddle::admin::detail
