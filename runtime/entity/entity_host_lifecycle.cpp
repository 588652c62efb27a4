// The entity host's handling of endings: idle passivation, crashes with
// restart and back-off, escalation, and the ordered stop.
#include <algorithm>

#include "runtime/entity/detail/entity_host_actor.hpp"
#include "runtime/errc.hpp"

namespace griddle::entity::detail {

// -- passivation -------------------------------------------------------------------

int64_t entity_host_actor::idle_cutoff() {
  auto idle = std::chrono::duration_cast<caf::actor_clock::duration_type>(type_.idle_timeout);
  return (clock().now() - idle).time_since_epoch().count();
}

void entity_host_actor::sweep() {
  if (!stopping_ && router_.rollouts().generation(type_.name) != rollout_generation_)
    reconsider();  // missed a reconsider message (e.g. the table changed before this host began)
  if (!stopping_ && to_passivate_.empty()) {
    for (auto& key : switching_)
      to_passivate_.push_back(key);
    auto cutoff = idle_cutoff();
    int64_t queued = 0;
    int64_t deepest = 0;
    for (auto& [key, act] : activations_) {
      if (act.state != phase::active)
        continue;
      // Mailbox lengths as the activations last saw them (entity_actor.hpp).
      auto box = static_cast<int64_t>(act.record.mailbox.load(std::memory_order_relaxed));
      queued += box;
      deepest = std::max(deepest, box);
      if (act.record.last_active.load(std::memory_order_relaxed) <= cutoff)
        to_passivate_.push_back(key);
    }
    mailbox_total_->set(queued);
    mailbox_max_->set(deepest);
    passivate_some();
  }
  auto now = clock().now();
  for (auto i = backoff_.begin(); i != backoff_.end();) {
    if (i->second.recent_failures(now) == 0)
      i = backoff_.erase(i);
    else
      ++i;
  }
}

void entity_host_actor::passivate_some() {
  auto cutoff = idle_cutoff();
  // At most `passivation_batch` at a time: the next ones go out as these end
  // (on_entity_down), so a mass passivation never floods a scheduler queue.
  while (draining_count_ < passivation_batch && !to_passivate_.empty()) {
    auto key = std::move(to_passivate_.back());
    to_passivate_.pop_back();
    auto i = activations_.find(key);
    if (i == activations_.end() || i->second.state != phase::active) {
      switching_.erase(key);
      continue;
    }
    // A sweep re-checks: the entity may have been busy since it was queued.
    if (stopping_ || switching_.count(key) != 0 ||
        i->second.record.last_active.load(std::memory_order_relaxed) <= cutoff)
      passivate(key, i->second);
  }
}

void entity_host_actor::passivate(const std::string& key, activation& act) {
  auto hash = hash_of(key);
  if (stopping_) {
    // Stopping: close the direct path even with counted messages in flight;
    // they reach the host and are answered with `shutting_down`.
    directory_.unpublish(key, hash);
  } else if (!directory_.try_remove(key, hash)) {
    return;  // not idle after all: counted messages are on their way
  }
  switching_.erase(key);
  send(act.handle, passivate_atom_v);
  if (draining_.empty())
    delayed_send(this, opts_.passivation_grace, linger_atom_v);
  draining_.emplace_back(clock().now(), act.addr);
  ++draining_count_;
  act.handle = nullptr;
  act.state = phase::draining;
  active_->dec();
  passivations_total_->inc();
}

void entity_host_actor::end_lingering() {
  auto cutoff = clock().now() - opts_.passivation_grace;
  while (!draining_.empty() && draining_.front().first <= cutoff) {
    // Still alive only if a handle to it lingers somewhere; a dead one is a no-op.
    if (auto zombie = caf::actor_cast<caf::actor>(draining_.front().second))
      anon_send(zombie, passivate_atom_v);
    draining_.pop_front();
  }
  if (!draining_.empty())
    delayed_send(this, draining_.front().first + opts_.passivation_grace - clock().now(),
                 linger_atom_v);
}

// -- endings of activations ------------------------------------------------------------

void entity_host_actor::on_entity_down(const std::string& key, caf::actor_id id,
                                       const caf::error& reason) {
  auto i = activations_.find(key);
  if (i == activations_.end() || !i->second.addr || i->second.addr.id() != id)
    return;  // not the current activation of this key
  auto& act = i->second;
  act.addr = nullptr;
  if (act.state == phase::draining) {
    --draining_count_;
    passivate_some();
  }
  if (act.state != phase::draining) {
    CAF_IGNORE_UNUSED(reason);
    on_crash(key, act);
  } else if (stopping_) {
    fail_all(key, act, make_error(errc::shutting_down, type_.name));
    activations_.erase(i);
  } else {
    // Passivated: the saved snapshot reached the store before this message.
    if (act.queue) {
      auto peeks = std::move(act.queue->peeks);
      act.queue->peeks.clear();
      for (auto& rp : peeks)
        serve_peek_from_store(key, std::move(rp));
    }
    if (act.queue && (!act.queue->pending.empty() || !act.queue->leftovers.empty())) {
      act.state = phase::loading;
      start_activation(key);
    } else {
      activations_.erase(i);
    }
  }
  finish_stop_if_done();
}

void entity_host_actor::on_crash(const std::string& key, activation& act) {
  directory_.unpublish(key, hash_of(key));
  act.handle = nullptr;
  active_->dec();
  restarts_total_->inc();
  if (stopping_) {
    fail_all(key, act, make_error(errc::shutting_down, type_.name));
    activations_.erase(key);
    return;
  }
  auto now = clock().now();
  if (!intensity_.on_failure(now)) {
    quit(make_error(errc::restart_intensity_exceeded, type_.name));
    return;
  }
  auto [b, added] = backoff_.try_emplace(key, type_.limits);
  auto delay = b->second.on_failure(now).value_or(type_.limits.backoff_cap);
  act.state = phase::restarting;
  if (delay <= caf::timespan{0})
    send(this, restart_atom_v, key);
  else
    delayed_send(this, delay, restart_atom_v, key);
}

// -- ordered stop --------------------------------------------------------------------------

void entity_host_actor::begin_stop(caf::error reason) {
  if (stopping_)
    return;
  stopping_ = true;
  stop_reason_ = std::move(reason);
  auto err = make_error(errc::shutting_down, type_.name);
  to_passivate_.clear();
  for (auto i = activations_.begin(); i != activations_.end();) {
    auto& [key, act] = *i;
    if (act.state == phase::active) {
      to_passivate_.push_back(key);
      ++i;
    } else if (act.state == phase::draining) {
      ++i;
    } else {
      fail_all(key, act, err);
      i = activations_.erase(i);
    }
  }
  router_.remove_host(type_.name, address());
  passivate_some();
  delayed_send(this, opts_.stop_timeout, stop_timeout_atom_v);
  finish_stop_if_done();
}

void entity_host_actor::finish_stop_if_done() {
  if (stopping_ && activations_.empty()) {
    directory_.clear();
    quit(stop_reason_);
  }
}

void entity_host_actor::on_exit() {
  router_.remove_host(type_.name, address());
  directory_.clear();
  auto err = make_error(errc::shutting_down, type_.name);
  for (auto& kvp : activations_) {
    fail_all(kvp.first, kvp.second, err);
    if (kvp.second.addr)
      caf::anon_send_exit(kvp.second.addr, caf::exit_reason::kill);
  }
  activations_.clear();
}

}  // namespace griddle::entity::detail
