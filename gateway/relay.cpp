#include "gateway/relay.hpp"

#include <caf/sec.hpp>
#include <caf/send.hpp>

namespace griddle::gateway {

namespace {

caf::behavior unreachable(caf::event_based_actor* self) {
  self->set_default_handler(
      [](caf::scheduled_actor*, caf::message_view&) -> caf::result<caf::message> {
        return caf::make_error(caf::sec::cannot_connect_to_node);
      });
  // Never matches: every message goes to the default handler.
  return {[](shutdown_atom) {}};
}

}  // namespace

entity_access::entity_access(caf::actor_system& sys, caf::actor node)
    : node_(std::move(node)), unreachable_(sys.spawn<caf::lazy_init>(unreachable)) {}

entity_access::~entity_access() {
  if (unreachable_)
    caf::anon_send_exit(unreachable_, caf::exit_reason::user_shutdown);
}

relay_pool::relay_pool(caf::actor_system& sys, size_t threads) {
  for (size_t i = 0; i < threads; ++i)
    relays_.push_back(sys.spawn([](caf::event_based_actor* self) -> caf::behavior {
      return {
          [self](relay_job& job) { job.run(self); },
      };
    }));
}

relay_pool::~relay_pool() {
  stop();
}

bool relay_pool::run(size_t io_index, std::function<void(caf::event_based_actor*)> job) {
  std::shared_lock<std::shared_mutex> guard{mtx_};
  if (relays_.empty())
    return false;
  caf::anon_send(relays_[io_index % relays_.size()], relay_job{std::move(job)});
  return true;
}

void relay_pool::stop() {
  std::unique_lock<std::shared_mutex> guard{mtx_};
  for (auto& relay : relays_)
    caf::anon_send_exit(relay, caf::exit_reason::user_shutdown);
  relays_.clear();
}

}  // namespace griddle::gateway
