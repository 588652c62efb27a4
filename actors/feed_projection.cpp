#include "actors/feed_projection.hpp"

#include <algorithm>
#include <memory>
#include <utility>

#include "actors/events.hpp"
#include "actors/social_fields.hpp"
#include "actors/state_projection.hpp"

namespace griddle::actors {

feed_state::feed_state(std::string owner, size_t capacity)
    : owner_(std::move(owner)), capacity_(capacity) {}

std::vector<std::string> feed_state::event_types() {
  return {events::liked,        events::unliked,         events::favourited,
          events::unfavourited, events::profile_visited, events::photo_added};
}

void feed_state::apply(const store::recorded_event& ev, const nlohmann::json& data) {
  auto by = text_field(data, "by");
  auto at = int_field(data, "at_ms", ev.timestamp_ms);
  auto to_me = text_field(data, "target") == owner_ && !by.empty() && by != owner_;
  if (ev.type == events::liked || ev.type == events::unliked) {
    on_like(ev, data, ev.type == events::liked);
  } else if (ev.type == events::favourited && to_me) {
    add(feed_item{ev.position, "favourited", by, at, {}, {}});
  } else if (ev.type == events::unfavourited && to_me) {
    remove_if([&](const feed_item& x) { return x.kind == "favourited" && x.user_id == by; });
  } else if (ev.type == events::profile_visited && to_me) {
    add(feed_item{ev.position, "visited", by, at, {}, {}});
  } else if (ev.type == events::photo_added) {
    // The owner of the photo is the user whose stream it is; the tags name
    // the fans who see it.
    auto owner = stream_key(ev.stream);
    if (ev.stream.rfind("user/", 0) == 0 && !owner.empty() && owner != owner_)
      add(feed_item{ev.position, "photo", owner, at, text_field(data, "photo_id"),
                    text_field(data, "url")});
  }
}

void feed_state::on_like(const store::recorded_event& ev, const nlohmann::json& data, bool added) {
  auto by = text_field(data, "by");
  auto target = text_field(data, "target");
  auto at = int_field(data, "at_ms", ev.timestamp_ms);
  if (by == target)
    return;
  if (by == owner_) {
    if (!added) {
      likes_.erase(target);
      remove_if([&](const feed_item& x) { return x.kind == "matched" && x.user_id == target; });
    } else if (likes_.insert(target).second && liked_by_.count(target) != 0) {
      add(feed_item{ev.position, "matched", target, at, {}, {}});
    }
  } else if (target == owner_) {
    if (!added) {
      liked_by_.erase(by);
      remove_if([&](const feed_item& x) {
        return (x.kind == "liked" || x.kind == "matched") && x.user_id == by;
      });
    } else if (liked_by_.insert(by).second) {
      add(feed_item{ev.position, likes_.count(by) != 0 ? "matched" : "liked", by, at, {}, {}});
    }
  }
}

void feed_state::add(feed_item item) {
  auto cursor = item.cursor;
  items_.emplace(cursor, std::move(item));
  while (items_.size() > capacity_)
    items_.erase(items_.begin());
}

void feed_state::remove_if(const std::function<bool(const feed_item&)>& pred) {
  for (auto i = items_.begin(); i != items_.end();)
    i = pred(i->second) ? items_.erase(i) : std::next(i);
}

feed_page feed_state::page(uint64_t before, uint32_t limit) const {
  feed_page result;
  auto n = page_size(limit);
  auto i = before == 0 ? items_.end() : items_.lower_bound(before);
  while (i != items_.begin() && result.items.size() < n)
    result.items.push_back((--i)->second);
  if (i != items_.begin() && !result.items.empty())
    result.next_cursor = result.items.back().cursor;
  return result;
}

feed_view feed_state::view() const {
  return feed_view::of(items_);
}

nlohmann::json feed_state::to_json() const {
  auto items = nlohmann::json::array();
  for (auto& [cursor, x] : items_) {
    nlohmann::json item{{"c", cursor}, {"kind", x.kind}, {"user", x.user_id}, {"at", x.at_ms}};
    if (!x.photo_id.empty() || !x.photo_url.empty()) {
      item["photo_id"] = x.photo_id;
      item["photo_url"] = x.photo_url;
    }
    items.push_back(std::move(item));
  }
  return {{"items", std::move(items)}, {"likes", likes_}, {"liked_by", liked_by_}};
}

void feed_state::from_json(const nlohmann::json& doc) {
  items_.clear();
  for (auto& x : doc.at("items"))
    add(feed_item{x.at("c").get<uint64_t>(), x.at("kind").get<std::string>(),
                  x.at("user").get<std::string>(), x.at("at").get<int64_t>(),
                  x.value("photo_id", std::string{}), x.value("photo_url", std::string{})});
  likes_ = doc.at("likes").get<std::set<std::string>>();
  liked_by_ = doc.at("liked_by").get<std::set<std::string>>();
}

void put_matches_first(feed_page& page) {
  std::stable_partition(page.items.begin(), page.items.end(),
                        [](const feed_item& x) { return x.kind == "matched"; });
}

void rank_feed_page(feed_page& page, std::string_view arm) {
  if (arm == matched_first_arm)
    put_matches_first(page);
}

entity::entity_type feed_type() {
  return make_state_projection<feed_state>(
      "feed", [](const entity_ref& ref) { return feed_state{ref.key}; },
      [](const feed_state& state, entity::entity_context& ctx) -> caf::behavior {
        return {
            [&state, &ctx](caf::get_atom, uint64_t before, uint32_t limit) {
              auto page = state.page(before, limit);
              rank_feed_page(page, ctx.arm_of(feed_ranking_experiment));
              return page;
            },
        };
      },
      {},
      [](const feed_state& state, entity::view_slot& slot) {
        slot.publish(std::make_shared<const feed_view>(state.view()));
      });
}

}  // namespace griddle::actors
