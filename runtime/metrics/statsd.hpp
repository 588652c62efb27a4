// The statsD wire format, without any I/O: formatting counter, gauge and timer
// lines (plain statsD or DogStatsD tags), packing them into UDP-sized packets,
// deciding which sampled values to send, and summarizing a histogram over a
// report interval. `statsd_client` (statsd_client.hpp) puts these on a socket.
//
// Threading: `statsd_formatter` and the free functions are pure and
// thread-safe; `statsd_sampler` is lock-free and thread-safe; a
// `statsd_batcher` belongs to one thread. No CAF dependency.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>

#include "runtime/metrics/histogram_snapshot.hpp"
#include "runtime/metrics/registry.hpp"

namespace griddle::metrics {

/// The default maximum packet size: 1500 (Ethernet MTU) minus IPv6 and UDP
/// headers (48) minus 20 bytes of headroom for tunnels.
constexpr size_t statsd_default_mtu = 1432;

// -- names --------------------------------------------------------------------

/// Replaces every character statsD or DogStatsD reserves (':', '|', '@', '#',
/// ',') and every space or control character (newline, tab, ...) with '_'.
std::string statsd_sanitize(std::string_view x);

/// Turns `x` into one plain-statsD name segment: keeps ASCII letters, digits,
/// '_' and '-', collapses runs of anything else into one '_' and trims '_' at
/// both ends, so "/v1/feed" gives "v1_feed". Gives "_" when nothing remains.
std::string statsd_segment(std::string_view x);

/// The name a latency histogram's statistics go under: `name` without a unit
/// suffix (`_ns`, `_us`, `_ms`, `_seconds`) plus `_ms`, because statsD carries
/// durations in milliseconds: "griddle_entity_message_latency_ns" gives
/// "griddle_entity_message_latency_ms".
std::string statsd_histogram_name(std::string_view name);

// -- lines --------------------------------------------------------------------

/// Formats statsD lines (without a trailing newline) for one name prefix and
/// one label mode:
/// - plain (`tags == false`): labels become name segments, in the order given
///   (the registry sorts them by name): `prefix + name + ".key.value"...`;
/// - DogStatsD (`tags == true`): labels become `|#key:value,...` after the
///   type and sample rate.
/// Names and the prefix pass through `statsd_sanitize`; in plain mode label
/// keys and values pass through `statsd_segment`, in tag mode through
/// `statsd_sanitize`.
class statsd_formatter {
 public:
  explicit statsd_formatter(std::string prefix = "griddle.", bool tags = false);

  /// The full statsD name of metric `name` with labels `l` (labels folded in
  /// only in plain mode).
  std::string stat_name(std::string_view name, const labels& l = {}) const;

  /// `stat:delta|c`, plus `|@rate` when 0 < `rate` < 1.
  std::string counter(std::string_view name, int64_t delta, double rate = 1.0,
                      const labels& l = {}) const;

  /// `stat:value|g`. statsD reads a leading sign as a change to the current
  /// value, so a negative value gives two lines, `stat:0|g` and
  /// `stat:-5|g`, separated by '\n' (send them in one packet, in order).
  /// Integers are sent exactly (as `int64_t`); floating-point values in the
  /// shortest fixed notation ("1.25"), nothing (an empty string) when not
  /// finite.
  template <class T, class = std::enable_if_t<std::is_arithmetic_v<T>>>
  std::string gauge(std::string_view name, T value, const labels& l = {}) const {
    if constexpr (std::is_integral_v<T>)
      return integer_gauge(name, static_cast<int64_t>(value), l);
    else
      return real_gauge(name, static_cast<double>(value), l);
  }

  /// `stat:ms|ms`, plus `|@rate` when 0 < `rate` < 1. Negative durations count
  /// as 0; empty (nothing to send) when `ms` is not finite.
  std::string timer(std::string_view name, double ms, double rate = 1.0,
                    const labels& l = {}) const;

  const std::string& prefix() const noexcept { return prefix_; }
  bool tags() const noexcept { return tags_; }

 private:
  std::string line(std::string_view name, const labels& l, std::string_view value_text,
                   std::string_view type, double rate) const;
  std::string integer_gauge(std::string_view name, int64_t value, const labels& l) const;
  std::string real_gauge(std::string_view name, double value, const labels& l) const;

  std::string prefix_;
  bool tags_;
};

// -- packets ------------------------------------------------------------------

/// Packs entries into packets of at most `mtu` bytes, entries separated by
/// '\n' (no trailing newline), and hands each finished packet to a sink. An
/// entry is one line or several lines that must travel together (a negative
/// gauge); it is never split across packets. An entry longer than the MTU is
/// dropped and counted in `oversized()`.
class statsd_batcher {
 public:
  using sink = std::function<void(std::string_view packet)>;

  /// Throws `std::invalid_argument` when `mtu` is 0.
  statsd_batcher(size_t mtu, sink out);

  /// Appends `entry` to the current packet, first sending the current packet
  /// when `entry` does not fit any more. Returns false, sending nothing, when
  /// `entry` alone exceeds the MTU. Ignores an empty entry.
  bool add(std::string_view entry);

  /// Sends the current packet, if any.
  void flush();

  size_t mtu() const noexcept { return mtu_; }

  /// Entries dropped for being longer than the MTU.
  uint64_t oversized() const noexcept { return oversized_; }

 private:
  size_t mtu_;
  sink out_;
  std::string packet_;
  uint64_t oversized_ = 0;
};

// -- sampling -----------------------------------------------------------------

/// Whether a value sampled at `rate` is sent, given `uniform` drawn from
/// [0, 1): always when `rate >= 1`, never when `rate <= 0` (or NaN), else
/// when `uniform < rate`.
constexpr bool statsd_should_send(double rate, double uniform) noexcept {
  if (rate >= 1.0)
    return true;
  if (!(rate > 0.0))
    return false;
  return uniform < rate;
}

/// A source of sampling decisions: splitmix64 over an atomic counter, so the
/// same seed gives the same sequence of decisions (in one thread), and any
/// number of threads may draw concurrently without a lock.
class statsd_sampler {
 public:
  explicit statsd_sampler(uint64_t seed) noexcept : state_(seed) {}

  /// The next number, uniform in [0, 1).
  double next() noexcept;

  /// `statsd_should_send(rate, next())`; draws nothing when `rate >= 1`.
  bool sample(double rate) noexcept { return rate >= 1.0 || statsd_should_send(rate, next()); }

 private:
  std::atomic<uint64_t> state_;
};

// -- histograms ---------------------------------------------------------------

/// A histogram's values recorded between two snapshots, in nanoseconds.
struct statsd_interval_summary {
  uint64_t count = 0;
  int64_t p50 = 0;
  int64_t p99 = 0;
  int64_t max = 0;
};

/// Summarizes the values `current` holds beyond `previous` (an earlier
/// snapshot of the same histogram; empty for "since the start"), per bucket
/// with 3 significant digits: nearest-rank p50 and p99 and the largest value,
/// each clamped to `current.max()`. All zero when nothing was recorded.
statsd_interval_summary summarize_interval(const histogram_snapshot& previous,
                                           const histogram_snapshot& current);

}  // namespace griddle::metrics
