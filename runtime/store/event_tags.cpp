#include "runtime/store/detail/event_tags.hpp"

#include <algorithm>
#include <utility>

namespace griddle::store::detail {

void drop_duplicate_tags(std::vector<std::string>& tags) {
  if (tags.size() < 2)
    return;
  auto kept = tags.begin();
  for (auto i = tags.begin(); i != tags.end(); ++i) {
    if (std::find(tags.begin(), kept, *i) != kept)
      continue;
    if (kept != i)
      *kept = std::move(*i);
    ++kept;
  }
  tags.erase(kept, tags.end());
}

void drop_duplicate_tags(std::vector<event_data>& events) {
  for (auto& ev : events)
    drop_duplicate_tags(ev.tags);
}

std::string pack_tags(const std::vector<std::string>& tags) {
  std::string result;
  for (const auto& tag : tags) {
    if (&tag != &tags.front())
      result += '\n';
    for (auto c : tag) {
      if (c == '\\')
        result += "\\\\";
      else if (c == '\n')
        result += "\\n";
      else
        result += c;
    }
  }
  return result;
}

std::vector<std::string> unpack_tags(std::string_view packed) {
  std::vector<std::string> result(1);
  for (size_t i = 0; i < packed.size(); ++i) {
    auto c = packed[i];
    if (c == '\n') {
      result.emplace_back();
    } else if (c == '\\' && i + 1 < packed.size()) {
      ++i;
      result.back() += packed[i] == 'n' ? '\n' : packed[i];
    } else {
      result.back() += c;
    }
  }
  return result;
}

}  // namespace griddle::store::detail
