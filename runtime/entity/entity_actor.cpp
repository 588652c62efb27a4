#include "runtime/entity/entity_actor.hpp"

#include <chrono>

#include <caf/detail/behavior_impl.hpp>

#include "runtime/errc.hpp"
#include "runtime/type_ids.hpp"

namespace griddle::entity {

namespace {

/// Wraps the application's behaviour: every message it handles refreshes the
/// activation's idle clock and is timed into the type's latency histogram.
class timed_behavior : public caf::detail::behavior_impl {
 public:
  timed_behavior(caf::behavior inner, caf::actor_clock& clock, activation_record* record,
                 metrics::latency_histogram* latency)
      : behavior_impl(inner.timeout()),
        inner_(std::move(inner)),
        clock_(clock),
        record_(record),
        latency_(latency) {}

  caf::match_case::result invoke(caf::detail::invoke_result_visitor& f,
                                 caf::type_erased_tuple& xs) override {
    auto start = clock_.now();
    auto result = inner_.as_behavior_impl()->invoke(f, xs);
    if (result != caf::match_case::no_match) {
      auto end = clock_.now();
      record_->last_active.store(end.time_since_epoch().count(), std::memory_order_relaxed);
      if (latency_ != nullptr)
        latency_->record(std::chrono::duration_cast<std::chrono::nanoseconds>(end - start));
    }
    return result;
  }

  caf::match_case::result invoke_empty(caf::detail::invoke_result_visitor& f) override {
    return inner_.as_behavior_impl()->invoke_empty(f);
  }

  void handle_timeout() override { inner_.handle_timeout(); }

 private:
  caf::behavior inner_;
  caf::actor_clock& clock_;
  activation_record* record_;
  metrics::latency_histogram* latency_;
};

}  // namespace

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

void entity_actor::persist() {
  send(args_.store, save_atom_v, args_.ref, args_.behavior->snapshot());
}

caf::behavior entity_actor::make_behavior() {
  args_.record->last_active.store(clock().now().time_since_epoch().count(),
                                  std::memory_order_relaxed);
  auto app = args_.behavior->make_behavior(*this);
  caf::detail::behavior_impl::pointer timed{
      caf::make_counted<timed_behavior>(std::move(app), clock(), args_.record, args_.latency)};
  caf::message_handler runtime{
      [this](peek_atom) {
        return peek_result{true, args_.behavior->snapshot()};
      },
      [this](passivate_atom) { become_forwarder(); },
  };
  return caf::message_handler{std::move(timed)}.or_else(runtime);
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
  // Ends after a grace period even if a handle to it lingers (e.g. on a remote
  // node); anything a local sender enqueued before that has been forwarded.
  become([this](passivate_atom) { quit(); });
  delayed_send(this, args_.passivation_grace, passivate_atom_v);
  // The behaviour and its state are no longer needed.
  args_.behavior.reset();
}

}  // namespace griddle::entity
