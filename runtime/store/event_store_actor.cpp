#include "runtime/store/event_store_actor.hpp"

#include <algorithm>
#include <iostream>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "runtime/type_ids.hpp"

namespace griddle::store {

namespace {

template <class T>
caf::result<T> to_result(caf::expected<T> x) {
  if (x)
    return std::move(*x);
  return std::move(x.error());
}

/// The subscribers of the commit feed, shared by the actor (which adds and
/// drops them) and the store's commit listener (which runs on a thread of
/// the store and sends to them).
class commit_feed {
 public:
  /// False when `x` was subscribed already.
  bool subscribe(caf::actor x) {
    std::lock_guard<std::mutex> guard{mtx_};
    if (std::find(subscribers_.begin(), subscribers_.end(), x) != subscribers_.end())
      return false;
    subscribers_.push_back(std::move(x));
    return true;
  }

  void unsubscribe(const caf::actor_addr& x) {
    std::lock_guard<std::mutex> guard{mtx_};
    subscribers_.erase(std::remove_if(subscribers_.begin(), subscribers_.end(),
                                      [&](const caf::actor& y) { return y.address() == x; }),
                       subscribers_.end());
  }

  /// Drops every subscriber and ignores later publishes and subscriptions.
  void close() {
    std::lock_guard<std::mutex> guard{mtx_};
    closed_ = true;
    subscribers_.clear();
  }

  void publish(std::vector<recorded_event> events) {
    std::lock_guard<std::mutex> guard{mtx_};
    if (closed_ || subscribers_.empty())
      return;
    // One message shared by every subscriber; sent under the lock, so the
    // messages of successive commits are enqueued in commit order.
    auto msg = caf::make_message(committed_atom_v, std::move(events));
    for (const auto& subscriber : subscribers_)
      caf::anon_send(subscriber, msg);
  }

 private:
  std::mutex mtx_;
  bool closed_ = false;
  std::vector<caf::actor> subscribers_;
};

/// Entity state handed to `save_snapshot_async` and not yet durable.
struct unsaved_state {
  /// Which save of the stream this is; only the newest one's landing clears it.
  uint64_t ticket = 0;
  std::string data;
};

struct event_store_state {
  std::shared_ptr<event_store> store;
  std::shared_ptr<commit_feed> feed;
  /// By stream name.
  std::unordered_map<std::string, unsaved_state> unsaved;
  uint64_t next_ticket = 0;

  event_store_state() = default;
  event_store_state(const event_store_state&) = delete;
  event_store_state& operator=(const event_store_state&) = delete;

  ~event_store_state() {
    // The listener may outlive the actor (until a successor replaces it):
    // from now on it forwards nothing.
    if (feed)
      feed->close();
  }

  /// Newest data saved for `stream` that may not be durable yet.
  const std::string* unsaved_data(const std::string& stream) const {
    auto i = unsaved.find(stream);
    return i == unsaved.end() ? nullptr : &i->second.data;
  }

  static inline const char* name = "event_store";
};

using event_store_actor_type = caf::stateful_actor<event_store_state>;

/// Saves `data` for `stream` without blocking; the store's callback reports
/// back with `(saved_atom, stream, ticket, error)`.
void save_entity_state(event_store_actor_type* self, std::string stream, std::string data) {
  auto& st = self->state;
  auto ticket = ++st.next_ticket;
  st.unsaved[stream] = unsaved_state{ticket, data};
  stream_snapshot snapshot{stream, 0, std::move(data)};
  // The callback may run on the store's writer thread after the actor ended.
  st.store->save_snapshot_async(
      std::move(snapshot), [addr = self->address(), stream, ticket](caf::error err) {
        if (auto hdl = caf::actor_cast<caf::actor>(addr))
          caf::anon_send(hdl, saved_atom_v, stream, ticket, std::move(err));
      });
}

caf::behavior event_store_actor(event_store_actor_type* self, std::shared_ptr<event_store> store) {
  auto& st = self->state;
  st.store = store;
  st.feed = std::make_shared<commit_feed>();
  store->set_commit_listener(
      [feed = st.feed](std::vector<recorded_event> events) { feed->publish(std::move(events)); });
  self->set_down_handler([self](caf::down_msg& msg) { self->state.feed->unsubscribe(msg.source); });
  return {
      [self, store](append_atom, std::string& stream, uint64_t expected,
                    std::vector<event_data>& events) -> caf::result<append_result> {
        auto rp = self->make_response_promise<append_result>();
        // The callback runs on the store's writer thread; delivering a promise
        // from there only enqueues the reply to the requester.
        store->append(std::move(stream), expected, std::move(events),
                      [rp](caf::expected<append_result> x) mutable {
                        if (x)
                          rp.deliver(std::move(*x));
                        else
                          rp.deliver(std::move(x.error()));
                      });
        return rp;
      },
      [store](read_atom, const std::string& stream, uint64_t from_version, uint64_t max) {
        return to_result(store->read_stream(stream, from_version, static_cast<size_t>(max)));
      },
      [store](read_atom, uint64_t from_position, uint64_t max) {
        return to_result(store->read_all(from_position, static_cast<size_t>(max)));
      },
      [store](read_atom, tagged_atom, const std::string& tag, uint64_t from_position,
              uint64_t max) {
        return to_result(store->read_tagged(tag, from_position, static_cast<size_t>(max)));
      },
      [self](subscribe_atom, caf::actor& subscriber) {
        if (subscriber && self->state.feed->subscribe(subscriber))
          self->monitor(subscriber);
      },
      [self, store](load_atom, const std::string& stream) -> caf::result<snapshot_result> {
        if (auto data = self->state.unsaved_data(stream))
          return snapshot_result{true, stream_snapshot{stream, 0, *data}};
        auto x = store->load_snapshot(stream);
        if (!x)
          return std::move(x.error());
        if (!*x)
          return snapshot_result{};
        return snapshot_result{true, std::move(**x)};
      },
      [self, store](save_atom, const stream_snapshot& snapshot) -> caf::result<void> {
        if (auto err = store->save_snapshot(snapshot))
          return err;
        // It was queued after every earlier save of the stream: they landed.
        self->state.unsaved.erase(snapshot.stream);
        return caf::unit;
      },
      [self, store](load_atom, const entity_ref& ref) -> caf::result<entity::stored_state> {
        auto stream = to_string(ref);
        if (auto data = self->state.unsaved_data(stream))
          return entity::stored_state{true, *data};
        auto x = store->load_snapshot(stream);
        if (!x)
          return std::move(x.error());
        if (!*x)
          return entity::stored_state{};
        return entity::stored_state{true, std::move((*x)->data)};
      },
      [self](save_atom, const entity_ref& ref, std::string& data) {
        save_entity_state(self, to_string(ref), std::move(data));
      },
      [self](saved_atom, const std::string& stream, uint64_t ticket, const caf::error& err) {
        if (err) {
          // Loads keep seeing the data; the next save of the stream retries.
          std::cerr << "griddle event store: saving the state of " << stream
                    << " failed: " << self->system().render(err) << std::endl;
          return;
        }
        auto& unsaved = self->state.unsaved;
        if (auto i = unsaved.find(stream); i != unsaved.end() && i->second.ticket == ticket)
          unsaved.erase(i);
      },
  };
}

}  // namespace

caf::actor spawn_event_store_actor(caf::actor_system& sys, std::shared_ptr<event_store> store) {
  return sys.spawn<caf::detached>(event_store_actor, std::move(store));
}

}  // namespace griddle::store
