// A published view (runtime/entity/view_board.hpp) of a projection that
// keeps entries by cursor and answers pages newest first: the entries in a
// vector, newest first, paged by the same rules as the projection's own
// `page` (items with cursor < `before`, 0 meaning from the newest; at most
// `page_size(limit)`; `next_cursor` set when older entries remain).
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "actors/social_types.hpp"

namespace griddle::actors {

template <class Item, class Page>
class paged_view {
 public:
  explicit paged_view(std::vector<Item> newest_first) : items_(std::move(newest_first)) {}

  /// The entries of a `cursor -> entry` map, newest (largest cursor) first.
  template <class Map>
  static paged_view of(const Map& by_cursor) {
    std::vector<Item> items;
    items.reserve(by_cursor.size());
    for (auto i = by_cursor.rbegin(); i != by_cursor.rend(); ++i)
      items.push_back(i->second);
    return paged_view{std::move(items)};
  }

  Page page(uint64_t before, uint32_t limit) const {
    Page result;
    auto n = page_size(limit);
    auto first = before == 0 ? items_.begin()
                             : std::partition_point(items_.begin(), items_.end(),
                                                    [before](const Item& x) {
                                                      return x.cursor >= before;
                                                    });
    auto available = static_cast<size_t>(items_.end() - first);
    auto taken = std::min<size_t>(n, available);
    result.items.assign(first, first + static_cast<std::ptrdiff_t>(taken));
    if (taken < available && !result.items.empty())
      result.next_cursor = result.items.back().cursor;
    return result;
  }

  size_t size() const noexcept { return items_.size(); }

 private:
  std::vector<Item> items_;
};

}  // namespace griddle::actors
