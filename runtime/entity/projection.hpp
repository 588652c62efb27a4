// Projections: read models built from other entities' events. A projection is
// an entity keyed by the entity it describes (usually a user id); it receives
// the events that carry its key as a tag and whose type it subscribes to.
//
// Delivery and idempotency: the node's projector (projector.hpp) hands each
// committed event, in global position order, to the active projections it
// concerns. A projection keeps the position of the last event it applied and
// ignores any event at or below it, so a redelivered event changes nothing.
// On activation it loads its snapshot (JSON `{"p": position, "s": state}`)
// and catches up from the store's tag index before it handles any message,
// so an inactive projection misses nothing: it reads what happened while it
// slept.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <caf/behavior.hpp>
#include <nlohmann/json.hpp>

#include "runtime/entity/entity_type.hpp"
#include "runtime/store/event_store.hpp"

namespace griddle::entity {

/// Base of a projection's behaviour; the application implements the hooks.
class projection_behavior : public entity_behavior {
 public:
  explicit projection_behavior(const stored_state& st);

  // -- written by the application ---------------------------------------------

  /// Applies one event of a subscribed type that carries this projection's
  /// key as a tag. Called at most once per event.
  virtual void apply(const store::recorded_event& ev, const nlohmann::json& data) = 0;

  virtual nlohmann::json save_state() const = 0;
  virtual void load_state(const nlohmann::json& state) = 0;

  /// The query handlers.
  virtual caf::behavior handlers(entity_context& ctx) = 0;

  // -- state --------------------------------------------------------------------

  /// Position of the last event applied (0: none).
  uint64_t position() const noexcept { return position_; }

  /// Events ignored because they were at or below `position()`.
  uint64_t duplicates() const noexcept { return duplicates_; }

  /// The activation's context; valid once `handlers` has been called.
  entity_context& context() const noexcept { return *ctx_; }

  // -- runtime -------------------------------------------------------------------

  /// Set by `make_projection_type`: the event types this projection reads.
  void subscribe(std::shared_ptr<const std::set<std::string>> types) { types_ = std::move(types); }

  caf::behavior make_behavior(entity_context& ctx) final;
  void handled() final;
  std::string snapshot() const final;
  bool needs_save() const final { return position_ != saved_position_; }
  void saved() final { saved_position_ = position_; }

 protected:
  /// Called after each query the projection handled (each message but the
  /// runtime's event deliveries); e.g. to publish a view.
  virtual void queried() {}

 private:
  /// Applies `ev` if it is new and of a subscribed type.
  void offer(const store::recorded_event& ev);
  void catch_up(uint64_t from_position);

  std::string stored_;
  bool found_ = false;
  uint64_t position_ = 0;
  /// The position of the newest snapshot written or loaded.
  uint64_t saved_position_ = 0;
  uint64_t duplicates_ = 0;
  uint64_t since_snapshot_ = 0;
  std::shared_ptr<const std::set<std::string>> types_;
  entity_context* ctx_ = nullptr;
  /// Whether the message being handled is an event delivery.
  bool delivering_ = false;
};

using projection_factory =
    std::function<std::unique_ptr<projection_behavior>(const entity_ref&, const stored_state&)>;

/// The registration of a projection type that reads `event_types` from
/// events tagged with its keys (see `entity_type::tag_prefix`).
entity_type make_projection_type(std::string name, std::vector<std::string> event_types,
                                 projection_factory factory, std::string tag_prefix = {});

/// Whether `tag` names a key of projections registered with `tag_prefix`.
bool tag_matches(const std::string& tag_prefix, const std::string& tag);

}  // namespace griddle::entity
