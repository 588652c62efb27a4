// An actor that keeps a fixed number of requests in flight and counts the
// replies: the load generator of every micro-benchmark. What a request is and
// where it goes is the `Path`'s business: `path(self, i)` sends the i-th
// request (i = 0, 1, ...) as `self` and returns its response handle; the reply
// must be an `int64_t`.
//
// Protocol: `(caf::ok_atom)` starts it; it answers with a `driver_result` once
// it has stopped and every request still in flight has been answered, then
// quits. It stops when `duration` has passed (replies arriving later are not
// counted) or after the reply to its `max_requests`-th request.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/timespan.hpp>

namespace griddle::bench {

/// When a driver stops sending; zero means "no limit" (set at least one).
struct driver_limits {
  uint64_t window = 1;
  uint64_t max_requests = 0;
  caf::timespan duration{0};
};

/// What a driver counted until it stopped.
struct driver_result {
  uint64_t replies = 0;
  uint64_t errors = 0;
  caf::timespan elapsed{0};

  double per_second() const {
    return elapsed.count() > 0 ? static_cast<double>(replies) * 1e9 / elapsed.count() : 0.0;
  }
};

template <class Path>
class request_driver : public caf::event_based_actor {
 public:
  request_driver(caf::actor_config& cfg, Path path, driver_limits limits)
      : caf::event_based_actor(cfg), path_(std::move(path)), limits_(limits) {}

  const char* name() const override { return "griddle.bench.request_driver"; }

 protected:
  caf::behavior make_behavior() override {
    return {
        [this](caf::ok_atom) -> caf::result<uint64_t, uint64_t, caf::timespan> {
          rp_ = make_response_promise();
          start_ = std::chrono::steady_clock::now();
          if (limits_.duration.count() > 0)
            delayed_send(this, limits_.duration, caf::timeout_atom_v);
          for (uint64_t i = 0; i < limits_.window && may_send(); ++i)
            send_next();
          return caf::delegated<uint64_t, uint64_t, caf::timespan>{};
        },
        [this](caf::timeout_atom) {
          stop();
          finish_if_done();
        },
    };
  }

 private:
  bool may_send() const {
    return !stopped_ && (limits_.max_requests == 0 || sent_ < limits_.max_requests);
  }

  void send_next() {
    ++in_flight_;
    path_(this, sent_++)
        .then([this](int64_t) { on_reply(true); }, [this](caf::error&) { on_reply(false); });
  }

  void on_reply(bool ok) {
    --in_flight_;
    if (!stopped_)
      ++(ok ? replies_ : errors_);
    if (may_send())
      send_next();
    else if (in_flight_ == 0)
      stop();
    finish_if_done();
  }

  void stop() {
    if (stopped_)
      return;
    stopped_ = true;
    result_elapsed_ = std::chrono::steady_clock::now() - start_;
  }

  void finish_if_done() {
    if (!stopped_ || in_flight_ > 0 || !rp_.pending())
      return;
    rp_.deliver(replies_, errors_, caf::timespan{result_elapsed_});
    quit();
  }

  Path path_;
  driver_limits limits_;
  caf::response_promise rp_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::duration result_elapsed_{0};
  uint64_t sent_ = 0;
  uint64_t in_flight_ = 0;
  uint64_t replies_ = 0;
  uint64_t errors_ = 0;
  bool stopped_ = false;
};

/// Spawns a driver over `path`, starts it and blocks until it answers (at
/// most `timeout`). Main thread only. Throws std::runtime_error on failure.
template <class Path>
driver_result run_driver(caf::actor_system& sys, Path path, driver_limits limits,
                         caf::timespan timeout) {
  auto driver = sys.spawn<request_driver<Path>>(std::move(path), limits);
  caf::scoped_actor self{sys};
  driver_result result;
  caf::error failure;
  self->request(driver, timeout, caf::ok_atom_v)
      .receive(
          [&](uint64_t replies, uint64_t errors, caf::timespan elapsed) {
            result = driver_result{replies, errors, elapsed};
          },
          [&](caf::error& err) { failure = std::move(err); });
  if (failure) {
    self->send_exit(driver, caf::exit_reason::user_shutdown);
    throw std::runtime_error("request driver failed: " + sys.render(failure));
  }
  return result;
}

}  // namespace griddle::bench
