// Bad input over real sockets: malformed HTTP, unknown routes and methods,
// oversized heads and bodies, broken JSON, bad queries, bad credentials,
// pipelining and keep-alive. Each case names its exact status and error code,
// and after each one a new connection still gets GET /healthz answered.
#define CAF_SUITE gateway_bad_input
#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "gateway_fixture.hpp"

using namespace griddle;
using namespace griddle::test;
using namespace std::chrono_literals;
using namespace std::string_literals;
using nlohmann::json;

namespace {

/// "STATUS CODE" for an error answer, "STATUS CODE field=F" when it names a
/// field, "STATUS" otherwise, "no response" when none came.
std::string outcome(const std::optional<http_response>& res) {
  if (!res)
    return "no response";
  auto out = std::to_string(res->status);
  auto doc = json::parse(res->body, nullptr, false);
  if (!doc.is_object() || !doc.contains("error") || !doc["error"].is_object())
    return out;
  auto& err = doc["error"];
  out += " " + (err.contains("code") ? err["code"].dump() : "?"s);
  if (err.contains("field"))
    out += " field=" + err["field"].dump();
  out.erase(std::remove(out.begin(), out.end(), '"'), out.end());
  return out;
}

std::string outcome(const http_response& res) {
  return outcome(std::optional<http_response>{res});
}

/// Sends `bytes` on a new connection; the answer's outcome, then ", closed"
/// when the server closes the connection within 5 s, else ", open".
std::string refusal(gateway_fixture& f, std::string_view bytes) {
  auto conn = f.connect();
  try {
    conn.send_raw(bytes);
  } catch (const std::system_error&) {
    // Closed early: the answer may still be waiting in the receive buffer.
  }
  auto res = conn.read_response();
  return outcome(res) + (conn.closed_by_peer(5s) ? ", closed" : ", open");
}

/// "healthz 200" when a new connection's GET /healthz answers 200.
std::string healthz(gateway_fixture& f) {
  try {
    return "healthz " + std::to_string(f.call("GET", "/healthz").status);
  } catch (const std::exception& e) {
    return "healthz failed: "s + e.what();
  }
}

std::string labelled(const std::string& name, const std::string& text) {
  return name + ": " + text;
}

std::string get(const std::string& target, const std::string& more_headers = {}) {
  return "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + more_headers + "\r\n";
}

/// 43 random characters of URL-safe base64: the form of a token, no session.
std::string forged_token() {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::mt19937 gen{std::random_device{}()};
  std::uniform_int_distribution<size_t> pick{0, sizeof(alphabet) - 2};
  std::string out;
  for (int i = 0; i < 43; ++i)
    out += alphabet[pick(gen)];
  return out;
}

struct bad_case {
  std::string name;
  std::string input;
  std::string expected;
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(gateway_bad_input_tests, gateway_fixture)

CAF_TEST(malformed request lines get 400 and a closed connection) {
  std::vector<bad_case> cases{
      {"garbage", "GARBAGE\r\n\r\n", "400 bad_request, closed"},
      {"method only", "GET\r\n\r\n", "400 bad_request, closed"},
      {"no version", "GET /healthz\r\nHost: x\r\n\r\n", "400 bad_request, closed"},
      {"HTTP/9.9", "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", "400 bad_request, closed"},
      {"LF line ends", "GET /healthz HTTP/1.1\nHost: x\n\n", "400 bad_request, closed"},
      {"space in target", "GET /heal thz HTTP/1.1\r\nHost: x\r\n\r\n", "400 bad_request, closed"},
      {"field without colon", "GET /healthz HTTP/1.1\r\nHost x\r\n\r\n", "400 bad_request, closed"},
  };
  for (auto& c : cases) {
    CAF_CHECK_EQUAL(labelled(c.name, refusal(*this, c.input)), labelled(c.name, c.expected));
    CAF_CHECK_EQUAL(labelled(c.name, healthz(*this)), labelled(c.name, "healthz 200"));
  }
}

CAF_TEST(a refusal says that it closes and comes from griddle) {
  auto conn = connect();
  conn.send_raw("GARBAGE\r\n\r\n");
  auto res = conn.read_response();
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 400);
  CAF_CHECK_EQUAL(res->header("Connection"), "close");
  CAF_CHECK_EQUAL(res->header("Server"), "griddle");
  CAF_CHECK_EQUAL(res->header("Content-Type"), "application/json");
}

CAF_TEST(unknown methods get 405 with Allow and unknown routes 404) {
  auto brew = call("BREW", "/v1/me");
  CAF_CHECK_EQUAL(outcome(brew), "405 method_not_allowed");
  CAF_CHECK_EQUAL(brew.header("Allow"), "GET, PATCH");
  CAF_CHECK_EQUAL(healthz(*this), "healthz 200");
  auto put = call("PUT", "/v1/me", "{}");
  CAF_CHECK_EQUAL(outcome(put), "405 method_not_allowed");
  CAF_CHECK_EQUAL(put.header("Allow"), "GET, PATCH");
  CAF_CHECK_EQUAL(healthz(*this), "healthz 200");
  auto delete_health = call("DELETE", "/healthz");
  CAF_CHECK_EQUAL(outcome(delete_health), "405 method_not_allowed");
  CAF_CHECK_EQUAL(delete_health.header("Allow"), "GET");
  CAF_CHECK_EQUAL(healthz(*this), "healthz 200");
  CAF_CHECK_EQUAL(outcome(call("GET", "/v1/nothing")), "404 not_found");
  CAF_CHECK_EQUAL(outcome(call("GET", "/v1/me/")), "404 not_found");
  CAF_CHECK_EQUAL(healthz(*this), "healthz 200");
}

CAF_TEST(oversized heads get 414 or 431 and a closed connection) {
  std::string many_fields;
  for (int i = 0; i < 700; ++i)
    many_fields += "X-Field-" + std::to_string(i) + ": v\r\n";  // about 10 KiB
  std::vector<bad_case> cases{
      {"target of 10000", get("/" + std::string(10000, 'a')), "414 uri_too_long, closed"},
      {"target of 3000", get("/v1/" + std::string(3000, 'a')), "414 uri_too_long, closed"},
      {"many short fields", get("/healthz", many_fields), "431 headers_too_large, closed"},
      {"one long field", get("/healthz", "X-Long: " + std::string(9000, 'a') + "\r\n"),
       "431 headers_too_large, closed"},
  };
  for (auto& c : cases) {
    CAF_CHECK_EQUAL(labelled(c.name, refusal(*this, c.input)), labelled(c.name, c.expected));
    CAF_CHECK_EQUAL(labelled(c.name, healthz(*this)), labelled(c.name, "healthz 200"));
  }
  // Just under the limits: an ordinary answer.
  CAF_CHECK_EQUAL(outcome(call("GET", "/" + std::string(2000, 'a'))), "404 not_found");
}

CAF_TEST(bodies over the limit get 413 and a closed connection) {
  // The body is never sent: the declared length alone is refused.
  CAF_CHECK_EQUAL(refusal(*this,
                          "POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          "Content-Length: 100000\r\n\r\n"),
                  "413 payload_too_large, closed");
  CAF_CHECK_EQUAL(healthz(*this), "healthz 200");
  // Four chunks of 16000 bytes fit in 64 KiB; the fifth chunk's size does not.
  std::string chunked = "POST /v1/users HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i)
    chunked += "3e80\r\n" + std::string(16000, ' ') + "\r\n";
  CAF_CHECK_EQUAL(refusal(*this, chunked + "4000\r\n"), "413 payload_too_large, closed");
  CAF_CHECK_EQUAL(healthz(*this), "healthz 200");
  // A small chunked body is read and decoded like any other.
  auto conn = connect();
  conn.send_raw(
      "POST /v1/users HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
      "chunked\r\n\r\n2\r\n[]\r\n0\r\n\r\n");
  CAF_CHECK_EQUAL(outcome(conn.read_response()), "400 bad_request");
}

CAF_TEST(invalid JSON bodies get 400 and missing fields 422) {
  auto registration = [](const std::string& name_value) {
    return R"({"email":"x@example.org","password":"correct horse battery","name":")" + name_value +
           R"(","birth_year":1990,"city":"Oslo"})";
  };
  std::vector<bad_case> users{
      {"empty", "", "400 bad_request"},
      {"not JSON", "hello", "400 bad_request"},
      {"truncated", R"({"email":"x@example.org","password":"corr)", "400 bad_request"},
      {"array", R"([{"email":"x@example.org"}])", "400 bad_request"},
      {"string", R"("x@example.org")", "400 bad_request"},
      {"bytes ff fe", registration("\xff\xfe"), "400 bad_request"},
      {"overlong slash", registration("\xc0\xaf"), "400 bad_request"},
      {"overlong 3 bytes", registration("\xe0\x80\xaf"), "400 bad_request"},
      {"surrogate", registration("\xed\xa0\x80"), "400 bad_request"},
      {"year as string",
       R"({"email":"x@example.org","password":"correct horse battery","name":"X",)"
       R"("birth_year":"1990","city":"Oslo"})",
       "400 bad_request field=birth_year"},
      {"email as number",
       R"({"email":42,"password":"correct horse battery","name":"X","birth_year":1990,)"
       R"("city":"Oslo"})",
       "400 bad_request field=email"},
      {"no city",
       R"({"email":"x@example.org","password":"correct horse battery","name":"X",)"
       R"("birth_year":1990})",
       "422 validation_failed field=city"},
  };
  for (auto& c : users) {
    CAF_CHECK_EQUAL(labelled("users, " + c.name, outcome(call("POST", "/v1/users", c.input))),
                    labelled("users, " + c.name, c.expected));
    CAF_CHECK_EQUAL(labelled(c.name, healthz(*this)), labelled(c.name, "healthz 200"));
  }
  std::vector<bad_case> sessions{
      {"not JSON", "{email: x}", "400 bad_request"},
      {"truncated", R"({"email":"x@example.org")", "400 bad_request"},
      {"array", "[]", "400 bad_request"},
      {"bytes ff fe", "{\"email\":\"\xff\xfe\",\"password\":\"x\"}", "400 bad_request"},
      {"overlong", "{\"email\":\"\xc1\xbf\",\"password\":\"x\"}", "400 bad_request"},
      {"email as number", R"({"email":7,"password":"x"})", "400 bad_request field=email"},
      {"password as bool", R"({"email":"x@example.org","password":true})",
       "400 bad_request field=password"},
      {"no password", R"({"email":"x@example.org"})", "422 validation_failed field=password"},
  };
  for (auto& c : sessions) {
    CAF_CHECK_EQUAL(labelled("sessions, " + c.name, outcome(call("POST", "/v1/sessions", c.input))),
                    labelled("sessions, " + c.name, c.expected));
    CAF_CHECK_EQUAL(labelled(c.name, healthz(*this)), labelled(c.name, "healthz 200"));
  }
}

CAF_TEST(bad queries name the parameter) {
  auto ada = join("ada");
  std::vector<std::pair<std::string, std::string>> cases{
      {"limit=abc", "400 bad_request field=limit"},
      {"limit=", "400 bad_request field=limit"},
      {"limit=0", "422 validation_failed field=limit"},
      {"limit=1000", "422 validation_failed field=limit"},
      {"cursor=-1", "400 bad_request field=cursor"},
      {"cursor=%zz", "400 bad_request field=cursor"},
      {"cursor=99999999999999999999999", "400 bad_request field=cursor"},
  };
  for (auto& [query, expected] : cases) {
    auto res = call("GET", "/v1/feed?" + query, {}, bearer(ada.token));
    CAF_CHECK_EQUAL(labelled(query, outcome(res)), labelled(query, expected));
    CAF_CHECK_EQUAL(labelled(query, healthz(*this)), labelled(query, "healthz 200"));
  }
  CAF_CHECK_EQUAL(call("GET", "/v1/feed?limit=100", {}, bearer(ada.token)).status, 200);
}

CAF_TEST(bad credentials get 401 and bad path ids 404) {
  auto ada = join("ada");
  std::vector<std::pair<std::string, http_headers>> refused{
      {"no Authorization", {}},
      {"Basic", {{"Authorization", "Basic abc"}}},
      {"Bearer without token", {{"Authorization", "Bearer "}}},
      {"token too short", bearer(ada.token.substr(1))},
      {"token with bad characters", bearer(ada.token.substr(1) + "+")},
      {"forged token", bearer(forged_token())},
  };
  for (auto& [name, headers] : refused) {
    CAF_CHECK_EQUAL(labelled(name, outcome(call("GET", "/v1/me", {}, headers))),
                    labelled(name, "401 unauthenticated"));
    CAF_CHECK_EQUAL(labelled(name, healthz(*this)), labelled(name, "healthz 200"));
  }
  for (auto id : {"abc", "0123", "-1", "12345678901234567890"}) {
    CAF_CHECK_EQUAL(labelled(id, outcome(call("GET", "/v1/users/"s + id, {}, bearer(ada.token)))),
                    labelled(id, "404 not_found"));
    CAF_CHECK_EQUAL(labelled(id, healthz(*this)), labelled(id, "healthz 200"));
  }
  // Signed out: the same token no longer works.
  CAF_REQUIRE_EQUAL(call("GET", "/v1/me", {}, bearer(ada.token)).status, 200);
  CAF_REQUIRE_EQUAL(call("DELETE", "/v1/sessions/current", {}, bearer(ada.token)).status, 200);
  CAF_CHECK_EQUAL(outcome(call("GET", "/v1/me", {}, bearer(ada.token))), "401 unauthenticated");
  CAF_CHECK_EQUAL(outcome(call("DELETE", "/v1/sessions/current", {}, bearer(ada.token))),
                  "401 unauthenticated");
  CAF_CHECK_EQUAL(healthz(*this), "healthz 200");
}

CAF_TEST(pipelined requests are answered in order) {
  auto conn = connect();
  conn.send_raw(get("/healthz") + get("/readyz") + get("/v1/nothing"));
  auto first = conn.read_response();
  auto second = conn.read_response();
  auto third = conn.read_response();
  CAF_REQUIRE(first && second && third);
  CAF_CHECK_EQUAL(first->status, 200);
  CAF_CHECK_EQUAL(first->json().at("status").get<std::string>(), "alive");
  CAF_CHECK_EQUAL(second->status, 200);
  CAF_CHECK_EQUAL(second->json().at("status").get<std::string>(), "ready");
  CAF_CHECK_EQUAL(outcome(third), "404 not_found");
  // A pipelined request after a malformed one is never served.
  auto broken = connect();
  broken.send_raw("GARBAGE\r\n\r\n" + get("/healthz"));
  CAF_CHECK_EQUAL(outcome(broken.read_response()), "400 bad_request");
  CAF_CHECK(broken.closed_by_peer(5s));
  CAF_CHECK(!broken.read_response());
  CAF_CHECK_EQUAL(healthz(*this), "healthz 200");
}

CAF_TEST(keep alive serves many requests until Connection close) {
  auto conn = connect();
  for (int i = 0; i < 5; ++i) {
    auto res = conn.request("GET", i % 2 == 0 ? "/healthz" : "/v1/nothing");
    CAF_CHECK_EQUAL(res.status, i % 2 == 0 ? 200 : 404);
    CAF_CHECK_NOT_EQUAL(res.header("Connection"), "close");
  }
  auto last = conn.request("GET", "/healthz", {}, {{"Connection", "close"}});
  CAF_CHECK_EQUAL(last.status, 200);
  CAF_CHECK_EQUAL(last.header("Connection"), "close");
  CAF_CHECK(conn.closed_by_peer(5s));
  CAF_CHECK_EQUAL(healthz(*this), "healthz 200");
}

CAF_TEST_FIXTURE_SCOPE_END()
