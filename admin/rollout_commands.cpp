// The `rollout` commands: requests to /admin/v1/rollouts.
#include <cctype>
#include <cmath>

#include "admin/detail/command_parsers.hpp"

namespace griddle::admin::detail {

namespace {

const std::string rollouts = "/admin/v1/rollouts";

std::string type_path(const argument_list& args) {
  return rollouts + "/" + path_segment(args.required(0, "TYPE"));
}

command post(std::string target, nlohmann::json body) {
  command cmd;
  cmd.request = {"POST", std::move(target), std::move(body)};
  return cmd;
}

/// A rate as a fraction in [0, 1]: "0.01" or "1%".
double rate(const argument_list& args, const std::string& text, const char* what) {
  if (!text.empty() && text.back() == '%')
    return args.number(text.substr(0, text.size() - 1), what, 0, 100) / 100;
  return args.number(text, what, 0, 1);
}

}  // namespace

std::string path_segment(const std::string& text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string result;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      result += static_cast<char>(c);
    } else {
      result += '%';
      result += hex[c >> 4];
      result += hex[c & 0xF];
    }
  }
  return result;
}

nlohmann::json json_number(double x) {
  double whole = 0;
  if (std::modf(x, &whole) == 0 && std::fabs(whole) < 9e15)
    return static_cast<int64_t>(whole);
  return x;
}

command parse_rollout_status(const argument_list& args) {
  args.at_most(1);
  command cmd;
  if (args.positionals().empty()) {
    cmd.request = {"GET", rollouts, std::nullopt};
    cmd.shows = view::status_list;
  } else {
    cmd.request = {"GET", type_path(args), std::nullopt};
  }
  return cmd;
}

command parse_rollout_ghost(const argument_list& args) {
  args.at_most(2);
  auto target = type_path(args) + "/start";
  const auto& version = args.required(1, "VERSION");
  double mirror = 100;
  if (auto text = args.value("--mirror"))
    mirror = args.number(*text, "--mirror PERCENT", 0, 100);
  return post(std::move(target), {{"candidate", version},
                                  {"mirror_percent", json_number(mirror)},
                                  {"noise_floor", !args.has("--no-noise-floor")}});
}

command parse_rollout_ramp(const argument_list& args) {
  args.at_most(2);
  auto target = type_path(args) + "/ramp";
  auto percent = args.number(args.required(1, "PERCENT"), "PERCENT", 0, 100);
  return post(std::move(target), {{"percent", json_number(percent)}});
}

command parse_rollout_schedule(const argument_list& args) {
  args.at_most(2);
  auto target = type_path(args) + "/schedule";
  auto steps = nlohmann::json::array();
  for (const auto& step : split_list(args.required(1, "STEP,STEP,..."), "steps", args.usage()))
    steps.push_back(json_number(args.number(step, "STEP", 0, 100)));
  uint64_t hold = 60;
  if (auto text = args.value("--hold"))
    hold = args.integer(*text, "--hold SECONDS", 1, 86'400);
  return post(
      std::move(target),
      {{"steps", steps}, {"hold_s", hold}, {"promote_at_end", args.has("--promote-at-end")}});
}

command parse_rollout_promote(const argument_list& args) {
  args.at_most(1);
  return post(type_path(args) + "/promote", nlohmann::json::object());
}

command parse_rollout_rollback(const argument_list& args) {
  auto target = type_path(args) + "/rollback";
  std::string reason;
  for (size_t i = 1; i < args.positionals().size(); ++i)
    reason += (i > 1 ? " " : "") + args.positionals()[i];
  auto body = nlohmann::json::object();
  if (!reason.empty())
    body["reason"] = reason;
  return post(std::move(target), std::move(body));
}

command parse_rollout_guard(const argument_list& args) {
  args.at_most(1);
  auto target = type_path(args) + "/guard";
  auto body = nlohmann::json::object();
  if (auto on = args.either("--on", "--off"))
    body["enabled"] = *on;
  if (auto text = args.value("--max-mismatch-rate"))
    body["max_mismatch_rate"] = rate(args, *text, "--max-mismatch-rate");
  if (auto text = args.value("--max-error-rate-increase"))
    body["max_error_rate_increase"] = rate(args, *text, "--max-error-rate-increase");
  if (auto text = args.value("--max-p99-ratio"))
    body["max_p99_ratio"] = json_number(args.number(*text, "--max-p99-ratio", 1, 1000));
  if (auto text = args.value("--p99-slack-ms"))
    body["p99_slack_ms"] = json_number(args.number(*text, "--p99-slack-ms", 0, 60'000));
  if (auto text = args.value("--min-samples"))
    body["min_samples"] = args.integer(*text, "--min-samples", 1, 1'000'000'000);
  if (auto text = args.value("--window"))
    body["window_s"] = args.integer(*text, "--window SECONDS", 1, 3600);
  if (body.empty())
    args.fail("nothing to change: give --on, --off or a bound");
  return post(std::move(target), std::move(body));
}

command parse_rollout_mismatches(const argument_list& args) {
  args.at_most(1);
  command cmd;
  cmd.request = {"GET", type_path(args) + "/mismatches", std::nullopt};
  cmd.shows = view::mismatches;
  if (auto text = args.value("--limit"))
    cmd.limit = args.integer(*text, "--limit", 1, 1'000'000);
  return cmd;
}

command parse_rollout_watch(const argument_list& args) {
  args.at_most(1);
  command cmd;
  cmd.request = {"GET", type_path(args), std::nullopt};
  watch_plan plan;
  if (auto text = args.value("--interval"))
    plan.interval_s = args.number(*text, "--interval SECONDS", 0.01, 86'400);
  if (auto text = args.value("--count"))
    plan.count = args.integer(*text, "--count", 1, 1'000'000'000);
  cmd.watch = plan;
  return cmd;
}

}  // namespace griddle::admin::detail
