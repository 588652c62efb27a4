// The actor system configuration every test suite uses: the runtime's types
// registered, as in every Griddle program.
#pragma once

#include <caf/actor_system_config.hpp>

#include "runtime/type_ids.hpp"

namespace griddle::test {

struct test_config : caf::actor_system_config {
  test_config() { add_runtime_types(*this); }
};

}  // namespace griddle::test
