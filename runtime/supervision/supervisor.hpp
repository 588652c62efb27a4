// Supervisors: actors that start a fixed, ordered list of children, restart
// them when they fail and stop them in reverse order. Modelled on Erlang/OTP.
//
// Guarantees:
// - Children are spawned one at a time in list order (a nested supervisor
//   starts its own children when it first runs); every started child is
//   monitored, never linked, so a child's failure reaches the supervisor only
//   as a `down_msg`. A factory that throws or returns no actor is a failure.
// - A failure restarts children according to the child's `restart_policy` and
//   the supervisor's `strategy`; a group restart (one_for_all, rest_for_one)
//   starts every non-temporary child in its range, and a failure during a
//   pending group round widens that round. Every restart round consults a
//   `restart_tracker`: a round waits its back-off on the actor clock; when the
//   intensity is exceeded the supervisor stops all children and quits with
//   `errc::restart_intensity_exceeded`, so its own supervisor sees an abnormal
//   exit (escalation).
// - Stopping is ordered: children stop one at a time in reverse start order;
//   each gets `exit_reason::user_shutdown` and is killed after its
//   `shutdown_timeout`.
// - No child outlives its supervisor: whatever ends the supervisor (even
//   `exit_reason::kill`), children still running are killed.
// - The supervisor never blocks and sends no requests; all its timers are
//   delayed messages to itself, so the CAF test clock drives it.
//
// Protocol of a supervisor actor:
// - `(shutdown_atom) -> unit`: ordered stop, replies when every child is down,
//   then quits with `exit_reason::user_shutdown` (replies the escalation error
//   instead if the supervisor was already escalating).
// - an `exit_msg` (e.g. `send_exit(sup, exit_reason::user_shutdown)`): ordered
//   stop, then quits with the received reason (`user_shutdown` for `normal`).
// - `(status_atom) -> std::string`: one line naming each child and its state.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/error.hpp>
#include <caf/timespan.hpp>

#include "runtime/supervision/restart_tracker.hpp"

namespace griddle::supervision {

/// Which children restart when one of them fails.
enum class strategy {
  /// Only the failed child.
  one_for_one,
  /// All children: the others stop in reverse start order, then all start.
  one_for_all,
  /// The failed child and those started after it.
  rest_for_one,
};

/// When a child that went down is restarted.
enum class restart_policy {
  /// Always.
  permanent,
  /// Only after an abnormal exit (see `is_normal_exit`).
  transient,
  /// Never, also not when a sibling's failure stops it.
  temporary,
};

/// How to start one child and how to treat it.
struct child_spec {
  /// Unique among its siblings; shown in the status.
  std::string name;
  /// Spawns the child with `sys.spawn(...)`. Throwing or returning an invalid
  /// handle counts as a failure of the child.
  std::function<caf::actor(caf::actor_system&)> start;
  restart_policy policy = restart_policy::permanent;
  /// How long the child may take to stop before it is killed.
  caf::timespan shutdown_timeout = std::chrono::seconds{5};
};

/// A supervisor's name, strategy, intensity and children (in start order).
struct supervisor_spec {
  std::string name;
  strategy how = strategy::one_for_one;
  restart_limits limits;
  std::vector<child_spec> children;
};

/// Spawns a supervisor that immediately starts `spec.children` in order.
caf::actor spawn_supervisor(caf::actor_system& sys, supervisor_spec spec);

/// True for the exit reasons of an orderly stop: no error,
/// `exit_reason::normal` and `exit_reason::user_shutdown`.
bool is_normal_exit(const caf::error& reason);

/// True when `policy` restarts a child that exited for `reason`.
bool should_restart(restart_policy policy, const caf::error& reason);

/// Returns the enumerator's name, e.g. "rest_for_one".
const char* to_string(strategy x);

/// Returns the enumerator's name, e.g. "transient".
const char* to_string(restart_policy x);

}  // namespace griddle::supervision
