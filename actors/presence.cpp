#include "actors/presence.hpp"

#include <sstream>

#include "actors/type_ids.hpp"

namespace griddle::actors {

namespace {

class presence final : public entity::entity_behavior {
 public:
  explicit presence(const entity::stored_state& st) {
    if (st.found) {
      std::istringstream in{st.data};
      if (!(in >> info_.last_seen_ms >> info_.sightings))
        throw std::runtime_error("corrupt presence snapshot: " + st.data);
    }
  }

  caf::behavior make_behavior(entity::entity_context& ctx) override {
    return {
        [this, &ctx](touch_atom, int64_t now_ms) {
          info_.last_seen_ms = std::max(info_.last_seen_ms, now_ms);
          ++info_.sightings;
          ctx.persist();
          return info_;
        },
        [this](caf::get_atom) { return info_; },
    };
  }

  std::string snapshot() const override {
    return std::to_string(info_.last_seen_ms) + " " + std::to_string(info_.sightings);
  }

 private:
  presence_info info_;
};

}  // namespace

entity::entity_type presence_type() {
  entity::entity_type result;
  result.name = "presence";
  result.idle_timeout = std::chrono::minutes(2);
  result.factory = [](const entity_ref&, const entity::stored_state& st) {
    return std::make_unique<presence>(st);
  };
  return result;
}

}  // namespace griddle::actors
