#include "bench/load/request_schedule.hpp"

#include <cmath>

namespace griddle::bench::load {

namespace {

constexpr uint64_t ns_per_ks = 1'000'000'000'000;  // nanoseconds in 1000 s

}  // namespace

// -- request_schedule ---------------------------------------------------------

request_schedule::request_schedule(double rate)
    : milli_rate_(static_cast<uint64_t>(std::llround(rate * 1000.0))),
      whole_ns_(ns_per_ks / milli_rate_),
      rest_ns_(ns_per_ks % milli_rate_) {}

int64_t request_schedule::offset_ns(uint64_t k) const noexcept {
  // k * 1e12 / m = k * whole + k * rest / m, and with k = a * m + b the last
  // term is a * rest + b * rest / m: every product stays below 2^64 for
  // m <= 1e9 (rates up to 1e6/s) and any k a run can reach.
  auto a = k / milli_rate_;
  auto b = k % milli_rate_;
  return static_cast<int64_t>(k * whole_ns_ + a * rest_ns_ + b * rest_ns_ / milli_rate_);
}

uint64_t request_schedule::first_at_or_after(int64_t offset_ns) const noexcept {
  if (offset_ns <= 0)
    return 0;
  // An estimate, then exact steps: offset_ns is monotonic in k.
  auto k = static_cast<uint64_t>(static_cast<double>(offset_ns) * rate() / 1e9);
  while (k > 0 && this->offset_ns(k - 1) >= offset_ns)
    --k;
  while (this->offset_ns(k) < offset_ns)
    ++k;
  return k;
}

// -- request_pacer ------------------------------------------------------------

request_pacer request_pacer::open(const request_schedule& schedule, int64_t start_ns,
                                  int64_t end_ns, uint64_t first, uint64_t stride) {
  request_pacer p;
  p.schedule_ = &schedule;
  p.start_ns_ = start_ns;
  p.end_ns_ = end_ns;
  p.next_ = first;
  p.stride_ = stride;
  p.limit_ = schedule.first_at_or_after(end_ns - start_ns);
  return p;
}

request_pacer request_pacer::closed(int64_t end_ns) {
  request_pacer p;
  p.end_ns_ = end_ns;
  return p;
}

bool request_pacer::exhausted(int64_t now) const noexcept {
  return schedule_ ? next_ >= limit_ : now >= end_ns_;
}

int64_t request_pacer::next_due(int64_t now) const noexcept {
  return schedule_ ? start_ns_ + schedule_->offset_ns(next_) : now;
}

bool request_pacer::take(int64_t now, int64_t& due) noexcept {
  if (exhausted(now))
    return false;
  auto at = next_due(now);
  if (at > now)
    return false;
  due = at;
  next_ += stride_;
  ++taken_;
  return true;
}

uint64_t request_pacer::left_from(int64_t from_ns) const noexcept {
  if (!schedule_ || next_ >= limit_)
    return 0;
  auto first = schedule_->first_at_or_after(from_ns - start_ns_);
  auto from = next_;
  if (first > from)  // the next index of this pacer's residue class at or after `first`
    from += (first - from + stride_ - 1) / stride_ * stride_;
  return from >= limit_ ? 0 : (limit_ - from + stride_ - 1) / stride_;
}

}  // namespace griddle::bench::load
