#include "actors/likes_projection.hpp"

#include <algorithm>
#include <utility>

#include "actors/events.hpp"
#include "actors/social_fields.hpp"
#include "actors/state_projection.hpp"

namespace griddle::actors {

namespace {

/// Sorts `marks` (id, mark) newest first and converts the first `limit`.
std::vector<social_entry> sorted(std::vector<std::pair<std::string, entry_mark>> marks,
                                 uint32_t limit) {
  std::sort(marks.begin(), marks.end(),
            [](auto& x, auto& y) { return x.second.position > y.second.position; });
  std::vector<social_entry> result;
  for (size_t i = 0; i < marks.size() && i < limit; ++i)
    result.push_back(social_entry{marks[i].first, marks[i].second.at_ms});
  return result;
}

nlohmann::json marks_to_json(const marked_users& users) {
  auto result = nlohmann::json::object();
  for (auto& [id, mark] : users)
    result[id] = {mark.at_ms, mark.position};
  return result;
}

marked_users marks_from_json(const nlohmann::json& doc) {
  marked_users result;
  for (auto& [id, mark] : doc.items())
    result.emplace(id, entry_mark{mark.at(0).get<int64_t>(), mark.at(1).get<uint64_t>()});
  return result;
}

template <class State>
query_factory<State> relation_queries() {
  return [](const State& state, entity::entity_context&) -> caf::behavior {
    return {
        [&state](caf::get_atom) { return state.view(); },
        [&state](caf::get_atom, uint32_t limit) { return state.view(limit); },
    };
  };
}

}  // namespace

std::vector<social_entry> newest_first(const marked_users& users, uint32_t limit) {
  return sorted({users.begin(), users.end()}, limit);
}

relations_state::relations_state(std::string owner, std::string add, std::string remove,
                                 bool with_matches)
    : owner_(std::move(owner)),
      add_(std::move(add)),
      remove_(std::move(remove)),
      with_matches_(with_matches) {}

void relations_state::apply(const store::recorded_event& ev, const nlohmann::json& data) {
  auto by = text_field(data, "by");
  auto target = text_field(data, "target");
  if (by == target)
    return;
  auto* users = by == owner_ ? &given_ : target == owner_ ? &received_ : nullptr;
  if (users == nullptr)
    return;
  auto& other = by == owner_ ? target : by;
  if (ev.type == add_)
    users->emplace(other, entry_mark{int_field(data, "at_ms"), ev.position});
  else if (ev.type == remove_)
    users->erase(other);
}

relations_view relations_state::view(uint32_t limit) const {
  relations_view result;
  result.given = newest_first(given_, limit);
  result.received = newest_first(received_, limit);
  result.given_count = static_cast<uint32_t>(given_.size());
  result.received_count = static_cast<uint32_t>(received_.size());
  if (!with_matches_)
    return result;
  // A match dates from the later of the two likes.
  std::vector<std::pair<std::string, entry_mark>> matches;
  for (auto& [id, mark] : given_) {
    auto i = received_.find(id);
    if (i != received_.end())
      matches.emplace_back(id, mark.position > i->second.position ? mark : i->second);
  }
  result.matches_count = static_cast<uint32_t>(matches.size());
  result.matches = sorted(std::move(matches), limit);
  return result;
}

nlohmann::json relations_state::to_json() const {
  return {{"given", marks_to_json(given_)}, {"received", marks_to_json(received_)}};
}

void relations_state::from_json(const nlohmann::json& doc) {
  given_ = marks_from_json(doc.at("given"));
  received_ = marks_from_json(doc.at("received"));
}

likes_state::likes_state(std::string owner)
    : relations_state(std::move(owner), events::liked, events::unliked, true) {}

std::vector<std::string> likes_state::event_types() {
  return {events::liked, events::unliked};
}

favourites_state::favourites_state(std::string owner)
    : relations_state(std::move(owner), events::favourited, events::unfavourited, false) {}

std::vector<std::string> favourites_state::event_types() {
  return {events::favourited, events::unfavourited};
}

entity::entity_type likes_type() {
  return make_state_projection<likes_state>(
      "likes", [](const entity_ref& ref) { return likes_state{ref.key}; },
      relation_queries<likes_state>());
}

entity::entity_type favourites_type() {
  return make_state_projection<favourites_state>(
      "favourites", [](const entity_ref& ref) { return favourites_state{ref.key}; },
      relation_queries<favourites_state>());
}

}  // namespace griddle::actors
