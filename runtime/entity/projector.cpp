#include "runtime/entity/projector.hpp"

#include <string>
#include <unordered_map>
#include <vector>

#include <caf/event_based_actor.hpp>

#include "runtime/entity/projection.hpp"
#include "runtime/metrics/registry.hpp"
#include "runtime/store/event_store.hpp"
#include "runtime/type_ids.hpp"

namespace griddle::entity {

namespace {

/// A projection type that reads an event type, and which tags name its keys.
struct subscriber {
  std::string type;
  std::string tag_prefix;
};

/// Event type -> the projection types that read it.
using subscription_table = std::unordered_map<std::string, std::vector<subscriber>>;

class projector_actor : public caf::event_based_actor {
 public:
  projector_actor(caf::actor_config& cfg, subscription_table table, entity_router& router,
                  caf::actor store)
      : caf::event_based_actor(cfg),
        table_(std::move(table)),
        router_(router),
        store_(std::move(store)) {
    auto& reg = metrics::registry::global();
    events_total_ = &reg.counter("griddle_projector_events_total", {});
    notified_total_ = &reg.counter("griddle_projector_notifications_total", {});
    gaps_total_ = &reg.counter("griddle_projector_gaps_total", {});
  }

  const char* name() const override { return "griddle.projector"; }

 protected:
  caf::behavior make_behavior() override {
    send(store_, subscribe_atom_v, caf::actor{this});
    return {
        [this](committed_atom, const std::vector<store::recorded_event>& events) {
          for (auto& ev : events)
            dispatch(ev);
        },
    };
  }

 private:
  void dispatch(const store::recorded_event& ev) {
    events_total_->inc();
    // The store promises contiguous positions; a gap would mean active
    // projections miss events until they next activate. Count it, loudly.
    if (next_position_ != 0 && ev.position != next_position_)
      gaps_total_->inc();
    next_position_ = ev.position + 1;
    auto i = table_.find(ev.type);
    if (i == table_.end())
      return;
    for (auto& projection : i->second)
      for (auto& tag : ev.tags)
        if (tag_matches(projection.tag_prefix, tag)) {
          router_.notify(this, entity_ref{projection.type, tag}, project_atom_v, ev);
          notified_total_->inc();
        }
  }

  subscription_table table_;
  entity_router& router_;
  caf::actor store_;
  uint64_t next_position_ = 0;
  metrics::counter* events_total_ = nullptr;
  metrics::counter* notified_total_ = nullptr;
  metrics::counter* gaps_total_ = nullptr;
};

}  // namespace

caf::actor spawn_projector(caf::actor_system& sys, const entity_type_registry& types,
                           entity_router& router, const caf::actor& store) {
  subscription_table table;
  for (auto* type : types.all())
    for (auto& event_type : type->subscribes_to)
      table[event_type].push_back({type->name, type->tag_prefix});
  return sys.spawn<projector_actor>(std::move(table), router, store);
}

}  // namespace griddle::entity
