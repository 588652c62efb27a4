// What a load run measured, merged over its client threads: per request
// kind a latency histogram of the successful responses (status < 400,
// nanoseconds from each request's due time to the end of its response) and
// the errors; over the run the connect errors, the requests never sent and
// the achieved rate. Only requests due after the warm-up count. Rendered as
// a table for people or as one JSON document for scripts.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "bench/load/request_mix.hpp"
#include "runtime/metrics/histogram_snapshot.hpp"

namespace griddle::bench::load {

struct kind_results {
  /// Latencies of the responses with status < 400, in nanoseconds.
  metrics::histogram_snapshot latency;
  /// HTTP responses of any status.
  uint64_t responses = 0;
  /// Requests lost to a read or write error, a bad response or a close.
  uint64_t io_errors = 0;
  /// Requests still in flight at the deadline.
  uint64_t timeouts = 0;
  /// Responses with status >= 400, by status.
  std::map<int, uint64_t> http_errors;

  uint64_t errors() const noexcept;
  void merge(const kind_results& other);
};

/// How the run was set up, for the report.
struct run_description {
  bool closed = false;
  double rate = 0;  // open loop: requests per second
  double duration = 0;
  double warmup = 0;
  size_t connections = 0;
  size_t threads = 0;
  size_t pipeline = 1;
  size_t users = 0;
  std::string mix;
  std::string url;
};

struct load_results {
  std::array<kind_results, request_kind_count> kinds;
  /// Failed connect attempts after the warm-up.
  uint64_t connect_errors = 0;
  /// Requests due in the run but never sent by the deadline (timeouts too).
  uint64_t unsent = 0;
  /// Requests sent (due after the warm-up).
  uint64_t sent = 0;
  /// From the end of the warm-up to the last counted response, but at least
  /// the run's duration.
  double seconds = 0;

  /// Every kind merged.
  kind_results overall() const;

  /// The durable writes (send, like) merged, or every other kind merged.
  kind_results group(bool writes) const;

  /// Whether the results hold both reads and writes.
  bool mixed() const;

  /// Responses (of any status) per second.
  double achieved_rate() const noexcept;

  /// All errors: the kinds' errors, connect errors and unsent requests.
  uint64_t errors() const;

  void merge(const load_results& other);
};

/// `ns` in milliseconds with 3 significant digits: "0.0123", "1.23", "123", "1230".
std::string format_ms(int64_t ns);

/// The nearest-rank percentile `p` of the values recorded between two
/// snapshots of one growing histogram (`later` holds all of `earlier`); 0
/// when nothing was recorded in between.
int64_t percentile_between(const metrics::histogram_snapshot& later,
                           const metrics::histogram_snapshot& earlier, double p);

/// The results as a table, with the run's set-up on top.
void print_results(std::FILE* out, const load_results& r, const run_description& d);

/// The results as one JSON object; latencies in milliseconds.
nlohmann::json results_json(const load_results& r, const run_description& d);

}  // namespace griddle::bench::load
