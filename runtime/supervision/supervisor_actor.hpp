// The actor behind `spawn_supervisor`. Callers use `spawn_supervisor` and the
// message protocol documented in supervisor.hpp; this header exists so the
// class can be read top-down, not to be spawned directly.
//
// Threading: an ordinary event-based actor; all state is touched only from
// its own message handlers and `on_exit`.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <caf/event_based_actor.hpp>

#include "runtime/supervision/restart_tracker.hpp"
#include "runtime/supervision/supervisor.hpp"

namespace griddle::supervision::detail {

class supervisor_actor : public caf::event_based_actor {
 public:
  supervisor_actor(caf::actor_config& cfg, supervisor_spec spec);

  caf::behavior make_behavior() override;

  /// Kills the children still running, whatever ended the supervisor.
  void on_exit() override;

  const char* name() const override;

 private:
  // -- member types -----------------------------------------------------------

  /// The status line indexes names by these values; keep both in sync.
  enum class child_state { stopped, running, stopping, restarting };

  struct child {
    child_spec spec;
    caf::actor handle;  // Valid while the child runs or is being stopped.
    child_state state = child_state::stopped;
    /// Started at least once: each later start is a restart.
    bool started = false;
    uint64_t restarts = 0;
  };

  enum class phase { running, shutting_down, escalating };

  /// Children to start, in start order, once `delay` has passed.
  struct restart_round {
    std::set<size_t> to_start;
    caf::timespan delay{0};
  };

  // -- starting children ------------------------------------------------------

  /// Starts `indices` in order; stops early when a failure starts a round
  /// that covers the rest.
  void start_children(const std::set<size_t>& indices);

  /// Runs the child's factory; returns the failure reason, if any.
  caf::error start_child(size_t index);

  // -- failures and restarts --------------------------------------------------

  void on_down(const caf::down_msg& msg);

  /// Decides what the failure of a child that no longer runs triggers.
  void on_child_failed(size_t index, const caf::error& reason);

  /// Adds the children `strategy` affects to the one pending group round.
  void join_group_round(size_t index, caf::timespan delay);

  /// Sends the round's restart message to self after its back-off.
  void schedule_round(uint64_t id);

  void on_restart(uint64_t id);

  bool in_group_round(size_t index) const;

  // -- stopping children ------------------------------------------------------

  /// Queues every running child not yet queued and keeps the queue in
  /// reverse start order.
  void enqueue_stop(size_t first);

  /// Stops the next queued child, or runs `after_stop_` when none is left.
  void stop_next();

  void on_stop_timeout(uint64_t token);

  /// Forgets the handle of a child that went down or was killed.
  void child_gone(size_t index);

  /// Starts the ordered stop of all children unless already stopping.
  void begin_shutdown(caf::error reason);

  /// Stops all children, then fails with `restart_intensity_exceeded`.
  void escalate();

  /// Cancels pending restarts and stops all children; then `finish`.
  void stop_all(phase next, caf::error reason);

  /// Answers pending shutdown requests and quits with `final_reason_`.

  void finish();

  // -- introspection ----------------------------------------------------------

  std::string status() const;

  /// Publishes the current state on the supervision board.
  void report();

  // -- state ------------------------------------------------------------------

  supervisor_spec spec_;
  restart_tracker tracker_;
  /// Restarts of any child since this supervisor started.
  uint64_t restarts_ = 0;
  std::vector<child> children_;
  phase phase_ = phase::running;
  caf::error final_reason_;
  std::vector<caf::response_promise> shutdown_promises_;

  std::map<uint64_t, restart_round> rounds_;
  /// The round of one_for_all and rest_for_one; they have at most one.
  std::optional<uint64_t> group_round_;
  uint64_t last_round_ = 0;

  /// Children to stop, front first (reverse start order).
  std::deque<size_t> stop_queue_;
  std::optional<size_t> stopping_;
  uint64_t stop_token_ = 0;
  std::function<void()> after_stop_;
};

}  // namespace griddle::supervision::detail
