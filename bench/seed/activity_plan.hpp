// The activity of a seeded dataset, planned before any event is written:
// every like, favourite, visit and message as a compact record (who, whom,
// when), in the order the events go into the log.
//
// The model: users act in sessions (a few likes, favourites and visits
// minutes apart) at random times in the window; chats run in bursts of
// messages minutes apart. Actors are drawn uniformly, targets (whom one
// likes, favours, visits or writes to first) by popularity: rank k with
// probability proportional to 1 / k^zipf, ranks shuffled over the users.
// Every like and favourite pair is distinct, every visit is the visitor's
// only one of that owner on that UTC day, every conversation pair distinct.
//
// Log order: records are grouped into runs of one stream whose consecutive
// times are less than `run_gap_ms` apart (one append each, later), and runs
// are ordered by their first time. So the log is chronological up to the
// length of a run, and each stream's events are in time order.
#pragma once

#include <cstdint>
#include <vector>

#include "bench/seed/seed_parameters.hpp"

namespace griddle::bench {

enum class action_kind : uint8_t { like, favourite, visit, message };

/// One planned event (`message`: of a conversation; otherwise: of an actor).
struct planned_action {
  /// The time of the first record of this record's run.
  int64_t run_ms = 0;
  int64_t at_ms = 0;
  /// The actor's user index, or for `message` the conversation's index.
  uint32_t stream = 0;
  /// The target's user index, or for `message` the sender: 0 the
  /// conversation's initiator, 1 the other participant.
  uint32_t other = 0;
  action_kind kind = action_kind::like;
};

/// The participants of a conversation, as user indexes.
struct conversation_pair {
  uint32_t initiator = 0;
  uint32_t other = 0;
};

struct activity_plan {
  /// In log order.
  std::vector<planned_action> actions;
  std::vector<conversation_pair> conversations;
};

/// Records of one stream closer in time than this form one run.
constexpr int64_t run_gap_ms = 30 * 60 * 1000;

/// Plans the activity of `p`, which must pass `check_parameters`.
activity_plan plan_activity(const seed_parameters& p);

/// True when `a` and `b` belong to the same run (same stream, same start).
bool same_run(const planned_action& a, const planned_action& b) noexcept;

}  // namespace griddle::bench
