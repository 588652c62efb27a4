#include "runtime/supervision/supervisor.hpp"

#include <caf/exit_reason.hpp>

#include "runtime/supervision/supervisor_actor.hpp"

namespace griddle::supervision {

caf::actor spawn_supervisor(caf::actor_system& sys, supervisor_spec spec) {
  return sys.spawn<detail::supervisor_actor>(std::move(spec));
}

bool is_normal_exit(const caf::error& reason) {
  return !reason || reason == caf::exit_reason::normal || reason == caf::exit_reason::user_shutdown;
}

bool should_restart(restart_policy policy, const caf::error& reason) {
  switch (policy) {
    case restart_policy::permanent:
      return true;
    case restart_policy::transient:
      return !is_normal_exit(reason);
    case restart_policy::temporary:
      return false;
  }
  return false;
}

const char* to_string(strategy x) {
  switch (x) {
    case strategy::one_for_one:
      return "one_for_one";
    case strategy::one_for_all:
      return "one_for_all";
    case strategy::rest_for_one:
      return "rest_for_one";
  }
  return "unknown";
}

const char* to_string(restart_policy x) {
  switch (x) {
    case restart_policy::permanent:
      return "permanent";
    case restart_policy::transient:
      return "transient";
    case restart_policy::temporary:
      return "temporary";
  }
  return "unknown";
}

}  // namespace griddle::supervision
