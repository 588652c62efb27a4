// Fuzzes the site API's request decoders (gateway/api/request_codec.hpp)
// with the input as a request body, and the query, path and header helpers
// with it as their text. Every decoder must return a value or a 400/422 whose
// JSON body is valid, never throw; the helpers must keep their contracts.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gateway/api/request_codec.hpp"
#include "gateway/api_error.hpp"
#include "gateway/http_options.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

namespace api = griddle::gateway::api;

using griddle::gateway::api_error;

/// True for a decoder's error, after checking that it is well formed.
template <class T>
bool failed(const api::decoded<T>& d) {
  auto* err = std::get_if<api_error>(&d);
  if (err == nullptr)
    return false;
  GRIDDLE_FUZZ_EXPECT(err->status == 400 || err->status == 422, "decoders answer 400 or 422");
  GRIDDLE_FUZZ_EXPECT(!err->code.empty() && !err->message.empty(), "an error has code and message");
  auto body = nlohmann::json::parse(err->body(), nullptr, false);
  GRIDDLE_FUZZ_EXPECT(!body.is_discarded() && body.contains("error"),
                      "an error body is a JSON object with \"error\"");
  return true;
}

void decode_bodies(std::string_view body) {
  auto is_object = [&] {
    auto doc = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    return !doc.is_discarded() && doc.is_object();
  }();

  auto reg = api::decode_registration(body);
  if (!failed(reg))
    GRIDDLE_FUZZ_EXPECT(!std::get<griddle::actors::registration>(reg).looking_for.empty(),
                        "a registration has looking_for (default: everyone)");
  else if (!is_object)
    GRIDDLE_FUZZ_EXPECT(std::get<api_error>(reg).status == 400, "a non-object body is a 400");

  auto login = api::decode_login(body);
  GRIDDLE_FUZZ_EXPECT(failed(login) || is_object, "a login decodes from an object only");

  auto update = api::decode_profile_update(body);
  if (!failed(update)) {
    auto& u = std::get<griddle::actors::profile_update>(update);
    GRIDDLE_FUZZ_EXPECT(u.name || u.city || u.bio || u.looking_for || u.birth_year,
                        "a profile update changes a field");
  }

  auto message = api::decode_message(body);
  GRIDDLE_FUZZ_EXPECT(failed(message) || is_object, "a message decodes from an object only");

  auto photo = api::decode_photo(body);
  GRIDDLE_FUZZ_EXPECT(failed(photo) || is_object, "a photo decodes from an object only");

  auto mark = api::decode_read_mark(body);
  if (!failed(mark) && body.find_first_not_of(" \t\r\n") != std::string_view::npos)
    GRIDDLE_FUZZ_EXPECT(is_object, "a non-empty read mark decodes from an object only");
}

void decode_texts(std::string_view text) {
  auto page = api::decode_page_query(text, 20, 100);
  if (!failed(page)) {
    auto& q = std::get<api::page_query>(page);
    GRIDDLE_FUZZ_EXPECT(q.limit >= 1 && q.limit <= 100, "a page limit is 1..max");
  }
  std::string value;
  auto malformed = false;
  auto found = api::query_value(text, "cursor", value, &malformed);
  GRIDDLE_FUZZ_EXPECT(!(found && malformed), "a malformed value is not found");
  if (api::is_user_id(text))
    GRIDDLE_FUZZ_EXPECT(text.size() <= 19 && text.front() != '0' &&
                            text.find_first_not_of("0123456789") == std::string_view::npos,
                        "user ids are 1..19 digits without a leading zero");
  auto token = api::bearer_token(text);
  GRIDDLE_FUZZ_EXPECT(token.empty() || token.size() == 43, "a bearer token is 43 characters");
}

}  // namespace

GRIDDLE_FUZZ_TARGET(json_decoders) {
  // The server answers 413 to a larger body before any decoder sees it.
  if (size > griddle::gateway::http_options{}.max_body_bytes)
    return 0;
  std::string_view input{reinterpret_cast<const char*>(data), size};
  decode_bodies(input);
  decode_texts(input);
  return 0;
}
