// The rollout of one entity type: which behaviour version is stable, which
// one is being tried, and how (ghost mode, then a ramp), with the guard's
// bounds and an optional schedule of ramp steps. A plain value: the
// rollout controller folds its events into it and publishes copies to the
// node's rollout table (rollout_table.hpp), where hosts read it.
//
// Phases:
//   none   every key runs `stable`.
//   ghost  every key runs `stable`; keys in the first `mirror_bp` buckets
//          also run a sandboxed ghost of `candidate` that sees the same
//          messages (ghost_mirror.hpp).
//   ramp   keys in the first `ramp_bp` buckets run `candidate` for real.
// Buckets are `flags::ramp_bucket(type, key)`: sticky, and a growing share
// keeps every key it had.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace griddle::rollout {

enum class phase { none, ghost, ramp };

const char* to_string(phase x);

/// When the guard rolls a rollout back: each bound is checked over the last
/// `window_s` seconds once `min_samples` observations are in that window.
struct guard_bounds {
  bool enabled = true;
  /// Mismatches per compared message (ghost phase).
  double max_mismatch_rate = 0.01;
  /// Candidate error rate minus stable error rate.
  double max_error_rate_increase = 0.01;
  /// Candidate p99 may exceed stable p99 by this factor plus `p99_slack_ms`.
  double max_p99_ratio = 2.0;
  double p99_slack_ms = 1.0;
  uint64_t min_samples = 100;
  uint32_t window_s = 30;
};

/// Ramp steps taken by the controller on its own: after `hold_s` seconds at
/// a step with the guard quiet, it moves to the next one; after the last
/// one it promotes when `promote_at_end` is set.
struct ramp_schedule {
  std::vector<uint32_t> steps_bp;
  uint32_t hold_s = 60;
  bool promote_at_end = false;
  /// Index of the step reached (into steps_bp).
  size_t reached = 0;
  /// Unix milliseconds at which the next step is due (0: no schedule).
  int64_t next_at_ms = 0;
};

/// One entry of the rollout's history, for operators.
struct rollout_record {
  int64_t at_ms = 0;
  std::string what;
};

struct rollout_state {
  std::string stable = "1";
  std::string candidate;
  rollout::phase phase = phase::none;
  /// Share of keys mirrored in the ghost phase, in basis points.
  uint32_t mirror_bp = 10'000;
  /// Whether mirrored keys also run a second sandboxed copy of `stable`, to
  /// learn which reply fields differ by themselves (the noise floor).
  bool noise_floor = true;
  /// Share of keys on `candidate` in the ramp phase, in basis points.
  uint32_t ramp_bp = 0;
  guard_bounds guard;
  ramp_schedule schedule;
  /// Why the last rollout ended, e.g. "promoted" or "rolled back by the guard: ...".
  std::string last_outcome;
  /// Counts rollouts started, so statistics of an old one are never mixed in.
  uint64_t rollout_id = 0;
  std::vector<rollout_record> history;

  /// The version `key`'s live activation runs.
  const std::string& version_for(const std::string& type, const std::string& key) const;

  /// Whether `key` runs a ghost of `candidate` beside its live activation.
  bool mirrored(const std::string& type, const std::string& key) const;
};

// -- events ------------------------------------------------------------------------
// The controller stores one stream per type ("rollout/<type>"); these are its
// event types and `apply` folds them.

namespace events {
constexpr const char* started = "rollout_started";
constexpr const char* ramped = "rollout_ramped";
constexpr const char* promoted = "rollout_promoted";
constexpr const char* rolled_back = "rollout_rolled_back";
constexpr const char* guard_set = "rollout_guard_set";
constexpr const char* scheduled = "rollout_scheduled";
}  // namespace events

/// Folds one event (type and JSON data) into `st`. `at_ms` stamps the history.
void apply(rollout_state& st, const std::string& type, const nlohmann::json& data, int64_t at_ms);

nlohmann::json to_json(const guard_bounds& x);
/// Reads the fields present in `doc` over `x`; throws std::invalid_argument
/// naming the field for a value of the wrong type or out of range.
void update_from_json(guard_bounds& x, const nlohmann::json& doc);

nlohmann::json to_json(const ramp_schedule& x);
nlohmann::json to_json(const rollout_state& st);

/// Reads `to_json`'s output back (for snapshots); throws nlohmann::json
/// exceptions on a document of another shape.
rollout_state state_from_json(const nlohmann::json& doc);

/// Parses a percentage ("25", "2.5", 25, "25%") into basis points (0 to
/// 10,000); throws std::invalid_argument for anything else.
uint32_t parse_percent(const nlohmann::json& value);

}  // namespace griddle::rollout
