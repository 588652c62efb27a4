// The rollout state machine, reply comparison and the guard, without actors.
#define CAF_SUITE rollout_state

#include <caf/test/unit_test.hpp>

#include "runtime/flags/bucketing.hpp"
#include "runtime/rollout/guard.hpp"
#include "runtime/rollout/reply_diff.hpp"
#include "runtime/rollout/rollout_state.hpp"
#include "runtime/rollout/rollout_stats.hpp"

using namespace griddle;
using namespace griddle::rollout;

namespace {

rollout_state ramped(uint32_t bp) {
  rollout_state st;
  apply(st, events::started, {{"candidate", "2"}}, 1);
  apply(st, events::ramped, {{"ramp_bp", bp}}, 2);
  return st;
}

}  // namespace

CAF_TEST(events move the phases) {
  rollout_state st;
  CAF_CHECK(st.phase == phase::none);
  apply(st, events::started, {{"candidate", "2"}, {"mirror_bp", 5000}}, 10);
  CAF_CHECK(st.phase == phase::ghost);
  CAF_CHECK_EQUAL(st.mirror_bp, 5000u);
  apply(st, events::ramped, {{"ramp_bp", 1000}}, 20);
  CAF_CHECK(st.phase == phase::ramp);
  apply(st, events::promoted, nlohmann::json::object(), 30);
  CAF_CHECK(st.phase == phase::none);
  CAF_CHECK_EQUAL(st.stable, "2");
  CAF_CHECK_EQUAL(st.candidate, "");
  CAF_CHECK_EQUAL(st.history.size(), 3u);
}

CAF_TEST(ramp keys are sticky and grow monotonically) {
  size_t at10 = 0;
  size_t at20 = 0;
  auto ten = ramped(1000);
  auto twenty = ramped(2000);
  for (int i = 0; i < 20000; ++i) {
    auto key = std::to_string(i);
    auto a = ten.version_for("feed", key) == "2";
    auto b = twenty.version_for("feed", key) == "2";
    if (a)
      CAF_CHECK(b);
    at10 += a ? 1 : 0;
    at20 += b ? 1 : 0;
  }
  CAF_CHECK_GREATER(at10, 1800u);
  CAF_CHECK_LESS(at10, 2200u);
  CAF_CHECK_GREATER(at20, 3700u);
  CAF_CHECK_LESS(at20, 4300u);
}

CAF_TEST(the state survives its JSON form) {
  auto st = ramped(3500);
  apply(st, events::guard_set, {{"window_s", 12}}, 3);
  apply(st, events::scheduled, {{"steps_bp", {100, 500}}, {"hold_s", 7}}, 4);
  auto back = state_from_json(to_json(st));
  CAF_CHECK_EQUAL(to_json(back).dump(), to_json(st).dump());
  CAF_CHECK_EQUAL(back.ramp_bp, 3500u);
  CAF_CHECK_EQUAL(back.guard.window_s, 12u);
}

CAF_TEST(percentages parse strictly) {
  CAF_CHECK_EQUAL(parse_percent(25), 2500u);
  CAF_CHECK_EQUAL(parse_percent("2.5"), 250u);
  CAF_CHECK_EQUAL(parse_percent("100%"), 10000u);
  auto rejects = [](const nlohmann::json& x) {
    try {
      parse_percent(x);
      return false;
    } catch (const std::invalid_argument&) {
      return true;
    }
  };
  CAF_CHECK(rejects(101));
  CAF_CHECK(rejects("ten"));
  CAF_CHECK(rejects("5x"));
  CAF_CHECK(rejects(nlohmann::json::array()));
}

CAF_TEST(diff lists the paths that differ) {
  nlohmann::json a{{"items", {{{"kind", "liked"}, {"at", 1}}, {{"kind", "visited"}, {"at", 2}}}}};
  nlohmann::json b{{"items", {{{"kind", "liked"}, {"at", 5}}}}};
  auto d = diff(a, b);
  CAF_REQUIRE_EQUAL(d.size(), 2u);
  CAF_CHECK_EQUAL(d[0].path, "/items/0/at");
  CAF_CHECK_EQUAL(d[1].path, "/items/1");
  CAF_CHECK_EQUAL(normalized(d[0].path, a), "/items/*/at");
  CAF_CHECK_EQUAL(to_string(d[0]), "/items/0/at: 1 -> 5");
  strip_fields(a, {"at"});
  strip_fields(b, {"at"});
  auto rest = diff(a, b);
  CAF_REQUIRE_EQUAL(rest.size(), 1u);
  CAF_CHECK_EQUAL(rest[0].path, "/items/1");
}

CAF_TEST(a key named like a number is not an index) {
  nlohmann::json a{{"3", {{"x", 1}}}};
  CAF_CHECK_EQUAL(normalized("/3/x", a), "/3/x");
}

CAF_TEST(the guard waits for enough samples and then trips) {
  rollout_state st;
  apply(st, events::started, {{"candidate", "2"}}, 0);
  st.guard.min_samples = 10;
  st.guard.max_mismatch_rate = 0.25;
  rollout_stats stats{"t", 1, {}, {}};
  exchange same;
  same.live_reply = 1;
  same.ghost_reply = 1;
  exchange other = same;
  other.ghost_reply = 2;
  int64_t now = 1'000'000;
  for (int i = 0; i < 9; ++i)
    stats.compare(other, now);
  CAF_CHECK(!check_guard(st, stats, now));
  for (int i = 0; i < 30; ++i)
    stats.compare(same, now);
  CAF_CHECK(!check_guard(st, stats, now));  // 9 of 39: 23 %
  for (int i = 0; i < 3; ++i)
    stats.compare(other, now);
  auto why = check_guard(st, stats, now);  // 12 of 42: 29 %
  CAF_REQUIRE(why);
  CAF_CHECK(why->find("mismatch rate") == 0);
  // Outside the window the old comparisons no longer count.
  CAF_CHECK(!check_guard(st, stats, now + 31'000));
  st.guard.enabled = false;
  CAF_CHECK(!check_guard(st, stats, now));
}
