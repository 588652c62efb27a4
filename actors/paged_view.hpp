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

  /// A page as a range of the view's own entries (valid while the view is).
  struct range {
    const Item* first = nullptr;
    const Item* last = nullptr;
    uint64_t next_cursor = 0;
    const Item* begin() const noexcept { return first; }
    const Item* end() const noexcept { return last; }
    size_t size() const noexcept { return static_cast<size_t>(last - first); }
  };

  range page_range(uint64_t before, uint32_t limit) const {
    auto n = page_size(limit);
    auto first = before == 0
                     ? items_.begin()
                     : std::partition_point(items_.begin(), items_.end(),
                                            [before](const Item& x) { return x.cursor >= before; });
    auto available = static_cast<size_t>(items_.end() - first);
    auto taken = std::min<size_t>(n, available);
    range result;
    result.first = items_.data() + (first - items_.begin());
    result.last = result.first + taken;
    if (taken < available && taken > 0)
      result.next_cursor = result.last[-1].cursor;
    return result;
  }

  Page page(uint64_t before, uint32_t limit) const {
    auto r = page_range(before, limit);
    Page result;
    result.items.assign(r.begin(), r.end());
    result.next_cursor = r.next_cursor;
    return result;
  }

  size_t size() const noexcept { return items_.size(); }

 private:
  std::vector<Item> items_;
};

}  // namespace griddle::actors
