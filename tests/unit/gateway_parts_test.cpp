// The gateway's pure parts: route matching, the error mapping, request
// decoders, the direct feed writer, the rate limiter and the live-push frames.
#define CAF_SUITE gateway_parts
#include <caf/test/unit_test.hpp>

#include <cstdio>
#include <ctime>

#include <caf/sec.hpp>
#include <nlohmann/json.hpp>

#include "gateway/api/push_hub.hpp"
#include "gateway/api/request_codec.hpp"
#include "gateway/api/response_codec.hpp"
#include "gateway/api_error.hpp"
#include "gateway/rate_limiter.hpp"
#include "gateway/route_table.hpp"
#include "runtime/errc.hpp"

using namespace griddle;
using namespace griddle::gateway;
using namespace std::chrono_literals;

namespace {

template <class T>
api_error error_of(const api::decoded<T>& d) {
  auto* err = std::get_if<api_error>(&d);
  return err != nullptr ? *err : api_error{0, "none", "", ""};
}

/// The decoded value, copied: checks must not hold references into temporaries.
template <class T>
T value_of(const api::decoded<T>& d) {
  return std::get<T>(d);
}

}  // namespace

CAF_TEST(routes match templates and tell 404 from 405) {
  route_table routes;
  int hit = 0;
  routes.add(http::verb::get, "/v1/users/{id}", [&](auto&, auto&) { hit = 1; });
  routes.add(http::verb::post, "/v1/users/{id}/like", [&](auto&, auto&) { hit = 2; });
  routes.add(http::verb::delete_, "/v1/users/{id}/like", [&](auto&, auto&) { hit = 3; });
  auto m = routes.find(http::verb::get, "/v1/users/42");
  CAF_REQUIRE(m.handler != nullptr);
  CAF_CHECK_EQUAL(m.route, "/v1/users/{id}");
  CAF_REQUIRE_EQUAL(m.params.size(), 1u);
  CAF_CHECK_EQUAL(m.params[0], "42");
  m = routes.find(http::verb::delete_, "/v1/users/7/like");
  CAF_REQUIRE(m.handler != nullptr);
  (*m.handler)(nullptr, m.params);
  CAF_CHECK_EQUAL(hit, 3);
  m = routes.find(http::verb::put, "/v1/users/7/like");
  CAF_CHECK(m.handler == nullptr);
  CAF_CHECK_EQUAL(m.allow, "POST, DELETE");
  for (auto path : {"/v1/users/", "/v1/users", "/v1/users/42/", "/v1/users/42/like/x", "", "x"}) {
    auto miss = routes.find(http::verb::get, path);
    CAF_CHECK(miss.handler == nullptr);
    CAF_CHECK(miss.allow.empty());
  }
}

CAF_TEST(errors map to statuses in one place) {
  auto check = [](const caf::error& err, unsigned status, const char* code) {
    auto mapped = from_error(err);
    CAF_CHECK_EQUAL(mapped.status, status);
    CAF_CHECK_EQUAL(mapped.code, code);
  };
  check(make_validation_error("email", "is not an address"), 422, "validation_failed");
  CAF_CHECK_EQUAL(from_error(make_validation_error("email", "bad")).field, "email");
  check(make_error(errc::not_found), 404, "not_found");
  check(make_error(errc::conflict, "taken"), 409, "conflict");
  check(make_error(errc::forbidden, "blocked"), 403, "forbidden");
  check(make_error(errc::unauthenticated), 401, "unauthenticated");
  check(make_error(errc::invalid_argument, "x"), 400, "bad_request");
  check(make_error(errc::shutting_down), 503, "unavailable");
  check(make_error(errc::store_failure), 500, "internal");
  check(caf::make_error(caf::sec::request_timeout), 504, "timeout");
  check(caf::make_error(caf::sec::request_receiver_down), 503, "unavailable");
  check(caf::make_error(caf::sec::cannot_connect_to_node), 503, "unavailable");
  auto body = nlohmann::json::parse(api_error::validation("text", "too long").body());
  CAF_CHECK_EQUAL(body.at("error").at("field").get<std::string>(), "text");
  // Bad UTF-8 quoted from a client never breaks the JSON.
  auto quoted = api_error::not_found("no route for /\xff\xfe").body();
  CAF_CHECK(nlohmann::json::accept(quoted));
}

CAF_TEST(request decoders tell malformed from invalid) {
  auto ok = api::decode_registration(
      R"({"email":"a@b.org","password":"pw","name":"A","birth_year":1990,"city":"X","extra":1})");
  CAF_REQUIRE(std::holds_alternative<actors::registration>(ok));
  CAF_CHECK_EQUAL(std::get<actors::registration>(ok).looking_for, "everyone");
  CAF_CHECK_EQUAL(error_of(api::decode_registration("{")).status, 400u);
  CAF_CHECK_EQUAL(error_of(api::decode_registration("[1]")).status, 400u);
  CAF_CHECK_EQUAL(error_of(api::decode_registration("{\"email\":\"\xff\"}")).status, 400u);
  auto wrong_type = error_of(api::decode_registration(
      R"({"email":"a@b.org","password":"pw","name":"A","birth_year":"1990","city":"X"})"));
  CAF_CHECK_EQUAL(wrong_type.status, 400u);
  CAF_CHECK_EQUAL(wrong_type.field, "birth_year");
  auto missing = error_of(api::decode_registration(R"({"email":"a@b.org","password":"pw"})"));
  CAF_CHECK_EQUAL(missing.status, 422u);
  CAF_CHECK_EQUAL(missing.field, "name");
  auto huge = error_of(api::decode_registration(
      R"({"email":"a","password":"p","name":"A","birth_year":99999999999,"city":"X"})"));
  CAF_CHECK_EQUAL(huge.status, 422u);
  CAF_CHECK_EQUAL(error_of(api::decode_profile_update("{}")).status, 422u);
  auto update = api::decode_profile_update(R"({"bio":"hi","birth_year":null})");
  CAF_REQUIRE(std::holds_alternative<actors::profile_update>(update));
  CAF_CHECK(std::get<actors::profile_update>(update).bio == std::string{"hi"});
  CAF_CHECK(!std::get<actors::profile_update>(update).birth_year);
  CAF_CHECK_EQUAL(value_of(api::decode_read_mark("")), UINT64_MAX);
  CAF_CHECK_EQUAL(value_of(api::decode_read_mark(R"({"up_to":7})")), 7u);
  CAF_CHECK_EQUAL(error_of(api::decode_read_mark(R"({"up_to":-1})")).field, "up_to");
  CAF_CHECK_EQUAL(error_of(api::decode_message(R"({"text":5})")).field, "text");
}

CAF_TEST(queries and tokens) {
  auto q = api::decode_page_query("limit=5&cursor=120", 20, 100);
  CAF_REQUIRE(std::holds_alternative<api::page_query>(q));
  CAF_CHECK_EQUAL(std::get<api::page_query>(q).cursor, 120u);
  CAF_CHECK_EQUAL(std::get<api::page_query>(q).limit, 5u);
  CAF_CHECK_EQUAL(value_of(api::decode_page_query("", 20, 100)).limit, 20u);
  CAF_CHECK_EQUAL(error_of(api::decode_page_query("limit=x", 20, 100)).status, 400u);
  CAF_CHECK_EQUAL(error_of(api::decode_page_query("limit=0", 20, 100)).status, 422u);
  CAF_CHECK_EQUAL(error_of(api::decode_page_query("limit=101", 20, 100)).status, 422u);
  CAF_CHECK_EQUAL(error_of(api::decode_page_query("cursor=-1", 20, 100)).field, "cursor");
  CAF_CHECK_EQUAL(error_of(api::decode_page_query("cursor=%zz", 20, 100)).field, "cursor");
  CAF_CHECK_EQUAL(error_of(api::decode_page_query("limit=%4", 20, 100)).field, "limit");
  CAF_CHECK_EQUAL(error_of(api::decode_page_query("cursor=99999999999999999999", 20, 100)).status,
                  400u);
  std::string value;
  CAF_CHECK(api::query_value("a=1&name=J%C3%B6rg+B", "name", value));
  CAF_CHECK_EQUAL(value, "J\xc3\xb6rg B");
  CAF_CHECK(!api::query_value("a=%zz", "a", value));
  CAF_CHECK(!api::query_value("a=%4", "a", value));
  CAF_CHECK(api::is_user_id("4190433616306654563"));
  CAF_CHECK(!api::is_user_id("0123"));
  CAF_CHECK(!api::is_user_id("12a"));
  CAF_CHECK(!api::is_user_id("12345678901234567890"));
  std::string token(43, 'a');
  // The token is a view into the header value: keep the value alive.
  auto header = "Bearer " + token;
  auto lower = "bearer " + token;
  CAF_CHECK_EQUAL(std::string{api::bearer_token(header)}, token);
  CAF_CHECK_EQUAL(std::string{api::bearer_token(lower)}, token);
  CAF_CHECK(api::bearer_token("Basic " + token).empty());
  CAF_CHECK(api::bearer_token("Bearer " + token + "a").empty());
  CAF_CHECK(api::bearer_token("Bearer " + std::string(42, 'a') + "!").empty());
}

CAF_TEST(times are written as ISO - 8601 UTC with milliseconds) {
  CAF_CHECK_EQUAL(api::iso_time(0), "1970-01-01T00:00:00.000Z");
  CAF_CHECK_EQUAL(api::iso_time(-1), "1969-12-31T23:59:59.999Z");
  CAF_CHECK_EQUAL(api::iso_time(951'782'400'000), "2000-02-29T00:00:00.000Z");
  CAF_CHECK_EQUAL(api::iso_time(1'795'711'009'123), "2026-11-26T16:36:49.123Z");
  CAF_CHECK_EQUAL(api::iso_time(253'402'300'799'999), "9999-12-31T23:59:59.999Z");
  // Each day from 1900 to 2100 at a moving time of day agrees with gmtime.
  for (int64_t day = -25'567; day <= 47'482; ++day) {
    auto ms = day * 86'400'000 + (day * 7'777'777) % 86'400'000;
    auto secs = static_cast<time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char want[96];
    std::snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(((ms % 1000) + 1000) % 1000));
    if (api::iso_time(ms) != want)
      CAF_FAIL("day " << day << ": " << api::iso_time(ms) << " != " << want);
  }
}

CAF_TEST(the direct writers write what the document writer writes) {
  using actors::feed_item;
  auto document = [](const actors::feed_page& pg) {
    return api::dump(api::page(api::items_of(pg.items), pg.next_cursor));
  };
  actors::feed_page pg;
  CAF_CHECK_EQUAL(api::page_body(pg.items, pg.next_cursor), document(pg));
  CAF_CHECK_EQUAL(api::page_body(pg.items, pg.next_cursor), R"({"items":[],"next_cursor":null})");
  pg.items.push_back(feed_item{9, "liked", "17", 1'795'711'009'123, {}, {}});
  pg.items.push_back(feed_item{8, "photo", "4", 5, "p1", "/photos/4/p1.jpg"});
  pg.items.push_back(feed_item{7, "visited", "quote\"back\\slash", -5, {}, {}});
  pg.items.push_back(feed_item{6, "photo", "tab\tnew\nline\x01", 0, "\x7f", "caf\xc3\xa9"});
  pg.items.push_back(feed_item{5, "photo", "bad\xff\xfeutf8", 1, "id", "\xe2\x82"});
  CAF_CHECK_EQUAL(api::page_body(pg.items, pg.next_cursor), document(pg));
  pg.next_cursor = 5;
  CAF_CHECK_EQUAL(api::page_body(pg.items, pg.next_cursor), document(pg));
  // The other direct writers, with the same awkward strings.
  std::vector<actors::visit_entry> visits{{"7", "2026-11-26", 1'795'711'009'123, 3},
                                          {"q\"uote", "d\x01", -1, 2}};
  CAF_CHECK_EQUAL(api::page_body(visits, 2), api::dump(api::page(api::items_of(visits), 2)));
  std::vector<actors::social_entry> online{{"1", 5}, {"caf\xc3\xa9\xff", 6}};
  CAF_CHECK_EQUAL(api::page_body(online, 0), api::dump(api::page(api::items_of(online), 0)));
  std::vector<actors::chat_message> chat{{1, "1", "2", "hej \"du\"\n\\", 5},
                                         {2, "2", "1", "bad \xc3", 6}};
  uint64_t unread = 3;
  auto chat_doc = api::page(api::items_of(chat), 1);
  chat_doc["unread"] = unread;
  CAF_CHECK_EQUAL(api::page_body(chat, 1, &unread), api::dump(chat_doc));
  actors::profile ada{"17", "Ada \"A\"", 1990, "Stockholm", "bio\twith\ttabs", "everyone", {}};
  CAF_CHECK_EQUAL(api::profile_body(ada), api::dump(api::to_json(ada)));
  ada.photos.push_back({"p1", "/photos/17/p1.jpg"});
  ada.photos.push_back({"p\x02", "\xe2\x82"});
  CAF_CHECK_EQUAL(api::profile_body(ada), api::dump(api::to_json(ada)));
  std::string text;
  api::append_json_string(text, "plain");
  api::append_iso_time(text, 0);
  CAF_CHECK_EQUAL(text, R"("plain""1970-01-01T00:00:00.000Z")");
}

CAF_TEST(the rate limiter refills at its rate) {
  rate_limiter limiter{10, 3};
  auto t0 = rate_limiter::clock::now();
  CAF_CHECK(limiter.allow("a", t0));
  CAF_CHECK(limiter.allow("a", t0));
  CAF_CHECK(limiter.allow("a", t0));
  CAF_CHECK(!limiter.allow("a", t0));
  CAF_CHECK(limiter.allow("b", t0));  // each client has its own bucket
  CAF_CHECK(!limiter.allow("a", t0 + 50ms));
  CAF_CHECK(limiter.allow("a", t0 + 110ms));  // one token after 100 ms
  CAF_CHECK(!limiter.allow("a", t0 + 110ms));
  rate_limiter off{0, 0};
  for (int i = 0; i < 1000; ++i)
    CAF_REQUIRE(off.allow("a", t0));
}

CAF_TEST(push frames go to the users an event concerns) {
  store::recorded_event sent;
  sent.type = "message_sent";
  sent.payload = R"({"from":"1","to":"2","seq":3,"text":"hi","at_ms":0})";
  auto frames = api::push_frames(sent);
  CAF_REQUIRE_EQUAL(frames.size(), 2u);
  CAF_CHECK_EQUAL(frames[0].first, "2");
  CAF_CHECK_EQUAL(frames[1].first, "1");
  CAF_CHECK_EQUAL(frames[0].second.rfind("event: message\ndata: {", 0), 0u);
  CAF_CHECK(frames[0].second.find("\"id\":\"3\"") != std::string::npos);
  CAF_CHECK_EQUAL(frames[0].second.substr(frames[0].second.size() - 2), "\n\n");
  store::recorded_event liked;
  liked.type = "liked";
  liked.payload = R"({"by":"1","target":"2","at_ms":0})";
  frames = api::push_frames(liked);
  CAF_REQUIRE_EQUAL(frames.size(), 1u);
  CAF_CHECK_EQUAL(frames[0].first, "2");
  CAF_CHECK(frames[0].second.find("\"kind\":\"like\"") != std::string::npos);
  store::recorded_event other;
  other.type = "profile_updated";
  other.payload = R"({"name":"x"})";
  CAF_CHECK(api::push_frames(other).empty());
  liked.payload = "not json";
  CAF_CHECK(api::push_frames(liked).empty());
}
