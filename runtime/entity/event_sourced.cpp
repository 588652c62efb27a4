#include "runtime/entity/event_sourced.hpp"

#include <stdexcept>

#include "runtime/entity/detail/snapshot_envelope.hpp"
#include "runtime/errc.hpp"
#include "runtime/type_ids.hpp"

namespace griddle::entity {

store::event_data to_event_data(const new_event& ev) {
  store::event_data result;
  result.type = ev.type;
  result.schema_version = ev.schema_version;
  result.payload = ev.data.dump();
  result.tags = ev.tags;
  return result;
}

event_sourced_behavior::event_sourced_behavior(const stored_state& st)
    : stored_(st.found ? st.data : std::string{}), found_(st.found) {}

caf::behavior event_sourced_behavior::make_behavior(entity_context& ctx) {
  ctx_ = &ctx;
  stream_ = to_string(ctx.ref());
  if (found_) {
    auto snapshot = detail::open_snapshot(stored_, "v", stream_);
    version_ = snapshot.mark;
    saved_version_ = version_;
    load_state(snapshot.state);
  }
  stored_.clear();
  stored_.shrink_to_fit();
  auto result = handlers(ctx);
  // Requested before the first message is handled; `await` holds every other
  // message until the replay is done.
  replay_from(version_ + 1);
  return result;
}

void event_sourced_behavior::replay_from(uint64_t from_version) {
  auto* self = ctx_->self();
  self->request(ctx_->store(), event_store_timeout, read_atom_v, stream_, from_version,
                replay_page_size)
      .await(
          [this](std::vector<store::recorded_event>& events) {
            for (auto& ev : events) {
              if (ev.version != version_ + 1)
                throw std::runtime_error("gap in stream " + stream_ + ": expected version " +
                                         std::to_string(version_ + 1) + ", read " +
                                         std::to_string(ev.version));
              apply(ev, nlohmann::json::parse(ev.payload));
              ++version_;
            }
            if (events.size() == replay_page_size)
              replay_from(version_ + 1);
          },
          [this](caf::error& err) { ctx_->self()->quit(err); });
}

void event_sourced_behavior::append(std::vector<new_event> events,
                                    std::function<void(const caf::error&)> done) {
  if (events.empty()) {
    done(caf::none);
    return;
  }
  std::vector<store::event_data> data;
  data.reserve(events.size());
  for (auto& ev : events)
    data.push_back(to_event_data(ev));
  if (auto* log = ctx_->effects()) {
    auto list = nlohmann::json::array();
    for (auto& ev : events)
      list.push_back({{"type", ev.type}, {"data", ev.data}, {"tags", ev.tags}});
    log->record("append", {{"stream", stream_}, {"events", std::move(list)}});
  }
  auto* self = ctx_->self();
  self->request(ctx_->store(), event_store_timeout, append_atom_v, stream_, version_,
                std::move(data))
      .await(
          [this, events = std::move(events), done](store::append_result& res) {
            auto now = store::unix_now_ms();
            for (size_t i = 0; i < events.size(); ++i) {
              store::recorded_event rec;
              rec.position = res.first_position + i;
              rec.stream = stream_;
              rec.version = version_ + 1;
              rec.type = events[i].type;
              rec.schema_version = events[i].schema_version;
              rec.timestamp_ms = now;
              rec.tags = events[i].tags;
              apply(rec, events[i].data);
              ++version_;
            }
            applied(events.size());
            // Views show the committed state before the reply goes out.
            handled();
            done(caf::none);
          },
          [this, done](caf::error& err) {
            done(err);
            // The stream may or may not hold the events now: start over from the store.
            ctx_->self()->quit(err);
          });
}

void event_sourced_behavior::applied(uint64_t count) {
  since_snapshot_ += count;
  if (snapshot_every_ != 0 && since_snapshot_ >= snapshot_every_) {
    since_snapshot_ = 0;
    ctx_->persist();
  }
}

std::string event_sourced_behavior::snapshot() const {
  return detail::seal_snapshot("v", version_, save_state());
}

}  // namespace griddle::entity
