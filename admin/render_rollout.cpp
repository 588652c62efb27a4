// Renderings of rollout documents: STATUS, the list of them, and SAMPLEs.
#include <algorithm>
#include <cstdint>

#include "admin/detail/render_parts.hpp"
#include "admin/render.hpp"

namespace griddle::admin::detail {

namespace {

/// History entries shown; older ones are counted, not listed.
constexpr size_t history_shown = 10;

std::string on_off(const nlohmann::json& doc, const char* key, bool fallback) {
  auto i = doc.find(key);
  bool on = i != doc.end() && i->is_boolean() ? i->get<bool>() : fallback;
  return on ? "on" : "off";
}

void schedule_line(const nlohmann::json& schedule, std::ostream& out) {
  const auto& steps = child(schedule, "steps_percent");
  if (!steps.is_array() || steps.empty())
    return;
  out << "  schedule:";
  for (const auto& step : steps)
    out << ' ' << share(step.is_number() ? step.get<double>() : 0);
  out << ", hold " << figure(number(schedule, "hold_s")) << " s, at step "
      << figure(number(schedule, "reached") + 1) << " of " << steps.size();
  if (auto next = static_cast<int64_t>(number(schedule, "next_at_ms")); next > 0)
    out << ", next at " << format_utc(next);
  if (on_off(schedule, "promote_at_end", false) == "on")
    out << ", then promote";
  out << '\n';
}

void stats_lines(const std::string& phase, const nlohmann::json& stats, std::ostream& out) {
  const auto& window = child(stats, "window");
  auto window_s = number(stats, "window_s");
  if (phase == "ghost") {
    auto compared = number(stats, "compared");
    auto mismatched = number(stats, "mismatched");
    out << "  compared " << figure(compared) << ", mismatched " << figure(mismatched) << " ("
        << rate(compared > 0 ? mismatched / compared : 0) << "), noise suppressed "
        << figure(number(stats, "noise_suppressed")) << ", ghost failures "
        << figure(number(stats, "ghost_failures")) << '\n';
    out << "  window " << figure(window_s) << " s: live p99 "
        << fixed(number(child(window, "live"), "p99_ms"), 2) << " ms, ghost p99 "
        << fixed(number(child(window, "ghost"), "p99_ms"), 2) << " ms; mismatch rate "
        << rate(number(child(window, "comparisons"), "rate")) << '\n';
  } else if (phase == "ramp") {
    auto side = [&](const char* name) {
      const auto& s = child(window, name);
      out << name << ' ' << figure(number(s, "count")) << " requests, " << rate(number(s, "rate"))
          << " errors, p99 " << fixed(number(s, "p99_ms"), 2) << " ms";
    };
    out << "  window " << figure(window_s) << " s: ";
    side("stable");
    out << "; ";
    side("candidate");
    out << '\n';
  }
  const auto& by_message = child(stats, "mismatches_by_message");
  if (by_message.is_object() && !by_message.empty()) {
    out << "  by message:";
    const char* separator = " ";
    for (const auto& [kind, count] : by_message.items()) {
      out << separator << kind << ' ' << count.dump();
      separator = ", ";
    }
    out << '\n';
  }
  const auto& noisy = child(stats, "noisy_fields");
  if (noisy.is_array() && !noisy.empty()) {
    out << "  noisy fields:";
    const char* separator = " ";
    for (const auto& field : noisy) {
      out << separator << (field.is_string() ? field.get<std::string>() : field.dump());
      separator = ", ";
    }
    out << '\n';
  }
}

void guard_line(const nlohmann::json& guard, std::ostream& out) {
  if (!guard.is_object())
    return;
  out << "  guard: " << on_off(guard, "enabled", false)
      << ", mismatch <= " << rate(number(guard, "max_mismatch_rate"))
      << ", error increase <= " << fixed(number(guard, "max_error_rate_increase") * 100, 2)
      << " pt, p99 <= " << fixed(number(guard, "max_p99_ratio"), 2) << " x + "
      << fixed(number(guard, "p99_slack_ms"), 2) << " ms, min "
      << figure(number(guard, "min_samples")) << " samples, window "
      << figure(number(guard, "window_s")) << " s\n";
}

void history_lines(const nlohmann::json& history, std::ostream& out) {
  if (!history.is_array() || history.empty())
    return;
  size_t first = history.size() > history_shown ? history.size() - history_shown : 0;
  out << "  history";
  if (first > 0)
    out << " (last " << history_shown << " of " << history.size() << ")";
  out << ":\n";
  for (size_t i = first; i < history.size(); ++i)
    out << "    " << format_utc(static_cast<int64_t>(number(history[i], "at_ms"))) << "  "
        << text(history[i], "what") << '\n';
}

}  // namespace

void render_status(const nlohmann::json& status, std::ostream& out) {
  auto phase = text(status, "phase");
  out << text(status, "type") << ": phase " << phase << ", stable " << text(status, "stable");
  if (phase == "ghost")
    out << ", candidate " << text(status, "candidate") << " (mirroring "
        << share(number(status, "mirror_percent")) << " of keys, noise floor "
        << on_off(status, "noise_floor", true) << ")";
  else if (phase == "ramp")
    out << ", candidate " << text(status, "candidate") << " ("
        << share(number(status, "ramp_percent")) << " of keys on the candidate)";
  out << '\n';
  if (phase == "ramp")
    schedule_line(child(status, "schedule"), out);
  if (const auto& stats = child(status, "stats"); stats.is_object())
    stats_lines(phase, stats, out);
  guard_line(child(status, "guard"), out);
  if (const auto& versions = child(status, "versions"); versions.is_array() && !versions.empty()) {
    out << "  versions:";
    for (const auto& v : versions)
      out << ' ' << (v.is_string() ? v.get<std::string>() : v.dump());
    out << '\n';
  }
  if (auto last = text(status, "last_outcome"); !last.empty())
    out << "  last: " << last << '\n';
  history_lines(child(status, "history"), out);
}

void render_status_list(const nlohmann::json& doc, std::ostream& out) {
  const auto& list = child(doc, "rollouts");
  if (!list.is_array() || list.empty()) {
    out << "no rollouts\n";
    return;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0)
      out << '\n';
    render_status(list[i], out);
  }
}

void render_mismatches(const nlohmann::json& doc, std::ostream& out) {
  const auto& samples = child(doc, "samples");
  auto type = text(doc, "type");
  if (!samples.is_array() || samples.empty()) {
    out << type << ": no mismatch samples\n";
    return;
  }
  out << type << ": " << samples.size() << " mismatch sample" << (samples.size() == 1 ? "" : "s")
      << ", newest last\n";
  for (const auto& sample : samples) {
    auto message = text(sample, "message");
    out << "  " << format_utc(static_cast<int64_t>(number(sample, "at_ms"))) << "  key "
        << text(sample, "key") << "  " << (message.empty() ? text(sample, "message_kind") : message)
        << '\n';
    if (auto failure = text(child(sample, "ghost"), "failure"); !failure.empty())
      out << "    ghost failed: " << failure << '\n';
    for (const auto& line : child(sample, "diff"))
      out << "    " << (line.is_string() ? line.get<std::string>() : line.dump()) << '\n';
  }
}

}  // namespace griddle::admin::detail
