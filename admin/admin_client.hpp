// The HTTP client of griddle-admin: one request to a node's admin API over a
// fresh plain-TCP HTTP/1.1 connection, closed afterwards. Blocks the calling
// thread until the answer arrives or the time-out (for the whole exchange:
// resolve, connect, write, read) expires. Any thread; no shared state.
#pragma once

#include <chrono>
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

/// Sends `request` to `to` with `Authorization: Bearer token` (no header for
/// an empty token) and returns the answer, whatever its status. Throws
/// transport_error on a network failure or time-out.
http_response send_request(const endpoint& to, const std::string& token,
                           const http_request& request,
                           std::chrono::milliseconds timeout = std::chrono::seconds{10});

}  // namespace griddle::admin
