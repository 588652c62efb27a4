// The HTTP gateway's settings: where it listens, how many I/O threads it
// runs, and the limits that keep any one client from holding the server.
// Read from the node's (or griddle-gateway's) configuration: every option is
// `--http-...` on the command line or the same key in the INI file.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <thread>

#include <caf/config_option_set.hpp>
#include <caf/error.hpp>
#include <caf/timespan.hpp>

namespace griddle::gateway {

struct http_options {
  /// `HOST:PORT` to listen on (`[::1]:8080` for IPv6); empty: no HTTP.
  std::string listen;
  /// I/O threads, each with its own event loop and relay actor; by default
  /// one per core.
  size_t threads = default_threads();

  /// One per core the machine reports, at least 1 and at most 64.
  static size_t default_threads() {
    auto cores = static_cast<size_t>(std::thread::hardware_concurrency());
    return std::clamp<size_t>(cores, 1, 64);
  }
  /// Connections open at once; more are answered 503 and closed.
  size_t max_connections = 10000;
  /// Requests being handled at once (over all connections); more are
  /// answered 503 at once instead of queueing without bound.
  size_t max_in_flight = 20000;
  /// Request line plus headers; larger requests get 431 (414 when the
  /// request line alone is too long).
  size_t max_header_bytes = 8 * 1024;
  /// Request target (path and query); longer gets 414.
  size_t max_uri_bytes = 2048;
  /// Request body; larger gets 413.
  size_t max_body_bytes = 64 * 1024;
  /// A keep-alive connection with no request in progress is closed after this.
  caf::timespan idle_timeout = std::chrono::seconds(30);
  /// A request must arrive completely within this after its first byte;
  /// a response must be written within it (slow clients are dropped).
  caf::timespan read_timeout = std::chrono::seconds(10);
  /// How long the gateway waits for an entity's reply before answering 504.
  caf::timespan request_timeout = std::chrono::seconds(5);
  /// How long a graceful shutdown keeps accepting (answering /readyz 503 and
  /// closing each connection after one answer) before it closes the
  /// listener: time for a load balancer to notice.
  caf::timespan drain_grace = caf::timespan{0};
  /// How long a graceful shutdown then waits for in-flight requests.
  caf::timespan drain_timeout = std::chrono::seconds(10);
  /// Requests per second per client (by address); 0 turns rate limiting off.
  double rate_limit = 0;
  /// Burst size of the per-client token bucket; 0 means `2 * rate_limit`.
  double rate_burst = 0;
  /// Behind a load balancer: take the client's address (for the rate limit
  /// and the access log) from the last entry of `X-Forwarded-For`, which the
  /// balancer appends. Only for gateways that no client reaches directly.
  bool trust_forwarded = false;
  /// Logs one JSON line per request to stdout.
  bool access_log = false;
  /// Never reads the views entities publish (runtime/entity/view_board.hpp):
  /// every session check and feed page is a message to the entity. For
  /// comparing; the views are read by default when the gateway runs inside
  /// the node.
  bool no_read_views = false;

  /// Registers the options above (category "global") with a configuration's
  /// option set.
  void add_to(caf::config_option_set& opts);

  /// Checks the values after parsing; an error names the bad option.
  caf::error validate() const;

  /// `listen` split into host and port; an error when it does not parse.
  caf::error split_listen(std::string& host, uint16_t& port) const;
};

}  // namespace griddle::gateway
