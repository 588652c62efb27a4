// password_hasher: a pool of detached actors that hash and verify passwords,
// so the slow, memory-hard Argon2id work never occupies a CAF scheduler
// thread. Requests go round-robin to the workers; each worker runs one
// request at a time on its own thread and allocates `strength.memlimit`
// bytes while it does, so `workers` bounds both parallelism and memory.
//
// Protocol (always `request` with a time-out):
//   (hash_atom, std::string password) -> std::string
//       an Argon2id hash string; the error `sec::runtime_error` when hashing fails
//   (verify_atom, std::string stored_hash, std::string password) -> bool
//
// Lifetime: send the pool an exit before the actor system shuts down, e.g.
// `caf::anon_send_exit(pool, caf::exit_reason::user_shutdown)`: a pool still
// running then keeps the system's destructor waiting forever. Every worker
// monitors the pool and quits when it goes down, whatever the exit reason
// (also when the last handle to the pool is dropped), even if someone still
// holds a handle to the worker. A worker first finishes the requests queued
// before the exit, so shutdown waits at most for those.
#pragma once

#include <cstddef>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/credentials.hpp"

namespace griddle::actors {

/// Spawns the pool with `workers` detached workers hashing at `strength`.
/// Throws `std::invalid_argument` when `workers` is 0.
caf::actor spawn_password_hasher(caf::actor_system& sys, size_t workers,
                                 password_strength strength);

}  // namespace griddle::actors
