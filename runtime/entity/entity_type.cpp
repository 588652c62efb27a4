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

void entity_type_registry::add_version(const std::string& type, behaviour_version version) {
  auto i = types_.find(type);
  if (i == types_.end())
    throw std::invalid_argument("no entity type '" + type + "' to add version '" + version.name +
                                "' to");
  if (version.name.empty() || !version.factory)
    throw std::invalid_argument("version of '" + type + "' without a name or a factory");
  if (find_factory(i->second, version.name) != nullptr)
    throw std::invalid_argument("version '" + type + "@" + version.name + "' registered twice");
  i->second.versions.push_back(std::move(version));
}

const entity_factory* find_factory(const entity_type& type, const std::string& version) {
  if (version.empty() || version == type.version)
    return &type.factory;
  auto* v = find_version(type, version);
  return v != nullptr ? &v->factory : nullptr;
}

const behaviour_version* find_version(const entity_type& type, const std::string& version) {
  for (auto& v : type.versions)
    if (v.name == version)
      return &v;
  return nullptr;
}

entity_ref snapshot_ref(const entity_type& type, const std::string& version,
                        const std::string& key) {
  if (version.empty() || version == type.version)
    return {type.name, key};
  return {type.name + "@" + version, key};
}

}  // namespace griddle::entity
