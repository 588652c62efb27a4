// The node-local table of one entity type's active entities, which lets a
// sender reach an active entity in one hop, without going through the host.
//
// Ordering guarantee: a sender's messages to one entity arrive in the order it
// sent them. Until an entity is active, senders go through the host, and each
// such message is counted in the entry (`via_host`). A sender takes the direct
// path only when the entry has a handle *and* no message is still on its way
// through the host, so a direct message can never overtake an earlier one.
//
// Thread safety: all members may be called from any thread. Readers take a
// shared lock on one of many shards; only the host and first senders take an
// exclusive lock. Keys are the entity keys of one type; `hash` is the key's
// `stable_hash` (it picks the shard).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include <caf/actor.hpp>

namespace griddle::entity {

class entity_directory {
 public:
  /// Where a sender must send its next message for an entity.
  struct route {
    /// The active entity, or invalid when the message must go through the host.
    caf::actor direct;
  };

  entity_directory() = default;

  /// Takes every shard's lock once, so the writes other threads made under
  /// them happen before the entries are destroyed.
  ~entity_directory();
  entity_directory(const entity_directory&) = delete;
  entity_directory& operator=(const entity_directory&) = delete;

  // -- sender side ------------------------------------------------------------

  /// Decides the path of one message. When `direct` is invalid the caller
  /// *must* send the message to the host, which later calls `host_delivered`.
  route route_for(const std::string& key, uint64_t hash);

  /// Returns the active entity's handle without counting or creating anything.
  caf::actor find_active(const std::string& key, uint64_t hash) const;

  // -- host side --------------------------------------------------------------

  /// Makes `handle` reachable directly (after all counted messages arrived).
  void publish(const std::string& key, uint64_t hash, caf::actor handle);

  /// One counted message went from the host into the entity's mailbox.
  void host_delivered(const std::string& key, uint64_t hash);

  /// Takes the direct path away, e.g. after a crash; counts survive.
  void unpublish(const std::string& key, uint64_t hash);

  /// Removes the entry if no counted message is in flight; returns whether it did.
  bool try_remove(const std::string& key, uint64_t hash);

  /// Removes every entry (the host stopped or restarted).
  void clear();

  /// Number of entries (active or with messages in flight).
  size_t size() const;

 private:
  struct entry {
    caf::actor handle;
    std::atomic<uint32_t> via_host{0};
  };

  struct shard {
    mutable std::shared_mutex mtx;
    std::unordered_map<std::string, entry> entries;
  };

  static constexpr size_t shard_count = 64;

  shard& shard_for(uint64_t hash) { return shards_[(hash >> 7) % shard_count]; }
  const shard& shard_for(uint64_t hash) const { return shards_[(hash >> 7) % shard_count]; }

  std::array<shard, shard_count> shards_;
};

}  // namespace griddle::entity
