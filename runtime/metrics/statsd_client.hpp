// Ships metrics to a statsD (or DogStatsD) agent over UDP. A `statsd_client`
// owns one background thread and one connected UDP socket. Its hot-path calls
// (`count`, `gauge`, `timing`) only format a line and append it to a bounded
// queue under a mutex: they never wait for I/O, and when the queue is full
// they drop the line and count it. The thread packs queued lines into packets
// of at most `mtu` bytes, sends a packet when it is full and everything at
// least every `flush_interval`, and every `report_interval` reports the
// registry (`statsd_reporter`). Send errors are counted, never thrown.
//
// Threading: every public member function of `statsd_client` is thread-safe;
// the client must not outlive the registry it reports. Metrics of its own
// (in that registry): `griddle_statsd_dropped_total{reason="queue_full"|
// "oversized"}`, `griddle_statsd_packets_total`,
// `griddle_statsd_send_errors_total`. No CAF dependency.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "runtime/metrics/registry.hpp"
#include "runtime/metrics/statsd.hpp"

namespace griddle::metrics {

/// Where the statsD agent listens.
struct statsd_address {
  std::string host;
  uint16_t port = 0;
};

/// Parses "host:port", "10.0.0.7:8125" or "[::1]:8125" (IPv6 literals need
/// the brackets). Throws `std::invalid_argument`, naming the input and the
/// problem, for an empty host, a missing or malformed port, a port outside
/// 1-65535, an unbracketed IPv6 address or whitespace.
statsd_address parse_statsd_address(std::string_view text);

/// Settings of a `statsd_client`.
struct statsd_config {
  std::string host = "127.0.0.1";
  uint16_t port = 8125;
  /// Prepended to every name.
  std::string prefix = "griddle.";
  /// Largest packet in bytes; longer lines are dropped, never split.
  size_t mtu = statsd_default_mtu;
  /// true: labels as DogStatsD tags (`|#key:value`); false: as name segments.
  bool tags = false;
  /// Longest time a queued line waits before it is sent (must be positive).
  std::chrono::milliseconds flush_interval{1000};
  /// How often the registry is reported; 0 turns the reporter off.
  std::chrono::milliseconds report_interval{10000};
  /// Most lines waiting to be sent; further lines are dropped and counted.
  size_t queue_capacity = 8192;
  /// Seed of the sampling decisions; 0 seeds from `std::random_device`.
  uint64_t sample_seed = 0;
};

/// What a client has done since it started.
struct statsd_stats {
  /// Lines dropped because the queue was full.
  uint64_t queue_full = 0;
  /// Lines dropped because they were longer than the MTU.
  uint64_t oversized = 0;
  /// Packets handed to the kernel.
  uint64_t packets = 0;
  /// Packets the kernel refused (ECONNREFUSED after an ICMP port unreachable,
  /// a full socket buffer, ...); not retried.
  uint64_t send_errors = 0;

  uint64_t dropped() const noexcept { return queue_full + oversized; }
};

/// Turns successive registry collections into statsD entries. Counters become
/// deltas since the previous call (`|c`, none when unchanged); gauges their
/// value (`|g`); a histogram, named by `statsd_histogram_name`, the number of
/// values recorded since the previous call (`NAME.count|c`) and, when there
/// were any, their p50, p99 and maximum in milliseconds as gauges
/// (`NAME.p50|g`, `NAME.p99|g`, `NAME.max|g`). Gauges, not timers: the values
/// are already aggregated, and a timer would make the agent aggregate them
/// again (percentiles of percentiles, a count of 3 per report). The first call
/// reports everything since the metric was created. Not thread-safe.
class statsd_reporter {
 public:
  explicit statsd_reporter(statsd_formatter fmt);

  /// The entries for `samples` (as `registry::collect()` returns them), each
  /// one line or a negative gauge's two; remembers values for the next call.
  std::vector<std::string> report(std::vector<metric_sample> samples);

 private:
  using key = std::pair<std::string, labels>;

  statsd_formatter fmt_;
  std::map<key, uint64_t> counters_;
  std::map<key, histogram_snapshot> histograms_;
};

/// A statsD sender with its own thread, socket and queue; see the top of the
/// file.
class statsd_client {
 public:
  /// Resolves `cfg.host` (blocking: call at startup, not on an actor or I/O
  /// thread), connects a UDP socket and starts the thread. Throws
  /// `std::invalid_argument` for an invalid `cfg` (empty host, port 0, MTU 0,
  /// queue capacity 0, non-positive flush interval, negative report
  /// interval) and `std::runtime_error` when the host does not resolve or no
  /// socket can be opened.
  statsd_client(statsd_config cfg, registry& reg);

  /// `stop()`.
  ~statsd_client();

  statsd_client(const statsd_client&) = delete;
  statsd_client& operator=(const statsd_client&) = delete;

  // -- hot path: format and enqueue, never block on I/O -------------------------

  /// Adds `delta` to counter `name`; sent with probability `rate` and the
  /// suffix `|@rate` when 0 < `rate` < 1.
  void count(std::string_view name, int64_t delta, double rate = 1.0, const labels& tags = {}) {
    if (sampler_.sample(rate))
      enqueue(fmt_.counter(name, delta, rate, tags));
  }

  /// Sets gauge `name` to `value` (negative values included).
  template <class T, class = std::enable_if_t<std::is_arithmetic_v<T>>>
  void gauge(std::string_view name, T value, const labels& tags = {}) {
    enqueue(fmt_.gauge(name, value, tags));
  }

  /// Records a duration of `ms` milliseconds for timer `name`; sampled as in
  /// `count`.
  void timing(std::string_view name, double ms, double rate = 1.0, const labels& tags = {}) {
    if (sampler_.sample(rate))
      enqueue(fmt_.timer(name, ms, rate, tags));
  }

  /// As above, converting `d` to (fractional) milliseconds.
  void timing(std::string_view name, std::chrono::nanoseconds d, double rate = 1.0,
              const labels& tags = {}) {
    timing(name, static_cast<double>(d.count()) / 1e6, rate, tags);
  }

  // -- control ----------------------------------------------------------------

  /// Asks the thread to send everything queued now; does not wait.
  void flush();

  /// Asks the thread to report the registry now (and then send); does not
  /// wait. Works also when periodic reports are off.
  void request_report();

  /// Sends what is queued (after a last report, when periodic reports are on),
  /// joins the thread and ignores later lines. Idempotent.
  void stop();

  statsd_stats stats() const noexcept;

  const statsd_config& config() const noexcept { return cfg_; }

 private:
  void enqueue(std::string entry);
  void run();
  void report(statsd_batcher& out);
  void send_packet(std::string_view packet);
  void add_entry(statsd_batcher& out, std::string_view entry);

  const statsd_config cfg_;
  registry& registry_;
  const statsd_formatter fmt_;
  statsd_sampler sampler_;
  statsd_reporter reporter_;  // sender thread only
  metrics::counter& queue_full_total_;
  metrics::counter& oversized_total_;
  metrics::counter& packets_total_;
  metrics::counter& send_errors_total_;
  int fd_ = -1;
  // Per client: the registry counters are shared by clients of one registry.
  std::atomic<uint64_t> queue_full_{0};
  std::atomic<uint64_t> oversized_{0};
  std::atomic<uint64_t> packets_{0};
  std::atomic<uint64_t> send_errors_{0};

  std::mutex mtx_;  // guards the members up to thread_
  std::condition_variable wakeup_;
  std::vector<std::string> queue_;
  size_t queued_bytes_ = 0;
  bool stopping_ = false;
  bool flush_requested_ = false;
  bool report_requested_ = false;
  std::thread thread_;
};

/// Starts a client for `cfg` that reports `reg`; the entry point for
/// `--statsd host:port`. Throws as the `statsd_client` constructor does.
std::unique_ptr<statsd_client> start_statsd(const statsd_config& cfg,
                                            registry& reg = registry::global());

}  // namespace griddle::metrics
