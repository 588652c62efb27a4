// The parsers behind parse_command, one per command, grouped by the API they
// speak (rollout_commands.cpp, flag_commands.cpp, node_commands.cpp). Each receives the words
// after the command's name, already sorted by an argument_list built from its
// entry in the command table (commands.cpp). Not for callers.
#pragma once

#include <string>

#include "admin/command_line.hpp"
#include "admin/commands.hpp"

namespace griddle::admin::detail {

/// A path segment with everything but [A-Za-z0-9._~-] percent-encoded.
std::string path_segment(const std::string& text);

/// A number as JSON: an integer when it has no fraction (25, not 25.0).
nlohmann::json json_number(double x);

command parse_rollout_status(const argument_list& args);
command parse_rollout_ghost(const argument_list& args);
command parse_rollout_ramp(const argument_list& args);
command parse_rollout_schedule(const argument_list& args);
command parse_rollout_promote(const argument_list& args);
command parse_rollout_rollback(const argument_list& args);
command parse_rollout_guard(const argument_list& args);
command parse_rollout_mismatches(const argument_list& args);
command parse_rollout_watch(const argument_list& args);

command parse_flags(const argument_list& args);
command parse_toggle_list(const argument_list& args);
command parse_experiment_list(const argument_list& args);
command parse_toggle_set(const argument_list& args);
command parse_toggle_delete(const argument_list& args);
command parse_experiment_set(const argument_list& args);
command parse_experiment_delete(const argument_list& args);
command parse_experiment_results(const argument_list& args);

command parse_nodes(const argument_list& args);
command parse_types(const argument_list& args);
command parse_actors(const argument_list& args);
command parse_inspect(const argument_list& args);
command parse_trace(const argument_list& args);
command parse_passivate(const argument_list& args);
command parse_supervisors(const argument_list& args);
command parse_metrics(const argument_list& args);

}  // namespace griddle::admin::detail
