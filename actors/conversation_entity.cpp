#include "actors/conversation_entity.hpp"

#include <algorithm>
#include <utility>

#include <caf/event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/chat_text.hpp"
#include "actors/chat_types.hpp"
#include "actors/conversation_state.hpp"
#include "actors/events.hpp"
#include "runtime/entity/entity_router.hpp"
#include "runtime/entity/event_sourced.hpp"
#include "runtime/entity/view_board.hpp"
#include "runtime/errc.hpp"

namespace griddle::actors {

namespace {

/// A history page whose older part is being read back from the stream. Holds
/// no pointer into the entity's state, which may change (or be passivated)
/// meanwhile; the messages it reads never change.
struct older_read {
  caf::event_based_actor* self = nullptr;
  caf::actor store;
  std::string stream;
  /// The seq of the next `message_sent` the read meets.
  uint64_t next_seq = 0;
  /// The seqs wanted.
  uint64_t lo = 0;
  uint64_t hi = 0;
  /// Found so far, oldest first.
  std::vector<chat_message> found;
  /// The page with its newer part, from memory, already filled in.
  chat_page page;
  caf::typed_response_promise<chat_page> rp;
};

void finish(older_read& r) {
  r.page.messages.insert(r.page.messages.end(), r.found.rbegin(), r.found.rend());
  r.rp.deliver(std::move(r.page));
}

void read_older(std::shared_ptr<older_read> r, uint64_t from_version) {
  auto* self = r->self;
  self->request(r->store, entity::event_store_timeout, read_atom_v, r->stream, from_version,
                entity::replay_page_size)
      .then(
          [r](std::vector<store::recorded_event>& batch) {
            for (auto& ev : batch) {
              if (ev.type != events::message_sent)
                continue;
              auto seq = r->next_seq++;
              if (seq < r->lo)
                continue;
              auto data = nlohmann::json::parse(ev.payload);
              r->found.push_back(
                  {seq, data.value("from", std::string{}), data.value("to", std::string{}),
                   data.value("text", std::string{}), data.value("at_ms", int64_t{0})});
              if (seq >= r->hi) {
                finish(*r);
                return;
              }
            }
            if (batch.size() < entity::replay_page_size)
              finish(*r);  // the stream ended early; answer with what it holds
            else
              read_older(r, batch.back().version + 1);
          },
          [r](caf::error& err) { r->rp.deliver(std::move(err)); });
}

class conversation final : public entity::event_sourced_behavior {
 public:
  conversation(const entity_ref& ref, const entity::stored_state& st,
               std::shared_ptr<const services> svc)
      : event_sourced_behavior(st), key_(ref.key), state_(ref.key), svc_(std::move(svc)) {}

  void apply(const store::recorded_event& ev, const nlohmann::json& data) override {
    // The published view goes before the state it shows changes.
    slot_.withdraw();
    stale_ = true;
    state_.apply(ev.version, ev.type, data);
  }

  /// Publishes the messages in memory after each change, once a query or
  /// command came in (conversation_view).
  void handled() override {
    if (!stale_ || !slot_.bound() || state_.participant(0).empty())
      return;
    slot_.publish(std::make_shared<const conversation_view>(state_.view()));
    stale_ = false;
  }

  nlohmann::json save_state() const override { return state_.to_json(); }

  void load_state(const nlohmann::json& doc) override { state_.from_json(doc); }

  caf::behavior handlers(entity::entity_context& ctx) override {
    entity::bind_view(slot_, ctx);
    return {
        [this](send_message_atom, const std::string& from, const std::string& to,
               const std::string& text) { return send(from, to, text); },
        [this](caf::get_atom, const std::string& reader, uint64_t before_seq, uint32_t limit) {
          return history(reader, before_seq, limit);
        },
        [this](mark_read_atom, const std::string& reader, uint64_t up_to_seq) {
          return mark_read(reader, up_to_seq);
        },
        [this](set_block_atom, const std::string& by_user, bool blocked) {
          return set_block(by_user, blocked);
        },
    };
  }

 private:
  caf::error not_a_participant(const std::string& user) const {
    return make_error(errc::forbidden, user + " is not in conversation " + key_);
  }

  caf::result<chat_message> send(const std::string& from, const std::string& to,
                                 const std::string& raw_text) {
    auto side = state_.side_of(from);
    if (side < 0)
      return not_a_participant(from);
    if (to != state_.participant(1 - side))
      return make_validation_error("to", "must be the other participant of conversation " + key_);
    auto text = trim_whitespace(raw_text);
    if (text.empty())
      return make_validation_error("text", "must not be empty");
    auto length = utf8_code_points(text);
    if (!length)
      return make_validation_error("text", "must be valid UTF-8");
    if (*length > max_message_code_points)
      return make_validation_error(
          "text", "must be at most " + std::to_string(max_message_code_points) + " characters");
    if (state_.blocked())
      return make_error(errc::forbidden, "conversation " + key_ + " is blocked");
    entity::new_event ev{events::message_sent,
                         {{"from", from},
                          {"to", to},
                          {"seq", state_.last_seq() + 1},
                          {"text", std::string{text}},
                          {"at_ms", svc_->now_ms()}},
                         {from, to}};
    return commit<chat_message>({std::move(ev)},
                                [this] { return state_.message(state_.last_seq()); });
  }

  caf::result<chat_page> history(const std::string& reader, uint64_t before_seq, uint32_t limit) {
    auto side = state_.side_of(reader);
    if (side < 0)
      return not_a_participant(reader);
    if (limit < 1 || limit > max_history_page)
      return make_validation_error("limit", "must be 1 to " + std::to_string(max_history_page));
    chat_page page;
    page.unread_for_reader = state_.unread(side);
    auto last = state_.last_seq();
    auto hi = before_seq == 0 || before_seq > last ? last : before_seq - 1;
    if (hi == 0)
      return page;
    auto lo = hi >= limit ? hi - limit + 1 : 1;
    page.next_cursor = lo > 1 ? lo : 0;
    auto first_recent = std::max(lo, state_.first_recent_seq());
    for (auto seq = hi; seq >= first_recent; --seq)
      page.messages.push_back(state_.message(seq));
    if (lo >= state_.first_recent_seq())
      return page;
    auto [from_version, first_seq] = state_.read_start(lo);
    auto r = std::make_shared<older_read>();
    r->self = context().self();
    r->store = context().store();
    r->stream = "conversation/" + key_;
    r->next_seq = first_seq;
    r->lo = lo;
    r->hi = std::min(hi, state_.first_recent_seq() - 1);
    r->page = std::move(page);
    r->rp = r->self->make_response_promise<chat_page>();
    auto rp = r->rp;
    read_older(std::move(r), from_version);
    return rp;
  }

  caf::result<uint64_t> mark_read(const std::string& reader, uint64_t up_to_seq) {
    auto side = state_.side_of(reader);
    if (side < 0)
      return not_a_participant(reader);
    auto up_to = std::min(up_to_seq, state_.last_seq());
    std::vector<entity::new_event> evs;
    if (up_to > state_.read_mark(side))
      evs.push_back({events::messages_read,
                     {{"by", reader}, {"up_to_seq", up_to}, {"at_ms", svc_->now_ms()}},
                     {reader}});
    return commit<uint64_t>(std::move(evs), [this, side] { return state_.unread(side); });
  }

  caf::result<void> set_block(const std::string& by_user, bool blocked) {
    auto side = state_.side_of(by_user);
    if (side < 0)
      return not_a_participant(by_user);
    if (state_.blocked_by(side) == blocked)
      return caf::unit;
    entity::new_event ev{events::conversation_blocked, {{"by", by_user}, {"blocked", blocked}}, {}};
    auto rp = context().self()->make_response_promise();
    append({std::move(ev)}, [rp](const caf::error& err) mutable {
      if (err)
        rp.deliver(err);
      else
        rp.deliver(caf::unit);
    });
    return rp;
  }

  std::string key_;
  conversation_state state_;
  std::shared_ptr<const services> svc_;
  /// Whether the state changed since the view was published.
  bool stale_ = true;
  /// Declared last: withdraws the view first when the activation ends.
  entity::view_slot slot_;
};

}  // namespace

entity::entity_type conversation_type(std::shared_ptr<const services> svc) {
  entity::entity_type result;
  result.name = "conversation";
  result.factory = [svc](const entity_ref& ref, const entity::stored_state& st) {
    return std::make_unique<conversation>(ref, st, svc);
  };
  return result;
}

}  // namespace griddle::actors
