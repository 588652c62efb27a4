// How the site API writes the application's replies as JSON. Times are
// ISO-8601 UTC strings with milliseconds ("2026-11-26T17:16:49.123Z"); ids
// are strings; every list is `{"items": [...], "next_cursor": "..." | null}`.
// docs/api.md shows each shape.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/account_messages.hpp"
#include "actors/chat_types.hpp"
#include "actors/social_types.hpp"

namespace griddle::gateway::api {

using json = nlohmann::json;

/// `ms` (Unix time in milliseconds) as ISO-8601 UTC.
std::string iso_time(int64_t ms);

/// A JSON document as the response body; invalid UTF-8 is replaced, never thrown.
std::string dump(const json& doc);

/// A list page; `next_cursor` 0 means there is no further page.
json page(json items, uint64_t next_cursor);

json to_json(const actors::profile& x);
json to_json(const actors::login_result& x);
json to_json(const actors::relation_state& x);
json to_json(const actors::social_entry& x);
json to_json(const actors::visit_entry& x);
json to_json(const actors::feed_item& x);
json to_json(const actors::alerts_view& x);
json to_json(const actors::chat_message& x);
json to_json(const actors::inbox_entry& x);

// -- direct writers ------------------------------------------------------------
// The most read answers are written straight into a string, byte for byte
// what `dump` writes for the document `to_json`/`page` build (keys sorted),
// without building the document.

/// Appends the element as `dump(to_json(x))` would.
void append_json(std::string& out, const actors::feed_item& x);
void append_json(std::string& out, const actors::visit_entry& x);
void append_json(std::string& out, const actors::social_entry& x);
void append_json(std::string& out, const actors::chat_message& x);

/// `dump(page(items_of(xs), next_cursor))`; with `unread`, the page also
/// carries `"unread": *unread` (a conversation page).
template <class Range>
std::string page_body(const Range& xs, uint64_t next_cursor, const uint64_t* unread = nullptr) {
  std::string out;
  out.reserve(64 + xs.size() * 96);
  out += R"({"items":[)";
  bool first = true;
  for (auto& x : xs) {
    if (!first)
      out += ',';
    first = false;
    append_json(out, x);
  }
  out += R"(],"next_cursor":)";
  if (next_cursor == 0) {
    out += "null";
  } else {
    out += '"';
    out += std::to_string(next_cursor);
    out += '"';
  }
  if (unread != nullptr) {
    out += R"(,"unread":)";
    out += std::to_string(*unread);
  }
  out += '}';
  return out;
}

/// `dump(to_json(x))`.
std::string profile_body(const actors::profile& x);

/// Appends `text` as a JSON string (quoted and escaped as `dump` does).
void append_json_string(std::string& out, std::string_view text);

/// Appends `ms` as a quoted ISO-8601 UTC time.
void append_iso_time(std::string& out, int64_t ms);

/// Each element of `xs` written with `to_json`, as a JSON array.
template <class Range>
json items_of(const Range& xs) {
  auto result = json::array();
  for (auto& x : xs)
    result.push_back(to_json(x));
  return result;
}

}  // namespace griddle::gateway::api
