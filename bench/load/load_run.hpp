// A whole load run: split connections and schedule over the client threads,
// connect, start every thread at one instant, print a progress line each
// second, and merge what the threads measured. Bounded: every thread stops
// at the deadline, the end of the run plus `drain` at most.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "bench/load/load_results.hpp"
#include "bench/load/request_mix.hpp"
#include "bench/load/request_source.hpp"
#include "bench/load/target_url.hpp"

namespace griddle::bench::load {

struct load_options {
  target_url target;
  bool closed = false;   // closed loop instead of a fixed rate
  double rate = 1000;    // open loop: requests per second, over all threads
  double duration = 10;  // seconds measured
  double warmup = 1;     // seconds before, not measured
  std::chrono::milliseconds drain{5000};
  size_t connections = 16;
  size_t threads = 1;
  size_t pipeline = 1;  // requests in flight per connection
  request_mix mix;
  double zipf = 1.0;  // popularity exponent of users; 0: uniform
  uint64_t seed = 1;
  std::vector<session> sessions;
  /// Where the progress line goes each second; null: nowhere.
  std::FILE* progress = nullptr;
};

/// Checks `opts` apart from its sessions (throws `usage_error`: threads >
/// connections, a rate out of range, ...), so mistakes show before signing in.
void validate_settings(const load_options& opts);

/// Checks all of `opts`: also that the mix has the sessions it needs.
void validate(const load_options& opts);

/// Runs the load. Throws std::runtime_error when no connection could be
/// opened at all.
load_results run_load(const load_options& opts);

/// The set-up of `opts` for the report.
run_description describe(const load_options& opts);

}  // namespace griddle::bench::load
