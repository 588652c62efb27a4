#include "bench/load/dispatcher.hpp"

namespace griddle::bench::load {

dispatcher::dispatcher(size_t connections, size_t pipeline)
    : pipeline_(pipeline),
      queues_(connections),
      up_(connections, false),
      free_(connections * pipeline) {
  for (auto& q : queues_)
    q.items.resize(pipeline);
}

void dispatcher::connection_up(size_t c) {
  if (up_[c])
    return;
  up_[c] = true;
  for (size_t i = 0; i < pipeline_; ++i)
    push_free_slot(c);
}

in_flight_request dispatcher::complete(size_t c) {
  auto& q = queues_[c];
  auto r = q.items[q.head];
  q.head = (q.head + 1) % pipeline_;
  --q.size;
  --in_flight_;
  push_free_slot(c);
  return r;
}

size_t dispatcher::pop_free_slot() {
  auto c = free_[free_head_];
  free_head_ = (free_head_ + 1) % free_.size();
  --free_count_;
  return c;
}

void dispatcher::push_free_slot(size_t c) {
  free_[(free_head_ + free_count_) % free_.size()] = c;
  ++free_count_;
}

void dispatcher::remove_free_slots_of(size_t c) {
  // Rare (a connection failed): compact the ring in place, keeping the order.
  size_t kept = 0;
  for (size_t i = 0; i < free_count_; ++i) {
    auto slot = free_[(free_head_ + i) % free_.size()];
    if (slot != c)
      free_[(free_head_ + kept++) % free_.size()] = slot;
  }
  free_count_ = kept;
}

void dispatcher::push_in_flight(size_t c, in_flight_request r) {
  auto& q = queues_[c];
  q.items[(q.head + q.size) % pipeline_] = r;
  ++q.size;
  ++in_flight_;
}

}  // namespace griddle::bench::load
