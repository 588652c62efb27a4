// What the griddle-admin unit suites share: a command line's request as text,
// its usage error, renderings of sample answers, and an environment from a
// map. Pure: no node, no I/O.
#pragma once

#include <map>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "admin/command_line.hpp"
#include "admin/commands.hpp"
#include "admin/render.hpp"
#include "admin/settings.hpp"
#include "admin/usage_error.hpp"

namespace griddle::test {

/// A command line's request as text: "POST /target {body}".
inline std::string request_of(const std::string& line) {
  auto cmd = admin::parse_command(admin::split_words(line));
  auto text = cmd.request.method + " " + cmd.request.target;
  if (cmd.request.body)
    text += " " + cmd.request.body->dump();
  return text;
}

/// The usage error a command line gets ("" when it parses), and its usage line.
inline std::string error_of(const std::string& line, std::string* usage = nullptr) {
  try {
    admin::parse_command(admin::split_words(line));
  } catch (const admin::usage_error& e) {
    if (usage != nullptr)
      *usage = e.usage();
    return e.what();
  }
  return "";
}

inline bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// How griddle-admin shows `json` as `shows`.
inline std::string rendered(admin::view shows, const std::string& json) {
  std::ostringstream out;
  admin::render(shows, nlohmann::json::parse(json), out);
  return out.str();
}

/// An environment from a map, for from_environment and default_config_path.
inline admin::env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    auto i = vars.find(name);
    return i == vars.end() ? nullptr : i->second.c_str();
  };
}

}  // namespace griddle::test
