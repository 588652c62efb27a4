#include "actors/application.hpp"

namespace griddle::actors {

void register_social_types(entity::entity_type_registry&, std::shared_ptr<const services>) {}

}  // namespace griddle::actors
