#define CAF_SUITE restart_tracker

#include "runtime/supervision/restart_tracker.hpp"

#include <caf/test/unit_test.hpp>

using namespace std::chrono_literals;
using griddle::supervision::restart_limits;
using griddle::supervision::restart_tracker;

namespace {

using time_point = restart_tracker::time_point;
using opt_delay = std::optional<caf::timespan>;

// An arbitrary, non-zero start of time.
const time_point t0 = time_point{} + 1h;

restart_limits limits(size_t max_restarts, caf::timespan period, caf::timespan initial,
                      caf::timespan cap) {
  restart_limits result;
  result.max_restarts = max_restarts;
  result.period = period;
  result.backoff_initial = initial;
  result.backoff_cap = cap;
  return result;
}

}  // namespace

CAF_TEST(the defaults allow five restarts in ten seconds) {
  restart_limits defaults;
  CAF_CHECK_EQUAL(defaults.max_restarts, 5u);
  CAF_CHECK(defaults.period == caf::timespan{10s});
  CAF_CHECK(defaults.backoff_initial == caf::timespan{10ms});
  CAF_CHECK(defaults.backoff_cap == caf::timespan{5s});
}

CAF_TEST(the first restart is immediate and later ones double) {
  restart_tracker uut{restart_limits{}};
  CAF_CHECK(uut.on_failure(t0) == opt_delay{0s});
  CAF_CHECK(uut.on_failure(t0 + 1ms) == opt_delay{10ms});
  CAF_CHECK(uut.on_failure(t0 + 2ms) == opt_delay{20ms});
  CAF_CHECK(uut.on_failure(t0 + 3ms) == opt_delay{40ms});
  CAF_CHECK(uut.on_failure(t0 + 4ms) == opt_delay{80ms});
  CAF_CHECK_EQUAL(uut.recent_failures(t0 + 4ms), 5u);
}

CAF_TEST(the back - off stops growing at the cap) {
  restart_tracker uut{limits(10, 10s, 1s, 3s)};
  CAF_CHECK(uut.on_failure(t0) == opt_delay{0s});
  CAF_CHECK(uut.on_failure(t0) == opt_delay{1s});
  CAF_CHECK(uut.on_failure(t0) == opt_delay{2s});
  CAF_CHECK(uut.on_failure(t0) == opt_delay{3s});
  CAF_CHECK(uut.on_failure(t0) == opt_delay{3s});
}

CAF_TEST(an initial back - off above the cap is capped) {
  restart_tracker uut{limits(5, 10s, 8s, 5s)};
  CAF_CHECK(uut.on_failure(t0) == opt_delay{0s});
  CAF_CHECK(uut.on_failure(t0) == opt_delay{5s});
}

CAF_TEST(a huge back - off does not overflow) {
  restart_tracker uut{limits(100, 10s, 1h, caf::timespan::max())};
  for (int i = 0; i < 100; ++i) {
    auto delay = uut.on_failure(t0);
    CAF_REQUIRE(delay.has_value());
    CAF_CHECK(*delay >= caf::timespan{0});
  }
}

CAF_TEST(more than max_restarts failures in the period exceed the intensity) {
  restart_tracker uut{limits(2, 10s, 10ms, 1s)};
  CAF_CHECK(uut.on_failure(t0) == opt_delay{0s});
  CAF_CHECK(uut.on_failure(t0 + 4s) == opt_delay{10ms});
  CAF_CHECK(uut.on_failure(t0 + 9s) == std::nullopt);
  CAF_CHECK_EQUAL(uut.recent_failures(t0 + 9s), 3u);
}

CAF_TEST(zero max_restarts escalates the first failure) {
  restart_tracker uut{limits(0, 10s, 10ms, 1s)};
  CAF_CHECK(uut.on_failure(t0) == std::nullopt);
}

CAF_TEST(failures older than the period leave the window) {
  restart_tracker uut{limits(2, 10s, 10ms, 1s)};
  uut.on_failure(t0);
  uut.on_failure(t0 + 1s);
  CAF_CHECK_EQUAL(uut.recent_failures(t0 + 1s), 2u);
  // A failure exactly `period` old is out of the window.
  CAF_CHECK_EQUAL(uut.recent_failures(t0 + 10s), 1u);
  CAF_CHECK_EQUAL(uut.recent_failures(t0 + 11s), 0u);
  // t0 dropped out, so this is the second failure in the window, not the third.
  CAF_CHECK(uut.on_failure(t0 + 10s) == opt_delay{10ms});
  // Both earlier failures dropped out: the back-off starts over.
  CAF_CHECK(uut.on_failure(t0 + 25s) == opt_delay{0s});
  CAF_CHECK_EQUAL(uut.recent_failures(t0 + 25s), 1u);
}

CAF_TEST(the window recovers after the intensity was exceeded) {
  restart_tracker uut{limits(1, 10s, 10ms, 1s)};
  CAF_CHECK(uut.on_failure(t0) == opt_delay{0s});
  CAF_CHECK(uut.on_failure(t0 + 1s) == std::nullopt);
  CAF_CHECK(uut.on_failure(t0 + 1s + 10s) == opt_delay{0s});
}
