#include "bench/load/target_url.hpp"

#include "bench/seed/options.hpp"

namespace griddle::bench::load {

target_url target_url::parse(std::string_view url) {
  auto fail = [&](const std::string& why) {
    return usage_error("--url " + std::string{url} + ": " + why);
  };
  constexpr std::string_view scheme = "http://";
  if (url.substr(0, scheme.size()) != scheme)
    throw fail("only http:// URLs are supported");
  auto rest = url.substr(scheme.size());
  if (!rest.empty() && rest.back() == '/')
    rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos)
    throw fail("give the server's root, without a path");
  target_url t;
  t.host_header = std::string{rest};
  std::string_view host = rest;
  std::string_view port;
  bool has_port = false;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos)
      throw fail("unclosed [");
    host = rest.substr(1, close - 1);
    auto after = rest.substr(close + 1);
    if (!after.empty() && after.front() != ':')
      throw fail("expected :PORT after ]");
    has_port = !after.empty();
    port = has_port ? after.substr(1) : after;
  } else if (auto colon = rest.find(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    has_port = true;
  }
  if (host == "127.0.0.1" || host == "localhost")
    t.address = "127.0.0.1";
  else if (host == "::1")
    t.address = "::1";
  else
    throw fail("load goes to loopback only: 127.0.0.1, [::1] or localhost");
  if (has_port) {
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != port.npos)
      throw fail("bad port '" + std::string{port} + "'");
    auto value = std::stoul(std::string{port});
    if (value == 0 || value > 65535)
      throw fail("bad port '" + std::string{port} + "'");
    t.port = static_cast<uint16_t>(value);
  }
  return t;
}

}  // namespace griddle::bench::load
