#include "bench/micro/counter_runtime.hpp"

#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

#include <caf/scoped_actor.hpp>

#include "bench/micro/counter.hpp"
#include "runtime/entity/entity_host.hpp"
#include "runtime/store/memory_state_store.hpp"
#include "runtime/type_ids.hpp"

namespace griddle::bench {

namespace {

constexpr auto control_timeout_span = std::chrono::seconds(10);
const caf::duration control_timeout{control_timeout_span};

}  // namespace

bench_config::bench_config(size_t threads) {
  add_runtime_types(*this);
  set("scheduler.max-threads", threads);
}

counter_runtime::counter_runtime(caf::actor_system& sys, caf::timespan idle_timeout)
    : sys_(sys), type_(counter_entity_type(idle_timeout)), router_(sys, "bench-node") {
  store_ = store::spawn_memory_state_store(sys, std::make_shared<store::memory_state_data>());
  host_ = entity::spawn_entity_host(sys, type_, router_, store_);
}

counter_runtime::~counter_runtime() {
  caf::scoped_actor self{sys_};
  // The host refers to the router and the type: both must outlive it.
  self->send_exit(host_, caf::exit_reason::user_shutdown);
  self->wait_for(host_);
  self->send_exit(store_, caf::exit_reason::user_shutdown);
}

entity_ref counter_runtime::ref(uint64_t key) {
  return {counter_type_name, key};
}

void counter_runtime::activate(const entity_ref& ref) {
  caf::scoped_actor self{sys_};
  caf::error failure;
  router_.request(self.ptr(), ref, control_timeout, caf::add_atom_v, int32_t{1})
      .receive([](int64_t) {}, [&](caf::error& err) { failure = std::move(err); });
  if (failure)
    throw std::runtime_error("cannot activate " + to_string(ref) + ": " + sys_.render(failure));
  // The host publishes the handle right after handing over the first message.
  auto deadline = std::chrono::steady_clock::now() + control_timeout_span;
  while (!router_.find_active(ref)) {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error(to_string(ref) + " never became reachable in one hop");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

uint64_t counter_runtime::count_active() {
  caf::scoped_actor self{sys_};
  uint64_t result = 0;
  caf::error failure;
  router_.count_active(self.ptr(), type_.name, control_timeout)
      .receive([&](uint64_t n) { result = n; }, [&](caf::error& err) { failure = std::move(err); });
  if (failure)
    throw std::runtime_error("cannot count active entities: " + sys_.render(failure));
  return result;
}

}  // namespace griddle::bench
