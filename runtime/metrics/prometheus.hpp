// Renders metrics in the Prometheus text exposition format 0.0.4, the body a
// `/metrics` endpoint serves with `Content-Type: text/plain; version=0.0.4`.
// Pure functions of their input: thread-safe, no I/O, no CAF dependency.
//
// Output: for each metric name one `# TYPE` line, then its samples; counters
// and gauges as `name{labels} value`. Label values escape `\`, `"` and newline.
//
// Histograms: `latency_histogram` records integer NANOSECONDS, but Prometheus
// expects seconds. A histogram is therefore emitted as `<name>_seconds` (the
// name unchanged when it already ends in `_seconds`), with cumulative
// `_bucket` samples at fixed bounds from 0.0001 s to 10 s plus `+Inf`, then
// `_sum` in seconds and `_count`. The `le` label follows the other labels, so
// a histogram must not carry a label named `le` itself. A source bucket that
// straddles a bound (3-digit precision, see histogram.hpp) counts toward the
// next bound: `le="x"` never includes a value above x, but may miss values
// within 0.1% below it.
#pragma once

#include <string>
#include <vector>

#include "runtime/metrics/registry.hpp"

namespace griddle::metrics {

/// Renders `samples`, in which all samples of one name must be adjacent (as
/// `registry::collect()` orders them). Ends with a newline; empty when
/// `samples` is.
std::string to_prometheus(const std::vector<metric_sample>& samples);

/// Renders `r.collect()`.
std::string to_prometheus(const registry& r);

}  // namespace griddle::metrics
