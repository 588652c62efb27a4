// The HTTP/1.1 server (Boost.Beast): a listener and `threads` I/O threads,
// each running its own event loop. A connection belongs to one loop for its
// whole life, so its handlers never run concurrently (the loop is its
// strand). Requests are read one at a time per connection and answered in
// order; the next pipelined request is parsed once the previous answer is
// written.
//
// Limits (http_options): header, target and body size (431/414/413),
// connection count (503 and close), an idle time-out between requests and a
// read time-out from a request's first byte to its last (408 and close), so
// slow clients cannot hold a connection forever.
//
// Graceful shutdown: `drain` answers every request from then on with
// `Connection: close` (and the handler's /readyz with 503), keeps accepting
// for `drain_grace`, then closes the listener, idle connections and event
// streams, waits for in-flight requests (at most `drain_timeout`), and stops
// the loops.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/error.hpp>

#include "gateway/exchange.hpp"
#include "gateway/http_options.hpp"

namespace griddle::gateway {

namespace detail {
struct server_core;
}  // namespace detail

class http_server {
 public:
  http_server(http_options opts, request_handler handler);
  ~http_server();

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Binds `opts.listen` and starts the I/O threads.
  caf::error start();

  /// The bound port (useful when `listen` asked for port 0).
  uint16_t port() const noexcept;

  /// True once `drain` has begun; `/readyz` answers 503 from then on.
  bool draining() const noexcept;

  /// Graceful shutdown as described above; blocks. Idempotent.
  void drain();

  /// Connections open now, and requests being handled now.
  size_t open_connections() const noexcept;
  size_t in_flight() const noexcept;

 private:
  std::shared_ptr<detail::server_core> core_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

}  // namespace griddle::gateway
