// The bookkeeping between the schedule and the connections of one client
// thread, without sockets or clocks, so tests drive it with a fake clock.
//
// Each live connection offers `pipeline` slots (1: no pipelining). A due
// request takes the free slot that has been free longest; when none is free
// it stays with the pacer, keeping its due time, and goes out as soon as a
// slot frees. Responses arrive in order per connection, so a connection's
// requests in flight form a queue. Latency is then measured from the due
// time, queueing in the client included (coordinated omission corrected).
//
// Allocates only in the constructor. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "bench/load/request_mix.hpp"
#include "bench/load/request_schedule.hpp"

namespace griddle::bench::load {

/// A request on the wire.
struct in_flight_request {
  int64_t due_ns = 0;
  request_kind kind = request_kind::healthz;
};

class dispatcher {
 public:
  dispatcher(size_t connections, size_t pipeline);

  /// Connection `c` is connected: its slots become free.
  void connection_up(size_t c);

  /// Connection `c` is gone: its slots leave the free list, and `lost` is
  /// called with each request it had in flight, oldest first.
  template <class F>
  void connection_down(size_t c, F&& lost) {
    if (!up_[c])
      return;
    up_[c] = false;
    remove_free_slots_of(c);
    auto& q = queues_[c];
    for (; q.size > 0; --q.size, --in_flight_, q.head = (q.head + 1) % pipeline_)
      lost(q.items[q.head]);
  }

  bool is_up(size_t c) const noexcept { return up_[c]; }

  bool has_free_slot() const noexcept { return free_count_ > 0; }

  /// Requests in flight over all connections.
  size_t in_flight() const noexcept { return in_flight_; }

  /// Requests in flight on connection `c`.
  size_t in_flight(size_t c) const noexcept { return queues_[c].size; }

  /// Sends what `pacer` has due at `now` while slots are free:
  /// `send(connection, due_ns)` writes one request and returns its kind.
  /// Returns how many went out.
  template <class Send>
  size_t dispatch(request_pacer& pacer, int64_t now, Send&& send) {
    size_t sent = 0;
    int64_t due = 0;
    while (free_count_ > 0 && pacer.take(now, due)) {
      auto c = pop_free_slot();
      auto kind = send(c, due);
      push_in_flight(c, in_flight_request{due, kind});
      ++sent;
    }
    return sent;
  }

  /// The oldest request in flight on `c` got its answer: frees its slot and
  /// returns it. Requires `in_flight(c) > 0`.
  in_flight_request complete(size_t c);

 private:
  struct request_queue {
    std::vector<in_flight_request> items;  // ring of `pipeline_` entries
    size_t head = 0;
    size_t size = 0;
  };

  size_t pop_free_slot();
  void push_free_slot(size_t c);
  void remove_free_slots_of(size_t c);
  void push_in_flight(size_t c, in_flight_request r);

  size_t pipeline_;
  std::vector<request_queue> queues_;
  std::vector<bool> up_;
  std::vector<size_t> free_;  // ring of connection indexes, one entry per free slot
  size_t free_head_ = 0;
  size_t free_count_ = 0;
  size_t in_flight_ = 0;
};

}  // namespace griddle::bench::load
