// The view board: publish, read and withdraw by owner, type checks, and
// readers that keep a view while the entity replaces or withdraws it.
#define CAF_SUITE view_board
#include <caf/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "runtime/entity/view_board.hpp"

using namespace griddle;
using namespace griddle::entity;

namespace {

struct counter_view {
  int value = 0;
};

}  // namespace

CAF_TEST(a published view is read back by type and ref) {
  view_board board;
  entity_ref ref{"feed", "1"};
  CAF_CHECK(board.read<counter_view>(ref) == nullptr);
  int owner = 0;
  board.publish(ref, &owner, std::make_shared<const counter_view>(counter_view{7}));
  auto got = board.read<counter_view>(ref);
  CAF_REQUIRE(got != nullptr);
  CAF_CHECK_EQUAL(got->value, 7);
  CAF_CHECK(board.read<std::string>(ref) == nullptr);
  CAF_CHECK(board.read<counter_view>(entity_ref{"feed", "2"}) == nullptr);
  CAF_CHECK(board.read<counter_view>(entity_ref{"likes", "1"}) == nullptr);
  // Type and key never run together: "a" + "bc" is not "ab" + "c".
  board.publish(entity_ref{"a", "bc"}, &owner, std::make_shared<const counter_view>());
  CAF_CHECK(board.read<counter_view>(entity_ref{"ab", "c"}) == nullptr);
  CAF_CHECK_EQUAL(board.size(), 2u);
}

CAF_TEST(only the publishing owner withdraws and readers keep what they read) {
  view_board board;
  entity_ref ref{"session", "d1"};
  int first = 0;
  int second = 0;
  board.publish(ref, &first, std::make_shared<const counter_view>(counter_view{1}));
  auto kept = board.read<counter_view>(ref);
  board.publish(ref, &second, std::make_shared<const counter_view>(counter_view{2}));
  // An old activation ending late leaves the new one's view.
  board.withdraw(ref, &first);
  auto now = board.read<counter_view>(ref);
  CAF_REQUIRE(now != nullptr);
  CAF_CHECK_EQUAL(now->value, 2);
  CAF_CHECK_EQUAL(kept->value, 1);
  board.withdraw(ref, &second);
  CAF_CHECK(board.read<counter_view>(ref) == nullptr);
  CAF_CHECK_EQUAL(board.size(), 0u);
}

CAF_TEST(a slot withdraws when it is destroyed) {
  view_board board;
  entity_ref ref{"feed", "9"};
  {
    view_slot slot;
    slot.publish(std::make_shared<const counter_view>());  // unbound: nothing
    CAF_CHECK(!slot.published());
    slot.bind(board, ref);
    slot.publish(std::make_shared<const counter_view>(counter_view{3}));
    CAF_CHECK(slot.published());
    CAF_CHECK(board.read<counter_view>(ref) != nullptr);
    slot.withdraw();
    CAF_CHECK(board.read<counter_view>(ref) == nullptr);
    slot.publish(std::make_shared<const counter_view>(counter_view{4}));
  }
  CAF_CHECK(board.read<counter_view>(ref) == nullptr);
}

CAF_TEST(readers on other threads see whole views while one writer replaces them) {
  view_board board;
  entity_ref ref{"feed", "hot"};
  int owner = 0;
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::atomic<long> reads{0};
  std::atomic<int> started{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t)
    readers.emplace_back([&] {
      ++started;
      int last = 0;
      while (!done.load()) {
        if (auto v = board.read<counter_view>(ref)) {
          // One writer publishes increasing values: a reader never goes back.
          if (v->value < last)
            ++torn;
          last = v->value;
          ++reads;
        }
      }
    });
  while (started.load() < 3)
    std::this_thread::yield();
  for (int i = 1; i <= 20'000; ++i) {
    board.publish(ref, &owner, std::make_shared<const counter_view>(counter_view{i}));
    if (i % 100 == 0)
      board.withdraw(ref, &owner);
  }
  // The last view stays until the readers have read something.
  board.publish(ref, &owner, std::make_shared<const counter_view>(counter_view{20'001}));
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (reads.load() == 0 && std::chrono::steady_clock::now() < give_up)
    std::this_thread::yield();
  done = true;
  for (auto& th : readers)
    th.join();
  CAF_CHECK_EQUAL(torn.load(), 0);
  CAF_CHECK(reads.load() > 0);
}
