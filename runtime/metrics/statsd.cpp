#include "runtime/metrics/statsd.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

namespace griddle::metrics {

namespace {

bool is_reserved(char c) noexcept {
  auto u = static_cast<unsigned char>(c);
  return c == ':' || c == '|' || c == '@' || c == '#' || c == ',' || u <= 0x20 || u == 0x7f;
}

bool is_segment_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

/// Appends `x` in the shortest fixed notation that parses back to `x` ("0.1",
/// "1.25", "3"): statsD servers parse fixed notation everywhere, exponents
/// not always.
void append_fixed(std::string& out, double x) {
  // Fixed notation of a double needs at most ~330 characters (denormals).
  std::array<char, 400> buf;
  auto res = std::to_chars(buf.data(), buf.data() + buf.size(), x, std::chars_format::fixed);
  out.append(buf.data(), res.ptr);
}

std::string fixed(double x) {
  std::string result;
  append_fixed(result, x);
  return result;
}

/// The non-empty buckets of `x` as (upper bound, count), ascending.
std::vector<std::pair<int64_t, uint64_t>> buckets_of(const histogram_snapshot& x) {
  std::vector<std::pair<int64_t, uint64_t>> result;
  x.for_each_bucket([&](int64_t bound, uint64_t n) { result.emplace_back(bound, n); });
  return result;
}

}  // namespace

// -- names --------------------------------------------------------------------

std::string statsd_sanitize(std::string_view x) {
  std::string result{x};
  std::replace_if(result.begin(), result.end(), is_reserved, '_');
  return result;
}

std::string statsd_segment(std::string_view x) {
  std::string result;
  result.reserve(x.size());
  for (char c : x) {
    if (is_segment_char(c))
      result += c;
    else if (result.empty() || result.back() != '_')
      result += '_';
  }
  auto first = result.find_first_not_of('_');
  if (first == std::string::npos)
    return "_";
  auto last = result.find_last_not_of('_');
  return result.substr(first, last - first + 1);
}

std::string statsd_histogram_name(std::string_view name) {
  for (std::string_view unit : {"_ns", "_us", "_ms", "_seconds"}) {
    if (name.size() > unit.size() && name.substr(name.size() - unit.size()) == unit) {
      name.remove_suffix(unit.size());
      break;
    }
  }
  return std::string{name} + "_ms";
}

// -- lines --------------------------------------------------------------------

statsd_formatter::statsd_formatter(std::string prefix, bool tags)
    : prefix_(statsd_sanitize(prefix)), tags_(tags) {}

std::string statsd_formatter::stat_name(std::string_view name, const labels& l) const {
  auto result = prefix_ + statsd_sanitize(name);
  if (!tags_) {
    for (const auto& [key, value] : l) {
      result += '.';
      result += statsd_segment(key);
      result += '.';
      result += statsd_segment(value);
    }
  }
  return result;
}

std::string statsd_formatter::line(std::string_view name, const labels& l,
                                   std::string_view value_text, std::string_view type,
                                   double rate) const {
  auto result = stat_name(name, l);
  result += ':';
  result += value_text;
  result += '|';
  result += type;
  if (rate > 0.0 && rate < 1.0) {
    result += "|@";
    append_fixed(result, rate);
  }
  if (tags_ && !l.empty()) {
    result += "|#";
    for (const auto& [key, value] : l) {
      result += statsd_sanitize(key);
      result += ':';
      result += statsd_sanitize(value);
      result += ',';
    }
    result.pop_back();  // the trailing comma
  }
  return result;
}

std::string statsd_formatter::counter(std::string_view name, int64_t delta, double rate,
                                      const labels& l) const {
  return line(name, l, std::to_string(delta), "c", rate);
}

std::string statsd_formatter::integer_gauge(std::string_view name, int64_t value,
                                            const labels& l) const {
  if (value >= 0)
    return line(name, l, std::to_string(value), "g", 1.0);
  return line(name, l, "0", "g", 1.0) + '\n' + line(name, l, std::to_string(value), "g", 1.0);
}

std::string statsd_formatter::real_gauge(std::string_view name, double value,
                                         const labels& l) const {
  if (!std::isfinite(value))
    return {};
  if (value == 0.0)
    value = 0.0;  // -0.0 would print as "-0", a delta
  if (value >= 0.0)
    return line(name, l, fixed(value), "g", 1.0);
  return line(name, l, "0", "g", 1.0) + '\n' + line(name, l, fixed(value), "g", 1.0);
}

std::string statsd_formatter::timer(std::string_view name, double ms, double rate,
                                    const labels& l) const {
  if (!std::isfinite(ms))
    return {};
  return line(name, l, fixed(ms > 0.0 ? ms : 0.0), "ms", rate);
}

// -- packets ------------------------------------------------------------------

statsd_batcher::statsd_batcher(size_t mtu, sink out) : mtu_(mtu), out_(std::move(out)) {
  if (mtu_ == 0)
    throw std::invalid_argument("statsd: the MTU must be at least 1 byte");
  packet_.reserve(mtu_);
}

bool statsd_batcher::add(std::string_view entry) {
  if (entry.empty())
    return true;
  if (entry.size() > mtu_) {
    ++oversized_;
    return false;
  }
  if (!packet_.empty() && packet_.size() + 1 + entry.size() > mtu_)
    flush();
  if (!packet_.empty())
    packet_ += '\n';
  packet_ += entry;
  return true;
}

void statsd_batcher::flush() {
  if (packet_.empty())
    return;
  out_(packet_);
  packet_.clear();
}

// -- sampling -----------------------------------------------------------------

double statsd_sampler::next() noexcept {
  // splitmix64 (Steele, Lea, Flood 2014): a Weyl sequence through a mixer.
  auto z = state_.fetch_add(0x9e3779b97f4a7c15, std::memory_order_relaxed) + 0x9e3779b97f4a7c15;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  z ^= z >> 31;
  // The top 53 bits, scaled to [0, 1).
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

// -- histograms ---------------------------------------------------------------

statsd_interval_summary summarize_interval(const histogram_snapshot& previous,
                                           const histogram_snapshot& current) {
  // Both bucket lists ascend by bound; a histogram only grows, so `previous`
  // holds no bucket `current` lacks and no count above `current`'s.
  auto old_buckets = buckets_of(previous);
  std::vector<std::pair<int64_t, uint64_t>> delta;
  auto i = old_buckets.begin();
  statsd_interval_summary result;
  current.for_each_bucket([&](int64_t bound, uint64_t n) {
    while (i != old_buckets.end() && i->first < bound)
      ++i;
    uint64_t before = i != old_buckets.end() && i->first == bound ? i->second : 0;
    if (n > before) {
      delta.emplace_back(bound, n - before);
      result.count += n - before;
    }
  });
  if (result.count == 0)
    return result;
  auto at_rank = [&](double p) {
    auto rank = static_cast<uint64_t>(std::ceil(p * static_cast<double>(result.count) / 100.0));
    rank = std::clamp(rank, uint64_t{1}, result.count);
    uint64_t seen = 0;
    for (const auto& [bound, n] : delta) {
      seen += n;
      if (seen >= rank)
        return std::min(bound, current.max());
    }
    return current.max();
  };
  result.p50 = at_rank(50.0);
  result.p99 = at_rank(99.0);
  result.max = std::min(delta.back().first, current.max());
  return result;
}

}  // namespace griddle::metrics
