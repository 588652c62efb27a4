#include "runtime/entity/entity_host.hpp"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include <caf/event_based_actor.hpp>

#include "runtime/entity/entity_actor.hpp"
#include "runtime/errc.hpp"
#include "runtime/metrics/registry.hpp"
#include "runtime/supervision/restart_tracker.hpp"

namespace griddle::entity {

namespace {

caf::timespan pick_sweep_interval(const entity_type& type, const host_options& opts) {
  if (opts.sweep_interval > caf::timespan{0})
    return opts.sweep_interval;
  return std::clamp<caf::timespan>(type.idle_timeout / 4, std::chrono::milliseconds(10),
                                   std::chrono::seconds(10));
}

class entity_host : public caf::event_based_actor {
 public:
  entity_host(caf::actor_config& cfg, const entity_type& type, entity_router& router,
              caf::actor store, host_options opts)
      : caf::event_based_actor(cfg),
        type_(type),
        router_(router),
        store_(std::move(store)),
        opts_(opts),
        sweep_interval_(pick_sweep_interval(type, opts)),
        intensity_(type.limits) {
    metrics::labels labels{{"type", type.name}};
    auto& reg = metrics::registry::global();
    activations_total_ = &reg.counter("griddle_entity_activations_total", labels);
    passivations_total_ = &reg.counter("griddle_entity_passivations_total", labels);
    restarts_total_ = &reg.counter("griddle_entity_restarts_total", labels);
    failures_total_ = &reg.counter("griddle_entity_activation_failures_total", labels);
    active_ = &reg.gauge("griddle_entities_active", labels);
    latency_ = &reg.histogram("griddle_entity_message_latency_ns", labels);
  }

  const char* name() const override { return "griddle.entity_host"; }

 protected:
  caf::behavior make_behavior() override;
  void on_exit() override;

 private:
  enum class phase { loading, active, draining, restarting };

  /// A message waiting for its entity, with the promise that answers its sender.
  struct waiting_message {
    caf::message payload;
    caf::response_promise promise;
    /// Counted in the directory's via-host count (came through the router).
    bool counted;
  };

  struct activation {
    phase state = phase::loading;
    /// Strong only while loading or active; a draining entity must be free to end.
    caf::actor handle;
    caf::actor_addr addr;
    activation_record record;
    /// Forwarded by the passivated activation; delivered before `pending`.
    std::vector<waiting_message> leftovers;
    std::vector<waiting_message> pending;
    std::vector<caf::response_promise> peeks;
  };

  entity_ref ref_of(const std::string& key) const { return {type_.name, key}; }

  // -- message paths ----------------------------------------------------------

  void route(const std::string& key, caf::message payload, caf::response_promise rp, bool counted);
  void deliver(const entity_ref& ref, const caf::actor& handle, waiting_message& msg);
  void fail(const entity_ref& ref, waiting_message& msg, const caf::error& err);
  void fail_all(const std::string& key, activation& act, const caf::error& err);

  // -- life cycle of activations ----------------------------------------------

  void start_activation(const std::string& key);
  void on_loaded(const std::string& key, const stored_state& st);
  void passivate(const std::string& key, activation& act);
  void on_down(const caf::down_msg& dm);
  void on_crash(const std::string& key, activation& act);
  void serve_peek_from_store(const std::string& key, caf::response_promise rp);
  void sweep();

  // -- ordered stop -----------------------------------------------------------

  void begin_stop(caf::error reason);
  void finish_stop_if_done();

  const entity_type& type_;
  entity_router& router_;
  caf::actor store_;
  host_options opts_;
  caf::timespan sweep_interval_;
  supervision::restart_tracker intensity_;
  std::unordered_map<std::string, activation> activations_;
  std::unordered_map<caf::actor_addr, std::string> keys_by_addr_;
  std::unordered_map<std::string, supervision::restart_tracker> backoff_;
  bool stopping_ = false;
  caf::error stop_reason_;
  metrics::counter* activations_total_;
  metrics::counter* passivations_total_;
  metrics::counter* restarts_total_;
  metrics::counter* failures_total_;
  metrics::gauge* active_;
  metrics::latency_histogram* latency_;
};

caf::behavior entity_host::make_behavior() {
  set_down_handler([this](caf::down_msg& dm) { on_down(dm); });
  set_exit_handler([this](caf::exit_msg& msg) { begin_stop(std::move(msg.reason)); });
  delayed_send(this, sweep_interval_, sweep_atom_v);
  return {
      [this](route_atom, std::string& key, caf::message& payload) -> caf::result<caf::message> {
        route(key, std::move(payload), make_response_promise(), true);
        return caf::delegated<caf::message>{};
      },
      [this](leftover_atom, entity_ref& ref, caf::message& payload) -> caf::result<caf::message> {
        auto rp = make_response_promise();
        auto i = activations_.find(ref.key);
        if (i != activations_.end() && i->second.state == phase::draining)
          i->second.leftovers.push_back({std::move(payload), std::move(rp), false});
        else
          route(ref.key, std::move(payload), std::move(rp), false);
        return caf::delegated<caf::message>{};
      },
      [this](peek_atom, std::string& key) -> caf::result<peek_result> {
        auto rp = make_response_promise();
        auto i = activations_.find(key);
        if (i != activations_.end() && i->second.state == phase::active)
          rp.delegate(i->second.handle, peek_atom_v);
        else if (i != activations_.end() && i->second.state == phase::draining)
          i->second.peeks.push_back(std::move(rp));  // answered once its state is saved
        else
          serve_peek_from_store(key, std::move(rp));
        return caf::delegated<peek_result>{};
      },
      [this](count_atom) {
        return static_cast<uint64_t>(
            std::count_if(activations_.begin(), activations_.end(),
                          [](auto& kvp) { return kvp.second.state == phase::active; }));
      },
      [this](restart_atom, std::string& key) {
        auto i = activations_.find(key);
        if (i != activations_.end() && i->second.state == phase::restarting && !stopping_) {
          i->second.state = phase::loading;
          start_activation(key);
        }
      },
      [this](sweep_atom) {
        sweep();
        delayed_send(this, sweep_interval_, sweep_atom_v);
      },
      [this](stop_timeout_atom) {
        // Entities that did not end in time are killed; their down messages finish the stop.
        for (auto& kvp : activations_)
          if (kvp.second.addr)
            caf::anon_send_exit(kvp.second.addr, caf::exit_reason::kill);
      },
  };
}

void entity_host::on_exit() {
  router_.remove_host(type_.name, address());
  router_.directory().remove_type(type_.name);
  auto err = make_error(errc::shutting_down, type_.name);
  for (auto& kvp : activations_) {
    fail_all(kvp.first, kvp.second, err);
    if (kvp.second.addr)
      caf::anon_send_exit(kvp.second.addr, caf::exit_reason::kill);
  }
  activations_.clear();
}

// -- message paths ------------------------------------------------------------

void entity_host::route(const std::string& key, caf::message payload, caf::response_promise rp,
                        bool counted) {
  auto ref = ref_of(key);
  waiting_message msg{std::move(payload), std::move(rp), counted};
  if (stopping_) {
    fail(ref, msg, make_error(errc::shutting_down, type_.name));
    return;
  }
  auto [i, added] = activations_.try_emplace(key);
  auto& act = i->second;
  if (act.state == phase::active) {
    deliver(ref, act.handle, msg);
    return;
  }
  act.pending.push_back(std::move(msg));
  if (added)
    start_activation(key);
}

void entity_host::deliver(const entity_ref& ref, const caf::actor& handle, waiting_message& msg) {
  msg.promise.delegate(handle, std::move(msg.payload));
  if (msg.counted)
    router_.directory().host_delivered(ref, stable_hash(ref));
}

void entity_host::fail(const entity_ref& ref, waiting_message& msg, const caf::error& err) {
  if (msg.promise.pending())
    msg.promise.deliver(err);
  if (msg.counted)
    router_.directory().host_delivered(ref, stable_hash(ref));
}

void entity_host::fail_all(const std::string& key, activation& act, const caf::error& err) {
  auto ref = ref_of(key);
  for (auto& msg : act.leftovers)
    fail(ref, msg, err);
  for (auto& msg : act.pending)
    fail(ref, msg, err);
  for (auto& rp : act.peeks)
    rp.deliver(err);
  act.leftovers.clear();
  act.pending.clear();
  act.peeks.clear();
}

// -- life cycle of activations ------------------------------------------------

void entity_host::start_activation(const std::string& key) {
  request(store_, opts_.store_timeout, load_atom_v, ref_of(key))
      .then([this, key](stored_state& st) { on_loaded(key, st); },
            [this, key](caf::error& err) {
              auto i = activations_.find(key);
              if (i == activations_.end() || i->second.state != phase::loading)
                return;
              failures_total_->inc();
              fail_all(key, i->second, make_error(errc::activation_failed, to_string(err)));
              activations_.erase(i);
              auto ref = ref_of(key);
              router_.directory().try_remove(ref, stable_hash(ref));
            });
}

void entity_host::on_loaded(const std::string& key, const stored_state& st) {
  auto i = activations_.find(key);
  if (i == activations_.end() || i->second.state != phase::loading)
    return;
  auto& act = i->second;
  auto ref = ref_of(key);
  std::unique_ptr<entity_behavior> behavior;
  std::string why = "factory returned no behaviour";
  try {
    behavior = type_.factory(ref, st);
  } catch (std::exception& e) {
    why = e.what();
  }
  if (!behavior) {
    failures_total_->inc();
    fail_all(key, act, make_error(errc::activation_failed, why));
    activations_.erase(i);
    router_.directory().try_remove(ref, stable_hash(ref));
    return;
  }
  activation_args args{ref,      &type_,   std::move(behavior),    &act.record, this, store_,
                       &router_, latency_, opts_.passivation_grace};
  // Fresh from now on, even before the activation runs for the first time.
  act.record.last_active.store(clock().now().time_since_epoch().count(),
                               std::memory_order_relaxed);
  auto handle = system().spawn<entity_actor>(std::move(args));
  monitor(handle);
  act.handle = handle;
  act.addr = handle.address();
  act.state = phase::active;
  keys_by_addr_.emplace(act.addr, key);
  activations_total_->inc();
  active_->inc();
  // Leftovers were sent before anything in `pending`; keep that order.
  for (auto& msg : act.leftovers)
    deliver(ref, handle, msg);
  for (auto& msg : act.pending)
    deliver(ref, handle, msg);
  act.leftovers.clear();
  act.pending.clear();
  router_.directory().publish(ref, stable_hash(ref), std::move(handle));
}

void entity_host::passivate(const std::string& key, activation& act) {
  auto ref = ref_of(key);
  // Not idle after all while counted messages are still on their way.
  if (!router_.directory().try_remove(ref, stable_hash(ref)))
    return;
  send(act.handle, passivate_atom_v);
  act.handle = nullptr;
  act.state = phase::draining;
  active_->dec();
  passivations_total_->inc();
}

void entity_host::on_down(const caf::down_msg& dm) {
  auto j = keys_by_addr_.find(dm.source);
  if (j == keys_by_addr_.end())
    return;
  auto key = std::move(j->second);
  keys_by_addr_.erase(j);
  auto i = activations_.find(key);
  if (i == activations_.end())
    return;
  auto& act = i->second;
  act.addr = nullptr;
  if (act.state != phase::draining) {
    on_crash(key, act);
  } else {
    // Passivated: the saved snapshot is in the store before this down message.
    for (auto& rp : act.peeks)
      serve_peek_from_store(key, std::move(rp));
    act.peeks.clear();
    if (stopping_) {
      fail_all(key, act, make_error(errc::shutting_down, type_.name));
      activations_.erase(i);
    } else if (!act.pending.empty() || !act.leftovers.empty()) {
      act.state = phase::loading;
      start_activation(key);
    } else {
      activations_.erase(i);
    }
  }
  finish_stop_if_done();
}

void entity_host::on_crash(const std::string& key, activation& act) {
  auto ref = ref_of(key);
  router_.directory().unpublish(ref, stable_hash(ref));
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

void entity_host::serve_peek_from_store(const std::string& key, caf::response_promise rp) {
  request(store_, opts_.store_timeout, load_atom_v, ref_of(key))
      .then(
          [rp](stored_state& st) mutable {
            rp.deliver(peek_result{false, std::move(st.data)});
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

void entity_host::sweep() {
  if (stopping_)
    return;
  auto now = clock().now().time_since_epoch().count();
  auto idle =
      std::chrono::duration_cast<caf::actor_clock::duration_type>(type_.idle_timeout).count();
  for (auto& [key, act] : activations_)
    if (act.state == phase::active &&
        now - act.record.last_active.load(std::memory_order_relaxed) >= idle)
      passivate(key, act);
  auto tnow = clock().now();
  for (auto i = backoff_.begin(); i != backoff_.end();) {
    if (i->second.recent_failures(tnow) == 0)
      i = backoff_.erase(i);
    else
      ++i;
  }
}

// -- ordered stop ---------------------------------------------------------------

void entity_host::begin_stop(caf::error reason) {
  if (stopping_)
    return;
  stopping_ = true;
  stop_reason_ = std::move(reason);
  auto err = make_error(errc::shutting_down, type_.name);
  for (auto i = activations_.begin(); i != activations_.end();) {
    auto& [key, act] = *i;
    auto ref = ref_of(key);
    if (act.state == phase::active) {
      router_.directory().unpublish(ref, stable_hash(ref));
      send(act.handle, passivate_atom_v);
      act.handle = nullptr;
      act.state = phase::draining;
      active_->dec();
      passivations_total_->inc();
      ++i;
    } else if (act.state == phase::draining) {
      ++i;
    } else {
      fail_all(key, act, err);
      i = activations_.erase(i);
    }
  }
  router_.remove_host(type_.name, address());
  router_.directory().remove_type(type_.name);
  delayed_send(this, opts_.stop_timeout, stop_timeout_atom_v);
  finish_stop_if_done();
}

void entity_host::finish_stop_if_done() {
  if (stopping_ && activations_.empty())
    quit(stop_reason_);
}

}  // namespace

caf::actor spawn_entity_host(caf::actor_system& sys, const entity_type& type, entity_router& router,
                             caf::actor store, host_options opts) {
  // Entries left by a previous host of this type would point at dead actors.
  router.directory().remove_type(type.name);
  auto host = sys.spawn<entity_host>(type, router, std::move(store), opts);
  router.set_host(type.name, host);
  return host;
}

}  // namespace griddle::entity
