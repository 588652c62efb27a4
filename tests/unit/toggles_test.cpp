// Toggles: targeting rules, the master switch, and a percentage share that is
// stable per user and only grows.
#define CAF_SUITE toggles
#include <caf/test/dsl.hpp>

#include <string>

#include "runtime/flags/bucketing.hpp"
#include "runtime/flags/flag_error.hpp"
#include "runtime/flags/toggle.hpp"

using namespace griddle::flags;

namespace {

user_attributes user(std::string id, std::string city = "", int age = -1) {
  return user_attributes{std::move(id), std::move(city), age};
}

toggle make_toggle(uint32_t percentage_bp, std::vector<targeting_rule> rules = {}) {
  return toggle{"new-inbox", true, percentage_bp, std::move(rules)};
}

/// The field named by the `flag_error` that `validate(t)` throws, or "<none>".
std::string invalid_field(const toggle& t) {
  try {
    validate(t);
  } catch (const flag_error& e) {
    return e.field();
  }
  return "<none>";
}

}  // namespace

CAF_TEST(a rule on user ids matches exactly those users) {
  targeting_rule rule;
  rule.user_ids = {"42", "43"};
  CAF_CHECK(matches(rule, user("42")));
  CAF_CHECK(matches(rule, user("43", "Berlin", 30)));
  CAF_CHECK(!matches(rule, user("44")));
  CAF_CHECK(!matches(rule, user("")));
}

CAF_TEST(a rule on cities ignores case and never matches an unknown city) {
  targeting_rule rule;
  rule.cities = {"Berlin", "paris"};
  CAF_CHECK(matches(rule, user("1", "berlin")));
  CAF_CHECK(matches(rule, user("1", "BERLIN")));
  CAF_CHECK(matches(rule, user("1", "Paris")));
  CAF_CHECK(!matches(rule, user("1", "Berlin-Mitte")));
  CAF_CHECK(!matches(rule, user("1", "")));
}

CAF_TEST(age bounds are inclusive and an unknown age never matches them) {
  targeting_rule rule;
  rule.age_min = 18;
  rule.age_max = 30;
  CAF_CHECK(!matches(rule, user("1", "", 17)));
  CAF_CHECK(matches(rule, user("1", "", 18)));
  CAF_CHECK(matches(rule, user("1", "", 30)));
  CAF_CHECK(!matches(rule, user("1", "", 31)));
  CAF_CHECK(!matches(rule, user("1", "", -1)));
  targeting_rule only_min;
  only_min.age_min = 0;
  CAF_CHECK(matches(only_min, user("1", "", 0)));
  CAF_CHECK(!matches(only_min, user("1")));
  targeting_rule only_max;
  only_max.age_max = 30;
  CAF_CHECK(matches(only_max, user("1", "", 0)));
  CAF_CHECK(!matches(only_max, user("1")));
}

CAF_TEST(a rule needs all its conditions and a list needs any rule) {
  targeting_rule berlin_adults;
  berlin_adults.cities = {"Berlin"};
  berlin_adults.age_min = 18;
  CAF_CHECK(matches(berlin_adults, user("1", "Berlin", 18)));
  CAF_CHECK(!matches(berlin_adults, user("1", "Berlin", 17)));
  CAF_CHECK(!matches(berlin_adults, user("1", "Paris", 40)));
  targeting_rule staff;
  staff.user_ids = {"7"};
  std::vector<targeting_rule> rules{berlin_adults, staff};
  CAF_CHECK(matches_any(rules, user("7", "Paris", 12)));
  CAF_CHECK(matches_any(rules, user("8", "berlin", 50)));
  CAF_CHECK(!matches_any(rules, user("8", "Paris", 50)));
  CAF_CHECK(!matches_any({}, user("7")));
}

CAF_TEST(a disabled toggle is off for everyone even users its rules match) {
  targeting_rule staff;
  staff.user_ids = {"7"};
  auto t = make_toggle(10'000, {staff});
  CAF_CHECK(is_on(t, user("7")));
  CAF_CHECK(is_on(t, user("8")));
  t.enabled = false;
  CAF_CHECK(!is_on(t, user("7")));
  for (int i = 0; i < 1'000; ++i)
    CAF_REQUIRE(!is_on(t, user(std::to_string(i))));
}

CAF_TEST(a matching rule turns the toggle on whatever the percentage) {
  targeting_rule staff;
  staff.user_ids = {"7"};
  auto t = make_toggle(0, {staff});
  CAF_CHECK(is_on(t, user("7")));
  int on = 0;
  for (int i = 100; i < 1'100; ++i)
    on += is_on(t, user(std::to_string(i))) ? 1 : 0;
  CAF_CHECK_EQUAL(on, 0);
}

CAF_TEST(the percentage follows the documented bucket of name and user) {
  // bucket_of("feed-ranking:42") is 5610 (a test vector of the bucketing suite).
  toggle t{"feed-ranking", true, 5'610, {}};
  CAF_CHECK(!is_on(t, user("42")));
  t.percentage_bp = 5'611;
  CAF_CHECK(is_on(t, user("42")));
  for (int i = 0; i < 1'000; ++i) {
    auto id = std::to_string(i);
    auto want = bucket_of("feed-ranking:" + id) < 5'611;
    CAF_REQUIRE_EQUAL(is_on(t, user(id)), want);
  }
}

CAF_TEST(a growing percentage keeps every user it held) {
  uint32_t steps[] = {0, 10, 100, 1'000, 2'000, 5'000, 9'999, 10'000};
  size_t at_ten = 0;
  size_t at_twenty = 0;
  for (int i = 0; i < 20'000; ++i) {
    auto u = user(std::to_string(i));
    bool was_on = false;
    for (auto step : steps) {
      bool now_on = is_on(make_toggle(step), u);
      if (was_on && !now_on)
        CAF_FAIL("user " << i << " left the toggle growing to " << step);
      was_on = now_on;
    }
    at_ten += is_on(make_toggle(1'000), u) ? 1 : 0;
    at_twenty += is_on(make_toggle(2'000), u) ? 1 : 0;
  }
  // 10 % and 20 % of 20,000 users, within about five standard deviations.
  CAF_CHECK(at_ten > 1'800 && at_ten < 2'200);
  CAF_CHECK(at_twenty > 3'700 && at_twenty < 4'300);
}

CAF_TEST(an anonymous user is on only by rule or at one hundred percent) {
  CAF_CHECK(!is_on(make_toggle(9'999), user("")));
  CAF_CHECK(is_on(make_toggle(10'000), user("")));
  targeting_rule berlin;
  berlin.cities = {"Berlin"};
  CAF_CHECK(is_on(make_toggle(0, {berlin}), user("", "Berlin")));
}

CAF_TEST(validation names the bad field) {
  CAF_CHECK_EQUAL(invalid_field(make_toggle(10'000)), "<none>");
  auto t = make_toggle(10'001);
  CAF_CHECK_EQUAL(invalid_field(t), "percentage_bp");
  t = make_toggle(0);
  t.name = "New Inbox";
  CAF_CHECK_EQUAL(invalid_field(t), "name");
  t.name = "";
  CAF_CHECK_EQUAL(invalid_field(t), "name");
  t.name = std::string(65, 'a');
  CAF_CHECK_EQUAL(invalid_field(t), "name");
  t.name = std::string(64, 'a');
  CAF_CHECK_EQUAL(invalid_field(t), "<none>");
  targeting_rule empty;
  CAF_CHECK_EQUAL(invalid_field(make_toggle(0, {empty})), "rules[0]");
  targeting_rule inverted;
  inverted.age_min = 40;
  inverted.age_max = 30;
  targeting_rule ok;
  ok.user_ids = {"1"};
  CAF_CHECK_EQUAL(invalid_field(make_toggle(0, {ok, inverted})), "rules[1].age_min");
  targeting_rule old;
  old.age_max = 201;
  CAF_CHECK_EQUAL(invalid_field(make_toggle(0, {old})), "rules[0].age_max");
  targeting_rule blank_city;
  blank_city.cities = {""};
  CAF_CHECK_EQUAL(invalid_field(make_toggle(0, {blank_city})), "rules[0].cities");
}
