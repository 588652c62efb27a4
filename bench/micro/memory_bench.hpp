// `griddle-microbench memory`: resident memory per activated, idle entity.
// Reads the process's memory, activates N distinct counter entities through
// the router (at most `batch` requests in flight, so queued messages do not
// count as entity memory), lets the process settle and reads again.
//
// With `plain`, spawns N plain CAF actors with the same handler instead and
// sends each one request: the floor that CAF itself sets.
//
// One scheduler thread by default: with more, CAF 0.17's work-stealing deque
// (whose `take_tail` walks the whole queue) makes the host's ordered stop,
// which enqueues one message per entity, quadratic in the number of entities.
#pragma once

#include <cstdint>

namespace griddle::bench {

struct memory_options {
  uint64_t entities = 0;
  uint64_t batch = 1000;
  uint64_t threads = 2;
  bool plain = false;
};

/// Runs the benchmark and prints to stdout; returns the process exit code.
int run_memory(const memory_options& opts);

}  // namespace griddle::bench
