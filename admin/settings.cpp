// Config file, environment and URL parsing, and the precedence between them.
#include "admin/settings.hpp"

#include <fstream>
#include <sstream>

#include "admin/usage_error.hpp"

namespace griddle::admin {

namespace {

std::string trim(std::string_view text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos)
    return {};
  auto last = text.find_last_not_of(" \t\r\n");
  return std::string{text.substr(first, last - first + 1)};
}

std::optional<std::string> variable(const env_lookup& getenv, const char* name) {
  const char* value = getenv(name);
  if (value == nullptr || *value == '\0')
    return std::nullopt;
  return std::string{value};
}

}  // namespace

setting_values parse_config(std::string_view text, const std::string& file) {
  setting_values result;
  std::istringstream in{std::string{text}};
  size_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    auto content = trim(line);
    if (content.empty() || content.front() == '#')
      continue;
    auto where = file + ":" + std::to_string(number) + ": ";
    auto eq = content.find('=');
    if (eq == std::string::npos)
      throw usage_error(where + "expected 'url = ...' or 'token = ...'");
    auto key = trim(std::string_view{content}.substr(0, eq));
    auto value = trim(std::string_view{content}.substr(eq + 1));
    if (key == "url")
      result.url = value;
    else if (key == "token")
      result.token = value;
    else
      throw usage_error(where + "unknown key '" + key + "' (known: url, token)");
  }
  return result;
}

setting_values from_environment(const env_lookup& getenv) {
  return {variable(getenv, "GRIDDLE_ADMIN_URL"), variable(getenv, "GRIDDLE_ADMIN_TOKEN")};
}

std::string resolve_operator(const std::optional<std::string>& flag, const env_lookup& getenv) {
  if (flag && flag->empty())
    throw usage_error("--as needs a name");
  auto name = flag ? flag : variable(getenv, "GRIDDLE_ADMIN_OPERATOR");
  if (!name)
    name = variable(getenv, "USER");
  if (!name)
    return "unknown";
  for (unsigned char c : *name)
    if (c < 0x20 || c == 0x7f)
      throw usage_error("bad operator name '" + *name + "': no control characters");
  return *name;
}

std::string default_config_path(const env_lookup& getenv) {
  if (auto xdg = variable(getenv, "XDG_CONFIG_HOME"))
    return *xdg + "/griddle/admin.conf";
  if (auto home = variable(getenv, "HOME"))
    return *home + "/.config/griddle/admin.conf";
  return {};
}

setting_values read_config_file(const std::string& path, bool required) {
  std::ifstream in{path};
  if (!in) {
    if (required)
      throw usage_error("cannot read config file " + path);
    return {};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

std::string read_token_file(const std::string& path) {
  std::ifstream in{path};
  std::string line;
  if (!in || !std::getline(in, line))
    throw usage_error("cannot read a token from " + path);
  auto token = trim(line);
  if (token.empty())
    throw usage_error("the first line of " + path + " holds no token");
  return token;
}

settings resolve_settings(const setting_values& flags, const setting_values& env,
                          const setting_values& file) {
  using source = std::optional<std::string>;
  auto pick = [](const source& first, const source& second, const source& third) {
    return first ? first : second ? second : third;
  };
  settings result;
  result.url = pick(flags.url, env.url, file.url).value_or(default_url);
  result.token = pick(flags.token, env.token, file.token).value_or("");
  parse_url(result.url);
  return result;
}

endpoint parse_url(std::string_view url) {
  auto fail = [&](const std::string& why) {
    return usage_error("bad URL '" + std::string{url} + "': " + why);
  };
  constexpr std::string_view scheme = "http://";
  if (url.substr(0, scheme.size()) != scheme)
    throw fail("only http:// URLs are supported");
  auto rest = url.substr(scheme.size());
  if (!rest.empty() && rest.back() == '/')
    rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos)
    throw fail("give the node's address without a path");
  endpoint result;
  result.host_header = std::string{rest};
  std::string_view host = rest;
  std::string_view port = "80";
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos)
      throw fail("unclosed [");
    host = rest.substr(1, close - 1);
    auto after = rest.substr(close + 1);
    if (!after.empty() && after.front() != ':')
      throw fail("expected :PORT after ]");
    if (!after.empty())
      port = after.substr(1);
  } else if (auto colon = rest.find(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty())
    throw fail("no host");
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != port.npos ||
      std::stoul(std::string{port}) == 0 || std::stoul(std::string{port}) > 65535)
    throw fail("bad port '" + std::string{port} + "'");
  result.host = std::string{host};
  result.port = std::string{port};
  return result;
}

}  // namespace griddle::admin
