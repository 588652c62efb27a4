#include "gateway/admin/admin_options.hpp"

#include <cstdlib>

#include <caf/config_option_adder.hpp>

#include "runtime/errc.hpp"

namespace griddle::gateway::admin {

namespace {

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host == "[::1]" || host == "localhost" ||
         host.rfind("127.", 0) == 0;
}

}  // namespace

void admin_options::add_to(caf::config_option_set& opts) {
  caf::config_option_adder{opts, "global"}
      .add(listen, "admin", "serve the admin API on HOST:PORT or PORT (loopback; empty: off)")
      .add(token, "admin-token",
           "bearer token of the admin API (default: GRIDDLE_ADMIN_TOKEN, "
           "else generated)")
      .add(token_file, "admin-token-file", "write the admin token to this file (mode 0600)")
      .add(audit_log, "admin-audit-log",
           "append every mutating admin request (when, who, what) to this file")
      .add(allow_remote, "admin-allow-remote", "let --admin bind a non-loopback address");
}

std::string admin_options::listen_address() const {
  if (listen.find(':') == std::string::npos)
    return "127.0.0.1:" + listen;
  return listen;
}

caf::error admin_options::validate() {
  if (token.empty())
    if (const char* env = std::getenv("GRIDDLE_ADMIN_TOKEN"))
      token = env;
  if (!token.empty() && token.size() < 16)
    return make_error(errc::invalid_argument, "--admin-token must have at least 16 characters");
  if (listen.empty())
    return caf::none;
  auto address = listen_address();
  auto colon = address.rfind(':');
  auto host = address.substr(0, colon);
  auto port = address.substr(colon + 1);
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(port) > 65535)
    return make_error(errc::invalid_argument, "--admin: bad port in '" + listen + "'");
  if (!allow_remote && !is_loopback(host))
    return make_error(
        errc::invalid_argument,
        "--admin: '" + host + "' is not a loopback address (add --admin-allow-remote to allow it)");
  return caf::none;
}

}  // namespace griddle::gateway::admin
