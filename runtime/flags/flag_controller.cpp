#include "runtime/flags/flag_controller.hpp"

#include "runtime/entity/entity_router.hpp"
#include "runtime/entity/event_sourced.hpp"
#include "runtime/errc.hpp"
#include "runtime/flags/flag_error.hpp"
#include "runtime/flags/flag_json.hpp"
#include "runtime/type_ids.hpp"

namespace griddle::flags {

namespace {

namespace ev {
constexpr const char* toggle_set = "toggle_set";
constexpr const char* toggle_removed = "toggle_removed";
constexpr const char* experiment_set = "experiment_set";
constexpr const char* experiment_removed = "experiment_removed";
}  // namespace ev

caf::error to_error(const flag_error& e) {
  switch (e.code()) {
    case flag_error::kind::not_found:
      return make_error(errc::not_found, e.what());
    case flag_error::kind::conflict:
      return make_error(errc::conflict, e.what());
    default:
      return make_validation_error(e.field().empty() ? "args" : e.field(), e.problem());
  }
}

std::string name_of(const nlohmann::json& args) {
  auto i = args.find("name");
  if (i == args.end() || !i->is_string())
    throw flag_error{flag_error::kind::invalid, "name", "required"};
  return i->get<std::string>();
}

class flag_controller final : public entity::event_sourced_behavior {
 public:
  explicit flag_controller(const entity::stored_state& st) : event_sourced_behavior(st) {}

  void apply(const store::recorded_event& e, const nlohmann::json& data) override {
    if (e.type == ev::toggle_set) {
      auto t = toggle_from_json(data);
      if (set_.find_toggle(t.name) != nullptr)
        set_.update_toggle(std::move(t));
      else
        set_.create_toggle(std::move(t));
    } else if (e.type == ev::toggle_removed) {
      set_.remove_toggle(data.at("name").get<std::string>());
    } else if (e.type == ev::experiment_set) {
      auto x = experiment_from_json(data);
      if (set_.find_experiment(x.name()) != nullptr)
        set_.remove_experiment(x.name());
      set_.restore_experiment(std::move(x));
    } else if (e.type == ev::experiment_removed) {
      set_.remove_experiment(data.at("name").get<std::string>());
    }
    dirty_ = true;
  }

  nlohmann::json save_state() const override { return to_json(set_); }

  void load_state(const nlohmann::json& doc) override {
    set_ = flag_set_from_json(doc);
    dirty_ = true;
  }

  caf::behavior handlers(entity::entity_context& ctx) override {
    ctx_ = &ctx;
    return {
        [this](flags_atom, const std::string& op,
               const std::string& args) -> caf::result<std::string> {
          install();
          try {
            auto doc = args.empty() ? nlohmann::json::object() : parse_json(args);
            if (!doc.is_object())
              throw flag_error{flag_error::kind::invalid, "args", "expected a JSON object"};
            return run(op, doc);
          } catch (const flag_error& e) {
            return to_error(e);
          }
        },
    };
  }

 private:
  caf::result<std::string> run(const std::string& op, nlohmann::json& args) {
    if (op == "get")
      return to_json(set_).dump();
    if (op == "put_toggle") {
      auto t = toggle_from_json(args);
      auto copy = set_;  // validates against the whole set before storing
      if (copy.find_toggle(t.name) != nullptr)
        copy.update_toggle(t);
      else
        copy.create_toggle(t);
      auto doc = to_json(t);
      return store(ev::toggle_set, doc, doc);
    }
    if (op == "delete_toggle") {
      auto name = name_of(args);
      auto copy = set_;
      copy.remove_toggle(name);
      return store(ev::toggle_removed, {{"name", name}}, {{"deleted", name}});
    }
    if (op == "put_experiment") {
      auto reshuffle = args.value("reshuffle", false);
      args.erase("reshuffle");
      args.erase("generation");
      args.erase("allocation");
      auto spec = experiment_spec_from_json(args);
      auto copy = set_;
      if (copy.find_experiment(spec.name) != nullptr) {
        auto name = spec.name;
        copy.update_experiment(std::move(spec));
        if (reshuffle)
          copy.reshuffle_experiment(name);
        auto doc = to_json(*copy.find_experiment(name));
        return store(ev::experiment_set, doc, doc);
      }
      auto doc = to_json(copy.create_experiment(std::move(spec)));
      return store(ev::experiment_set, doc, doc);
    }
    if (op == "delete_experiment") {
      auto name = name_of(args);
      auto copy = set_;
      copy.remove_experiment(name);
      return store(ev::experiment_removed, {{"name", name}}, {{"deleted", name}});
    }
    throw flag_error{flag_error::kind::invalid, "op", "unknown operation '" + op + "'"};
  }

  caf::result<std::string> store(const char* type, nlohmann::json data, nlohmann::json reply) {
    return commit<std::string>({{type, std::move(data), {}, 1}}, [this, reply = std::move(reply)] {
      install();
      return reply.dump();
    });
  }

  void install() {
    if (!dirty_)
      return;
    dirty_ = false;
    ctx_->router().flags().replace(set_);
  }

  flag_set set_;
  entity::entity_context* ctx_ = nullptr;
  bool dirty_ = true;
};

}  // namespace

entity::entity_type controller_type() {
  entity::entity_type result;
  result.name = controller_type_name;
  result.idle_timeout = std::chrono::hours(24);
  result.factory = [](const entity_ref&, const entity::stored_state& st) {
    return std::make_unique<flag_controller>(st);
  };
  return result;
}

}  // namespace griddle::flags
