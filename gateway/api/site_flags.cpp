#include "gateway/api/site_flags.hpp"

namespace griddle::gateway::api {

bool site_flags::is_on(const char* name, const std::string& user) const {
  if (table_ == nullptr || user.empty())
    return false;
  flags::user_attributes who;
  who.user_id = user;
  return table_->snapshot()->is_on(name, who);
}

std::string site_flags::expose(const char* name, const std::string& user) {
  if (table_ == nullptr || user.empty())
    return {};
  flags::user_attributes who;
  who.user_id = user;
  auto arm = table_->snapshot()->assign(name, who);
  if (!arm)
    return {};
  metrics_of(name, *arm).exposures->inc();
  return *arm;
}

void site_flags::answered(const char* name, const std::string& arm,
                          std::chrono::nanoseconds latency, bool error) {
  if (arm.empty())
    return;
  auto& m = metrics_of(name, arm);
  m.requests->inc();
  if (error)
    m.errors->inc();
  m.latency->record(latency);
}

site_flags::arm_metrics& site_flags::metrics_of(const std::string& experiment,
                                                const std::string& arm) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto key = experiment + '\n' + arm;
  auto i = metrics_.find(key);
  if (i != metrics_.end())
    return i->second;
  auto& reg = metrics::registry::global();
  metrics::labels labels{{"experiment", experiment}, {"arm", arm}};
  arm_metrics m{&reg.counter("griddle_experiment_exposures_total", labels),
                &reg.counter("griddle_experiment_requests_total", labels),
                &reg.counter("griddle_experiment_errors_total", labels),
                &reg.histogram("griddle_experiment_latency_ns", labels)};
  return metrics_.emplace(std::move(key), m).first->second;
}

}  // namespace griddle::gateway::api
