#include "runtime/entity/entity_router.hpp"

#include <mutex>

#include <caf/event_based_actor.hpp>

#include "runtime/errc.hpp"

namespace griddle::entity {

namespace {

caf::behavior unroutable(caf::event_based_actor* self) {
  self->set_default_handler(
      [](caf::scheduled_actor*, caf::message_view&) -> caf::result<caf::message> {
        return make_error(errc::unknown_entity_type, "no host on this node for the entity's type");
      });
  // A behaviour that never matches keeps the actor alive; all traffic goes to
  // the default handler above.
  return {[](shutdown_atom) {}};
}

}  // namespace

entity_router::entity_router(caf::actor_system& sys, std::string local_node)
    : local_node_(std::move(local_node)) {
  cluster::hash_ring ring;
  ring.add(local_node_);
  ring_ = std::make_shared<const cluster::hash_ring>(std::move(ring));
  unroutable_ = sys.spawn<caf::lazy_init>(unroutable);
}

entity_router::~entity_router() {
  caf::anon_send_exit(unroutable_, caf::exit_reason::user_shutdown);
  // Hosts wrote the table under the lock from other threads; taking it here
  // orders their writes before the destruction.
  std::unique_lock<std::shared_mutex> guard{mtx_};
  types_.clear();
}

entity_router::target entity_router::resolve(const entity_ref& ref, uint64_t hash) {
  std::shared_lock<std::shared_mutex> guard{mtx_};
  // One member for now; the cluster fills the ring and adds remote hosts.
  if (ring_->owner(hash) != local_node_)
    return {nullptr, unroutable_};
  auto i = types_.find(ref.type);
  if (i == types_.end() || !i->second.host)
    return {nullptr, unroutable_};
  auto route = i->second.directory->route_for(ref.key, hash);
  if (route.direct)
    return {std::move(route.direct), nullptr};
  return {nullptr, i->second.host};
}

caf::actor entity_router::host_or_responder(const std::string& type) const {
  std::shared_lock<std::shared_mutex> guard{mtx_};
  auto i = types_.find(type);
  return i != types_.end() && i->second.host ? i->second.host : unroutable_;
}

void entity_router::set_host(const std::string& type, caf::actor host) {
  std::unique_lock<std::shared_mutex> guard{mtx_};
  auto& slot = types_[type];
  if (!slot.directory)
    slot.directory = std::make_unique<entity_directory>();
  slot.host = std::move(host);
}

void entity_router::remove_host(const std::string& type, const caf::actor_addr& host) {
  std::unique_lock<std::shared_mutex> guard{mtx_};
  auto i = types_.find(type);
  if (i != types_.end() && i->second.host.address() == host)
    i->second.host = nullptr;
}

caf::actor entity_router::host(const std::string& type) const {
  std::shared_lock<std::shared_mutex> guard{mtx_};
  auto i = types_.find(type);
  return i != types_.end() ? i->second.host : caf::actor{};
}

entity_directory& entity_router::directory(const std::string& type) {
  std::unique_lock<std::shared_mutex> guard{mtx_};
  auto& slot = types_[type];
  if (!slot.directory)
    slot.directory = std::make_unique<entity_directory>();
  return *slot.directory;
}

caf::actor entity_router::find_active(const entity_ref& ref) {
  return directory(ref.type).find_active(ref.key, stable_hash(ref));
}

void entity_router::set_ring(cluster::hash_ring ring) {
  auto next = std::make_shared<const cluster::hash_ring>(std::move(ring));
  std::unique_lock<std::shared_mutex> guard{mtx_};
  ring_ = std::move(next);
}

}  // namespace griddle::entity
