// The node's admin port: where it listens and the token it wants. The port
// binds to loopback unless told otherwise, and every request must carry
// `Authorization: Bearer <token>`.
#pragma once

#include <string>

#include <caf/config_option_set.hpp>
#include <caf/error.hpp>

namespace griddle::gateway::admin {

struct admin_options {
  /// `HOST:PORT` or `PORT` (then 127.0.0.1); empty: no admin port.
  std::string listen;
  /// The bearer token; empty: one is generated at start.
  std::string token;
  /// Where to write the token (mode 0600), for griddle-admin --token-file.
  std::string token_file;
  /// Where mutating admin requests are appended as JSON lines (empty:
  /// stderr only).
  std::string audit_log;
  /// Whether `listen` may name a non-loopback address.
  bool allow_remote = false;

  void add_to(caf::config_option_set& opts);

  /// Checks the address (loopback unless `allow_remote`) and the token's
  /// length; also reads GRIDDLE_ADMIN_TOKEN when no token was given.
  caf::error validate();

  /// `listen` as an address the HTTP server takes ("127.0.0.1:PORT" for a
  /// bare port).
  std::string listen_address() const;
};

}  // namespace griddle::gateway::admin
