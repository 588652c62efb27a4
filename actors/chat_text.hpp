// Text limits of the chat: how long a message may be and how much of it an
// inbox previews, in code points (the UTF-8 rules are in utf8_text.hpp).
#pragma once

#include <cstddef>

#include "actors/utf8_text.hpp"

namespace griddle::actors {

/// The most code points a message may have (after trimming).
constexpr size_t max_message_code_points = 2000;

/// The code points of a message an inbox shows.
constexpr size_t preview_code_points = 100;

}  // namespace griddle::actors
