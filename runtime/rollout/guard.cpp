#include "runtime/rollout/guard.hpp"

#include <cstdio>

namespace griddle::rollout {

namespace {

std::string fixed(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, x);
  return buf;
}

std::optional<std::string> compare_sides(const guard_bounds& g, const char* what,
                                         const event_window::summary& base,
                                         const event_window::summary& cand) {
  auto n = " over " + std::to_string(cand.count) + " " + what;
  if (cand.rate - base.rate > g.max_error_rate_increase)
    return "error rate " + fixed(cand.rate * 100, 2) + "% vs " + fixed(base.rate * 100, 2) +
           "% exceeds the allowed increase of " + fixed(g.max_error_rate_increase * 100, 2) +
           " points" + n;
  if (base.count >= g.min_samples) {
    auto base_ms = static_cast<double>(base.p99_ns) / 1e6;
    auto cand_ms = static_cast<double>(cand.p99_ns) / 1e6;
    auto limit = base_ms * g.max_p99_ratio + g.p99_slack_ms;
    if (cand_ms > limit)
      return "p99 " + fixed(cand_ms, 3) + " ms vs " + fixed(base_ms, 3) + " ms exceeds " +
             fixed(g.max_p99_ratio, 2) + " x + " + fixed(g.p99_slack_ms, 2) + " ms" + n;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_guard(const rollout_state& st, const rollout_stats& stats,
                                       int64_t now_ms) {
  auto& g = st.guard;
  if (!g.enabled)
    return std::nullopt;
  auto window_ms = int64_t{g.window_s} * 1000;
  if (st.phase == phase::ghost) {
    auto cmp = stats.comparisons(now_ms, window_ms);
    if (cmp.count < g.min_samples)
      return std::nullopt;
    if (cmp.rate > g.max_mismatch_rate)
      return "mismatch rate " + fixed(cmp.rate * 100, 2) + "% exceeds " +
             fixed(g.max_mismatch_rate * 100, 2) + "% over " + std::to_string(cmp.count) +
             " compared messages";
    return compare_sides(g, "mirrored messages", stats.live(now_ms, window_ms),
                         stats.ghost(now_ms, window_ms));
  }
  if (st.phase == phase::ramp) {
    auto cand = stats.candidate_side(now_ms, window_ms);
    if (cand.count < g.min_samples)
      return std::nullopt;
    return compare_sides(g, "candidate messages", stats.stable_side(now_ms, window_ms), cand);
  }
  return std::nullopt;
}

}  // namespace griddle::rollout
