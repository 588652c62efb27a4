#include "runtime/entity/entity_actor.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>

#include <nlohmann/json.hpp>

#include <caf/detail/behavior_impl.hpp>

#include "runtime/entity/entity_router.hpp"
#include "runtime/entity/request_arms.hpp"
#include "runtime/errc.hpp"
#include "runtime/store/event_store.hpp"
#include "runtime/type_ids.hpp"

namespace griddle::entity {

namespace {

/// Passes a handler's result on and notes whether it was an error.
class error_spy : public caf::detail::invoke_result_visitor {
 public:
  explicit error_spy(caf::detail::invoke_result_visitor& next) : next_(next) {}

  void operator()() override { next_(); }
  void operator()(caf::error& x) override {
    failed = true;
    next_(x);
  }
  void operator()(caf::message& x) override { next_(x); }
  void operator()(const caf::none_t& x) override { next_(x); }

  bool failed = false;

 private:
  caf::detail::invoke_result_visitor& next_;
};

}  // namespace

/// The activation's one behaviour object: answers the runtime's `peek` and
/// `passivate` itself and hands everything else to the application's
/// behaviour, refreshing the idle clock and timing each message it handles.
/// One object instead of a composition keeps an idle entity small.
class entity_behavior_impl : public caf::detail::behavior_impl {
 public:
  entity_behavior_impl(caf::behavior app, entity_actor* owner)
      : behavior_impl(app.timeout()), app_(std::move(app)), owner_(owner) {}

  caf::match_case::result invoke(caf::detail::invoke_result_visitor& f,
                                 caf::type_erased_tuple& xs) override {
    if (xs.size() == 3 && xs.match_elements<caf::atom_value, uint64_t, caf::message>() &&
        xs.get_as<caf::atom_value>(0) == mirrored_atom::value) {
      // From a ghost mirror: note which message the effects belong to, then
      // handle the message inside; the reply goes to the mirror.
      if (auto* log = owner_->args_.effects())
        log->begin(xs.get_as<uint64_t>(1));
      auto inner = xs.get_as<caf::message>(2);
      if (inner.empty())
        return invoke_empty(f);
      return invoke(f, inner.content());
    }
    if (xs.size() == 3 && xs.match_elements<caf::atom_value, std::string, caf::message>() &&
        xs.get_as<caf::atom_value>(0) == arms_atom::value) {
      // Experiment arms around the message (request_arms.hpp): readable by
      // the handlers through arm_of while the message inside is handled.
      auto inner = xs.get_as<caf::message>(2);
      if (inner.empty())
        return invoke_empty(f);
      auto outer = owner_->arms_;
      owner_->arms_ = &xs.get_as<std::string>(1);
      auto result = invoke(f, inner.content());
      owner_->arms_ = outer;
      return result;
    }
    if (xs.size() == 1 && xs.match_elements<caf::atom_value>()) {
      auto x = xs.get_as<caf::atom_value>(0);
      if (x == peek_atom::value) {
        auto snapshot = owner_->args_.behavior->snapshot();
        auto& redact = owner_->args_.type->redact;
        if (redact)
          snapshot = redact(snapshot);
        auto reply = caf::make_message(peek_result{true, std::move(snapshot)});
        f(reply);
        return caf::match_case::match;
      }
      if (x == passivate_atom::value) {
        owner_->become_forwarder();
        f();
        return caf::match_case::match;
      }
      if (x == inspect_atom::value) {
        auto reply = caf::make_message(owner_->inspect_json());
        f(reply);
        return caf::match_case::match;
      }
    }
    if (xs.size() == 3 && xs.match_elements<caf::atom_value, uint32_t, caf::actor>() &&
        xs.get_as<caf::atom_value>(0) == trace_atom::value) {
      // A bounded trace (admin API): the next `count` messages go to the tracer.
      auto count = xs.get_as<uint32_t>(1);
      auto& tracer = xs.get_as<caf::actor>(2);
      if (count == 0 || !tracer)
        owner_->trace_.reset();
      else
        owner_->trace_.reset(new entity_actor::trace_state{tracer, count, 0, 0});
      f();
      return caf::match_case::match;
    }
    auto& clock = owner_->clock();
    auto start = clock.now();
    // Results are inspected only while a ramp counts this activation's errors
    // or a trace reports them.
    error_spy spy{f};
    // Messages to other entities are effects too while a mirror compares them.
    rollout::effect_scope effects{owner_->args_.effects()};
    auto& app = app_.as_behavior_impl();
    auto* tally = owner_->args_.tally();
    auto spied = tally != nullptr || owner_->trace_;
    auto result = spied ? app->invoke(spy, xs) : app->invoke(f, xs);
    if (result != caf::match_case::no_match) {
      auto& args = owner_->args_;
      if (args.behavior)
        args.behavior->handled();
      auto end = clock.now();
      args.record->last_active.store(end.time_since_epoch().count(), std::memory_order_relaxed);
      auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(end - start);
      if (args.latency != nullptr)
        args.latency->record(ns);
      if (tally != nullptr)
        tally->handled(args.rollout->candidate, store::unix_now_ms(), ns.count(), spy.failed);
      owner_->handled(xs, end.time_since_epoch().count(), static_cast<uint64_t>(ns.count()),
                      spy.failed);
    }
    return result;
  }

  caf::match_case::result invoke_empty(caf::detail::invoke_result_visitor& f) override {
    return app_.as_behavior_impl()->invoke_empty(f);
  }

  void handle_timeout() override { app_.handle_timeout(); }

 private:
  caf::behavior app_;
  entity_actor* owner_;
};

entity_actor::entity_actor(caf::actor_config& cfg, activation_args args)
    : caf::event_based_actor(cfg), args_(std::move(args)) {
  set_exception_handler([](caf::scheduled_actor* self, std::exception_ptr& eptr) -> caf::error {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(eptr);
    } catch (std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    auto err = make_error(errc::entity_crashed, std::move(what));
    // Answer the request that crashed us now; queued ones are bounced by CAF.
    auto* current = self->current_mailbox_element();
    if (current != nullptr && current->mid.is_request()) {
      auto rp = self->make_response_promise();
      if (rp.pending())
        rp.deliver(err);
    }
    return err;
  });
}

void entity_actor::on_exit() {
  // The forwarder's handler holds the host too.
  set_default_handler(caf::drop);
  args_.host = nullptr;
  args_.store = nullptr;
  args_.rollout.reset();
  trace_.reset();
}

void entity_actor::persist() {
  if (args_.sandboxed || !args_.behavior->needs_save())
    return;
  send(args_.store, save_atom_v, snapshot_ref(*args_.type, *args_.version, args_.ref.key),
       args_.behavior->snapshot());
  args_.behavior->saved();
}

void entity_actor::handled(const caf::type_erased_tuple& xs, int64_t end_ns, uint64_t ns,
                           bool failed) {
  auto& rec = *args_.record;
  rec.messages.store(rec.messages.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  rec.busy_ns.store(rec.busy_ns.load(std::memory_order_relaxed) + ns, std::memory_order_relaxed);
  auto us = static_cast<uint32_t>(std::min<uint64_t>(ns / 1000, 0x7fffffff));
  if (us > rec.max_us.load(std::memory_order_relaxed))
    rec.max_us.store(us, std::memory_order_relaxed);
  auto& box = mailbox();
  rec.mailbox.store(box.empty() ? 0 : static_cast<uint32_t>(box.size()), std::memory_order_relaxed);
  auto& h = history_[history_next_++ % history_size];
  h.atom = xs.size() > 0 && xs.match_element<caf::atom_value>(0)
               ? static_cast<uint64_t>(xs.get_as<caf::atom_value>(0))
               : 0;
  h.at_ms = static_cast<uint32_t>(end_ns / 1'000'000);
  h.latency_us = us | (failed ? 0x80000000u : 0u);
  if (trace_)
    trace(xs, end_ns, ns, failed);
}

void entity_actor::trace(const caf::type_erased_tuple& xs, int64_t end_ns, uint64_t ns,
                         bool failed) {
  auto& t = *trace_;
  // Rate-limited: at most one traced message per millisecond; the ones in
  // between are only counted, and the next line says how many.
  constexpr int64_t min_gap_ns = 1'000'000;
  if (end_ns - t.last_ns < min_gap_ns) {
    ++t.skipped;
    return;
  }
  t.last_ns = end_ns;
  constexpr size_t max_text = 300;
  auto text = xs.stringify();
  if (text.size() > max_text)
    text = text.substr(0, max_text) + "...";
  nlohmann::json line{{"at_ms", store::unix_now_ms()},
                      {"message", std::move(text)},
                      {"latency_ms", static_cast<double>(ns) / 1e6},
                      {"outcome", failed ? "error" : "ok"}};
  if (t.skipped > 0) {
    line["skipped_before"] = t.skipped;
    t.skipped = 0;
  }
  send(t.tracer, trace_atom_v, line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  if (--t.left == 0)
    trace_.reset();
}

std::string entity_actor::inspect_json() {
  auto& rec = *args_.record;
  // History times are on the actor clock; shown as Unix milliseconds.
  auto now_ms = static_cast<uint32_t>(clock().now().time_since_epoch().count() / 1'000'000);
  auto unix_ms = store::unix_now_ms();
  auto last = nlohmann::json::array();
  auto n = std::min<uint32_t>(history_next_, history_size);
  for (uint32_t i = history_next_ - n; i != history_next_; ++i) {
    auto& h = history_[i % history_size];
    last.push_back({{"at_ms", unix_ms - static_cast<int64_t>(now_ms - h.at_ms)},
                    {"message", h.atom != 0 ? caf::to_string(static_cast<caf::atom_value>(h.atom))
                                            : std::string{"(no atom)"}},
                    {"latency_ms", (h.latency_us & 0x7fffffff) / 1000.0},
                    {"outcome", (h.latency_us & 0x80000000u) != 0 ? "error" : "ok"}});
  }
  auto snapshot = args_.behavior ? args_.behavior->snapshot() : std::string{};
  auto& redact = args_.type->redact;
  if (redact)
    snapshot = redact(snapshot);
  auto state = nlohmann::json::parse(snapshot, nullptr, false);
  if (state.is_discarded())
    state = snapshot;
  auto& box = mailbox();
  nlohmann::json doc{{"version", *args_.version},
                     {"sandboxed", args_.sandboxed},
                     {"mailbox", box.empty() ? 0 : box.size()},
                     {"messages", rec.messages.load(std::memory_order_relaxed)},
                     {"state", std::move(state)},
                     {"last_messages", std::move(last)}};
  if (trace_)
    doc["tracing"] = trace_->left;
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string_view entity_actor::arm_of(std::string_view experiment) const {
  return arms_ != nullptr ? find_arm(*arms_, experiment) : std::string_view{};
}

view_board* entity_actor::views() {
  return args_.sandboxed ? nullptr : &args_.router->views();
}

caf::behavior entity_actor::make_behavior() {
  args_.record->last_active.store(clock().now().time_since_epoch().count(),
                                  std::memory_order_relaxed);
  caf::detail::behavior_impl::pointer impl{
      caf::make_counted<entity_behavior_impl>(args_.behavior->make_behavior(*this), this)};
  return caf::behavior{std::move(impl)};
}

void entity_actor::become_forwarder() {
  persist();
  auto host = args_.host;
  auto ref = args_.ref;
  set_default_handler(
      [host, ref](caf::scheduled_actor* self, caf::message_view& x) -> caf::result<caf::message> {
        auto rp = self->make_response_promise();
        rp.delegate(host, leftover_atom_v, ref, x.move_content_to_message());
        return caf::delegated<caf::message>{};
      });
  // Ends as soon as nobody holds a handle to it; if one lingers (e.g. on a
  // remote node), the host sends a second `passivate` after a grace period.
  become([this](passivate_atom) { quit(); });
  // The behaviour and its state are no longer needed.
  args_.behavior.reset();
}

}  // namespace griddle::entity
