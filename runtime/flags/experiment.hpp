// An A/B experiment: users are split among named arms in proportion to
// integer weights, deterministically, so every node and gateway agrees on a
// user's arm without a network hop.
//
//   bucket = bucket_of("name:user")            at generation 0
//            bucket_of("name#generation:user") after a reshuffle
//   arm    = the arm whose allocated ranges hold that bucket
//
// The allocation of the 10,000 buckets to arms is part of the experiment's
// state (see allocation.hpp): changing weights, adding or removing arms moves
// the fewest buckets, so users in unmoved buckets keep their arm. `reshuffle`
// allocates afresh and bumps the generation, re-drawing everyone.
//
// An `experiment` is a value that upholds its invariants (valid spec, an
// allocation matching the weights); const member functions are safe to call
// from many threads at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/flags/allocation.hpp"
#include "runtime/flags/targeting.hpp"

namespace griddle::flags {

/// One variant of an experiment.
struct arm {
  /// 1 to 64 characters from [a-z0-9_-], unique within the experiment.
  std::string name;
  /// Relative size, 0 to 1,000,000; an arm of weight 0 holds no buckets.
  uint32_t weight = 0;

  friend bool operator==(const arm& x, const arm& y) {
    return x.name == y.name && x.weight == y.weight;
  }
};

/// What an administrator writes; the experiment maintains the rest.
struct experiment_spec {
  std::string name;
  /// A stopped experiment enrols nobody.
  bool enabled = false;
  /// 1 to 100 arms whose weights sum to more than 0.
  std::vector<arm> arms;
  /// When not empty, only users matched by a rule are enrolled.
  std::vector<targeting_rule> rules;

  friend bool operator==(const experiment_spec& x, const experiment_spec& y) {
    return x.name == y.name && x.enabled == y.enabled && x.arms == y.arms && x.rules == y.rules;
  }
};

/// Limits on arms.
constexpr size_t max_arms = 100;
constexpr uint32_t max_weight = 1'000'000;

/// Throws `flag_error` (invalid) naming the bad field: "name",
/// "arms[1].name" (bad or duplicate), "arms[1].weight", "arms" (none, too
/// many, or weights summing to 0), "rules[0]...".
void validate(const experiment_spec& spec);

class experiment {
 public:
  /// Validates `spec` and allocates buckets afresh at generation 0.
  explicit experiment(experiment_spec spec);

  /// Rebuilds a stored experiment; throws `flag_error` unless `spec` is valid
  /// and `allocation` is valid and gives each arm the buckets its weight does.
  static experiment restore(experiment_spec spec, uint32_t generation,
                            bucket_allocation allocation);

  // -- changes -----------------------------------------------------------------

  /// Applies `next` (same name, else `flag_error`): enabled and rules are
  /// replaced; arms are matched by name, so kept arms keep their buckets up
  /// to their new share, removed arms hand theirs to the others and new arms
  /// take theirs proportionally from the others. Returns the buckets moved.
  uint32_t update(experiment_spec next);

  /// Allocates afresh and bumps the generation, so every user is re-drawn.
  void reshuffle();

  // -- evaluation --------------------------------------------------------------

  /// The arm of `user`: none when stopped, when rules exist and none matches,
  /// or for an anonymous user (empty id).
  std::optional<std::string> assign(const user_attributes& user) const;

  /// The bucket of `user_id` at the current generation.
  uint32_t bucket_of_user(std::string_view user_id) const;

  /// The index of the arm holding `bucket` (below 10,000).
  size_t arm_of_bucket(uint32_t bucket) const { return arm_at(allocation_, bucket); }

  // -- properties --------------------------------------------------------------

  const experiment_spec& spec() const noexcept { return spec_; }
  const std::string& name() const noexcept { return spec_.name; }
  bool enabled() const noexcept { return spec_.enabled; }
  const std::vector<arm>& arms() const noexcept { return spec_.arms; }

  /// Incremented by each `reshuffle`; 0 hashes exactly "name:user".
  uint32_t generation() const noexcept { return generation_; }

  const bucket_allocation& allocation() const noexcept { return allocation_; }

  friend bool operator==(const experiment& x, const experiment& y) {
    return x.spec_ == y.spec_ && x.generation_ == y.generation_ && x.allocation_ == y.allocation_;
  }

 private:
  experiment(experiment_spec spec, uint32_t generation, bucket_allocation allocation);

  experiment_spec spec_;
  uint32_t generation_ = 0;
  bucket_allocation allocation_;
};

/// `e.assign(user)`.
std::optional<std::string> assign(const experiment& e, const user_attributes& user);

}  // namespace griddle::flags
