#include "bench/micro/routing_bench.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "bench/micro/counter.hpp"
#include "bench/micro/counter_runtime.hpp"
#include "bench/micro/request_driver.hpp"

namespace griddle::bench {

namespace {

// CAF 0.17 keeps a request's time-out in its clock until it fires (or the
// requester ends), even after the reply; a short one keeps that table at a
// steady size from the first round on.
const caf::duration request_timeout{std::chrono::seconds(1)};

/// Path (a): straight to a plain actor.
struct raw_path {
  caf::actor target;

  auto operator()(caf::event_based_actor* self, uint64_t) const {
    return self->request(target, request_timeout, caf::add_atom_v, int32_t{1});
  }
};

/// Path (b): through the router to an active entity.
struct routed_path {
  entity::entity_router* router;
  entity_ref ref;

  auto operator()(caf::event_based_actor* self, uint64_t) const {
    return router->request(self, ref, request_timeout, caf::add_atom_v, int32_t{1});
  }
};

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  auto n = xs.size();
  return n % 2 == 1 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

/// Runs one driver for `duration`; counts failed requests into `failures`.
template <class Path>
double rate(caf::actor_system& sys, const Path& path, uint64_t window, caf::timespan duration,
            uint64_t& failures) {
  driver_limits limits{window, 0, duration};
  auto result = run_driver(sys, path, limits, duration + std::chrono::seconds(30));
  if (result.errors > 0)
    std::printf("  warning: %llu requests failed\n",
                static_cast<unsigned long long>(result.errors));
  failures += result.errors;
  return result.per_second();
}

}  // namespace

int run_routing(const routing_options& opts) {
  std::printf("routing: %llu rounds of %.1f s per path, window %llu, %llu scheduler threads\n",
              static_cast<unsigned long long>(opts.rounds), opts.seconds,
              static_cast<unsigned long long>(opts.window),
              static_cast<unsigned long long>(opts.threads));
  std::fflush(stdout);
  bench_config cfg{opts.threads};
  caf::actor_system sys{cfg};
  std::vector<double> raw_rates;
  std::vector<double> routed_rates;
  uint64_t failures = 0;
  {
    counter_runtime rt{sys, std::chrono::hours(1)};
    auto ref = counter_runtime::ref(0);
    rt.activate(ref);
    raw_path raw{spawn_raw_counter(sys)};
    routed_path routed{&rt.router(), ref};
    auto duration =
        std::chrono::duration_cast<caf::timespan>(std::chrono::duration<double>(opts.seconds));
    // Warm both paths up (caches, allocator pools) before anything counts.
    auto warm_up = std::min<caf::timespan>(duration / 4, std::chrono::milliseconds(500));
    rate(sys, raw, opts.window, warm_up, failures);
    rate(sys, routed, opts.window, warm_up, failures);
    for (uint64_t round = 1; round <= opts.rounds; ++round) {
      raw_rates.push_back(rate(sys, raw, opts.window, duration, failures));
      routed_rates.push_back(rate(sys, routed, opts.window, duration, failures));
      std::printf("round %llu/%llu: raw %.0f rt/s, router %.0f rt/s, router/raw %.3f\n",
                  static_cast<unsigned long long>(round),
                  static_cast<unsigned long long>(opts.rounds), raw_rates.back(),
                  routed_rates.back(), routed_rates.back() / raw_rates.back());
      std::fflush(stdout);
    }
    caf::anon_send_exit(raw.target, caf::exit_reason::user_shutdown);
  }
  auto raw = median(raw_rates);
  auto routed = median(routed_rates);
  auto overhead = (raw - routed) / raw * 100;
  std::printf("median: raw %.0f rt/s, router %.0f rt/s\n", raw, routed);
  std::printf("router/raw %.3f, (raw-router)/raw %.1f%% (target <= 20%%: %s)\n", routed / raw,
              overhead, overhead <= 20 ? "met" : "NOT met");
  // The same gap seen as time: how much longer one routed round trip takes.
  std::printf("time per round trip: raw %.0f ns, router %.0f ns (+%.1f%%)\n", 1e9 / raw,
              1e9 / routed, (raw / routed - 1) * 100);
  return failures == 0 ? 0 : 1;
}

}  // namespace griddle::bench
