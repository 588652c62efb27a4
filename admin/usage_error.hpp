// The one kind of mistake griddle-admin blames on its user: a bad command
// line, option, number, URL or config file. It carries the usage line of the
// command at fault, so the message can show how to call it; exit code 2.
#pragma once

#include <stdexcept>
#include <string>

namespace griddle::admin {

class usage_error : public std::invalid_argument {
 public:
  /// `usage` is the offending command's usage line, or empty.
  explicit usage_error(const std::string& message, std::string usage = {})
      : std::invalid_argument(message), usage_(std::move(usage)) {}

  const std::string& usage() const noexcept { return usage_; }

 private:
  std::string usage_;
};

}  // namespace griddle::admin
