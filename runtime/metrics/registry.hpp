// The process-wide catalogue of named metrics. Code asks for a metric once, by
// name and labels, keeps the reference and then updates it lock-free;
// exporters (Prometheus, statsD) call `collect()` for the current values.
//
// Threading: every member function is thread-safe. Lookup and creation take a
// mutex; updating a returned metric does not. Ownership: the registry owns
// every metric and never removes one, so references stay valid for the
// registry's lifetime; `global()` is never destroyed.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "runtime/metrics/counter.hpp"
#include "runtime/metrics/gauge.hpp"
#include "runtime/metrics/histogram.hpp"
#include "runtime/metrics/histogram_snapshot.hpp"

namespace griddle::metrics {

/// Label name/value pairs, e.g. `{{"route", "/users"}, {"method", "GET"}}`.
/// Their order does not matter.
using labels = std::vector<std::pair<std::string, std::string>>;

/// What a metric measures; all metrics sharing a name have the same kind.
enum class metric_kind : uint8_t { counter, gauge, histogram };

/// Returns "counter", "gauge" or "histogram", as Prometheus spells the types.
const char* to_string(metric_kind x) noexcept;

/// One metric's value at the time of `registry::collect()`.
struct metric_sample {
  std::string name;
  /// Sorted by label name.
  metrics::labels labels;
  metric_kind kind = metric_kind::counter;
  /// Set when `kind == metric_kind::counter`.
  uint64_t counter_value = 0;
  /// Set when `kind == metric_kind::gauge`.
  int64_t gauge_value = 0;
  /// Set when `kind == metric_kind::histogram`.
  histogram_snapshot histogram;
};

/// Owns named, labelled metrics and hands out stable references to them.
class registry {
 public:
  /// The registry of this process; created on first use, never destroyed, so
  /// metrics may be updated until the process exits (even from static
  /// destructors and detached threads).
  static registry& global();

  registry();
  ~registry();
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  // -- lookup -----------------------------------------------------------------
  // Each returns the metric with this name and label set, creating it on first
  // request. Names follow Prometheus: `[a-zA-Z_:][a-zA-Z0-9_:]*`; label names
  // `[a-zA-Z_][a-zA-Z0-9_]*`, unique within `l`. Throws `std::invalid_argument`
  // for a malformed name or label set, and `std::logic_error` when `name`
  // already belongs to a metric of another kind.

  metrics::counter& counter(std::string_view name, labels l = {});
  metrics::gauge& gauge(std::string_view name, labels l = {});
  latency_histogram& histogram(std::string_view name, labels l = {});

  // -- export -----------------------------------------------------------------

  /// The current value of every metric, ordered by name and then label set, so
  /// that each name's samples are adjacent. Takes the mutex only to list the
  /// metrics; values are read without it.
  std::vector<metric_sample> collect() const;

 private:
  using metric_ptr =
      std::variant<std::unique_ptr<metrics::counter>, std::unique_ptr<metrics::gauge>,
                   std::unique_ptr<latency_histogram>>;
  using key = std::pair<std::string, labels>;

  template <class T>
  T& get_or_create(std::string_view name, labels l);

  mutable std::mutex mtx_;
  std::map<key, metric_ptr> metrics_;
};

}  // namespace griddle::metrics
