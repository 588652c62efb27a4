// The conversation entity, given / when / then: sending (validation, blocks),
// history pages, read marks and unread counts, blocking by command.
#define CAF_SUITE conversation
#include <caf/test/unit_test.hpp>

#include <string>
#include <vector>

#include "actors/chat_types.hpp"
#include "actors/conversation_entity.hpp"
#include "actors/conversation_state.hpp"
#include "actors/events.hpp"
#include "app_world.hpp"
#include "runtime/errc.hpp"

using namespace griddle;
using namespace griddle::actors;
using griddle::test::app_world;
using griddle::test::field_of;
using griddle::test::names;
using nlohmann::json;

namespace {

std::string repeat(const std::string& unit, size_t n) {
  std::string result;
  for (size_t i = 0; i < n; ++i)
    result += unit;
  return result;
}

entity::new_event blocked_event(const std::string& by, bool blocked) {
  return {events::conversation_blocked, {{"by", by}, {"blocked", blocked}}, {}};
}

entity::new_event sent_event(const std::string& from, const std::string& to, uint64_t seq,
                             int64_t at_ms) {
  return {events::message_sent,
          {{"from", from},
           {"to", to},
           {"seq", seq},
           {"text", "m" + std::to_string(seq)},
           {"at_ms", at_ms}},
          {from, to}};
}

struct fixture {
  app_world world;
  const std::string stream = "conversation/1~2";
  const entity_ref conv{"conversation", conversation_key("2", "1")};

  caf::expected<chat_message> send(const std::string& from, const std::string& to,
                                   const std::string& text) {
    return world.ask<chat_message>(conv, send_message_atom_v, from, to, text);
  }

  caf::expected<chat_page> history(const std::string& reader, uint64_t before_seq, uint32_t limit) {
    return world.ask<chat_page>(conv, caf::get_atom_v, reader, before_seq, limit);
  }

  caf::expected<uint64_t> mark_read(const std::string& reader, uint64_t up_to_seq) {
    return world.ask<uint64_t>(conv, mark_read_atom_v, reader, up_to_seq);
  }

  caf::error set_block(const std::string& by, bool blocked) {
    return world.tell(conv, set_block_atom_v, by, blocked);
  }

  /// The tags of the stream's event at `version` (1-based).
  names tags_of(uint64_t version) { return world.events_of(stream).at(version - 1).tags; }

  /// One field of the payload of the stream's event at `version`.
  json field_at(uint64_t version, const std::string& name) {
    return world.payload_of(stream, version).at(name);
  }

  /// The reader's unread count as the history reports it.
  uint64_t unread_of(const std::string& reader) {
    auto page = history(reader, 0, 1);
    return page ? page->unread_for_reader : uint64_t(-1);
  }

  /// The live snapshot of the conversation (it must be active).
  std::string snapshot() {
    std::string result;
    world.router()
        .peek(world.self().ptr(), conv, caf::duration{app_world::ask_timeout})
        .receive([&](entity::peek_result& x) { result = x.snapshot; }, [](caf::error&) {});
    return result;
  }

  /// Gives `copy` the conversation's events and, unless empty, `snapshot`.
  void copy_into(app_world& copy, const std::string& snapshot) {
    for (auto& ev : world.events_of(stream))
      CAF_REQUIRE(copy.given(stream, {{ev.type, json::parse(ev.payload), ev.tags}}));
    if (!snapshot.empty())
      copy.self()
          ->request(copy.store(), app_world::ask_timeout, save_atom_v, conv, snapshot)
          .receive([] {}, [](caf::error&) { CAF_FAIL("saving the snapshot failed"); });
  }

  /// The seqs of a page, in page order.
  static std::vector<uint64_t> seqs(const chat_page& page) {
    std::vector<uint64_t> result;
    for (auto& msg : page.messages)
      result.push_back(msg.seq);
    return result;
  }
};

using seq_list = std::vector<uint64_t>;

}  // namespace

CAF_TEST_FIXTURE_SCOPE(conversation_tests, fixture)

// -- send -------------------------------------------------------------------------

CAF_TEST(the conversation key puts the smaller id as a string first) {
  CAF_CHECK_EQUAL(conversation_key("2", "1"), "1~2");
  CAF_CHECK_EQUAL(conversation_key("9", "10"), "10~9");
}

CAF_TEST(a sent message is recorded with both participants as tags) {
  auto reply = send("1", "2", "hello");
  CAF_REQUIRE(reply);
  auto now = world.now_ms();
  CAF_CHECK_EQUAL(*reply, (chat_message{1, "1", "2", "hello", now}));
  CAF_CHECK_EQUAL(world.types_of(stream), (names{"message_sent"}));
  CAF_CHECK_EQUAL(
      world.payload_of(stream, 1),
      (json{{"from", "1"}, {"to", "2"}, {"seq", 1}, {"text", "hello"}, {"at_ms", now}}));
  CAF_CHECK_EQUAL(tags_of(1), (names{"1", "2"}));
}

CAF_TEST(seqs count up per conversation and texts are trimmed) {
  CAF_REQUIRE(send("1", "2", "first"));
  world.advance(std::chrono::seconds(3));
  auto reply = send("2", "1", " \t second \r\n");
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(*reply, (chat_message{2, "2", "1", "second", world.now_ms()}));
  CAF_CHECK_EQUAL(field_at(2, "seq"), 2);
  CAF_CHECK_EQUAL(field_at(2, "text"), "second");
  CAF_CHECK_EQUAL(tags_of(2), (names{"2", "1"}));
}

CAF_TEST(an empty or blank text is rejected) {
  CAF_CHECK_EQUAL(field_of(send("1", "2", "").error()), "text");
  CAF_CHECK_EQUAL(field_of(send("1", "2", " \t\r\n ").error()), "text");
  CAF_CHECK(world.types_of(stream).empty());
}

CAF_TEST(a text of 2000 code points is accepted and one of 2001 rejected) {
  // Two-, three- and four-byte characters: the limit counts code points, not bytes.
  for (auto unit : {std::string{"a"}, std::string{"\xC3\xA9"}, std::string{"\xE2\x82\xAC"},
                    std::string{"\xF0\x9F\x98\x80"}}) {
    CAF_MESSAGE("unit of " << unit.size() << " bytes");
    auto ok = send("1", "2", repeat(unit, 2000));
    CAF_REQUIRE(ok);
    CAF_CHECK_EQUAL(ok->text.size(), 2000 * unit.size());
    CAF_CHECK_EQUAL(field_of(send("1", "2", repeat(unit, 2001)).error()), "text");
  }
  // Whitespace around the text does not count.
  CAF_CHECK(send("1", "2", "  " + repeat("a", 2000) + "\n"));
  CAF_CHECK_EQUAL(world.types_of(stream).size(), 5u);
}

CAF_TEST(a text that is not UTF - 8 is rejected) {
  for (auto bad : {std::string{"\xFF"}, std::string{"ab\xC3"}, std::string{"\xC0\xAF"},
                   std::string{"\xED\xA0\x80"}, std::string{"\xF4\x90\x80\x80"}})
    CAF_CHECK_EQUAL(field_of(send("1", "2", bad).error()), "text");
  CAF_CHECK(world.types_of(stream).empty());
}

CAF_TEST(a sender outside the conversation is forbidden) {
  auto reply = send("3", "2", "hi");
  CAF_REQUIRE(!reply);
  CAF_CHECK(is(reply.error(), errc::forbidden));
  CAF_CHECK(world.types_of(stream).empty());
}

CAF_TEST(a recipient other than the partner is a validation error on to) {
  CAF_CHECK_EQUAL(field_of(send("1", "3", "hi").error()), "to");
  CAF_CHECK_EQUAL(field_of(send("1", "1", "hi").error()), "to");
  CAF_CHECK(world.types_of(stream).empty());
}

CAF_TEST(a block by either participant forbids sending both ways) {
  for (auto by : {"1", "2"}) {
    app_world w;
    CAF_MESSAGE("blocked by " << by);
    CAF_REQUIRE(w.given(stream, {blocked_event(by, true)}));
    for (auto [from, to] : {std::pair{"1", "2"}, std::pair{"2", "1"}}) {
      auto reply = w.ask<chat_message>(conv, send_message_atom_v, std::string{from},
                                       std::string{to}, std::string{"hi"});
      CAF_REQUIRE(!reply);
      CAF_CHECK(is(reply.error(), errc::forbidden));
    }
    CAF_CHECK_EQUAL(w.types_of(stream), (names{"conversation_blocked"}));
  }
}

CAF_TEST(an unblock given allows sending again) {
  CAF_REQUIRE(world.given(stream, {blocked_event("2", true), blocked_event("2", false)}));
  CAF_CHECK(send("1", "2", "hi again"));
}

// -- set_block --------------------------------------------------------------------

CAF_TEST(a block command records the block and forbids sending once answered) {
  CAF_REQUIRE(send("1", "2", "hi"));
  CAF_CHECK_EQUAL(set_block("2", true), caf::none);
  CAF_CHECK_EQUAL(world.types_of(stream), (names{"message_sent", "conversation_blocked"}));
  CAF_CHECK_EQUAL(world.payload_of(stream, 2), (json{{"by", "2"}, {"blocked", true}}));
  CAF_CHECK(tags_of(2).empty());
  CAF_CHECK(is(send("1", "2", "hello?").error(), errc::forbidden));
  CAF_CHECK(is(send("2", "1", "bye").error(), errc::forbidden));
}

CAF_TEST(a block command that changes nothing records nothing) {
  CAF_CHECK_EQUAL(set_block("1", false), caf::none);
  CAF_CHECK(world.types_of(stream).empty());
  CAF_CHECK_EQUAL(set_block("1", true), caf::none);
  CAF_CHECK_EQUAL(set_block("1", true), caf::none);
  CAF_CHECK_EQUAL(world.types_of(stream), (names{"conversation_blocked"}));
}

CAF_TEST(an unblock command allows sending again) {
  CAF_CHECK_EQUAL(set_block("1", true), caf::none);
  CAF_CHECK_EQUAL(set_block("2", true), caf::none);
  CAF_CHECK_EQUAL(set_block("1", false), caf::none);
  // Still blocked by the other participant.
  CAF_CHECK(is(send("1", "2", "hi").error(), errc::forbidden));
  CAF_CHECK_EQUAL(set_block("2", false), caf::none);
  CAF_CHECK(send("1", "2", "hi"));
  CAF_CHECK_EQUAL(world.payload_of(stream, 4), (json{{"by", "2"}, {"blocked", false}}));
}

CAF_TEST(a block command from outside the conversation is forbidden) {
  CAF_CHECK(is(set_block("3", true), errc::forbidden));
  CAF_CHECK(world.types_of(stream).empty());
}

// -- history ----------------------------------------------------------------------

CAF_TEST(history pages go newest first with cursors) {
  auto t0 = world.now_ms();
  for (int i = 1; i <= 7; ++i) {
    CAF_REQUIRE(send(i % 2 == 1 ? "1" : "2", i % 2 == 1 ? "2" : "1", "m" + std::to_string(i)));
    world.advance(std::chrono::seconds(1));
  }
  auto first = history("1", 0, 3);
  CAF_REQUIRE(first);
  CAF_CHECK_EQUAL(seqs(*first), (seq_list{7, 6, 5}));
  CAF_CHECK_EQUAL(first->messages.at(0).text, "m7");
  CAF_CHECK_EQUAL(first->messages.at(0).from, "1");
  CAF_CHECK_EQUAL(first->messages.at(1).from, "2");
  CAF_CHECK_EQUAL(first->next_cursor, 5u);
  auto second = history("1", first->next_cursor, 3);
  CAF_REQUIRE(second);
  CAF_CHECK_EQUAL(seqs(*second), (seq_list{4, 3, 2}));
  CAF_CHECK_EQUAL(second->next_cursor, 2u);
  auto third = history("1", second->next_cursor, 3);
  CAF_REQUIRE(third);
  CAF_CHECK_EQUAL(seqs(*third), (seq_list{1}));
  CAF_CHECK_EQUAL(third->messages.at(0), (chat_message{1, "1", "2", "m1", t0}));
  CAF_CHECK_EQUAL(third->next_cursor, 0u);
  // A page that ends exactly at the first message has no next page either.
  auto exact = history("2", 4, 3);
  CAF_REQUIRE(exact);
  CAF_CHECK_EQUAL(seqs(*exact), (seq_list{3, 2, 1}));
  CAF_CHECK_EQUAL(exact->next_cursor, 0u);
}

CAF_TEST(history of an empty conversation is an empty page) {
  auto page = history("2", 0, 10);
  CAF_REQUIRE(page);
  CAF_CHECK(page->messages.empty());
  CAF_CHECK_EQUAL(page->next_cursor, 0u);
  CAF_CHECK_EQUAL(page->unread_for_reader, 0u);
}

CAF_TEST(history from beyond the newest message starts at the newest) {
  CAF_REQUIRE(send("1", "2", "a"));
  CAF_REQUIRE(send("1", "2", "b"));
  auto page = history("2", 99, 10);
  CAF_REQUIRE(page);
  CAF_CHECK_EQUAL(seqs(*page), (seq_list{2, 1}));
  CAF_CHECK_EQUAL(page->unread_for_reader, 2u);
}

CAF_TEST(history rejects a limit outside 1 to 100 and readers outside) {
  CAF_CHECK_EQUAL(field_of(history("1", 0, 0).error()), "limit");
  CAF_CHECK_EQUAL(field_of(history("1", 0, 101).error()), "limit");
  CAF_CHECK(history("1", 0, 100));
  CAF_CHECK(is(history("3", 0, 10).error(), errc::forbidden));
}

CAF_TEST(history older than the messages in memory is read from the stream) {
  // Given more messages than the entity keeps in memory, with read marks between.
  const uint64_t count =
      conversation_state::recent_window + 2 * conversation_state::index_stride + 5;
  std::vector<entity::new_event> given;
  for (uint64_t seq = 1; seq <= count; ++seq) {
    auto from = seq % 3 == 0 ? "2" : "1";
    given.push_back(sent_event(from, from == std::string{"1"} ? "2" : "1", seq, int64_t(seq)));
    if (seq % 10 == 0)
      given.push_back(
          {events::messages_read, {{"by", "2"}, {"up_to_seq", seq}, {"at_ms", 0}}, {"2"}});
  }
  CAF_REQUIRE(world.given(stream, given));
  uint64_t unread = 0;
  for (auto seq = count - count % 10 + 1; seq <= count; ++seq)
    unread += seq % 3 == 0 ? 0 : 1;
  // When the reader pages through all of it, then every message comes once, in order.
  std::vector<uint64_t> seen;
  uint64_t cursor = 0;
  for (int pages = 0; pages < 100; ++pages) {
    auto page = history("2", cursor, 37);
    CAF_REQUIRE(page);
    for (auto& msg : page->messages) {
      CAF_CHECK_EQUAL(msg.text, "m" + std::to_string(msg.seq));
      CAF_CHECK_EQUAL(msg.at_ms, int64_t(msg.seq));
      CAF_CHECK_EQUAL(msg.from, msg.seq % 3 == 0 ? "2" : "1");
      seen.push_back(msg.seq);
    }
    CAF_CHECK_EQUAL(page->unread_for_reader, unread);
    cursor = page->next_cursor;
    if (cursor == 0)
      break;
  }
  CAF_REQUIRE_EQUAL(seen.size(), count);
  for (uint64_t i = 0; i < count; ++i)
    CAF_CHECK_EQUAL(seen[i], count - i);
}

CAF_TEST(the published view answers the pages in memory as the entity does) {
  const uint64_t count = conversation_state::recent_window + 50;
  std::vector<entity::new_event> given;
  for (uint64_t seq = 1; seq <= count; ++seq) {
    auto from = seq % 3 == 0 ? "2" : "1";
    given.push_back(sent_event(from, from == std::string{"1"} ? "2" : "1", seq, int64_t(seq)));
  }
  CAF_REQUIRE(world.given(stream, given));
  CAF_REQUIRE(history("2", 0, 1));
  std::shared_ptr<const conversation_view> view;
  auto published = [&] {
    view = world.router().views().read<conversation_view>("conversation", conv.key);
    return view != nullptr;
  };
  CAF_REQUIRE(app_world::eventually(published));
  CAF_CHECK_EQUAL(view->first_recent_seq, count - conversation_state::recent_window + 1);
  size_t from_view = 0;
  for (uint64_t before : {uint64_t{0}, uint64_t{1}, uint64_t{2}, uint64_t{60}, count - 200,
                          count - 199, count - 150, count, count + 5})
    for (uint32_t limit : {1u, 20u, 37u, 100u}) {
      auto v = view->page("2", before, limit, max_history_page);
      auto hi = before == 0 || before > count ? count : before - 1;
      auto lo = hi >= limit ? hi - limit + 1 : 1;
      // The view answers exactly the pages that lie in memory.
      CAF_CHECK_EQUAL(v.has_value(), hi == 0 || lo >= view->first_recent_seq);
      if (!v)
        continue;
      ++from_view;
      auto e = history("2", before, limit);
      CAF_REQUIRE(e);
      CAF_CHECK_EQUAL(seqs(*v), seqs(*e));
      CAF_CHECK_EQUAL(v->next_cursor, e->next_cursor);
      CAF_CHECK_EQUAL(v->unread_for_reader, e->unread_for_reader);
      if (!v->messages.empty() && !e->messages.empty())
        CAF_CHECK_EQUAL(v->messages.front().text, e->messages.front().text);
    }
  CAF_CHECK(from_view > 10);
  // Outsiders and bad limits are left to the entity, which words the error.
  CAF_CHECK(!view->page("3", 0, 20, max_history_page));
  CAF_CHECK(!view->page("2", 0, 0, max_history_page));
  CAF_CHECK(!view->page("2", 0, 101, max_history_page));
  // A new message withdraws the view; the next query publishes it again.
  CAF_REQUIRE(send("1", "2", "news"));
  CAF_REQUIRE(history("2", 0, 1));
  CAF_REQUIRE(app_world::eventually([&] { return published() && view->last_seq == count + 1; }));
  auto newest = view->page("2", 0, 1, max_history_page);
  CAF_REQUIRE(newest);
  CAF_CHECK_EQUAL(newest->messages.front().text, "news");
}

// -- read marks -------------------------------------------------------------------

CAF_TEST(a read mark records messages_read and lowers the unread count) {
  CAF_REQUIRE(send("1", "2", "one"));
  CAF_REQUIRE(send("2", "1", "two"));
  CAF_REQUIRE(send("1", "2", "three"));
  CAF_CHECK_EQUAL(unread_of("2"), 2u);
  CAF_CHECK_EQUAL(unread_of("1"), 1u);
  world.advance(std::chrono::minutes(1));
  auto unread = mark_read("2", 2);
  CAF_REQUIRE(unread);
  CAF_CHECK_EQUAL(*unread, 1u);
  CAF_CHECK_EQUAL(world.types_of(stream).size(), 4u);
  CAF_CHECK_EQUAL(world.payload_of(stream, 4),
                  (json{{"by", "2"}, {"up_to_seq", 2}, {"at_ms", world.now_ms()}}));
  CAF_CHECK_EQUAL(tags_of(4), (names{"2"}));
  CAF_CHECK_EQUAL(unread_of("2"), 1u);
  CAF_CHECK_EQUAL(unread_of("1"), 1u);
}

CAF_TEST(a read mark that does not move forward records nothing) {
  CAF_REQUIRE(send("1", "2", "one"));
  CAF_REQUIRE(send("1", "2", "two"));
  CAF_CHECK_EQUAL(mark_read("2", 2), 0u);
  CAF_CHECK_EQUAL(mark_read("2", 2), 0u);
  CAF_CHECK_EQUAL(mark_read("2", 1), 0u);
  CAF_CHECK_EQUAL(mark_read("2", 0), 0u);
  CAF_CHECK_EQUAL(mark_read("1", 0), 0u);
  CAF_CHECK_EQUAL(world.types_of(stream), (names{"message_sent", "message_sent", "messages_read"}));
}

CAF_TEST(a read mark beyond the newest message is clamped to it) {
  CAF_REQUIRE(send("1", "2", "one"));
  CAF_REQUIRE(send("1", "2", "two"));
  CAF_CHECK_EQUAL(mark_read("2", 99), 0u);
  CAF_CHECK_EQUAL(field_at(3, "up_to_seq"), 2);
  // The mark is at the newest message, so a new one is unread.
  CAF_REQUIRE(send("1", "2", "three"));
  CAF_CHECK_EQUAL(unread_of("2"), 1u);
  CAF_CHECK_EQUAL(mark_read("2", 99), 0u);
  CAF_CHECK_EQUAL(field_at(5, "up_to_seq"), 3);
}

CAF_TEST(a read mark from outside the conversation is forbidden) {
  CAF_REQUIRE(send("1", "2", "one"));
  CAF_CHECK(is(mark_read("3", 1).error(), errc::forbidden));
  CAF_CHECK_EQUAL(world.types_of(stream), (names{"message_sent"}));
}

CAF_TEST(unread counts and blocks survive a rebuild from the stream and a snapshot) {
  CAF_REQUIRE(send("1", "2", "one"));
  CAF_REQUIRE(send("2", "1", "two"));
  CAF_REQUIRE(send("1", "2", "three"));
  CAF_REQUIRE(mark_read("2", 1));
  CAF_CHECK_EQUAL(set_block("1", true), caf::none);
  auto live = history("2", 0, 10);
  CAF_REQUIRE(live);
  auto snap = snapshot();
  CAF_REQUIRE(!snap.empty());
  for (bool from_snapshot : {false, true}) {
    CAF_MESSAGE("from snapshot: " << from_snapshot);
    app_world copy;
    copy_into(copy, from_snapshot ? snap : std::string{});
    auto rebuilt =
        copy.ask<chat_page>(conv, caf::get_atom_v, std::string{"2"}, uint64_t{0}, uint32_t{10});
    CAF_REQUIRE(rebuilt);
    CAF_CHECK_EQUAL(rebuilt->messages, live->messages);
    CAF_CHECK_EQUAL(rebuilt->unread_for_reader, 1u);
    auto blocked = copy.ask<chat_message>(conv, send_message_atom_v, std::string{"2"},
                                          std::string{"1"}, std::string{"hi"});
    CAF_CHECK(is(blocked.error(), errc::forbidden));
  }
}

CAF_TEST(read marks over messages no longer in memory count exactly) {
  // Given many messages, every third from "2", and no read marks yet.
  const uint64_t count =
      conversation_state::recent_window + 2 * conversation_state::index_stride + 5;
  std::vector<entity::new_event> given;
  for (uint64_t seq = 1; seq <= count; ++seq) {
    auto from = seq % 3 == 0 ? "2" : "1";
    given.push_back(sent_event(from, from == std::string{"1"} ? "2" : "1", seq, int64_t(seq)));
  }
  CAF_REQUIRE(world.given(stream, given));
  // Messages from "2" with seq <= n.
  auto from_two = [](uint64_t n) { return n / 3; };
  CAF_CHECK_EQUAL(unread_of("2"), count - from_two(count));
  CAF_CHECK_EQUAL(unread_of("1"), from_two(count));
  // When both mark messages read that the entity no longer holds in memory.
  CAF_CHECK_EQUAL(mark_read("2", 100), count - from_two(count) - (100 - from_two(100)));
  CAF_CHECK_EQUAL(mark_read("1", 50), from_two(count) - from_two(50));
  CAF_CHECK_EQUAL(mark_read("2", 131), count - from_two(count) - (131 - from_two(131)));
  // Then a rebuild, with or without the snapshot, counts the same and pages the same.
  auto snap = snapshot();
  auto live = history("1", 140, 60);
  CAF_REQUIRE(live);
  CAF_CHECK_EQUAL(live->messages.size(), 60u);
  for (bool from_snapshot : {false, true}) {
    CAF_MESSAGE("from snapshot: " << from_snapshot);
    app_world copy;
    copy_into(copy, from_snapshot ? snap : std::string{});
    auto rebuilt =
        copy.ask<chat_page>(conv, caf::get_atom_v, std::string{"1"}, uint64_t{140}, uint32_t{60});
    CAF_REQUIRE(rebuilt);
    CAF_CHECK_EQUAL(rebuilt->messages, live->messages);
    CAF_CHECK_EQUAL(rebuilt->unread_for_reader, from_two(count) - from_two(50));
    auto two = copy.ask<uint64_t>(conv, mark_read_atom_v, std::string{"2"}, uint64_t{0});
    CAF_CHECK_EQUAL(two, count - from_two(count) - (131 - from_two(131)));
  }
}

CAF_TEST_FIXTURE_SCOPE_END()
