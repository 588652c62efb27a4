#include "runtime/rollout/sandbox_store.hpp"

#include <caf/event_based_actor.hpp>

#include "runtime/entity/entity_ref.hpp"
#include "runtime/store/event_store.hpp"
#include "runtime/type_ids.hpp"

namespace griddle::rollout {

namespace {

caf::behavior sandbox_store(caf::event_based_actor* self, caf::actor real_store) {
  auto next = std::make_shared<uint64_t>(fake_position_base);
  self->set_default_handler(
      [real_store](caf::scheduled_actor* ptr, caf::message_view& x) -> caf::result<caf::message> {
        auto rp = ptr->make_response_promise();
        rp.delegate(real_store, x.move_content_to_message());
        return caf::delegated<caf::message>{};
      });
  return {
      [next](append_atom, const std::string&, uint64_t expected,
             const std::vector<store::event_data>& events) {
        store::append_result res;
        res.first_position = *next;
        *next += events.size();
        res.last_position = *next - 1;
        res.version = (expected == store::any_version ? 0 : expected) + events.size();
        return res;
      },
      [](save_atom, const entity_ref&, const std::string&) {},
      [](save_atom, const store::stream_snapshot&) {},
  };
}

}  // namespace

caf::actor spawn_sandbox_store(caf::actor_system& sys, caf::actor real_store) {
  return sys.spawn(sandbox_store, std::move(real_store));
}

}  // namespace griddle::rollout
