#include "gateway/api/response_codec.hpp"

#include <cstdio>
#include <cstring>
#include <ctime>
#include <limits>

namespace griddle::gateway::api {

namespace {

/// Days since 1970-01-01 to a civil date, in 400-year eras of 146097 days
/// that start on March 1st (so the leap day ends the year).
void civil_from_days(int64_t days, int64_t& year_out, int64_t& month_out, int64_t& day_out) {
  auto z = days + 719468;
  auto era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = z - era * 146097;
  auto yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  auto year = yoe + era * 400;
  auto doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  auto mp = (5 * doy + 2) / 153;
  day_out = doy - (153 * mp + 2) / 5 + 1;
  month_out = mp < 10 ? mp + 3 : mp - 9;
  year_out = month_out <= 2 ? year + 1 : year;
}

void put_digits(char* at, int64_t value, int digits) {
  for (int i = digits - 1; i >= 0; --i) {
    at[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

/// Writes `ms` as "YYYY-MM-DDTHH:MM:SS.mmmZ" into `buf` (24 characters);
/// false for years outside 0..9999.
bool format_iso_time(int64_t ms, char* buf) {
  auto millis = ms % 1000;
  auto secs = ms / 1000;
  if (millis < 0) {
    millis += 1000;
    secs -= 1;
  }
  auto days = secs / 86400;
  auto rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  // A page's items are mostly from a few days: each thread keeps the date
  // of the last day it wrote.
  thread_local int64_t cached_days = std::numeric_limits<int64_t>::min();
  thread_local char cached_date[10];
  if (days != cached_days) {
    int64_t year = 0;
    int64_t month = 0;
    int64_t day = 0;
    civil_from_days(days, year, month, day);
    if (year < 0 || year > 9999)
      return false;
    put_digits(cached_date, year, 4);
    cached_date[4] = '-';
    put_digits(cached_date + 5, month, 2);
    cached_date[7] = '-';
    put_digits(cached_date + 8, day, 2);
    cached_days = days;
  }
  std::memcpy(buf, cached_date, 10);
  buf[10] = 'T';
  put_digits(buf + 11, rem / 3600, 2);
  buf[13] = ':';
  put_digits(buf + 14, rem / 60 % 60, 2);
  buf[16] = ':';
  put_digits(buf + 17, rem % 60, 2);
  buf[19] = '.';
  put_digits(buf + 20, millis, 3);
  buf[23] = 'Z';
  return true;
}

/// The slow path for years outside 0..9999 (strftime's forms).
std::string iso_time_any_year(int64_t ms) {
  auto secs = static_cast<time_t>(ms / 1000);
  auto millis = static_cast<int>(ms % 1000);
  if (millis < 0) {
    millis += 1000;
    secs -= 1;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  auto n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ", millis);
  return buf;
}

}  // namespace

std::string iso_time(int64_t ms) {
  char buf[24];
  if (format_iso_time(ms, buf))
    return std::string(buf, sizeof(buf));
  return iso_time_any_year(ms);
}

void append_iso_time(std::string& out, int64_t ms) {
  char buf[26];
  buf[0] = '"';
  if (format_iso_time(ms, buf + 1)) {
    buf[25] = '"';
    out.append(buf, sizeof(buf));
  } else {
    append_json_string(out, iso_time_any_year(ms));
  }
}

void append_json_string(std::string& out, std::string_view text) {
  // Plain printable ASCII without quotes or backslashes is written as it is;
  // anything else takes the document writer's escaping and UTF-8 repair.
  for (auto c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x80 || c == '"' || c == '\\') {
      out += dump(json(std::string{text}));
      return;
    }
  }
  out += '"';
  out.append(text.data(), text.size());
  out += '"';
}

// Keys in the order `dump` writes them (sorted). Each `key` literal carries
// the punctuation before the value: `{"at":` or `,"day":`.

namespace {

void put_string(std::string& out, const char* key, std::string_view value) {
  out += key;
  append_json_string(out, value);
}

void put_time(std::string& out, const char* key, int64_t ms) {
  out += key;
  append_iso_time(out, ms);
}

}  // namespace

void append_json(std::string& out, const actors::feed_item& x) {
  put_time(out, R"({"at":)", x.at_ms);
  put_string(out, R"(,"kind":)", x.kind);
  if (!x.photo_id.empty()) {
    put_string(out, R"(,"photo":{"id":)", x.photo_id);
    put_string(out, R"(,"url":)", x.photo_url);
    out += '}';
  }
  put_string(out, R"(,"user_id":)", x.user_id);
  out += '}';
}

void append_json(std::string& out, const actors::visit_entry& x) {
  put_time(out, R"({"at":)", x.at_ms);
  put_string(out, R"(,"day":)", x.day);
  put_string(out, R"(,"user_id":)", x.user_id);
  out += '}';
}

void append_json(std::string& out, const actors::social_entry& x) {
  put_time(out, R"({"at":)", x.at_ms);
  put_string(out, R"(,"user_id":)", x.user_id);
  out += '}';
}

void append_json(std::string& out, const actors::chat_message& x) {
  put_time(out, R"({"at":)", x.at_ms);
  put_string(out, R"(,"from":)", x.from);
  out += R"(,"id":")";
  out += std::to_string(x.seq);
  put_string(out, R"(","text":)", x.text);
  put_string(out, R"(,"to":)", x.to);
  out += '}';
}

std::string profile_body(const actors::profile& x) {
  std::string out;
  out.reserve(256 + x.bio.size() + x.photos.size() * 64);
  put_string(out, R"({"bio":)", x.bio);
  out += R"(,"birth_year":)";
  out += std::to_string(x.birth_year);
  put_string(out, R"(,"city":)", x.city);
  put_string(out, R"(,"id":)", x.id);
  put_string(out, R"(,"looking_for":)", x.looking_for);
  put_string(out, R"(,"name":)", x.name);
  out += R"(,"photos":[)";
  bool first = true;
  for (auto& p : x.photos) {
    put_string(out, first ? R"({"id":)" : R"(,{"id":)", p.photo_id);
    put_string(out, R"(,"url":)", p.url);
    out += '}';
    first = false;
  }
  out += "]}";
  return out;
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
