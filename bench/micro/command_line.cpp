#include "bench/micro/command_line.hpp"

#include <stdexcept>

namespace griddle::bench {

command_line::command_line(int argc, char** argv, int first, const std::set<std::string>& known,
                           const std::set<std::string>& switches) {
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0)
      throw std::invalid_argument("expected --flag, got '" + arg + "'");
    auto name = arg.substr(2);
    if (switches.count(name) > 0) {
      values_[name] = "";
      continue;
    }
    if (known.count(name) == 0)
      throw std::invalid_argument("unknown flag '" + arg + "'");
    if (i + 1 >= argc)
      throw std::invalid_argument("flag '" + arg + "' needs a value");
    values_[name] = argv[++i];
  }
}

uint64_t command_line::positive(const std::string& name, uint64_t fallback) const {
  auto i = values_.find(name);
  if (i == values_.end())
    return fallback;
  size_t used = 0;
  uint64_t result = 0;
  try {
    result = std::stoull(i->second, &used);
  } catch (std::exception&) {
    used = 0;
  }
  if (used == 0 || used != i->second.size() || result == 0 || i->second[0] == '-')
    throw std::invalid_argument("--" + name + " needs a positive integer, got '" + i->second + "'");
  return result;
}

double command_line::positive_real(const std::string& name, double fallback) const {
  auto i = values_.find(name);
  if (i == values_.end())
    return fallback;
  size_t used = 0;
  double result = 0;
  try {
    result = std::stod(i->second, &used);
  } catch (std::exception&) {
    used = 0;
  }
  if (used == 0 || used != i->second.size() || !(result > 0))
    throw std::invalid_argument("--" + name + " needs a positive number, got '" + i->second + "'");
  return result;
}

}  // namespace griddle::bench
