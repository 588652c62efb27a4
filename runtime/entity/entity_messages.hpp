// Plain message structs of the entity protocol. Each has an `inspect()`
// overload and a type ID (runtime/type_ids.hpp), so it can cross nodes.
#pragma once

#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>

namespace griddle::entity {

/// The answer to a peek: whether the entity is active and its state snapshot
/// (the live state when active, the stored state otherwise; empty if none).
struct peek_result {
  bool active = false;
  std::string snapshot;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peek_result& x) {
  return f(caf::meta::type_name("peek_result"), x.active, x.snapshot);
}

/// What a state store returns for a load: `found` is false for a new entity.
struct stored_state {
  bool found = false;
  std::string data;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stored_state& x) {
  return f(caf::meta::type_name("stored_state"), x.found, x.data);
}

}  // namespace griddle::entity
