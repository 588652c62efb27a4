// Glue between a projection's state, written as a plain class, and the
// runtime's projection actor. The state class is testable without actors:
//
//   class State {
//    public:
//     static std::vector<std::string> event_types();   // what it reads
//     void apply(const store::recorded_event& ev, const nlohmann::json& data);
//     nlohmann::json to_json() const;                    // snapshot
//     void from_json(const nlohmann::json& doc);         // restore
//   };
//
// `make_state_projection` registers it with query handlers that read the
// state; `fold_events` rebuilds a state from events the way the projection
// does (only the subscribed types), e.g. from the store's tag index.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <caf/behavior.hpp>
#include <nlohmann/json.hpp>

#include "runtime/entity/entity_router.hpp"
#include "runtime/entity/projection.hpp"
#include "runtime/entity/view_board.hpp"

namespace griddle::actors {

/// Builds the query handlers of one activation; they may keep `state` by
/// reference (it lives as long as the activation).
template <class State>
using query_factory = std::function<caf::behavior(const State& state, entity::entity_context&)>;

/// Publishes a view of `state` through `slot` (view_board.hpp), e.g.
/// `slot.publish(std::make_shared<const V>(state.view()))`.
template <class State>
using view_publisher = std::function<void(const State& state, entity::view_slot& slot)>;

/// With a `view_publisher`, the projection withdraws its view before it
/// applies an event and publishes a fresh one after the next query: a
/// projection read often and changed rarely publishes once per change, one
/// changed often and never read publishes nothing.
template <class State>
class state_projection final : public entity::projection_behavior {
 public:
  state_projection(const entity::stored_state& st, State state, query_factory<State> queries,
                   view_publisher<State> publisher = {})
      : projection_behavior(st),
        state_(std::move(state)),
        queries_(std::move(queries)),
        publisher_(std::move(publisher)) {}

  void apply(const store::recorded_event& ev, const nlohmann::json& data) override {
    if (publisher_) {
      slot_.withdraw();
      stale_ = true;
    }
    state_.apply(ev, data);
  }

  nlohmann::json save_state() const override { return state_.to_json(); }

  void load_state(const nlohmann::json& doc) override { state_.from_json(doc); }

  caf::behavior handlers(entity::entity_context& ctx) override {
    if (publisher_)
      entity::bind_view(slot_, ctx);
    return queries_(state_, ctx);
  }

 protected:
  void queried() override {
    if (publisher_ && stale_ && slot_.bound()) {
      publisher_(state_, slot_);
      stale_ = false;
    }
  }

 private:
  State state_;
  query_factory<State> queries_;
  view_publisher<State> publisher_;
  /// Whether the state changed since the view was published.
  bool stale_ = true;
  /// Declared last: withdraws the view before the state is destroyed.
  entity::view_slot slot_;
};

/// The registration of projection type `name` whose activations hold a
/// `State` made by `make_state(ref)`.
template <class State>
entity::entity_type make_state_projection(std::string name,
                                          std::function<State(const entity_ref&)> make_state,
                                          query_factory<State> queries, std::string tag_prefix = {},
                                          view_publisher<State> publisher = {}) {
  auto factory = [make_state = std::move(make_state), queries = std::move(queries),
                  publisher = std::move(publisher)](const entity_ref& ref,
                                                    const entity::stored_state& st) {
    return std::make_unique<state_projection<State>>(st, make_state(ref), queries, publisher);
  };
  return entity::make_projection_type(std::move(name), State::event_types(), std::move(factory),
                                      std::move(tag_prefix));
}

/// Applies the events of `events` whose type `State` reads, in order, to `state`.
template <class State>
State fold_events(State state, const std::vector<store::recorded_event>& events) {
  auto types = State::event_types();
  std::set<std::string> wanted(types.begin(), types.end());
  for (auto& ev : events)
    if (wanted.count(ev.type) != 0)
      state.apply(ev, nlohmann::json::parse(ev.payload));
  return state;
}

}  // namespace griddle::actors
