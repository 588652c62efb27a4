// The in-memory state store: keeps the latest snapshot of each entity, for
// tests and for nodes that run without durability. Speaks the state store
// protocol every store implements:
//   (load_atom, entity_ref)              -> stored_state
//   (save_atom, entity_ref, std::string) -> void   (ordered per sender)
//
// The data lives in a `memory_state_data` shared with the caller, so it
// survives restarts of the store actor and tests can inspect it.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "runtime/entity/entity_messages.hpp"
#include "runtime/entity/entity_ref.hpp"

namespace griddle::store {

/// Thread-safe snapshot table.
class memory_state_data {
 public:
  std::optional<std::string> get(const entity_ref& ref) const;
  void put(const entity_ref& ref, std::string data);
  size_t size() const;

 private:
  mutable std::mutex mtx_;
  std::unordered_map<entity_ref, std::string> data_;
};

/// Spawns a store actor over `data`.
caf::actor spawn_memory_state_store(caf::actor_system& sys,
                                    std::shared_ptr<memory_state_data> data);

}  // namespace griddle::store
