// What griddle-admin and a node's admin API exchange: one request (method,
// target, optional JSON body) and its answer (status, body text). Plain
// values shared by the command parser, the HTTP client and the tests.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace griddle::admin {

struct http_request {
  /// "GET", "POST", "PUT" or "DELETE".
  std::string method;
  /// Path and query: "/admin/v1/rollouts/feed/ramp".
  std::string target;
  /// Sent as application/json; none for GET and DELETE.
  std::optional<nlohmann::json> body;
};

struct http_response {
  int status = 0;
  std::string body;
};

}  // namespace griddle::admin
