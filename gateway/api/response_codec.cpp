#include "gateway/api/response_codec.hpp"

#include <cstdio>
#include <ctime>

namespace griddle::gateway::api {

std::string iso_time(int64_t ms) {
  auto secs = static_cast<time_t>(ms / 1000);
  auto millis = static_cast<int>(ms % 1000);
  if (millis < 0) {
    millis += 1000;
    secs -= 1;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  auto n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ", millis);
  return buf;
}

std::string dump(const json& doc) {
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

json page(json items, uint64_t next_cursor) {
  json result{{"items", std::move(items)}};
  if (next_cursor == 0)
    result["next_cursor"] = nullptr;
  else
    result["next_cursor"] = std::to_string(next_cursor);
  return result;
}

json to_json(const actors::profile& x) {
  auto photos = json::array();
  for (auto& p : x.photos)
    photos.push_back({{"id", p.photo_id}, {"url", p.url}});
  return {{"id", x.id},
          {"name", x.name},
          {"birth_year", x.birth_year},
          {"city", x.city},
          {"bio", x.bio},
          {"looking_for", x.looking_for},
          {"photos", std::move(photos)}};
}

json to_json(const actors::login_result& x) {
  return {{"token", x.token}, {"user_id", x.user_id}, {"expires_at", iso_time(x.expires_ms)}};
}

json to_json(const actors::relation_state& x) {
  return {{"user_id", x.target},
          {"liked", x.liked},
          {"favourite", x.favourite},
          {"changed", x.changed}};
}

json to_json(const actors::social_entry& x) {
  return {{"user_id", x.user_id}, {"at", iso_time(x.at_ms)}};
}

json to_json(const actors::visit_entry& x) {
  return {{"user_id", x.user_id}, {"day", x.day}, {"at", iso_time(x.at_ms)}};
}

json to_json(const actors::feed_item& x) {
  json item{{"kind", x.kind}, {"user_id", x.user_id}, {"at", iso_time(x.at_ms)}};
  if (!x.photo_id.empty())
    item["photo"] = {{"id", x.photo_id}, {"url", x.photo_url}};
  return item;
}

json to_json(const actors::alerts_view& x) {
  return {{"messages", x.messages},
          {"likes", x.likes},
          {"visitors", x.visitors},
          {"unread_messages", x.unread_messages}};
}

json to_json(const actors::chat_message& x) {
  return {{"id", std::to_string(x.seq)},
          {"from", x.from},
          {"to", x.to},
          {"text", x.text},
          {"at", iso_time(x.at_ms)}};
}

json to_json(const actors::inbox_entry& x) {
  return {{"user_id", x.partner},
          {"preview", x.preview},
          {"last_at", iso_time(x.last_at_ms)},
          {"last_message_id", std::to_string(x.last_seq)},
          {"unread", x.unread}};
}

}  // namespace griddle::gateway::api
