// `griddle-microbench routing`: what the entity router costs over raw CAF.
// Alternates, in one process, request/reply round trips from a driver actor
// (a) straight to a plain actor and (b) through `entity_router::request` to an
// already active entity with the same handler, and prints the rates per round
// and their medians.
#pragma once

#include <cstdint>

namespace griddle::bench {

struct routing_options {
  double seconds = 2;
  uint64_t rounds = 5;
  uint64_t window = 32;
  uint64_t threads = 2;
};

/// Runs the benchmark and prints to stdout; returns the process exit code.
int run_routing(const routing_options& opts);

}  // namespace griddle::bench
