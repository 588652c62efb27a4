// The griddle-admin commands: turns the words of one command ("rollout ramp
// feed 25") into the admin API request it stands for, and says how to show
// the answer. Pure (no I/O), so the program, the REPL and the tests share it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "admin/admin_request.hpp"

namespace griddle::admin {

/// How to show a successful answer to a person.
enum class view {
  status,       ///< one rollout's STATUS
  status_list,  ///< {"rollouts": [STATUS...]}
  mismatches,   ///< {"type", "samples": [SAMPLE...]}
  flags,        ///< {"toggles": [...], "experiments": [...]}
  toggles,      ///< the same document, showing its toggles
  experiments,  ///< the same document, showing its experiments
  toggle,       ///< one TOGGLE
  experiment,   ///< one EXPERIMENT
  deleted,      ///< {"deleted": NAME}
  results,      ///< {"experiment", "arms": [...]}
};

/// Repeats a command's request every `interval_s` seconds, `count` times
/// (0: until interrupted).
struct watch_plan {
  double interval_s = 1;
  uint64_t count = 0;
};

struct command {
  http_request request;
  view shows = view::status;
  /// Mismatches only: keep the newest `limit` samples (0: all).
  size_t limit = 0;
  std::optional<watch_plan> watch;
  /// `help`: print the usage and send nothing.
  bool help = false;
};

/// Parses one command's words. Throws usage_error, carrying the command's
/// usage line, for an unknown command, a missing argument or a bad value.
command parse_command(const std::vector<std::string>& words);

/// Every command's usage line, one a line, each indented two spaces.
std::string command_list();

}  // namespace griddle::admin
