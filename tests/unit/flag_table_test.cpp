// The flag table: readers see whole, immutable sets while writers publish
// new ones; a failed change publishes nothing.
#define CAF_SUITE flag_table
#include <caf/test/dsl.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "runtime/flags/flag_error.hpp"
#include "runtime/flags/flag_table.hpp"

using namespace griddle::flags;

namespace {

toggle make_toggle(std::string name, uint32_t percentage_bp) {
  return toggle{std::move(name), true, percentage_bp, {}};
}

}  // namespace

CAF_TEST(a snapshot stays unchanged after a replace) {
  flag_table table;
  auto empty = table.snapshot();
  CAF_REQUIRE(empty != nullptr);
  CAF_CHECK(empty->toggles().empty());
  flag_set next;
  next.create_toggle(make_toggle("t", 100));
  table.replace(next);
  CAF_CHECK(empty->toggles().empty());
  auto now = table.snapshot();
  CAF_REQUIRE(now->find_toggle("t") != nullptr);
  table.replace(std::shared_ptr<const flag_set>{});
  auto cleared = table.snapshot();
  CAF_REQUIRE(cleared != nullptr);
  CAF_CHECK(cleared->toggles().empty());
  CAF_CHECK(now->find_toggle("t") != nullptr);
}

CAF_TEST(a change that throws publishes nothing) {
  flag_set initial;
  initial.create_toggle(make_toggle("t", 100));
  flag_table table{initial};
  auto before = table.snapshot();
  bool thrown = false;
  try {
    table.apply([](flag_set& set) {
      set.update_toggle(make_toggle("t", 200));
      set.create_toggle(make_toggle("t", 300));  // conflict
    });
  } catch (const flag_error&) {
    thrown = true;
  }
  CAF_CHECK(thrown);
  CAF_CHECK(table.snapshot() == before);
  auto percentage = table.snapshot()->find_toggle("t")->percentage_bp;
  CAF_CHECK_EQUAL(percentage, 100u);
}

CAF_TEST(concurrent readers see whole sets and no write is lost) {
  flag_set initial;
  initial.create_toggle(make_toggle("a", 0));
  initial.create_toggle(make_toggle("b", 0));
  flag_table table{initial};
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::atomic<int> reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r)
    readers.emplace_back([&] {
      do {
        auto set = table.snapshot();
        if (set->find_toggle("a")->percentage_bp != set->find_toggle("b")->percentage_bp)
          ++torn;
        ++reads;
      } while (!done.load());
    });
  // Two writers each bump both toggles 500 times, one change at a time.
  auto bump = [&] {
    for (int i = 0; i < 500; ++i)
      table.apply([](flag_set& set) {
        auto next = set.find_toggle("a")->percentage_bp + 1;
        set.update_toggle(make_toggle("a", next));
        set.update_toggle(make_toggle("b", next));
      });
  };
  std::thread w1{bump};
  std::thread w2{bump};
  w1.join();
  w2.join();
  done = true;
  for (auto& t : readers)
    t.join();
  CAF_CHECK_EQUAL(torn.load(), 0);
  CAF_MESSAGE(reads.load() << " snapshots read");
  auto last = table.snapshot();
  auto a = last->find_toggle("a")->percentage_bp;
  auto b = last->find_toggle("b")->percentage_bp;
  CAF_CHECK_EQUAL(a, 1'000u);
  CAF_CHECK_EQUAL(b, 1'000u);
}
