#include "runtime/entity/view_board.hpp"

#include <functional>

namespace griddle::entity {

std::string view_board::key_of(const entity_ref& ref) {
  std::string key;
  key.reserve(ref.type.size() + 1 + ref.key.size());
  key += ref.type;
  key += '\0';
  key += ref.key;
  return key;
}

view_board::shard& view_board::shard_of(const std::string& key) const {
  return shards_[std::hash<std::string>{}(key) % shard_count];
}

void view_board::put(const entity_ref& ref, entry e) {
  auto key = key_of(ref);
  auto& s = shard_of(key);
  std::shared_ptr<const void> old;  // released outside the lock
  std::lock_guard<std::mutex> guard{s.mtx};
  auto& slot = s.views[std::move(key)];
  old = std::move(slot.view);
  slot = std::move(e);
}

void view_board::withdraw(const entity_ref& ref, const void* owner) {
  auto key = key_of(ref);
  auto& s = shard_of(key);
  std::shared_ptr<const void> old;
  std::lock_guard<std::mutex> guard{s.mtx};
  auto i = s.views.find(key);
  if (i != s.views.end() && i->second.owner == owner) {
    old = std::move(i->second.view);
    s.views.erase(i);
  }
}

view_board::entry view_board::get(const entity_ref& ref) const {
  auto key = key_of(ref);
  auto& s = shard_of(key);
  std::lock_guard<std::mutex> guard{s.mtx};
  auto i = s.views.find(key);
  if (i == s.views.end())
    return {};
  return i->second;
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
