// Command-line options of griddle-bench subcommands: `--name=value` or
// `--name value`, and switches (`--append`). Each subcommand declares the
// names it knows; anything else is a usage error, which the program answers
// with its usage text and exit code 2.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace griddle::bench {

/// A mistake on the command line (exit code 2).
struct usage_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

class option_list {
 public:
  /// Parses `args` (without program and subcommand names). Throws
  /// `usage_error` for an unknown name, a value missing or given twice, a
  /// switch with a value, or a positional argument.
  option_list(const std::vector<std::string>& args, std::set<std::string> valued,
              std::set<std::string> switches);

  bool has(const std::string& name) const { return values_.count(name) != 0; }

  /// The text of `--name`, `fallback` when absent.
  std::string text(const std::string& name, std::string fallback = {}) const;

  /// A decimal integer in [min, max]; `fallback` when absent.
  uint64_t integer(const std::string& name, uint64_t fallback, uint64_t min = 0,
                   uint64_t max = UINT64_MAX) const;

  /// A finite decimal number; `fallback` when absent.
  double real(const std::string& name, double fallback) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace griddle::bench
