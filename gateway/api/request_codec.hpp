// Decoders for the site API's request bodies and query strings. Pure
// functions of their input (no actors, no I/O), so they are fuzzed directly
// (tests/fuzz/). Each returns the decoded value or the `api_error` to answer:
// 400 for malformed JSON, a body that is not an object, or a field of the
// wrong JSON type (naming the field); 422 for a missing required field.
// Unknown fields are ignored. Validation of values (lengths, ranges) is the
// entities' job, so every client gets the same rules.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "actors/account_messages.hpp"
#include "gateway/api_error.hpp"

namespace griddle::gateway::api {

template <class T>
using decoded = std::variant<T, api_error>;

struct login_request {
  std::string email;
  std::string password;
};

/// `{"email", "password", "name", "birth_year", "city", "bio"?, "looking_for"?}`.
decoded<actors::registration> decode_registration(std::string_view body);

/// `{"email", "password"}`.
decoded<login_request> decode_login(std::string_view body);

/// Any of `{"name", "birth_year", "city", "bio", "looking_for"}`; at least one.
decoded<actors::profile_update> decode_profile_update(std::string_view body);

/// `{"text"}`.
decoded<std::string> decode_message(std::string_view body);

/// `{"url"}`.
decoded<std::string> decode_photo(std::string_view body);

/// `{"up_to": <message id>}`, or an empty body / `{}` for "everything".
decoded<uint64_t> decode_read_mark(std::string_view body);

/// `?cursor=&limit=`: cursor a decimal number (absent or empty: the newest
/// page); limit 1..`max_limit` (absent: `default_limit`).
struct page_query {
  uint64_t cursor = 0;
  uint32_t limit = 0;
};
decoded<page_query> decode_page_query(std::string_view query, uint32_t default_limit,
                                      uint32_t max_limit);

/// The value of `name` in a query string ("a=1&b=2"), percent-decoded;
/// false when absent or when its percent-escapes are malformed (then
/// `*malformed` is set, if given).
bool query_value(std::string_view query, std::string_view name, std::string& out,
                 bool* malformed = nullptr);

/// A user id in a path: 1 to 19 decimal digits without a leading zero.
bool is_user_id(std::string_view id);

/// The bearer token of an `Authorization` header value, or empty when the
/// header is absent or not a well-formed Bearer token.
std::string_view bearer_token(std::string_view authorization);

}  // namespace griddle::gateway::api
