#include "runtime/entity/entity_router.hpp"

#include <mutex>

#include <caf/event_based_actor.hpp>

#include "runtime/errc.hpp"

namespace griddle::entity {

namespace {

/// The node name of every sandbox router.
constexpr const char* sandbox_node_name = "(sandbox)";

caf::behavior unroutable(caf::event_based_actor* self, bool sandboxed) {
  self->set_default_handler([sandboxed](caf::scheduled_actor* ptr,
                                        caf::message_view&) -> caf::result<caf::message> {
    // An error answering a plain send would reach the sender as an
    // error message, which ends an actor without an error handler.
    auto* current = ptr->current_mailbox_element();
    if (current == nullptr || !current->mid.is_request())
      return caf::message{};
    if (sandboxed)
      return make_error(errc::sandboxed, "a ghost's message to another entity is not delivered");
    return make_error(errc::unknown_entity_type, "no host on this node for the entity's type");
  });
  // A behaviour that never matches keeps the actor alive; all traffic goes to
  // the default handler above.
  return {[](shutdown_atom) {}};
}

}  // namespace

entity_router::entity_router(caf::actor_system& sys, std::string local_node)
    : local_node_(std::move(local_node)), sys_(&sys) {
  cluster::hash_ring ring;
  ring.add(local_node_);
  ring_ = std::make_shared<const cluster::hash_ring>(std::move(ring));
  sandboxed_ = local_node_ == sandbox_node_name;
  unroutable_ = sys.spawn<caf::lazy_init>(unroutable, sandboxed_);
}

entity_router& entity_router::sandbox() {
  std::call_once(sandbox_once_,
                 [this] { sandbox_ = std::make_unique<entity_router>(*sys_, sandbox_node_name); });
  return *sandbox_;
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
