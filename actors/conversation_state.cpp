#include "actors/conversation_state.hpp"

#include <algorithm>
#include <stdexcept>

#include "actors/events.hpp"

namespace griddle::actors {

conversation_state::conversation_state(const std::string& key) {
  auto sep = key.find('~');
  if (sep == std::string::npos)
    return;
  auto a = key.substr(0, sep);
  auto b = key.substr(sep + 1);
  if (a.empty() || b.find('~') != std::string::npos || !(a < b))
    return;
  users_[0] = std::move(a);
  users_[1] = std::move(b);
}

int conversation_state::side_of(const std::string& user) const noexcept {
  if (user.empty())
    return -1;
  if (user == users_[0])
    return 0;
  if (user == users_[1])
    return 1;
  return -1;
}

// -- the fold -------------------------------------------------------------------

void conversation_state::apply(uint64_t version, const std::string& type,
                               const nlohmann::json& data) {
  if (type == events::message_sent) {
    // The seq is the message's place in the stream; the payload repeats it.
    auto seq = ++last_seq_;
    int side = data.value("from", std::string{}) == users_[1] ? 1 : 0;
    if (sender_bits_.size() * 64 < seq)
      sender_bits_.push_back(0);
    if (side == 1)
      sender_bits_[(seq - 1) / 64] |= uint64_t{1} << ((seq - 1) % 64);
    if ((seq - 1) % index_stride == 0)
      index_.push_back(version);
    recent_.push_back({data.value("at_ms", int64_t{0}), data.value("text", std::string{})});
    if (recent_.size() > recent_window)
      recent_.pop_front();
    ++unread_[1 - side];
  } else if (type == events::messages_read) {
    auto side = side_of(data.value("by", std::string{}));
    if (side < 0)
      return;
    auto up_to = std::min(data.value("up_to_seq", uint64_t{0}), last_seq_);
    if (up_to <= read_[side])
      return;
    unread_[side] -= count_from(1 - side, read_[side] + 1, up_to);
    read_[side] = up_to;
  } else if (type == events::conversation_blocked) {
    auto side = side_of(data.value("by", std::string{}));
    if (side >= 0)
      blocked_[side] = data.value("blocked", false);
  }
}

nlohmann::json conversation_state::to_json() const {
  auto recent = nlohmann::json::array();
  for (auto& msg : recent_)
    recent.push_back({msg.at_ms, msg.text});
  return {
      {"n", last_seq_},
      {"senders", sender_bits_},
      {"index", index_},
      {"recent", std::move(recent)},
      {"read", {read_[0], read_[1]}},
      {"blocked", {blocked_[0], blocked_[1]}},
  };
}

void conversation_state::from_json(const nlohmann::json& doc) {
  last_seq_ = doc.at("n").get<uint64_t>();
  sender_bits_ = doc.at("senders").get<std::vector<uint64_t>>();
  index_ = doc.at("index").get<std::vector<uint64_t>>();
  recent_.clear();
  for (auto& msg : doc.at("recent"))
    recent_.push_back({msg.at(0).get<int64_t>(), msg.at(1).get<std::string>()});
  for (int side = 0; side < 2; ++side) {
    read_[side] = doc.at("read").at(side).get<uint64_t>();
    blocked_[side] = doc.at("blocked").at(side).get<bool>();
  }
  if (sender_bits_.size() != (last_seq_ + 63) / 64 ||
      index_.size() != (last_seq_ + index_stride - 1) / index_stride ||
      recent_.size() > std::min(last_seq_, recent_window) || read_[0] > last_seq_ ||
      read_[1] > last_seq_)
    throw std::runtime_error("inconsistent conversation snapshot");
  recount_unread();
}

// -- queries --------------------------------------------------------------------

chat_message conversation_state::message(uint64_t seq) const {
  if (seq < first_recent_seq() || seq > last_seq_)
    throw std::out_of_range("message " + std::to_string(seq) + " is not in memory");
  auto& msg = recent_[seq - first_recent_seq()];
  auto side = sender_of(seq);
  return {seq, users_[side], users_[1 - side], msg.text, msg.at_ms};
}

conversation_view conversation_state::view() const {
  conversation_view v;
  v.users[0] = users_[0];
  v.users[1] = users_[1];
  v.last_seq = last_seq_;
  v.first_recent_seq = first_recent_seq();
  v.unread[0] = unread_[0];
  v.unread[1] = unread_[1];
  v.recent.reserve(recent_.size());
  for (auto seq = v.first_recent_seq; seq <= last_seq_; ++seq)
    v.recent.push_back(message(seq));
  return v;
}

std::optional<chat_page> conversation_view::page(const std::string& reader, uint64_t before_seq,
                                                 uint32_t limit, uint32_t max_limit) const {
  int side = reader.empty() ? -1 : reader == users[0] ? 0 : reader == users[1] ? 1 : -1;
  if (side < 0 || limit < 1 || limit > max_limit)
    return std::nullopt;
  chat_page result;
  result.unread_for_reader = unread[side];
  auto hi = before_seq == 0 || before_seq > last_seq ? last_seq : before_seq - 1;
  if (hi == 0)
    return result;
  auto lo = hi >= limit ? hi - limit + 1 : 1;
  if (lo < first_recent_seq)
    return std::nullopt;
  result.next_cursor = lo > 1 ? lo : 0;
  for (auto seq = hi; seq >= lo; --seq)
    result.messages.push_back(recent[seq - first_recent_seq]);
  return result;
}

std::pair<uint64_t, uint64_t> conversation_state::read_start(uint64_t seq) const {
  auto k = (seq - 1) / index_stride;
  return {index_.at(k), 1 + k * index_stride};
}

int conversation_state::sender_of(uint64_t seq) const noexcept {
  return static_cast<int>((sender_bits_[(seq - 1) / 64] >> ((seq - 1) % 64)) & 1u);
}

uint64_t conversation_state::count_from(int side, uint64_t lo, uint64_t hi) const noexcept {
  if (lo > hi)
    return 0;
  uint64_t ones = 0;
  for (auto seq = lo; seq <= hi;) {
    auto bit = (seq - 1) % 64;
    auto take = std::min<uint64_t>(64 - bit, hi - seq + 1);
    auto word = sender_bits_[(seq - 1) / 64] >> bit;
    if (take < 64)
      word &= (uint64_t{1} << take) - 1;
    ones += static_cast<uint64_t>(__builtin_popcountll(word));
    seq += take;
  }
  return side == 1 ? ones : (hi - lo + 1) - ones;
}

void conversation_state::recount_unread() {
  for (int side = 0; side < 2; ++side)
    unread_[side] = count_from(1 - side, read_[side] + 1, last_seq_);
}

}  // namespace griddle::actors
