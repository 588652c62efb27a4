// What an application registers per entity type: a name, a behaviour version,
// a factory that builds an activation from stored state, an idle time-out and
// restart limits. The runtime does the rest (activation, passivation,
// supervision, routing).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "runtime/entity/entity_messages.hpp"
#include "runtime/entity/entity_ref.hpp"
#include "runtime/entity/view_board.hpp"
#include "runtime/rollout/effect_log.hpp"
#include "runtime/rollout/reply_diff.hpp"
#include "runtime/supervision/restart_tracker.hpp"

namespace griddle::entity {

class entity_router;

/// What an activation may ask of the runtime. Valid for the activation's life,
/// and only on the activation's own thread of control.
class entity_context {
 public:
  virtual ~entity_context() = default;

  /// The entity this activation serves.
  virtual const entity_ref& ref() const = 0;

  /// The actor running this activation (to send, request, delay).
  virtual caf::event_based_actor* self() = 0;

  /// Sends to other entities.
  virtual entity_router& router() = 0;

  /// The node's store actor: the state store protocol and, on nodes with an
  /// event store, the event store protocol (runtime/store/event_store_actor.hpp).
  virtual const caf::actor& store() = 0;

  /// Writes the current snapshot to the state store. Writes of one entity are
  /// applied in order; a later activation restores the last one.
  virtual void persist() = 0;

  /// The board this activation publishes views on, or null when it must not
  /// publish (a ghost).
  virtual view_board* views() = 0;

  /// Where effects are recorded for comparison (runtime/rollout), or null
  /// when nobody compares this activation.
  virtual rollout::effect_log* effects() { return nullptr; }

  /// The experiment arm the message being handled carries for `experiment`
  /// (request_arms.hpp), or empty. Only valid while a handler runs, before
  /// it returns (not in the continuations of its requests).
  virtual std::string_view arm_of(std::string_view experiment) const {
    (void)experiment;
    return {};
  }
};

/// Binds `slot` to the activation's board, if it may publish.
inline void bind_view(view_slot& slot, entity_context& ctx) {
  if (auto* board = ctx.views())
    slot.bind(*board, ctx.ref());
}

/// One activation's state and message handlers, written by the application.
class entity_behavior {
 public:
  virtual ~entity_behavior() = default;

  /// Returns the message handlers. Called once, after construction.
  virtual caf::behavior make_behavior(entity_context& ctx) = 0;

  /// Called after each message the behaviour handled (not after replies to
  /// the activation's own requests); e.g. to publish a view (view_board.hpp).
  virtual void handled() {}

  /// Serialises the state; the factory must rebuild an equal state from it.
  virtual std::string snapshot() const = 0;

  /// Whether `persist` has anything to write: false skips the save, e.g.
  /// for an entity that never got an event or is unchanged since its last
  /// snapshot.
  virtual bool needs_save() const { return true; }

  /// Called after the runtime handed `snapshot()` to the store.
  virtual void saved() {}
};

/// Builds an activation from the stored state (`found` is false for a new
/// entity). May throw to fail the activation.
using entity_factory =
    std::function<std::unique_ptr<entity_behavior>(const entity_ref&, const stored_state&)>;

/// Another behaviour of an entity type: built from the same stored events,
/// run by a rollout (runtime/rollout) as a ghost or for a share of keys.
struct behaviour_version {
  /// E.g. "2"; the type's versions are named `type@name` ("feed@2").
  std::string name;
  entity_factory factory;
  /// For a version that changes replies on purpose: rewrites the stable
  /// version's described reply and this one's, in place, to what the two
  /// must agree on (unset: the whole replies must be equal).
  rollout::agree_fn agree;
};

/// The registration of one entity type.
struct entity_type {
  std::string name;
  /// The name of the behaviour `factory` builds.
  std::string version = "1";
  entity_factory factory;
  /// The type's other behaviours, which a rollout may switch keys to.
  std::vector<behaviour_version> versions;
  /// How ghost replies are compared with live ones.
  rollout::comparison_rules comparison;
  caf::timespan idle_timeout = std::chrono::minutes(5);
  supervision::restart_limits limits;
  /// Turns a snapshot into what a peek shows (operators, the admin shell);
  /// empty shows snapshots as they are. Keeps secrets such as password
  /// hashes out of peeks, for active and stored entities alike.
  std::function<std::string(const std::string&)> redact;
  /// For projections: the event types the node's projector delivers to this
  /// type (see projection.hpp). Empty for every other entity type.
  std::vector<std::string> subscribes_to;
  /// For projections: which event tags name one of its keys. Empty: plain
  /// tags without a ':' (user ids); "online": tags like "online:3".
  std::string tag_prefix;
};

/// The factory of `type`'s behaviour `version` (empty: the type's own), or
/// null when it has no such version.
const entity_factory* find_factory(const entity_type& type, const std::string& version);

/// `type`'s behaviour_version named `version`, or null (also for the type's own).
const behaviour_version* find_version(const entity_type& type, const std::string& version);

/// Where snapshots of `key` written by behaviour `version` live: the type's
/// own version keeps `type/key`, others `type@version/key`, because each
/// behaviour may shape its state differently while they share the events.
entity_ref snapshot_ref(const entity_type& type, const std::string& version,
                        const std::string& key);

/// The entity types a node hosts. Filled before the node starts; read-only after.
class entity_type_registry {
 public:
  /// Registers `type`; throws std::invalid_argument for a duplicate or empty name
  /// or a missing factory.
  void add(entity_type type);

  /// Returns the type or nullptr.
  const entity_type* find(const std::string& name) const;

  /// All registered types, by name.
  std::vector<const entity_type*> all() const;

  /// Adds `version` to type `type`; throws std::invalid_argument for an
  /// unknown type or a version name it already has.
  void add_version(const std::string& type, behaviour_version version);

 private:
  std::map<std::string, entity_type> types_;
};

}  // namespace griddle::entity
