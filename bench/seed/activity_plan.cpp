#include "bench/seed/activity_plan.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <tuple>
#include <unordered_set>

#include "bench/seed/zipf.hpp"

namespace griddle::bench {

namespace {

// Purposes: each gets its own random sequence, so changing how one part is
// drawn leaves the others alone.
constexpr uint64_t purpose_ranks = 2;
constexpr uint64_t purpose_counts = 3;
constexpr uint64_t purpose_activity = 4;
constexpr uint64_t purpose_pairs = 5;
constexpr uint64_t purpose_chat = 6;

/// Mean actions per session and messages per burst.
constexpr uint64_t session_size = 4;
/// Mean messages per conversation (1 + a geometric draw).
constexpr double mean_conversation = 8;

constexpr int64_t second = 1000;
constexpr int64_t hour = 3600 * second;

/// Picks targets by popularity: Zipf ranks over a seeded shuffle of the users.
class target_picker {
 public:
  explicit target_picker(const seed_parameters& p)
      : zipf_(p.users, p.zipf), order_(p.users), n_(p.users) {
    std::iota(order_.begin(), order_.end(), uint32_t{0});
    seeded_random rng{p.seed, purpose_ranks};
    for (auto i = n_ - 1; i > 0; --i)
      std::swap(order_[i], order_[rng.below(i + 1)]);
  }

  /// A user other than `self` that is not `taken`; `self` when there is none.
  template <class Taken>
  uint32_t pick(seeded_random& rng, uint32_t self, Taken&& taken) const {
    for (int attempt = 0; attempt < 64; ++attempt) {
      auto t = order_[zipf_(rng) - 1];
      if (t != self && !taken(t))
        return t;
    }
    // The popular users are taken: the first free one from a random start.
    auto start = rng.below(n_);
    for (uint64_t k = 0; k < n_; ++k) {
      auto t = static_cast<uint32_t>((start + k) % n_);
      if (t != self && !taken(t))
        return t;
    }
    return self;
  }

 private:
  zipf_sampler zipf_;
  std::vector<uint32_t> order_;
  uint64_t n_;
};

/// Spreads `total` over `users` uniformly, at most `cap` each.
std::vector<uint32_t> spread(uint64_t total, uint64_t users, uint64_t cap, seeded_random& rng) {
  cap = std::min<uint64_t>(cap, std::numeric_limits<uint32_t>::max());
  std::vector<uint32_t> counts(users, 0);
  for (uint64_t i = 0; i < total; ++i) {
    auto u = rng.below(users);
    while (counts[u] >= cap)  // check_parameters guarantees room somewhere
      u = (u + 1) % users;
    ++counts[u];
  }
  return counts;
}

/// Sets `run_ms` of time-ordered records of one stream.
void mark_runs(planned_action* first, planned_action* last) {
  int64_t run = 0;
  for (auto* i = first; i != last; ++i) {
    if (i == first || i->at_ms - (i - 1)->at_ms >= run_gap_ms)
      run = i->at_ms;
    i->run_ms = run;
  }
}

/// Plans the likes, favourites and visits of one user at a time.
class user_planner {
 public:
  user_planner(const seed_parameters& p, const target_picker& targets)
      : p_(p), targets_(targets), visits_per_day_(p.days) {}

  void plan(uint32_t user, uint32_t likes, uint32_t favourites, uint32_t visits,
            std::vector<planned_action>& out) {
    uint64_t total = uint64_t{likes} + favourites + visits;
    if (total == 0)
      return;
    seeded_random rng{p_.seed, purpose_activity, user};
    auto window = int64_t{p_.days} * ms_per_day;
    std::vector<int64_t> cursors((total + session_size - 1) / session_size);
    for (auto& c : cursors)
      c = seed_epoch_ms + static_cast<int64_t>(rng.below(window - 2 * hour));
    std::vector<action_kind> kinds;
    kinds.insert(kinds.end(), likes, action_kind::like);
    kinds.insert(kinds.end(), favourites, action_kind::favourite);
    kinds.insert(kinds.end(), visits, action_kind::visit);
    for (auto i = kinds.size() - 1; i > 0; --i)
      std::swap(kinds[i], kinds[rng.below(i + 1)]);
    mine_.clear();
    for (auto kind : kinds) {
      auto& cursor = cursors[rng.below(cursors.size())];
      cursor += rng.between(5 * second, 180 * second);
      auto at = cursor;
      uint32_t target = 0;
      if (kind == action_kind::visit) {
        // Outside the window or on a day this user visited everyone: another time.
        while (at >= seed_epoch_ms + window || visits_per_day_[day_of(at)] + 1 >= p_.users)
          at = seed_epoch_ms + static_cast<int64_t>(rng.below(window));
        auto day = day_of(at);
        target = targets_.pick(rng, user, [&](uint32_t t) { return visited_.count(slot(t, day)); });
        visited_.insert(slot(target, day));
        ++visits_per_day_[day];
      } else {
        auto& taken = kind == action_kind::like ? liked_ : favoured_;
        target = targets_.pick(rng, user, [&](uint32_t t) { return taken.count(t); });
        taken.insert(target);
      }
      mine_.push_back({0, at, user, target, kind});
    }
    std::sort(mine_.begin(), mine_.end(), [](const planned_action& a, const planned_action& b) {
      return std::tie(a.at_ms, a.kind, a.other) < std::tie(b.at_ms, b.kind, b.other);
    });
    mark_runs(mine_.data(), mine_.data() + mine_.size());
    out.insert(out.end(), mine_.begin(), mine_.end());
    liked_.clear();
    favoured_.clear();
    visited_.clear();
    std::fill(visits_per_day_.begin(), visits_per_day_.end(), 0);
  }

 private:
  uint32_t day_of(int64_t at) const {
    return static_cast<uint32_t>((at - seed_epoch_ms) / ms_per_day);
  }

  uint64_t slot(uint32_t target, uint32_t day) const { return uint64_t{target} * p_.days + day; }

  const seed_parameters& p_;
  const target_picker& targets_;
  std::unordered_set<uint32_t> liked_;
  std::unordered_set<uint32_t> favoured_;
  std::unordered_set<uint64_t> visited_;
  std::vector<uint64_t> visits_per_day_;
  std::vector<planned_action> mine_;
};

/// Message counts per conversation: 1 + geometric, folded onto the distinct
/// pairs there are when there are more conversations than pairs.
std::vector<uint64_t> conversation_lengths(const seed_parameters& p, seeded_random& rng) {
  std::vector<uint64_t> lengths;
  for (auto left = p.messages; left > 0;) {
    auto n = std::min(left, 1 + rng.geometric(1 / mean_conversation));
    lengths.push_back(n);
    left -= n;
  }
  auto pairs = p.users * (p.users - 1) / 2;
  if (lengths.size() > pairs) {
    for (size_t c = pairs; c < lengths.size(); ++c)
      lengths[c % pairs] += lengths[c];
    lengths.resize(pairs);
  }
  return lengths;
}

std::vector<conversation_pair> pick_pairs(const seed_parameters& p, size_t count,
                                          const target_picker& targets, seeded_random& rng) {
  std::unordered_set<uint64_t> used;
  auto key = [](uint32_t a, uint32_t b) {
    return a < b ? (uint64_t{a} << 32) | b : (uint64_t{b} << 32) | a;
  };
  std::vector<conversation_pair> result;
  result.reserve(count);
  while (result.size() < count) {
    auto a = static_cast<uint32_t>(rng.below(p.users));
    // `a` talks to everyone already only when pairs run out: try the next one.
    for (;; a = static_cast<uint32_t>((a + 1) % p.users)) {
      auto b = targets.pick(rng, a, [&](uint32_t t) { return used.count(key(a, t)); });
      if (b != a) {
        used.insert(key(a, b));
        result.push_back({a, b});
        break;
      }
    }
  }
  return result;
}

/// The messages of conversation `c` (`length` of them) in bursts.
void plan_chat(const seed_parameters& p, uint32_t c, uint64_t length,
               std::vector<planned_action>& out) {
  seeded_random rng{p.seed, purpose_chat, c};
  auto window = int64_t{p.days} * ms_per_day;
  auto start = seed_epoch_ms + static_cast<int64_t>(rng.below(window - hour));
  auto end = seed_epoch_ms + window;
  std::vector<int64_t> bursts((length + session_size - 1) / session_size);
  for (auto& b : bursts)
    b = start + static_cast<int64_t>(rng.below(end - start));
  std::sort(bursts.begin(), bursts.end());
  std::vector<uint64_t> sizes(bursts.size(), 0);
  for (uint64_t m = 0; m < length; ++m)
    ++sizes[rng.below(sizes.size())];
  auto first = out.size();
  int64_t at = start - 60 * second;
  uint32_t side = 0;
  for (size_t b = 0; b < bursts.size(); ++b) {
    if (sizes[b] == 0)
      continue;
    at = std::max(at + 60 * second, bursts[b]);
    for (uint64_t k = 0; k < sizes[b]; ++k) {
      if (k > 0)
        at += rng.between(5 * second, 240 * second);
      if (out.size() > first && rng.chance(0.6))
        side = 1 - side;
      out.push_back({0, at, c, side, action_kind::message});
    }
  }
  mark_runs(out.data() + first, out.data() + out.size());
}

}  // namespace

bool same_run(const planned_action& a, const planned_action& b) noexcept {
  return a.run_ms == b.run_ms && a.stream == b.stream &&
         (a.kind == action_kind::message) == (b.kind == action_kind::message);
}

activity_plan plan_activity(const seed_parameters& p) {
  activity_plan plan;
  plan.actions.reserve(p.likes + p.favourites + p.visits + p.messages);
  target_picker targets{p};
  {
    seeded_random rng{p.seed, purpose_counts};
    auto likes = spread(p.likes, p.users, p.users - 1, rng);
    auto favourites = spread(p.favourites, p.users, p.users - 1, rng);
    auto visits = spread(p.visits, p.users, max_visits_per_user(p), rng);
    user_planner planner{p, targets};
    for (uint32_t u = 0; u < p.users; ++u)
      planner.plan(u, likes[u], favourites[u], visits[u], plan.actions);
  }
  if (p.messages > 0) {
    seeded_random rng{p.seed, purpose_pairs};
    auto lengths = conversation_lengths(p, rng);
    plan.conversations = pick_pairs(p, lengths.size(), targets, rng);
    for (uint32_t c = 0; c < lengths.size(); ++c)
      plan_chat(p, c, lengths[c], plan.actions);
  }
  auto key = [](const planned_action& a) {
    return std::make_tuple(a.run_ms, a.kind == action_kind::message, a.stream, a.at_ms, a.kind,
                           a.other);
  };
  std::sort(plan.actions.begin(), plan.actions.end(),
            [&](const planned_action& a, const planned_action& b) { return key(a) < key(b); });
  return plan;
}

}  // namespace griddle::bench
