// Who a toggle or an experiment is aimed at: the attributes of the user being
// evaluated, and targeting rules over them. Rules are plain values, evaluated
// without allocation or locks, so any thread may evaluate them.
//
// A rule matches when all of its conditions hold:
//   user_ids          the user's id is in the set (exact, case-sensitive);
//   cities            the user's city is in the set (ASCII case-insensitive);
//   age_min, age_max  the user's age is within the inclusive bounds.
// An unknown attribute (empty id or city, negative age) never satisfies a
// condition on it. A list of rules matches when any rule matches.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace griddle::flags {

/// The user a flag is evaluated for. The id is also the key that is hashed
/// into a bucket; an empty id is an anonymous user.
struct user_attributes {
  std::string user_id;
  std::string city;
  /// Age in years; negative when unknown.
  int age = -1;
};

/// A conjunction of conditions; an absent condition (empty set, no bound)
/// places no constraint.
struct targeting_rule {
  std::set<std::string> user_ids;
  std::set<std::string> cities;
  std::optional<int> age_min;
  std::optional<int> age_max;

  friend bool operator==(const targeting_rule& x, const targeting_rule& y) {
    return x.user_ids == y.user_ids && x.cities == y.cities && x.age_min == y.age_min &&
           x.age_max == y.age_max;
  }
};

/// The largest age a rule may name.
constexpr int max_age = 200;

/// Whether every condition of `rule` holds for `user`. A rule without
/// conditions matches everyone, which is why `validate` rejects it.
bool matches(const targeting_rule& rule, const user_attributes& user);

/// Whether any rule in `rules` matches `user` (false for an empty list).
bool matches_any(const std::vector<targeting_rule>& rules, const user_attributes& user);

/// Throws `flag_error` (invalid, naming the field under `field`) unless the
/// rule has a condition, no empty id or city, and 0 <= age_min <= age_max <= 200.
void validate(const targeting_rule& rule, const std::string& field);

/// Validates each rule, naming it `field[i]`.
void validate(const std::vector<targeting_rule>& rules, const std::string& field);

}  // namespace griddle::flags
