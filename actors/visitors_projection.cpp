#include "actors/visitors_projection.hpp"

#include "actors/events.hpp"
#include "actors/social_fields.hpp"
#include "actors/state_projection.hpp"

namespace griddle::actors {

visitors_state::visitors_state(std::string owner, size_t capacity)
    : owner_(std::move(owner)), capacity_(capacity) {}

std::vector<std::string> visitors_state::event_types() {
  return {events::profile_visited};
}

void visitors_state::apply(const store::recorded_event& ev, const nlohmann::json& data) {
  auto by = text_field(data, "by");
  if (ev.type != events::profile_visited || text_field(data, "target") != owner_ || by.empty() ||
      by == owner_)
    return;
  add(visit_entry{by, text_field(data, "day"), int_field(data, "at_ms"), ev.position});
}

void visitors_state::add(visit_entry entry) {
  if (!seen_.emplace(entry.user_id, entry.day).second)
    return;
  auto cursor = entry.cursor;
  visits_.emplace(cursor, std::move(entry));
  while (visits_.size() > capacity_) {
    auto oldest = visits_.begin();
    seen_.erase({oldest->second.user_id, oldest->second.day});
    visits_.erase(oldest);
  }
}

visitors_page visitors_state::page(uint64_t before, uint32_t limit) const {
  visitors_page result;
  auto n = page_size(limit);
  auto i = before == 0 ? visits_.end() : visits_.lower_bound(before);
  while (i != visits_.begin() && result.items.size() < n)
    result.items.push_back((--i)->second);
  if (i != visits_.begin() && !result.items.empty())
    result.next_cursor = result.items.back().cursor;
  return result;
}

nlohmann::json visitors_state::to_json() const {
  auto visits = nlohmann::json::array();
  for (auto& [cursor, x] : visits_)
    visits.push_back({{"c", cursor}, {"by", x.user_id}, {"day", x.day}, {"at", x.at_ms}});
  return {{"visits", std::move(visits)}};
}

void visitors_state::from_json(const nlohmann::json& doc) {
  visits_.clear();
  seen_.clear();
  for (auto& x : doc.at("visits"))
    add(visit_entry{x.at("by").get<std::string>(), x.at("day").get<std::string>(),
                    x.at("at").get<int64_t>(), x.at("c").get<uint64_t>()});
}

entity::entity_type visitors_type() {
  return make_state_projection<visitors_state>(
      "visitors", [](const entity_ref& ref) { return visitors_state{ref.key}; },
      [](const visitors_state& state, entity::entity_context&) -> caf::behavior {
        return {
            [&state](caf::get_atom, uint64_t before, uint32_t limit) {
              return state.page(before, limit);
            },
        };
      },
      {},
      [](const visitors_state& state, entity::view_slot& slot) {
        slot.publish(std::make_shared<const visitors_view>(state.view()));
      });
}

}  // namespace griddle::actors
