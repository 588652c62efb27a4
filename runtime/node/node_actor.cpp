#include "runtime/node/node_actor.hpp"

#include <caf/actor_ostream.hpp>
#include <caf/event_based_actor.hpp>

#include "runtime/metrics/registry.hpp"
#include "runtime/type_ids.hpp"

namespace griddle::node {

std::string entity_status_line(const std::vector<std::string>& types, bool skip_unused) {
  auto& reg = metrics::registry::global();
  std::string result;
  for (auto& type : types) {
    metrics::labels labels{{"type", type}};
    auto activations = reg.counter("griddle_entity_activations_total", labels).value();
    if (skip_unused && activations == 0)
      continue;
    if (!result.empty())
      result += "; ";
    result += type;
    result += " active=" + std::to_string(reg.gauge("griddle_entities_active", labels).value());
    result += " activations=" + std::to_string(activations);
    result += " passivations=" +
              std::to_string(reg.counter("griddle_entity_passivations_total", labels).value());
    result +=
        " restarts=" + std::to_string(reg.counter("griddle_entity_restarts_total", labels).value());
  }
  return result;
}

caf::actor spawn_node_actor(caf::actor_system& sys, node_actor_args args) {
  return sys.spawn([args](caf::event_based_actor* self) -> caf::behavior {
    auto& router = *args.router;
    if (args.state_interval > caf::timespan{0})
      self->delayed_send(self, args.state_interval, caf::tick_atom_v);
    return {
        [self, &router](route_atom, const entity_ref& ref, caf::message& payload) {
          auto rp = self->make_response_promise();
          router.delegate(rp, ref, std::move(payload));
          return caf::delegated<caf::message>{};
        },
        [self, &router](peek_atom, const entity_ref& ref) {
          auto rp = self->make_response_promise();
          router.delegate_peek(rp, ref);
          return caf::delegated<entity::peek_result>{};
        },
        [self, &router](count_atom, const std::string& type) {
          auto rp = self->make_response_promise();
          router.delegate_count(rp, type);
          return caf::delegated<uint64_t>{};
        },
        [self, args](subscribe_atom, const caf::actor& subscriber) {
          // The store monitors the subscriber and drops it when it goes down.
          if (auto store = args.store ? args.store() : caf::actor{})
            self->send(store, subscribe_atom_v, subscriber);
        },
        [args](status_atom) {
          return "node " + args.node_name + ": " + entity_status_line(args.types);
        },
        [self, args](caf::tick_atom) {
          // Types never activated are left out: a node hosts many.
          auto line = entity_status_line(args.types, true);
          caf::aout(self) << "[" << args.node_name << "] "
                          << (line.empty() ? std::string{"no entity activated yet"} : line)
                          << std::endl;
          self->delayed_send(self, args.state_interval, caf::tick_atom_v);
        },
    };
  });
}

}  // namespace griddle::node
