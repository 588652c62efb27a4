#include "actors/password_hasher.hpp"

#include <stdexcept>
#include <string>

#include <caf/actor_pool.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "actors/type_ids.hpp"

namespace griddle::actors {

namespace {

caf::behavior password_worker(caf::event_based_actor* self, const caf::actor& pool,
                              password_strength strength) {
  // The worker only monitors the pool, so any down message means the pool is
  // gone; quitting then keeps the system's shutdown from waiting on us.
  self->monitor(pool);
  self->set_down_handler([self](caf::down_msg& msg) { self->quit(msg.reason); });
  return {
      [strength](hash_atom, const std::string& password) -> caf::result<std::string> {
        try {
          return hash_password(password, strength);
        } catch (const std::exception& ex) {
          return caf::make_error(caf::sec::runtime_error, std::string{ex.what()});
        }
      },
      [](verify_atom, const std::string& stored_hash, const std::string& password) {
        return verify_password(stored_hash, password);
      },
  };
}

}  // namespace

caf::actor spawn_password_hasher(caf::actor_system& sys, size_t workers,
                                 password_strength strength) {
  if (workers == 0)
    throw std::invalid_argument("spawn_password_hasher: workers must be at least 1");
  auto pool = caf::actor_pool::make(sys.dummy_execution_unit(), caf::actor_pool::round_robin());
  for (size_t i = 0; i < workers; ++i) {
    auto worker = sys.spawn<caf::detached>(password_worker, pool, strength);
    // The pool handles this message synchronously inside `enqueue`: the
    // worker is in the pool when `anon_send` returns.
    caf::anon_send(pool, caf::sys_atom_v, caf::put_atom_v, std::move(worker));
  }
  return pool;
}

}  // namespace griddle::actors
