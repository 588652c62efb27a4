#include "runtime/entity/view_board.hpp"

#include <functional>

namespace griddle::entity {

uint64_t view_board::hash_of(std::string_view type, std::string_view key) noexcept {
  std::hash<std::string_view> h;
  auto a = static_cast<uint64_t>(h(type));
  auto b = static_cast<uint64_t>(h(key));
  return a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
}

std::unordered_multimap<uint64_t, view_board::entry>::iterator view_board::find(
    shard& s, uint64_t hash, std::string_view type, std::string_view key) {
  auto [first, last] = s.views.equal_range(hash);
  for (auto i = first; i != last; ++i)
    if (i->second.ref_type == type && i->second.ref_key == key)
      return i;
  return s.views.end();
}

void view_board::put(const entity_ref& ref, entry e) {
  auto hash = hash_of(ref.type, ref.key);
  auto& s = shard_of(hash);
  e.ref_type = ref.type;
  e.ref_key = ref.key;
  std::shared_ptr<const void> old;  // released outside the lock
  std::lock_guard<std::mutex> guard{s.mtx};
  auto i = find(s, hash, ref.type, ref.key);
  if (i == s.views.end()) {
    s.views.emplace(hash, std::move(e));
  } else {
    old = std::move(i->second.view);
    i->second = std::move(e);
  }
}

void view_board::withdraw(const entity_ref& ref, const void* owner) {
  auto hash = hash_of(ref.type, ref.key);
  auto& s = shard_of(hash);
  std::shared_ptr<const void> old;
  std::lock_guard<std::mutex> guard{s.mtx};
  auto i = find(s, hash, ref.type, ref.key);
  if (i != s.views.end() && i->second.owner == owner) {
    old = std::move(i->second.view);
    s.views.erase(i);
  }
}

view_board::entry view_board::get(std::string_view type, std::string_view key) const {
  auto hash = hash_of(type, key);
  auto& s = shard_of(hash);
  std::lock_guard<std::mutex> guard{s.mtx};
  auto i = find(s, hash, type, key);
  if (i == s.views.end())
    return {};
  entry result;
  result.view = i->second.view;
  result.type = i->second.type;
  return result;
}

size_t view_board::size() const {
  size_t n = 0;
  for (auto& s : shards_) {
    std::lock_guard<std::mutex> guard{s.mtx};
    n += s.views.size();
  }
  return n;
}

}  // namespace griddle::entity
