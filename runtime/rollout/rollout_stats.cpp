#include "runtime/rollout/rollout_stats.hpp"

namespace griddle::rollout {

namespace {

bool is_error(const nlohmann::json& reply) {
  return reply.is_object() && reply.size() == 1 && reply.contains("error");
}

nlohmann::json side_json(const event_window::summary& s) {
  return {{"count", s.count},
          {"flagged", s.flagged},
          {"rate", s.rate},
          {"p50_ms", static_cast<double>(s.p50_ns) / 1e6},
          {"p99_ms", static_cast<double>(s.p99_ns) / 1e6}};
}

}  // namespace

rollout_stats::rollout_stats(std::string type, uint64_t rollout_id, comparison_rules rules,
                             agree_fn agree)
    : type_(std::move(type)),
      rollout_id_(rollout_id),
      rules_(std::move(rules)),
      agree_(std::move(agree)) {
  auto& reg = metrics::registry::global();
  metrics::labels labels{{"type", type_}};
  mirrored_total_ = &reg.counter("griddle_rollout_mirrored_total", labels);
  compared_total_ = &reg.counter("griddle_rollout_compared_total", labels);
  noise_total_ = &reg.counter("griddle_rollout_noise_suppressed_total", labels);
  ghost_failures_total_ = &reg.counter("griddle_rollout_ghost_failures_total", labels);
  live_latency_ = &reg.histogram("griddle_rollout_latency_ns", {{"type", type_}, {"side", "live"}});
  ghost_latency_ =
      &reg.histogram("griddle_rollout_latency_ns", {{"type", type_}, {"side", "ghost"}});
}

void rollout_stats::mirrored() noexcept {
  mirrored_.fetch_add(1, std::memory_order_relaxed);
  mirrored_total_->inc();
}

void rollout_stats::comparison_failed(std::string why) {
  comparison_failures_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard<std::mutex> guard{mtx_};
  last_comparison_failure_ = std::move(why);
}

bool rollout_stats::compare(const exchange& x, int64_t now_ms) {
  auto prepare = [this](const nlohmann::json& reply, const nlohmann::json& effects) {
    nlohmann::json doc{{"reply", reply}, {"effects", effects}};
    strip_fields(doc, rules_.ignore_fields);
    return doc;
  };
  // Both sides in the terms they must agree on (a copy of the live side per pair).
  auto agree = [this](nlohmann::json live, nlohmann::json& other) {
    if (agree_ && !is_error(live["reply"]) && !is_error(other["reply"]))
      agree_(live["reply"], other["reply"]);
    return live;
  };
  auto failed = !x.ghost_failure.empty();
  auto ghost = failed ? nlohmann::json{{"failure", x.ghost_failure}}
                      : prepare(x.ghost_reply, x.ghost_effects);
  auto live = failed ? prepare(x.live_reply, x.live_effects)
                     : agree(prepare(x.live_reply, x.live_effects), ghost);
  std::vector<difference> real;
  bool suppressed = false;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (x.noise_reply) {
      auto noise = prepare(*x.noise_reply, x.noise_effects);
      auto base = agree(prepare(x.live_reply, x.live_effects), noise);
      for (auto& d : diff(base, noise))
        noisy_paths_.insert(normalized(d.path, base));
    }
    if (failed) {
      real.push_back({"", live, ghost});
    } else {
      for (auto& d : diff(live, ghost)) {
        if (noisy_paths_.count(normalized(d.path, live)) == 0)
          real.push_back(std::move(d));
        else
          suppressed = true;
      }
    }
    if (!real.empty())
      ++mismatches_by_kind_[x.message_kind];
  }
  auto mismatch = !real.empty();
  compared_.fetch_add(1, std::memory_order_relaxed);
  compared_total_->inc();
  if (mismatch) {
    mismatched_.fetch_add(1, std::memory_order_relaxed);
    metrics::registry::global()
        .counter("griddle_rollout_mismatches_total", {{"type", type_}, {"message", x.message_kind}})
        .inc();
    keep_sample(x, real, now_ms);
  } else if (suppressed) {
    noise_suppressed_.fetch_add(1, std::memory_order_relaxed);
    noise_total_->inc();
  }
  if (failed) {
    ghost_failures_.fetch_add(1, std::memory_order_relaxed);
    ghost_failures_total_->inc();
  }
  comparisons_.record(now_ms, 0, mismatch);
  live_.record(now_ms, x.live_ns, is_error(x.live_reply));
  ghost_.record(now_ms, x.ghost_ns, failed || is_error(x.ghost_reply));
  live_latency_->record(x.live_ns);
  if (!failed)
    ghost_latency_->record(x.ghost_ns);
  return mismatch;
}

void rollout_stats::keep_sample(const exchange& x, const std::vector<difference>& diffs,
                                int64_t now_ms) {
  auto lines = nlohmann::json::array();
  for (auto& d : diffs)
    lines.push_back(to_string(d));
  nlohmann::json sample{{"at_ms", now_ms},
                        {"key", x.key},
                        {"message", x.message},
                        {"message_kind", x.message_kind},
                        {"live", {{"reply", x.live_reply}, {"effects", x.live_effects}}},
                        {"ghost", {{"reply", x.ghost_reply}, {"effects", x.ghost_effects}}},
                        {"diff", lines}};
  if (!x.ghost_failure.empty())
    sample["ghost"]["failure"] = x.ghost_failure;
  std::lock_guard<std::mutex> guard{mtx_};
  if (!samples_.empty() && now_ms - last_sample_ms_ < sample_gap_ms)
    return;
  last_sample_ms_ = now_ms;
  samples_.push_back(std::move(sample));
  if (samples_.size() > sample_limit)
    samples_.pop_front();
}

void rollout_stats::handled(bool candidate, int64_t now_ms, int64_t latency_ns, bool error) {
  (candidate ? candidate_side_ : stable_side_).record(now_ms, latency_ns, error);
}

event_window::summary rollout_stats::comparisons(int64_t now_ms, int64_t window_ms) const {
  return comparisons_.summarize(now_ms, window_ms);
}

event_window::summary rollout_stats::live(int64_t now_ms, int64_t window_ms) const {
  return live_.summarize(now_ms, window_ms);
}

event_window::summary rollout_stats::ghost(int64_t now_ms, int64_t window_ms) const {
  return ghost_.summarize(now_ms, window_ms);
}

event_window::summary rollout_stats::stable_side(int64_t now_ms, int64_t window_ms) const {
  return stable_side_.summarize(now_ms, window_ms);
}

event_window::summary rollout_stats::candidate_side(int64_t now_ms, int64_t window_ms) const {
  return candidate_side_.summarize(now_ms, window_ms);
}

nlohmann::json rollout_stats::to_json(int64_t now_ms, int64_t window_ms) const {
  nlohmann::json doc{{"mirrored", mirrored_.load()},
                     {"compared", compared_.load()},
                     {"mismatched", mismatched_.load()},
                     {"noise_suppressed", noise_suppressed_.load()},
                     {"ghost_failures", ghost_failures_.load()},
                     {"window_s", window_ms / 1000},
                     {"window",
                      {{"comparisons", side_json(comparisons(now_ms, window_ms))},
                       {"live", side_json(live(now_ms, window_ms))},
                       {"ghost", side_json(ghost(now_ms, window_ms))},
                       {"stable", side_json(stable_side(now_ms, window_ms))},
                       {"candidate", side_json(candidate_side(now_ms, window_ms))}}}};
  std::lock_guard<std::mutex> guard{mtx_};
  doc["mismatches_by_message"] = mismatches_by_kind_;
  doc["comparison_failures"] = comparison_failures_.load();
  if (!last_comparison_failure_.empty())
    doc["last_comparison_failure"] = last_comparison_failure_;
  doc["noisy_fields"] = noisy_paths_;
  return doc;
}

nlohmann::json rollout_stats::samples() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return nlohmann::json(samples_);
}

}  // namespace griddle::rollout
