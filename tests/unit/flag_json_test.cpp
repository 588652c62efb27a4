// The JSON form of flags, a public API: documents round-trip exactly, and a
// bad document is rejected with an error naming the offending field.
#define CAF_SUITE flag_json
#include <caf/test/dsl.hpp>

#include <string>

#include "runtime/flags/flag_error.hpp"
#include "runtime/flags/flag_json.hpp"

using namespace griddle::flags;

namespace {

/// The field of the `flag_error` that decoding `text` as a flag set throws.
std::string set_error_field(const std::string& text) {
  try {
    flag_set_from_json(parse_json(text));
  } catch (const flag_error& e) {
    return e.field();
  }
  return "<none>";
}

template <class Decode>
std::string error_of(const std::string& text, Decode decode) {
  try {
    decode(parse_json(text));
  } catch (const flag_error& e) {
    return e.what();
  }
  return "<none>";
}

flag_set sample_set() {
  flag_set set;
  targeting_rule staff;
  staff.user_ids = {"42", "43"};
  targeting_rule berlin_adults;
  berlin_adults.cities = {"Berlin"};
  berlin_adults.age_min = 18;
  berlin_adults.age_max = 30;
  set.create_toggle(toggle{"new-inbox", true, 2'500, {staff, berlin_adults}});
  set.create_toggle(toggle{"dark-mode", false, 0, {}});
  set.create_experiment(experiment_spec{"feed-ranking", true, {{"control", 1}, {"ranked", 1}}, {}});
  set.update_experiment(experiment_spec{"feed-ranking", true, {{"control", 1}, {"ranked", 3}}, {}});
  set.update_experiment(
      experiment_spec{"feed-ranking", true, {{"control", 1}, {"ranked", 1}}, {berlin_adults}});
  set.create_experiment(experiment_spec{"checkout", false, {{"a", 2}, {"b", 1}, {"c", 1}}, {}});
  set.reshuffle_experiment("checkout");
  return set;
}

}  // namespace

CAF_TEST(a toggle encodes to the documented shape) {
  targeting_rule staff;
  staff.user_ids = {"42"};
  auto doc = to_json(toggle{"new-inbox", true, 2'500, {staff}});
  auto want = nlohmann::json::parse(R"({"name": "new-inbox", "enabled": true,
      "percentage_bp": 2500, "rules": [{"user_ids": ["42"]}]})");
  CAF_CHECK_EQUAL(doc.dump(), want.dump());
}

CAF_TEST(an experiment encodes its arms generation and allocation) {
  experiment e{experiment_spec{"feed-ranking", true, {{"control", 1}, {"ranked", 1}}, {}}};
  auto want = nlohmann::json::parse(R"({"name": "feed-ranking", "enabled": true,
      "arms": [{"name": "control", "weight": 1}, {"name": "ranked", "weight": 1}],
      "rules": [], "generation": 0,
      "allocation": [{"from": 0, "to": 5000, "arm": "control"},
                     {"from": 5000, "to": 10000, "arm": "ranked"}]})");
  CAF_CHECK_EQUAL(to_json(e).dump(), want.dump());
}

CAF_TEST(a whole set round trips exactly through text) {
  auto set = sample_set();
  CAF_REQUIRE_GREATER(set.find_experiment("feed-ranking")->allocation().size(), 2u);
  auto text = to_json(set).dump();
  auto back = flag_set_from_json(parse_json(text));
  CAF_CHECK(back == set);
  auto again = to_json(back).dump();
  CAF_CHECK_EQUAL(again, text);
  user_attributes u{"7", "berlin", 20};
  CAF_CHECK(back.assign("feed-ranking", u) == set.assign("feed-ranking", u));
  auto single = experiment_from_json(to_json(*set.find_experiment("checkout")));
  CAF_CHECK(single == *set.find_experiment("checkout"));
  auto t = toggle_from_json(to_json(*set.find_toggle("new-inbox")));
  CAF_CHECK(t == *set.find_toggle("new-inbox"));
}

CAF_TEST(defaults fill optional fields and specs ignore maintained fields) {
  auto t = toggle_from_json(parse_json(R"({"name": "t"})"));
  CAF_CHECK(!t.enabled);
  CAF_CHECK_EQUAL(t.percentage_bp, 0u);
  CAF_CHECK(t.rules.empty());
  auto fetched = to_json(*sample_set().find_experiment("checkout"));
  auto spec = experiment_spec_from_json(fetched);
  CAF_CHECK_EQUAL(spec.arms.size(), 3u);
  auto fresh = experiment_from_json(parse_json(R"({"name": "x", "arms": [{"name": "a",
      "weight": 1}], "generation": 4})"));
  CAF_CHECK_EQUAL(fresh.generation(), 4u);
  CAF_CHECK_EQUAL(fresh.allocation().size(), 1u);
  auto empty = flag_set_from_json(parse_json("{}"));
  CAF_CHECK(empty.toggles().empty() && empty.experiments().empty());
}

CAF_TEST(decoding errors name the offending field) {
  auto t = [](const std::string& body) { return R"({"toggles": [{"name": "ok"}, )" + body + "]}"; };
  CAF_CHECK_EQUAL(set_error_field(t(R"({"enabled": true})")), "toggles[1].name");
  CAF_CHECK_EQUAL(set_error_field(t(R"({"name": 5})")), "toggles[1].name");
  CAF_CHECK_EQUAL(set_error_field(t(R"({"name": "x", "enabled": "yes"})")), "toggles[1].enabled");
  CAF_CHECK_EQUAL(set_error_field(t(R"({"name": "x", "percentage_bp": 10001})")),
                  "toggles[1].percentage_bp");
  CAF_CHECK_EQUAL(set_error_field(t(R"({"name": "x", "percentage_bp": -1})")),
                  "toggles[1].percentage_bp");
  CAF_CHECK_EQUAL(set_error_field(t(R"({"name": "x", "percentage_bp": 25.5})")),
                  "toggles[1].percentage_bp");
  CAF_CHECK_EQUAL(set_error_field(t(R"({"name": "x", "percentage_bp": 1e300})")),
                  "toggles[1].percentage_bp");
  CAF_CHECK_EQUAL(set_error_field(t(R"({"name": "x", "percentage_bp": 18446744073709551615})")),
                  "toggles[1].percentage_bp");
  CAF_CHECK_EQUAL(set_error_field(t(R"({"name": "x", "percentge_bp": 5})")),
                  "toggles[1].percentge_bp");
  CAF_CHECK_EQUAL(set_error_field(t(R"({"name": "x", "rules": {}})")), "toggles[1].rules");
  CAF_CHECK_EQUAL(set_error_field(t(R"({"name": "x", "rules": [{"cities": ["a", 1]}]})")),
                  "toggles[1].rules[0].cities[1]");
  CAF_CHECK_EQUAL(set_error_field(t(R"({"name": "x", "rules": [{}]})")), "toggles[1].rules[0]");
  CAF_CHECK_EQUAL(set_error_field(t(R"({"name": "x", "rules": [{"age_min": 300}]})")),
                  "toggles[1].rules[0].age_min");
  CAF_CHECK_EQUAL(set_error_field(t("[]")), "toggles[1]");
  CAF_CHECK_EQUAL(set_error_field(t(R"({"name": "ok"})")), "toggles[1].name");
  auto e = [](const std::string& body) { return R"({"experiments": [)" + body + "]}"; };
  CAF_CHECK_EQUAL(set_error_field(e(R"({"name": "x"})")), "experiments[0].arms");
  CAF_CHECK_EQUAL(set_error_field(e(R"({"name": "x", "arms": []})")), "experiments[0].arms");
  CAF_CHECK_EQUAL(set_error_field(e(R"({"name": "x", "arms": [{"name": "a"}]})")),
                  "experiments[0].arms[0].weight");
  CAF_CHECK_EQUAL(set_error_field(e(R"({"name": "x", "arms": [{"name": "a", "weight": 0}]})")),
                  "experiments[0].arms");
  CAF_CHECK_EQUAL(
      set_error_field(e(R"({"name": "x", "arms": [{"name": "a", "weight": 1}, {"name": "a",
          "weight": 1}]})")),
      "experiments[0].arms[1].name");
  CAF_CHECK_EQUAL(set_error_field(e(
                      R"({"name": "x", "arms": [{"name": "a", "weight": 1}], "generation": -1})")),
                  "experiments[0].generation");
  CAF_CHECK_EQUAL(set_error_field(e(R"({"name": "x", "arms": [{"name": "a", "weight": 1}],
          "allocation": [{"from": 0, "to": 10000, "arm": "z"}]})")),
                  "experiments[0].allocation[0].arm");
  CAF_CHECK_EQUAL(set_error_field(e(R"({"name": "x", "arms": [{"name": "a", "weight": 1}],
          "allocation": [{"from": 0, "to": 9000, "arm": "a"}]})")),
                  "experiments[0].allocation");
  CAF_CHECK_EQUAL(set_error_field(R"({"toggles": [{"name": "x"}], "experiments": [{"name": "x",
      "arms": [{"name": "a", "weight": 1}]}]})"),
                  "experiments[0].name");
  CAF_CHECK_EQUAL(set_error_field(R"({"toggles": {}})"), "toggles");
  CAF_CHECK_EQUAL(set_error_field(R"({"flags": []})"), "flags");
  CAF_CHECK_EQUAL(set_error_field("[1, 2]"), "");
  CAF_CHECK_EQUAL(set_error_field("{\"toggles\": [}"), "");
}

CAF_TEST(error messages say what is wrong) {
  auto toggle_error = [](const std::string& text) { return error_of(text, toggle_from_json); };
  CAF_CHECK_EQUAL(toggle_error(R"({"name": "x", "percentage_bp": 25.5})"),
                  "percentage_bp: must be an integer from 0 to 10000, got 25.5");
  CAF_CHECK_EQUAL(toggle_error(R"({"name": "X"})"),
                  "name: 'X' may only contain a-z, 0-9, '_' and '-'");
  CAF_CHECK_EQUAL(toggle_error(R"({"name": "x", "enabled": 1})"),
                  "enabled: must be true or false, got number");
  CAF_CHECK_EQUAL(toggle_error("{\"name\": \"x\","),
                  "the document is not valid JSON (error at byte 14)");
  CAF_CHECK_EQUAL(toggle_error(R"({"name": "x", "percentage_bp": 1e999})"),
                  "the document is not valid JSON (a number is out of range)");
  auto spec_error = [](const std::string& text) {
    return error_of(text, experiment_spec_from_json);
  };
  CAF_CHECK_EQUAL(spec_error(R"({"name": "x", "arms": [{"name": "a", "weight": 0}]})"),
                  "arms: the weights must sum to more than 0");
}
