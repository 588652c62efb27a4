#include "bench/load/load_run.hpp"

#include <boost/asio/ip/address.hpp>
#include <memory>
#include <stdexcept>
#include <thread>

#include "bench/load/load_worker.hpp"
#include "bench/seed/options.hpp"
#include "bench/seed/progress_bar.hpp"

namespace griddle::bench::load {

namespace {

/// A second's line: elapsed, sent, done, rate and p99 of the last second, errors.
class progress_printer {
 public:
  progress_printer(std::FILE* out, const std::vector<std::unique_ptr<load_worker>>& workers,
                   const run_times& times)
      : out_(out), workers_(workers), times_(times), last_at_(times.start) {}

  void print(int64_t now) {
    load_worker::progress_counts sum;
    metrics::histogram_snapshot latency;
    for (auto& w : workers_) {
      auto p = w->progress();
      sum.sent += p.sent;
      sum.done += p.done;
      sum.errors += p.errors;
      latency.merge(w->latency_snapshot());
    }
    auto seconds = static_cast<double>(now - last_at_) / 1e9;
    auto rate = seconds > 0 ? static_cast<double>(sum.done - last_done_) / seconds : 0.0;
    auto p99 = percentile_between(latency, last_latency_, 99);
    std::fprintf(out_, "%6.1f s%s  sent %s  done %s  %s/s  errors %s  p99 %s ms\n",
                 static_cast<double>(now - times_.start) / 1e9,
                 (last_at_ + now) / 2 < times_.measure ? " (warm-up)" : "",
                 with_commas(sum.sent).c_str(), with_commas(sum.done).c_str(),
                 with_commas(static_cast<uint64_t>(rate + 0.5)).c_str(),
                 with_commas(sum.errors).c_str(), p99 > 0 ? format_ms(p99).c_str() : "-");
    std::fflush(out_);
    last_at_ = now;
    last_done_ = sum.done;
    last_latency_ = std::move(latency);
  }

 private:
  std::FILE* out_;
  const std::vector<std::unique_ptr<load_worker>>& workers_;
  run_times times_;
  int64_t last_at_;
  uint64_t last_done_ = 0;
  metrics::histogram_snapshot last_latency_;
};

int64_t seconds_to_ns(double s) {
  return static_cast<int64_t>(s * 1e9);
}

}  // namespace

void validate_settings(const load_options& opts) {
  if (opts.threads == 0 || opts.connections == 0 || opts.pipeline == 0)
    throw usage_error("--threads, --connections and --pipeline must be at least 1");
  if (opts.threads > opts.connections)
    throw usage_error("--threads must not exceed --connections");
  if (!opts.closed && (opts.rate < 0.001 || opts.rate > 1e6))
    throw usage_error("--rate must be between 0.001 and 1000000");
  if (opts.duration <= 0 || opts.warmup < 0)
    throw usage_error("--duration must be positive and --warmup not negative");
  if (opts.zipf < 0)
    throw usage_error("--zipf must not be negative");
}

void validate(const load_options& opts) {
  validate_settings(opts);
  if (opts.mix.needs_sessions() && opts.sessions.empty())
    throw usage_error("the mix " + opts.mix.to_string() +
                      " needs signed-in users: give --users with --db, or --tokens");
  if (opts.mix.needs_other_users() && opts.sessions.size() < 2)
    throw usage_error("the mix " + opts.mix.to_string() +
                      " names other users: it needs at least 2 users");
}

run_description describe(const load_options& opts) {
  run_description d;
  d.closed = opts.closed;
  d.rate = opts.rate;
  d.duration = opts.duration;
  d.warmup = opts.warmup;
  d.connections = opts.connections;
  d.threads = opts.threads;
  d.pipeline = opts.pipeline;
  d.users = opts.sessions.size();
  d.mix = opts.mix.to_string();
  auto host = opts.target.address.find(':') != std::string::npos ? "[" + opts.target.address + "]"
                                                                 : opts.target.address;
  d.url = "http://" + host + ":" + std::to_string(opts.target.port);
  return d;
}

load_results run_load(const load_options& opts) {
  validate(opts);
  boost::asio::ip::tcp::endpoint peer{boost::asio::ip::make_address(opts.target.address),
                                      opts.target.port};
  request_schedule schedule{opts.closed ? 1.0 : opts.rate};
  std::vector<std::unique_ptr<load_worker>> workers;
  size_t connected = 0;
  for (size_t t = 0; t < opts.threads; ++t) {
    worker_plan plan;
    plan.index = t;
    plan.threads = opts.threads;
    plan.connections = opts.connections / opts.threads + (t < opts.connections % opts.threads);
    plan.pipeline = opts.pipeline;
    plan.closed = opts.closed;
    plan.schedule = &schedule;
    request_source source{opts.mix, opts.sessions, opts.zipf, opts.target.host_header, opts.seed,
                          t};
    workers.push_back(std::make_unique<load_worker>(plan, peer, std::move(source)));
    connected += workers.back()->connect();
  }
  if (connected == 0)
    throw std::runtime_error("cannot connect to " + describe(opts).url);

  run_times times;
  times.start = steady_now_ns() + 20'000'000;  // every thread running before request 0
  times.measure = times.start + seconds_to_ns(opts.warmup);
  times.end = times.measure + seconds_to_ns(opts.duration);
  times.deadline =
      times.end + std::chrono::duration_cast<std::chrono::nanoseconds>(opts.drain).count();
  for (auto& w : workers)
    w->start(times);

  if (opts.progress) {
    progress_printer printer{opts.progress, workers, times};
    for (auto next = times.start + 1'000'000'000; next < times.deadline; next += 1'000'000'000) {
      // Sleep in short steps so a run that ends early is noticed.
      bool running = true;
      while (running && steady_now_ns() < next) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        running = false;
        for (auto& w : workers)
          running = running || !w->stopped();
      }
      if (!running)
        break;
      printer.print(steady_now_ns());
    }
  }
  load_results results;
  for (auto& w : workers) {
    w->join();
    results.merge(w->results());
  }
  return results;
}

}  // namespace griddle::bench::load
