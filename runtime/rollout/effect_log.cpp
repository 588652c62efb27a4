#include "runtime/rollout/effect_log.hpp"

namespace griddle::rollout {

namespace {

thread_local effect_log* active_log = nullptr;

}  // namespace

effect_log* effect_log::active() noexcept {
  return active_log;
}

effect_scope::effect_scope(effect_log* log) noexcept : outer_(active_log) {
  active_log = log;
}

effect_scope::~effect_scope() {
  active_log = outer_;
}

void effect_log::begin(uint64_t seq) noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  current_ = seq;
}

void effect_log::record(std::string kind, nlohmann::json detail) {
  std::lock_guard<std::mutex> guard{mtx_};
  nlohmann::json effect{{"kind", std::move(kind)}};
  if (detail.is_object())
    effect.update(detail);
  else
    effect["detail"] = std::move(detail);
  entries_.push_back({current_, std::move(effect)});
  if (entries_.size() > capacity)
    entries_.pop_front();
}

nlohmann::json effect_log::take(uint64_t seq) {
  auto result = nlohmann::json::array();
  std::lock_guard<std::mutex> guard{mtx_};
  while (!entries_.empty() && entries_.front().seq <= seq) {
    if (entries_.front().seq == seq)
      result.push_back(std::move(entries_.front().effect));
    entries_.pop_front();
  }
  return result;
}

}  // namespace griddle::rollout
