#include "bench/load/load_worker.hpp"

#include <algorithm>
#include <chrono>

#include <boost/asio/post.hpp>

namespace griddle::bench::load {

namespace {

std::chrono::steady_clock::time_point to_time_point(int64_t ns) {
  return std::chrono::steady_clock::time_point{std::chrono::nanoseconds{ns}};
}

}  // namespace

int64_t steady_now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

load_worker::load_worker(const worker_plan& plan, const boost::asio::ip::tcp::endpoint& peer,
                         request_source source)
    : plan_(plan), dispatcher_(plan.connections, plan.pipeline), source_(std::move(source)) {
  connection_events& events = *this;
  for (size_t c = 0; c < plan.connections; ++c)
    connections_.push_back(std::make_unique<client_connection>(ctx_, peer, c, events));
}

load_worker::~load_worker() {
  join();
}

size_t load_worker::connect() {
  size_t n = 0;
  for (size_t c = 0; c < connections_.size(); ++c)
    if (connections_[c]->connect_now()) {
      dispatcher_.connection_up(c);
      ++n;
    }
  return n;
}

void load_worker::start(const run_times& times) {
  times_ = times;
  pacer_ = plan_.closed ? request_pacer::closed(times.end)
                        : request_pacer::open(*plan_.schedule, times.start, times.end, plan_.index,
                                              plan_.threads);
  thread_ = std::thread{[this] { run(); }};
}

void load_worker::join() {
  if (thread_.joinable())
    thread_.join();
}

void load_worker::run() {
  deadline_timer_.expires_at(to_time_point(times_.deadline));
  deadline_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec)
      on_deadline();
  });
  arm_timer(times_.start);
  ctx_.run();
  stopped_.store(true, std::memory_order_release);
}

void load_worker::pump(int64_t now) {
  if (finished_)
    return;
  dispatcher_.dispatch(pacer_, now, [this](size_t c, int64_t due) {
    auto& conn = *connections_[c];
    auto kind = source_.next(conn.outbox());
    conn.flush();
    bump(sent_);
    if (measured(due))
      bump(measured_sent_);
    return kind;
  });
  if (pacer_.exhausted(now)) {
    if (dispatcher_.in_flight() == 0)
      finish();
  } else if (!plan_.closed && dispatcher_.has_free_slot()) {
    arm_timer(pacer_.next_due(now));
  }
}

void load_worker::arm_timer(int64_t at) {
  // An earlier wake-up than needed is harmless: pump finds nothing due.
  if (timer_armed_)
    return;
  timer_armed_ = true;
  tick_timer_.expires_at(to_time_point(at));
  tick_timer_.async_wait([this](const boost::system::error_code& ec) {
    timer_armed_ = false;
    if (!ec)
      pump(steady_now_ns());
  });
}

void load_worker::on_deadline() {
  for (size_t c = 0; c < connections_.size(); ++c)
    dispatcher_.connection_down(c, [this](const in_flight_request& r) {
      if (measured(r.due_ns)) {
        bump(timeouts_[static_cast<size_t>(r.kind)]);
        bump(errors_);
      }
    });
  auto unsent = pacer_.left_from(times_.measure);
  unsent_.store(unsent, std::memory_order_relaxed);
  errors_.fetch_add(unsent, std::memory_order_relaxed);
  finish();
}

void load_worker::finish() {
  if (finished_)
    return;
  finished_ = true;
  for (auto& conn : connections_)
    conn->close();
  tick_timer_.cancel();
  deadline_timer_.cancel();
  ctx_.stop();
}

void load_worker::bump(std::atomic<uint64_t>& counter) noexcept {
  // One writer: a plain load and store, no read-modify-write.
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

// -- connection_events --------------------------------------------------------

void load_worker::on_connected(size_t c) {
  dispatcher_.connection_up(c);
  pump(steady_now_ns());
}

void load_worker::on_connect_failed(size_t) {
  if (measured(steady_now_ns())) {
    bump(connect_errors_);
    bump(errors_);
  }
}

void load_worker::on_response(size_t c, int status, bool closing) {
  auto now = steady_now_ns();
  auto r = dispatcher_.complete(c);
  bump(done_);
  if (measured(r.due_ns)) {
    auto kind = static_cast<size_t>(r.kind);
    bump(responses_[kind]);
    last_response_ = now;
    if (status < 400) {
      latency_[kind].record(now - r.due_ns);
    } else {
      ++statuses_[kind][static_cast<size_t>(std::min(status, 599))];
      bump(errors_);
    }
  }
  if (closing)
    dispatcher_.connection_down(c, [this](const in_flight_request& lost) { count_lost(lost); });
  pump(now);
}

void load_worker::on_closed(size_t c) {
  dispatcher_.connection_down(c, [this](const in_flight_request& lost) { count_lost(lost); });
  pump(steady_now_ns());
}

void load_worker::count_lost(const in_flight_request& r) noexcept {
  bump(done_);
  if (measured(r.due_ns)) {
    bump(io_errors_[static_cast<size_t>(r.kind)]);
    bump(errors_);
  }
}

// -- reading the results --------------------------------------------------------

load_worker::progress_counts load_worker::progress() const noexcept {
  return {sent_.load(std::memory_order_relaxed), done_.load(std::memory_order_relaxed),
          errors_.load(std::memory_order_relaxed)};
}

metrics::histogram_snapshot load_worker::latency_snapshot() const {
  metrics::histogram_snapshot all;
  for (auto& h : latency_)
    all.merge(h.snapshot());
  return all;
}

load_results load_worker::results() const {
  load_results r;
  for (size_t i = 0; i < request_kind_count; ++i) {
    auto& k = r.kinds[i];
    k.latency = latency_[i].snapshot();
    k.responses = responses_[i].load();
    k.io_errors = io_errors_[i].load();
    k.timeouts = timeouts_[i].load();
    for (size_t status = 400; status < 600; ++status)
      if (statuses_[i][status] > 0)
        k.http_errors[static_cast<int>(status)] = statuses_[i][status];
  }
  r.connect_errors = connect_errors_.load();
  r.unsent = unsent_.load();
  r.sent = measured_sent_.load();
  r.seconds = static_cast<double>(std::max(last_response_, times_.end) - times_.measure) / 1e9;
  return r;
}

}  // namespace griddle::bench::load
