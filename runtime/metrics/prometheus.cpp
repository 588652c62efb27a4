#include "runtime/metrics/prometheus.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <string_view>

namespace griddle::metrics {

namespace {

/// The finite `le` bounds in nanoseconds, from 100 us to 10 s; `+Inf` follows.
constexpr std::array<int64_t, 16> bucket_bounds_ns = {
    100'000,       250'000,       500'000,       1'000'000,     2'500'000,   5'000'000,
    10'000'000,    25'000'000,    50'000'000,    100'000'000,   250'000'000, 500'000'000,
    1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000};

constexpr std::string_view seconds_suffix = "_seconds";

/// Appends `x` in the shortest fixed notation that parses back to `x`, e.g.
/// "0.0001", "1", "2.5": no exponent, no trailing zeros.
void append_double(std::string& out, double x) {
  // Fixed notation of a double needs at most ~330 characters (denormals).
  std::array<char, 400> buf;
  auto res = std::to_chars(buf.data(), buf.data() + buf.size(), x, std::chars_format::fixed);
  out.append(buf.data(), res.ptr);
}

/// Nanoseconds to seconds; the division rounds correctly, so 100'000 ns gives
/// the double nearest 0.0001 and prints as "0.0001".
double to_seconds(int64_t ns) {
  return static_cast<double>(ns) / 1e9;
}

/// Appends `x` with `\`, `"` and newline escaped, as label values require.
void append_escaped(std::string& out, std::string_view x) {
  for (char c : x) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

/// Appends `{k="v",...}`, with `le="<le>"` last when `le` is not empty;
/// nothing when there are no labels at all.
void append_labels(std::string& out, const labels& l, std::string_view le = {}) {
  if (l.empty() && le.empty())
    return;
  out += '{';
  for (const auto& [key, value] : l) {
    out += key;
    out += "=\"";
    append_escaped(out, value);
    out += "\",";
  }
  if (!le.empty()) {
    out += "le=\"";
    out += le;
    out += "\",";
  }
  out.back() = '}';  // replaces the trailing comma
}

/// The name a sample's family is exported under.
std::string exported_name(const metric_sample& s) {
  if (s.kind != metric_kind::histogram)
    return s.name;
  auto n = std::string_view{s.name};
  if (n.size() >= seconds_suffix.size() &&
      n.substr(n.size() - seconds_suffix.size()) == seconds_suffix)
    return s.name;
  return s.name + std::string{seconds_suffix};
}

void append_histogram(std::string& out, const std::string& name, const metric_sample& s) {
  const auto& h = s.histogram;
  // Per-bound (non-cumulative) counts; index 16 is +Inf. No bucket holds a
  // value above max(), so min(upper_bound, max()) is a tighter inclusive bound.
  std::array<uint64_t, bucket_bounds_ns.size() + 1> counts{};
  h.for_each_bucket([&](int64_t upper_bound, uint64_t n) {
    auto bound = std::min(upper_bound, h.max());
    auto i = std::lower_bound(bucket_bounds_ns.begin(), bucket_bounds_ns.end(), bound);
    counts[static_cast<size_t>(i - bucket_bounds_ns.begin())] += n;
  });
  uint64_t cumulative = 0;
  std::string le;
  for (size_t i = 0; i < counts.size(); ++i) {
    cumulative += counts[i];
    le.clear();
    if (i < bucket_bounds_ns.size())
      append_double(le, to_seconds(bucket_bounds_ns[i]));
    else
      le = "+Inf";
    out += name;
    out += "_bucket";
    append_labels(out, s.labels, le);
    out += ' ';
    out += std::to_string(cumulative);
    out += '\n';
  }
  out += name;
  out += "_sum";
  append_labels(out, s.labels);
  out += ' ';
  append_double(out, to_seconds(h.sum()));
  out += '\n';
  out += name;
  out += "_count";
  append_labels(out, s.labels);
  out += ' ';
  out += std::to_string(h.count());
  out += '\n';
}

}  // namespace

std::string to_prometheus(const std::vector<metric_sample>& samples) {
  std::string out;
  const metric_sample* previous = nullptr;
  for (const auto& s : samples) {
    auto name = exported_name(s);
    if (previous == nullptr || previous->name != s.name) {
      out += "# TYPE ";
      out += name;
      out += ' ';
      out += to_string(s.kind);
      out += '\n';
    }
    previous = &s;
    switch (s.kind) {
      case metric_kind::counter:
      case metric_kind::gauge:
        out += name;
        append_labels(out, s.labels);
        out += ' ';
        out += s.kind == metric_kind::counter ? std::to_string(s.counter_value)
                                              : std::to_string(s.gauge_value);
        out += '\n';
        break;
      case metric_kind::histogram:
        append_histogram(out, name, s);
        break;
    }
  }
  return out;
}

std::string to_prometheus(const registry& r) {
  return to_prometheus(r.collect());
}

}  // namespace griddle::metrics
