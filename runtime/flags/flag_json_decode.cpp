// Decoding: every accessor checks the type and range of what it reads and
// throws `flag_error` with a path relative to the document being decoded;
// `nested` prefixes the path as the error leaves a sub-document.
#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <utility>

#include "runtime/flags/flag_error.hpp"
#include "runtime/flags/flag_json.hpp"
#include "runtime/flags/names.hpp"

namespace griddle::flags {

namespace {

using json = nlohmann::json;

std::string index_path(std::string_view list, size_t i) {
  return std::string{list} + "[" + std::to_string(i) + "]";
}

/// Runs `decode`, moving any `flag_error` under `path`.
template <class Decode>
auto nested(const std::string& path, Decode decode) -> decltype(decode()) {
  try {
    return decode();
  } catch (const flag_error& e) {
    throw e.nested_in(path);
  }
}

void expect_object(const json& doc, std::initializer_list<std::string_view> known) {
  if (!doc.is_object())
    throw_invalid("", std::string{"must be a JSON object, got "} + doc.type_name());
  for (const auto& item : doc.items()) {
    bool ok = false;
    for (auto key : known)
      ok = ok || item.key() == key;
    if (!ok)
      throw_invalid(item.key().substr(0, max_name_length), "unknown field");
  }
}

const json* find(const json& doc, const char* key) {
  auto i = doc.find(key);
  return i == doc.end() ? nullptr : &*i;
}

const json& require(const json& doc, const char* key) {
  auto value = find(doc, key);
  if (value == nullptr)
    throw_invalid(key, "is required");
  return *value;
}

std::string read_string(const json& value, const std::string& field) {
  if (!value.is_string())
    throw_invalid(field, std::string{"must be a string, got "} + value.type_name());
  return value.get<std::string>();
}

bool read_bool(const json& doc, const char* key, bool fallback) {
  auto value = find(doc, key);
  if (value == nullptr)
    return fallback;
  if (!value->is_boolean())
    throw_invalid(key, std::string{"must be true or false, got "} + value->type_name());
  return value->get<bool>();
}

/// An integer in [lo, hi]; floats, strings and out-of-range values throw.
int64_t read_integer(const json& value, const std::string& field, int64_t lo, int64_t hi) {
  auto range = "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
  if (!value.is_number_integer())
    throw_invalid(field, "must be " + range + ", got " +
                             (value.is_number() ? value.dump() : value.type_name()));
  bool too_big = value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(hi);
  auto n = too_big ? hi : value.get<int64_t>();
  if (too_big || n < lo || n > hi)
    throw_invalid(field, "must be " + range + ", got " + value.dump());
  return n;
}

const json& read_array(const json& value, const std::string& field) {
  if (!value.is_array())
    throw_invalid(field, std::string{"must be an array, got "} + value.type_name());
  return value;
}

std::set<std::string> read_string_set(const json& doc, const char* key) {
  std::set<std::string> result;
  if (auto value = find(doc, key)) {
    const auto& list = read_array(*value, key);
    for (size_t i = 0; i < list.size(); ++i)
      result.insert(read_string(list[i], index_path(key, i)));
  }
  return result;
}

std::optional<int> read_age(const json& doc, const char* key) {
  if (auto value = find(doc, key))
    return static_cast<int>(read_integer(*value, key, 0, max_age));
  return std::nullopt;
}

targeting_rule rule_from_json(const json& doc) {
  expect_object(doc, {"user_ids", "cities", "age_min", "age_max"});
  targeting_rule rule;
  rule.user_ids = read_string_set(doc, "user_ids");
  rule.cities = read_string_set(doc, "cities");
  rule.age_min = read_age(doc, "age_min");
  rule.age_max = read_age(doc, "age_max");
  return rule;
}

std::vector<targeting_rule> rules_from_json(const json& doc) {
  std::vector<targeting_rule> rules;
  if (auto value = find(doc, "rules")) {
    const auto& list = read_array(*value, "rules");
    for (size_t i = 0; i < list.size(); ++i) {
      auto path = index_path("rules", i);
      rules.push_back(nested(path, [&] { return rule_from_json(list[i]); }));
    }
  }
  return rules;
}

arm arm_from_json(const json& doc) {
  expect_object(doc, {"name", "weight"});
  arm result;
  result.name = read_string(require(doc, "name"), "name");
  result.weight =
      static_cast<uint32_t>(read_integer(require(doc, "weight"), "weight", 0, max_weight));
  return result;
}

bucket_allocation allocation_from_json(const json& value, const std::vector<arm>& arms) {
  bucket_allocation result;
  const auto& list = read_array(value, "allocation");
  for (size_t i = 0; i < list.size(); ++i) {
    result.push_back(nested(index_path("allocation", i), [&] {
      expect_object(list[i], {"from", "to", "arm"});
      bucket_range range;
      range.from = static_cast<uint32_t>(read_integer(require(list[i], "from"), "from", 0, 10'000));
      range.to = static_cast<uint32_t>(read_integer(require(list[i], "to"), "to", 0, 10'000));
      auto name = read_string(require(list[i], "arm"), "arm");
      range.arm = 0;
      while (range.arm < arms.size() && arms[range.arm].name != name)
        ++range.arm;
      if (range.arm == arms.size())
        throw_invalid("arm", "no arm named " + quoted_name(name));
      return range;
    }));
  }
  return result;
}

}  // namespace

json parse_json(std::string_view text) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    throw_invalid("",
                  "the document is not valid JSON (error at byte " + std::to_string(e.byte) + ")");
  } catch (const json::exception&) {
    // The parser also throws out_of_range for a number beyond a double.
    throw_invalid("", "the document is not valid JSON (a number is out of range)");
  }
}

toggle toggle_from_json(const json& doc) {
  expect_object(doc, {"name", "enabled", "percentage_bp", "rules"});
  toggle t;
  t.name = read_string(require(doc, "name"), "name");
  t.enabled = read_bool(doc, "enabled", false);
  if (auto value = find(doc, "percentage_bp"))
    t.percentage_bp = static_cast<uint32_t>(read_integer(*value, "percentage_bp", 0, 10'000));
  t.rules = rules_from_json(doc);
  validate(t);
  return t;
}

namespace {

experiment_spec spec_fields_from_json(const json& doc) {
  expect_object(doc, {"name", "enabled", "arms", "rules", "generation", "allocation"});
  experiment_spec spec;
  spec.name = read_string(require(doc, "name"), "name");
  spec.enabled = read_bool(doc, "enabled", false);
  const auto& arms = read_array(require(doc, "arms"), "arms");
  if (arms.size() > max_arms)
    throw_invalid("arms", "at most 100 arms, got " + std::to_string(arms.size()));
  for (size_t i = 0; i < arms.size(); ++i)
    spec.arms.push_back(nested(index_path("arms", i), [&] { return arm_from_json(arms[i]); }));
  spec.rules = rules_from_json(doc);
  validate(spec);
  return spec;
}

}  // namespace

experiment_spec experiment_spec_from_json(const json& doc) {
  return spec_fields_from_json(doc);
}

experiment experiment_from_json(const json& doc) {
  auto spec = spec_fields_from_json(doc);
  uint32_t generation = 0;
  if (auto value = find(doc, "generation"))
    generation = static_cast<uint32_t>(read_integer(*value, "generation", 0, UINT32_MAX));
  bucket_allocation allocation;
  if (auto value = find(doc, "allocation")) {
    allocation = allocation_from_json(*value, spec.arms);
  } else {
    std::vector<uint32_t> weights;
    for (const auto& a : spec.arms)
      weights.push_back(a.weight);
    allocation = allocate(apportion(weights));
  }
  return experiment::restore(std::move(spec), generation, std::move(allocation));
}

flag_set flag_set_from_json(const json& doc) {
  expect_object(doc, {"toggles", "experiments"});
  flag_set set;
  if (auto value = find(doc, "toggles")) {
    const auto& list = read_array(*value, "toggles");
    for (size_t i = 0; i < list.size(); ++i)
      nested(index_path("toggles", i), [&] { set.create_toggle(toggle_from_json(list[i])); });
  }
  if (auto value = find(doc, "experiments")) {
    const auto& list = read_array(*value, "experiments");
    for (size_t i = 0; i < list.size(); ++i)
      nested(index_path("experiments", i),
             [&] { set.restore_experiment(experiment_from_json(list[i])); });
  }
  return set;
}

}  // namespace griddle::flags
