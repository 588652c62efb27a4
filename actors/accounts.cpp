#include "actors/accounts.hpp"

#include "actors/application.hpp"

namespace griddle::actors {

void register_account_types(entity::entity_type_registry& registry,
                            std::shared_ptr<const services> svc) {
  registry.add(email_type(svc));
  registry.add(user_type(svc));
  registry.add(session_type(svc));
  registry.add(sessions_type(std::move(svc)));
}

}  // namespace griddle::actors
