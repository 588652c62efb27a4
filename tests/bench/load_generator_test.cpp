// Tests the core of `griddle-bench load` (bench/load/): the open-loop
// schedule (exact due times, no drift), latency accounting from the due time
// when the connections stall (a fake clock, no sockets), the mix parser, the
// Zipf popularity, the histogram percentiles the report prints, request and
// response framing, and one short run against a canned HTTP server on
// 127.0.0.1.
#define CAF_SUITE load_generator
#include <caf/test/unit_test.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/load/dispatcher.hpp"
#include "bench/load/load_run.hpp"
#include "bench/load/request_schedule.hpp"
#include "bench/load/response_reader.hpp"
#include "bench/seed/options.hpp"
#include "runtime/metrics/histogram.hpp"

using namespace griddle::bench;
using namespace griddle::bench::load;
using griddle::metrics::histogram_snapshot;
using griddle::metrics::latency_histogram;

namespace {

constexpr int64_t ms = 1'000'000;

/// The message of the usage_error `f` throws, "" when it throws none.
template <class F>
std::string usage_error_of(F f) {
  try {
    f();
  } catch (usage_error& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// Answers every request on 127.0.0.1 with a canned 200, one thread per
/// connection; counts the requests. With `close_each`, every answer says
/// `Connection: close` and the connection ends.
class canned_http_server {
 public:
  explicit canned_http_server(bool close_each = false) : close_each_(close_each) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listener_, 128) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      CAF_FAIL("cannot listen: " << std::strerror(errno));
    port = ntohs(addr.sin_port);
    acceptor_ = std::thread{[this] { accept_loop(); }};
  }

  ~canned_http_server() {
    ::shutdown(listener_, SHUT_RDWR);
    acceptor_.join();
    ::close(listener_);
    std::lock_guard<std::mutex> guard{mtx_};
    for (auto fd : fds_)
      ::shutdown(fd, SHUT_RDWR);
    for (auto& t : peers_)
      t.join();
  }

  uint16_t port = 0;
  std::atomic<uint64_t> requests{0};

 private:
  void accept_loop() {
    for (int fd; (fd = ::accept(listener_, nullptr, nullptr)) >= 0;) {
      std::lock_guard<std::mutex> guard{mtx_};
      fds_.push_back(fd);
      peers_.emplace_back([this, fd] { serve(fd); });
    }
  }

  void serve(int fd) {
    std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n";
    answer += close_each_ ? "Connection: close\r\n\r\n{}" : "\r\n{}";
    std::string in;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof(buf))) > 0;) {
      in.append(buf, static_cast<size_t>(n));
      for (size_t end; (end = in.find("\r\n\r\n")) != std::string::npos;) {
        size_t body = 0;
        if (auto cl = in.find("Content-Length: "); cl != std::string::npos && cl < end)
          body = std::stoul(in.substr(cl + 16));
        if (in.size() < end + 4 + body)
          break;
        in.erase(0, end + 4 + body);
        ++requests;
        if (::write(fd, answer.data(), answer.size()) < 0 || close_each_) {
          ::close(fd);
          return;
        }
      }
    }
    ::close(fd);
  }

  bool close_each_;
  int listener_ = -1;
  std::thread acceptor_;
  std::mutex mtx_;
  std::vector<int> fds_;
  std::vector<std::thread> peers_;
};

}  // namespace

// -- schedule -----------------------------------------------------------------

CAF_TEST(request k is due at exactly k / rate without drift over a million requests) {
  request_schedule per_ms{1000};
  request_schedule thirds{3};
  request_schedule fractional{7.5};
  for (uint64_t k = 0; k <= 1'000'000; ++k) {
    if (per_ms.offset_ns(k) != static_cast<int64_t>(k * 1'000'000) ||
        thirds.offset_ns(k) != static_cast<int64_t>(k * 1'000'000'000 / 3) ||
        fractional.offset_ns(k) != static_cast<int64_t>(k * 2'000'000'000 / 15))
      CAF_FAIL("request " << k << " is off schedule");
  }
  CAF_CHECK_EQUAL(thirds.offset_ns(1'000'000), 333'333'333'333'333);
  request_schedule fast{1'000'000};
  CAF_CHECK_EQUAL(fast.offset_ns(3'600'000'000), 3'600'000'000'000);
  CAF_CHECK_EQUAL(per_ms.first_at_or_after(0), 0u);
  CAF_CHECK_EQUAL(per_ms.first_at_or_after(1), 1u);
  CAF_CHECK_EQUAL(per_ms.first_at_or_after(5 * ms), 5u);
  CAF_CHECK_EQUAL(thirds.first_at_or_after(1'000'000'000), 3u);
}

CAF_TEST(the threads share the schedule and send every request once and in order) {
  request_schedule schedule{1000};
  const int64_t start = 5'000;
  std::vector<int64_t> dues;
  for (uint64_t t = 0; t < 3; ++t) {
    auto pacer = request_pacer::open(schedule, start, start + 1000 * ms, t, 3);
    int64_t due = 0;
    CAF_CHECK(!pacer.take(start + static_cast<int64_t>(t) * ms - 1, due));  // not yet due
    while (pacer.take(start + 2000 * ms, due))
      dues.push_back(due);
    CAF_CHECK(pacer.exhausted(0));
  }
  std::sort(dues.begin(), dues.end());
  CAF_REQUIRE_EQUAL(dues.size(), 1000u);  // exactly rate * duration
  for (size_t k = 0; k < dues.size(); ++k)
    CAF_CHECK_EQUAL(dues[k], start + static_cast<int64_t>(k) * ms);
  auto pacer = request_pacer::open(schedule, 0, 1000 * ms, 1, 2);  // 1, 3, ..., 999
  CAF_CHECK_EQUAL(pacer.left_from(0), 500u);
  CAF_CHECK_EQUAL(pacer.left_from(500 * ms), 250u);  // 501 .. 999
}

CAF_TEST(a stalled pool delays requests and their latency counts the wait) {
  // 1000 requests/s over 2 connections; the server answers nothing until
  // 10 ms, then each answer takes 0.5 ms.
  request_schedule schedule{1000};
  auto pacer = request_pacer::open(schedule, 0, 20 * ms, 0, 1);
  dispatcher pool{2, 1};
  pool.connection_up(0);
  pool.connection_up(1);
  std::vector<std::pair<size_t, int64_t>> sent;  // connection, due
  auto send = [&](size_t c, int64_t due) {
    sent.emplace_back(c, due);
    return request_kind::feed;
  };
  for (int64_t now = 0; now < 10 * ms; now += ms / 4)
    pool.dispatch(pacer, now, send);
  CAF_REQUIRE_EQUAL(sent.size(), 2u);  // requests 2..9 wait for a free connection
  CAF_CHECK_EQUAL(pool.in_flight(), 2u);
  CAF_CHECK(!pool.has_free_slot());
  std::vector<int64_t> latencies;
  int64_t now = 10 * ms;
  while (latencies.size() < 10) {
    for (size_t c = 0; c < 2; ++c) {
      auto r = pool.complete(c);
      latencies.push_back(now - r.due_ns);
      pool.dispatch(pacer, now, send);
    }
    now += ms / 2;
  }
  // Request k (due k ms) is answered at 10 + 0.5 * floor(k / 2) ms.
  for (int64_t k = 0; k < 10; ++k)
    CAF_CHECK_EQUAL(latencies[static_cast<size_t>(k)], 10 * ms + k / 2 * ms / 2 - k * ms);
  CAF_CHECK_EQUAL(sent[2].second, 2 * ms);  // sent at 10 ms, keeps its due time
  // Once caught up, a request due later than now waits for its time.
  pool.complete(0);
  pool.complete(1);
  size_t before = sent.size();
  pool.dispatch(pacer, 12 * ms + ms / 2, send);
  CAF_CHECK_EQUAL(sent.size(), before + 1);  // only request 12: 13 is not due yet
}

CAF_TEST(a lost connection gives back its requests and its slots) {
  request_schedule schedule{1000};
  auto pacer = request_pacer::open(schedule, 0, 10 * ms, 0, 1);
  dispatcher pool{2, 2};  // two connections, two requests in flight each
  pool.connection_up(0);
  pool.connection_up(1);
  std::vector<size_t> used;
  pool.dispatch(pacer, 5 * ms, [&](size_t c, int64_t) {
    used.push_back(c);
    return request_kind::like;
  });
  CAF_CHECK_EQUAL(used, (std::vector<size_t>{0, 0, 1, 1}));  // longest-free slot first
  std::vector<int64_t> lost;
  pool.connection_down(0, [&](const in_flight_request& r) { lost.push_back(r.due_ns); });
  CAF_CHECK_EQUAL(lost, (std::vector<int64_t>{0, ms}));
  CAF_CHECK_EQUAL(pool.in_flight(), 2u);
  pool.complete(1);
  pool.dispatch(pacer, 5 * ms, [&](size_t c, int64_t) {
    used.push_back(c);
    return request_kind::like;
  });
  CAF_CHECK_EQUAL(used.back(), 1u);  // the only connection left
  CAF_CHECK(!pool.has_free_slot());
}

// -- request mix ----------------------------------------------------------------

CAF_TEST(the mix parses flags and files and refuses bad input) {
  auto mix = request_mix::parse_flags("feed=70, profile=10,send=0,healthz=20");
  CAF_CHECK_EQUAL(mix.weight(request_kind::feed), 70u);
  CAF_CHECK_EQUAL(mix.weight(request_kind::messages), 0u);
  CAF_CHECK_EQUAL(mix.total(), 100u);
  CAF_CHECK_EQUAL(mix.to_string(), "feed=70,profile=10,healthz=20");
  CAF_CHECK(mix.needs_sessions() && mix.needs_other_users());
  CAF_CHECK(!request_mix::parse_flags("healthz=1").needs_sessions());
  CAF_CHECK_EQUAL(request_mix{}.to_string(), "feed=70,profile=10,messages=10,visitors=5,online=5");
  auto file = request_mix::parse_file_text(
      "# reads\nfeed 3\n\n  online\t1   # who is there\nlike 0\n", "mix.txt");
  CAF_CHECK_EQUAL(file.to_string(), "feed=3,online=1");
  CAF_CHECK(contains(usage_error_of([] { request_mix::parse_flags("fed=1"); }),
                     "unknown request kind 'fed'"));
  CAF_CHECK(contains(usage_error_of([] { request_mix::parse_flags("feed"); }), "name=weight"));
  CAF_CHECK(contains(usage_error_of([] { request_mix::parse_flags("feed=-1"); }), "whole number"));
  CAF_CHECK(contains(usage_error_of([] { request_mix::parse_flags("feed=1.5"); }), "whole"));
  CAF_CHECK(contains(usage_error_of([] { request_mix::parse_flags("feed=1,feed=2"); }), "twice"));
  CAF_CHECK(contains(usage_error_of([] { request_mix::parse_flags("feed=0"); }), "all be 0"));
  CAF_CHECK(contains(usage_error_of([] { request_mix::parse_flags("feed=1,"); }), "name=weight"));
  CAF_CHECK(contains(usage_error_of([] { request_mix::parse_file_text("feed 1\nlike\n", "m"); }),
                     "m:2: expected 'name weight'"));
  CAF_CHECK(
      contains(usage_error_of([] { request_mix::parse_file_text("# none\n", "m"); }), "all be 0"));
  CAF_CHECK(
      contains(usage_error_of([] { request_mix::read_file("/nonexistent/mix"); }), "cannot read"));
  seeded_random rng{{7}};
  std::array<uint64_t, request_kind_count> picks{};
  for (int i = 0; i < 100'000; ++i)
    ++picks[static_cast<size_t>(mix.pick(rng))];
  CAF_CHECK_EQUAL(picks[static_cast<size_t>(request_kind::send)], 0u);
  CAF_CHECK_LESS(std::abs(static_cast<double>(picks[0]) / 100'000 - 0.7), 0.01);
}

CAF_TEST(popularity follows Zipf and never picks the sender as the other user) {
  constexpr uint64_t n = 100;
  constexpr int draws = 1'000'000;
  double harmonic = 0;
  for (uint64_t k = 1; k <= n; ++k)
    harmonic += 1.0 / static_cast<double>(k);
  popularity zipf{n, 1.0};
  seeded_random rng{{1, 2}};
  std::vector<uint64_t> counts(n);
  for (int i = 0; i < draws; ++i)
    ++counts[zipf(rng)];
  for (uint64_t k : {1, 2, 10, 50}) {
    auto expected = draws / (static_cast<double>(k) * harmonic);
    CAF_CHECK_LESS(std::abs(static_cast<double>(counts[k - 1]) - expected) / expected, 0.05);
  }
  popularity uniform{n, 0.0};
  std::fill(counts.begin(), counts.end(), 0);
  for (int i = 0; i < draws; ++i)
    ++counts[uniform(rng)];
  auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
  CAF_CHECK_GREATER(*lo, 9'000u);
  CAF_CHECK_LESS(*hi, 11'000u);
  for (int i = 0; i < 10'000; ++i)
    CAF_REQUIRE_NOT_EQUAL(zipf.other_than(0, rng), 0u);
}

// -- percentiles ----------------------------------------------------------------

CAF_TEST(percentiles of known inputs and merged thread histograms) {
  latency_histogram one;
  std::vector<std::unique_ptr<latency_histogram>> per_thread;
  for (int t = 0; t < 4; ++t)
    per_thread.push_back(std::make_unique<latency_histogram>());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int64_t v = 1 + t; v <= 10'000; v += 4)
        per_thread[static_cast<size_t>(t)]->record(v * ms);
    });
  for (int64_t v = 1; v <= 10'000; ++v)
    one.record(v * ms);
  for (auto& th : threads)
    th.join();
  histogram_snapshot merged;
  for (auto& h : per_thread)
    merged.merge(h->snapshot());
  auto whole = one.snapshot();
  CAF_CHECK(merged == whole);
  auto near = [](int64_t got, double expected_ms) {
    return std::abs(static_cast<double>(got) / ms - expected_ms) / expected_ms <= 0.001;
  };
  CAF_CHECK(near(whole.value_at_percentile(50), 5000));
  CAF_CHECK(near(whole.value_at_percentile(90), 9000));
  CAF_CHECK(near(whole.value_at_percentile(99), 9900));
  CAF_CHECK(near(whole.value_at_percentile(99.9), 9990));
  CAF_CHECK_EQUAL(whole.max(), 10'000 * ms);
  // The last second's p99: only what came after the earlier snapshot.
  auto before = one.snapshot();
  for (int i = 0; i < 100; ++i)
    one.record(20'000 * ms);
  CAF_CHECK(near(percentile_between(one.snapshot(), before, 99), 20'000));
  CAF_CHECK_EQUAL(percentile_between(before, before, 99), 0);
  CAF_CHECK_EQUAL(format_ms(123'456), "0.123");
  CAF_CHECK_EQUAL(format_ms(1'234'567), "1.23");
  CAF_CHECK_EQUAL(format_ms(9'996'000), "10.0");
  CAF_CHECK_EQUAL(format_ms(123'456'789), "123");
  CAF_CHECK_EQUAL(format_ms(1'234'567'890), "1230");
}

CAF_TEST(reads and writes are reported as groups of their kinds) {
  auto latencies = [](int64_t from_ms, int64_t to_ms) {
    latency_histogram h;
    for (auto v = from_ms; v <= to_ms; ++v)
      h.record(v * ms);
    return h.snapshot();
  };
  load_results r;
  auto& feed = r.kinds[static_cast<size_t>(request_kind::feed)];
  feed.latency = latencies(1, 100);
  feed.responses = 100;
  CAF_CHECK(!r.mixed());
  auto& send = r.kinds[static_cast<size_t>(request_kind::send)];
  send.latency = latencies(201, 250);
  send.responses = 50;
  auto& like = r.kinds[static_cast<size_t>(request_kind::like)];
  like.latency = latencies(251, 300);
  like.responses = 51;
  like.http_errors[404] = 1;
  CAF_CHECK(r.mixed());
  auto reads = r.group(false);
  auto writes = r.group(true);
  CAF_CHECK_EQUAL(reads.responses, 100u);
  CAF_CHECK_EQUAL(writes.responses, 101u);
  CAF_CHECK_EQUAL(writes.errors(), 1u);
  CAF_CHECK_EQUAL(reads.latency.max(), 100 * ms);
  auto writes_p50 = writes.latency.value_at_percentile(50);
  CAF_CHECK(writes_p50 >= 249 * ms && writes_p50 <= 251 * ms);
  CAF_CHECK(!is_write(request_kind::profile) && is_write(request_kind::like));
}

// -- requests and responses -------------------------------------------------------

CAF_TEST(requests carry the token of the sender and name the other user) {
  std::vector<session> users{{"1", "tok1"}, {"2", "tok2"}};
  auto mix = request_mix::parse_flags("send=1");
  request_source source{mix, users, 1.0, "127.0.0.1:9", 1, 0};
  std::string out;
  source.render(request_kind::send, 1, 0, out);
  CAF_CHECK_EQUAL(out,
                  "POST /v1/conversations/1/messages HTTP/1.1\r\nHost: 127.0.0.1:9\r\n"
                  "Authorization: Bearer tok2\r\nContent-Type: application/json\r\n"
                  "Content-Length: 40\r\n\r\n{\"text\":\"Hello from griddle-bench load\"}");
  out.clear();
  source.render(request_kind::messages, 0, 1, out);
  CAF_CHECK(contains(out, "GET /v1/conversations/2/messages?limit=20 HTTP/1.1\r\n"));
  out.clear();
  source.render(request_kind::healthz, 0, 0, out);
  CAF_CHECK_EQUAL(out, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n");
  auto t = target_url::parse("http://localhost:8080/");
  CAF_CHECK_EQUAL(t.address, "127.0.0.1");
  CAF_CHECK_EQUAL(t.port, 8080u);
  CAF_CHECK_EQUAL(target_url::parse("http://[::1]").address, "::1");
  CAF_CHECK_EQUAL(target_url::parse("http://[::1]").port, 80u);
  for (auto bad : {"http://10.0.0.1:80", "https://127.0.0.1", "http://example.com",
                   "http://127.0.0.1:0", "http://127.0.0.1:8080/v1", "http://127.0.0.1:x"})
    CAF_CHECK(!usage_error_of([&] { target_url::parse(bad); }).empty());
}

CAF_TEST(the response reader frames lengths and chunks and closes) {
  response_reader reader;
  std::string stream =
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
      "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
      "HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
  std::vector<std::pair<int, bool>> seen;
  size_t pos = 0;
  for (size_t end = 1; end <= stream.size(); ++end) {  // one byte more at a time
    size_t used = 0;
    while (pos < end) {
      auto st = reader.feed(stream.data() + pos, end - pos, used);
      pos += used;
      CAF_REQUIRE(st != response_reader::state::failed);
      if (st == response_reader::state::need_more)
        break;
      seen.emplace_back(reader.status(), reader.keep_alive());
    }
  }
  CAF_CHECK_EQUAL(seen.size(), 3u);
  CAF_CHECK(seen == (std::vector<std::pair<int, bool>>{{200, true}, {503, true}, {404, false}}));
  std::string until_close = "HTTP/1.1 200 OK\r\n\r\nbody to the end";
  size_t used = 0;
  CAF_CHECK(reader.feed(until_close.data(), until_close.size(), used) ==
            response_reader::state::need_more);
  CAF_CHECK(reader.end_of_stream() == response_reader::state::complete);
  std::string garbage = "SMTP ready\r\n\r\n";
  CAF_CHECK(reader.feed(garbage.data(), garbage.size(), used) == response_reader::state::failed);
}

// -- end to end -------------------------------------------------------------------

CAF_TEST(a one second open loop run gets every scheduled request answered) {
  canned_http_server server;
  load_options opts;
  opts.target = target_url::parse("http://127.0.0.1:" + std::to_string(server.port));
  opts.rate = 500;
  opts.duration = 1;
  opts.warmup = 0.2;
  opts.connections = 4;
  opts.threads = 2;
  opts.mix = request_mix::parse_flags("feed=5,profile=2,send=1,healthz=2");
  opts.sessions = {{"1", "a"}, {"2", "b"}, {"3", "c"}};
  auto r = run_load(opts);
  auto all = r.overall();
  CAF_CHECK_EQUAL(r.sent, 500u);  // exactly rate * duration after the warm-up
  CAF_CHECK_EQUAL(all.responses, 500u);
  CAF_CHECK_EQUAL(all.latency.count(), 500u);
  CAF_CHECK_EQUAL(r.errors(), 0u);
  CAF_CHECK_EQUAL(server.requests.load(), 600u);  // the warm-up's 100 too
  CAF_CHECK_GREATER(r.kinds[static_cast<size_t>(request_kind::send)].responses, 0u);
  CAF_CHECK_GREATER(r.achieved_rate(), 400.0);
  CAF_CHECK_LESS(r.achieved_rate(), 600.0);
  auto json = results_json(r, describe(opts));
  CAF_CHECK_EQUAL(json["responses"], 500u);
  CAF_CHECK_EQUAL(json["errors"]["total"], 0u);
}

CAF_TEST(a closed loop run keeps every connection busy and stops on time) {
  canned_http_server server;
  load_options opts;
  opts.target = target_url::parse("http://127.0.0.1:" + std::to_string(server.port));
  opts.closed = true;
  opts.duration = 0.5;
  opts.warmup = 0;
  opts.connections = 4;
  opts.threads = 2;
  opts.pipeline = 2;
  opts.mix = request_mix::parse_flags("healthz=1");
  auto started = std::chrono::steady_clock::now();
  auto r = run_load(opts);
  CAF_CHECK_LESS(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  CAF_CHECK_GREATER(r.overall().responses, 100u);
  CAF_CHECK_EQUAL(r.errors(), 0u);
  CAF_CHECK_EQUAL(r.overall().responses, r.sent);
}

CAF_TEST(a server that closes after each answer costs reconnects but no errors) {
  canned_http_server server{true};
  load_options opts;
  opts.target = target_url::parse("http://127.0.0.1:" + std::to_string(server.port));
  opts.closed = true;  // a freed slot takes the next request at once
  opts.duration = 0.3;
  opts.warmup = 0;
  opts.connections = 2;
  opts.mix = request_mix::parse_flags("healthz=1");
  auto r = run_load(opts);
  CAF_CHECK_GREATER(r.overall().responses, 10u);
  CAF_CHECK_EQUAL(r.overall().responses, r.sent);
  CAF_CHECK_EQUAL(r.errors(), 0u);
}

CAF_TEST(options that cannot work are refused before the run) {
  load_options opts;
  opts.mix = request_mix::parse_flags("feed=1");
  CAF_CHECK(contains(usage_error_of([&] { validate(opts); }), "needs signed-in users"));
  opts.sessions = {{"1", "a"}};
  opts.mix = request_mix::parse_flags("like=1");
  CAF_CHECK(contains(usage_error_of([&] { validate(opts); }), "at least 2 users"));
  opts.mix = request_mix::parse_flags("healthz=1");
  opts.threads = 4;
  opts.connections = 2;
  CAF_CHECK(contains(usage_error_of([&] { validate(opts); }), "--threads"));
}
