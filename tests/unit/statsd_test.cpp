// Tests the statsD exporter: line formats (counter, gauge, timer, sample rate,
// DogStatsD tags, label folding, reserved characters), packing into packets,
// sampling, histogram interval summaries, address parsing and, against a real
// UDP socket on 127.0.0.1, what the client sends: batches within the MTU,
// drops of over-long lines and of lines beyond a full queue, reporter deltas.
#define CAF_SUITE statsd
#include "caf/test/dsl.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "runtime/metrics/registry.hpp"
#include "runtime/metrics/statsd.hpp"
#include "runtime/metrics/statsd_client.hpp"

using namespace griddle::metrics;
using namespace std::chrono_literals;

namespace {

/// A UDP socket bound to a free loopback port; every receive gives up after
/// two seconds, so no test hangs.
class udp_receiver {
 public:
  explicit udp_receiver(bool ipv6 = false) {
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    v6.sin6_addr = in6addr_loopback;
    auto* addr = ipv6 ? reinterpret_cast<sockaddr*>(&v6) : reinterpret_cast<sockaddr*>(&v4);
    socklen_t len = ipv6 ? sizeof(v6) : sizeof(v4);
    timeval timeout{2, 0};
    fd_ = ::socket(addr->sa_family, SOCK_DGRAM, 0);
    if (fd_ >= 0 && ::bind(fd_, addr, len) == 0 && ::getsockname(fd_, addr, &len) == 0 &&
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) == 0)
      port_ = ntohs(ipv6 ? v6.sin6_port : v4.sin_port);
  }

  ~udp_receiver() { close(); }

  void close() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }

  /// 0 when the socket could not be set up.
  uint16_t port() const { return port_; }

  /// The next datagram, also appended to `packets` and its lines to `lines`;
  /// none after the time-out.
  std::optional<std::string> receive() {
    std::string buf(65536, '\0');
    auto n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n < 0)
      return std::nullopt;
    buf.resize(static_cast<size_t>(n));
    packets.push_back(buf);
    for (size_t begin = 0, end = 0; end != std::string::npos; begin = end + 1) {
      end = buf.find('\n', begin);
      lines.push_back(buf.substr(begin, end == std::string::npos ? end : end - begin));
    }
    return buf;
  }

  /// Receives until the lines received so far contain `line` (true) or a
  /// receive times out (false).
  bool wait_for(const std::string& line) {
    while (std::count(lines.begin(), lines.end(), line) == 0)
      if (!receive())
        return false;
    return true;
  }

  std::vector<std::string> packets;
  std::vector<std::string> lines;

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

struct fixture {
  registry reg;
  udp_receiver receiver;

  /// Sends to `receiver` quickly; periodic reports off.
  statsd_config config() {
    statsd_config cfg;
    cfg.port = receiver.port();
    cfg.flush_interval = 20ms;
    cfg.report_interval = 0ms;
    cfg.sample_seed = 42;
    return cfg;
  }
};

bool parse_fails(const std::string& text) {
  try {
    parse_statsd_address(text);
  } catch (const std::invalid_argument& e) {
    CAF_MESSAGE("rejected: " << e.what());
    return std::string{e.what()}.find("'" + text + "'") != std::string::npos;
  }
  return false;
}

}  // namespace

CAF_TEST(counters gauges and timers have the statsD line format) {
  statsd_formatter fmt;
  CAF_CHECK_EQUAL(fmt.counter("hits", 3), "griddle.hits:3|c");
  CAF_CHECK_EQUAL(fmt.counter("hits", 3, 0.1), "griddle.hits:3|c|@0.1");
  CAF_CHECK_EQUAL(fmt.counter("hits", 3, 1.5), "griddle.hits:3|c");
  CAF_CHECK_EQUAL(fmt.gauge("depth", 42), "griddle.depth:42|g");
  CAF_CHECK_EQUAL(fmt.gauge("depth", 0), "griddle.depth:0|g");
  CAF_CHECK_EQUAL(fmt.gauge("ratio", 1.25), "griddle.ratio:1.25|g");
  CAF_CHECK_EQUAL(fmt.gauge("ratio", -0.0), "griddle.ratio:0|g");
  CAF_CHECK_EQUAL(fmt.timer("took", 1.25), "griddle.took:1.25|ms");
  CAF_CHECK_EQUAL(fmt.timer("took", 3.0, 0.25), "griddle.took:3|ms|@0.25");
  CAF_CHECK_EQUAL(fmt.timer("took", -2.0), "griddle.took:0|ms");
  CAF_CHECK_EQUAL(fmt.timer("took", std::nan("")), "");
  CAF_CHECK_EQUAL(statsd_formatter("", false).counter("x", -2), "x:-2|c");
  // A negative gauge: statsD reads a sign as a delta, so reset to zero first.
  CAF_CHECK_EQUAL(fmt.gauge("temp", -5), "griddle.temp:0|g\ngriddle.temp:-5|g");
  CAF_CHECK_EQUAL(fmt.gauge("temp", -0.5), "griddle.temp:0|g\ngriddle.temp:-0.5|g");
}

CAF_TEST(plain mode folds labels into the name) {
  statsd_formatter fmt{"griddle.", false};
  labels l{{"route", "/v1/feed"}, {"status", "200"}};
  CAF_CHECK_EQUAL(fmt.counter("griddle_http_requests_total", 1, 1.0, l),
                  "griddle.griddle_http_requests_total.route.v1_feed.status.200:1|c");
  CAF_CHECK_EQUAL(fmt.gauge("open", 2, {{"route", "/users/{id}/likes"}}),
                  "griddle.open.route.users_id_likes:2|g");
  CAF_CHECK_EQUAL(fmt.gauge("open", 2, {{"route", "/"}}), "griddle.open.route._:2|g");
}

CAF_TEST(tag mode appends DogStatsD tags after the sample rate) {
  statsd_formatter fmt{"griddle.", true};
  labels l{{"version", "2"}, {"arm", "b"}};
  CAF_CHECK_EQUAL(fmt.counter("exposures", 2, 1.0, l), "griddle.exposures:2|c|#version:2,arm:b");
  CAF_CHECK_EQUAL(fmt.timer("took", 1.5, 0.5, l), "griddle.took:1.5|ms|@0.5|#version:2,arm:b");
  CAF_CHECK_EQUAL(fmt.gauge("depth", -1, {{"route", "/v1/feed"}}),
                  "griddle.depth:0|g|#route:/v1/feed\ngriddle.depth:-1|g|#route:/v1/feed");
  CAF_CHECK_EQUAL(fmt.counter("n", 1, 1.0, {{"k", "a,b|c#d"}}), "griddle.n:1|c|#k:a_b_c_d");
}

CAF_TEST(reserved characters never reach the wire) {
  CAF_CHECK_EQUAL(statsd_sanitize("a:b|c@d#e,f g\nh\ti.j/k"), "a_b_c_d_e_f_g_h_i.j/k");
  CAF_CHECK_EQUAL(statsd_segment("--a.b c__"), "--a_b_c");
  CAF_CHECK_EQUAL(statsd_segment(""), "_");
  CAF_CHECK_EQUAL(statsd_formatter("my app:", false).counter("x:y", 1), "my_app_x_y:1|c");
  CAF_CHECK_EQUAL(statsd_histogram_name("griddle_entity_message_latency_ns"),
                  "griddle_entity_message_latency_ms");
  CAF_CHECK_EQUAL(statsd_histogram_name("griddle_http_request_duration_seconds"),
                  "griddle_http_request_duration_ms");
  CAF_CHECK_EQUAL(statsd_histogram_name("store_write"), "store_write_ms");
}

CAF_TEST(the batcher packs entries up to the MTU and drops longer ones) {
  std::vector<std::string> packets;
  statsd_batcher batcher{20, [&](std::string_view p) { packets.emplace_back(p); }};
  CAF_CHECK(batcher.add("aaaaaaaaa"));   // 9 bytes
  CAF_CHECK(batcher.add("bbbbbbbbbb"));  // 9 + 1 + 10 = 20: fits exactly
  CAF_CHECK(packets.empty());
  CAF_CHECK(batcher.add("c"));  // does not fit: the first packet goes out
  CAF_CHECK(!batcher.add(std::string(21, 'x')));
  CAF_CHECK(batcher.add(std::string(20, 'y')));
  batcher.flush();
  batcher.flush();  // nothing left: sends nothing
  auto oversized = batcher.oversized();
  CAF_CHECK_EQUAL(oversized, 1u);
  CAF_REQUIRE_EQUAL(packets.size(), 3u);
  CAF_CHECK_EQUAL(packets[0], "aaaaaaaaa\nbbbbbbbbbb");
  CAF_CHECK_EQUAL(packets[1], "c");
  CAF_CHECK_EQUAL(packets[2], std::string(20, 'y'));
  auto zero_mtu = false;
  try {
    statsd_batcher{0, [](std::string_view) {}};
  } catch (const std::invalid_argument&) {
    zero_mtu = true;
  }
  CAF_CHECK(zero_mtu);
}

CAF_TEST(sampling decisions are deterministic for a seed) {
  CAF_CHECK(statsd_should_send(1.0, 0.99));
  CAF_CHECK(statsd_should_send(0.1, 0.05));
  CAF_CHECK(!statsd_should_send(0.1, 0.1));
  CAF_CHECK(!statsd_should_send(0.0, 0.0));
  CAF_CHECK(!statsd_should_send(std::nan(""), 0.0));
  statsd_sampler a{7};
  statsd_sampler b{7};
  statsd_sampler c{8};
  size_t sent = 0;
  size_t in_range = 0;
  size_t same_as_b = 0;
  size_t same_as_c = 0;
  for (int i = 0; i < 10000; ++i) {
    auto x = a.next();
    in_range += x >= 0.0 && x < 1.0 ? 1 : 0;
    same_as_b += x == b.next() ? 1 : 0;
    same_as_c += x == c.next() ? 1 : 0;
    sent += statsd_should_send(0.25, x) ? 1 : 0;
  }
  CAF_CHECK_EQUAL(in_range, 10000u);
  CAF_CHECK_EQUAL(same_as_b, 10000u);
  CAF_CHECK_LESS(same_as_c, 10u);
  CAF_CHECK_GREATER(sent, 2300u);
  CAF_CHECK_LESS(sent, 2700u);
  CAF_CHECK(a.sample(1.0));
  CAF_CHECK(!a.sample(0.0));
}

CAF_TEST(histogram summaries cover only the values of the interval) {
  latency_histogram h;
  for (int i = 0; i < 100; ++i)
    h.record(1'000'000);
  auto first = h.snapshot();
  for (int i = 0; i < 98; ++i)
    h.record(10'000'000);
  h.record(20'000'000);
  h.record(30'000'000);
  auto second = h.snapshot();
  auto all = summarize_interval({}, first);
  CAF_CHECK_EQUAL(all.count, 100u);
  CAF_CHECK_EQUAL(all.p50, 1'000'000);
  CAF_CHECK_EQUAL(all.max, 1'000'000);
  auto interval = summarize_interval(first, second);
  CAF_CHECK_EQUAL(interval.count, 100u);
  CAF_CHECK_GREATER_OR_EQUAL(interval.p50, 10'000'000);
  CAF_CHECK_LESS_OR_EQUAL(interval.p50, 10'010'000);  // 3 significant digits
  CAF_CHECK_GREATER_OR_EQUAL(interval.p99, 20'000'000);
  CAF_CHECK_LESS_OR_EQUAL(interval.p99, 20'020'000);  // 3 significant digits
  CAF_CHECK_EQUAL(interval.max, 30'000'000);
  auto idle = summarize_interval(second, second);
  CAF_CHECK_EQUAL(idle.count, 0u);
  CAF_CHECK_EQUAL(idle.max, 0);
}

CAF_TEST(addresses parse and bad ones are rejected with the input named) {
  auto parsed = [](const std::string& text) {
    auto addr = parse_statsd_address(text);
    return addr.host + " " + std::to_string(addr.port);
  };
  CAF_CHECK_EQUAL(parsed("127.0.0.1:8125"), "127.0.0.1 8125");
  CAF_CHECK_EQUAL(parsed("statsd.internal:1"), "statsd.internal 1");
  CAF_CHECK_EQUAL(parsed("[::1]:65535"), "::1 65535");
  for (std::string bad : {"", "host", "host:", ":8125", "host:0", "host:65536", "host:80x",
                          "host:-1", "::1:8125", "[::1]8125", "[::1", "[]:8125", "host :1"})
    CAF_CHECK(parse_fails(bad));
}

CAF_TEST(invalid configurations are rejected) {
  for (int i = 0; i < 4; ++i) {
    statsd_config cfg;
    cfg.port = i == 0 ? 0 : 8125;
    cfg.mtu = i == 1 ? 0 : 1432;
    cfg.queue_capacity = i == 2 ? 0 : 16;
    cfg.flush_interval = i == 3 ? 0ms : 1000ms;
    registry reg;
    auto rejected = false;
    try {
      start_statsd(cfg, reg);
    } catch (const std::invalid_argument& e) {
      CAF_MESSAGE("rejected: " << e.what());
      rejected = true;
    }
    CAF_CHECK(rejected);
  }
}

CAF_TEST_FIXTURE_SCOPE(statsd_client_tests, fixture)

CAF_TEST(the client sends counters gauges and timers over UDP) {
  CAF_REQUIRE_NOT_EQUAL(receiver.port(), 0u);
  auto client = start_statsd(config(), reg);
  client->count("hits", 3);
  client->gauge("depth", 42);
  client->timing("took", 1.25);
  client->timing("slept", std::chrono::microseconds{2500});
  client->gauge("temp", -5);
  CAF_CHECK(receiver.wait_for("griddle.hits:3|c"));
  CAF_CHECK(receiver.wait_for("griddle.depth:42|g"));
  CAF_CHECK(receiver.wait_for("griddle.took:1.25|ms"));
  CAF_CHECK(receiver.wait_for("griddle.slept:2.5|ms"));
  CAF_CHECK(receiver.wait_for("griddle.temp:-5|g"));
  // The zero and the delta travel together, in order.
  auto together = std::count_if(receiver.packets.begin(), receiver.packets.end(), [](auto& p) {
    return p.find("griddle.temp:0|g\ngriddle.temp:-5|g") != std::string::npos;
  });
  CAF_CHECK_EQUAL(together, 1);
  client->stop();
  CAF_CHECK_GREATER(reg.counter("griddle_statsd_packets_total").value(), 0u);
}

CAF_TEST(sampled values carry the rate and follow the seeded sampler) {
  auto client = start_statsd(config(), reg);
  statsd_sampler twin{42};
  size_t expected = 0;
  for (int i = 0; i < 200; ++i) {
    client->count("sampled", 1, 0.5);
    expected += twin.sample(0.5) ? 1 : 0;
  }
  client->count("done", 1);
  CAF_REQUIRE(receiver.wait_for("griddle.done:1|c"));
  auto sampled =
      std::count(receiver.lines.begin(), receiver.lines.end(), "griddle.sampled:1|c|@0.5");
  CAF_CHECK_EQUAL(static_cast<size_t>(sampled), expected);
  CAF_CHECK_GREATER(expected, 50u);
}

CAF_TEST(lines are batched into packets within the MTU and each arrives once) {
  auto cfg = config();
  cfg.mtu = 120;
  auto client = start_statsd(cfg, reg);
  for (int i = 0; i < 100; ++i)
    client->count("batch_" + std::to_string(i), i);
  // One sender thread, one socket, loopback: the last line arrives last.
  CAF_REQUIRE(receiver.wait_for("griddle.batch_99:99|c"));
  std::map<std::string, int> seen;
  for (auto& l : receiver.lines)
    ++seen[l];
  CAF_CHECK_EQUAL(seen.size(), 100u);
  for (int i = 0; i < 100; ++i)
    CAF_CHECK_EQUAL(seen["griddle.batch_" + std::to_string(i) + ":" + std::to_string(i) + "|c"], 1);
  size_t multi_line = 0;
  for (auto& p : receiver.packets) {
    CAF_CHECK_LESS_OR_EQUAL(p.size(), 120u);
    multi_line += p.find('\n') != std::string::npos ? 1 : 0;
  }
  CAF_CHECK_GREATER(multi_line, 0u);
  CAF_CHECK_LESS(receiver.packets.size(), 100u);
}

CAF_TEST(a line longer than the MTU is dropped and counted) {
  auto cfg = config();
  cfg.mtu = 64;
  auto client = start_statsd(cfg, reg);
  client->count(std::string(80, 'x'), 1);
  auto stats = client->stats();
  CAF_CHECK_EQUAL(stats.oversized, 1u);
  CAF_CHECK_EQUAL(stats.dropped(), 1u);
  CAF_CHECK_EQUAL(reg.counter("griddle_statsd_dropped_total", {{"reason", "oversized"}}).value(),
                  1u);
  client->count("short", 1);
  CAF_REQUIRE(receiver.wait_for("griddle.short:1|c"));
  CAF_CHECK_EQUAL(receiver.lines.size(), 1u);
}

CAF_TEST(lines beyond a full queue are dropped and counted) {
  auto cfg = config();
  cfg.queue_capacity = 4;
  cfg.flush_interval = 10s;  // nothing leaves the queue before stop()
  auto client = start_statsd(cfg, reg);
  for (int i = 0; i < 10; ++i)
    client->count("q" + std::to_string(i), 1);
  auto queue_full = client->stats().queue_full;
  CAF_CHECK_EQUAL(queue_full, 6u);
  CAF_CHECK_EQUAL(reg.counter("griddle_statsd_dropped_total", {{"reason", "queue_full"}}).value(),
                  6u);
  client->stop();  // flushes the queue
  auto packet = receiver.receive();
  CAF_REQUIRE(packet);
  CAF_CHECK_EQUAL(*packet, "griddle.q0:1|c\ngriddle.q1:1|c\ngriddle.q2:1|c\ngriddle.q3:1|c");
  auto packets = client->stats().packets;
  CAF_CHECK_EQUAL(packets, 1u);
}

CAF_TEST(flush sends queued lines before the flush interval) {
  auto cfg = config();
  cfg.flush_interval = 60s;
  auto client = start_statsd(cfg, reg);
  client->count("early", 1);
  client->flush();
  CAF_CHECK(receiver.wait_for("griddle.early:1|c"));  // gives up after 2 s
}

CAF_TEST(the reporter sends counter deltas gauges and histogram summaries) {
  auto& requests = reg.counter("griddle_test_requests_total", {{"route", "/v1/feed"}});
  auto& depth = reg.gauge("griddle_test_depth");
  auto& latency = reg.histogram("griddle_test_latency_ns");
  requests.inc(5);
  depth.set(-3);
  for (int i = 0; i < 100; ++i)
    latency.record(2'000'000);
  auto client = start_statsd(config(), reg);
  client->request_report();
  CAF_CHECK(receiver.wait_for("griddle.griddle_test_requests_total.route.v1_feed:5|c"));
  CAF_CHECK(receiver.wait_for("griddle.griddle_test_depth:-3|g"));
  CAF_CHECK(receiver.wait_for("griddle.griddle_test_latency_ms.count:100|c"));
  CAF_CHECK(receiver.wait_for("griddle.griddle_test_latency_ms.p50:2|g"));
  CAF_CHECK(receiver.wait_for("griddle.griddle_test_latency_ms.p99:2|g"));
  CAF_CHECK(receiver.wait_for("griddle.griddle_test_latency_ms.max:2|g"));
  receiver.lines.clear();
  requests.inc(7);
  for (int i = 0; i < 10; ++i)
    latency.record(5'000'000);
  client->request_report();
  CAF_CHECK(receiver.wait_for("griddle.griddle_test_requests_total.route.v1_feed:7|c"));
  CAF_CHECK(receiver.wait_for("griddle.griddle_test_latency_ms.count:10|c"));
  CAF_CHECK(receiver.wait_for("griddle.griddle_test_latency_ms.p50:5|g"));
  auto cumulative = std::count(receiver.lines.begin(), receiver.lines.end(),
                               "griddle.griddle_test_requests_total.route.v1_feed:12|c");
  CAF_CHECK_EQUAL(cumulative, 0);
}

CAF_TEST(periodic reports use DogStatsD tags in tag mode) {
  auto cfg = config();
  cfg.tags = true;
  cfg.report_interval = 50ms;
  reg.counter("griddle_test_requests_total", {{"route", "/v1/feed"}}).inc(4);
  auto client = start_statsd(cfg, reg);
  CAF_CHECK(receiver.wait_for("griddle.griddle_test_requests_total:4|c|#route:/v1/feed"));
  reg.counter("griddle_test_requests_total", {{"route", "/v1/feed"}}).inc(2);
  CAF_CHECK(receiver.wait_for("griddle.griddle_test_requests_total:2|c|#route:/v1/feed"));
}

CAF_TEST(send errors are counted and never thrown) {
  auto cfg = config();
  receiver.close();  // nobody listens on the port any more
  auto client = start_statsd(cfg, reg);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (client->stats().send_errors == 0 && std::chrono::steady_clock::now() < deadline) {
    client->count("unheard", 1);
    std::this_thread::sleep_for(30ms);
  }
  CAF_CHECK_GREATER(client->stats().send_errors, 0u);
  CAF_CHECK_GREATER(reg.counter("griddle_statsd_send_errors_total").value(), 0u);
}

CAF_TEST(the client reaches an IPv6 agent) {
  udp_receiver v6{true};
  if (v6.port() == 0) {
    CAF_MESSAGE("no IPv6 loopback here; skipped");
    return;
  }
  auto cfg = config();
  cfg.host = "::1";
  cfg.port = v6.port();
  auto client = start_statsd(cfg, reg);
  client->count("over_v6", 1);
  CAF_CHECK(v6.wait_for("griddle.over_v6:1|c"));
}

CAF_TEST_FIXTURE_SCOPE_END()
