// Ramp-up, promotion, rollback, the guard and durability of rollouts.
#define CAF_SUITE rollout_ramp

#include <caf/test/unit_test.hpp>

#include <algorithm>

#include "rollout_fixture.hpp"

using namespace griddle;

namespace {

struct fixture : test::rollout_fixture {
  std::vector<std::string> keys(int n) {
    std::vector<std::string> result;
    for (int i = 0; i < n; ++i)
      result.push_back("r" + std::to_string(i));
    return result;
  }

  bool on_candidate(const std::string& key, uint32_t bp) {
    return flags::in_share(flags::ramp_bucket("tally", key), bp);
  }

  std::string phase() { return rollout("status")["phase"].get<std::string>(); }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(rollout_ramp_tests, fixture)

CAF_TEST(a ramp serves its share of keys with the candidate) {
  rollout("start", {{"candidate", "2"}});
  auto ramped = rollout("ramp", {{"percent", 25}});
  CAF_REQUIRE_EQUAL(ramped["phase"].get<std::string>(), "ramp");
  auto ks = keys(60);
  for (auto& k : ks)
    CAF_REQUIRE(add(k, 1));
  for (auto& k : ks)
    CAF_CHECK_EQUAL(version_of(k), on_candidate(k, 2500) ? "2" : "1");
}

CAF_TEST(growing the ramp keeps the keys already on the candidate) {
  rollout("start", {{"candidate", "2"}});
  rollout("ramp", {{"percent", 10}});
  auto ks = keys(200);
  std::vector<std::string> first;
  for (auto& k : ks)
    if (version_of(k) == "2")
      first.push_back(k);
  rollout("ramp", {{"percent", 20}});
  // Active entities on the wrong version are switched as the host sees the change.
  CAF_REQUIRE(eventually([&] {
    for (auto& k : ks)
      if (version_of(k) != (on_candidate(k, 2000) ? "2" : "1"))
        return false;
    return true;
  }));
  size_t second = 0;
  for (auto& k : ks)
    second += version_of(k) == "2" ? 1 : 0;
  for (auto& k : first)
    CAF_CHECK_EQUAL(version_of(k), "2");
  CAF_CHECK_GREATER(second, first.size());
  CAF_CHECK_GREATER(first.size(), 5u);
}

CAF_TEST(switching versions loses and doubles no message) {
  rollout("start", {{"candidate", "2"}});
  auto ks = keys(20);
  // Async adds in flight while the ramp moves 0 -> 50 -> 100 -> rollback.
  int64_t sent = 0;
  auto burst = [&](int per_key) {
    for (int i = 0; i < per_key; ++i)
      for (auto& k : ks) {
        router->send(self.ptr(), entity_ref{"tally", k}, caf::add_atom_v, int64_t{1});
        ++sent;
      }
  };
  burst(50);
  rollout("ramp", {{"percent", 50}});
  burst(50);
  rollout("ramp", {{"percent", 100}});
  burst(50);
  rollout("rollback", {{"reason", "test"}});
  burst(50);
  CAF_REQUIRE(eventually([&] {
    int64_t total = 0;
    for (auto& k : ks) {
      auto t = ask<int64_t>(k, caf::get_atom_v);
      total += t ? *t : 0;
    }
    return total == sent;
  }));
  // The rollback reaches the hosts as a message after its reply: each key is
  // back on version 1 once its host has handled it.
  CAF_CHECK(eventually([&] {
    return std::all_of(ks.begin(), ks.end(), [&](auto& k) { return version_of(k) == "1"; });
  }));
  for (auto& k : ks) {
    CAF_CHECK_EQUAL(ask<int64_t>(k, caf::get_atom_v), int64_t{200});
    CAF_CHECK_EQUAL(stream_size("tally/" + k), 200u);
    CAF_CHECK_EQUAL(version_of(k), "1");
  }
}

CAF_TEST(promote makes the candidate stable everywhere) {
  rollout("start", {{"candidate", "2"}});
  rollout("ramp", {{"percent", 30}});
  auto ks = keys(30);
  for (auto& k : ks)
    add(k, 2);
  auto promoted = rollout("promote");
  CAF_CHECK_EQUAL(promoted["stable"].get<std::string>(), "2");
  CAF_CHECK_EQUAL(promoted["phase"].get<std::string>(), "none");
  CAF_REQUIRE(eventually([&] {
    for (auto& k : ks)
      if (version_of(k) != "2")
        return false;
    return true;
  }));
  for (auto& k : ks)
    CAF_CHECK_EQUAL(ask<int64_t>(k, caf::get_atom_v), int64_t{2});
}

CAF_TEST(rollback returns every key to stable at once) {
  rollout("start", {{"candidate", "2"}});
  rollout("ramp", {{"percent", 100}});
  auto ks = keys(10);
  for (auto& k : ks)
    CAF_CHECK_EQUAL(version_of(k), "2");
  auto back = rollout("rollback", {{"reason", "operator said so"}});
  CAF_CHECK_EQUAL(back["last_outcome"].get<std::string>(), "rolled back 2: operator said so");
  CAF_REQUIRE(eventually([&] {
    for (auto& k : ks)
      if (version_of(k) != "1")
        return false;
    return true;
  }));
}

CAF_TEST(the guard rolls back on the mismatch rate) {
  rollout("guard", {{"min_samples", 20}, {"max_mismatch_rate", 0.05}});
  rollout("start", {{"candidate", "2-faulty"}});
  for (int64_t n = 1; n <= 40; ++n)
    add("g1", n);
  CAF_REQUIRE(eventually([&] { return phase() == "none"; }));
  auto outcome = rollout("status")["last_outcome"].get<std::string>();
  CAF_MESSAGE("outcome: " << outcome);
  CAF_CHECK(outcome.find("by the guard: mismatch rate") != std::string::npos);
}

CAF_TEST(the guard rolls back on the error rate) {
  rollout("guard", {{"min_samples", 20}});
  rollout("start", {{"candidate", "2-failing"}});
  rollout("ramp", {{"percent", 100}});
  for (int64_t n = 1; n <= 40; ++n)
    add("g2", n);
  CAF_REQUIRE(eventually([&] { return phase() == "none"; }));
  auto outcome = rollout("status")["last_outcome"].get<std::string>();
  CAF_MESSAGE("outcome: " << outcome);
  CAF_CHECK(outcome.find("by the guard: error rate") != std::string::npos);
}

CAF_TEST(the guard rolls back on p99 latency) {
  rollout("guard", {{"min_samples", 20}, {"max_p99_ratio", 1.5}, {"p99_slack_ms", 1}});
  rollout("start", {{"candidate", "2-slow"}, {"noise_floor", false}});
  // Ghost phase: the ghost takes 4 ms per add, the live one microseconds.
  for (int64_t n = 1; n <= 40; ++n)
    add("g3", 1);
  CAF_REQUIRE(eventually([&] { return phase() == "none"; }));
  auto outcome = rollout("status")["last_outcome"].get<std::string>();
  CAF_MESSAGE("outcome: " << outcome);
  CAF_CHECK(outcome.find("by the guard: p99") != std::string::npos);
}

CAF_TEST(a schedule ramps step by step and promotes at the end) {
  rollout("start", {{"candidate", "2"}});
  auto st =
      rollout("schedule", {{"steps", {10, 50, 100}}, {"hold_s", 1}, {"promote_at_end", true}});
  CAF_CHECK_EQUAL(st["ramp_percent"].get<double>(), 10.0);
  CAF_REQUIRE(eventually([&] { return rollout("status")["stable"] == "2"; }, 20));
  auto history = rollout("status")["history"].dump();
  CAF_CHECK(history.find("ramp 2 to 50%") != std::string::npos);
  CAF_CHECK(history.find("ramp 2 to 100%") != std::string::npos);
  CAF_CHECK(history.find("promote 2") != std::string::npos);
}

CAF_TEST(rollout state survives a restart) {
  rollout("guard", {{"window_s", 45}});
  rollout("start", {{"candidate", "2"}, {"mirror_percent", 40}});
  rollout("ramp", {{"percent", 35}});
  restart();
  // A node asks every controller for its status at start, which restores it.
  auto st = rollout("status");
  CAF_CHECK_EQUAL(st["phase"].get<std::string>(), "ramp");
  CAF_CHECK_EQUAL(st["candidate"].get<std::string>(), "2");
  CAF_CHECK_EQUAL(st["ramp_percent"].get<double>(), 35.0);
  CAF_CHECK_EQUAL(st["guard"]["window_s"].get<uint32_t>(), 45u);
  for (auto& k : keys(20))
    CAF_CHECK_EQUAL(version_of(k), on_candidate(k, 3500) ? "2" : "1");
}

CAF_TEST_FIXTURE_SCOPE_END()
