// One client thread of a load run: its own io_context, its share of the
// connections and of the schedule, its own histograms. Requests go out as
// the pacer makes them due and slots free up (dispatcher.hpp); each
// response is recorded against its request's due time. The worker stops by
// itself when its share is done, or at the deadline, when whatever is still
// in flight or unsent counts as timed out.
//
// Threading: construct and `connect()` on one thread, then `start()` runs
// the worker on a thread of its own; `progress()` and `histograms()` may be
// read from any thread meanwhile; `results()` after `join()`.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bench/load/client_connection.hpp"
#include "bench/load/dispatcher.hpp"
#include "bench/load/load_results.hpp"
#include "bench/load/request_schedule.hpp"
#include "bench/load/request_source.hpp"
#include "runtime/metrics/histogram.hpp"

namespace griddle::bench::load {

/// The steady clock in nanoseconds, the time base of a run.
int64_t steady_now_ns() noexcept;

/// When a run's phases begin and end, in `steady_now_ns()` time.
struct run_times {
  int64_t start = 0;     // request 0 is due
  int64_t measure = 0;   // the warm-up ends: requests due from here count
  int64_t end = 0;       // no request is due at or after this
  int64_t deadline = 0;  // everything stops
};

/// How one worker takes part.
struct worker_plan {
  size_t index = 0;  // this worker's number, 0..threads-1
  size_t threads = 1;
  size_t connections = 1;  // this worker's connections
  size_t pipeline = 1;
  bool closed = false;
  const request_schedule* schedule = nullptr;  // open loop
};

class load_worker final : private connection_events {
 public:
  load_worker(const worker_plan& plan, const boost::asio::ip::tcp::endpoint& peer,
              request_source source);
  ~load_worker() override;

  /// Opens the connections synchronously; returns how many connected.
  size_t connect();

  /// Runs the worker on a new thread with the run's `times`.
  void start(const run_times& times);

  /// Waits until the worker has stopped.
  void join();

  /// True once the worker's thread is done (any thread).
  bool stopped() const noexcept { return stopped_.load(std::memory_order_acquire); }

  struct progress_counts {
    uint64_t sent = 0;
    uint64_t done = 0;  // responses and errors
    uint64_t errors = 0;
  };

  /// Counts so far (any thread).
  progress_counts progress() const noexcept;

  /// The latency histograms so far, every kind merged (any thread).
  metrics::histogram_snapshot latency_snapshot() const;

  /// What the worker measured; after `join()`.
  load_results results() const;

 private:
  void run();
  void pump(int64_t now);
  void arm_timer(int64_t at);
  void on_deadline();
  void finish();
  void count_lost(const in_flight_request& r) noexcept;
  bool measured(int64_t due) const noexcept { return due >= times_.measure; }
  static void bump(std::atomic<uint64_t>& counter) noexcept;

  // -- connection_events ------------------------------------------------------
  void on_connected(size_t c) override;
  void on_connect_failed(size_t c) override;
  void on_response(size_t c, int status, bool closing) override;
  void on_closed(size_t c) override;

  worker_plan plan_;
  run_times times_;
  // Only the worker's thread touches the context once it runs (the
  // connections are opened before), so Asio may skip its internal locking.
  boost::asio::io_context ctx_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE};
  boost::asio::steady_timer tick_timer_{ctx_};
  boost::asio::steady_timer deadline_timer_{ctx_};
  bool timer_armed_ = false;
  bool finished_ = false;
  std::vector<std::unique_ptr<client_connection>> connections_;
  dispatcher dispatcher_;
  request_pacer pacer_ = request_pacer::closed(0);
  request_source source_;
  std::thread thread_;

  // -- what is measured (written by the worker thread only) ---------------------
  std::array<metrics::latency_histogram, request_kind_count> latency_;
  std::array<std::atomic<uint64_t>, request_kind_count> responses_{};
  std::array<std::atomic<uint64_t>, request_kind_count> io_errors_{};
  std::array<std::atomic<uint64_t>, request_kind_count> timeouts_{};
  std::array<std::array<uint64_t, 600>, request_kind_count> statuses_{};
  std::atomic<uint64_t> connect_errors_{0};
  std::atomic<uint64_t> unsent_{0};
  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> measured_sent_{0};
  std::atomic<uint64_t> done_{0};
  std::atomic<uint64_t> errors_{0};
  int64_t last_response_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace griddle::bench::load
