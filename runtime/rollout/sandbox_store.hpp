// The store a ghost sees: reads go to the node's real store, writes are
// captured and never performed. An append is answered as a successful one
// with made-up positions (counted from `fake_position_base`, the same in
// every sandbox, so a ghost and a stable copy that append alike get alike
// answers); snapshot saves are dropped. The appended events themselves are
// recorded as effects by the entity (event_sourced.hpp), where the mirror
// can tell which message caused them.
#pragma once

#include <cstdint>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

namespace griddle::rollout {

/// Far above any real position, so a made-up one is recognisable.
constexpr uint64_t fake_position_base = uint64_t{1} << 52;

caf::actor spawn_sandbox_store(caf::actor_system& sys, caf::actor real_store);

}  // namespace griddle::rollout
