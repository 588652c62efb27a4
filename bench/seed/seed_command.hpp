// `griddle-bench seed`: writes a seeded dataset (dataset.hpp) straight into
// an event store, with a progress bar, and prints what it wrote.
#pragma once

#include <string>
#include <vector>

namespace griddle::bench {

/// The usage text of `seed`.
extern const char* const seed_usage;

/// Runs `seed` with `args` (after the subcommand's name). Throws
/// `usage_error` for bad options; returns the exit code otherwise (0 done,
/// 1 the store refused or failed).
int run_seed(const std::vector<std::string>& args);

}  // namespace griddle::bench
