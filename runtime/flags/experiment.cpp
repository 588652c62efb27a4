#include "runtime/flags/experiment.hpp"

#include <set>
#include <string_view>
#include <utility>

#include "runtime/flags/bucketing.hpp"
#include "runtime/flags/flag_error.hpp"
#include "runtime/flags/names.hpp"

namespace griddle::flags {

namespace {

std::vector<uint32_t> weights_of(const std::vector<arm>& arms) {
  std::vector<uint32_t> weights;
  weights.reserve(arms.size());
  for (const auto& a : arms)
    weights.push_back(a.weight);
  return weights;
}

}  // namespace

void validate(const experiment_spec& spec) {
  check_name("name", spec.name);
  if (spec.arms.empty())
    throw_invalid("arms", "an experiment needs at least one arm");
  if (spec.arms.size() > max_arms)
    throw_invalid("arms", "at most 100 arms, got " + std::to_string(spec.arms.size()));
  std::set<std::string_view> seen;
  uint64_t total = 0;
  for (size_t i = 0; i < spec.arms.size(); ++i) {
    const auto& a = spec.arms[i];
    auto field = "arms[" + std::to_string(i) + "]";
    check_name(field + ".name", a.name);
    if (!seen.insert(a.name).second)
      throw_invalid(field + ".name", "duplicate arm '" + a.name + "'");
    if (a.weight > max_weight)
      throw_invalid(field + ".weight",
                    "must be between 0 and 1000000, got " + std::to_string(a.weight));
    total += a.weight;
  }
  if (total == 0)
    throw_invalid("arms", "the weights must sum to more than 0");
  validate(spec.rules, "rules");
}

experiment::experiment(experiment_spec spec, uint32_t generation, bucket_allocation allocation)
    : spec_(std::move(spec)), generation_(generation), allocation_(std::move(allocation)) {}

experiment::experiment(experiment_spec spec) {
  validate(spec);
  allocation_ = allocate(apportion(weights_of(spec.arms)));
  spec_ = std::move(spec);
}

experiment experiment::restore(experiment_spec spec, uint32_t generation,
                               bucket_allocation allocation) {
  validate(spec);
  check_allocation(allocation, spec.arms.size());
  auto want = apportion(weights_of(spec.arms));
  auto have = counts_of(allocation, spec.arms.size());
  for (size_t i = 0; i < want.size(); ++i)
    if (have[i] != want[i])
      throw_invalid("allocation", "arm '" + spec.arms[i].name + "' holds " +
                                      std::to_string(have[i]) + " buckets, its weight gives " +
                                      std::to_string(want[i]));
  return experiment{std::move(spec), generation, merged(std::move(allocation))};
}

uint32_t experiment::update(experiment_spec next) {
  if (next.name != spec_.name)
    throw_invalid("name",
                  "cannot rename experiment '" + spec_.name + "' to " + quoted_name(next.name));
  validate(next);
  // Index space for the rebalance: the new arms in their order, then the
  // removed arms, which must give up everything they hold.
  auto targets = apportion(weights_of(next.arms));
  std::vector<uint32_t> index_of_old(spec_.arms.size());
  for (size_t old = 0; old < spec_.arms.size(); ++old) {
    size_t i = 0;
    while (i < next.arms.size() && next.arms[i].name != spec_.arms[old].name)
      ++i;
    if (i == next.arms.size()) {
      i = targets.size();
      targets.push_back(0);
    }
    index_of_old[old] = static_cast<uint32_t>(i);
  }
  auto current = allocation_;
  for (auto& range : current)
    range.arm = index_of_old[range.arm];
  auto have = counts_of(current, targets.size());
  uint32_t moved = 0;
  for (size_t i = 0; i < targets.size(); ++i)
    moved += have[i] > targets[i] ? have[i] - targets[i] : 0;
  auto next_allocation = rebalance(current, targets);
  spec_ = std::move(next);
  allocation_ = std::move(next_allocation);
  return moved;
}

void experiment::reshuffle() {
  allocation_ = allocate(apportion(weights_of(spec_.arms)));
  ++generation_;
}

uint32_t experiment::bucket_of_user(std::string_view user_id) const {
  if (generation_ == 0)
    return experiment_bucket(spec_.name, user_id);
  return experiment_bucket(spec_.name + "#" + std::to_string(generation_), user_id);
}

std::optional<std::string> experiment::assign(const user_attributes& user) const {
  if (!spec_.enabled || user.user_id.empty())
    return std::nullopt;
  if (!spec_.rules.empty() && !matches_any(spec_.rules, user))
    return std::nullopt;
  return spec_.arms[arm_of_bucket(bucket_of_user(user.user_id))].name;
}

std::optional<std::string> assign(const experiment& e, const user_attributes& user) {
  return e.assign(user);
}

}  // namespace griddle::flags
