// The inbox projection: conversations newest first, unread counts that follow
// read marks, idempotent delivery, and a rebuild from the log that equals
// the live state.
#define CAF_SUITE inbox
#include <caf/test/unit_test.hpp>

#include <string>
#include <vector>

#include "actors/chat_types.hpp"
#include "actors/events.hpp"
#include "app_world.hpp"
#include "runtime/errc.hpp"

using namespace griddle;
using namespace griddle::actors;
using griddle::test::app_world;
using griddle::test::field_of;
using nlohmann::json;

namespace {

entity_ref inbox_of(const std::string& user) {
  return {"inbox", user};
}

/// The inbox of `user` in `world`, or an empty view with `total` = -1 on error.
inbox_view inbox(app_world& world, const std::string& user) {
  auto x = world.ask<inbox_view>(inbox_of(user), caf::get_atom_v);
  if (!x) {
    inbox_view failed;
    failed.total = static_cast<uint64_t>(-1);
    return failed;
  }
  return std::move(*x);
}

/// The partners of `view`'s conversations, in order.
std::vector<std::string> partners(const inbox_view& view) {
  std::vector<std::string> result;
  for (auto& entry : view.conversations)
    result.push_back(entry.partner);
  return result;
}

/// Appends every event of `from` to `to`, in log order, so both logs hold
/// the same events at the same positions.
void copy_log(app_world& from, app_world& to) {
  auto all = from.events().read_all(1, 1'000'000);
  CAF_REQUIRE(all);
  for (auto& ev : *all)
    CAF_REQUIRE(to.given(ev.stream, {{ev.type, json::parse(ev.payload), ev.tags}}));
}

struct fixture {
  app_world world;

  caf::expected<chat_message> send(const std::string& from, const std::string& to,
                                   const std::string& text) {
    return world.ask<chat_message>(entity_ref{"conversation", conversation_key(from, to)},
                                   send_message_atom_v, from, to, text);
  }

  caf::expected<uint64_t> mark_read(const std::string& reader, const std::string& partner,
                                    uint64_t up_to_seq) {
    return world.ask<uint64_t>(entity_ref{"conversation", conversation_key(reader, partner)},
                               mark_read_atom_v, reader, up_to_seq);
  }

  /// Waits until the inbox of `user` satisfies `pred` and returns it.
  template <class Pred>
  inbox_view inbox_when(const std::string& user, Pred pred) {
    inbox_view last;
    auto ok = app_world::eventually([&] {
      last = inbox(world, user);
      return pred(last);
    });
    if (!ok)
      CAF_FAIL("inbox of " << user << " never matched; last seen: " << caf::deep_to_string(last));
    return last;
  }

  /// Users 1, 3 and 4 write to user 2 (and 2 to 4), one second apart.
  void three_conversations() {
    CAF_REQUIRE(send("1", "2", "hi from 1"));
    world.advance(std::chrono::seconds(1));
    CAF_REQUIRE(send("3", "2", "hi from 3"));
    world.advance(std::chrono::seconds(1));
    CAF_REQUIRE(send("3", "2", "still 3"));
    world.advance(std::chrono::seconds(1));
    CAF_REQUIRE(send("4", "2", "hi from 4"));
    world.advance(std::chrono::seconds(1));
    CAF_REQUIRE(send("2", "4", "hello 4"));
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(inbox_tests, fixture)

CAF_TEST(an inbox lists conversations newest activity first with unread counts) {
  auto t0 = world.now_ms();
  three_conversations();
  auto view = inbox_when("2", [](const inbox_view& x) { return x.total == 3; });
  CAF_CHECK_EQUAL(view.conversations, (std::vector<inbox_entry>{{"4", "hello 4", t0 + 4000, 2, 1},
                                                                {"3", "still 3", t0 + 2000, 2, 2},
                                                                {"1", "hi from 1", t0, 1, 1}}));
  CAF_CHECK_EQUAL(view.total_unread, 4u);
  // The senders' inboxes: their own messages are not unread.
  auto of_three = inbox_when("3", [](const inbox_view& x) { return x.total == 1; });
  CAF_CHECK_EQUAL(of_three.conversations,
                  (std::vector<inbox_entry>{{"2", "still 3", t0 + 2000, 2, 0}}));
  CAF_CHECK_EQUAL(of_three.total_unread, 0u);
  auto of_four = inbox_when("4", [](const inbox_view& x) { return x.total == 1; });
  CAF_CHECK_EQUAL(of_four.conversations.at(0).unread, 1u);
}

CAF_TEST(equal times are ordered by commit order) {
  CAF_REQUIRE(send("1", "2", "a"));
  CAF_REQUIRE(send("3", "2", "b"));
  CAF_REQUIRE(send("1", "2", "c"));
  auto view = inbox_when("2", [](const inbox_view& x) { return x.total_unread == 3; });
  CAF_CHECK_EQUAL(partners(view), (std::vector<std::string>{"1", "3"}));
}

CAF_TEST(unread counts drop after a read mark) {
  three_conversations();
  inbox_when("2", [](const inbox_view& x) { return x.total_unread == 4; });
  CAF_REQUIRE(mark_read("2", "3", 1));
  auto view = inbox_when("2", [](const inbox_view& x) { return x.total_unread == 3; });
  CAF_CHECK_EQUAL(view.conversations.at(1).partner, "3");
  CAF_CHECK_EQUAL(view.conversations.at(1).unread, 1u);
  // A read mark is not activity: the order stays.
  CAF_CHECK_EQUAL(partners(view), (std::vector<std::string>{"4", "3", "1"}));
  CAF_REQUIRE(mark_read("2", "3", 2));
  CAF_REQUIRE(mark_read("2", "1", 1));
  view = inbox_when("2", [](const inbox_view& x) { return x.total_unread == 1; });
  CAF_CHECK_EQUAL(view.conversations.at(0).unread, 1u);
  CAF_CHECK_EQUAL(view.conversations.at(1).unread, 0u);
  CAF_CHECK_EQUAL(view.conversations.at(2).unread, 0u);
  // A new message after the mark is unread again.
  CAF_REQUIRE(send("1", "2", "again"));
  view = inbox_when("2", [](const inbox_view& x) { return x.total_unread == 2; });
  CAF_CHECK_EQUAL(view.conversations.at(0).partner, "1");
  CAF_CHECK_EQUAL(view.conversations.at(0).unread, 1u);
  CAF_CHECK_EQUAL(view.conversations.at(0).last_seq, 2u);
}

CAF_TEST(unread counts follow given read marks that cut runs of messages) {
  std::vector<entity::new_event> given;
  // 1 writes seqs 1-3, 2 answers with 4, 1 writes 5-6; 2 reads up to 2, then 5.
  auto sent = [](const std::string& from, const std::string& to, uint64_t seq) {
    return entity::new_event{events::message_sent,
                             {{"from", from},
                              {"to", to},
                              {"seq", seq},
                              {"text", "m" + std::to_string(seq)},
                              {"at_ms", 100 + seq}},
                             {from, to}};
  };
  auto read = [](uint64_t up_to) {
    return entity::new_event{
        events::messages_read, {{"by", "2"}, {"up_to_seq", up_to}, {"at_ms", 0}}, {"2"}};
  };
  CAF_REQUIRE(
      world.given("conversation/1~2", {sent("1", "2", 1), sent("1", "2", 2), sent("1", "2", 3),
                                       sent("2", "1", 4), sent("1", "2", 5), sent("1", "2", 6)}));
  CAF_CHECK_EQUAL(inbox(world, "2").total_unread, 5u);
  CAF_REQUIRE(world.given("conversation/1~2", {read(2)}));
  inbox_when("2", [](const inbox_view& x) { return x.total_unread == 3; });
  CAF_REQUIRE(world.given("conversation/1~2", {read(5)}));
  auto view = inbox_when("2", [](const inbox_view& x) { return x.total_unread == 1; });
  CAF_CHECK_EQUAL(view.conversations, (std::vector<inbox_entry>{{"1", "m6", 106, 6, 1}}));
  CAF_CHECK_EQUAL(inbox(world, "1").total_unread, 1u);
}

CAF_TEST(a preview is the first 100 code points of the last message) {
  std::string text;
  for (int i = 0; i < 150; ++i)
    text += "\xC3\xA9";  // é, two bytes
  CAF_REQUIRE(send("1", "2", text));
  auto view = inbox_when("2", [](const inbox_view& x) { return x.total == 1; });
  CAF_CHECK_EQUAL(view.conversations.at(0).preview, text.substr(0, 200));
}

CAF_TEST(an inbox pages by offset and limit) {
  three_conversations();
  inbox_when("2", [](const inbox_view& x) { return x.total == 3; });
  auto page = world.ask<inbox_view>(inbox_of("2"), caf::get_atom_v, uint32_t{1}, uint32_t{1});
  CAF_REQUIRE(page);
  CAF_CHECK_EQUAL(partners(*page), (std::vector<std::string>{"3"}));
  CAF_CHECK_EQUAL(page->total, 3u);
  CAF_CHECK_EQUAL(page->total_unread, 4u);
  page = world.ask<inbox_view>(inbox_of("2"), caf::get_atom_v, uint32_t{1}, uint32_t{100});
  CAF_REQUIRE(page);
  CAF_CHECK_EQUAL(partners(*page), (std::vector<std::string>{"3", "1"}));
  page = world.ask<inbox_view>(inbox_of("2"), caf::get_atom_v, uint32_t{5}, uint32_t{10});
  CAF_REQUIRE(page);
  CAF_CHECK(page->conversations.empty());
  for (auto limit : {uint32_t{0}, uint32_t{101}}) {
    auto bad = world.ask<inbox_view>(inbox_of("2"), caf::get_atom_v, uint32_t{0}, limit);
    CAF_CHECK_EQUAL(field_of(bad.error()), "limit");
  }
}

CAF_TEST(an empty inbox has no conversations) {
  auto view = inbox(world, "7");
  CAF_CHECK_EQUAL(view.total, 0u);
  CAF_CHECK(view.conversations.empty());
  CAF_CHECK_EQUAL(view.total_unread, 0u);
}

CAF_TEST(a message_sent delivered twice to an active inbox changes nothing) {
  CAF_REQUIRE(send("1", "2", "one"));
  CAF_REQUIRE(send("1", "2", "two"));
  auto before = inbox_when("2", [](const inbox_view& x) { return x.total_unread == 2; });
  auto recorded = world.events_of("conversation/1~2");
  CAF_REQUIRE_EQUAL(recorded.size(), 2u);
  for (int i = 0; i < 2; ++i)
    for (auto& ev : recorded)
      world.router().send(world.self().ptr(), inbox_of("2"), project_atom_v, ev);
  // The deliveries precede the query in the inbox's mailbox.
  CAF_CHECK_EQUAL(inbox(world, "2"), before);
}

CAF_TEST(an inbox rebuilt from the log equals the live one) {
  three_conversations();
  CAF_REQUIRE(mark_read("2", "3", 1));
  auto live = inbox_when("2", [](const inbox_view& x) { return x.total_unread == 3; });
  app_world rebuilt;
  copy_log(world, rebuilt);
  CAF_CHECK_EQUAL(inbox(rebuilt, "2"), live);
  for (auto user : {"1", "3", "4"}) {
    auto other = inbox_when(user, [](const inbox_view& x) { return x.total == 1; });
    CAF_CHECK_EQUAL(inbox(rebuilt, user), other);
  }
}

CAF_TEST(an inbox restored from a snapshot catches up to the live one) {
  CAF_REQUIRE(send("1", "2", "one"));
  CAF_REQUIRE(send("2", "3", "two"));
  inbox_when("2", [](const inbox_view& x) { return x.total == 2; });
  std::string snapshot;
  world.router()
      .peek(world.self().ptr(), inbox_of("2"), caf::duration{app_world::ask_timeout})
      .receive([&](entity::peek_result& x) { snapshot = x.snapshot; }, [](caf::error&) {});
  CAF_REQUIRE(!snapshot.empty());
  // More happens after the snapshot was taken.
  world.advance(std::chrono::seconds(5));
  CAF_REQUIRE(send("3", "2", "three"));
  CAF_REQUIRE(send("1", "2", "four"));
  CAF_REQUIRE(mark_read("2", "1", 1));
  auto live = inbox_when("2", [](const inbox_view& x) {
    return x.total_unread == 2 && x.conversations.size() == 2 &&
           x.conversations.at(0).last_seq == 2 && x.conversations.at(0).partner == "1";
  });
  app_world restored;
  copy_log(world, restored);
  restored.self()
      ->request(restored.store(), app_world::ask_timeout, save_atom_v, inbox_of("2"), snapshot)
      .receive([] {}, [](caf::error&) { CAF_FAIL("saving the snapshot failed"); });
  CAF_CHECK_EQUAL(inbox(restored, "2"), live);
}

CAF_TEST_FIXTURE_SCOPE_END()
