// The feature toggles and experiments the site's API uses, evaluated on the
// I/O thread from the node's flag table (runtime/flags), with no network
// hop. Each experiment's requests are counted and timed per arm, so the
// admin API (experiment results) and /metrics can compare arms:
//   griddle_experiment_exposures_total{experiment,arm}
//   griddle_experiment_requests_total{experiment,arm}
//   griddle_experiment_errors_total{experiment,arm}
//   griddle_experiment_latency_ns{experiment,arm}
//
// What the site uses:
//   toggle "online-roulette"     /v1/online in random order (a roulette of
//                                who is online) instead of most recent first
//   experiment "feed-ranking"    arm "matched_first" puts mutual likes at
//                                the top of each /v1/feed page; any other arm
//                                keeps newest first
// A gateway without a node's flag table (griddle-gateway) sees no toggles
// and no experiments. Users are evaluated by id, and by city and age from
// their published profile (the view of user/<id>, on the board while that
// entity is active): a user whose profile is not on the board has no known
// city or age, so rules on them do not match that user for the moment.
//
// Threading: every member may be called from any thread.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "runtime/entity/view_board.hpp"
#include "runtime/flags/flag_table.hpp"
#include "runtime/metrics/registry.hpp"

namespace griddle::gateway::api {

class site_flags {
 public:
  /// `table` may be null (no flags).
  /// `table` may be null (no flags); `views` may be null (ids only).
  site_flags(flags::flag_table* table, entity::view_board* views) : table_(table), views_(views) {}

  /// What rules may test of `user`: the id, and city and age when the
  /// profile is published. Age is the current UTC year minus the birth year.
  flags::user_attributes attributes_of(const std::string& user) const;

  /// Whether toggle `name` is on for `user`.
  bool is_on(const char* name, const std::string& user) const;

  /// `user`'s arm of experiment `name`, or empty when not enrolled; counts
  /// an exposure.
  std::string expose(const char* name, const std::string& user);

  /// Records one answered request of `arm` in experiment `name`.
  void answered(const char* name, const std::string& arm, std::chrono::nanoseconds latency,
                bool error);

 private:
  struct arm_metrics {
    metrics::counter* exposures;
    metrics::counter* requests;
    metrics::counter* errors;
    metrics::latency_histogram* latency;
  };

  arm_metrics& metrics_of(const std::string& experiment, const std::string& arm);

  flags::flag_table* table_;
  entity::view_board* views_;
  std::mutex mtx_;
  std::unordered_map<std::string, arm_metrics> metrics_;
};

}  // namespace griddle::gateway::api
