// The one server `griddle-bench load` may load: an http:// URL on the
// loopback interface (127.0.0.1, ::1 or localhost), so a mistyped address
// never sends load to another machine.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace griddle::bench::load {

struct target_url {
  /// The address to connect to: "127.0.0.1" or "::1" (localhost is 127.0.0.1).
  std::string address;
  uint16_t port = 80;
  /// The Host header's value, as the URL wrote it: "127.0.0.1:8080".
  std::string host_header;

  /// Parses `http://HOST[:PORT][/]`. Throws `usage_error` for another scheme,
  /// a path, or any host but 127.0.0.1, [::1] and localhost.
  static target_url parse(std::string_view url);
};

}  // namespace griddle::bench::load
