// `griddle-bench load`: the load generator for the HTTP API (load_run.hpp),
// its command line, sign-in and report. See docs/benchmarks.md.
#pragma once

#include <string>
#include <vector>

namespace griddle::bench {

/// The usage text of `load`.
extern const char* const load_usage;

/// Runs `load` with `args` (after the subcommand's name). Throws
/// `usage_error` for bad options; returns the exit code otherwise (0 done,
/// 1 sign-in or connection failed).
int run_load_command(const std::vector<std::string>& args);

}  // namespace griddle::bench
