// A seeded dataset for the reference application, produced as event store
// appends in log order: the same events, streams, payloads and tags the
// application's entities write (actors/events.hpp), so its entities and
// projections read the seeded data as their own.
//
// Per user i (id first_id + i, registered in the year before the epoch, in
// id order): `email/<address>` with `email_claimed`, `user/<id>` with
// `user_registered`. Then the planned activity (activity_plan.hpp): each run
// of one actor's likes, favourites and visits is one append to
// `activity/<id>`, each favourite also a `fan_added` append to
// `user/<target>`; each run of a chat is one append of `message_sent` events
// to `conversation/<a>~<b>` (seq 1, 2, ... per conversation). Every append
// names the version it expects, so a stream that already exists (an
// `--append` run over overlapping ids) fails instead of being mixed.
//
// Deterministic: the same parameters and password hash give the same
// appends in the same order. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "bench/seed/activity_plan.hpp"
#include "bench/seed/seed_parameters.hpp"
#include "runtime/store/event_store.hpp"

namespace griddle::bench {

/// One append of the dataset.
struct seed_append {
  std::string stream;
  uint64_t expected_version = 0;
  std::vector<store::event_data> events;
};

/// Events produced so far, by kind.
struct seed_counts {
  uint64_t users = 0;
  uint64_t likes = 0;
  uint64_t favourites = 0;
  uint64_t fans = 0;
  uint64_t visits = 0;
  uint64_t messages = 0;
  uint64_t conversations = 0;
  uint64_t appends = 0;

  uint64_t events() const noexcept {
    return 2 * users + likes + favourites + fans + visits + messages;
  }
};

/// Most events in one append; a longer run is split.
constexpr size_t max_events_per_append = 256;

class dataset {
 public:
  /// Plans the dataset of `p` (which must pass `check_parameters`): seconds
  /// for millions of events. Every user gets `password_hash`.
  dataset(const seed_parameters& p, std::string password_hash);

  /// Fills `out` with the next append; false when there is none left.
  bool next(seed_append& out);

  const seed_counts& counts() const noexcept { return counts_; }

  /// Conversations in the plan.
  size_t conversations() const noexcept { return plan_.conversations.size(); }

 private:
  std::string id_of(uint32_t index) const { return std::to_string(p_.first_id + index); }

  void next_registration(seed_append& out);
  void next_activity(seed_append& out);
  void next_chat(seed_append& out);

  seed_parameters p_;
  std::string password_hash_;
  activity_plan plan_;
  /// Users registered so far; the email append of the next one is out when
  /// `email_sent_` is set.
  uint64_t registered_ = 0;
  bool email_sent_ = false;
  /// The `user_registered` payload of the user whose email append is out.
  std::string pending_user_payload_;
  /// The next planned action to write.
  size_t cursor_ = 0;
  /// (target, fan) of favourites whose `fan_added` is still to write.
  std::deque<std::pair<uint32_t, uint32_t>> fans_;
  /// Stream versions this run has written, by user / conversation index.
  std::vector<uint32_t> user_versions_;
  std::vector<uint32_t> activity_versions_;
  std::vector<uint32_t> conversation_versions_;
  seed_counts counts_;
};

}  // namespace griddle::bench
