#include "runtime/store/memory_state_store.hpp"

#include <caf/event_based_actor.hpp>

#include "runtime/type_ids.hpp"

namespace griddle::store {

std::optional<std::string> memory_state_data::get(const entity_ref& ref) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = data_.find(ref);
  if (i == data_.end())
    return std::nullopt;
  return i->second;
}

void memory_state_data::put(const entity_ref& ref, std::string data) {
  std::lock_guard<std::mutex> guard{mtx_};
  data_[ref] = std::move(data);
}

size_t memory_state_data::size() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return data_.size();
}

caf::actor spawn_memory_state_store(caf::actor_system& sys,
                                    std::shared_ptr<memory_state_data> data) {
  return sys.spawn([data](caf::event_based_actor*) -> caf::behavior {
    return {
        [data](load_atom, const entity_ref& ref) {
          auto found = data->get(ref);
          return entity::stored_state{found.has_value(), found ? std::move(*found) : std::string{}};
        },
        [data](save_atom, const entity_ref& ref, std::string& snapshot) {
          data->put(ref, std::move(snapshot));
        },
    };
  });
}

}  // namespace griddle::store
