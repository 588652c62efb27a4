#include "bench/load/load_results.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "bench/seed/progress_bar.hpp"

namespace griddle::bench::load {

namespace {

constexpr double percentiles[] = {50, 90, 99, 99.9, 99.99};
constexpr const char* percentile_names[] = {"p50", "p90", "p99", "p99.9", "p99.99"};

double rounded_ms(int64_t ns) {
  return std::stod(format_ms(ns));
}

nlohmann::json latency_json(const kind_results& k) {
  nlohmann::json j{
      {"count", k.latency.count()}, {"responses", k.responses}, {"errors", k.errors()}};
  for (size_t i = 0; i < std::size(percentiles); ++i)
    j[percentile_names[i]] = rounded_ms(k.latency.value_at_percentile(percentiles[i]));
  j["max"] = rounded_ms(k.latency.max());
  j["mean"] = rounded_ms(static_cast<int64_t>(k.latency.mean()));
  return j;
}

void print_row(std::FILE* out, const char* name, const kind_results& k) {
  std::fprintf(out, "%-9s %10s", name, with_commas(k.latency.count()).c_str());
  for (auto p : percentiles)
    std::fprintf(out, " %9s", format_ms(k.latency.value_at_percentile(p)).c_str());
  std::fprintf(out, " %9s %8s\n", format_ms(k.latency.max()).c_str(),
               with_commas(k.errors()).c_str());
}

}  // namespace

// -- kind_results and load_results ---------------------------------------------

uint64_t kind_results::errors() const noexcept {
  auto n = io_errors + timeouts;
  for (auto& [status, count] : http_errors)
    n += count;
  return n;
}

void kind_results::merge(const kind_results& other) {
  latency.merge(other.latency);
  responses += other.responses;
  io_errors += other.io_errors;
  timeouts += other.timeouts;
  for (auto& [status, count] : other.http_errors)
    http_errors[status] += count;
}

kind_results load_results::overall() const {
  kind_results all;
  for (auto& k : kinds)
    all.merge(k);
  return all;
}

kind_results load_results::group(bool writes) const {
  kind_results merged;
  for (size_t i = 0; i < kinds.size(); ++i)
    if (is_write(static_cast<request_kind>(i)) == writes)
      merged.merge(kinds[i]);
  return merged;
}

bool load_results::mixed() const {
  auto seen = [](const kind_results& k) { return k.responses + k.errors() > 0; };
  return seen(group(true)) && seen(group(false));
}

double load_results::achieved_rate() const noexcept {
  uint64_t responses = 0;
  for (auto& k : kinds)
    responses += k.responses;
  return seconds > 0 ? static_cast<double>(responses) / seconds : 0.0;
}

uint64_t load_results::errors() const {
  return overall().errors() + connect_errors + unsent;
}

void load_results::merge(const load_results& other) {
  for (size_t i = 0; i < kinds.size(); ++i)
    kinds[i].merge(other.kinds[i]);
  connect_errors += other.connect_errors;
  unsent += other.unsent;
  sent += other.sent;
  seconds = std::max(seconds, other.seconds);
}

// -- rendering ------------------------------------------------------------------

std::string format_ms(int64_t ns) {
  auto ms = static_cast<double>(ns) / 1e6;
  if (ms <= 0)
    return "0";
  auto magnitude = static_cast<int>(std::floor(std::log10(ms)));
  auto scale = std::pow(10.0, 2 - magnitude);
  auto rounded = std::round(ms * scale) / scale;
  if (rounded >= std::pow(10.0, magnitude + 1))  // 9.996 -> 10.0: one digit more
    ++magnitude;
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%.*f", std::max(0, 2 - magnitude), rounded);
  return buf;
}

int64_t percentile_between(const metrics::histogram_snapshot& later,
                           const metrics::histogram_snapshot& earlier, double p) {
  std::vector<std::pair<int64_t, uint64_t>> before;
  earlier.for_each_bucket([&](int64_t bound, uint64_t n) { before.emplace_back(bound, n); });
  std::vector<std::pair<int64_t, uint64_t>> delta;
  size_t j = 0;
  later.for_each_bucket([&](int64_t bound, uint64_t n) {
    while (j < before.size() && before[j].first < bound)
      ++j;
    auto old = j < before.size() && before[j].first == bound ? before[j].second : 0;
    if (n > old)
      delta.emplace_back(bound, n - old);
  });
  uint64_t total = 0;
  for (auto& d : delta)
    total += d.second;
  if (total == 0)
    return 0;
  p = std::clamp(p, 0.0, 100.0);
  auto rank = std::max<uint64_t>(
      1, static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(total))));
  uint64_t seen = 0;
  for (auto& d : delta)
    if ((seen += d.second) >= rank)
      return std::min(d.first, later.max());
  return later.max();
}

void print_results(std::FILE* out, const load_results& r, const run_description& d) {
  std::fprintf(out, "\n%s %s: %s, %zu connections, %zu thread%s%s, %.3g s after %.3g s warm-up\n",
               d.closed ? "closed loop" : "open loop", d.url.c_str(),
               d.closed ? "as fast as answered"
                        : (with_commas(static_cast<uint64_t>(d.rate)) + " req/s scheduled").c_str(),
               d.connections, d.threads, d.threads == 1 ? "" : "s",
               d.pipeline > 1 ? (", pipeline " + std::to_string(d.pipeline)).c_str() : "",
               d.duration, d.warmup);
  std::fprintf(out, "mix %s, %zu users\n\n", d.mix.c_str(), d.users);
  std::fprintf(out, "%-9s %10s %9s %9s %9s %9s %9s %9s %8s\n", "kind", "count", "p50", "p90", "p99",
               "p99.9", "p99.99", "max (ms)", "errors");
  for (size_t i = 0; i < r.kinds.size(); ++i)
    if (r.kinds[i].responses + r.kinds[i].errors() > 0)
      print_row(out, to_string(static_cast<request_kind>(i)), r.kinds[i]);
  if (r.mixed()) {
    print_row(out, "reads", r.group(false));
    print_row(out, "writes", r.group(true));
  }
  auto all = r.overall();
  print_row(out, "all", all);
  std::fprintf(out, "\nachieved %s responses/s over %.2f s (%s sent",
               with_commas(static_cast<uint64_t>(std::llround(r.achieved_rate()))).c_str(),
               r.seconds, with_commas(r.sent).c_str());
  if (!d.closed)
    std::fprintf(out, "; target %s/s", with_commas(static_cast<uint64_t>(d.rate)).c_str());
  std::fprintf(out, ")\nerrors: connect %s, read/write %s, timeout %s (%s never sent)",
               with_commas(r.connect_errors).c_str(), with_commas(all.io_errors).c_str(),
               with_commas(all.timeouts + r.unsent).c_str(), with_commas(r.unsent).c_str());
  for (auto& [status, count] : all.http_errors)
    std::fprintf(out, ", http %d: %s", status, with_commas(count).c_str());
  std::fprintf(out, "\n");
}

nlohmann::json results_json(const load_results& r, const run_description& d) {
  nlohmann::json j;
  j["run"] = {{"mode", d.closed ? "closed" : "open"},
              {"url", d.url},
              {"duration_s", d.duration},
              {"warmup_s", d.warmup},
              {"connections", d.connections},
              {"threads", d.threads},
              {"pipeline", d.pipeline},
              {"users", d.users},
              {"mix", d.mix}};
  if (!d.closed)
    j["run"]["rate"] = d.rate;
  auto all = r.overall();
  j["sent"] = r.sent;
  j["responses"] = all.responses;
  j["seconds"] = r.seconds;
  j["achieved_rate"] = r.achieved_rate();
  j["latency_ms"]["all"] = latency_json(all);
  for (size_t i = 0; i < r.kinds.size(); ++i)
    if (r.kinds[i].responses + r.kinds[i].errors() > 0)
      j["latency_ms"][to_string(static_cast<request_kind>(i))] = latency_json(r.kinds[i]);
  if (r.mixed()) {
    j["latency_ms"]["reads"] = latency_json(r.group(false));
    j["latency_ms"]["writes"] = latency_json(r.group(true));
  }
  nlohmann::json http = nlohmann::json::object();
  for (auto& [status, count] : all.http_errors)
    http[std::to_string(status)] = count;
  j["errors"] = {{"total", r.errors()},         {"connect", r.connect_errors},
                 {"read_write", all.io_errors}, {"timeout", all.timeouts + r.unsent},
                 {"never_sent", r.unsent},      {"http", http}};
  return j;
}

}  // namespace griddle::bench::load
