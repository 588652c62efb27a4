// The command line of griddle-microbench: a sub-command followed by
// `--name value` pairs. Parsing fails loudly on unknown or malformed flags,
// so a typo never silently runs a benchmark with default settings.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace griddle::bench {

class command_line {
 public:
  /// Parses `argv[first..argc)` as `--name value` pairs, accepting only `known`
  /// names (flags in `switches` take no value). Throws std::invalid_argument.
  command_line(int argc, char** argv, int first, const std::set<std::string>& known,
               const std::set<std::string>& switches = {});

  /// Returns the value of `--name` as a positive integer, or `fallback` if absent.
  uint64_t positive(const std::string& name, uint64_t fallback) const;

  /// Returns the value of `--name` as a positive number, or `fallback` if absent.
  double positive_real(const std::string& name, double fallback) const;

  /// Returns whether the switch `--name` was given.
  bool has(const std::string& name) const { return values_.count(name) > 0; }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace griddle::bench
