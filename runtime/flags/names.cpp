#include "runtime/flags/names.hpp"

#include "runtime/flags/flag_error.hpp"

namespace griddle::flags {

bool is_valid_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > max_name_length)
    return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok)
      return false;
  }
  return true;
}

void check_name(const std::string& field, std::string_view name) {
  if (name.empty())
    throw_invalid(field, "must not be empty");
  if (name.size() > max_name_length)
    throw_invalid(field, "must be at most 64 characters long");
  if (!is_valid_name(name))
    throw_invalid(field, quoted_name(name) + " may only contain a-z, 0-9, '_' and '-'");
}

std::string quoted_name(std::string_view name) {
  if (name.size() <= max_name_length)
    return "'" + std::string{name} + "'";
  return "'" + std::string{name.substr(0, max_name_length)} + "...'";
}

}  // namespace griddle::flags
