// The griddle-admin commands: turns the words of one command ("rollout ramp
// feed 25") into the admin API request it stands for, and says how to show
// the answer. Pure (no I/O), so the program, the REPL and the tests share it.
#pragma once

#include <cstdint>
#include <map>
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
  nodes,        ///< {"nodes": [NODE...]}
  types,        ///< {"types": [TYPE...]}
  actors,       ///< {"type", "top", "active", "actors": [ACTOR...]}
  actor,        ///< one actor inspected: {"type", "key", "active", "state", ...}
  trace,        ///< {"type", "key", "stopped", "messages": [...]}
  passivated,   ///< {"type", "key", "passivated"}
  supervisors,  ///< {"tree": NODE}
  metrics,      ///< {"metrics": [SAMPLE...]}
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

/// One command's words and arguments, as TAB completion needs them; read
/// from the command table and its usage lines.
struct command_shape {
  /// "rollout", "nodes".
  std::string group;
  /// "status"; empty for a one-word command.
  std::string verb;
  /// The placeholders of the positionals in usage order: "TYPE", "KEY", or
  /// the choices "on|off".
  std::vector<std::string> positionals;
  /// The last positional repeats ("REASON...").
  bool repeats_last = false;
  /// Options taking a value, with the values the usage lists ("--top":
  /// mailbox, latency, messages), else none.
  std::map<std::string, std::vector<std::string>> valued;
  std::vector<std::string> switches;
  /// Read-only: `watch` may repeat it.
  bool watchable = false;
};

/// The shape a usage line describes: "actors TYPE [--top a|b] [--limit N]",
/// whose name takes `name_words` words.
command_shape shape_of_usage(const std::string& usage, size_t name_words);

/// Every command of the table, in its order.
const std::vector<command_shape>& command_shapes();

}  // namespace griddle::admin
