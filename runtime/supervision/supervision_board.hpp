// What every supervisor of the process looks like now, for the admin API's
// `supervisors` view: each supervisor publishes a report of itself and its
// children whenever one of them changes state, and withdraws it when it
// ends. Reading the board sends no message, so the view never waits for a
// busy or escalating supervisor.
//
// Threading: every member is thread-safe (one mutex; supervisors publish
// only when a child starts, fails, restarts or stops).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace griddle::supervision {

struct child_report {
  std::string name;
  /// "stopped", "running", "stopping" or "restarting".
  std::string state;
  /// Restarts of this child since its supervisor started.
  uint64_t restarts = 0;
  /// The running child's actor id (0: none); links nested supervisors.
  uint64_t actor = 0;
};

struct supervisor_report {
  uint64_t actor = 0;
  std::string name;
  /// "one_for_one", "one_for_all" or "rest_for_one".
  std::string strategy;
  /// "running", "shutting_down" or "escalating".
  std::string phase;
  /// Restarts of any child since this supervisor started.
  uint64_t restarts = 0;
  std::vector<child_report> children;
};

/// One supervisor with the supervisors among its children nested.
struct supervisor_tree {
  supervisor_report self;
  /// Parallel to `self.children`: the child's own tree when it is a
  /// supervisor, else empty.
  std::vector<std::vector<supervisor_tree>> nested;
};

class supervision_board {
 public:
  /// The board of this process; never destroyed.
  static supervision_board& global();

  /// Adds or replaces the report of `r.actor`.
  void publish(supervisor_report r);

  /// Removes the report of `actor`.
  void withdraw(uint64_t actor);

  /// Every supervisor that is no other supervisor's child, each with its
  /// nested supervisors, ordered by actor id (start order).
  std::vector<supervisor_tree> trees() const;

 private:
  mutable std::mutex mtx_;
  std::map<uint64_t, supervisor_report> reports_;
};

}  // namespace griddle::supervision
