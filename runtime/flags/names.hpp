// What a toggle, an experiment or an arm may be called: 1 to 64 characters
// from [a-z0-9_-]. The alphabet leaves out ':' and '#', the separators of the
// hashed text ("name#generation:user"), so no two flags can hash alike.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace griddle::flags {

/// The longest name accepted.
constexpr size_t max_name_length = 64;

/// Whether `name` is 1 to 64 characters from [a-z0-9_-].
bool is_valid_name(std::string_view name) noexcept;

/// Throws `flag_error` (invalid, naming `field`) unless `is_valid_name(name)`.
void check_name(const std::string& field, std::string_view name);

/// `name` in single quotes for an error message, cut after 64 characters so
/// that a huge input cannot make a huge message.
std::string quoted_name(std::string_view name);

}  // namespace griddle::flags
