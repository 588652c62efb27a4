#include "runtime/entity/entity_host.hpp"

#include <algorithm>

#include "runtime/entity/detail/entity_host_actor.hpp"
#include "runtime/errc.hpp"

namespace griddle::entity {

namespace detail {

namespace {

caf::timespan pick_sweep_interval(const entity_type& type, const host_options& opts) {
  if (opts.sweep_interval > caf::timespan{0})
    return opts.sweep_interval;
  return std::clamp<caf::timespan>(type.idle_timeout / 4, std::chrono::milliseconds(10),
                                   std::chrono::seconds(10));
}

}  // namespace

entity_host_actor::entity_host_actor(caf::actor_config& cfg, const entity_type& type,
                                     entity_router& router, caf::actor store, host_options opts)
    : caf::event_based_actor(cfg),
      type_(type),
      router_(router),
      directory_(router.directory(type.name)),
      store_(std::move(store)),
      opts_(opts),
      sweep_interval_(pick_sweep_interval(type, opts)),
      intensity_(type.limits) {
  default_plan_.version = type.version;
  metrics::labels labels{{"type", type.name}};
  auto& reg = metrics::registry::global();
  activations_total_ = &reg.counter("griddle_entity_activations_total", labels);
  passivations_total_ = &reg.counter("griddle_entity_passivations_total", labels);
  restarts_total_ = &reg.counter("griddle_entity_restarts_total", labels);
  failures_total_ = &reg.counter("griddle_entity_activation_failures_total", labels);
  active_ = &reg.gauge("griddle_entities_active", labels);
  mailbox_total_ = &reg.gauge("griddle_entity_mailbox_messages", labels);
  mailbox_max_ = &reg.gauge("griddle_entity_mailbox_max", labels);
  latency_ = &reg.histogram("griddle_entity_message_latency_ns", labels);
}

caf::behavior entity_host_actor::make_behavior() {
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
          i->second.wait().leftovers.push_back({std::move(payload), std::move(rp), false});
        else
          route(ref.key, std::move(payload), std::move(rp), false);
        return caf::delegated<caf::message>{};
      },
      [this](notify_atom, std::string& key, caf::message& payload) {
        auto i = activations_.find(key);
        waiting_message msg{std::move(payload), make_response_promise(), true};
        if (i == activations_.end() || i->second.state == phase::draining || stopping_) {
          // Not running: it catches up from the store when it activates.
          directory_.host_delivered(key, hash_of(key));
        } else if (i->second.state == phase::active) {
          deliver(key, i->second.handle, msg);
        } else {
          i->second.wait().pending.push_back(std::move(msg));
        }
      },
      [this](peek_atom, std::string& key) -> caf::result<peek_result> {
        peek(key, make_response_promise());
        return caf::delegated<peek_result>{};
      },
      [this](inspect_atom, std::string& key, bool activate) -> caf::result<std::string> {
        inspect(key, activate, make_response_promise());
        return caf::delegated<std::string>{};
      },
      [this](trace_atom, std::string& key, uint32_t count, caf::actor& tracer) {
        start_trace(key, count, std::move(tracer));
      },
      [this](passivate_atom, std::string& key) { return passivate_now(key); },
      [this](actors_atom, std::string& top, uint32_t limit) { return list_actors(top, limit); },
      [this](count_atom) {
        return static_cast<uint64_t>(
            std::count_if(activations_.begin(), activations_.end(),
                          [](auto& kvp) { return kvp.second.state == phase::active; }));
      },
      [this](entity_down_atom, std::string& key, caf::actor_id id, caf::error& reason) {
        on_entity_down(key, id, reason);
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
      [this](linger_atom) { end_lingering(); },
      [this](reconsider_atom) { reconsider(); },
      [this](stop_timeout_atom) {
        // Entities that did not end in time are killed; their down messages finish the stop.
        for (auto& kvp : activations_)
          if (kvp.second.addr)
            caf::anon_send_exit(kvp.second.addr, caf::exit_reason::kill);
      },
  };
}

// -- message paths ---------------------------------------------------------------

void entity_host_actor::route(const std::string& key, caf::message payload,
                              caf::response_promise rp, bool counted) {
  waiting_message msg{std::move(payload), std::move(rp), counted};
  if (stopping_) {
    fail(key, msg, make_error(errc::shutting_down, type_.name));
    return;
  }
  auto [i, added] = activations_.try_emplace(key);
  auto& act = i->second;
  if (act.state == phase::active) {
    deliver(key, act.handle, msg);
    return;
  }
  act.wait().pending.push_back(std::move(msg));
  if (added)
    start_activation(key);
}

void entity_host_actor::deliver(const std::string& key, const caf::actor& handle,
                                waiting_message& msg) {
  msg.promise.delegate(handle, std::move(msg.payload));
  if (msg.counted)
    directory_.host_delivered(key, hash_of(key));
}

void entity_host_actor::fail(const std::string& key, waiting_message& msg, const caf::error& err) {
  if (msg.promise.pending())
    msg.promise.deliver(err);
  if (msg.counted)
    directory_.host_delivered(key, hash_of(key));
}

void entity_host_actor::fail_all(const std::string& key, activation& act, const caf::error& err) {
  if (!act.queue)
    return;
  for (auto& msg : act.queue->leftovers)
    fail(key, msg, err);
  for (auto& msg : act.queue->pending)
    fail(key, msg, err);
  for (auto& rp : act.queue->peeks)
    rp.deliver(err);
  act.queue.reset();
}

void entity_host_actor::peek(const std::string& key, caf::response_promise rp) {
  auto i = activations_.find(key);
  if (i != activations_.end() && i->second.state == phase::active)
    rp.delegate(i->second.handle, peek_atom_v);
  else if (i != activations_.end() && i->second.state == phase::draining)
    i->second.wait().peeks.push_back(std::move(rp));  // answered once its state is saved
  else
    serve_peek_from_store(key, std::move(rp));
}

void entity_host_actor::serve_peek_from_store(const std::string& key, caf::response_promise rp) {
  request(store_, opts_.store_timeout, load_atom_v, snapshot_ref(type_, plan_for(key).version, key))
      .then(
          [this, rp](stored_state& st) mutable {
            if (st.found && type_.redact)
              st.data = type_.redact(st.data);
            rp.deliver(peek_result{false, std::move(st.data)});
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

// -- activation -------------------------------------------------------------------

void entity_host_actor::start_activation(const std::string& key) {
  auto& act = activations_[key];
  set_plan(act, plan_for(key));
  request(store_, opts_.store_timeout, load_atom_v, snapshot_ref(type_, plan_of(act).version, key))
      .then([this, key](stored_state& st) { on_loaded(key, st); },
            [this, key](caf::error& err) { on_load_failed(key, err); });
}

void entity_host_actor::on_load_failed(const std::string& key, const caf::error& err) {
  auto i = activations_.find(key);
  if (i == activations_.end() || i->second.state != phase::loading)
    return;
  failures_total_->inc();
  fail_all(key, i->second, make_error(errc::activation_failed, system().render(err)));
  activations_.erase(i);
  directory_.try_remove(key, hash_of(key));
  finish_stop_if_done();
}

void entity_host_actor::on_loaded(const std::string& key, const stored_state& st) {
  auto i = activations_.find(key);
  if (i == activations_.end() || i->second.state != phase::loading)
    return;
  auto& act = i->second;
  auto ref = ref_of(key);
  std::unique_ptr<entity_behavior> behavior;
  std::string why = "factory returned no behaviour";
  try {
    behavior = (*find_factory(type_, plan_of(act).version))(ref, st);
  } catch (std::exception& e) {
    why = e.what();
  }
  if (!behavior) {
    on_load_failed(key, make_error(errc::activation_failed, why));
    return;
  }
  // Fresh from now on, even before the activation runs for the first time.
  act.record.last_active.store(clock().now().time_since_epoch().count(), std::memory_order_relaxed);
  caf::actor live;
  auto handle = spawn_activation(key, act, std::move(behavior), live);
  // Tells this host when the activation ends, with its key, without a lookup
  // table. The live activation, not a mirror in front of it: the mirror may
  // end first, and the live one must be gone before its record is.
  live->attach_functor(
      [host = caf::actor_cast<caf::actor>(this), key, id = live.id()](const caf::error& why) {
        caf::anon_send(host, entity_down_atom_v, key, id, why);
      });
  act.handle = handle;
  act.addr = live.address();
  act.state = phase::active;
  activations_total_->inc();
  active_->inc();
  if (act.queue) {
    // Leftovers were sent before anything in `pending`; keep that order.
    for (auto& msg : act.queue->leftovers)
      deliver(key, handle, msg);
    for (auto& msg : act.queue->pending)
      deliver(key, handle, msg);
    act.queue.reset();
  }
  if (!pending_traces_.empty())
    begin_pending_trace(key, handle);
  directory_.publish(key, hash_of(key), std::move(handle));
}

}  // namespace detail

caf::actor spawn_entity_host(caf::actor_system& sys, const entity_type& type, entity_router& router,
                             caf::actor store, host_options opts) {
  // Entries left by a previous host of this type would point at dead actors.
  router.directory(type.name).clear();
  auto host = sys.spawn<detail::entity_host_actor>(type, router, std::move(store), opts);
  router.set_host(type.name, host);
  return host;
}

}  // namespace griddle::entity
