// Text rules of the chat: what a message may contain and how it is cut for
// previews. Lengths count Unicode code points of UTF-8 text, not bytes, so
// a limit means the same to a user writing in any script.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace griddle::actors {

/// The most code points a message may have (after trimming).
constexpr size_t max_message_code_points = 2000;

/// The code points of a message an inbox shows.
constexpr size_t preview_code_points = 100;

/// `text` without leading and trailing ASCII whitespace (space, \t, \n, \v, \f, \r).
std::string_view trim_whitespace(std::string_view text) noexcept;

/// The number of code points in `text`, or nothing when it is not valid
/// UTF-8 (overlong forms, surrogates and values past U+10FFFF are invalid).
std::optional<size_t> utf8_code_points(std::string_view text) noexcept;

/// The first `n` code points of valid UTF-8 `text`.
std::string utf8_prefix(std::string_view text, size_t n);

}  // namespace griddle::actors
