#include "bench/seed/options.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace griddle::bench {

option_list::option_list(const std::vector<std::string>& args, std::set<std::string> valued,
                         std::set<std::string> switches) {
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0)
      throw usage_error("unexpected argument '" + arg + "'");
    auto eq = arg.find('=');
    auto name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    std::string value;
    if (switches.count(name)) {
      if (eq != std::string::npos)
        throw usage_error("--" + name + " takes no value");
    } else if (valued.count(name)) {
      if (eq != std::string::npos)
        value = arg.substr(eq + 1);
      else if (i + 1 < args.size())
        value = args[++i];
      else
        throw usage_error("--" + name + " needs a value");
      if (value.empty())
        throw usage_error("--" + name + " needs a value");
    } else {
      throw usage_error("unknown option --" + name);
    }
    if (!values_.emplace(name, value).second)
      throw usage_error("--" + name + " given twice");
  }
}

std::string option_list::text(const std::string& name, std::string fallback) const {
  auto i = values_.find(name);
  return i == values_.end() ? fallback : i->second;
}

uint64_t option_list::integer(const std::string& name, uint64_t fallback, uint64_t min,
                              uint64_t max) const {
  auto i = values_.find(name);
  if (i == values_.end())
    return fallback;
  const auto& text = i->second;
  uint64_t value = 0;
  for (auto c : text) {
    if (c < '0' || c > '9')
      throw usage_error("--" + name + " needs a whole number, got '" + text + "'");
    auto digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10)
      throw usage_error("--" + name + " is too large: " + text);
    value = value * 10 + digit;
  }
  if (value < min || value > max)
    throw usage_error("--" + name + " must be between " + std::to_string(min) + " and " +
                      std::to_string(max) + ", got " + text);
  return value;
}

double option_list::real(const std::string& name, double fallback) const {
  auto i = values_.find(name);
  if (i == values_.end())
    return fallback;
  const auto& text = i->second;
  char* end = nullptr;
  errno = 0;
  auto value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || errno != 0 || !std::isfinite(value))
    throw usage_error("--" + name + " needs a number, got '" + text + "'");
  return value;
}

}  // namespace griddle::bench
