// What the listener and every connection of one `http_server` share. Not for
// callers: see gateway/http_server.hpp.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "gateway/exchange.hpp"
#include "gateway/http_options.hpp"

namespace griddle::gateway::detail {

class connection;

/// One I/O thread's event loop and the connections it owns (touched only on
/// that thread).
struct io_loop {
  // Declared first, destroyed last: the loop's pending handlers may own the
  // last reference to a connection, whose destructor erases itself here.
  std::unordered_set<connection*> connections;
  boost::asio::io_context ctx{1};
  /// Wakes up every few milliseconds to close or time out the connections
  /// whose deadlines passed (connection::check_deadline).
  std::optional<boost::asio::steady_timer> sweep;
};

struct server_core {
  server_core(http_options o, request_handler h) : opts(std::move(o)), handler(std::move(h)) {}

  const http_options opts;
  const request_handler handler;
  std::atomic<bool> draining{false};
  std::atomic<size_t> connections{0};
  std::atomic<size_t> in_flight{0};
  uint16_t port = 0;
  size_t next_loop = 0;
  // Members are destroyed bottom-up: the acceptor before the loops it uses.
  std::vector<std::unique_ptr<io_loop>> loops;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor;

  /// Records the request in the metrics and, when enabled, the access log.
  void record(const exchange& ex, unsigned status, size_t body_bytes);
};

}  // namespace griddle::gateway::detail
