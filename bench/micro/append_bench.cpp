#include "bench/micro/append_bench.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "runtime/metrics/histogram.hpp"
#include "runtime/store/sqlite_event_store.hpp"

namespace griddle::bench {

namespace {

using std::chrono::steady_clock;

/// The goal this benchmark checks: 256 writers, group commit on.
constexpr uint64_t target_writers = 256;
constexpr double target_rate = 20000;
constexpr double target_p99_ms = 20;

/// How long to wait for the last callbacks after the run before giving up.
constexpr auto drain_limit = std::chrono::seconds(60);

/// Everything the writers share. Callbacks run on the store's writer thread;
/// the main thread reads the counters only after `in_flight` reached 0.
struct bench_state {
  store::event_store* store = nullptr;
  metrics::latency_histogram latency;
  steady_clock::time_point stop_at;
  std::atomic<uint64_t> acked{0};
  std::atomic<uint64_t> errors{0};
  std::mutex mtx;
  std::condition_variable drained;
  uint64_t in_flight = 0;              // guarded by mtx: writers still looping
  steady_clock::time_point last_done;  // guarded by mtx
  std::string first_error;             // guarded by mtx
};

/// One logical writer: a stream of its own and one append in flight.
struct writer {
  bench_state* state = nullptr;
  uint64_t id = 0;
  std::string stream;
  uint64_t version = store::no_stream;
  uint64_t seq = 0;
  steady_clock::time_point issued;
};

store::event_data make_event(const writer& w) {
  store::event_data ev;
  ev.type = "bench_appended";
  ev.event_id = "w" + std::to_string(w.id) + "-" + std::to_string(w.seq);
  // About 100 bytes of JSON.
  ev.payload = R"({"writer":)" + std::to_string(w.id) + R"(,"seq":)" + std::to_string(w.seq) +
               R"(,"amount":1,"note":"griddle durable append benchmark, one event"})";
  return ev;
}

void issue(writer& w);

void on_done(writer& w, caf::expected<store::append_result> result) {
  auto now = steady_clock::now();
  auto& st = *w.state;
  if (result) {
    st.latency.record(now - w.issued);
    st.acked.fetch_add(1, std::memory_order_relaxed);
    w.version = result->version;
    if (now < st.stop_at) {
      issue(w);
      return;
    }
  } else {
    // The writer no longer knows its stream's version: it stops.
    st.errors.fetch_add(1, std::memory_order_relaxed);
  }
  std::lock_guard<std::mutex> guard{st.mtx};
  if (!result && st.first_error.empty())
    st.first_error = caf::to_string(result.error());
  st.last_done = now;
  if (--st.in_flight == 0)
    st.drained.notify_all();
}

void issue(writer& w) {
  ++w.seq;
  std::vector<store::event_data> events;
  events.push_back(make_event(w));
  w.issued = steady_clock::now();
  // The callback may run before `append` returns: touch nothing of `w` after.
  w.state->store->append(w.stream, w.version, std::move(events),
                         [&w](caf::expected<store::append_result> r) { on_done(w, std::move(r)); });
}

struct run_result {
  uint64_t acked = 0;
  uint64_t errors = 0;
  double elapsed_s = 0;
  metrics::histogram_snapshot latency;
  store::store_stats stats;
  std::string first_error;

  double per_second() const { return elapsed_s > 0 ? acked / elapsed_s : 0; }
  double ms_at(double p) const { return latency.value_at_percentile(p) / 1e6; }
  double per_transaction() const {
    return stats.transactions > 0 ? double(stats.appends) / stats.transactions : 0;
  }
  bool meets_target() const {
    return errors == 0 && per_second() >= target_rate && ms_at(99) <= target_p99_ms;
  }
};

std::string unique_path() {
  static std::atomic<uint64_t> counter{0};
  auto stamp = steady_clock::now().time_since_epoch().count();
  return "/tmp/griddle-appends-" + std::to_string(::getpid()) + "-" + std::to_string(stamp) + "-" +
         std::to_string(counter++) + ".db";
}

void remove_database(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    std::filesystem::remove(path + suffix, ignored);
}

run_result measure(const append_options& opts) {
  auto path = opts.path.empty() ? unique_path() : opts.path;
  // Never overwrite a file the caller cares about: "fresh" means new.
  if (std::filesystem::exists(path))
    throw std::invalid_argument("'" + path + "' exists; appends needs a fresh database file");
  store::sqlite_options store_opts;
  store_opts.path = path;
  store_opts.group_commit = opts.group_commit;
  auto opened = store::sqlite_event_store::open(store_opts);
  if (!opened) {
    remove_database(path);
    throw std::runtime_error("cannot open " + path + ": " + caf::to_string(opened.error()));
  }
  auto store = std::move(*opened);
  bench_state st;
  st.store = store.get();
  std::vector<writer> writers(opts.writers);
  for (uint64_t i = 0; i < opts.writers; ++i) {
    writers[i].state = &st;
    writers[i].id = i;
    writers[i].stream = "bench-" + std::to_string(i);
  }
  auto duration = std::chrono::duration_cast<steady_clock::duration>(
      std::chrono::duration<double>(opts.seconds));
  st.in_flight = opts.writers;
  auto start = steady_clock::now();
  st.stop_at = start + duration;
  for (auto& w : writers)
    issue(w);
  run_result result;
  {
    std::unique_lock<std::mutex> guard{st.mtx};
    if (!st.drained.wait_for(guard, duration + drain_limit, [&] { return st.in_flight == 0; }))
      throw std::runtime_error("appends still in flight " + std::to_string(drain_limit.count()) +
                               " s after the run");
    result.elapsed_s = std::chrono::duration<double>(st.last_done - start).count();
    result.first_error = st.first_error;
  }
  result.acked = st.acked.load();
  result.errors = st.errors.load();
  result.latency = st.latency.snapshot();
  result.stats = store->stats();
  store.reset();
  remove_database(path);
  return result;
}

const char* on_off(bool x) {
  return x ? "on" : "off";
}

}  // namespace

int run_appends(const append_options& opts) {
  std::printf("appends: %llu writers, %.1f s, group commit %s, synchronous full, SQLite WAL\n",
              static_cast<unsigned long long>(opts.writers), opts.seconds,
              on_off(opts.group_commit));
  std::fflush(stdout);
  auto r = measure(opts);
  std::printf("acknowledged  %llu appends in %.2f s: %.0f appends/s\n",
              static_cast<unsigned long long>(r.acked), r.elapsed_s, r.per_second());
  std::printf("latency ms    p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (mean %.3f)\n",
              r.ms_at(50), r.ms_at(90), r.ms_at(99), r.ms_at(99.9), r.latency.max() / 1e6,
              r.latency.mean() / 1e6);
  std::printf("errors        %llu%s%s\n", static_cast<unsigned long long>(r.errors),
              r.first_error.empty() ? "" : ", first: ", r.first_error.c_str());
  std::printf("store         appends %llu, transactions %llu, %.1f appends per transaction\n",
              static_cast<unsigned long long>(r.stats.appends),
              static_cast<unsigned long long>(r.stats.transactions), r.per_transaction());
  if (opts.writers == target_writers && opts.group_commit)
    std::printf("target        >= %.0f appends/s at p99 <= %.0f ms: %s\n", target_rate,
                target_p99_ms, r.meets_target() ? "met" : "NOT met");
  return r.errors == 0 ? 0 : 1;
}

int run_appends_matrix(double seconds, const std::string& path) {
  std::printf(
      "appends-matrix: W = 1, 16, 256 x group commit on/off, %.1f s each, "
      "synchronous full, SQLite WAL\n",
      seconds);
  std::fflush(stdout);
  std::vector<std::pair<append_options, run_result>> runs;
  for (bool group_commit : {true, false}) {
    for (uint64_t writers : {1, 16, 256}) {
      append_options opts{writers, seconds, group_commit, path};
      std::printf("  running %llu writers, group commit %s ...\n",
                  static_cast<unsigned long long>(writers), on_off(group_commit));
      std::fflush(stdout);
      runs.emplace_back(opts, measure(opts));
    }
  }
  std::printf(
      "\n| Writers | Group commit | Appends/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms "
      "| Errors | Appends/txn |\n");
  std::printf("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  bool errors = false;
  const run_result* target_run = nullptr;
  for (const auto& [opts, r] : runs) {
    std::printf("| %llu | %s | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %llu | %.1f |\n",
                static_cast<unsigned long long>(opts.writers), on_off(opts.group_commit),
                r.per_second(), r.ms_at(50), r.ms_at(90), r.ms_at(99), r.ms_at(99.9),
                r.latency.max() / 1e6, static_cast<unsigned long long>(r.errors),
                r.per_transaction());
    errors = errors || r.errors > 0;
    if (opts.writers == target_writers && opts.group_commit)
      target_run = &r;
  }
  if (target_run != nullptr)
    std::printf(
        "\ntarget: >= %.0f appends/s at p99 <= %.0f ms with %llu writers, group commit "
        "on: %s (%.0f appends/s, p99 %.2f ms)\n",
        target_rate, target_p99_ms, static_cast<unsigned long long>(target_writers),
        target_run->meets_target() ? "met" : "NOT met", target_run->per_second(),
        target_run->ms_at(99));
  return errors ? 1 : 0;
}

}  // namespace griddle::bench
