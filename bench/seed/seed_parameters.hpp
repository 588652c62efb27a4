// What a seeded dataset contains: how many users, likes, favourites, visits
// and messages, over how many days, how skewed the popularity is, and the
// seed that makes it reproducible. Plain data plus one check.
#pragma once

#include <cstdint>
#include <string>

namespace griddle::bench {

/// 2026-01-01T00:00:00Z: every seeded time is this plus a seeded offset.
/// Users register in the year before it; activity happens in the `days`
/// after it.
constexpr int64_t seed_epoch_ms = 1'767'225'600'000;

constexpr int64_t ms_per_day = 86'400'000;

/// The password of every seeded user.
constexpr const char* seed_password = "seed-password-1";

struct seed_parameters {
  /// Users, with ids first_id .. first_id + users - 1 (decimal strings).
  uint64_t users = 0;
  uint64_t first_id = 1;
  /// `message_sent` events, spread over conversations.
  uint64_t messages = 0;
  /// `liked` events: distinct (by, target) pairs.
  uint64_t likes = 0;
  /// `profile_visited` events: distinct (by, target, day) triples.
  uint64_t visits = 0;
  /// `favourited` events (each with a `fan_added` on the target's stream).
  uint64_t favourites = 0;
  uint64_t seed = 42;
  /// Exponent of the Zipf law that picks targets by popularity rank.
  double zipf = 1.0;
  /// Length of the activity window.
  uint32_t days = 30;
};

/// Most users one dataset holds (indexes are 32-bit).
constexpr uint64_t max_seed_users = 100'000'000;

/// Most events of one kind (per-user counts are 32-bit).
constexpr uint64_t max_seed_count = 4'000'000'000;

/// Most days of activity.
constexpr uint32_t max_seed_days = 3650;

/// Why `p` describes no dataset (naming the option), or empty when it is fine.
std::string check_parameters(const seed_parameters& p);

/// Events the dataset of `p` holds: two per user, one per like, visit and
/// message, two per favourite.
uint64_t total_events(const seed_parameters& p);

/// Most visits one user makes: half of all (target, day) slots, so a visitor
/// always finds a free slot quickly.
uint64_t max_visits_per_user(const seed_parameters& p);

}  // namespace griddle::bench
