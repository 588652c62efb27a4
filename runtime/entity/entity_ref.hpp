// The address of a virtual actor: an entity type name and a key within it.
// Callers never spawn entities; they send to an `entity_ref` and the runtime
// activates the entity on the node that owns the key.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <caf/meta/type_name.hpp>

namespace griddle {

/// Addresses one entity, e.g. `{"user", "4711"}`. Cheap to copy for short keys.
struct entity_ref {
  std::string type;
  std::string key;

  entity_ref() = default;
  entity_ref(std::string type_name, std::string entity_key)
      : type(std::move(type_name)), key(std::move(entity_key)) {}
  entity_ref(std::string type_name, uint64_t numeric_key)
      : type(std::move(type_name)), key(std::to_string(numeric_key)) {}

  friend bool operator==(const entity_ref& x, const entity_ref& y) {
    return x.key == y.key && x.type == y.type;
  }
  friend bool operator!=(const entity_ref& x, const entity_ref& y) { return !(x == y); }
  friend bool operator<(const entity_ref& x, const entity_ref& y) {
    return x.type != y.type ? x.type < y.type : x.key < y.key;
  }
};

/// Renders as `type/key`.
inline std::string to_string(const entity_ref& x) {
  return x.type + "/" + x.key;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, entity_ref& x) {
  return f(caf::meta::type_name("entity_ref"), x.type, x.key);
}

/// A stable 64-bit hash (FNV-1a over `type`, a separator and `key`), the same
/// in every process: the hash ring and the rollout buckets depend on it.
uint64_t stable_hash(const entity_ref& x) noexcept;

/// The same hash from the parts, without building an `entity_ref`.
uint64_t stable_hash(std::string_view type, std::string_view key) noexcept;

}  // namespace griddle

template <>
struct std::hash<griddle::entity_ref> {
  size_t operator()(const griddle::entity_ref& x) const noexcept {
    return static_cast<size_t>(griddle::stable_hash(x));
  }
};
