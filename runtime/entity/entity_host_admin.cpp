// The entity host's answers to the admin API (gateway/admin): the list of
// active entities with their statistics, inspection, bounded traces and
// passivation on request. None of them blocks the host: an inspection is
// answered by the activation itself, on its own thread.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "runtime/entity/detail/entity_host_actor.hpp"
#include "runtime/errc.hpp"

namespace griddle::entity::detail {

std::string entity_host_actor::list_actors(const std::string& top, uint32_t limit) const {
  struct row {
    const std::string* key;
    const activation* act;
    uint64_t messages;
    uint64_t mailbox;
    double mean_ms;
    double max_ms;
    int64_t idle_ms;
  };
  auto now = clock().now().time_since_epoch().count();
  std::vector<row> rows;
  for (auto& [key, act] : activations_) {
    if (act.state != phase::active)
      continue;
    auto& rec = act.record;
    auto messages = rec.messages.load(std::memory_order_relaxed);
    auto busy = rec.busy_ns.load(std::memory_order_relaxed);
    rows.push_back({&key, &act, messages, rec.mailbox.load(std::memory_order_relaxed),
                    messages == 0 ? 0.0 : static_cast<double>(busy) / messages / 1e6,
                    static_cast<double>(rec.max_us.load(std::memory_order_relaxed)) / 1e3,
                    (now - rec.last_active.load(std::memory_order_relaxed)) / 1'000'000});
  }
  auto by = [&top](const row& x, const row& y) {
    if (top == "mailbox" && x.mailbox != y.mailbox)
      return x.mailbox > y.mailbox;
    if (top == "latency" && x.mean_ms != y.mean_ms)
      return x.mean_ms > y.mean_ms;
    if (top == "idle" && x.idle_ms != y.idle_ms)
      return x.idle_ms > y.idle_ms;
    if (x.messages != y.messages)
      return x.messages > y.messages;
    return *x.key < *y.key;
  };
  auto shown = std::min<size_t>(rows.size(), limit);
  std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(shown), rows.end(),
                    by);
  auto list = nlohmann::json::array();
  for (size_t i = 0; i < shown; ++i) {
    auto& r = rows[i];
    nlohmann::json x{{"key", *r.key},        {"version", plan_of(*r.act).version},
                     {"mailbox", r.mailbox}, {"messages", r.messages},
                     {"mean_ms", r.mean_ms}, {"max_ms", r.max_ms},
                     {"idle_ms", r.idle_ms}};
    if (!plan_of(*r.act).ghost.empty())
      x["ghost"] = plan_of(*r.act).ghost;
    list.push_back(std::move(x));
  }
  return nlohmann::json{
      {"type", type_.name}, {"top", top}, {"active", rows.size()}, {"actors", list}}
      .dump();
}

void entity_host_actor::inspect(const std::string& key, bool activate, caf::response_promise rp) {
  auto i = activations_.find(key);
  if (i != activations_.end() && i->second.state == phase::active) {
    rp.delegate(i->second.handle, inspect_atom_v);
    return;
  }
  if (activate) {
    route(key, caf::make_message(inspect_atom_v), std::move(rp), false);
    return;
  }
  const char* now = "inactive";
  if (i != activations_.end())
    now = i->second.state == phase::loading    ? "loading"
          : i->second.state == phase::draining ? "passivating"
                                               : "restarting";
  rp.deliver(nlohmann::json{{"active", false}, {"phase", now}}.dump());
}

void entity_host_actor::start_trace(const std::string& key, uint32_t count, caf::actor tracer) {
  // Kept until the tracer ends it (count 0), so the trace follows the key
  // across passivation: each new activation gets it again.
  if (count == 0)
    pending_traces_.erase(key);
  else
    pending_traces_[key] = {count, tracer};
  auto i = activations_.find(key);
  if (i != activations_.end() && i->second.state == phase::active)
    send(i->second.handle, trace_atom_v, count, std::move(tracer));
}

void entity_host_actor::begin_pending_trace(const std::string& key, const caf::actor& handle) {
  auto i = pending_traces_.find(key);
  if (i != pending_traces_.end())
    send(handle, trace_atom_v, i->second.first, i->second.second);
}

bool entity_host_actor::passivate_now(const std::string& key) {
  auto i = activations_.find(key);
  if (stopping_ || i == activations_.end() || i->second.state != phase::active)
    return false;
  // Forced like a version switch: if messages are on their way to it, the
  // sweep tries again once they have arrived.
  switching_.insert(key);
  passivate(key, i->second);
  return true;
}

}  // namespace griddle::entity::detail
