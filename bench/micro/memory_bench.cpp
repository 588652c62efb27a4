#include "bench/micro/memory_bench.hpp"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/micro/counter.hpp"
#include "bench/micro/counter_runtime.hpp"
#include "bench/micro/process_memory.hpp"
#include "bench/micro/request_driver.hpp"
#include "runtime/entity/entity_actor.hpp"

namespace griddle::bench {

namespace {

using std::chrono::steady_clock;

constexpr auto request_timeout_span = std::chrono::seconds(10);
const caf::duration request_timeout{request_timeout_span};
constexpr auto settle_time = std::chrono::milliseconds(1000);
constexpr double target_bytes = 2048;

/// Activates entity i with its first message.
struct activation_path {
  entity::entity_router* router;

  auto operator()(caf::event_based_actor* self, uint64_t i) const {
    return router->request(self, counter_runtime::ref(i), request_timeout, caf::add_atom_v,
                           int32_t{1});
  }
};

/// Sends the first message to plain actor i.
struct plain_path {
  const std::vector<caf::actor>* actors;

  auto operator()(caf::event_based_actor* self, uint64_t i) const {
    return self->request((*actors)[i], request_timeout, caf::add_atom_v, int32_t{1});
  }
};

double seconds_since(steady_clock::time_point start) {
  return std::chrono::duration<double>(steady_clock::now() - start).count();
}

double mib(uint64_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

double per_object(uint64_t before, uint64_t after, uint64_t n) {
  return (static_cast<double>(after) - static_cast<double>(before)) / static_cast<double>(n);
}

/// Prints one reading against the baseline; returns RSS bytes per object.
double report(const char* label, const memory_reading& before, const memory_reading& now,
              uint64_t n) {
  auto rss = per_object(before.resident, now.resident, n);
  std::printf("%s: rss %.1f MiB (+%.0f B each), heap in use %.1f MiB (+%.0f B each)\n", label,
              mib(now.resident), rss, mib(now.heap_in_use),
              per_object(before.heap_in_use, now.heap_in_use, n));
  std::fflush(stdout);
  return rss;
}

void print_sizes() {
  std::printf(
      "sizeof: entity_actor %zu, caf::event_based_actor %zu, caf::actor_control_block %zu\n",
      sizeof(entity::entity_actor), sizeof(caf::event_based_actor),
      sizeof(caf::actor_control_block));
}

}  // namespace

int run_memory(const memory_options& opts) {
  auto n = opts.entities;
  auto what = opts.plain ? "plain CAF actors" : "entities";
  std::printf("memory: %llu %s, %llu requests in flight, %llu scheduler threads\n",
              static_cast<unsigned long long>(n), what, static_cast<unsigned long long>(opts.batch),
              static_cast<unsigned long long>(opts.threads));
  std::fflush(stdout);
  bench_config cfg{opts.threads};
  caf::actor_system sys{cfg};
  bool complete = false;
  double idle_rss = 0;
  steady_clock::time_point stop_start;
  {
    // Nothing may passivate while we measure.
    counter_runtime rt{sys, std::chrono::hours(1)};
    // The plain actors' handles are allocated (and touched) before the baseline.
    std::vector<caf::actor> actors(opts.plain ? n : 0);
    auto before = settle_and_read(settle_time);
    std::printf("baseline: rss %.1f MiB, heap in use %.1f MiB\n", mib(before.resident),
                mib(before.heap_in_use));
    driver_limits limits{opts.batch, n, caf::timespan{0}};
    auto timeout = std::chrono::minutes(10);
    auto start = steady_clock::now();
    driver_result result;
    if (opts.plain) {
      for (auto& hdl : actors)
        hdl = spawn_raw_counter(sys);
      result = run_driver(sys, plain_path{&actors}, limits, timeout);
    } else {
      result = run_driver(sys, activation_path{&rt.router()}, limits, timeout);
    }
    auto secs = seconds_since(start);
    std::printf("started %llu %s in %.2f s (%.0f/s): %llu replies, %llu errors\n",
                static_cast<unsigned long long>(n), what, secs, static_cast<double>(n) / secs,
                static_cast<unsigned long long>(result.replies),
                static_cast<unsigned long long>(result.errors));
    uint64_t active = n;
    if (!opts.plain) {
      active = rt.count_active();
      std::printf("active entities (host): %llu, directory entries: %zu\n",
                  static_cast<unsigned long long>(active),
                  rt.router().directory(counter_type_name).size());
    }
    report("settled 1 s", before, settle_and_read(settle_time), n);
    // CAF 0.17 keeps a request's time-out in its clock until it fires (or the
    // requester ends), even after the reply: the host's store loads.
    idle_rss = report("idle (request time-outs expired)", before,
                      settle_and_read(request_timeout_span), n);
    complete = result.replies == n && active == n;
    for (auto& hdl : actors)
      caf::anon_send_exit(hdl, caf::exit_reason::user_shutdown);
    actors.clear();
    stop_start = steady_clock::now();
  }
  // For entities: the host's ordered stop (passivate, save, wait for every end).
  std::printf("stopped all %s in %.2f s\n", what, seconds_since(stop_start));
  print_sizes();
  auto verdict = idle_rss <= target_bytes ? "met" : "NOT met";
  std::printf("per idle %s: %.0f bytes RSS (target <= %.0f: %s)\n",
              opts.plain ? "plain actor" : "entity", idle_rss, target_bytes,
              opts.plain ? "n/a" : verdict);
  return complete ? 0 : 1;
}

}  // namespace griddle::bench
