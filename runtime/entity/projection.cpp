#include "runtime/entity/projection.hpp"

#include <stdexcept>

#include <caf/event_based_actor.hpp>

#include "runtime/entity/detail/snapshot_envelope.hpp"
#include "runtime/entity/event_sourced.hpp"
#include "runtime/type_ids.hpp"

namespace griddle::entity {

namespace {

/// Applied events between two snapshots, so a crash replays little.
constexpr uint64_t projection_snapshot_every = 500;

}  // namespace

projection_behavior::projection_behavior(const stored_state& st)
    : stored_(st.found ? st.data : std::string{}), found_(st.found) {}

caf::behavior projection_behavior::make_behavior(entity_context& ctx) {
  ctx_ = &ctx;
  if (!types_)
    throw std::logic_error("projection " + to_string(ctx.ref()) +
                           " was not registered with make_projection_type");
  if (found_) {
    auto snapshot = detail::open_snapshot(stored_, "p", "projection " + to_string(ctx.ref()));
    position_ = snapshot.mark;
    saved_position_ = position_;
    load_state(snapshot.state);
  }
  stored_.clear();
  stored_.shrink_to_fit();
  caf::behavior delivery{
      [this](project_atom, const store::recorded_event& ev) {
        delivering_ = true;
        offer(ev);
      },
  };
  auto app = handlers(ctx);
  catch_up(position_ + 1);
  return caf::behavior{app.as_behavior_impl()->or_else(delivery.as_behavior_impl())};
}

void projection_behavior::handled() {
  if (delivering_)
    delivering_ = false;
  else
    queried();
}

void projection_behavior::catch_up(uint64_t from_position) {
  ctx_->self()
      ->request(ctx_->store(), event_store_timeout, read_atom_v, tagged_atom_v, ctx_->ref().key,
                from_position, replay_page_size)
      .await(
          [this](std::vector<store::recorded_event>& events) {
            for (auto& ev : events)
              offer(ev);
            if (events.size() == replay_page_size)
              catch_up(position_ + 1);
          },
          [this](caf::error& err) { ctx_->self()->quit(err); });
}

void projection_behavior::offer(const store::recorded_event& ev) {
  if (ev.position <= position_) {
    ++duplicates_;
    return;
  }
  // Types it does not read still advance the position: they were offered once.
  position_ = ev.position;
  if (types_->count(ev.type) == 0)
    return;
  apply(ev, nlohmann::json::parse(ev.payload));
  if (++since_snapshot_ >= projection_snapshot_every) {
    since_snapshot_ = 0;
    ctx_->persist();
  }
}

std::string projection_behavior::snapshot() const {
  return detail::seal_snapshot("p", position_, save_state());
}

bool tag_matches(const std::string& tag_prefix, const std::string& tag) {
  if (tag_prefix.empty())
    return tag.find(':') == std::string::npos;
  return tag.size() > tag_prefix.size() && tag[tag_prefix.size()] == ':' &&
         tag.compare(0, tag_prefix.size(), tag_prefix) == 0;
}

entity_type make_projection_type(std::string name, std::vector<std::string> event_types,
                                 projection_factory factory, std::string tag_prefix) {
  if (!factory)
    throw std::invalid_argument("projection " + name + " needs a factory");
  auto types =
      std::make_shared<const std::set<std::string>>(event_types.begin(), event_types.end());
  entity_type result;
  result.name = std::move(name);
  result.subscribes_to = std::move(event_types);
  result.tag_prefix = std::move(tag_prefix);
  result.factory = [types, factory = std::move(factory)](const entity_ref& ref,
                                                         const stored_state& st) {
    auto behavior = factory(ref, st);
    behavior->subscribe(types);
    return std::unique_ptr<entity_behavior>{std::move(behavior)};
  };
  return result;
}

}  // namespace griddle::entity
