#include "runtime/rollout/rollout_table.hpp"

#include <mutex>

#include "runtime/metrics/registry.hpp"

namespace griddle::rollout {

void rollout_table::set(const std::string& type, rollout_state st,
                        std::shared_ptr<rollout_stats> stats) {
  // What a dashboard shows of the rollout (docs/metrics.md).
  auto& reg = metrics::registry::global();
  metrics::labels labels{{"type", type}};
  reg.gauge("griddle_rollout_phase", labels).set(static_cast<int64_t>(st.phase));
  reg.gauge("griddle_rollout_ramp_basis_points", labels)
      .set(st.phase == phase::ramp ? st.ramp_bp : 0);
  reg.gauge("griddle_rollout_mirror_basis_points", labels)
      .set(st.phase == phase::ghost ? st.mirror_bp : 0);
  reg.gauge("griddle_rollout_guard_enabled", labels).set(st.guard.enabled ? 1 : 0);
  auto ptr = std::make_shared<const rollout_state>(std::move(st));
  std::unique_lock<std::shared_mutex> guard{mtx_};
  auto& e = entries_[type];
  e.state = std::move(ptr);
  e.stats = std::move(stats);
  ++e.generation;
}

std::shared_ptr<const rollout_state> rollout_table::state(const std::string& type) const {
  std::shared_lock<std::shared_mutex> guard{mtx_};
  auto i = entries_.find(type);
  return i != entries_.end() ? i->second.state : nullptr;
}

std::shared_ptr<rollout_stats> rollout_table::stats(const std::string& type) const {
  std::shared_lock<std::shared_mutex> guard{mtx_};
  auto i = entries_.find(type);
  return i != entries_.end() ? i->second.stats : nullptr;
}

activation_plan rollout_table::plan(const std::string& type, const std::string& key) const {
  std::shared_ptr<const rollout_state> st;
  activation_plan result;
  {
    std::shared_lock<std::shared_mutex> guard{mtx_};
    auto i = entries_.find(type);
    if (i == entries_.end())
      return result;
    st = i->second.state;
    result.stats = i->second.stats;
  }
  result.version = st->version_for(type, key);
  result.candidate = st->phase == phase::ramp && result.version == st->candidate;
  if (st->mirrored(type, key)) {
    result.ghost = st->candidate;
    result.noise_copy = st->noise_floor;
  }
  if (st->phase == phase::none)
    result.stats = nullptr;
  return result;
}

uint64_t rollout_table::generation(const std::string& type) const {
  std::shared_lock<std::shared_mutex> guard{mtx_};
  auto i = entries_.find(type);
  return i != entries_.end() ? i->second.generation : 0;
}

}  // namespace griddle::rollout
