// One HTTP request in flight, as a handler sees it: the parsed request, who
// sent it, and the way back. A handler answers exactly once with `respond`
// (or turns the exchange into an event stream), from any thread: the answer
// is posted to the I/O thread that owns the connection, so no thread ever
// waits for another. Requests of one connection are answered in the order
// they arrived.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace griddle::gateway {

namespace http = boost::beast::http;

using http_request = http::request<http::string_body>;
using http_response = http::response<http::string_body>;

struct api_error;

/// A server-sent event stream held open for one client. Thread-safe.
class event_sink {
 public:
  virtual ~event_sink();
  /// Queues one SSE frame (e.g. "event: message\ndata: {...}\n\n"); false
  /// once the client has gone.
  virtual bool push(std::string frame) = 0;
  /// True once the client has gone or the server closed the stream.
  virtual bool closed() const noexcept = 0;
};

class exchange : public std::enable_shared_from_this<exchange> {
 public:
  using clock = std::chrono::steady_clock;

  virtual ~exchange();

  const http_request& request() const noexcept { return req_; }
  http_request& request() noexcept { return req_; }
  /// The target's path, without the query.
  std::string_view path() const noexcept { return path_; }
  /// The query string without '?', empty when absent.
  std::string_view query() const noexcept { return query_; }
  /// The client's IP address as text.
  const std::string& client() const noexcept { return client_; }
  /// The I/O thread (0-based) that owns the connection.
  size_t io_index() const noexcept { return io_index_; }
  clock::time_point started() const noexcept { return started_; }

  /// The route template for metrics and logs ("/v1/users/{id}"); set by
  /// the router, "unmatched" until then.
  void set_route(std::string_view route) { route_ = route; }
  std::string_view route() const noexcept { return route_; }

  /// Answers the request. Call exactly once, from any thread.
  virtual void respond(http_response res) = 0;

  /// Answers with a JSON body.
  void respond_json(unsigned status, std::string body);

  /// Answers with `err` as JSON; adds `Allow` for 405 when `allow` is set.
  void fail(const api_error& err, std::string_view allow = {});

  /// Answers 200 `text/event-stream` and keeps the connection for pushes
  /// until the client goes or the server drains; `on_close` runs once then
  /// (on the I/O thread). Call instead of `respond`, from any thread.
  virtual std::shared_ptr<event_sink> open_event_stream(std::function<void()> on_close) = 0;

 protected:
  exchange(http_request req, std::string client, size_t io_index);

 private:
  http_request req_;
  std::string_view path_;
  std::string_view query_;
  std::string client_;
  size_t io_index_;
  clock::time_point started_;
  std::string_view route_ = "unmatched";
};

using exchange_ptr = std::shared_ptr<exchange>;

/// What the server calls for each complete request, on the I/O thread.
using request_handler = std::function<void(exchange_ptr)>;

}  // namespace griddle::gateway
