#include "bench/micro/counter.hpp"

#include <memory>
#include <string>

#include <caf/event_based_actor.hpp>

namespace griddle::bench {

namespace {

class raw_counter : public caf::event_based_actor {
 public:
  explicit raw_counter(caf::actor_config& cfg) : caf::event_based_actor(cfg) {}

  const char* name() const override { return "griddle.bench.raw_counter"; }

 protected:
  caf::behavior make_behavior() override {
    return {
        [this](caf::add_atom, int32_t n) {
          value_ += n;
          return value_;
        },
    };
  }

 private:
  int64_t value_ = 0;
};

class counter_behavior : public entity::entity_behavior {
 public:
  explicit counter_behavior(int64_t value) : value_(value) {}

  caf::behavior make_behavior(entity::entity_context&) override {
    return {
        [this](caf::add_atom, int32_t n) {
          value_ += n;
          return value_;
        },
    };
  }

  std::string snapshot() const override { return std::to_string(value_); }

 private:
  int64_t value_;
};

}  // namespace

caf::actor spawn_raw_counter(caf::actor_system& sys) {
  return sys.spawn<raw_counter>();
}

entity::entity_type counter_entity_type(caf::timespan idle_timeout) {
  entity::entity_type t;
  t.name = counter_type_name;
  t.idle_timeout = idle_timeout;
  t.factory = [](const entity_ref&, const entity::stored_state& st) {
    return std::make_unique<counter_behavior>(st.found ? std::stoll(st.data) : 0);
  };
  return t;
}

}  // namespace griddle::bench
