#include "runtime/flags/targeting.hpp"

#include <string_view>

#include "runtime/flags/flag_error.hpp"

namespace griddle::flags {

namespace {

char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equal_ignoring_case(std::string_view x, std::string_view y) noexcept {
  if (x.size() != y.size())
    return false;
  for (size_t i = 0; i < x.size(); ++i)
    if (ascii_lower(x[i]) != ascii_lower(y[i]))
      return false;
  return true;
}

bool city_matches(const std::set<std::string>& cities, const std::string& city) {
  if (city.empty())
    return false;
  for (const auto& candidate : cities)
    if (equal_ignoring_case(candidate, city))
      return true;
  return false;
}

}  // namespace

bool matches(const targeting_rule& rule, const user_attributes& user) {
  if (!rule.user_ids.empty() && (user.user_id.empty() || rule.user_ids.count(user.user_id) == 0))
    return false;
  if (!rule.cities.empty() && !city_matches(rule.cities, user.city))
    return false;
  if (rule.age_min || rule.age_max) {
    if (user.age < 0)
      return false;
    if (rule.age_min && user.age < *rule.age_min)
      return false;
    if (rule.age_max && user.age > *rule.age_max)
      return false;
  }
  return true;
}

bool matches_any(const std::vector<targeting_rule>& rules, const user_attributes& user) {
  for (const auto& rule : rules)
    if (matches(rule, user))
      return true;
  return false;
}

void validate(const targeting_rule& rule, const std::string& field) {
  if (rule.user_ids.empty() && rule.cities.empty() && !rule.age_min && !rule.age_max)
    throw_invalid(field,
                  "a rule needs at least one condition (user_ids, cities, age_min, age_max)");
  if (rule.user_ids.count(std::string{}) > 0)
    throw_invalid(field + ".user_ids", "must not contain an empty id");
  if (rule.cities.count(std::string{}) > 0)
    throw_invalid(field + ".cities", "must not contain an empty city");
  auto check_age = [&](const char* name, const std::optional<int>& age) {
    if (age && (*age < 0 || *age > max_age))
      throw_invalid(field + "." + name, "must be between 0 and 200, got " + std::to_string(*age));
  };
  check_age("age_min", rule.age_min);
  check_age("age_max", rule.age_max);
  if (rule.age_min && rule.age_max && *rule.age_min > *rule.age_max)
    throw_invalid(field + ".age_min", "must not exceed age_max (" + std::to_string(*rule.age_min) +
                                          " > " + std::to_string(*rule.age_max) + ")");
}

void validate(const std::vector<targeting_rule>& rules, const std::string& field) {
  for (size_t i = 0; i < rules.size(); ++i)
    validate(rules[i], field + "[" + std::to_string(i) + "]");
}

}  // namespace griddle::flags
