#include "actors/feed_v2.hpp"

#include <algorithm>
#include <memory>
#include <set>
#include <utility>

#include "actors/events.hpp"
#include "actors/social_fields.hpp"
#include "actors/state_projection.hpp"

namespace griddle::actors {

namespace {

/// feed@2's fold: a visit supersedes the visitor's older visit.
bool folds_visit(const feed_item& x, const std::string& visitor) {
  return x.kind == "visited" && x.user_id == visitor;
}

/// The deliberate fault of `feed_state_v2_faulty`: the kind test also
/// accepts "matched", so a visit drops the visitor's match too.
bool folds_visit_and_match(const feed_item& x, const std::string& visitor) {
  return (x.kind == "visited" || x.kind == "matched") && x.user_id == visitor;
}

/// The registration of `feed` version 2 running `State`.
template <class State>
entity::entity_type feed_v2_type_of() {
  auto type = make_state_projection<State>(
      "feed", [](const entity_ref& ref) { return State{ref.key}; },
      [](const State& state, entity::entity_context& ctx) -> caf::behavior {
        return {
            [&state, &ctx](caf::get_atom, uint64_t before, uint32_t limit) {
              auto page = state.page(before, limit);
              rank_feed_page(page, ctx.arm_of(feed_ranking_experiment));
              return page;
            },
        };
      },
      {},
      [](const State& state, entity::view_slot& slot) {
        slot.publish(std::make_shared<const feed_view_v2>(state.view()));
      });
  type.version = "2";
  return type;
}

}  // namespace

// -- feed_view_v2 ---------------------------------------------------------------

feed_page feed_view_v2::page(uint64_t before, uint32_t limit) const {
  auto result = items_.page(before, limit);
  put_matches_first(result);
  return result;
}

// -- feed_state_v2 --------------------------------------------------------------

feed_state_v2::feed_state_v2(std::string owner, size_t capacity)
    : feed_state_v2(std::move(owner), capacity, folds_visit) {}

feed_state_v2::feed_state_v2(std::string owner, size_t capacity, fold_rule folds)
    : owner_(std::move(owner)), items_(owner_, capacity), folds_(folds) {}

void feed_state_v2::apply(const store::recorded_event& ev, const nlohmann::json& data) {
  if (ev.type == events::profile_visited) {
    // The same test as feed@1's, which then adds the visit: fold first, so
    // the capacity counts folded items.
    auto by = text_field(data, "by");
    if (text_field(data, "target") == owner_ && !by.empty() && by != owner_)
      items_.remove_if([&](const feed_item& x) { return folds_(x, by); });
  }
  items_.apply(ev, data);
}

feed_page feed_state_v2::page(uint64_t before, uint32_t limit) const {
  // feed@1 picks the items and the next cursor; only their order changes.
  auto result = items_.page(before, limit);
  put_matches_first(result);
  return result;
}

feed_view_v2 feed_state_v2::view() const {
  return feed_view_v2{items_.view()};
}

void feed_state_v2::from_json(const nlohmann::json& doc) {
  items_.from_json(doc);
  // Newest first: an item folds when a newer visit by its user exists.
  std::set<std::string> visited_later;
  std::set<uint64_t> folded;
  auto& items = items_.items();
  for (auto i = items.rbegin(); i != items.rend(); ++i) {
    auto& x = i->second;
    if (visited_later.count(x.user_id) != 0 && folds_(x, x.user_id))
      folded.insert(x.cursor);
    if (x.kind == "visited")
      visited_later.insert(x.user_id);
  }
  if (!folded.empty())
    items_.remove_if([&](const feed_item& x) { return folded.count(x.cursor) != 0; });
}

feed_state_v2_faulty::feed_state_v2_faulty(std::string owner, size_t capacity)
    : feed_state_v2(std::move(owner), capacity, folds_visit_and_match) {}

// -- registration -----------------------------------------------------------------

entity::entity_type feed_v2_type() {
  return feed_v2_type_of<feed_state_v2>();
}

entity::entity_type feed_v2_faulty_type() {
  return feed_v2_type_of<feed_state_v2_faulty>();
}

// -- comparison -------------------------------------------------------------------

nlohmann::json feed_page_to_json(const feed_page& page) {
  auto items = nlohmann::json::array();
  for (auto& x : page.items) {
    nlohmann::json item{{"cursor", x.cursor}, {"kind", x.kind},         {"user_id", x.user_id},
                        {"at_ms", x.at_ms},   {"photo_id", x.photo_id}, {"photo_url", x.photo_url}};
    items.push_back(std::move(item));
  }
  return {{"items", std::move(items)}, {"next_cursor", page.next_cursor}};
}

nlohmann::json feed_page_meaning(const nlohmann::json& page_json) {
  // Replies are input: a malformed one means little, it does not throw.
  std::set<std::vector<std::string>> meaning;
  auto items = page_json.find("items");
  if (items != page_json.end() && items->is_array())
    for (auto& x : *items)
      meaning.insert({text_field(x, "kind"), text_field(x, "user_id"), text_field(x, "photo_id")});
  return meaning;
}

rollout::comparison_rules feed_comparison() {
  rollout::comparison_rules rules;
  rules.describe = [](const caf::message& msg) -> nlohmann::json {
    if (msg.match_elements<feed_page>())
      return feed_page_to_json(msg.get_as<feed_page>(0));
    return nullptr;
  };
  return rules;
}

void feed_pages_agree(nlohmann::json& stable, nlohmann::json& candidate) {
  // Only feed pages (not, e.g., the empty replies to event deliveries).
  if (!stable.is_object() || !candidate.is_object())
    return;
  // The stable page's oldest cursor bounds what both pages cover: folding
  // lets feed@2's page reach further back.
  uint64_t cutoff = 0;
  auto items = stable.find("items");
  auto more = stable.value("next_cursor", uint64_t{0}) != 0;
  if (more && items != stable.end() && items->is_array())
    for (auto& x : *items)
      if (x.contains("cursor") && x["cursor"].is_number_unsigned())
        cutoff = cutoff == 0 ? x["cursor"].get<uint64_t>()
                             : std::min(cutoff, x["cursor"].get<uint64_t>());
  auto within = [cutoff](const nlohmann::json& page) {
    auto kept = nlohmann::json::array();
    auto i = page.find("items");
    if (i != page.end() && i->is_array())
      for (auto& x : *i)
        if (!x.contains("cursor") || !x["cursor"].is_number_unsigned() ||
            x["cursor"].get<uint64_t>() >= cutoff)
          kept.push_back(x);
    return feed_page_meaning(nlohmann::json{{"items", std::move(kept)}});
  };
  stable = within(stable);
  candidate = within(candidate);
}

void add_feed_versions(entity::entity_type_registry& registry, bool faulty) {
  registry.add_version("feed", {"2", feed_v2_type().factory, feed_pages_agree});
  if (faulty)
    registry.add_version("feed", {"2-faulty", feed_v2_faulty_type().factory, feed_pages_agree});
}

}  // namespace griddle::actors
