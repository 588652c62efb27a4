#include "runtime/store/event_store_actor.hpp"

#include <caf/event_based_actor.hpp>

#include "runtime/type_ids.hpp"

namespace griddle::store {

namespace {

template <class T>
caf::result<T> to_result(caf::expected<T> x) {
  if (x)
    return std::move(*x);
  return std::move(x.error());
}

caf::behavior event_store_actor(caf::event_based_actor* self, std::shared_ptr<event_store> store) {
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
      [store](load_atom, const std::string& stream) -> caf::result<snapshot_result> {
        auto x = store->load_snapshot(stream);
        if (!x)
          return std::move(x.error());
        if (!*x)
          return snapshot_result{};
        return snapshot_result{true, std::move(**x)};
      },
      [store](save_atom, const stream_snapshot& snapshot) -> caf::result<void> {
        if (auto err = store->save_snapshot(snapshot))
          return err;
        return caf::unit;
      },
  };
}

}  // namespace

caf::actor spawn_event_store_actor(caf::actor_system& sys, std::shared_ptr<event_store> store) {
  return sys.spawn<caf::detached>(event_store_actor, std::move(store));
}

}  // namespace griddle::store
