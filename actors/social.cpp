// The social area of the site: what users do to each other (activity) and
// the read models built from it (likes, favourites, visitors, feed, alerts,
// online). Each lives in its own file; this one only registers them.
#include "actors/activity_entity.hpp"
#include "actors/alerts_projection.hpp"
#include "actors/application.hpp"
#include "actors/feed_projection.hpp"
#include "actors/feed_v2.hpp"
#include "actors/likes_projection.hpp"
#include "actors/online_projection.hpp"
#include "actors/visitors_projection.hpp"

namespace griddle::actors {

void register_social_types(entity::entity_type_registry& registry,
                           std::shared_ptr<const services> svc) {
  registry.add(activity_type(svc));
  registry.add(likes_type());
  registry.add(favourites_type());
  registry.add(visitors_type());
  auto feed = feed_type();
  feed.comparison = feed_comparison();
  registry.add(std::move(feed));
  add_feed_versions(registry, svc->faulty_versions);
  registry.add(alerts_type());
  registry.add(online_type(std::move(svc)));
}

}  // namespace griddle::actors
