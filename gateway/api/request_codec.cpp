#include "gateway/api/request_codec.hpp"

#include <cctype>
#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

namespace griddle::gateway::api {

namespace {

using json = nlohmann::json;

/// Parses a body that must be one JSON object into `doc`; the error to
/// answer otherwise.
std::optional<api_error> parse_object(std::string_view body, json& doc) {
  doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded())
    return api_error::bad_request("the body is not valid JSON (UTF-8)");
  if (!doc.is_object())
    return api_error::bad_request("the body must be a JSON object");
  return std::nullopt;
}

/// Reads string field `name` into `out`. Absent: `required` decides between
/// a 422 and leaving `out` alone.
std::optional<api_error> read_string(const json& doc, const char* name, std::string& out,
                                     bool required) {
  auto i = doc.find(name);
  if (i == doc.end() || i->is_null()) {
    if (required)
      return api_error::validation(name, "is required");
    return std::nullopt;
  }
  if (!i->is_string())
    return api_error::bad_request(std::string{name} + " must be a string", name);
  out = i->get<std::string>();
  return std::nullopt;
}

std::optional<api_error> read_int32(const json& doc, const char* name, int32_t& out,
                                    bool required) {
  auto i = doc.find(name);
  if (i == doc.end() || i->is_null()) {
    if (required)
      return api_error::validation(name, "is required");
    return std::nullopt;
  }
  if (!i->is_number_integer())
    return api_error::bad_request(std::string{name} + " must be an integer", name);
  auto value = i->get<int64_t>();
  if (i->is_number_unsigned() && i->get<uint64_t>() > INT32_MAX)
    return api_error::validation(name, "is out of range");
  if (value < INT32_MIN || value > INT32_MAX)
    return api_error::validation(name, "is out of range");
  out = static_cast<int32_t>(value);
  return std::nullopt;
}

/// A body whose one required field `name` is a string.
decoded<std::string> decode_string_field(std::string_view body, const char* name) {
  json doc;
  if (auto err = parse_object(body, doc))
    return *err;
  std::string value;
  if (auto err = read_string(doc, name, value, true))
    return *err;
  return value;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out += ' ';
    } else if (in[i] == '%') {
      if (i + 2 >= in.size())
        return false;
      auto hi = hex_value(in[i + 1]);
      auto lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0)
        return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += in[i];
    }
  }
  return true;
}

bool parse_u64(std::string_view text, uint64_t& out) {
  if (text.empty() || text.size() > 20)
    return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return false;
    auto digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10)
      return false;
    value = value * 10 + digit;
  }
  out = value;
  return true;
}

}  // namespace

decoded<actors::registration> decode_registration(std::string_view body) {
  json doc;
  if (auto err = parse_object(body, doc))
    return *err;
  actors::registration r;
  for (auto err :
       {read_string(doc, "email", r.email, true), read_string(doc, "password", r.password, true),
        read_string(doc, "name", r.name, true), read_int32(doc, "birth_year", r.birth_year, true),
        read_string(doc, "city", r.city, true), read_string(doc, "bio", r.bio, false),
        read_string(doc, "looking_for", r.looking_for, false)})
    if (err)
      return *err;
  if (r.looking_for.empty())
    r.looking_for = "everyone";
  return r;
}

decoded<login_request> decode_login(std::string_view body) {
  json doc;
  if (auto err = parse_object(body, doc))
    return *err;
  login_request r;
  for (auto err :
       {read_string(doc, "email", r.email, true), read_string(doc, "password", r.password, true)})
    if (err)
      return *err;
  return r;
}

decoded<actors::profile_update> decode_profile_update(std::string_view body) {
  json doc;
  if (auto err = parse_object(body, doc))
    return *err;
  actors::profile_update u;
  auto text_field = [&](const char* name, caf::optional<std::string>& slot) {
    std::string value;
    auto present = doc.contains(name) && !doc[name].is_null();
    auto err = read_string(doc, name, value, false);
    if (!err && present)
      slot = std::move(value);
    return err;
  };
  std::optional<api_error> errors[] = {text_field("name", u.name), text_field("city", u.city),
                                       text_field("bio", u.bio),
                                       text_field("looking_for", u.looking_for)};
  for (auto& err : errors)
    if (err)
      return *err;
  if (doc.contains("birth_year") && !doc["birth_year"].is_null()) {
    int32_t year = 0;
    if (auto err = read_int32(doc, "birth_year", year, true))
      return *err;
    u.birth_year = year;
  }
  if (!u.name && !u.city && !u.bio && !u.looking_for && !u.birth_year)
    return api_error::validation("body", "names no field to change");
  return u;
}

decoded<std::string> decode_message(std::string_view body) {
  return decode_string_field(body, "text");
}

decoded<std::string> decode_photo(std::string_view body) {
  return decode_string_field(body, "url");
}

decoded<uint64_t> decode_read_mark(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return UINT64_MAX;
  json doc;
  if (auto err = parse_object(body, doc))
    return *err;
  auto i = doc.find("up_to");
  if (i == doc.end() || i->is_null())
    return UINT64_MAX;
  if (!i->is_number_unsigned())
    return api_error::bad_request("up_to must be a non-negative integer", "up_to");
  return i->get<uint64_t>();
}

bool query_value(std::string_view query, std::string_view name, std::string& out, bool* malformed) {
  if (malformed != nullptr)
    *malformed = false;
  size_t pos = 0;
  while (pos <= query.size()) {
    auto end = query.find('&', pos);
    if (end == std::string_view::npos)
      end = query.size();
    auto pair = query.substr(pos, end - pos);
    auto eq = pair.find('=');
    auto key = pair.substr(0, eq);
    if (key == name) {
      auto raw = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
      if (percent_decode(raw, out))
        return true;
      if (malformed != nullptr)
        *malformed = true;
      return false;
    }
    pos = end + 1;
  }
  return false;
}

decoded<page_query> decode_page_query(std::string_view query, uint32_t default_limit,
                                      uint32_t max_limit) {
  page_query q;
  q.limit = default_limit;
  std::string value;
  bool malformed = false;
  if (query_value(query, "cursor", value, &malformed) && !value.empty()) {
    if (!parse_u64(value, q.cursor))
      return api_error::bad_request("cursor must be a cursor from a previous page", "cursor");
  }
  if (malformed)
    return api_error::bad_request("cursor must be a cursor from a previous page", "cursor");
  auto has_limit = query_value(query, "limit", value, &malformed);
  if (malformed)
    return api_error::bad_request("limit must be a number", "limit");
  if (has_limit) {
    uint64_t limit = 0;
    if (!parse_u64(value, limit))
      return api_error::bad_request("limit must be a number", "limit");
    if (limit < 1 || limit > max_limit)
      return api_error::validation("limit", "must be 1.." + std::to_string(max_limit));
    q.limit = static_cast<uint32_t>(limit);
  }
  return q;
}

bool is_user_id(std::string_view id) {
  if (id.empty() || id.size() > 19 || id.front() == '0')
    return false;
  for (char c : id)
    if (c < '0' || c > '9')
      return false;
  return true;
}

std::string_view bearer_token(std::string_view authorization) {
  constexpr std::string_view scheme = "Bearer ";
  if (authorization.size() <= scheme.size())
    return {};
  for (size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(scheme[i])))
      return {};
  auto token = authorization.substr(scheme.size());
  // Session tokens are 43 characters of URL-safe base64.
  if (token.size() != 43)
    return {};
  for (char c : token)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
      return {};
  return token;
}

}  // namespace griddle::gateway::api
