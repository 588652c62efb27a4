#include "actors/application.hpp"

#include <thread>

#include <caf/config_option_adder.hpp>
#include <caf/send.hpp>

#include "actors/account_types.hpp"
#include "actors/chat_types.hpp"
#include "actors/password_hasher.hpp"
#include "actors/presence.hpp"
#include "actors/social_types.hpp"
#include "actors/type_ids.hpp"
#include "runtime/store/event_store.hpp"

namespace griddle::actors {

void add_actor_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::griddle_actors>();
  cfg.add_message_types<caf::id_block::griddle_accounts>();
  cfg.add_message_types<caf::id_block::griddle_social>();
  cfg.add_message_types<caf::id_block::griddle_chat>();
}

void register_entity_types(entity::entity_type_registry& registry,
                           std::shared_ptr<const services> svc) {
  registry.add(presence_type());
  register_account_types(registry, svc);
  register_social_types(registry, svc);
  register_chat_types(registry, svc);
}

node::application make_application() {
  auto svc = std::make_shared<services>();
  svc->now_ms = store::unix_now_ms;
  node::application app;
  app.add_message_types = add_actor_types;
  app.add_options = [svc](caf::config_option_set& opts) {
    caf::config_option_adder{opts, "global"}.add(
        svc->faulty_versions, "demo-faulty-versions",
        "also register deliberately wrong versions (feed@2-faulty) to show rollouts catching them");
  };
  app.add_entity_types = [svc](entity::entity_type_registry& registry) {
    register_entity_types(registry, svc);
  };
  app.start = [svc](caf::actor_system& sys) {
    // Hashing is deliberately slow (argon2id); one worker per core keeps
    // logins from starving each other without oversubscribing the machine.
    auto workers = std::max(1u, std::thread::hardware_concurrency());
    svc->hasher = spawn_password_hasher(sys, workers, password_strength::interactive());
  };
  app.stop = [svc](caf::actor_system&) {
    caf::anon_send_exit(svc->hasher, caf::exit_reason::user_shutdown);
    svc->hasher = nullptr;
  };
  return app;
}

}  // namespace griddle::actors
