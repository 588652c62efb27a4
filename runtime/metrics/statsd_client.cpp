#include "runtime/metrics/statsd_client.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <random>
#include <stdexcept>

namespace griddle::metrics {

namespace {

using clock_type = std::chrono::steady_clock;

[[noreturn]] void bad_address(std::string_view text, const std::string& why) {
  throw std::invalid_argument("invalid statsd address '" + std::string{text} + "': " + why +
                              " (expected host:port or [ipv6]:port, e.g. 127.0.0.1:8125)");
}

uint16_t parse_port(std::string_view text, std::string_view port) {
  if (port.empty())
    bad_address(text, "missing port");
  if (port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
    bad_address(text, "port '" + std::string{port} + "' is not a number from 1 to 65535");
  auto value = std::stoul(std::string{port});
  if (value == 0 || value > 65535)
    bad_address(text, "port " + std::string{port} + " is not in 1-65535");
  return static_cast<uint16_t>(value);
}

uint64_t seed_of(const statsd_config& cfg) {
  if (cfg.sample_seed != 0)
    return cfg.sample_seed;
  std::random_device rd;
  return (uint64_t{rd()} << 32) ^ rd();
}

const statsd_config& validated(const statsd_config& cfg) {
  auto fail = [](const char* why) { throw std::invalid_argument(std::string{"statsd: "} + why); };
  if (cfg.host.empty())
    fail("the host is empty");
  if (cfg.port == 0)
    fail("the port must be in 1-65535");
  if (cfg.mtu == 0)
    fail("the MTU must be at least 1 byte");
  if (cfg.queue_capacity == 0)
    fail("the queue capacity must be at least 1 line");
  if (cfg.flush_interval.count() <= 0)
    fail("the flush interval must be positive");
  if (cfg.report_interval.count() < 0)
    fail("the report interval must not be negative");
  return cfg;
}

/// A UDP socket connected to `host:port` (the first address of any family
/// that works), so that `send` reports ICMP errors as ECONNREFUSED.
int connect_udp(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  auto service = std::to_string(port);
  if (auto rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
    throw std::runtime_error("statsd: cannot resolve '" + host + "': " + ::gai_strerror(rc));
  int fd = -1;
  int last_errno = 0;
  for (auto* ai = found; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_errno = errno;
      continue;
    }
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      last_errno = errno;
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0)
    throw std::runtime_error("statsd: cannot open a UDP socket to " + host + ":" + service + ": " +
                             std::generic_category().message(last_errno));
  return fd;
}

}  // namespace

// -- address ------------------------------------------------------------------

statsd_address parse_statsd_address(std::string_view text) {
  if (text.empty())
    bad_address(text, "empty");
  if (std::any_of(text.begin(), text.end(),
                  [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }))
    bad_address(text, "contains whitespace");
  statsd_address result;
  std::string_view port;
  if (text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos)
      bad_address(text, "missing ']' after the IPv6 address");
    result.host = std::string{text.substr(1, close - 1)};
    if (close + 1 >= text.size() || text[close + 1] != ':')
      bad_address(text, "missing ':port' after ']'");
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
      bad_address(text, "missing port");
    if (text.find(':') != colon)
      bad_address(text, "an IPv6 address needs brackets, e.g. [::1]:8125");
    result.host = std::string{text.substr(0, colon)};
    port = text.substr(colon + 1);
  }
  if (result.host.empty())
    bad_address(text, "empty host");
  result.port = parse_port(text, port);
  return result;
}

// -- reporter -----------------------------------------------------------------

statsd_reporter::statsd_reporter(statsd_formatter fmt) : fmt_(std::move(fmt)) {}

std::vector<std::string> statsd_reporter::report(std::vector<metric_sample> samples) {
  std::vector<std::string> result;
  for (auto& s : samples) {
    switch (s.kind) {
      case metric_kind::counter: {
        auto& last = counters_[key{s.name, s.labels}];
        // A counter never goes down; tolerate it anyway (a fresh registry).
        auto delta = s.counter_value >= last ? s.counter_value - last : s.counter_value;
        last = s.counter_value;
        if (delta > 0)
          result.push_back(fmt_.counter(s.name, static_cast<int64_t>(delta), 1.0, s.labels));
        break;
      }
      case metric_kind::gauge:
        result.push_back(fmt_.gauge(s.name, s.gauge_value, s.labels));
        break;
      case metric_kind::histogram: {
        auto& last = histograms_[key{s.name, s.labels}];
        auto summary = summarize_interval(last, s.histogram);
        last = std::move(s.histogram);
        if (summary.count == 0)
          break;
        auto base = statsd_histogram_name(s.name);
        auto ms = [](int64_t ns) { return static_cast<double>(ns) / 1e6; };
        result.push_back(
            fmt_.counter(base + ".count", static_cast<int64_t>(summary.count), 1.0, s.labels));
        result.push_back(fmt_.gauge(base + ".p50", ms(summary.p50), s.labels));
        result.push_back(fmt_.gauge(base + ".p99", ms(summary.p99), s.labels));
        result.push_back(fmt_.gauge(base + ".max", ms(summary.max), s.labels));
        break;
      }
    }
  }
  return result;
}

// -- client -------------------------------------------------------------------

statsd_client::statsd_client(statsd_config cfg, registry& reg)
    : cfg_(validated(cfg)),
      registry_(reg),
      fmt_(cfg_.prefix, cfg_.tags),
      sampler_(seed_of(cfg_)),
      reporter_(fmt_),
      queue_full_total_(reg.counter("griddle_statsd_dropped_total", {{"reason", "queue_full"}})),
      oversized_total_(reg.counter("griddle_statsd_dropped_total", {{"reason", "oversized"}})),
      packets_total_(reg.counter("griddle_statsd_packets_total")),
      send_errors_total_(reg.counter("griddle_statsd_send_errors_total")),
      fd_(connect_udp(cfg_.host, cfg_.port)) {
  try {
    queue_.reserve(cfg_.queue_capacity);
    thread_ = std::thread{[this] { run(); }};
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

statsd_client::~statsd_client() {
  stop();
  ::close(fd_);
}

void statsd_client::flush() {
  std::lock_guard<std::mutex> guard{mtx_};
  flush_requested_ = true;
  wakeup_.notify_one();
}

void statsd_client::request_report() {
  std::lock_guard<std::mutex> guard{mtx_};
  report_requested_ = true;
  wakeup_.notify_one();
}

void statsd_client::stop() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (stopping_)
      return;
    stopping_ = true;
    wakeup_.notify_one();
  }
  // Only the first caller gets here, so only it joins.
  thread_.join();
}

statsd_stats statsd_client::stats() const noexcept {
  statsd_stats result;
  result.queue_full = queue_full_.load(std::memory_order_relaxed);
  result.oversized = oversized_.load(std::memory_order_relaxed);
  result.packets = packets_.load(std::memory_order_relaxed);
  result.send_errors = send_errors_.load(std::memory_order_relaxed);
  return result;
}

void statsd_client::enqueue(std::string entry) {
  if (entry.empty())
    return;
  // Checked here too, so a caller sees the drop counted when the call returns.
  if (entry.size() > cfg_.mtu) {
    oversized_.fetch_add(1, std::memory_order_relaxed);
    oversized_total_.inc();
    return;
  }
  std::lock_guard<std::mutex> guard{mtx_};
  if (stopping_)
    return;
  if (queue_.size() >= cfg_.queue_capacity) {
    queue_full_.fetch_add(1, std::memory_order_relaxed);
    queue_full_total_.inc();
    return;
  }
  auto before = queued_bytes_;
  queued_bytes_ += entry.size() + 1;
  queue_.push_back(std::move(entry));
  // Wake the thread once, when a packet's worth is waiting; otherwise the
  // flush deadline sends the lines.
  if (before < cfg_.mtu && queued_bytes_ >= cfg_.mtu)
    wakeup_.notify_one();
}

void statsd_client::run() {
  statsd_batcher out{cfg_.mtu, [this](std::string_view packet) { send_packet(packet); }};
  std::vector<std::string> batch;
  batch.reserve(cfg_.queue_capacity);
  auto reporting = cfg_.report_interval.count() > 0;
  auto now = clock_type::now();
  auto next_flush = now + cfg_.flush_interval;
  auto next_report = now + (reporting ? cfg_.report_interval : cfg_.flush_interval);
  for (;;) {
    bool stopping = false;
    bool flush_now = false;
    bool report_now = false;
    {
      std::unique_lock<std::mutex> guard{mtx_};
      auto deadline = reporting ? std::min(next_flush, next_report) : next_flush;
      wakeup_.wait_until(guard, deadline, [this] {
        return stopping_ || flush_requested_ || report_requested_ || queued_bytes_ >= cfg_.mtu;
      });
      batch.swap(queue_);
      queued_bytes_ = 0;
      stopping = stopping_;
      flush_now = flush_requested_;
      report_now = report_requested_;
      flush_requested_ = false;
      report_requested_ = false;
    }
    for (const auto& entry : batch)
      add_entry(out, entry);
    batch.clear();
    now = clock_type::now();
    if (reporting && now >= next_report) {
      report_now = true;
      next_report = now + cfg_.report_interval;
    }
    if (report_now || (stopping && reporting))
      report(out);
    if (flush_now || report_now || stopping || now >= next_flush) {
      out.flush();
      next_flush = now + cfg_.flush_interval;
    }
    if (stopping)
      return;
  }
}

void statsd_client::report(statsd_batcher& out) {
  for (const auto& entry : reporter_.report(registry_.collect()))
    add_entry(out, entry);
}

void statsd_client::add_entry(statsd_batcher& out, std::string_view entry) {
  if (!out.add(entry)) {
    oversized_.fetch_add(1, std::memory_order_relaxed);
    oversized_total_.inc();
  }
}

void statsd_client::send_packet(std::string_view packet) {
  // MSG_DONTWAIT: a full socket buffer costs this packet, never a stall.
  if (::send(fd_, packet.data(), packet.size(), MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
    send_errors_.fetch_add(1, std::memory_order_relaxed);
    send_errors_total_.inc();
  } else {
    packets_.fetch_add(1, std::memory_order_relaxed);
    packets_total_.inc();
  }
}

std::unique_ptr<statsd_client> start_statsd(const statsd_config& cfg, registry& reg) {
  return std::make_unique<statsd_client>(cfg, reg);
}

}  // namespace griddle::metrics
