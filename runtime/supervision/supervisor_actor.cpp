#include "runtime/supervision/supervisor_actor.hpp"

#include <algorithm>
#include <exception>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/sec.hpp>
#include <caf/send.hpp>
#include <caf/system_messages.hpp>

#include "runtime/errc.hpp"
#include "runtime/supervision/supervision_board.hpp"
#include "runtime/type_ids.hpp"

namespace griddle::supervision::detail {

supervisor_actor::supervisor_actor(caf::actor_config& cfg, supervisor_spec spec)
    : caf::event_based_actor(cfg), spec_(std::move(spec)), tracker_(spec_.limits) {
  children_.reserve(spec_.children.size());
  for (auto& x : spec_.children)
    children_.push_back(child{std::move(x), caf::actor{}, child_state::stopped});
  spec_.children.clear();
}

caf::behavior supervisor_actor::make_behavior() {
  // Every change of a child's state happens in one of these handlers, each
  // of which publishes the new state on the supervision board.
  set_down_handler([this](caf::down_msg& msg) {
    on_down(msg);
    report();
  });
  set_exit_handler([this](caf::exit_msg& msg) {
    begin_shutdown(is_normal_exit(msg.reason) ? caf::make_error(caf::exit_reason::user_shutdown)
                                              : msg.reason);
    report();
  });
  std::set<size_t> all;
  for (size_t i = 0; i < children_.size(); ++i)
    all.insert(all.end(), i);
  start_children(all);
  report();
  return {
      [this](restart_atom, uint64_t id) {
        on_restart(id);
        report();
      },
      [this](stop_timeout_atom, uint64_t token) {
        on_stop_timeout(token);
        report();
      },
      [this](shutdown_atom) {
        auto rp = make_response_promise();
        shutdown_promises_.push_back(rp);
        begin_shutdown(caf::make_error(caf::exit_reason::user_shutdown));
        report();
        return rp;
      },
      [this](status_atom) { return status(); },
  };
}

void supervisor_actor::on_exit() {
  supervision_board::global().withdraw(id());
  for (auto& c : children_) {
    if (c.handle) {
      caf::anon_send_exit(c.handle, caf::exit_reason::kill);
      c.handle = nullptr;
    }
  }
}

const char* supervisor_actor::name() const {
  return spec_.name.c_str();
}

// -- starting children --------------------------------------------------------

void supervisor_actor::start_children(const std::set<size_t>& indices) {
  for (auto i : indices) {
    if (phase_ != phase::running)
      return;
    if (children_[i].handle)
      continue;
    if (auto err = start_child(i)) {
      on_child_failed(i, err);
      // A new group round (or escalation) now covers the remaining children.
      if (group_round_ || phase_ != phase::running)
        return;
    }
  }
}

caf::error supervisor_actor::start_child(size_t index) {
  auto& c = children_[index];
  if (c.started) {
    ++c.restarts;
    ++restarts_;
  }
  c.started = true;
  c.state = child_state::stopped;
  caf::actor hdl;
  try {
    hdl = c.spec.start(system());
  } catch (const std::exception& ex) {
    return caf::make_error(caf::sec::runtime_error, c.spec.name, ex.what());
  } catch (...) {
    return caf::make_error(caf::sec::runtime_error, c.spec.name);
  }
  if (!hdl)
    return caf::make_error(caf::sec::invalid_argument, c.spec.name);
  // Monitoring an actor that already terminated still yields a down_msg.
  monitor(hdl);
  c.handle = std::move(hdl);
  c.state = child_state::running;
  return caf::none;
}

// -- failures and restarts ----------------------------------------------------

void supervisor_actor::on_down(const caf::down_msg& msg) {
  auto has_source = [&](const child& c) { return c.handle && c.handle.address() == msg.source; };
  auto it = std::find_if(children_.begin(), children_.end(), has_source);
  // Not a current child: a stale notification for an instance already
  // forgotten (e.g. killed after its shutdown timeout). Nothing to do.
  if (it == children_.end())
    return;
  auto index = static_cast<size_t>(std::distance(children_.begin(), it));
  if (stopping_ == index) {
    stopping_.reset();
    child_gone(index);
    stop_next();
    return;
  }
  auto queued = std::find(stop_queue_.begin(), stop_queue_.end(), index);
  if (queued != stop_queue_.end()) {
    // About to be stopped anyway: by a round that restarts it, or by the
    // final stop. Its own failure adds nothing.
    stop_queue_.erase(queued);
    child_gone(index);
    return;
  }
  child_gone(index);
  if (phase_ == phase::running)
    on_child_failed(index, msg.reason);
}

void supervisor_actor::on_child_failed(size_t index, const caf::error& reason) {
  auto& c = children_[index];
  if (!should_restart(c.spec.policy, reason)) {
    c.state = child_state::stopped;
    return;
  }
  auto delay = tracker_.on_failure(clock().now());
  if (!delay) {
    escalate();
    return;
  }
  if (spec_.how == strategy::one_for_one) {
    c.state = child_state::restarting;
    auto id = ++last_round_;
    rounds_.emplace(id, restart_round{{index}, *delay});
    schedule_round(id);
    return;
  }
  join_group_round(index, *delay);
}

void supervisor_actor::join_group_round(size_t index, caf::timespan delay) {
  // A failure during a pending round widens it; the round gets a new id so
  // that an already scheduled restart message becomes stale.
  restart_round round;
  if (group_round_) {
    round = std::move(rounds_[*group_round_]);
    rounds_.erase(*group_round_);
  }
  round.delay = std::max(round.delay, delay);
  auto first = spec_.how == strategy::one_for_all ? size_t{0} : index;
  for (auto i = first; i < children_.size(); ++i)
    if (i == index || children_[i].spec.policy != restart_policy::temporary)
      round.to_start.insert(i);
  auto id = ++last_round_;
  rounds_.emplace(id, std::move(round));
  group_round_ = id;
  for (auto i : rounds_[id].to_start)
    if (!children_[i].handle)
      children_[i].state = child_state::restarting;
  enqueue_stop(first);
  after_stop_ = [this, id] { schedule_round(id); };
  stop_next();
}

void supervisor_actor::schedule_round(uint64_t id) {
  auto delay = rounds_.at(id).delay;
  // Even a zero delay goes through the mailbox: restarting from inside a
  // failure handler could recurse when the factory keeps failing.
  if (delay.count() == 0)
    send(this, restart_atom_v, id);
  else
    delayed_send(this, delay, restart_atom_v, id);
}

void supervisor_actor::on_restart(uint64_t id) {
  auto it = rounds_.find(id);
  if (it == rounds_.end() || phase_ != phase::running)
    return;
  auto round = std::move(it->second);
  rounds_.erase(it);
  if (group_round_ == id)
    group_round_.reset();
  start_children(round.to_start);
}

bool supervisor_actor::in_group_round(size_t index) const {
  if (!group_round_)
    return false;
  return rounds_.at(*group_round_).to_start.count(index) > 0;
}

// -- stopping children --------------------------------------------------------

void supervisor_actor::enqueue_stop(size_t first) {
  for (auto i = first; i < children_.size(); ++i)
    if (children_[i].handle && stopping_ != i &&
        std::find(stop_queue_.begin(), stop_queue_.end(), i) == stop_queue_.end())
      stop_queue_.push_back(i);
  std::sort(stop_queue_.begin(), stop_queue_.end(), std::greater<size_t>{});
}

void supervisor_actor::stop_next() {
  if (stopping_)
    return;
  while (!stop_queue_.empty()) {
    auto i = stop_queue_.front();
    stop_queue_.pop_front();
    auto& c = children_[i];
    if (!c.handle)
      continue;
    stopping_ = i;
    c.state = child_state::stopping;
    send_exit(c.handle, caf::exit_reason::user_shutdown);
    delayed_send(this, c.spec.shutdown_timeout, stop_timeout_atom_v, ++stop_token_);
    return;
  }
  if (after_stop_) {
    auto f = std::move(after_stop_);
    after_stop_ = nullptr;
    f();
  }
}

void supervisor_actor::on_stop_timeout(uint64_t token) {
  if (!stopping_ || token != stop_token_)
    return;
  auto i = *stopping_;
  auto& c = children_[i];
  // A kill cannot be trapped, so there is no point in waiting for the
  // down_msg; dropping the monitor makes it stale.
  send_exit(c.handle, caf::exit_reason::kill);
  demonitor(c.handle);
  stopping_.reset();
  child_gone(i);
  stop_next();
}

void supervisor_actor::child_gone(size_t index) {
  auto& c = children_[index];
  c.handle = nullptr;
  c.state = phase_ == phase::running && in_group_round(index) ? child_state::restarting
                                                              : child_state::stopped;
}

void supervisor_actor::begin_shutdown(caf::error reason) {
  // When already stopping, the first reason stands (escalation included).
  if (phase_ == phase::running)
    stop_all(phase::shutting_down, std::move(reason));
}

void supervisor_actor::escalate() {
  stop_all(phase::escalating, make_error(errc::restart_intensity_exceeded, spec_.name));
}

void supervisor_actor::stop_all(phase next, caf::error reason) {
  phase_ = next;
  final_reason_ = std::move(reason);
  rounds_.clear();
  group_round_.reset();
  for (auto& c : children_)
    if (!c.handle)
      c.state = child_state::stopped;
  enqueue_stop(0);
  after_stop_ = [this] { finish(); };
  stop_next();
}

void supervisor_actor::finish() {
  for (auto& rp : shutdown_promises_) {
    if (phase_ == phase::shutting_down)
      rp.deliver(caf::unit);
    else
      rp.deliver(final_reason_);
  }
  quit(final_reason_);
}

// -- introspection ------------------------------------------------------------

void supervisor_actor::report() {
  if (getf(is_terminated_flag))
    return;
  static constexpr const char* state_names[] = {"stopped", "running", "stopping", "restarting"};
  supervisor_report r;
  r.actor = id();
  r.name = spec_.name;
  r.strategy = to_string(spec_.how);
  r.phase = phase_ == phase::running         ? "running"
            : phase_ == phase::shutting_down ? "shutting_down"
                                             : "escalating";
  r.restarts = restarts_;
  for (auto& c : children_)
    r.children.push_back({c.spec.name, state_names[static_cast<size_t>(c.state)], c.restarts,
                          c.handle ? c.handle.id() : 0});
  supervision_board::global().publish(std::move(r));
}

std::string supervisor_actor::status() const {
  // Indexed by child_state.
  static constexpr const char* state_names[] = {"stopped", "running", "stopping", "restarting"};
  auto phase_name = phase_ == phase::running         ? "running"
                    : phase_ == phase::shutting_down ? "shutting_down"
                                                     : "escalating";
  std::string result = spec_.name + " (" + to_string(spec_.how) + ", " + phase_name + "):";
  for (auto& c : children_)
    result += ' ' + c.spec.name + '=' + state_names[static_cast<size_t>(c.state)];
  return result;
}

}  // namespace griddle::supervision::detail
