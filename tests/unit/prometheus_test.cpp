// Tests the Prometheus text exposition writer: TYPE lines, exact counter and
// gauge samples, label escaping, histogram naming, cumulative buckets in
// seconds for known nanosecond values, and `_sum` / `_count`.
#define CAF_SUITE prometheus
#include <caf/test/unit_test.hpp>

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "runtime/metrics/prometheus.hpp"
#include "runtime/metrics/registry.hpp"

using namespace griddle::metrics;

namespace {

/// Splits `text` at newlines; the text after the last newline is dropped, so a
/// missing final newline shows as a missing line.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> result;
  size_t begin = 0;
  for (auto end = text.find('\n'); end != std::string::npos; end = text.find('\n', begin)) {
    result.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return result;
}

/// How many lines equal `line`.
size_t count_of(const std::vector<std::string>& lines, const std::string& line) {
  size_t n = 0;
  for (const auto& l : lines)
    n += l == line ? 1 : 0;
  return n;
}

struct bucket_line {
  std::string le;
  uint64_t count;
};

/// The `_bucket` lines of family `name` whose labels start with `labels_text`
/// (e.g. `route="/a",`), in output order, with `le` and value parsed out.
std::vector<bucket_line> buckets_of(const std::vector<std::string>& lines, const std::string& name,
                                    const std::string& labels_text) {
  std::vector<bucket_line> result;
  auto prefix = name + "_bucket{" + labels_text + "le=\"";
  for (const auto& l : lines) {
    if (l.compare(0, prefix.size(), prefix) != 0)
      continue;
    auto quote = l.find('"', prefix.size());
    auto value = l.find("} ", quote);
    if (quote == std::string::npos || value == std::string::npos)
      continue;
    result.push_back(
        {l.substr(prefix.size(), quote - prefix.size()), std::stoull(l.substr(value + 2))});
  }
  return result;
}

/// The value of the line starting with `prefix` followed by a space; NaN when
/// there is no such line.
double value_of(const std::vector<std::string>& lines, const std::string& prefix) {
  for (const auto& l : lines)
    if (l.compare(0, prefix.size() + 1, prefix + " ") == 0)
      return std::strtod(l.c_str() + prefix.size() + 1, nullptr);
  return std::numeric_limits<double>::quiet_NaN();
}

const std::vector<std::string> all_le = {"0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005",
                                         "0.01",   "0.025",   "0.05",   "0.1",   "0.25",   "0.5",
                                         "1",      "2.5",     "5",      "10",    "+Inf"};

}  // namespace

CAF_TEST(empty input gives an empty string) {
  registry r;
  CAF_CHECK_EQUAL(to_prometheus(r), "");
  CAF_CHECK_EQUAL(to_prometheus(std::vector<metric_sample>{}), "");
}

CAF_TEST(counters and gauges print one TYPE line per name and exact samples) {
  registry r;
  r.counter("http_requests_total", {{"route", "/a"}, {"method", "GET"}}).inc(3);
  r.counter("http_requests_total").inc();
  r.counter("big_total").inc(std::numeric_limits<uint64_t>::max());
  r.gauge("queue_depth", {{"queue", "in"}}).set(-7);
  r.gauge("queue_depth", {{"queue", "out"}}).set(12);
  auto text = to_prometheus(r);
  CAF_CHECK_EQUAL(text.back(), '\n');
  std::vector<std::string> expected = {
      "# TYPE big_total counter",
      "big_total 18446744073709551615",
      "# TYPE http_requests_total counter",
      "http_requests_total 1",
      "http_requests_total{method=\"GET\",route=\"/a\"} 3",
      "# TYPE queue_depth gauge",
      "queue_depth{queue=\"in\"} -7",
      "queue_depth{queue=\"out\"} 12",
  };
  auto lines = lines_of(text);
  CAF_REQUIRE_EQUAL(lines.size(), expected.size());
  for (size_t i = 0; i < lines.size(); ++i)
    CAF_CHECK_EQUAL(lines[i], expected[i]);
  CAF_CHECK_EQUAL(to_prometheus(r.collect()), text);
}

CAF_TEST(label values escape backslash quote and newline) {
  registry r;
  r.gauge("paths", {{"dir", "C:\\tmp"}, {"say", "\"hi\""}, {"text", "one\ntwo"}}).set(1);
  auto lines = lines_of(to_prometheus(r));
  // The newline in the value must not split the sample line.
  CAF_REQUIRE_EQUAL(lines.size(), 2u);
  CAF_CHECK_EQUAL(lines[0], "# TYPE paths gauge");
  CAF_CHECK_EQUAL(lines[1], R"(paths{dir="C:\\tmp",say="\"hi\"",text="one\ntwo"} 1)");
}

CAF_TEST(histograms get cumulative buckets in seconds with sum and count) {
  registry r;
  auto& h = r.histogram("request_latency", {{"route", "/a"}, {"method", "GET"}});
  // Every value lies well inside one bound (no source bucket straddles one).
  for (int64_t ns : {50'000, 60'000, 300'000, 3'000'000, 2'000'000'000})
    h.record(ns);
  h.record(int64_t{20'000'000'000});  // above 10 s: only in +Inf
  auto lines = lines_of(to_prometheus(r));
  CAF_CHECK_EQUAL(count_of(lines, "# TYPE request_latency_seconds histogram"), 1u);
  CAF_CHECK_EQUAL(lines.size(), 1u + 17u + 2u);
  auto buckets = buckets_of(lines, "request_latency_seconds", "method=\"GET\",route=\"/a\",");
  CAF_REQUIRE_EQUAL(buckets.size(), all_le.size());
  //                             .0001 .00025 .0005 .001 .0025 .005 .01 .025 .05 .1
  std::vector<uint64_t> expected = {2, 2, 3, 3, 3, 4, 4, 4, 4, 4,
                                    //.25 .5  1  2.5  5  10  +Inf
                                    4, 4, 4, 5, 5, 5, 6};
  for (size_t i = 0; i < buckets.size(); ++i) {
    CAF_CHECK_EQUAL(buckets[i].le, all_le[i]);
    CAF_CHECK_EQUAL(buckets[i].count, expected[i]);
    if (i > 0)
      CAF_CHECK(buckets[i - 1].count <= buckets[i].count);
  }
  // The exact text, with `le` after the other labels.
  CAF_CHECK_EQUAL(
      count_of(lines,
               "request_latency_seconds_bucket{method=\"GET\",route=\"/a\",le=\"0.0001\"} 2"),
      1u);
  CAF_CHECK_EQUAL(count_of(lines, "request_latency_seconds_count{method=\"GET\",route=\"/a\"} 6"),
                  1u);
  CAF_CHECK_EQUAL(static_cast<double>(buckets.back().count),
                  value_of(lines, "request_latency_seconds_count{method=\"GET\",route=\"/a\"}"));
  // 22,003,410,000 ns.
  CAF_CHECK_EQUAL(
      count_of(lines, "request_latency_seconds_sum{method=\"GET\",route=\"/a\"} 22.00341"), 1u);
  CAF_CHECK_EQUAL(value_of(lines, "request_latency_seconds_sum{method=\"GET\",route=\"/a\"}"),
                  22.00341);
}

CAF_TEST(histogram names gain a _seconds suffix unless they have one) {
  registry r;
  r.histogram("db_write").record(1);
  r.histogram("request_seconds").record(1);
  auto lines = lines_of(to_prometheus(r));
  CAF_CHECK_EQUAL(count_of(lines, "# TYPE db_write_seconds histogram"), 1u);
  CAF_CHECK_EQUAL(count_of(lines, "# TYPE request_seconds histogram"), 1u);
  CAF_CHECK_EQUAL(count_of(lines, "db_write_seconds_count 1"), 1u);
  CAF_CHECK_EQUAL(count_of(lines, "request_seconds_count 1"), 1u);
  CAF_CHECK_EQUAL(count_of(lines, "request_seconds_seconds_count 1"), 0u);
  CAF_CHECK_EQUAL(count_of(lines, "db_write_seconds_sum 0.000000001"), 1u);
  // Without labels, `le` is the only label.
  CAF_CHECK_EQUAL(count_of(lines, "db_write_seconds_bucket{le=\"0.0001\"} 1"), 1u);
  CAF_CHECK_EQUAL(buckets_of(lines, "request_seconds", "").size(), all_le.size());
}

CAF_TEST(a bucket counts only values at or below its bound) {
  registry r;
  // 1 ms exactly, the largest value: counted at le="0.001".
  r.histogram("at_bound").record(1'000'000);
  // 1.0004 ms shares a 3-digit source bucket with 1 ms, so both move to the
  // next bound rather than count a value above 0.001 s at le="0.001".
  r.histogram("above_bound").record(1'000'000);
  r.histogram("above_bound").record(1'000'400);
  auto lines = lines_of(to_prometheus(r));
  CAF_CHECK_EQUAL(count_of(lines, "at_bound_seconds_bucket{le=\"0.0005\"} 0"), 1u);
  CAF_CHECK_EQUAL(count_of(lines, "at_bound_seconds_bucket{le=\"0.001\"} 1"), 1u);
  CAF_CHECK_EQUAL(count_of(lines, "above_bound_seconds_bucket{le=\"0.001\"} 0"), 1u);
  CAF_CHECK_EQUAL(count_of(lines, "above_bound_seconds_bucket{le=\"0.0025\"} 2"), 1u);
  CAF_CHECK_EQUAL(count_of(lines, "above_bound_seconds_sum 0.0020004"), 1u);
}

CAF_TEST(an empty histogram prints zeros) {
  registry r;
  r.histogram("idle", {{"pool", "x"}});
  auto lines = lines_of(to_prometheus(r));
  CAF_REQUIRE_EQUAL(lines.size(), 1u + 17u + 2u);
  CAF_CHECK_EQUAL(lines[0], "# TYPE idle_seconds histogram");
  auto buckets = buckets_of(lines, "idle_seconds", "pool=\"x\",");
  CAF_CHECK_EQUAL(buckets.size(), all_le.size());
  for (const auto& b : buckets)
    CAF_CHECK_EQUAL(b.count, 0u);
  CAF_CHECK_EQUAL(lines[17], "idle_seconds_bucket{pool=\"x\",le=\"+Inf\"} 0");
  CAF_CHECK_EQUAL(lines[18], "idle_seconds_sum{pool=\"x\"} 0");
  CAF_CHECK_EQUAL(lines[19], "idle_seconds_count{pool=\"x\"} 0");
}
