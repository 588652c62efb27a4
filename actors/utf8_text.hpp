// UTF-8 text rules the application's validations share: trimming ASCII
// whitespace, counting code points of well-formed UTF-8, cutting a prefix.
// Lengths count code points, not bytes, so a limit means the same to a user
// writing in any script.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace griddle::actors {

/// True for ASCII whitespace: space, \t, \n, \v, \f, \r.
bool is_ascii_space(char c) noexcept;

/// `text` without leading and trailing ASCII whitespace.
std::string_view trim_whitespace(std::string_view text) noexcept;

/// The number of code points in `text`, or nothing when it is not valid
/// UTF-8 (overlong forms, surrogates and values past U+10FFFF are invalid).
std::optional<size_t> utf8_code_points(std::string_view text) noexcept;

/// The first `n` code points of valid UTF-8 `text`.
std::string utf8_prefix(std::string_view text, size_t n);

}  // namespace griddle::actors
