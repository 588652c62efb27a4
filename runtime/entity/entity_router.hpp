// The one way to send to an entity. Maps an `entity_ref` to the node that owns
// it (a consistent hash ring) and, on this node, to the active entity (one hop)
// or to its type's host (which activates it and buffers meanwhile).
//
// Thread safety: shared by every actor of a node; all members may be called
// concurrently. The `request` templates must be called from inside an actor.
#pragma once

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/duration.hpp>
#include <caf/make_message.hpp>
#include <caf/response_promise.hpp>

#include "runtime/cluster/hash_ring.hpp"
#include "runtime/entity/entity_directory.hpp"
#include "runtime/entity/entity_ref.hpp"
#include "runtime/entity/view_board.hpp"
#include "runtime/flags/flag_table.hpp"
#include "runtime/rollout/effect_log.hpp"
#include "runtime/rollout/rollout_table.hpp"
#include "runtime/type_ids.hpp"

namespace griddle::entity {

class entity_router {
 public:
  /// Creates a router for node `local_node`, alone on its ring.
  entity_router(caf::actor_system& sys, std::string local_node);
  ~entity_router();

  entity_router(const entity_router&) = delete;
  entity_router& operator=(const entity_router&) = delete;

  // -- sending ----------------------------------------------------------------

  /// Sends `xs...` as a request to `ref`; the reply (or an error, at the
  /// latest after `timeout`, a `caf::duration` or `std::chrono` duration)
  /// arrives at `self` through the returned handle.
  template <class Self, class Timeout, class... Ts>
  auto request(Self* self, const entity_ref& ref, const Timeout& timeout, Ts&&... xs) {
    note_effect("request", ref, xs...);
    auto hash = stable_hash(ref);
    auto target = resolve(ref, hash);
    if (target.direct)
      return self->request(target.direct, timeout, std::forward<Ts>(xs)...);
    return self->request(target.host, timeout, route_atom_v, ref.key,
                         caf::make_message(std::forward<Ts>(xs)...));
  }

  /// Sends `xs...` to `ref` without expecting a reply.
  template <class Self, class... Ts>
  void send(Self* self, const entity_ref& ref, Ts&&... xs) {
    note_effect("send", ref, xs...);
    auto hash = stable_hash(ref);
    auto target = resolve(ref, hash);
    if (target.direct)
      self->send(target.direct, std::forward<Ts>(xs)...);
    else
      self->send(target.host, route_atom_v, ref.key, caf::make_message(std::forward<Ts>(xs)...));
  }

  /// Sends `xs...` to `ref` only if it is active or being activated on this
  /// node; never activates it. For news that an inactive entity reads from
  /// the store when it next activates (e.g. events for projections).
  template <class Self, class... Ts>
  void notify(Self* self, const entity_ref& ref, Ts&&... xs) {
    note_effect("notify", ref, xs...);
    auto hash = stable_hash(ref);
    auto target = resolve(ref, hash);
    if (target.direct)
      self->send(target.direct, std::forward<Ts>(xs)...);
    else
      self->send(target.host, notify_atom_v, ref.key, caf::make_message(std::forward<Ts>(xs)...));
  }

  /// Hands the request behind `rp` to `ref` as `xs...`: the entity answers
  /// the original sender directly.
  template <class... Ts>
  void delegate(caf::response_promise& rp, const entity_ref& ref, Ts&&... xs) {
    note_effect("delegate", ref, xs...);
    auto hash = stable_hash(ref);
    auto target = resolve(ref, hash);
    if (target.direct)
      rp.delegate(target.direct, std::forward<Ts>(xs)...);
    else
      rp.delegate(target.host, route_atom_v, ref.key, caf::make_message(std::forward<Ts>(xs)...));
  }

  /// Hands the request behind `rp` to the host of `ref.type` as a peek.
  void delegate_peek(caf::response_promise& rp, const entity_ref& ref) {
    rp.delegate(host_or_responder(ref.type), peek_atom_v, ref.key);
  }

  /// Hands the request behind `rp` to the host of `type` as a count.
  void delegate_count(caf::response_promise& rp, const std::string& type) {
    rp.delegate(host_or_responder(type), count_atom_v);
  }

  /// Asks whether `ref` is active and for its snapshot, never activating it.
  /// Replies with a `peek_result`.
  template <class Self, class Timeout>
  auto peek(Self* self, const entity_ref& ref, const Timeout& timeout) {
    return self->request(host_or_responder(ref.type), timeout, peek_atom_v, ref.key);
  }

  /// Asks the host of `type` for its number of active entities (a `uint64_t`).
  template <class Self, class Timeout>
  auto count_active(Self* self, const std::string& type, const Timeout& timeout) {
    return self->request(host_or_responder(type), timeout, count_atom_v);
  }

  // -- topology ---------------------------------------------------------------

  /// Installs the host of `type` on this node (called by the host on start).
  void set_host(const std::string& type, caf::actor host);

  /// Removes the host of `type` if it is still `host`.
  void remove_host(const std::string& type, const caf::actor_addr& host);

  /// Returns the host of `type` on this node, or an invalid handle.
  caf::actor host(const std::string& type) const;

  /// Replaces the ring (membership change).
  void set_ring(cluster::hash_ring ring);

  /// The name of this node on the ring.
  const std::string& local_node() const noexcept { return local_node_; }

  /// The directory of `type` on this node, created on first use. Lives as
  /// long as the router.
  entity_directory& directory(const std::string& type);

  /// The active entity behind `ref` on this node, or an invalid handle.
  caf::actor find_active(const entity_ref& ref);

  /// The views this node's entities publish (view_board.hpp).
  view_board& views() noexcept { return views_; }

  /// The rollouts of this node's entity types (runtime/rollout).
  rollout::rollout_table& rollouts() noexcept { return rollouts_; }

  /// The feature toggles and experiments, as the flags controller last
  /// installed them (runtime/flags/flag_controller.hpp).
  flags::flag_table& flags() noexcept { return flags_; }

  /// The router ghosts send through: it knows no entity, so what a ghost
  /// sends to another entity is dropped and its requests are answered with
  /// `errc::sandboxed`. Created on first use; lives as long as this router.
  entity_router& sandbox();

 private:
  struct target {
    caf::actor direct;
    caf::actor host;
  };

  /// Picks the path for one message; counts it in the directory when it goes
  /// through the host.
  target resolve(const entity_ref& ref, uint64_t hash);

  caf::actor host_or_responder(const std::string& type) const;

  /// Records a message to `ref` as an effect of the handler running on this
  /// thread, while a ghost mirror compares that handler's effects
  /// (rollout/effect_log.hpp); costs one thread-local read otherwise.
  template <class... Ts>
  static void note_effect(const char* via, const entity_ref& ref, const Ts&... xs) {
    if (auto* log = rollout::effect_log::active())
      log->record("message", {{"via", via},
                              {"to", ref.type + '/' + ref.key},
                              {"message", caf::to_string(caf::make_message(xs...))}});
  }

  std::string local_node_;
  /// What this node knows of one entity type.
  struct type_slot {
    caf::actor host;
    std::unique_ptr<entity_directory> directory;
  };

  mutable std::shared_mutex mtx_;
  std::shared_ptr<const cluster::hash_ring> ring_;
  std::unordered_map<std::string, type_slot> types_;
  /// Answers every message with an error, for unknown types or unowned keys.
  caf::actor unroutable_;
  view_board views_;
  rollout::rollout_table rollouts_;
  flags::flag_table flags_;
  caf::actor_system* sys_;
  /// Set for the sandbox router itself: its unroutable actor says so.
  bool sandboxed_ = false;
  std::once_flag sandbox_once_;
  std::unique_ptr<entity_router> sandbox_;
};

}  // namespace griddle::entity
