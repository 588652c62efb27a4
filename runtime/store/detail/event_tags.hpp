// How the store normalises an event's tags and packs them into one column.
// Not for callers outside runtime/store.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/store/event_store.hpp"

namespace griddle::store::detail {

/// Drops repeated tags, keeping the first occurrence of each in place.
/// Quadratic in the number of tags: events carry a handful.
void drop_duplicate_tags(std::vector<std::string>& tags);

/// `drop_duplicate_tags` on every event.
void drop_duplicate_tags(std::vector<event_data>& events);

/// Packs tags (at least one) into one text: joined by '\n', with '\\' and
/// '\n' inside a tag written as "\\\\" and "\\n". Any tag round-trips,
/// including an empty one; the caller stores "no tags" as NULL.
std::string pack_tags(const std::vector<std::string>& tags);

/// The inverse of `pack_tags`.
std::vector<std::string> unpack_tags(std::string_view packed);

}  // namespace griddle::store::detail
