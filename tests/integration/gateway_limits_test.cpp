// The gateway's limits against misbehaving clients over real sockets: slow
// and idle connections, clients that leave mid-request, the per-client rate
// limit and the connection limit. After each case a new connection still
// gets GET /healthz answered. Time bounds are generous: they only keep a
// broken server from hanging the test.
#define CAF_SUITE gateway_limits
#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "gateway_fixture.hpp"

using namespace griddle;
using namespace griddle::test;
using namespace std::chrono_literals;
using namespace std::string_literals;
using nlohmann::json;

namespace {

using clock_type = std::chrono::steady_clock;

/// "STATUS CODE" for an error answer, "STATUS" otherwise, "no response" when
/// none came.
std::string outcome(const std::optional<http_response>& res) {
  if (!res)
    return "no response";
  auto out = std::to_string(res->status);
  auto doc = json::parse(res->body, nullptr, false);
  if (doc.is_object() && doc.contains("error") && doc["error"].is_object() &&
      doc["error"].contains("code"))
    out += " " + doc["error"]["code"].dump();
  out.erase(std::remove(out.begin(), out.end(), '"'), out.end());
  return out;
}

/// "healthz 200" when a new connection's GET /healthz answers 200.
std::string healthz(gateway_fixture& f) {
  try {
    return "healthz " + std::to_string(f.call("GET", "/healthz").status);
  } catch (const std::exception& e) {
    return "healthz failed: "s + e.what();
  }
}

/// healthz(), retried for up to 5 s while the server notices closed sockets.
std::string healthz_soon(gateway_fixture& f) {
  auto deadline = clock_type::now() + 5s;
  auto result = healthz(f);
  while (result != "healthz 200" && clock_type::now() < deadline) {
    std::this_thread::sleep_for(50ms);
    result = healthz(f);
  }
  return result;
}

long long ms_since(clock_type::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start).count();
}

std::string registration(const std::string& email) {
  return json{{"email", email},
              {"password", "correct horse battery"},
              {"name", "Slow"},
              {"birth_year", 1990},
              {"city", "Bergen"}}
      .dump();
}

std::string post_users_head(size_t content_length) {
  return "POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         "Content-Length: " +
         std::to_string(content_length) + "\r\n\r\n";
}

/// Sends `bytes` one byte every 300 ms until the server closes the connection
/// or 5 s pass since `start`; whether the server closed it.
bool trickle(http_connection& conn, std::string_view bytes, clock_type::time_point start) {
  for (size_t i = 0; i < bytes.size() && clock_type::now() - start < 5s; ++i) {
    if (conn.closed_by_peer(300ms))
      return true;
    try {
      conn.send_raw(bytes.substr(i, 1));
    } catch (const std::system_error&) {
      break;  // closed meanwhile
    }
  }
  return conn.closed_by_peer(1s);
}

}  // namespace

CAF_TEST(slow requests get 408 and are closed) {
  gateway_fixture f{{"--http-read-timeout=1s"}};
  // One header byte every 300 ms: the head never completes.
  auto conn = f.connect();
  auto start = clock_type::now();
  conn.send_raw("GET /healthz HTTP/1.1\r\nHost: x\r\n");
  auto closed = trickle(conn, "X-Slow: " + std::string(100, 'a'), start);
  CAF_MESSAGE("slow head closed after " << ms_since(start) << " ms");
  CAF_CHECK(closed);
  CAF_CHECK_LESS(ms_since(start), 5000);
  CAF_CHECK_EQUAL(outcome(conn.read_response()), "408 request_timeout");
  CAF_CHECK_EQUAL(healthz(f), "healthz 200");
  // The same with a body: the whole request must arrive within the time-out.
  auto body = registration("slow@example.org");
  auto slow_body = f.connect();
  start = clock_type::now();
  slow_body.send_raw(post_users_head(body.size()));
  closed = trickle(slow_body, body, start);
  CAF_MESSAGE("slow body closed after " << ms_since(start) << " ms");
  CAF_CHECK(closed);
  CAF_CHECK_LESS(ms_since(start), 5000);
  CAF_CHECK_EQUAL(outcome(slow_body.read_response()), "408 request_timeout");
  CAF_CHECK_EQUAL(healthz(f), "healthz 200");
}

CAF_TEST(idle connections are closed by the server) {
  gateway_fixture f{{"--http-idle-timeout=1s"}};
  auto kept = f.connect();
  CAF_CHECK_EQUAL(kept.request("GET", "/healthz").status, 200);
  auto silent = f.connect();
  auto start = clock_type::now();
  CAF_CHECK(kept.closed_by_peer(5s));
  CAF_CHECK(silent.closed_by_peer(5s));
  CAF_MESSAGE("both closed after " << ms_since(start) << " ms");
  CAF_CHECK(!kept.read_response());
  CAF_CHECK_EQUAL(healthz(f), "healthz 200");
}

CAF_TEST(clients that leave mid request do not hurt the server) {
  gateway_fixture f;
  auto body = registration("half@example.org");
  {
    auto conn = f.connect();
    conn.send_raw(post_users_head(body.size()) + body.substr(0, body.size() / 2));
  }  // closed with half the body sent
  CAF_CHECK_EQUAL(healthz(f), "healthz 200");
  {
    auto conn = f.connect();
    conn.send_raw("GET /healthz HTTP/1.1\r\nHo");
  }  // closed in the middle of the head
  CAF_CHECK_EQUAL(healthz(f), "healthz 200");
  {
    // Registration waits for password hashing: the client is gone long before
    // the answer.
    auto conn = f.connect();
    auto slow = registration("gone@example.org");
    conn.send_raw(post_users_head(slow.size()) + slow);
  }
  CAF_CHECK_EQUAL(healthz(f), "healthz 200");
  // The abandoned registration still happened; others still register.
  auto deadline = clock_type::now() + 10s;
  auto login = json{{"email", "gone@example.org"}, {"password", "correct horse battery"}}.dump();
  auto signed_in = f.call("POST", "/v1/sessions", login).status;
  while (signed_in != 201 && clock_type::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    signed_in = f.call("POST", "/v1/sessions", login).status;
  }
  CAF_CHECK_EQUAL(signed_in, 201);
  CAF_CHECK_EQUAL(f.call("POST", "/v1/users", registration("next@example.org")).status, 201);
  CAF_CHECK_EQUAL(healthz(f), "healthz 200");
}

CAF_TEST(the rate limit answers 429 but never limits probes) {
  gateway_fixture f{{"--http-rate-limit=5", "--http-rate-burst=5"}};
  auto ada = f.join("ada");
  auto conn = f.connect();
  int ok = 0;
  int limited = 0;
  for (int i = 0; i < 20; ++i) {
    auto res = conn.request("GET", "/v1/me", {}, bearer(ada.token));
    if (res.status == 200) {
      ++ok;
    } else {
      ++limited;
      CAF_CHECK_EQUAL(outcome(res), "429 rate_limited");
      CAF_CHECK_EQUAL(res.header("Retry-After"), "1");
    }
    CAF_CHECK_EQUAL(conn.request("GET", "/healthz").status, 200);
    CAF_CHECK_EQUAL(conn.request("GET", "/readyz").status, 200);
  }
  CAF_MESSAGE(ok << " answered, " << limited << " limited");
  CAF_CHECK_GREATER(ok, 0);
  CAF_CHECK_GREATER(limited, 0);
  CAF_CHECK_EQUAL(healthz(f), "healthz 200");
  // The bucket refills: after a second the client is served again.
  std::this_thread::sleep_for(1500ms);
  CAF_CHECK_EQUAL(f.call("GET", "/v1/me", {}, bearer(ada.token)).status, 200);
}

CAF_TEST(connections over the limit get 503 and are closed) {
  gateway_fixture f{{"--http-max-connections=4"}};
  std::vector<http_connection> held;
  for (int i = 0; i < 4; ++i)
    held.push_back(f.connect());
  // Let the server take all four before the fifth arrives.
  std::this_thread::sleep_for(300ms);
  auto fifth = f.connect();
  try {
    fifth.send_raw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  } catch (const std::system_error&) {
    // Refused early: the answer may still be in the receive buffer.
  }
  CAF_CHECK_EQUAL(outcome(fifth.read_response()), "503 unavailable");
  CAF_CHECK(fifth.closed_by_peer(5s));
  // The four held connections still work.
  for (auto& conn : held)
    CAF_CHECK_EQUAL(conn.request("GET", "/healthz").status, 200);
  held.clear();
  CAF_CHECK_EQUAL(healthz_soon(f), "healthz 200");
  // All four places are free again once the server has seen the last close.
  std::this_thread::sleep_for(300ms);
  for (int i = 0; i < 4; ++i)
    held.push_back(f.connect());
  for (auto& conn : held)
    CAF_CHECK_EQUAL(conn.request("GET", "/healthz").status, 200);
}
