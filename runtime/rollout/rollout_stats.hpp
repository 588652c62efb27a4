// What one rollout of one entity type has observed so far: in the ghost
// phase, every mirrored message compared (live vs ghost, reply and effects),
// the noise floor learnt from a second copy of the stable version, counts by
// message type and a bounded sample of mismatches; in the ramp phase, the
// stable and candidate activations' latencies and errors. The guard and the
// admin surface read it; Prometheus gets the same counts.
//
// Threading: any thread may record and read (atomics, and short mutexes
// around the maps and samples). One object per rollout: a new rollout
// starts with fresh statistics.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "runtime/metrics/registry.hpp"
#include "runtime/rollout/event_window.hpp"
#include "runtime/rollout/reply_diff.hpp"

namespace griddle::rollout {

/// One mirrored message as the live activation, the ghost and (with a
/// noise floor) the stable copy handled it.
struct exchange {
  std::string key;
  /// The message as text, and its kind (its leading atom, or its type).
  std::string message;
  std::string message_kind;
  nlohmann::json live_reply;
  nlohmann::json live_effects = nlohmann::json::array();
  nlohmann::json ghost_reply;
  nlohmann::json ghost_effects = nlohmann::json::array();
  /// Why the ghost gave no reply (crash, time-out); empty if it did.
  std::string ghost_failure;
  std::optional<nlohmann::json> noise_reply;
  nlohmann::json noise_effects = nlohmann::json::array();
  int64_t live_ns = 0;
  int64_t ghost_ns = 0;
};

class rollout_stats {
 public:
  /// Mismatch samples kept, newest last, and the least time between two.
  static constexpr size_t sample_limit = 20;
  static constexpr int64_t sample_gap_ms = 200;

  rollout_stats(std::string type, uint64_t rollout_id, comparison_rules rules, agree_fn agree);

  const std::string& type() const noexcept { return type_; }
  uint64_t rollout_id() const noexcept { return rollout_id_; }
  const comparison_rules& rules() const noexcept { return rules_; }

  // -- ghost phase ----------------------------------------------------------------

  /// Compares one exchange and records the outcome; returns whether it was a
  /// mismatch.
  bool compare(const exchange& x, int64_t now_ms);

  /// A message the mirror handed to the ghost.
  void mirrored() noexcept;

  /// An exchange that could not be compared (e.g. a rule threw on a reply
  /// it did not expect); counted, the last reason kept.
  void comparison_failed(std::string why);

  // -- ramp phase ------------------------------------------------------------------

  /// One message handled by a live activation of the stable (`candidate`
  /// false) or candidate version.
  void handled(bool candidate, int64_t now_ms, int64_t latency_ns, bool error);

  // -- reading -----------------------------------------------------------------------

  event_window::summary comparisons(int64_t now_ms, int64_t window_ms) const;
  event_window::summary live(int64_t now_ms, int64_t window_ms) const;
  event_window::summary ghost(int64_t now_ms, int64_t window_ms) const;
  event_window::summary stable_side(int64_t now_ms, int64_t window_ms) const;
  event_window::summary candidate_side(int64_t now_ms, int64_t window_ms) const;

  /// Totals, mismatches by message kind, noisy fields and window summaries.
  nlohmann::json to_json(int64_t now_ms, int64_t window_ms) const;

  /// The kept mismatch samples, newest last.
  nlohmann::json samples() const;

 private:
  void keep_sample(const exchange& x, const std::vector<difference>& diffs, int64_t now_ms);

  std::string type_;
  uint64_t rollout_id_;
  comparison_rules rules_;
  agree_fn agree_;

  std::atomic<uint64_t> mirrored_{0};
  std::atomic<uint64_t> compared_{0};
  std::atomic<uint64_t> mismatched_{0};
  std::atomic<uint64_t> noise_suppressed_{0};
  std::atomic<uint64_t> ghost_failures_{0};
  std::atomic<uint64_t> comparison_failures_{0};
  std::string last_comparison_failure_;

  mutable std::mutex mtx_;
  std::map<std::string, uint64_t> mismatches_by_kind_;
  std::set<std::string> noisy_paths_;
  std::deque<nlohmann::json> samples_;
  int64_t last_sample_ms_ = 0;

  event_window comparisons_;
  event_window live_;
  event_window ghost_;
  event_window stable_side_;
  event_window candidate_side_;

  metrics::counter* mirrored_total_;
  metrics::counter* compared_total_;
  metrics::counter* noise_total_;
  metrics::counter* ghost_failures_total_;
  metrics::latency_histogram* live_latency_;
  metrics::latency_histogram* ghost_latency_;
};

}  // namespace griddle::rollout
