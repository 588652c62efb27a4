// Ghost mode: a candidate version runs beside the live one on mirrored
// messages, in a sandbox, and its replies and effects are compared.
#define CAF_SUITE ghost_mode

#include <caf/test/unit_test.hpp>

#include "rollout_fixture.hpp"

using namespace griddle;
using test::probe;

namespace {

struct fixture : test::rollout_fixture {
  nlohmann::json stats() { return rollout("status")["stats"]; }

  uint64_t compared() {
    auto s = stats();
    return s.is_object() ? s["compared"].get<uint64_t>() : 0;
  }

  bool compared_at_least(uint64_t n) {
    return eventually([&] { return compared() >= n; });
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(ghost_mode_tests, fixture)

CAF_TEST(the ghost sees every mirrored message in order) {
  auto started = rollout("start", {{"candidate", "2"}});
  CAF_REQUIRE_EQUAL(started["phase"].get<std::string>(), "ghost");
  int64_t sum = 0;
  for (int64_t n = 1; n <= 200; ++n) {
    sum += n;
    CAF_CHECK_EQUAL(add("k1", n), sum);
  }
  CAF_REQUIRE(compared_at_least(200));
  std::vector<int64_t> expected;
  for (int64_t n = 1; n <= 200; ++n)
    expected.push_back(n);
  auto seen = probe().seen();
  CAF_CHECK_EQUAL(seen, expected);
  auto s = stats();
  CAF_CHECK_EQUAL(s["mismatched"].get<uint64_t>(), 0u);
  CAF_CHECK_EQUAL(s["mirrored"].get<uint64_t>(), 200u);
}

CAF_TEST(no ghost effect reaches the store or other entities) {
  rollout("start", {{"candidate", "2"}});
  for (int64_t n = 1; n <= 50; ++n)
    CAF_REQUIRE(add("k2", n));
  CAF_REQUIRE(compared_at_least(50));
  // Only the live activation's 50 events are stored, at real positions.
  CAF_CHECK_EQUAL(stream_size("tally/k2"), 50u);
  auto all = events->read_all(1, 100'000);
  CAF_REQUIRE(all);
  for (auto& ev : *all)
    CAF_CHECK_LESS(ev.position, rollout::fake_position_base);
  // Live and ghost each sent an add to audit/all per message; only the
  // live activation's 50 arrived.
  CAF_CHECK_EQUAL(probe().seen().size(), 50u);
  CAF_CHECK(eventually([] { return probe().audited.load() >= 50; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CAF_CHECK_EQUAL(probe().audited.load(), 50);
}

CAF_TEST(comparison finds a wrong message to another entity) {
  rollout("start", {{"candidate", "2-message"}});
  for (int64_t n = 1; n <= 10; ++n)
    add("k5", n);
  CAF_REQUIRE(compared_at_least(10));
  auto s = stats();
  CAF_CHECK_EQUAL(s["mismatched"].get<uint64_t>(), 10u);
  auto samples = rollout("mismatches")["samples"];
  CAF_REQUIRE(!samples.empty());
  auto sample = samples[0];
  auto live = sample["live"]["effects"].dump();
  auto ghost = sample["ghost"]["effects"].dump();
  CAF_MESSAGE("live effects: " << live);
  CAF_MESSAGE("ghost effects: " << ghost);
  CAF_CHECK(live.find("audit/all") != std::string::npos);
  CAF_CHECK(ghost.find("audit/all") != std::string::npos);
  CAF_CHECK(sample["diff"].dump().find("/message") != std::string::npos);
  // Only the live activation's messages arrived.
  CAF_CHECK(eventually([] { return probe().audited.load() >= 10; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CAF_CHECK_EQUAL(probe().audited.load(), 10);
}

CAF_TEST(users get the live reply even from a faulty ghost) {
  rollout("start", {{"candidate", "2-faulty"}});
  int64_t sum = 0;
  for (int64_t n = 1; n <= 30; ++n) {
    sum += n;
    CAF_CHECK_EQUAL(add("k3", n), sum);
  }
  CAF_CHECK_EQUAL(version_of("k3"), "1");
}

CAF_TEST(comparison finds a faulty reply and not the correct version) {
  rollout("start", {{"candidate", "2"}});
  for (int64_t n = 1; n <= 20; ++n)
    add("good", n);
  CAF_REQUIRE(compared_at_least(20));
  CAF_CHECK_EQUAL(stats()["mismatched"].get<uint64_t>(), 0u);
  rollout("rollback");
  rollout("start", {{"candidate", "2-faulty"}});
  for (int64_t n = 1; n <= 20; ++n)
    add("bad", n);
  CAF_REQUIRE(compared_at_least(20));
  auto s = stats();
  // Adds of 10 and more reply one too many.
  CAF_CHECK_EQUAL(s["mismatched"].get<uint64_t>(), 11u);
  CAF_CHECK_EQUAL(s["mismatches_by_message"]["add"].get<uint64_t>(), 11u);
  auto samples = rollout("mismatches")["samples"];
  CAF_REQUIRE(samples.is_array() && !samples.empty());
  auto first = samples[0];
  CAF_CHECK_EQUAL(first["key"].get<std::string>(), "bad");
  CAF_CHECK_EQUAL(first["message_kind"].get<std::string>(), "add");
  CAF_CHECK(first["diff"].dump().find("/reply") != std::string::npos);
}

CAF_TEST(comparison finds a faulty effect behind an equal reply) {
  rollout("start", {{"candidate", "2-effect"}});
  for (int64_t n = 1; n <= 10; ++n)
    add("k4", n);
  CAF_REQUIRE(compared_at_least(10));
  CAF_CHECK_EQUAL(stats()["mismatched"].get<uint64_t>(), 10u);
  auto samples = rollout("mismatches")["samples"];
  CAF_REQUIRE(!samples.empty());
  auto diff = samples[0]["diff"].dump();
  CAF_CHECK(diff.find("/events/0/data/extra") != std::string::npos);
}

CAF_TEST(the noise floor suppresses a non deterministic field) {
  rollout("start", {{"candidate", "2"}, {"noise_floor", true}});
  for (int i = 0; i < 20; ++i)
    CAF_REQUIRE(ask<std::string>("n1", caf::put_atom_v));
  CAF_REQUIRE(compared_at_least(20));
  auto s = stats();
  CAF_CHECK_EQUAL(s["mismatched"].get<uint64_t>(), 0u);
  CAF_CHECK_EQUAL(s["noise_suppressed"].get<uint64_t>(), 20u);
  CAF_CHECK_EQUAL(s["noisy_fields"], nlohmann::json::array({"/reply/nonce"}));
  rollout("rollback");
  rollout("start", {{"candidate", "2"}, {"noise_floor", false}});
  for (int i = 0; i < 20; ++i)
    CAF_REQUIRE(ask<std::string>("n2", caf::put_atom_v));
  CAF_REQUIRE(compared_at_least(20));
  CAF_CHECK_EQUAL(stats()["mismatched"].get<uint64_t>(), 20u);
}

CAF_TEST(the mirror fraction picks a sticky share of keys) {
  rollout("start", {{"candidate", "2"}, {"mirror_percent", 30}});
  int mirrored = 0;
  for (int k = 0; k < 100; ++k) {
    auto key = "m" + std::to_string(k);
    CAF_REQUIRE(add(key, 1));
    if (flags::in_share(flags::ramp_bucket("tally", key), 3000))
      ++mirrored;
  }
  CAF_REQUIRE(eventually([&] { return compared() == static_cast<uint64_t>(mirrored); }));
  CAF_CHECK_GREATER(mirrored, 10);
  CAF_CHECK_LESS(mirrored, 50);
  CAF_CHECK_EQUAL(probe().seen().size(), static_cast<size_t>(mirrored));
}

CAF_TEST(commands are validated) {
  CAF_CHECK(rollout("start")["error"].get<std::string>().find("candidate") != std::string::npos);
  CAF_CHECK(rollout("start", {{"candidate", "9"}})["error"].get<std::string>().find("not_found") !=
            std::string::npos);
  CAF_CHECK(rollout("start", {{"candidate", "1"}}).contains("error"));
  CAF_CHECK(rollout("ramp", {{"percent", 10}})["error"].get<std::string>().find("conflict") !=
            std::string::npos);
  rollout("start", {{"candidate", "2"}});
  CAF_CHECK(rollout("ramp", {{"percent", 150}}).contains("error"));
  CAF_CHECK(rollout("ramp", {{"percent", "lots"}}).contains("error"));
  CAF_CHECK(rollout("start", {{"candidate", "2"}}).contains("error"));
  CAF_CHECK(rollout("frobnicate").contains("error"));
  CAF_CHECK(rollout("guard", {{"max_mismatch_rate", "high"}}).contains("error"));
}

CAF_TEST_FIXTURE_SCOPE_END()
