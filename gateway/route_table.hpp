// Matches a request's method and path against route templates such as
// "/v1/users/{id}/like". A `{name}` segment matches one non-empty path
// segment; its value is handed to the route's handler. A path that matches
// some template but not for this method is a 405 (with the allowed methods),
// one that matches none is a 404.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/exchange.hpp"

namespace griddle::gateway {

/// The values of a matched route's `{name}` segments, in order.
using route_params = std::vector<std::string_view>;

using route_handler = std::function<void(const exchange_ptr&, const route_params&)>;

class route_table {
 public:
  /// Adds `method` (GET, POST, ...) on `pattern`.
  void add(http::verb method, std::string pattern, route_handler handler);

  struct match {
    /// The matched route, or null.
    const route_handler* handler = nullptr;
    /// The template that matched (for metrics), or "unmatched".
    std::string_view route = "unmatched";
    route_params params;
    /// When the path matched but not the method: "GET, POST".
    std::string allow;
  };

  match find(http::verb method, std::string_view path) const;

 private:
  struct entry {
    http::verb method;
    std::string pattern;
    std::vector<std::string> segments;
    route_handler handler;
  };

  static bool matches(const entry& e, std::string_view path, route_params& params);

  std::vector<entry> entries_;
};

}  // namespace griddle::gateway
