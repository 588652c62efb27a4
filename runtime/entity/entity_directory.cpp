#include "runtime/entity/entity_directory.hpp"

#include <mutex>

namespace griddle::entity {

entity_directory::route entity_directory::route_for(const std::string& key, uint64_t hash) {
  auto& s = shard_for(hash);
  {
    std::shared_lock<std::shared_mutex> guard{s.mtx};
    auto i = s.entries.find(key);
    if (i != s.entries.end()) {
      auto& e = i->second;
      // Counted under the shared lock: `publish` and `try_remove` take the
      // exclusive lock, so they see every count taken before them.
      if (e.handle && e.via_host.load(std::memory_order_acquire) == 0)
        return {e.handle};
      e.via_host.fetch_add(1, std::memory_order_acq_rel);
      return {};
    }
  }
  std::unique_lock<std::shared_mutex> guard{s.mtx};
  auto& e = s.entries[key];
  if (e.handle && e.via_host.load(std::memory_order_acquire) == 0)
    return {e.handle};
  e.via_host.fetch_add(1, std::memory_order_acq_rel);
  return {};
}

caf::actor entity_directory::find_active(const std::string& key, uint64_t hash) const {
  auto& s = shard_for(hash);
  std::shared_lock<std::shared_mutex> guard{s.mtx};
  auto i = s.entries.find(key);
  return i != s.entries.end() ? i->second.handle : caf::actor{};
}

void entity_directory::publish(const std::string& key, uint64_t hash, caf::actor handle) {
  auto& s = shard_for(hash);
  std::unique_lock<std::shared_mutex> guard{s.mtx};
  s.entries[key].handle = std::move(handle);
}

void entity_directory::host_delivered(const std::string& key, uint64_t hash) {
  auto& s = shard_for(hash);
  std::shared_lock<std::shared_mutex> guard{s.mtx};
  auto i = s.entries.find(key);
  if (i != s.entries.end() && i->second.via_host.load(std::memory_order_acquire) > 0)
    i->second.via_host.fetch_sub(1, std::memory_order_acq_rel);
}

void entity_directory::unpublish(const std::string& key, uint64_t hash) {
  auto& s = shard_for(hash);
  std::unique_lock<std::shared_mutex> guard{s.mtx};
  auto i = s.entries.find(key);
  if (i != s.entries.end())
    i->second.handle = nullptr;
}

bool entity_directory::try_remove(const std::string& key, uint64_t hash) {
  auto& s = shard_for(hash);
  std::unique_lock<std::shared_mutex> guard{s.mtx};
  auto i = s.entries.find(key);
  if (i == s.entries.end())
    return true;
  if (i->second.via_host.load(std::memory_order_acquire) != 0)
    return false;
  s.entries.erase(i);
  return true;
}

void entity_directory::clear() {
  for (auto& s : shards_) {
    std::unique_lock<std::shared_mutex> guard{s.mtx};
    s.entries.clear();
  }
}

size_t entity_directory::size() const {
  size_t result = 0;
  for (auto& s : shards_) {
    std::shared_lock<std::shared_mutex> guard{s.mtx};
    result += s.entries.size();
  }
  return result;
}

entity_directory::~entity_directory() {
  for (auto& s : shards_) {
    std::unique_lock<std::shared_mutex> guard{s.mtx};
    s.entries.clear();
  }
}

}  // namespace griddle::entity
