#include "runtime/flags/flag_error.hpp"

#include <utility>

namespace griddle::flags {

namespace {

std::string render(const std::string& field, const std::string& problem) {
  return field.empty() ? problem : field + ": " + problem;
}

}  // namespace

flag_error::flag_error(kind code, std::string field, std::string problem)
    : std::runtime_error(render(field, problem)),
      code_(code),
      field_(std::move(field)),
      problem_(std::move(problem)) {}

flag_error flag_error::nested_in(std::string_view parent) const {
  std::string path{parent};
  if (!field_.empty()) {
    if (field_.front() != '[')
      path += '.';
    path += field_;
  }
  return flag_error{code_, std::move(path), problem_};
}

void throw_invalid(std::string field, std::string problem) {
  throw flag_error{flag_error::kind::invalid, std::move(field), std::move(problem)};
}

}  // namespace griddle::flags
