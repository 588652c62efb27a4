// Experiments: deterministic assignment, proportions, and an allocation that
// stays sticky under weight changes until an explicit reshuffle.
#define CAF_SUITE experiments
#include <caf/test/dsl.hpp>

#include <map>
#include <random>
#include <string>

#include "runtime/flags/bucketing.hpp"
#include "runtime/flags/experiment.hpp"
#include "runtime/flags/flag_error.hpp"

using namespace griddle::flags;

namespace {

constexpr int user_count = 20'000;

experiment_spec make_spec(std::vector<arm> arms, std::string name = "checkout") {
  return experiment_spec{std::move(name), true, std::move(arms), {}};
}

user_attributes user(int i) {
  return user_attributes{std::to_string(i), "", -1};
}

/// The arm of each synthetic user ("" when not enrolled).
std::vector<std::string> assign_all(const experiment& e) {
  std::vector<std::string> result;
  for (int i = 0; i < user_count; ++i)
    result.push_back(e.assign(user(i)).value_or(""));
  return result;
}

/// The number of buckets whose arm (by name) differs between two experiments.
int buckets_moved(const experiment& before, const experiment& after) {
  int moved = 0;
  for (uint32_t b = 0; b < bucket_count; ++b)
    if (before.arms()[before.arm_of_bucket(b)].name != after.arms()[after.arm_of_bucket(b)].name)
      ++moved;
  return moved;
}

std::string invalid_field(const experiment_spec& spec) {
  try {
    validate(spec);
  } catch (const flag_error& e) {
    return e.field();
  }
  return "<none>";
}

}  // namespace

CAF_TEST(apportion sums to all buckets by largest remainder) {
  auto thirds = apportion({1, 1, 1});
  CAF_CHECK_EQUAL(thirds, std::vector<uint32_t>({3'334, 3'333, 3'333}));
  auto skewed = apportion({1, 2});  // 3333.3 and 6666.7
  CAF_CHECK_EQUAL(skewed, std::vector<uint32_t>({3'333, 6'667}));
  auto with_zero = apportion({0, 3, 0, 1});
  CAF_CHECK_EQUAL(with_zero, std::vector<uint32_t>({0, 7'500, 0, 2'500}));
  auto sevenths = apportion({1, 1, 1, 1, 1, 1, 1});
  uint32_t total = 0;
  for (auto n : sevenths) {
    CAF_CHECK(n == 1'428 || n == 1'429);
    total += n;
  }
  CAF_CHECK_EQUAL(total, bucket_count);
}

CAF_TEST(a new experiment lays arms out contiguously in arm order) {
  experiment e{make_spec({{"a", 1}, {"b", 0}, {"c", 3}})};
  auto want = bucket_allocation{{0, 2'500, 0}, {2'500, 10'000, 2}};
  CAF_CHECK(e.allocation() == want);
  CAF_CHECK_EQUAL(e.generation(), 0u);
}

CAF_TEST(assignment follows the documented hash and is deterministic) {
  // bucket_of("feed-ranking:42") is 5610 (a test vector of the bucketing suite).
  experiment even{make_spec({{"control", 1}, {"ranked", 1}}, "feed-ranking")};
  CAF_CHECK_EQUAL(even.bucket_of_user("42"), 5'610u);
  auto arm_42 = even.assign({"42", "", -1}).value_or("");
  CAF_CHECK_EQUAL(arm_42, "ranked");
  experiment skewed{make_spec({{"control", 57}, {"ranked", 43}}, "feed-ranking")};
  arm_42 = skewed.assign({"42", "", -1}).value_or("");
  CAF_CHECK_EQUAL(arm_42, "control");
  experiment again{make_spec({{"control", 1}, {"ranked", 1}}, "feed-ranking")};
  CAF_CHECK(assign_all(even) == assign_all(again));
}

CAF_TEST(arms get users in proportion to their weights) {
  experiment e{make_spec({{"a", 1}, {"b", 2}, {"c", 7}})};
  std::map<std::string, int> seen;
  for (const auto& name : assign_all(e))
    ++seen[name];
  CAF_CHECK_EQUAL(seen.size(), 3u);
  // Expected 2,000, 4,000 and 14,000; the standard deviations are 42 to 65.
  CAF_CHECK(std::abs(seen["a"] - 2'000) < 300);
  CAF_CHECK(std::abs(seen["b"] - 4'000) < 300);
  CAF_CHECK(std::abs(seen["c"] - 14'000) < 300);
}

CAF_TEST(a weight change moves only the buckets that must move) {
  experiment before{make_spec({{"a", 50}, {"b", 50}})};
  auto after = before;
  auto moved = after.update(make_spec({{"a", 30}, {"b", 70}}));
  CAF_CHECK_EQUAL(moved, 2'000u);
  CAF_CHECK_EQUAL(buckets_moved(before, after), 2'000);
  auto old_arms = assign_all(before);
  auto new_arms = assign_all(after);
  int changed = 0;
  for (int i = 0; i < user_count; ++i) {
    if (old_arms[i] == new_arms[i])
      continue;
    ++changed;
    auto bucket = before.bucket_of_user(std::to_string(i));
    if (old_arms[i] != "a" || new_arms[i] != "b" || bucket < 3'000 || bucket >= 5'000)
      CAF_FAIL("user " << i << " in bucket " << bucket << " moved from " << old_arms[i] << " to "
                       << new_arms[i]);
  }
  // 20 % of the buckets moved: about 4,000 of 20,000 users (sd 57).
  CAF_CHECK(changed > 3'700 && changed < 4'300);
}

CAF_TEST(adding an arm takes buckets from the others proportionally) {
  experiment before{make_spec({{"a", 1}, {"b", 1}})};
  auto after = before;
  auto moved = after.update(make_spec({{"a", 1}, {"b", 1}, {"c", 2}}));
  CAF_CHECK_EQUAL(moved, 5'000u);
  CAF_CHECK_EQUAL(buckets_moved(before, after), 5'000);
  auto counts = counts_of(after.allocation(), 3);
  CAF_CHECK_EQUAL(counts, std::vector<uint32_t>({2'500, 2'500, 5'000}));
  auto old_arms = assign_all(before);
  auto new_arms = assign_all(after);
  std::map<std::string, int> into_c;
  for (int i = 0; i < user_count; ++i) {
    if (old_arms[i] != new_arms[i] && new_arms[i] != "c")
      CAF_FAIL("user " << i << " moved from " << old_arms[i] << " to " << new_arms[i]);
    if (new_arms[i] == "c")
      ++into_c[old_arms[i]];
  }
  CAF_CHECK(std::abs(into_c["a"] - 5'000) < 300);
  CAF_CHECK(std::abs(into_c["b"] - 5'000) < 300);
}

CAF_TEST(removing an arm gives its buckets to the remaining arms) {
  experiment before{make_spec({{"a", 1}, {"b", 1}, {"c", 1}})};
  auto after = before;
  auto moved = after.update(make_spec({{"a", 1}, {"b", 1}}));
  CAF_CHECK_EQUAL(moved, 3'333u);
  CAF_CHECK_EQUAL(buckets_moved(before, after), 3'333);
  CAF_CHECK_EQUAL(after.arms().size(), 2u);
  auto old_arms = assign_all(before);
  auto new_arms = assign_all(after);
  for (int i = 0; i < user_count; ++i)
    if (old_arms[i] != "c" && old_arms[i] != new_arms[i])
      CAF_FAIL("user " << i << " moved from " << old_arms[i] << " to " << new_arms[i]);
}

CAF_TEST(random weight changes always move the least possible) {
  std::mt19937 rng{7};
  std::uniform_int_distribution<uint32_t> weight{0, 20};
  experiment e{make_spec({{"a", 1}, {"b", 1}, {"c", 1}, {"d", 1}})};
  for (int round = 0; round < 200; ++round) {
    auto spec = make_spec(
        {{"a", weight(rng)}, {"b", weight(rng)}, {"c", weight(rng)}, {"d", weight(rng) + 1}});
    std::vector<uint32_t> weights{spec.arms[0].weight, spec.arms[1].weight, spec.arms[2].weight,
                                  spec.arms[3].weight};
    auto before = e;
    auto have = counts_of(before.allocation(), 4);
    auto want = apportion(weights);
    uint32_t least = 0;
    for (size_t i = 0; i < 4; ++i)
      least += have[i] > want[i] ? have[i] - want[i] : 0;
    auto moved = e.update(spec);
    CAF_REQUIRE_EQUAL(moved, least);
    CAF_REQUIRE_EQUAL(buckets_moved(before, e), static_cast<int>(least));
    auto counts = counts_of(e.allocation(), 4);
    CAF_REQUIRE(counts == want);
    check_allocation(e.allocation(), 4);
    for (size_t i = 1; i < e.allocation().size(); ++i)
      CAF_REQUIRE_NOT_EQUAL(e.allocation()[i - 1].arm, e.allocation()[i].arm);
  }
}

CAF_TEST(reshuffle re - draws everyone under a new salt) {
  experiment before{make_spec({{"a", 1}, {"b", 1}}, "feed-ranking")};
  auto after = before;
  after.update(make_spec({{"a", 1}, {"b", 3}}, "feed-ranking"));
  after.update(make_spec({{"a", 1}, {"b", 1}}, "feed-ranking"));
  CAF_CHECK_EQUAL(after.allocation().size(), 3u);  // a, b, a
  after.reshuffle();
  CAF_CHECK_EQUAL(after.generation(), 1u);
  CAF_CHECK(after.allocation() == before.allocation());
  CAF_CHECK_EQUAL(after.bucket_of_user("42"), bucket_of("feed-ranking#1:42"));
  auto old_arms = assign_all(before);
  auto new_arms = assign_all(after);
  int changed = 0;
  for (int i = 0; i < user_count; ++i)
    changed += old_arms[i] != new_arms[i] ? 1 : 0;
  // Independent draws for two even arms: half the users change (sd 71).
  CAF_CHECK(changed > 9'600 && changed < 10'400);
  after.reshuffle();
  CAF_CHECK_EQUAL(after.bucket_of_user("42"), bucket_of("feed-ranking#2:42"));
}

CAF_TEST(a stopped experiment assigns nobody) {
  auto spec = make_spec({{"a", 1}, {"b", 1}});
  spec.enabled = false;
  experiment e{spec};
  for (const auto& name : assign_all(e))
    CAF_REQUIRE_EQUAL(name, "");
  spec.enabled = true;
  e.update(spec);
  CAF_CHECK_NOT_EQUAL(assign(e, user(1)).value_or(""), "");
}

CAF_TEST(targeting restricts who is enrolled) {
  auto spec = make_spec({{"a", 1}, {"b", 1}});
  targeting_rule berlin;
  berlin.cities = {"Berlin"};
  spec.rules = {berlin};
  experiment e{spec};
  CAF_CHECK(!e.assign({"1", "Paris", 30}).has_value());
  CAF_CHECK(e.assign({"1", "berlin", 30}).has_value());
  CAF_CHECK(!e.assign({"", "Berlin", 30}).has_value());
  experiment untargeted{make_spec({{"a", 1}, {"b", 1}})};
  auto arm_1 = untargeted.assign({"1", "berlin", 30}).value_or("");
  CAF_CHECK_EQUAL(e.assign({"1", "berlin", 30}).value_or(""), arm_1);
}

CAF_TEST(validation names the bad field) {
  CAF_CHECK_EQUAL(invalid_field(make_spec({{"a", 1}})), "<none>");
  CAF_CHECK_EQUAL(invalid_field(make_spec({})), "arms");
  CAF_CHECK_EQUAL(invalid_field(make_spec({{"a", 0}, {"b", 0}})), "arms");
  CAF_CHECK_EQUAL(invalid_field(make_spec({{"a", 1}, {"a", 2}})), "arms[1].name");
  CAF_CHECK_EQUAL(invalid_field(make_spec({{"a", 1}, {"B", 2}})), "arms[1].name");
  CAF_CHECK_EQUAL(invalid_field(make_spec({{"a", 1}, {"", 2}})), "arms[1].name");
  CAF_CHECK_EQUAL(invalid_field(make_spec({{"a", 1'000'001}})), "arms[0].weight");
  CAF_CHECK_EQUAL(invalid_field(make_spec({{"a", 1}}, "feed:ranking")), "name");
  CAF_CHECK_EQUAL(invalid_field(make_spec({{"a", 1}}, "feed#1")), "name");
  std::vector<arm> many;
  for (int i = 0; i < 101; ++i)
    many.push_back({"arm-" + std::to_string(i), 1});
  CAF_CHECK_EQUAL(invalid_field(make_spec(many)), "arms");
  experiment e{make_spec({{"a", 1}})};
  std::string field;
  try {
    e.update(make_spec({{"a", 1}}, "other"));
  } catch (const flag_error& err) {
    field = err.field();
  }
  CAF_CHECK_EQUAL(field, "name");
  CAF_CHECK_EQUAL(e.name(), "checkout");
}

CAF_TEST(restore accepts only an allocation that matches the weights) {
  auto spec = make_spec({{"a", 1}, {"b", 1}});
  auto ok = experiment::restore(spec, 3, {{0, 2'000, 1}, {2'000, 7'000, 0}, {7'000, 10'000, 1}});
  CAF_CHECK_EQUAL(ok.generation(), 3u);
  CAF_CHECK_EQUAL(ok.arm_of_bucket(6'999), 0u);
  auto reject = [&](bucket_allocation allocation) {
    try {
      experiment::restore(spec, 0, std::move(allocation));
    } catch (const flag_error& e) {
      return e.field();
    }
    return std::string{"<none>"};
  };
  CAF_CHECK_EQUAL(reject({{0, 6'000, 0}, {6'000, 10'000, 1}}), "allocation");
  CAF_CHECK_EQUAL(reject({{0, 5'000, 0}, {5'001, 10'000, 1}}), "allocation[1].from");
  CAF_CHECK_EQUAL(reject({{0, 5'000, 0}, {5'000, 9'000, 1}}), "allocation");
  CAF_CHECK_EQUAL(reject({{0, 5'000, 0}, {5'000, 10'000, 2}}), "allocation[1].arm");
  CAF_CHECK_EQUAL(reject({}), "allocation");
}
