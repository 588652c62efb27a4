// Encoding; decoding lives in flag_json_decode.cpp.
#include "runtime/flags/flag_json.hpp"

namespace griddle::flags {

nlohmann::json to_json(const targeting_rule& rule) {
  auto doc = nlohmann::json::object();
  if (!rule.user_ids.empty())
    doc["user_ids"] = rule.user_ids;
  if (!rule.cities.empty())
    doc["cities"] = rule.cities;
  if (rule.age_min)
    doc["age_min"] = *rule.age_min;
  if (rule.age_max)
    doc["age_max"] = *rule.age_max;
  return doc;
}

namespace {

nlohmann::json rules_to_json(const std::vector<targeting_rule>& rules) {
  auto list = nlohmann::json::array();
  for (const auto& rule : rules)
    list.push_back(to_json(rule));
  return list;
}

}  // namespace

nlohmann::json to_json(const toggle& t) {
  return {{"name", t.name},
          {"enabled", t.enabled},
          {"percentage_bp", t.percentage_bp},
          {"rules", rules_to_json(t.rules)}};
}

nlohmann::json to_json(const experiment_spec& spec) {
  auto arms = nlohmann::json::array();
  for (const auto& a : spec.arms)
    arms.push_back({{"name", a.name}, {"weight", a.weight}});
  return {{"name", spec.name},
          {"enabled", spec.enabled},
          {"arms", std::move(arms)},
          {"rules", rules_to_json(spec.rules)}};
}

nlohmann::json to_json(const experiment& e) {
  auto doc = to_json(e.spec());
  auto allocation = nlohmann::json::array();
  for (const auto& range : e.allocation())
    allocation.push_back(
        {{"from", range.from}, {"to", range.to}, {"arm", e.arms()[range.arm].name}});
  doc["generation"] = e.generation();
  doc["allocation"] = std::move(allocation);
  return doc;
}

nlohmann::json to_json(const flag_set& set) {
  auto toggles = nlohmann::json::array();
  for (const auto& [name, t] : set.toggles())
    toggles.push_back(to_json(t));
  auto experiments = nlohmann::json::array();
  for (const auto& [name, e] : set.experiments())
    experiments.push_back(to_json(e));
  return {{"toggles", std::move(toggles)}, {"experiments", std::move(experiments)}};
}

}  // namespace griddle::flags
