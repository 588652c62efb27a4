// Reading the words of a griddle-admin command: splitting a line into words
// (double quotes group, backslash escapes inside them), sorting a command's
// words into positionals and `--options`, and checked numbers. Every mistake
// throws usage_error carrying the command's usage line.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace griddle::admin {

/// Splits `line` at blanks; "a b" is one word, \" and \\ escape inside
/// quotes. Throws usage_error for an unclosed quote.
std::vector<std::string> split_words(std::string_view line);

/// Splits "a,b,c" at commas; throws usage_error for an empty item.
std::vector<std::string> split_list(const std::string& text, const char* what,
                                    const std::string& usage);

/// The words after a command's name: positionals in order, and options
/// (`--name value`, `--name=value`, or a switch `--name`). A word after `--`
/// is positional.
class argument_list {
 public:
  /// Throws usage_error for an option not in `valued` or `switches`, a
  /// missing value, a switch with a value, or an option given twice.
  argument_list(std::vector<std::string> words, std::vector<std::string> valued,
                std::vector<std::string> switches, std::string usage);

  const std::vector<std::string>& positionals() const noexcept { return positionals_; }
  const std::string& usage() const noexcept { return usage_; }

  /// Positional `i`; throws "missing NAME" when there are fewer.
  const std::string& required(size_t i, const char* name) const;

  /// Throws when there are more than `n` positionals.
  void at_most(size_t n) const;

  bool has(const std::string& option) const { return options_.count(option) != 0; }

  /// The value of `--option`, if given.
  std::optional<std::string> value(const std::string& option) const;

  /// At most one of `first` and `second` given: true for first, false for
  /// second, nothing for neither.
  std::optional<bool> either(const std::string& first, const std::string& second) const;

  /// A finite decimal number in [min, max]; `what` names it in the error.
  double number(const std::string& text, const char* what, double min, double max) const;

  /// A decimal integer in [min, max].
  uint64_t integer(const std::string& text, const char* what, uint64_t min, uint64_t max) const;

  [[noreturn]] void fail(const std::string& message) const;

 private:
  std::vector<std::string> positionals_;
  std::map<std::string, std::string> options_;
  std::string usage_;
};

}  // namespace griddle::admin
