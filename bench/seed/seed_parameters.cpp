#include "bench/seed/seed_parameters.hpp"

#include <cmath>
#include <limits>

namespace griddle::bench {

std::string check_parameters(const seed_parameters& p) {
  if (p.users < 1 || p.users > max_seed_users)
    return "--users must be between 1 and " + std::to_string(max_seed_users);
  if (p.first_id < 1 || p.first_id > uint64_t{std::numeric_limits<int64_t>::max()} - p.users)
    return "--first-id must be positive and leave room for --users ids below 2^63";
  if (p.days < 1 || p.days > max_seed_days)
    return "--days must be between 1 and " + std::to_string(max_seed_days);
  if (!std::isfinite(p.zipf) || p.zipf <= 0 || p.zipf > 10)
    return "--zipf must be a number above 0 and at most 10";
  for (auto count : {p.likes, p.visits, p.favourites, p.messages})
    if (count > max_seed_count)
      return "--likes, --visits, --favourites and --messages must each be at most " +
             std::to_string(max_seed_count);
  auto others = p.users - 1;
  if (p.likes > p.users * others)
    return "--likes must be at most users * (users - 1) = " + std::to_string(p.users * others) +
           " (each user likes another at most once)";
  if (p.favourites > p.users * others)
    return "--favourites must be at most users * (users - 1) = " + std::to_string(p.users * others);
  if (p.visits > p.users * max_visits_per_user(p))
    return "--visits must be at most users * (users - 1) * days / 2 = " +
           std::to_string(p.users * max_visits_per_user(p));
  if (p.messages > 0 && p.users < 2)
    return "--messages needs at least 2 users";
  return {};
}

uint64_t total_events(const seed_parameters& p) {
  return 2 * p.users + p.likes + p.visits + 2 * p.favourites + p.messages;
}

uint64_t max_visits_per_user(const seed_parameters& p) {
  return p.users < 2 ? 0 : (p.users - 1) * p.days / 2;
}

}  // namespace griddle::bench
