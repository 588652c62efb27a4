// The `toggle`, `experiment` and `flags` commands: requests to
// /admin/v1/flags, /admin/v1/toggles and /admin/v1/experiments.
#include <cmath>

#include "admin/detail/command_parsers.hpp"

namespace griddle::admin::detail {

namespace {

command get(std::string target, view shows) {
  command cmd;
  cmd.request = {"GET", std::move(target), std::nullopt};
  cmd.shows = shows;
  return cmd;
}

command flags_document(const argument_list& args, view shows) {
  args.at_most(0);
  return get("/admin/v1/flags", shows);
}

command remove(const argument_list& args, const std::string& collection) {
  args.at_most(1);
  command cmd;
  cmd.request = {"DELETE", collection + "/" + path_segment(args.required(0, "NAME")), std::nullopt};
  cmd.shows = view::deleted;
  return cmd;
}

/// "18-30", "18-" or "-30", in years.
void read_ages(const argument_list& args, const std::string& text, nlohmann::json& rule) {
  auto dash = text.find('-');
  if (dash == std::string::npos || (dash == 0 && text.size() == 1))
    args.fail("bad --age '" + text + "': expected MIN-MAX, MIN- or -MAX");
  auto min = text.substr(0, dash);
  auto max = text.substr(dash + 1);
  if (!min.empty())
    rule["age_min"] = args.integer(min, "--age MIN", 0, 200);
  if (!max.empty())
    rule["age_max"] = args.integer(max, "--age MAX", 0, 200);
  if (!min.empty() && !max.empty() && rule["age_min"] > rule["age_max"])
    args.fail("bad --age '" + text + "': MIN exceeds MAX");
}

}  // namespace

command parse_flags(const argument_list& args) {
  return flags_document(args, view::flags);
}

command parse_toggle_list(const argument_list& args) {
  return flags_document(args, view::toggles);
}

command parse_experiment_list(const argument_list& args) {
  return flags_document(args, view::experiments);
}

command parse_toggle_set(const argument_list& args) {
  args.at_most(1);
  const auto& name = args.required(0, "NAME");
  double percent = 0;
  if (auto text = args.value("--percent"))
    percent = args.number(*text, "--percent", 0, 100);
  auto rule = nlohmann::json::object();
  if (auto text = args.value("--users"))
    rule["user_ids"] = split_list(*text, "--users", args.usage());
  if (auto text = args.value("--cities"))
    rule["cities"] = split_list(*text, "--cities", args.usage());
  if (auto text = args.value("--age"))
    read_ages(args, *text, rule);
  auto rules = nlohmann::json::array();
  if (!rule.empty())
    rules.push_back(std::move(rule));
  command cmd;
  cmd.request = {"PUT", "/admin/v1/toggles/" + path_segment(name),
                 nlohmann::json{{"name", name},
                                {"enabled", args.either("--on", "--off").value_or(true)},
                                {"percentage_bp", std::lround(percent * 100)},
                                {"rules", std::move(rules)}}};
  cmd.shows = view::toggle;
  return cmd;
}

command parse_toggle_delete(const argument_list& args) {
  return remove(args, "/admin/v1/toggles");
}

command parse_experiment_set(const argument_list& args) {
  const auto& name = args.required(0, "NAME");
  if (args.positionals().size() < 2)
    args.fail("missing ARM=WEIGHT");
  auto arms = nlohmann::json::array();
  for (size_t i = 1; i < args.positionals().size(); ++i) {
    const auto& word = args.positionals()[i];
    auto eq = word.find('=');
    if (eq == std::string::npos || eq == 0)
      args.fail("bad arm '" + word + "': expected ARM=WEIGHT");
    arms.push_back({{"name", word.substr(0, eq)},
                    {"weight", args.integer(word.substr(eq + 1), "WEIGHT", 0, 1'000'000)}});
  }
  auto target = "/admin/v1/experiments/" + path_segment(name);
  if (args.has("--reshuffle"))
    target += "?reshuffle=true";
  command cmd;
  cmd.request = {"PUT", std::move(target),
                 nlohmann::json{{"name", name},
                                {"enabled", args.either("--on", "--off").value_or(true)},
                                {"arms", std::move(arms)},
                                {"rules", nlohmann::json::array()}}};
  cmd.shows = view::experiment;
  return cmd;
}

command parse_experiment_delete(const argument_list& args) {
  return remove(args, "/admin/v1/experiments");
}

command parse_experiment_results(const argument_list& args) {
  args.at_most(1);
  return get("/admin/v1/experiments/" + path_segment(args.required(0, "NAME")) + "/results",
             view::results);
}

}  // namespace griddle::admin::detail
