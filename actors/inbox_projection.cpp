#include "actors/inbox_projection.hpp"

#include <functional>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "actors/chat_text.hpp"
#include "actors/chat_types.hpp"
#include "actors/events.hpp"
#include "runtime/entity/projection.hpp"
#include "runtime/errc.hpp"

namespace griddle::actors {

namespace {

/// What the inbox keeps of one conversation.
struct thread {
  std::string preview;
  int64_t last_at_ms = 0;
  uint64_t last_seq = 0;
  /// Global position of the last message: orders equal times.
  uint64_t last_position = 0;
  uint64_t read_mark = 0;
  /// The partner's messages after the read mark, as runs [first, last] of
  /// consecutive seqs: a few runs even for many messages.
  std::vector<std::pair<uint64_t, uint64_t>> unread_runs;
  uint64_t unread = 0;
};

/// Orders conversations newest activity first.
using order_key = std::tuple<int64_t, uint64_t, std::string>;

class inbox final : public entity::projection_behavior {
 public:
  inbox(const entity_ref& ref, const entity::stored_state& st)
      : projection_behavior(st), me_(ref.key) {}

  void apply(const store::recorded_event& ev, const nlohmann::json& data) override {
    if (ev.type == events::message_sent)
      on_message(ev.position, data);
    else if (ev.type == events::messages_read)
      on_read(ev.stream, data);
  }

  nlohmann::json save_state() const override {
    auto threads = nlohmann::json::array();
    for (auto& [partner, t] : threads_)
      threads.push_back({partner, t.preview, t.last_at_ms, t.last_seq, t.last_position, t.read_mark,
                         t.unread_runs});
    return {{"threads", std::move(threads)}};
  }

  void load_state(const nlohmann::json& doc) override {
    for (auto& x : doc.at("threads")) {
      thread t;
      auto partner = x.at(0).get<std::string>();
      t.preview = x.at(1).get<std::string>();
      t.last_at_ms = x.at(2).get<int64_t>();
      t.last_seq = x.at(3).get<uint64_t>();
      t.last_position = x.at(4).get<uint64_t>();
      t.read_mark = x.at(5).get<uint64_t>();
      t.unread_runs = x.at(6).get<std::vector<std::pair<uint64_t, uint64_t>>>();
      for (auto& [first, last] : t.unread_runs)
        t.unread += last - first + 1;
      total_unread_ += t.unread;
      order_.emplace(t.last_at_ms, t.last_position, partner);
      threads_.emplace(std::move(partner), std::move(t));
    }
  }

  caf::behavior handlers(entity::entity_context&) override {
    return {
        [this](caf::get_atom) { return view(0, threads_.size()); },
        [this](caf::get_atom, uint32_t offset, uint32_t limit) -> caf::result<inbox_view> {
          if (limit < 1 || limit > max_inbox_page)
            return make_validation_error("limit", "must be 1 to " + std::to_string(max_inbox_page));
          return view(offset, limit);
        },
    };
  }

 private:
  void on_message(uint64_t position, const nlohmann::json& data) {
    auto from = data.value("from", std::string{});
    auto to = data.value("to", std::string{});
    auto& partner = from == me_ ? to : from;
    auto seq = data.value("seq", uint64_t{0});
    auto& t = threads_[partner];
    if (t.last_position != 0)
      order_.erase({t.last_at_ms, t.last_position, partner});
    t.preview = utf8_prefix(data.value("text", std::string{}), preview_code_points);
    t.last_at_ms = data.value("at_ms", int64_t{0});
    t.last_seq = seq;
    t.last_position = position;
    order_.emplace(t.last_at_ms, t.last_position, partner);
    if (to == me_ && from != me_ && seq > t.read_mark) {
      if (!t.unread_runs.empty() && t.unread_runs.back().second + 1 == seq)
        t.unread_runs.back().second = seq;
      else
        t.unread_runs.emplace_back(seq, seq);
      ++t.unread;
      ++total_unread_;
    }
  }

  void on_read(const std::string& stream, const nlohmann::json& data) {
    if (data.value("by", std::string{}) != me_)
      return;
    // A read mark follows a message of its conversation, so the thread exists.
    auto i = threads_.find(partner_in(stream));
    if (i == threads_.end())
      return;
    auto& t = i->second;
    auto up_to = data.value("up_to_seq", uint64_t{0});
    if (up_to <= t.read_mark)
      return;
    t.read_mark = up_to;
    auto& runs = t.unread_runs;
    size_t done = 0;
    uint64_t read = 0;
    for (; done < runs.size() && runs[done].first <= up_to; ++done) {
      if (runs[done].second > up_to) {
        read += up_to - runs[done].first + 1;
        runs[done].first = up_to + 1;
        break;
      }
      read += runs[done].second - runs[done].first + 1;
    }
    runs.erase(runs.begin(), runs.begin() + static_cast<std::ptrdiff_t>(done));
    t.unread -= read;
    total_unread_ -= read;
  }

  /// The partner of this user in stream "conversation/a~b".
  std::string partner_in(const std::string& stream) const {
    auto key = stream.substr(stream.find('/') + 1);
    auto sep = key.find('~');
    if (sep == std::string::npos)
      return {};
    auto a = key.substr(0, sep);
    auto b = key.substr(sep + 1);
    return a == me_ ? b : a;
  }

  inbox_view view(size_t offset, size_t limit) const {
    inbox_view result;
    result.total = threads_.size();
    result.total_unread = total_unread_;
    auto i = order_.begin();
    for (size_t n = 0; n < offset && i != order_.end(); ++n)
      ++i;
    for (; i != order_.end() && result.conversations.size() < limit; ++i) {
      auto& partner = std::get<2>(*i);
      auto& t = threads_.at(partner);
      result.conversations.push_back({partner, t.preview, t.last_at_ms, t.last_seq, t.unread});
    }
    return result;
  }

  std::string me_;
  std::unordered_map<std::string, thread> threads_;
  std::set<order_key, std::greater<>> order_;
  uint64_t total_unread_ = 0;
};

}  // namespace

entity::entity_type inbox_type() {
  return entity::make_projection_type("inbox", {events::message_sent, events::messages_read},
                                      [](const entity_ref& ref, const entity::stored_state& st) {
                                        return std::make_unique<inbox>(ref, st);
                                      });
}

}  // namespace griddle::actors
