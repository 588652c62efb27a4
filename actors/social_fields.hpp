// Small readers shared by the social projections: payload fields that may be
// missing in old events, and the key part of a stream name. Events are input
// a projection must never fail on, so missing fields read as empty or zero.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace griddle::actors {

/// The string field `name` of `data`, or "" when absent or not a string.
inline std::string text_field(const nlohmann::json& data, const char* name) {
  auto i = data.find(name);
  return i != data.end() && i->is_string() ? i->get<std::string>() : std::string{};
}

/// The integer field `name` of `data`, or `fallback` when absent or not a number.
inline int64_t int_field(const nlohmann::json& data, const char* name, int64_t fallback = 0) {
  auto i = data.find(name);
  return i != data.end() && i->is_number() ? i->get<int64_t>() : fallback;
}

/// The key of a stream named `type/key` ("conversation/4~7" -> "4~7").
inline std::string stream_key(const std::string& stream) {
  auto slash = stream.find('/');
  return slash == std::string::npos ? std::string{} : stream.substr(slash + 1);
}

}  // namespace griddle::actors
