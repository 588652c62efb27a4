// What griddle-admin and a node's admin API exchange: one request (method,
// target, optional JSON body, extra headers, optional time-out) and its
// answer (status, body text). Plain values shared by the command parser, the
// HTTP client and the tests.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace griddle::admin {

struct http_request {
  /// "GET", "POST", "PUT" or "DELETE".
  std::string method;
  /// Path and query: "/admin/v1/rollouts/feed/ramp".
  std::string target;
  /// Sent as application/json; none for GET and DELETE.
  std::optional<nlohmann::json> body;
  /// Sent besides the client's own (Host, Authorization, ...): name, value.
  std::vector<std::pair<std::string, std::string>> headers = {};
  /// The whole exchange's time-out; none: the client's default (10 s). For
  /// requests the server answers late on purpose (`trace`).
  std::optional<std::chrono::milliseconds> timeout = std::nullopt;
};

struct http_response {
  int status = 0;
  std::string body;
};

}  // namespace griddle::admin
