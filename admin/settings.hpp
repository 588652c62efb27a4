// Where griddle-admin finds its node and token. Precedence, highest first:
// flags (--url, --token or --token-file), the environment
// (GRIDDLE_ADMIN_URL, GRIDDLE_ADMIN_TOKEN), the config file (--config FILE,
// else $XDG_CONFIG_HOME/griddle/admin.conf or ~/.config/griddle/admin.conf),
// then the default URL. The operator named in X-Griddle-Operator comes from
// --as, GRIDDLE_ADMIN_OPERATOR, USER, else "unknown". Merging is pure over
// its inputs, so tests drive it without touching the real environment.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace griddle::admin {

constexpr const char* default_url = "http://127.0.0.1:8081";

/// How one invocation talks to its node and shows answers.
struct settings {
  std::string url = default_url;
  /// Sent as `Authorization: Bearer TOKEN`; empty: no header.
  std::string token;
  /// Print the server's JSON instead of a rendering.
  bool json = false;
  /// The output is a terminal: `rollout watch` redraws in place.
  bool redraw = false;
  /// Sent as `X-Griddle-Operator` with every request, for the node's audit log.
  std::string operator_name = "unknown";
};

/// What one source says; an unset field leaves the choice to the next.
struct setting_values {
  std::optional<std::string> url;
  std::optional<std::string> token;
};

/// Reads an environment variable (std::getenv, or a stand-in in tests).
using env_lookup = std::function<const char*(const char*)>;

/// Parses a config file's text: `url = ...` and `token = ...` lines, blank
/// lines and `#` comments. Throws usage_error naming `file` and the line for
/// anything else.
setting_values parse_config(std::string_view text, const std::string& file);

/// GRIDDLE_ADMIN_URL and GRIDDLE_ADMIN_TOKEN; an empty variable is unset.
setting_values from_environment(const env_lookup& getenv);

/// `flag` (--as), else GRIDDLE_ADMIN_OPERATOR, else USER, else "unknown".
/// Throws usage_error for a name with a control character (it goes into an
/// HTTP header).
std::string resolve_operator(const std::optional<std::string>& flag, const env_lookup& getenv);

/// $XDG_CONFIG_HOME/griddle/admin.conf, else $HOME/.config/griddle/admin.conf,
/// else empty.
std::string default_config_path(const env_lookup& getenv);

/// Reads and parses a config file. A missing file gives no values, unless
/// `required` (it was named by --config): then it throws usage_error.
setting_values read_config_file(const std::string& path, bool required);

/// The first line of `path`, blanks trimmed; throws usage_error when the file
/// cannot be read or the line is empty.
std::string read_token_file(const std::string& path);

/// Merges by precedence; throws usage_error for a URL parse_url rejects.
settings resolve_settings(const setting_values& flags, const setting_values& env,
                          const setting_values& file);

/// An http:// URL taken apart.
struct endpoint {
  std::string host;         ///< "127.0.0.1", "::1" or a name
  std::string port;         ///< "8081"; "80" when the URL has none
  std::string host_header;  ///< the Host header: "127.0.0.1:8081"
};

/// Parses `http://HOST[:PORT][/]` (an IPv6 host in brackets). Throws
/// usage_error for another scheme, a path, or a bad port.
endpoint parse_url(std::string_view url);

}  // namespace griddle::admin
