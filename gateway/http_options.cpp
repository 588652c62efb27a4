#include "gateway/http_options.hpp"

#include <caf/config_option_adder.hpp>

#include "runtime/errc.hpp"

namespace griddle::gateway {

void http_options::add_to(caf::config_option_set& opts) {
  caf::config_option_adder{opts, "global"}
      .add(listen, "http", "serve HTTP on HOST:PORT (empty: off)")
      .add(threads, "http-threads", "HTTP I/O threads (default: one per core)")
      .add(max_connections, "http-max-connections", "open connections at most")
      .add(max_in_flight, "http-max-in-flight", "requests handled at once at most (then 503)")
      .add(max_header_bytes, "http-max-header-bytes", "request line and headers at most")
      .add(max_uri_bytes, "http-max-uri-bytes", "request target at most")
      .add(max_body_bytes, "http-max-body-bytes", "request body at most")
      .add(idle_timeout, "http-idle-timeout", "close idle keep-alive connections after")
      .add(read_timeout, "http-read-timeout", "a request must arrive within")
      .add(request_timeout, "http-request-timeout", "wait this long for an entity (then 504)")
      .add(drain_grace, "http-drain-grace", "keep accepting this long after SIGTERM (readyz 503)")
      .add(drain_timeout, "http-drain-timeout", "then wait this long for in-flight requests")
      .add(rate_limit, "http-rate-limit", "requests per second per client (0: off)")
      .add(rate_burst, "http-rate-burst", "token bucket size per client (0: twice the rate)")
      .add(trust_forwarded, "http-trust-forwarded",
           "client address from X-Forwarded-For (behind a load balancer only)")
      .add(access_log, "http-access-log", "log one JSON line per request")
      .add(no_read_views, "http-no-read-views",
           "ask the entities for sessions and feed pages instead of reading their views");
}

caf::error http_options::validate() const {
  auto bad = [](std::string what) { return make_error(errc::invalid_argument, std::move(what)); };
  if (threads < 1 || threads > 64)
    return bad("http-threads must be 1..64");
  if (max_connections < 1)
    return bad("http-max-connections must be at least 1");
  if (max_in_flight < 1)
    return bad("http-max-in-flight must be at least 1");
  if (max_header_bytes < 256)
    return bad("http-max-header-bytes must be at least 256");
  if (max_uri_bytes < 16 || max_uri_bytes > max_header_bytes)
    return bad("http-max-uri-bytes must be 16..http-max-header-bytes");
  if (idle_timeout <= caf::timespan{0} || read_timeout <= caf::timespan{0} ||
      request_timeout <= caf::timespan{0} || drain_timeout < caf::timespan{0} ||
      drain_grace < caf::timespan{0})
    return bad("http time-outs must be positive");
  if (rate_limit < 0 || rate_burst < 0)
    return bad("http-rate-limit and http-rate-burst must not be negative");
  if (!listen.empty()) {
    std::string host;
    uint16_t port = 0;
    if (auto err = split_listen(host, port))
      return err;
  }
  return caf::none;
}

caf::error http_options::split_listen(std::string& host, uint16_t& port) const {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size())
    return make_error(errc::invalid_argument, "http must be HOST:PORT, got '" + listen + "'");
  host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  auto digits = listen.substr(colon + 1);
  if (digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(digits) > 65535)
    return make_error(errc::invalid_argument, "http port must be 0..65535, got '" + digits + "'");
  port = static_cast<uint16_t>(std::stoul(digits));
  return caf::none;
}

}  // namespace griddle::gateway
