// The state of one conversation: the fold of its stream `conversation/a~b`.
// A conversation's full history is its stream; the state keeps what the
// commands and the common queries need, in bounded, compact form:
// - the texts of the newest `recent_window` messages (older pages are read
//   back from the stream),
// - one bit per message for its sender (unread counts need it),
// - the stream version of every `index_stride`-th message, so an old page
//   is read from close to where it starts,
// - both read marks and both block flags.
// Not thread-safe: owned by one activation.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/chat_types.hpp"

namespace griddle::actors {

/// What conversation/<a~b> publishes on its node's view board
/// (runtime/entity/view_board.hpp): the messages it holds in memory and the
/// read state, so the gateway answers history pages that lie in memory.
struct conversation_view {
  std::string users[2];
  uint64_t last_seq = 0;
  /// Seq of `recent.front()`; `last_seq + 1` when `recent` is empty.
  uint64_t first_recent_seq = 1;
  uint64_t unread[2] = {0, 0};
  /// Messages first_recent_seq..last_seq, oldest first.
  std::vector<chat_message> recent;

  /// The page the conversation would answer for (`reader`, `before_seq`,
  /// `limit`), when `reader` is a participant, `limit` is 1 to `max_limit`
  /// and every message of the page is in `recent`; nothing otherwise (then
  /// the entity must be asked: it reads older messages from the store and
  /// words the errors).
  std::optional<chat_page> page(const std::string& reader, uint64_t before_seq, uint32_t limit,
                                uint32_t max_limit) const;
};

class conversation_state {
 public:
  /// Messages whose text stays in memory.
  static constexpr uint64_t recent_window = 200;

  /// Every this many messages the state keeps one stream version.
  static constexpr uint64_t index_stride = 64;

  /// The state of conversation `key` ("a~b" with a < b); a key of another
  /// form gives a conversation without participants.
  explicit conversation_state(const std::string& key);

  // -- participants -----------------------------------------------------------

  /// 0 for the first participant, 1 for the second, -1 for anyone else.
  int side_of(const std::string& user) const noexcept;

  /// The participant on `side` (0 or 1).
  const std::string& participant(int side) const noexcept { return users_[side]; }

  // -- the fold ---------------------------------------------------------------

  /// Applies the event of `type` recorded at stream `version`; ignores types
  /// it does not know.
  void apply(uint64_t version, const std::string& type, const nlohmann::json& data);

  nlohmann::json to_json() const;

  /// Restores `to_json()`'s output; throws on a malformed document.
  void from_json(const nlohmann::json& doc);

  // -- queries ----------------------------------------------------------------

  /// The number of messages, which is also the newest seq.
  uint64_t last_seq() const noexcept { return last_seq_; }

  /// The newest seq `side` has marked read.
  uint64_t read_mark(int side) const noexcept { return read_[side]; }

  /// Messages to `side` after its read mark.
  uint64_t unread(int side) const noexcept { return unread_[side]; }

  bool blocked_by(int side) const noexcept { return blocked_[side]; }

  /// True when either participant blocked the other.
  bool blocked() const noexcept { return blocked_[0] || blocked_[1]; }

  /// The oldest seq whose text is in memory (`last_seq() + 1` when none is).
  uint64_t first_recent_seq() const noexcept { return last_seq_ - recent_.size() + 1; }

  /// The message `seq`, which must be in memory.
  chat_message message(uint64_t seq) const;

  /// The messages in memory and the read state, as a view to publish.
  conversation_view view() const;

  /// A stream version at or before message `seq` and the seq of the first
  /// message read from there (reading starts at a message).
  std::pair<uint64_t, uint64_t> read_start(uint64_t seq) const;

 private:
  struct recent_message {
    int64_t at_ms;
    std::string text;
  };

  /// 0 or 1: who sent message `seq`.
  int sender_of(uint64_t seq) const noexcept;

  /// Messages sent by `side` with seq in [lo, hi].
  uint64_t count_from(int side, uint64_t lo, uint64_t hi) const noexcept;

  void recount_unread();

  std::string users_[2];
  uint64_t last_seq_ = 0;
  std::deque<recent_message> recent_;
  /// Bit `seq - 1` is set when the second participant sent message `seq`.
  std::vector<uint64_t> sender_bits_;
  /// Entry k: the stream version of message `1 + k * index_stride`.
  std::vector<uint64_t> index_;
  uint64_t read_[2] = {0, 0};
  uint64_t unread_[2] = {0, 0};
  bool blocked_[2] = {false, false};
};

}  // namespace griddle::actors
