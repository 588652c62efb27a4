// The HTTP client of griddle-admin: one request to a node's admin API over a
// fresh plain-TCP HTTP/1.1 connection, closed afterwards. Blocks the calling
// thread until the answer arrives, the time-out (for the whole exchange:
// resolve, connect, write, read) expires, or the caller's cancel check says
// stop. Any thread; no shared state.
#pragma once

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>

#include "admin/admin_request.hpp"
#include "admin/settings.hpp"

namespace griddle::admin {

/// The node could not be reached or did not answer in time (exit code 3).
class transport_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The exchange was abandoned because its cancel check said so (Ctrl-C).
class request_cancelled : public transport_error {
 public:
  request_cancelled() : transport_error("interrupted") {}
};

/// The time-out of a request that names none.
constexpr std::chrono::milliseconds default_timeout = std::chrono::seconds{10};

/// Sends `request` to `to` with `Authorization: Bearer token` (no header for
/// an empty token) and the request's own headers, and returns the answer,
/// whatever its status. The time-out is the request's, else `timeout`.
/// `cancelled`, if given, is polled a few times a second. Throws
/// transport_error on a network failure or time-out, request_cancelled when
/// `cancelled` returned true.
http_response send_request(const endpoint& to, const std::string& token,
                           const http_request& request,
                           std::chrono::milliseconds timeout = default_timeout,
                           const std::function<bool()>& cancelled = {});

}  // namespace griddle::admin
