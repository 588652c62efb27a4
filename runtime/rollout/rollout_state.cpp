#include "runtime/rollout/rollout_state.hpp"

#include <cmath>
#include <stdexcept>

#include "runtime/flags/bucketing.hpp"

namespace griddle::rollout {

namespace {

/// History entries kept per type.
constexpr size_t history_limit = 50;

void remember(rollout_state& st, int64_t at_ms, std::string what) {
  st.history.push_back({at_ms, std::move(what)});
  if (st.history.size() > history_limit)
    st.history.erase(st.history.begin());
}

std::string percent_text(uint32_t bp) {
  auto text = std::to_string(bp / 100);
  if (bp % 100 != 0) {
    auto frac = std::to_string(bp % 100 + 100).substr(1);
    if (frac.back() == '0')
      frac.pop_back();
    text += "." + frac;
  }
  return text + "%";
}

void end_rollout(rollout_state& st) {
  st.candidate.clear();
  st.phase = phase::none;
  st.ramp_bp = 0;
  st.schedule = ramp_schedule{};
}

template <class T>
T field(const nlohmann::json& doc, const char* name, T fallback) {
  auto i = doc.find(name);
  if (i == doc.end() || i->is_null())
    return fallback;
  return i->get<T>();
}

double number_field(const nlohmann::json& doc, const char* name, double fallback, double lo,
                    double hi) {
  auto i = doc.find(name);
  if (i == doc.end())
    return fallback;
  if (!i->is_number())
    throw std::invalid_argument(std::string{name} + ": expected a number");
  auto x = i->get<double>();
  if (!(x >= lo && x <= hi))
    throw std::invalid_argument(std::string{name} + ": out of range");
  return x;
}

}  // namespace

const char* to_string(phase x) {
  switch (x) {
    case phase::none:
      return "none";
    case phase::ghost:
      return "ghost";
    case phase::ramp:
      return "ramp";
  }
  return "none";
}

const std::string& rollout_state::version_for(const std::string& type,
                                              const std::string& key) const {
  if (phase == phase::ramp && flags::in_share(flags::ramp_bucket(type, key), ramp_bp))
    return candidate;
  return stable;
}

bool rollout_state::mirrored(const std::string& type, const std::string& key) const {
  return phase == phase::ghost && flags::in_share(flags::ramp_bucket(type, key), mirror_bp);
}

void apply(rollout_state& st, const std::string& type, const nlohmann::json& data, int64_t at_ms) {
  if (type == events::started) {
    st.candidate = field<std::string>(data, "candidate", "");
    st.phase = phase::ghost;
    st.mirror_bp = field<uint32_t>(data, "mirror_bp", 10'000);
    st.noise_floor = field<bool>(data, "noise_floor", true);
    st.ramp_bp = 0;
    st.schedule = ramp_schedule{};
    ++st.rollout_id;
    remember(st, at_ms,
             "ghost " + st.candidate + " beside " + st.stable + " on " +
                 percent_text(st.mirror_bp) + " of keys");
  } else if (type == events::ramped) {
    st.phase = phase::ramp;
    st.ramp_bp = field<uint32_t>(data, "ramp_bp", 0);
    if (data.contains("schedule_step"))
      st.schedule.reached = field<size_t>(data, "schedule_step", 0);
    if (data.contains("next_at_ms"))
      st.schedule.next_at_ms = field<int64_t>(data, "next_at_ms", 0);
    remember(st, at_ms, "ramp " + st.candidate + " to " + percent_text(st.ramp_bp));
  } else if (type == events::promoted) {
    remember(st, at_ms, "promote " + st.candidate + " (was " + st.stable + ")");
    st.stable = st.candidate;
    st.last_outcome = "promoted " + st.candidate;
    end_rollout(st);
  } else if (type == events::rolled_back) {
    auto reason = field<std::string>(data, "reason", "by command");
    remember(st, at_ms, "roll back " + st.candidate + ": " + reason);
    st.last_outcome = "rolled back " + st.candidate + ": " + reason;
    end_rollout(st);
  } else if (type == events::guard_set) {
    update_from_json(st.guard, data);
    remember(st, at_ms, "guard " + to_json(st.guard).dump());
  } else if (type == events::scheduled) {
    st.schedule.steps_bp = field<std::vector<uint32_t>>(data, "steps_bp", {});
    st.schedule.hold_s = field<uint32_t>(data, "hold_s", 60);
    st.schedule.promote_at_end = field<bool>(data, "promote_at_end", false);
    st.schedule.reached = 0;
    st.schedule.next_at_ms = field<int64_t>(data, "next_at_ms", 0);
    remember(st, at_ms, "schedule " + to_json(st.schedule).dump());
  }
}

nlohmann::json to_json(const guard_bounds& x) {
  return {{"enabled", x.enabled},
          {"max_mismatch_rate", x.max_mismatch_rate},
          {"max_error_rate_increase", x.max_error_rate_increase},
          {"max_p99_ratio", x.max_p99_ratio},
          {"p99_slack_ms", x.p99_slack_ms},
          {"min_samples", x.min_samples},
          {"window_s", x.window_s}};
}

void update_from_json(guard_bounds& x, const nlohmann::json& doc) {
  if (!doc.is_object())
    throw std::invalid_argument("guard: expected an object");
  if (auto i = doc.find("enabled"); i != doc.end()) {
    if (!i->is_boolean())
      throw std::invalid_argument("enabled: expected true or false");
    x.enabled = i->get<bool>();
  }
  x.max_mismatch_rate = number_field(doc, "max_mismatch_rate", x.max_mismatch_rate, 0, 1);
  x.max_error_rate_increase =
      number_field(doc, "max_error_rate_increase", x.max_error_rate_increase, 0, 1);
  x.max_p99_ratio = number_field(doc, "max_p99_ratio", x.max_p99_ratio, 1, 1000);
  x.p99_slack_ms = number_field(doc, "p99_slack_ms", x.p99_slack_ms, 0, 60'000);
  x.min_samples = static_cast<uint64_t>(
      number_field(doc, "min_samples", static_cast<double>(x.min_samples), 1, 1e9));
  x.window_s = static_cast<uint32_t>(number_field(doc, "window_s", x.window_s, 1, 3600));
}

nlohmann::json to_json(const ramp_schedule& x) {
  auto steps = nlohmann::json::array();
  for (auto bp : x.steps_bp)
    steps.push_back(bp / 100.0);
  return {{"steps_percent", steps}, {"steps_bp", x.steps_bp},
          {"hold_s", x.hold_s},     {"promote_at_end", x.promote_at_end},
          {"reached", x.reached},   {"next_at_ms", x.next_at_ms}};
}

nlohmann::json to_json(const rollout_state& st) {
  auto history = nlohmann::json::array();
  for (auto& rec : st.history)
    history.push_back({{"at_ms", rec.at_ms}, {"what", rec.what}});
  nlohmann::json doc{{"stable", st.stable},           {"candidate", st.candidate},
                     {"phase", to_string(st.phase)},  {"mirror_percent", st.mirror_bp / 100.0},
                     {"noise_floor", st.noise_floor}, {"ramp_percent", st.ramp_bp / 100.0},
                     {"guard", to_json(st.guard)},    {"last_outcome", st.last_outcome},
                     {"rollout_id", st.rollout_id},   {"history", history}};
  if (!st.schedule.steps_bp.empty())
    doc["schedule"] = to_json(st.schedule);
  return doc;
}

rollout_state state_from_json(const nlohmann::json& doc) {
  auto bp = [](double percent) { return static_cast<uint32_t>(std::lround(percent * 100)); };
  rollout_state st;
  st.stable = doc.at("stable").get<std::string>();
  st.candidate = doc.at("candidate").get<std::string>();
  auto ph = doc.at("phase").get<std::string>();
  st.phase = ph == "ghost" ? phase::ghost : ph == "ramp" ? phase::ramp : phase::none;
  st.mirror_bp = bp(doc.at("mirror_percent").get<double>());
  st.noise_floor = doc.at("noise_floor").get<bool>();
  st.ramp_bp = bp(doc.at("ramp_percent").get<double>());
  update_from_json(st.guard, doc.at("guard"));
  st.last_outcome = doc.at("last_outcome").get<std::string>();
  st.rollout_id = doc.at("rollout_id").get<uint64_t>();
  for (auto& rec : doc.at("history"))
    st.history.push_back({rec.at("at_ms").get<int64_t>(), rec.at("what").get<std::string>()});
  if (auto i = doc.find("schedule"); i != doc.end()) {
    st.schedule.steps_bp = i->at("steps_bp").get<std::vector<uint32_t>>();
    st.schedule.hold_s = i->at("hold_s").get<uint32_t>();
    st.schedule.promote_at_end = i->at("promote_at_end").get<bool>();
    st.schedule.reached = i->at("reached").get<size_t>();
    st.schedule.next_at_ms = i->at("next_at_ms").get<int64_t>();
  }
  return st;
}

uint32_t parse_percent(const nlohmann::json& value) {
  double x = 0;
  if (value.is_number()) {
    x = value.get<double>();
  } else if (value.is_string()) {
    auto text = value.get<std::string>();
    if (!text.empty() && text.back() == '%')
      text.pop_back();
    size_t used = 0;
    try {
      x = std::stod(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size())
      throw std::invalid_argument("percentage: expected a number from 0 to 100, got \"" +
                                  value.get<std::string>() + "\"");
  } else {
    throw std::invalid_argument("percentage: expected a number from 0 to 100");
  }
  if (!(x >= 0 && x <= 100))
    throw std::invalid_argument("percentage: expected a number from 0 to 100");
  return static_cast<uint32_t>(std::lround(x * 100));
}

}  // namespace griddle::rollout
