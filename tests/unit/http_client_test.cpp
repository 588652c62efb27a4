// The test HTTP client against a scripted server on 127.0.0.1 that answers
// canned bytes: framing by Content-Length, chunks and close, pipelining,
// bodiless responses, closes, time-outs and Server-Sent Events.
#define CAF_SUITE http_client
#include <caf/test/unit_test.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "http_client.hpp"

using namespace griddle::test;
using namespace std::chrono_literals;
using std::chrono::steady_clock;

namespace {

/// The server's side of the one connection a scripted_server accepts.
class server_peer {
 public:
  explicit server_peer(int fd) : fd_(fd) {}

  /// Reads one request (head, then a Content-Length body) and returns it;
  /// "" if the client closes or stays silent for 10 s.
  std::string read_request() {
    for (;;) {
      auto head_end = pending_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        auto size = head_end + 4 + content_length(pending_.substr(0, head_end));
        if (pending_.size() >= size) {
          auto request = pending_.substr(0, size);
          pending_.erase(0, size);
          return request;
        }
      }
      if (!receive())
        return {};
    }
  }

  /// Sends all of `bytes`; a client that went away shows up in its own checks.
  void send(std::string_view bytes) {
    while (!bytes.empty()) {
      auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0)
        return;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }

  /// Sends `parts` one at a time with a pause between, so the client sees
  /// them in separate reads.
  void send_slowly(std::initializer_list<std::string_view> parts) {
    for (auto part : parts) {
      send(part);
      std::this_thread::sleep_for(20ms);
    }
  }

  /// Sends `bytes` in pieces of `size` with a pause between.
  void dribble(std::string_view bytes, size_t size) {
    for (size_t pos = 0; pos < bytes.size(); pos += size) {
      send(bytes.substr(pos, size));
      std::this_thread::sleep_for(5ms);
    }
  }

  /// Waits until the client closes the connection (or 10 s of silence).
  void read_until_close() {
    while (receive()) {
      // Discard.
    }
  }

 private:
  static size_t content_length(const std::string& head) {
    auto pos = head.find("Content-Length: ");
    return pos == std::string::npos ? 0 : std::stoul(head.substr(pos + 16));
  }

  bool receive() {
    char buf[4096];
    auto n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0)
      return false;
    pending_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_;
  std::string pending_;
};

/// Listens on 127.0.0.1 (a free port), accepts one connection and runs
/// `script` on it in a thread; closes the connection when the script returns.
class scripted_server {
 public:
  explicit scripted_server(std::function<void(server_peer&)> script) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CAF_REQUIRE(listener_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    CAF_REQUIRE_EQUAL(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), len), 0);
    CAF_REQUIRE_EQUAL(::listen(listener_, 4), 0);
    CAF_REQUIRE_EQUAL(::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, script = std::move(script)] {
      auto fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0)
        return;
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      timeval ten_seconds{10, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &ten_seconds, sizeof(ten_seconds));
      server_peer peer{fd};
      script(peer);
      ::close(fd);
    });
  }

  ~scripted_server() {
    ::shutdown(listener_, SHUT_RDWR);  // Wakes accept() if no client came.
    join();
    ::close(listener_);
  }

  uint16_t port() const { return port_; }

  /// Waits for the script to finish.
  void join() {
    if (thread_.joinable())
      thread_.join();
  }

 private:
  int listener_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
};

/// A server that reads one request, answers `reply` and closes.
std::function<void(server_peer&)> reply_and_close(std::string reply) {
  return [reply](server_peer& peer) {
    peer.read_request();
    peer.send(reply);
  };
}

/// `data` as one chunk of a chunked body.
std::string chunk(std::string_view data) {
  char size[32];
  std::snprintf(size, sizeof(size), "%zx", data.size());
  return std::string{size} + "\r\n" + std::string{data} + "\r\n";
}

template <class F>
bool throws(F f) {
  try {
    f();
  } catch (const std::exception&) {
    return true;
  }
  return false;
}

}  // namespace

// -- framing --------------------------------------------------------------------------

CAF_TEST(a request carries host length type and extra headers) {
  std::string request;
  scripted_server server{[&](server_peer& peer) {
    request = peer.read_request();
    peer.send("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
    peer.read_until_close();
  }};
  {
    http_connection conn{server.port()};
    auto response = conn.request("POST", "/v1/things?x=1", R"({"x":1})", bearer("t0k"));
    CAF_CHECK_EQUAL(response.status, 201);
  }
  server.join();
  auto expected =
      "POST /v1/things?x=1 HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port()) +
      "\r\nContent-Type: application/json\r\nContent-Length: 7\r\n"
      "Authorization: Bearer t0k\r\n\r\n{\"x\":1}";
  CAF_CHECK_EQUAL(request, expected);
}

CAF_TEST(a content length body ends where the length says) {
  scripted_server server{[](server_peer& peer) {
    peer.read_request();
    peer.send_slowly({"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: r1\r\n",
                      "Content-Length: 18\r\n\r\n{\"id\":7,", "\"ok\":true}garbage"});
    peer.read_until_close();
  }};
  http_connection conn{server.port()};
  auto response = conn.request("GET", "/thing");
  CAF_CHECK_EQUAL(response.status, 200);
  CAF_CHECK_EQUAL(response.reason, "OK");
  CAF_CHECK_EQUAL(response.header("x-request-id"), "r1");
  CAF_CHECK_EQUAL(response.header("CONTENT-TYPE"), "application/json");
  CAF_CHECK_EQUAL(response.header("X-Missing"), "");
  CAF_CHECK_EQUAL(response.body, R"({"id":7,"ok":true})");
  CAF_CHECK_EQUAL(response.json(), (nlohmann::json{{"id", 7}, {"ok", true}}));
  response.body = "{not json";
  CAF_CHECK(throws([&] { response.json(); }));
}

CAF_TEST(a chunked body drops extensions and keeps trailers) {
  scripted_server server{[](server_peer& peer) {
    peer.read_request();
    peer.send_slowly({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhel",
                      "lo\r\n1", "0\r\n, sixteen bytes!\r\n0\r\nX-Checksum: abc\r\n",
                      "\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext"});
    peer.read_until_close();
  }};
  http_connection conn{server.port()};
  auto response = conn.request("GET", "/chunks");
  CAF_CHECK_EQUAL(response.body, "hello, sixteen bytes!");
  CAF_CHECK_EQUAL(response.header("x-checksum"), "abc");
  auto next = conn.read_response();
  CAF_REQUIRE(next);
  CAF_CHECK_EQUAL(next->body, "next");
}

CAF_TEST(a body without length or chunks ends with the connection) {
  scripted_server server{[](server_peer& peer) {
    peer.read_request();
    peer.send_slowly({"HTTP/1.1 200 OK\r\n\r\nuntil ", "the end\r\n"});
  }};
  http_connection conn{server.port()};
  CAF_CHECK_EQUAL(conn.request("GET", "/").body, "until the end\r\n");
}

CAF_TEST(pipelined responses are read in order from one send) {
  std::string first;
  std::string second;
  scripted_server server{[&](server_peer& peer) {
    first = peer.read_request();
    second = peer.read_request();
    peer.send(
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst"
        "HTTP/1.1 404 Not Found\r\nContent-Length: 6\r\n\r\nsecond");
    peer.read_until_close();
  }};
  {
    http_connection conn{server.port()};
    conn.send_raw("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
    auto one = conn.read_response();
    auto two = conn.read_response();
    CAF_REQUIRE(one && two);
    CAF_CHECK_EQUAL(one->status, 200);
    CAF_CHECK_EQUAL(one->body, "first");
    CAF_CHECK_EQUAL(two->status, 404);
    CAF_CHECK_EQUAL(two->reason, "Not Found");
    CAF_CHECK_EQUAL(two->body, "second");
  }
  server.join();
  CAF_CHECK_EQUAL(first, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  CAF_CHECK_EQUAL(second, "GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
}

CAF_TEST(204 304 and head responses have no body) {
  scripted_server server{[](server_peer& peer) {
    peer.read_request();
    peer.send(
        "HTTP/1.1 100 Continue\r\n\r\n"
        "HTTP/1.1 204 No Content\r\n\r\n"
        "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    peer.read_until_close();
  }};
  http_connection conn{server.port()};
  conn.send_raw("DELETE /x HTTP/1.1\r\nHost: x\r\n\r\n");
  auto no_content = conn.read_response();
  auto not_modified = conn.read_response();
  auto head = conn.read_response(true);
  auto ok = conn.read_response();
  CAF_REQUIRE(no_content && not_modified && head && ok);
  CAF_CHECK_EQUAL(no_content->status, 204);
  CAF_CHECK_EQUAL(no_content->body, "");
  CAF_CHECK_EQUAL(not_modified->status, 304);
  CAF_CHECK_EQUAL(not_modified->body, "");
  CAF_CHECK_EQUAL(head->header("Content-Length"), "100");
  CAF_CHECK_EQUAL(head->body, "");
  CAF_CHECK_EQUAL(ok->body, "ok");
}

CAF_TEST(a malformed status line throws) {
  scripted_server server{reply_and_close("HTTP/1.1 abc Nope\r\n\r\n")};
  http_connection conn{server.port()};
  CAF_CHECK(throws([&] { conn.request("GET", "/"); }));
}

// -- closes and time-outs --------------------------------------------------------------

CAF_TEST(closed by peer sees a close after the response) {
  scripted_server server{reply_and_close("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")};
  http_connection conn{server.port()};
  CAF_CHECK_EQUAL(conn.request("GET", "/").status, 200);
  CAF_CHECK(conn.closed_by_peer(5s));
}

CAF_TEST(closed by peer is false while the server holds the connection) {
  scripted_server server{[](server_peer& peer) {
    peer.read_request();
    peer.send("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    peer.read_until_close();
  }};
  http_connection conn{server.port()};
  CAF_CHECK_EQUAL(conn.request("GET", "/").status, 200);
  CAF_CHECK(!conn.closed_by_peer(100ms));
}

CAF_TEST(a close before the whole response yields no response) {
  scripted_server server{reply_and_close("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")};
  http_connection conn{server.port()};
  conn.send_raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  CAF_CHECK(!conn.read_response());
  CAF_CHECK(conn.closed_by_peer(0ms));
}

CAF_TEST(a silent server times out with no response) {
  scripted_server server{[](server_peer& peer) {
    peer.read_request();
    peer.send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    peer.read_until_close();
  }};
  http_connection conn{server.port(), 200ms};
  conn.send_raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  auto start = steady_clock::now();
  CAF_CHECK(!conn.read_response());
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(steady_clock::now() - start);
  CAF_CHECK_GREATER_OR_EQUAL(waited.count(), 200);
  CAF_CHECK_LESS(waited.count(), 5000);
  CAF_CHECK(!conn.closed_by_peer(0ms));
  CAF_CHECK(throws([&] { conn.request("GET", "/"); }));
}

CAF_TEST(connecting to a closed port throws with the reason from the system) {
  uint16_t port = 0;
  {
    scripted_server server{[](server_peer&) {}};
    port = server.port();
  }
  std::string what;
  try {
    http_connection conn{port};
  } catch (const std::runtime_error& err) {
    what = err.what();
  }
  CAF_CHECK_NOT_EQUAL(what.find("Connection refused"), std::string::npos);
}

// -- server-sent events ---------------------------------------------------------------

CAF_TEST(chunked events skip comments and join data lines) {
  std::string request;
  scripted_server server{[&](server_peer& peer) {
    request = peer.read_request();
    peer.send(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
        "Transfer-Encoding: chunked\r\n\r\n");
    // Chunk and read boundaries fall inside lines; an extension rides along.
    auto stream = chunk(": keep-alive\n\n") + chunk("event: joined\nid: 7\ndata: {\"user\"") +
                  chunk(":\"ann\"}\n\n") + chunk("data: line one\r\ndata:line two\r\n\r\n") +
                  "F;ext=1\r\ndata\ndata: \n\n:x\r\n" + chunk(": keep-alive\n\n");
    peer.dribble(stream, 7);
    peer.read_until_close();
  }};
  {
    http_connection conn{server.port()};
    CAF_REQUIRE(conn.start_events("/v1/events", bearer("t0k")));
    auto joined = conn.next_event(5s);
    CAF_REQUIRE(joined);
    CAF_CHECK_EQUAL(joined->event, "joined");
    CAF_CHECK_EQUAL(joined->id, "7");
    CAF_CHECK_EQUAL(joined->data, R"({"user":"ann"})");
    auto lines = conn.next_event(5s);
    CAF_REQUIRE(lines);
    CAF_CHECK_EQUAL(lines->event, "message");
    CAF_CHECK_EQUAL(lines->data, "line one\nline two");
    CAF_CHECK_EQUAL(lines->id, "7");
    auto empty_lines = conn.next_event(5s);
    CAF_REQUIRE(empty_lines);
    CAF_CHECK_EQUAL(empty_lines->data, "\n");
    CAF_CHECK(!conn.next_event(200ms));
  }
  server.join();
  CAF_CHECK_NOT_EQUAL(request.find("GET /v1/events HTTP/1.1\r\n"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(request.find("\r\nAccept: text/event-stream\r\n"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(request.find("\r\nAuthorization: Bearer t0k\r\n"), std::string::npos);
}

CAF_TEST(unframed events run until the server closes) {
  scripted_server server{[](server_peer& peer) {
    peer.read_request();
    peer.send_slowly({"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n",
                      ":ping\n\nevent: a\ndata: 1\n\n", "data: 2\n\ndata: never dispatched\n"});
  }};
  http_connection conn{server.port()};
  CAF_REQUIRE(conn.start_events("/v1/events"));
  auto first = conn.next_event(5s);
  auto second = conn.next_event(5s);
  CAF_REQUIRE(first && second);
  CAF_CHECK_EQUAL(first->event, "a");
  CAF_CHECK_EQUAL(first->data, "1");
  CAF_CHECK_EQUAL(second->event, "message");
  CAF_CHECK_EQUAL(second->data, "2");
  CAF_CHECK(!conn.next_event(5s));
  CAF_CHECK(conn.closed_by_peer(0ms));
}

CAF_TEST(a refused event stream keeps the response that refused it) {
  scripted_server server{
      reply_and_close("HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
                      "Content-Length: 16\r\n\r\n{\"error\":\"auth\"}")};
  http_connection conn{server.port()};
  CAF_CHECK(!conn.start_events("/v1/events"));
  CAF_CHECK_EQUAL(conn.events_response().status, 401);
  CAF_CHECK_EQUAL(conn.events_response().body, R"({"error":"auth"})");
}
