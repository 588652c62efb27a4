#include "runtime/rollout/rollout_controller.hpp"

#include <stdexcept>

#include "runtime/entity/entity_router.hpp"
#include "runtime/entity/event_sourced.hpp"
#include "runtime/errc.hpp"
#include "runtime/metrics/registry.hpp"
#include "runtime/rollout/guard.hpp"
#include "runtime/store/event_store.hpp"
#include "runtime/type_ids.hpp"

namespace griddle::rollout {

namespace {

using entity::new_event;

/// A bad argument: answered as validation_failed naming the field.
struct bad_argument {
  std::string field;
  std::string reason;
};

nlohmann::json parse_args(const std::string& text) {
  if (text.empty())
    return nlohmann::json::object();
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    throw bad_argument{"args", "expected a JSON object"};
  return doc;
}

class rollout_controller final : public entity::event_sourced_behavior {
 public:
  rollout_controller(const entity::stored_state& st, const entity::entity_type_registry* types)
      : event_sourced_behavior(st), types_(types) {
    snapshot_every(50);
  }

  void apply(const store::recorded_event& ev, const nlohmann::json& data) override {
    rollout::apply(state_, ev.type, data, ev.timestamp_ms);
    dirty_ = true;
  }

  nlohmann::json save_state() const override { return to_json(state_); }

  void load_state(const nlohmann::json& doc) override {
    state_ = state_from_json(doc);
    dirty_ = true;
  }

  caf::behavior handlers(entity::entity_context& ctx) override {
    ctx_ = &ctx;
    type_ = types_->find(ctx.ref().key);
    return {
        [this](rollout_atom, const std::string& op,
               const std::string& args) -> caf::result<std::string> {
          if (type_ == nullptr || type_->name == controller_type_name)
            return make_error(errc::not_found, "no entity type '" + ctx_->ref().key + "'");
          install();
          try {
            return run(op, parse_args(args));
          } catch (const bad_argument& e) {
            return make_validation_error(e.field, e.reason);
          } catch (const std::invalid_argument& e) {
            return make_validation_error("args", e.what());
          } catch (const nlohmann::json::exception& e) {
            return make_validation_error("args", e.what());
          }
        },
        [this](guard_tick_atom) -> caf::result<void> {
          ticking_ = false;
          if (type_ == nullptr)
            return caf::unit;
          install();
          return tick();
        },
    };
  }

 private:
  caf::result<std::string> run(const std::string& op, const nlohmann::json& args) {
    if (op == "status")
      return status().dump();
    if (op == "mismatches")
      return nlohmann::json{{"type", type_->name},
                            {"samples", stats_        ? stats_->samples()
                                        : last_stats_ ? last_stats_->samples()
                                                      : nlohmann::json::array()}}
          .dump();
    if (op == "start")
      return start(args);
    if (op == "guard") {
      auto bounds = state_.guard;
      update_from_json(bounds, args);  // validates before anything is stored
      return commit_status({{events::guard_set, args}});
    }
    if (state_.phase == phase::none)
      return make_error(errc::conflict, "no rollout of " + type_->name + " is in progress");
    if (op == "ramp") {
      if (!args.contains("percent"))
        throw bad_argument{"percent", "required"};
      uint32_t bp = 0;
      try {
        bp = parse_percent(args["percent"]);
      } catch (const std::invalid_argument& e) {
        throw bad_argument{"percent", e.what()};
      }
      return commit_status({{events::ramped, {{"ramp_bp", bp}, {"next_at_ms", 0}}}});
    }
    if (op == "schedule")
      return schedule(args);
    if (op == "promote")
      return commit_status({{events::promoted, nlohmann::json::object()}});
    if (op == "rollback")
      return commit_status(
          {{events::rolled_back, {{"reason", args.value("reason", std::string{"by command"})}}}});
    throw bad_argument{"op", "unknown operation '" + op + "'"};
  }

  caf::result<std::string> start(const nlohmann::json& args) {
    if (state_.phase != phase::none)
      return make_error(errc::conflict, "a rollout of " + type_->name + " to " + state_.candidate +
                                            " is in progress");
    auto candidate = args.value("candidate", std::string{});
    if (candidate.empty())
      throw bad_argument{"candidate", "required"};
    if (candidate == state_.stable)
      throw bad_argument{"candidate", candidate + " is already the stable version"};
    if (entity::find_factory(*type_, candidate) == nullptr)
      return make_error(errc::not_found, "no version " + type_->name + "@" + candidate);
    nlohmann::json data{
        {"candidate", candidate},
        {"mirror_bp",
         args.contains("mirror_percent") ? parse_percent(args["mirror_percent"]) : 10'000u},
        {"noise_floor", args.value("noise_floor", true)}};
    return commit_status({{events::started, std::move(data)}});
  }

  caf::result<std::string> schedule(const nlohmann::json& args) {
    auto steps = args.find("steps");
    if (steps == args.end() || !steps->is_array() || steps->empty())
      throw bad_argument{"steps", "expected a list of percentages"};
    std::vector<uint32_t> bp;
    for (auto& x : *steps) {
      auto v = parse_percent(x);
      if (!bp.empty() && v <= bp.back())
        throw bad_argument{"steps", "percentages must increase"};
      bp.push_back(v);
    }
    auto hold = args.value("hold_s", 60);
    if (hold < 1 || hold > 86'400)
      throw bad_argument{"hold_s", "expected 1 to 86400 seconds"};
    auto next_at = store::unix_now_ms() + int64_t{hold} * 1000;
    return commit_status(
        {{events::scheduled,
          {{"steps_bp", bp},
           {"hold_s", hold},
           {"promote_at_end", args.value("promote_at_end", false)},
           {"next_at_ms", next_at}}},
         {events::ramped,
          {{"ramp_bp", bp.front()}, {"schedule_step", 0}, {"next_at_ms", next_at}}}});
  }

  caf::result<std::string> commit_status(std::vector<std::pair<std::string, nlohmann::json>> xs) {
    std::vector<new_event> evs;
    for (auto& [type, data] : xs)
      evs.push_back(new_event{type, std::move(data), {}, 1});
    return commit<std::string>(std::move(evs), [this] {
      install();
      return status().dump();
    });
  }

  caf::result<void> tick() {
    if (state_.phase == phase::none || !stats_)
      return caf::unit;
    auto now = store::unix_now_ms();
    if (auto why = check_guard(state_, *stats_, now)) {
      metrics::registry::global()
          .counter("griddle_rollout_guard_rollbacks_total", {{"type", ctx_->ref().key}})
          .inc();
      append({{events::rolled_back, {{"reason", "by the guard: " + *why}}, {}, 1}},
             [this](const caf::error&) { install(); });
      return caf::unit;
    }
    auto& sch = state_.schedule;
    if (sch.next_at_ms != 0 && now >= sch.next_at_ms && !sch.steps_bp.empty()) {
      auto next = sch.reached + 1;
      std::vector<new_event> evs;
      if (next < sch.steps_bp.size()) {
        auto due = next + 1 < sch.steps_bp.size() || sch.promote_at_end
                       ? now + int64_t{sch.hold_s} * 1000
                       : 0;
        evs.push_back(
            {events::ramped,
             {{"ramp_bp", sch.steps_bp[next]}, {"schedule_step", next}, {"next_at_ms", due}},
             {},
             1});
      } else if (sch.promote_at_end) {
        evs.push_back({events::promoted, nlohmann::json::object(), {}, 1});
      }
      if (!evs.empty()) {
        append(std::move(evs), [this](const caf::error&) { install(); });
        return caf::unit;
      }
    }
    arm_tick();
    return caf::unit;
  }

  /// Puts the state in the node's table (once per change) and keeps the
  /// guard ticking while a rollout is in progress.
  void install() {
    if (dirty_) {
      dirty_ = false;
      if (state_.phase == phase::none) {
        if (stats_)
          last_stats_ = std::move(stats_);
        stats_ = nullptr;
      } else if (!stats_ || stats_->rollout_id() != state_.rollout_id) {
        auto* v = entity::find_version(*type_, state_.candidate);
        stats_ = std::make_shared<rollout_stats>(type_->name, state_.rollout_id, type_->comparison,
                                                 v != nullptr ? v->agree : agree_fn{});
      }
      auto& router = ctx_->router();
      router.rollouts().set(type_->name, state_, stats_);
      if (auto host = router.host(type_->name))
        ctx_->self()->send(host, reconsider_atom_v);
    }
    arm_tick();
  }

  void arm_tick() {
    if (state_.phase != phase::none && !ticking_) {
      ticking_ = true;
      ctx_->self()->delayed_send(ctx_->self(), check_interval, guard_tick_atom_v);
    }
  }

  nlohmann::json status() const {
    auto doc = to_json(state_);
    doc["type"] = type_->name;
    auto versions = nlohmann::json::array({type_->version});
    for (auto& v : type_->versions)
      versions.push_back(v.name);
    doc["versions"] = versions;
    auto window_ms = int64_t{state_.guard.window_s} * 1000;
    if (stats_)
      doc["stats"] = stats_->to_json(store::unix_now_ms(), window_ms);
    else if (last_stats_)
      doc["last_stats"] = last_stats_->to_json(store::unix_now_ms(), window_ms);
    return doc;
  }

  const entity::entity_type_registry* types_;
  const entity::entity_type* type_ = nullptr;
  entity::entity_context* ctx_ = nullptr;
  rollout_state state_;
  std::shared_ptr<rollout_stats> stats_;
  /// The statistics of the rollout that ended last, kept for operators
  /// (until the next one starts or the controller passivates).
  std::shared_ptr<rollout_stats> last_stats_;
  bool dirty_ = true;
  bool ticking_ = false;
};

}  // namespace

entity::entity_type controller_type(const entity::entity_type_registry* types) {
  entity::entity_type result;
  result.name = controller_type_name;
  result.idle_timeout = std::chrono::minutes(10);
  result.factory = [types](const entity_ref&, const entity::stored_state& st) {
    return std::make_unique<rollout_controller>(st, types);
  };
  return result;
}

}  // namespace griddle::rollout
