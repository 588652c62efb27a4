// The entity host's part in rollouts: which behaviour version an activation
// runs, the ghost and mirror beside a mirrored one, and the switch of
// active entities when a rollout moves (runtime/rollout).
#include "runtime/entity/detail/entity_host_actor.hpp"
#include "runtime/errc.hpp"
#include "runtime/rollout/ghost_mirror.hpp"
#include "runtime/rollout/sandbox_store.hpp"

namespace griddle::entity::detail {

activation_args entity_host_actor::base_args(const entity_ref& ref,
                                             std::unique_ptr<entity_behavior> behavior) {
  activation_args args;
  args.ref = ref;
  args.behavior = std::move(behavior);
  args.host = this;
  args.type = &type_;
  return args;
}

rollout::activation_plan entity_host_actor::plan_for(const std::string& key) const {
  auto plan = router_.rollouts().plan(type_.name, key);
  if (find_factory(type_, plan.version) == nullptr) {
    // A version this node does not have: run what it has.
    plan.version = type_.version;
    plan.candidate = false;
  }
  if (!plan.ghost.empty() && find_factory(type_, plan.ghost) == nullptr)
    plan.ghost.clear();
  if (plan.ghost.empty())
    plan.noise_copy = false;
  if (plan.version.empty())
    plan.version = type_.version;
  return plan;
}

const rollout::activation_plan& entity_host_actor::plan_of(const activation& act) const {
  return act.plan ? *act.plan : default_plan_;
}

void entity_host_actor::set_plan(activation& act, rollout::activation_plan plan) {
  if (plan == default_plan_ && plan.candidate == default_plan_.candidate)
    act.plan.reset();
  else
    act.plan = std::make_unique<rollout::activation_plan>(std::move(plan));
}

const std::string* entity_host_actor::version_name(const std::string& version) const {
  if (auto* v = find_version(type_, version))
    return &v->name;
  return &type_.version;
}

caf::actor entity_host_actor::spawn_activation(const std::string& key, activation& act,
                                               std::unique_ptr<entity_behavior> behavior,
                                               caf::actor& live) {
  auto ref = ref_of(key);
  auto& plan = plan_of(act);
  auto args = base_args(ref, std::move(behavior));
  args.record = &act.record;
  args.store = store_;
  args.router = &router_;
  args.latency = latency_;
  args.version = version_name(plan.version);
  if (plan.ghost.empty()) {
    if (plan.stats) {
      args.rollout = std::make_unique<activation_args::rollout_part>();
      args.rollout->tally = plan.stats;
      args.rollout->candidate = plan.candidate;
    }
    live = system().spawn<entity_actor>(std::move(args));
    return live;
  }
  rollout::mirror_args m;
  m.ref = ref;
  m.host = this;
  m.stats = plan.stats;
  m.live_effects = std::make_shared<rollout::effect_log>();
  args.rollout = std::make_unique<activation_args::rollout_part>();
  args.rollout->effects = m.live_effects;
  // Reads answered from a published view never reach the activation, so
  // they are not mirrored; the first read after every change is.
  m.live = system().spawn<entity_actor>(std::move(args));
  live = m.live;
  m.ghost_effects = std::make_shared<rollout::effect_log>();
  m.ghost = spawn_sandboxed(key, plan.ghost, m.ghost_effects, m.ghost_failure);
  if (plan.noise_copy) {
    std::string ignored;
    m.noise_effects = std::make_shared<rollout::effect_log>();
    m.noise = spawn_sandboxed(key, plan.version, m.noise_effects, ignored);
  }
  return rollout::spawn_ghost_mirror(system(), std::move(m));
}

caf::actor entity_host_actor::spawn_sandboxed(const std::string& key, const std::string& version,
                                              std::shared_ptr<rollout::effect_log> log,
                                              std::string& why) {
  auto ref = ref_of(key);
  std::unique_ptr<entity_behavior> behavior;
  try {
    // From the events alone: another behaviour's snapshot may not fit, and
    // a ghost never writes one of its own.
    behavior = (*find_factory(type_, version))(ref, stored_state{});
  } catch (std::exception& e) {
    why = std::string{"ghost activation failed: "} + e.what();
    return nullptr;
  }
  if (!behavior) {
    why = "ghost activation failed: factory returned no behaviour";
    return nullptr;
  }
  auto sandbox = rollout::spawn_sandbox_store(system(), store_);
  auto args = base_args(ref, std::move(behavior));
  args.record = &sandboxed_record_;
  args.store = sandbox;
  args.router = &router_.sandbox();
  args.sandboxed = true;
  args.version = version_name(version);
  args.rollout = std::make_unique<activation_args::rollout_part>();
  args.rollout->effects = std::move(log);
  auto ghost = system().spawn<entity_actor>(std::move(args));
  // The sandbox ends with its ghost, on a worker thread: left to die when the
  // last handle goes, it could be destroyed on CAF's clock thread, whose
  // clean-up then waits for the clock itself.
  ghost->attach_functor([sandbox](const caf::error&) {
    caf::anon_send_exit(sandbox, caf::exit_reason::user_shutdown);
  });
  return ghost;
}

void entity_host_actor::reconsider() {
  rollout_generation_ = router_.rollouts().generation(type_.name);
  if (stopping_)
    return;
  for (auto& [key, act] : activations_)
    if (act.state == phase::active && plan_for(key) != plan_of(act))
      switching_.insert(key);
  for (auto& key : switching_)
    to_passivate_.push_back(key);
  passivate_some();
}

}  // namespace griddle::entity::detail
