#include "actors/application.hpp"
#include "actors/conversation_entity.hpp"
#include "actors/inbox_projection.hpp"

namespace griddle::actors {

void register_chat_types(entity::entity_type_registry& registry,
                         std::shared_ptr<const services> svc) {
  registry.add(conversation_type(std::move(svc)));
  registry.add(inbox_type());
}

}  // namespace griddle::actors
