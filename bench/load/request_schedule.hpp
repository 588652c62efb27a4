// When requests are due. Open loop: request k is due at start + k / rate,
// computed from k alone in integer nanoseconds (never by adding up
// intervals), so the millionth request is as punctual as the first. Closed
// loop: a request is due the moment a connection can take it.
//
// A `request_pacer` walks one thread's share of the schedule: with T threads,
// thread t takes k = t, t + T, t + 2T, ... Not thread-safe; one per thread.
#pragma once

#include <cstdint>

namespace griddle::bench::load {

/// The open-loop timetable, relative to the start of the run.
class request_schedule {
 public:
  /// Requests per second, rounded to 1/1000; requires 0.001 <= rate <= 1e6.
  explicit request_schedule(double rate);

  /// When request `k` is due, in nanoseconds after the start: exactly
  /// floor(k * 1e9 / rate) for the rate rounded to 1/1000.
  int64_t offset_ns(uint64_t k) const noexcept;

  /// The first request due at or after `offset_ns`.
  uint64_t first_at_or_after(int64_t offset_ns) const noexcept;

  double rate() const noexcept { return static_cast<double>(milli_rate_) / 1000.0; }

 private:
  uint64_t milli_rate_;  // requests per 1000 s
  uint64_t whole_ns_;    // 1e12 / milli_rate_
  uint64_t rest_ns_;     // 1e12 % milli_rate_
};

/// One thread's share of the run: which request it sends next and when.
class request_pacer {
 public:
  /// Open loop: requests first, first + stride, ... of `schedule` that are
  /// due before `end_ns`; times are absolute (start_ns + offset).
  static request_pacer open(const request_schedule& schedule, int64_t start_ns, int64_t end_ns,
                            uint64_t first, uint64_t stride);

  /// Closed loop: every request is due when taken, until `end_ns`.
  static request_pacer closed(int64_t end_ns);

  /// True when no request is left (closed loop: `now` reached the end).
  bool exhausted(int64_t now) const noexcept;

  /// When the next request is due (open loop), `now` in the closed loop.
  int64_t next_due(int64_t now) const noexcept;

  /// If the next request is due at or before `now`, stores its due time,
  /// moves on and returns true.
  bool take(int64_t now, int64_t& due) noexcept;

  /// Requests left whose due time is at or after `from_ns` (open loop; 0 in
  /// the closed loop): what was never sent when the run is cut short.
  uint64_t left_from(int64_t from_ns) const noexcept;

  /// Requests taken so far.
  uint64_t taken() const noexcept { return taken_; }

 private:
  request_pacer() = default;

  const request_schedule* schedule_ = nullptr;  // null: closed loop
  int64_t start_ns_ = 0;
  int64_t end_ns_ = 0;
  uint64_t next_ = 0;    // index of the next request
  uint64_t stride_ = 1;  // distance to the one after
  uint64_t limit_ = 0;   // first index due at or after the end
  uint64_t taken_ = 0;
};

}  // namespace griddle::bench::load
