#include "runtime/entity/entity_type.hpp"

#include <stdexcept>

namespace griddle::entity {

void entity_type_registry::add(entity_type type) {
  if (type.name.empty())
    throw std::invalid_argument("entity type without a name");
  if (!type.factory)
    throw std::invalid_argument("entity type '" + type.name + "' has no factory");
  if (type.idle_timeout <= caf::timespan{0})
    throw std::invalid_argument("entity type '" + type.name + "' needs a positive idle time-out");
  auto name = type.name;
  if (!types_.emplace(name, std::move(type)).second)
    throw std::invalid_argument("entity type '" + name + "' registered twice");
}

const entity_type* entity_type_registry::find(const std::string& name) const {
  auto i = types_.find(name);
  return i != types_.end() ? &i->second : nullptr;
}

std::vector<const entity_type*> entity_type_registry::all() const {
  std::vector<const entity_type*> result;
  for (auto& kvp : types_)
    result.push_back(&kvp.second);
  return result;
}

}  // namespace griddle::entity
