// Tests the metrics registry: identity of name + labels, kind and name
// checks, counters and gauges, stable references, concurrent use, collect().
#define CAF_SUITE metrics_registry
#include <caf/test/unit_test.hpp>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "runtime/metrics/registry.hpp"

using namespace griddle::metrics;

namespace {

/// True when `f()` throws an `Exception`.
template <class Exception, class F>
bool throws(F f) {
  try {
    f();
  } catch (const Exception&) {
    return true;
  }
  return false;
}

}  // namespace

CAF_TEST(the same name and labels give the same object in any label order) {
  registry r;
  auto& plain = r.counter("requests_total");
  CAF_CHECK_EQUAL(&plain, &r.counter("requests_total"));
  auto& get_a = r.counter("requests_total", {{"route", "/a"}, {"method", "GET"}});
  CAF_CHECK_EQUAL(&get_a, &r.counter("requests_total", {{"method", "GET"}, {"route", "/a"}}));
  CAF_CHECK_NOT_EQUAL(&get_a, &plain);
  CAF_CHECK_NOT_EQUAL(&get_a, &r.counter("requests_total", {{"route", "/a"}, {"method", "PUT"}}));
  CAF_CHECK_NOT_EQUAL(&get_a, &r.counter("requests_total", {{"route", "/a"}}));
  auto& depth = r.gauge("mailbox_depth", {{"type", "user"}, {"node", "n1"}});
  CAF_CHECK_EQUAL(&depth, &r.gauge("mailbox_depth", {{"node", "n1"}, {"type", "user"}}));
  auto& latency = r.histogram("request_seconds", {{"route", "/a"}, {"method", "GET"}});
  CAF_CHECK_EQUAL(&latency, &r.histogram("request_seconds", {{"method", "GET"}, {"route", "/a"}}));
  CAF_CHECK_NOT_EQUAL(&latency, &r.histogram("request_seconds"));
}

CAF_TEST(a name used for one kind cannot be used for another) {
  registry r;
  r.counter("jobs", {{"queue", "a"}}).inc();
  CAF_CHECK(throws<std::logic_error>([&] { r.gauge("jobs"); }));
  CAF_CHECK(throws<std::logic_error>([&] { r.histogram("jobs", {{"queue", "a"}}); }));
  CAF_CHECK(throws<std::logic_error>([&] { r.gauge("jobs", {{"queue", "b"}}); }));
  r.histogram("latency");
  CAF_CHECK(throws<std::logic_error>([&] { r.counter("latency", {{"x", "y"}}); }));
  // The failed requests created nothing and broke nothing.
  CAF_CHECK_EQUAL(r.counter("jobs", {{"queue", "a"}}).value(), 1u);
  CAF_CHECK_EQUAL(r.collect().size(), 2u);
}

CAF_TEST(malformed names and label sets are rejected) {
  registry r;
  for (auto name : {"", "1st", "a-b", "a b", "a.b", "é"})
    CAF_CHECK(throws<std::invalid_argument>([&] { r.counter(name); }));
  CAF_CHECK(throws<std::invalid_argument>([&] { r.counter("ok", {{"a:b", "1"}}); }));
  CAF_CHECK(throws<std::invalid_argument>([&] { r.counter("ok", {{"", "1"}}); }));
  CAF_CHECK(throws<std::invalid_argument>([&] { r.counter("ok", {{"a", "1"}, {"a", "2"}}); }));
  CAF_CHECK(!throws<std::exception>([&] { r.counter("ns:sub_name_1", {{"_k9", "any value/é"}}); }));
  CAF_CHECK(!throws<std::exception>([&] { r.gauge("_private"); }));
}

CAF_TEST(counters count and gauges go both ways) {
  registry r;
  auto& c = r.counter("events_total");
  CAF_CHECK_EQUAL(c.value(), 0u);
  c.inc();
  c.inc(5);
  CAF_CHECK_EQUAL(c.value(), 6u);
  auto& g = r.gauge("open_connections");
  CAF_CHECK_EQUAL(g.value(), 0);
  g.set(10);
  g.add(5);
  g.sub(20);
  g.inc();
  g.dec();
  g.dec();
  CAF_CHECK_EQUAL(g.value(), -6);
  g.add(-4);
  CAF_CHECK_EQUAL(g.value(), -10);
}

CAF_TEST(references stay valid as the registry grows) {
  registry r;
  auto* first = &r.counter("first_total", {{"k", "v"}});
  first->inc(3);
  auto* hist = &r.histogram("first_latency");
  hist->record(42);
  for (int i = 0; i < 1000; ++i) {
    r.counter("grow_total", {{"i", std::to_string(i)}}).inc();
    r.gauge("grow_" + std::to_string(i));
  }
  CAF_CHECK_EQUAL(first, &r.counter("first_total", {{"k", "v"}}));
  CAF_CHECK_EQUAL(first->value(), 3u);
  CAF_CHECK_EQUAL(hist, &r.histogram("first_latency"));
  CAF_CHECK_EQUAL(hist->snapshot().max(), 42);
  CAF_CHECK_EQUAL(r.collect().size(), 2002u);
}

CAF_TEST(threads looking up and updating the same metrics lose nothing) {
  constexpr int per_thread = 20000;
  registry r;
  std::vector<counter*> seen(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < 4; ++t)
    threads.emplace_back([&r, &seen, t] {
      auto& latency = r.histogram("work_latency", {{"pool", "shared"}});
      for (int i = 1; i <= per_thread; ++i) {
        // Looks up every time to exercise the mutex; real callers cache.
        auto& c = r.counter("work_total", {{"pool", "shared"}, {"kind", "x"}});
        c.inc();
        latency.record(i);
        seen[t] = &c;
      }
    });
  for (auto& th : threads)
    th.join();
  auto& c = r.counter("work_total", {{"kind", "x"}, {"pool", "shared"}});
  CAF_CHECK_EQUAL(c.value(), 4u * per_thread);
  for (auto* p : seen)
    CAF_CHECK_EQUAL(p, &c);
  auto s = r.histogram("work_latency", {{"pool", "shared"}}).snapshot();
  CAF_CHECK_EQUAL(s.count(), 4u * per_thread);
  CAF_CHECK_EQUAL(s.sum(), 4 * int64_t{per_thread} * (per_thread + 1) / 2);
}

CAF_TEST(collect lists every metric by name with sorted labels) {
  registry r;
  r.histogram("c_latency").record(100);
  r.histogram("c_latency").record(200);
  r.counter("b_total", {{"route", "/x"}, {"method", "GET"}}).inc(2);
  r.counter("b_total").inc(7);
  r.gauge("a_gauge").set(-3);
  auto samples = r.collect();
  CAF_REQUIRE_EQUAL(samples.size(), 4u);
  CAF_CHECK_EQUAL(samples[0].name, "a_gauge");
  CAF_CHECK(samples[0].kind == metric_kind::gauge);
  CAF_CHECK_EQUAL(samples[0].gauge_value, -3);
  CAF_CHECK_EQUAL(samples[1].name, "b_total");
  CAF_CHECK(samples[1].labels.empty());
  CAF_CHECK_EQUAL(samples[1].counter_value, 7u);
  CAF_CHECK_EQUAL(samples[2].name, "b_total");
  CAF_CHECK(samples[2].kind == metric_kind::counter);
  CAF_CHECK_EQUAL(samples[2].counter_value, 2u);
  CAF_REQUIRE_EQUAL(samples[2].labels.size(), 2u);
  CAF_CHECK_EQUAL(samples[2].labels[0].first, "method");
  CAF_CHECK_EQUAL(samples[2].labels[1].first, "route");
  CAF_CHECK_EQUAL(samples[2].labels[1].second, "/x");
  CAF_CHECK_EQUAL(samples[3].name, "c_latency");
  CAF_CHECK(samples[3].kind == metric_kind::histogram);
  CAF_CHECK_EQUAL(samples[3].histogram.count(), 2u);
  CAF_CHECK_EQUAL(samples[3].histogram.sum(), 300);
  CAF_CHECK_EQUAL(samples[3].histogram.max(), 200);
}

CAF_TEST(kinds print as prometheus types) {
  CAF_CHECK_EQUAL(std::string{to_string(metric_kind::counter)}, "counter");
  CAF_CHECK_EQUAL(std::string{to_string(metric_kind::gauge)}, "gauge");
  CAF_CHECK_EQUAL(std::string{to_string(metric_kind::histogram)}, "histogram");
}

CAF_TEST(the global registry is one instance) {
  auto& r = registry::global();
  CAF_CHECK_EQUAL(&r, &registry::global());
  r.counter("metrics_registry_test_global_total").inc(4);
  CAF_CHECK_EQUAL(registry::global().counter("metrics_registry_test_global_total").value(), 4u);
}
