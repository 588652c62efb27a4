#include "gateway/api/site_flags.hpp"

#include <ctime>

#include "actors/account_messages.hpp"

namespace griddle::gateway::api {

flags::user_attributes site_flags::attributes_of(const std::string& user) const {
  flags::user_attributes who;
  who.user_id = user;
  if (views_ == nullptr)
    return who;
  if (auto p = views_->read<actors::profile>("user", user)) {
    who.city = p->city;
    if (p->birth_year > 0) {
      auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
      std::tm utc{};
      gmtime_r(&now, &utc);
      auto age = utc.tm_year + 1900 - p->birth_year;
      if (age >= 0 && age <= flags::max_age)
        who.age = age;
    }
  }
  return who;
}

bool site_flags::is_on(const char* name, const std::string& user) const {
  if (table_ == nullptr || user.empty())
    return false;
  auto who = attributes_of(user);
  return table_->snapshot()->is_on(name, who);
}

std::string site_flags::expose(const char* name, const std::string& user) {
  if (table_ == nullptr || user.empty())
    return {};
  auto who = attributes_of(user);
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
